"""Voting codes and their slips: who holds one, issuing, a lost slip, reissuing them all, the address the QR codes carry."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from voting.services import codes, votes
from voting.web import body_address, reading, writing
from voting.web.address import ballot_address
from voting.web.api.access import READERS, WRITERS, current_actor, secret, staff
from voting.web.api.fields import ID_MAX, ROW_ID, Flag, Text
from voting.web.api.parsing import Blueprint
from voting.web.api.schemas import IDS, DeputySchema

# --- schemas: beside their one blueprint, as the glyph report's are in exports -------------------------


class CodeInSchema(Schema):
    deputy_id = fields.Integer(required=True, validate=ROW_ID)
    reissue = Flag(
        load_default=False,
        metadata={"description": "A lost slip: void the deputy's working code and issue a new one (else code_held)"},
    )


class CodeSchema(Schema):
    deputy_id = fields.Integer()
    code = Text(metadata={"description": "Shown once, to print on the deputy's slip"})


class IssuedCodeSchema(CodeSchema):
    number = fields.Integer(metadata={"description": "The deputy's number (seat) on the roster"})
    name = Text()


class CodesInSchema(Schema):
    deputy_ids = fields.List(fields.Integer(validate=ROW_ID), required=True, validate=IDS)


class CodeHolderSchema(DeputySchema):
    holds_code = fields.Boolean(metadata={"description": "Holds a working code for this vote (a slip in hand)"})


class ReissueAllSchema(Schema):
    confirm = Flag(required=True, metadata={"description": "Must be true: every printed slip stops working"})
    voids = fields.Integer(
        required=True,
        validate=validate.Range(min=0, max=ID_MAX),
        metadata={"description": "The working codes the clerk was told this voids; refused (voids_changed) if not so"},
    )

    @validates_schema
    def _confirmed(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("confirm") is not True:
            raise ValidationError("voiding every printed slip must be confirmed", "confirm")


class BallotAddressSchema(Schema):
    base = Text(metadata={"description": "What the QR codes carry before /ballot?code=…"})
    configured = fields.Boolean(
        metadata={"description": "Set by VOTING_PUBLIC_URL (else the address this request used)"}
    )
    problem = Text(
        allow_none=True,
        metadata={
            "description": "Why phones could not open it: malformed, loopback, unspecified, link_local, local_name, unreachable"
        },
    )


blp = Blueprint("codes", __name__, url_prefix="/api/v1", description="Voting codes (投票码) and their slips")


def _issued(items: list[codes.Issued]) -> list[dict[str, Any]]:
    return [{"deputy_id": i.deputy.id, "number": i.deputy.number, "name": i.deputy.name, "code": i.code} for i in items]


@blp.route("/votes/<int:vote_id>/codes")
class Codes(MethodView):
    @blp.response(200, CodeHolderSchema(many=True))
    @staff(READERS)
    def get(self, vote_id: int) -> list[dict[str, Any]]:
        """The meeting's deputies in number order, with whether each holds a working code (never the code)."""
        with reading() as db:
            return [{**h.deputy.model_dump(), "holds_code": h.holds_code} for h in codes.holders(db, vote_id)]

    @blp.arguments(CodeInSchema)
    @blp.response(201, CodeSchema)
    @staff(WRITERS)
    def post(self, data: dict[str, Any], vote_id: int) -> dict[str, Any]:
        """Issue a voting code to a checked-in deputy; shown only here.

        One who holds a working code is refused (``code_held``) unless ``reissue``
        is true: a lost slip, whose code then stops working.
        """
        actor = current_actor()
        with writing() as db:
            code = votes.issue_code(db, vote_id, data["deputy_id"], secret=secret(), by=actor, reissue=data["reissue"])
        return {"deputy_id": data["deputy_id"], "code": code}


@blp.route("/votes/<int:vote_id>/codes/batch")
class ManyCodes(MethodView):
    @blp.arguments(CodesInSchema)
    @blp.response(201, CodeSchema(many=True))
    @staff(WRITERS)
    def post(self, data: dict[str, Any], vote_id: int) -> list[dict[str, Any]]:
        """Issue voting codes to many checked-in deputies at once (a sheet of slips); all or none, never a reissue."""
        actor = current_actor()
        ids = list(dict.fromkeys(data["deputy_ids"]))
        with writing() as db:
            issued = votes.issue_codes(db, vote_id, ids, secret=secret(), by=actor)
        return [{"deputy_id": deputy_id, "code": code} for deputy_id, code in zip(ids, issued, strict=True)]


@blp.route("/votes/<int:vote_id>/codes/missing")
class MissingCodes(MethodView):
    @blp.response(201, IssuedCodeSchema(many=True))
    @staff(WRITERS)
    def post(self, vote_id: int) -> list[dict[str, Any]]:
        """Issue codes to every checked-in deputy who holds none (the clerk's default); never voids a slip."""
        actor = current_actor()
        with writing() as db:
            return _issued(codes.issue_missing(db, vote_id, secret=secret(), by=actor))


@blp.route("/votes/<int:vote_id>/codes/reissue-all")
class ReissueAll(MethodView):
    @blp.arguments(ReissueAllSchema)
    @blp.response(201, IssuedCodeSchema(many=True))
    @staff(WRITERS)
    def post(self, data: dict[str, Any], vote_id: int) -> list[dict[str, Any]]:
        """Void every working code (``voids``: how many, as the clerk confirmed) and issue new ones to the checked-in."""
        actor = current_actor()
        with writing() as db:
            return _issued(codes.reissue_all(db, vote_id, voids=data["voids"], secret=secret(), by=actor))


@blp.route("/votes/<int:vote_id>/codes/<int:deputy_id>")
class OneCode(MethodView):
    @blp.response(204)
    @staff(WRITERS)
    def delete(self, vote_id: int, deputy_id: int) -> None:
        """Revoke a deputy's code; issue a new one with POST."""
        actor = current_actor()
        with writing() as db:
            votes.revoke_code(db, vote_id, deputy_id, by=actor)


@blp.route("/ballot-address")
class Address(MethodView):
    @blp.response(200, BallotAddressSchema)
    @staff(READERS)
    def get(self) -> dict[str, Any]:
        """The address the slips' QR codes carry (``VOTING_PUBLIC_URL``, else this request's) and its problem, if any."""
        found = ballot_address(
            current_app.config.get("PUBLIC_URL"), request.url_root, request.environ.get(body_address.BODY)
        )
        return {"base": found.base, "configured": found.configured, "problem": found.problem}
