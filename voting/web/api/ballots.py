"""Deputies' side: open the ballot with a voting code, cast it, check a receipt.

Nothing here is logged: a request carries a code and a ballot together, and
only the cast service sees both (docs/secrecy.md).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlmodel import col, select

from voting.domain.lifecycle import RoundState
from voting.services import casting, publication, votes
from voting.services.errors import Conflict
from voting.services.records import get_vote, rules_of
from voting.store.models import Round, Vote, VotingCode
from voting.web import get_db
from voting.web.api.access import reading, secret
from voting.web.api.schemas import BallotPaperSchema, BallotRequestSchema, CastSchema, ReceiptCheckSchema, ReceiptSchema
from voting.web.limits import guarded_by_code

blp = Blueprint("ballots", __name__, url_prefix="/api/v1", description="Deputies: ballot, cast, receipt")


@blp.route("/ballot")
class BallotPaper(MethodView):
    @blp.arguments(BallotRequestSchema)
    @blp.response(200, BallotPaperSchema)
    @guarded_by_code
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """The ballot of the round now open, for the deputy holding this code."""
        with reading() as db:
            holder = votes.holder_of(db, secret(), data["code"])
            vote = get_vote(db, holder.vote_id)
            round_ = db.exec(select(Round).where(Round.vote_id == vote.id, Round.state == RoundState.OPEN)).first()
            if round_ is None:
                raise Conflict("round_not_open", "no round of this vote is open for voting")
            on_ballot = set(round_.projects)
            projects = [c for c in votes.candidates_of(db, holder.vote_id) if c.number in on_ballot]
            return {
                "vote_id": vote.id,
                "title_zh": vote.title_zh,
                "title_en": vote.title_en,
                "training": vote.training,
                "round_number": round_.number,
                "kind": round_.kind,
                "seats": round_.seats,
                "ballot_style": rules_of(vote).ballot_style.value,
                "projects": [p.model_dump() for p in projects],
            }


@blp.route("/ballots")
class Ballots(MethodView):
    @blp.arguments(CastSchema)
    @blp.response(201, ReceiptSchema)
    @guarded_by_code
    def post(self, data: dict[str, Any]) -> tuple[dict[str, Any], int]:
        """Cast a ballot; a retry with the same ``idempotency_key`` returns the same receipt (status 200)."""
        marks = casting.make_marks(data["approvals"], data["opposes"], data["abstains"])
        receipt = casting.cast_ballot(
            get_db(current_app),
            secret=secret(),
            code=data["code"],
            marks=marks,
            idempotency_key=data["idempotency_key"],
        )
        with reading() as db:
            # A code names one vote, which is a training vote (演练) or not for good.
            by_code = select(Vote.training).join(VotingCode, col(VotingCode.vote_id) == col(Vote.id))
            training = db.exec(by_code.where(VotingCode.code_hash == votes.code_hash(secret(), data["code"]))).first()
        answer = {"receipt": receipt.receipt, "round_number": receipt.round_number, "replayed": receipt.replayed}
        return {**answer, "training": bool(training)}, (200 if receipt.replayed else 201)


@blp.route("/receipts/<string(maxlength=40):receipt>")
class Receipt(MethodView):
    @blp.response(200, ReceiptCheckSchema)
    def get(self, receipt: str) -> Any:
        """Once the result is published: the ballot with this receipt, as counted."""
        with reading() as db:
            checked = publication.check_receipt(db, receipt)
            return {**dataclasses.asdict(checked), "training": get_vote(db, checked.vote_id).training}
