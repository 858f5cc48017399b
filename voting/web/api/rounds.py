"""One round: turnout, who has not voted, paper ballots, closing, counting, the ballot list."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from flask import Response, current_app
from flask.views import MethodView

from voting.domain.lifecycle import VoteState
from voting.services import paper, publication, rounds
from voting.services.errors import NotFound
from voting.services.records import get_round, get_vote
from voting.services.rounds import round_view
from voting.services.turnout import turnout
from voting.web import get_db, reading, writing
from voting.web.api.access import READERS, WRITERS, current_actor, is_staff, public, public_once_published, staff
from voting.web.api.parsing import Blueprint
from voting.web.api.schemas import (
    AcceptedSchema,
    ConfirmSchema,
    DeputySchema,
    IssuedSchema,
    PaperBatchInSchema,
    PaperBatchSchema,
    PaperIssueSchema,
    RoundSchema,
    TurnoutSchema,
)
from voting.web.loop import on_event_loop

if TYPE_CHECKING:
    from voting.store.models import Deputy

blp = Blueprint("rounds", __name__, url_prefix="/api/v1/rounds", description="Rounds (轮次): the vote as it happens")


def _round(db: Any, round_id: int) -> dict[str, Any]:
    round_ = get_round(db, round_id)
    return round_view(round_, get_vote(db, round_.vote_id))


@blp.route("/<int:round_id>")
class OneRound(MethodView):
    @blp.response(200, RoundSchema)
    @staff(READERS)
    def get(self, round_id: int) -> dict[str, Any]:
        with reading() as db:
            return _round(db, round_id)


@blp.route("/<int:round_id>/turnout")
@on_event_loop
class Turnout(MethodView):
    @blp.response(200, TurnoutSchema)
    @public
    def get(self, round_id: int) -> dict[str, Any]:
        """Ballots issued and returned, for the hall screen: public, and never a partial tally."""
        with reading() as db:
            return dataclasses.asdict(turnout(db, round_id))


@blp.route("/<int:round_id>/not-voted")
class NotVoted(MethodView):
    @blp.response(200, DeputySchema(many=True))
    @staff(READERS)
    def get(self, round_id: int) -> list[Deputy]:
        """Checked-in deputies who have not voted yet (names only, never choices)."""
        with reading() as db:
            return rounds.not_voted(db, round_id)


@blp.route("/<int:round_id>/paper")
class IssuePaper(MethodView):
    @blp.arguments(PaperIssueSchema)
    @blp.response(200, IssuedSchema)
    @staff(WRITERS)
    def post(self, data: dict[str, Any], round_id: int) -> dict[str, int]:
        """Give paper ballots to the deputies named, or to every deputy who has not voted (the electronic path failed)."""
        actor = current_actor()
        with writing() as db:
            return {"issued": rounds.issue_paper(db, round_id, data["deputies"], by=actor)}


@blp.route("/<int:round_id>/close")
class Close(MethodView):
    @blp.arguments(ConfirmSchema)
    @blp.response(200, RoundSchema)
    @staff(WRITERS)
    def post(self, data: dict[str, Any], round_id: int) -> dict[str, Any]:
        """Close the round (after confirmation): a ballot in flight is counted before it or refused after it."""
        actor = current_actor()
        rounds.close_round(get_db(current_app), round_id, by=actor)
        with reading() as db:
            return _round(db, round_id)


@blp.route("/<int:round_id>/count")
class Count(MethodView):
    @blp.response(200, RoundSchema)
    @staff(WRITERS)
    def post(self, round_id: int) -> dict[str, Any]:
        """Count a closed round; its result says which round, if any, comes next."""
        actor = current_actor()
        rounds.count_round(get_db(current_app), round_id, by=actor)
        with reading() as db:
            return _round(db, round_id)


def _batch(db: Any, round_id: int, batch: str) -> dict[str, Any]:
    entries, diffs = paper.differences(db, round_id, batch)
    if not entries:
        raise NotFound("no_batch", batch=batch)
    return {
        "batch": batch,
        "entries": [{"entry": e.entry, "clerk": e.clerk, "ballots": len(e.ballots)} for e in entries],
        "differences": [dataclasses.asdict(d) for d in diffs],
        "accepted": all(e.accepted for e in entries),
    }


BATCH = "<string(maxlength=40):batch>"


@blp.route(f"/<int:round_id>/paper-batches/{BATCH}")
class PaperBatch(MethodView):
    @blp.response(200, PaperBatchSchema)
    @staff(READERS)
    def get(self, round_id: int, batch: str) -> dict[str, Any]:
        """The batch's two entries and where they differ (the reconciliation view)."""
        with reading() as db:
            return _batch(db, round_id, batch)


@blp.route(f"/<int:round_id>/paper-batches/{BATCH}/entries/<int:entry>")
class PaperBatchEntry(MethodView):
    @blp.arguments(PaperBatchInSchema)
    @blp.response(200, PaperBatchSchema)
    @staff(WRITERS)
    def put(self, data: dict[str, Any], round_id: int, batch: str, entry: int) -> dict[str, Any]:
        """One clerk's entry (1 or 2) of a batch of paper ballots, in the order of the pile; a correction replaces it."""
        actor = current_actor()
        with writing() as db:
            paper.enter_batch(db, round_id, batch, entry, data["ballots"], by=actor)
            return _batch(db, round_id, batch)


@blp.route(f"/<int:round_id>/paper-batches/{BATCH}/accept")
class AcceptBatch(MethodView):
    @blp.response(200, AcceptedSchema)
    @staff(WRITERS)
    def post(self, round_id: int, batch: str) -> dict[str, Any]:
        """Count a batch whose two entries agree."""
        actor = current_actor()
        with writing() as db:
            return {"batch": batch, "ballots": paper.accept_batch(db, round_id, batch, by=actor)}


@blp.route("/<int:round_id>/ballots.csv")
class BallotList(MethodView):
    @blp.doc(responses={"200": {"content": {"text/csv": {"schema": {"type": "string"}}}}})
    @blp.response(200, content_type="text/csv")
    @public_once_published
    def get(self, round_id: int) -> Response:
        """The anonymous ballot list (DESIGN section 5): public once published, staff once the round is closed."""
        with reading() as db:
            round_ = get_round(db, round_id)
            published = get_vote(db, round_.vote_id).state == VoteState.PUBLISHED
            if not published and not is_staff():
                raise NotFound("not_found", what="ballot list", id=str(round_id))
            text = publication.ballot_list(db, round_)
        name = f"vote{round_.vote_id}-round{round_.number}-ballots{'' if published else '-UNOFFICIAL'}.csv"
        return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})
