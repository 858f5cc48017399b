"""Deputies' side: open the ballot with a voting code, cast it, check a receipt.

Nothing here is logged: a request carries a code and a ballot together, and
only the cast service sees both (docs/secrecy.md).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import current_app
from flask.views import MethodView

from voting.services import cast_batch, casting, publication
from voting.services.ballot_paper import ballot_paper
from voting.web import get_db, reading, request_body
from voting.web.api.access import public, secret
from voting.web.api.parsing import Blueprint
from voting.web.api.schemas import BallotPaperSchema, BallotRequestSchema, CastSchema, ReceiptCheckSchema, ReceiptSchema
from voting.web.limits import guarded_by_code
from voting.web.loop import on_event_loop

blp = Blueprint("ballots", __name__, url_prefix="/api/v1", description="Deputies: ballot, cast, receipt")


@blp.route("/ballot")
@on_event_loop
class BallotPaper(MethodView):
    @blp.arguments(BallotRequestSchema())
    @blp.response(200, BallotPaperSchema)
    @guarded_by_code
    @public
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """The ballot of the round now open, for the deputy holding this code."""
        with reading() as db:
            return ballot_paper(db, secret(), data["code"])


@blp.route("/ballots")
@on_event_loop
class Ballots(MethodView):
    @blp.arguments(CastSchema())
    @blp.response(201, ReceiptSchema)
    @guarded_by_code
    @public
    def post(self, data: dict[str, Any]) -> tuple[casting.Receipt, int]:
        """Cast a ballot; a retry with the same ``idempotency_key`` returns the same receipt (status 200)."""
        marks = casting.make_marks(data["approvals"], data["opposes"], data["abstains"])
        receipt = cast_batch.cast_ballot(
            get_db(current_app),
            secret=secret(),
            code=data["code"],
            marks=marks,
            idempotency_key=data["idempotency_key"],
        )
        return receipt, (200 if receipt.replayed else 201)  # ReceiptSchema reads its fields


@blp.route("/receipts/<string(maxlength=40):receipt>")
@on_event_loop
class Receipt(MethodView):
    @blp.response(200, ReceiptCheckSchema)
    @public
    def get(self, receipt: str) -> Any:
        """Once the result is published: the ballot with this receipt, as counted."""
        with reading() as db:
            return dataclasses.asdict(publication.check_receipt(db, receipt, request_body()))
