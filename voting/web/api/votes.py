"""Votes: candidates and rules, templates, scrutineers, results and publication (voting codes: ``codes``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Response, current_app
from flask.views import MethodView

from voting.domain import RuleSettings
from voting.domain.lifecycle import VoteState
from voting.services import hall, official, results, rounds, votes
from voting.services.auth import body_of
from voting.services.errors import NotFound
from voting.services.records import get_vote
from voting.services.rounds import round_view
from voting.services.votes import CandidateInput, vote_view
from voting.web import reading, time_zone, writing
from voting.web.api import published
from voting.web.api.access import READERS, WRITERS, current_actor, is_staff, public, public_once_published, staff
from voting.web.api.parsing import Blueprint
from voting.web.api.result_schemas import HallSchema, VoteResultSchema
from voting.web.api.schemas import (
    RoundSchema,
    ScrutineersSchema,
    TemplateInSchema,
    VoteInSchema,
    VotePatchSchema,
    VoteSchema,
)
from voting.web.loop import on_event_loop

if TYPE_CHECKING:
    pass

blp = Blueprint("votes", __name__, url_prefix="/api/v1/votes", description="Votes (票决): set-up, rounds, result")


def _candidates(items: list[dict[str, Any]]) -> list[CandidateInput]:
    return [CandidateInput(**item) for item in items]


@blp.route("")
class Votes(MethodView):
    @blp.response(200, VoteSchema(many=True))
    @staff(READERS)
    def get(self) -> list[dict[str, Any]]:
        with reading() as db:
            return [vote_view(db, v) for v in votes.all_votes(db, body_of(current_actor()))]

    @blp.arguments(VoteInSchema)
    @blp.response(201, VoteSchema)
    @staff(WRITERS)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Create a vote with its candidates and rules (a training vote if ``training``; fixed for good)."""
        actor = current_actor()
        with writing() as db:
            vote = votes.create_vote(
                db,
                meeting_id=data["meeting_id"],
                title_zh=data["title_zh"],
                title_en=data["title_en"],
                candidates=_candidates(data["candidates"]),
                rules=RuleSettings.from_dict(data["rules"]),
                training=data["training"],
                by=actor,
            )
            return vote_view(db, vote)


@blp.route("/from-template")
class FromTemplate(MethodView):
    @blp.arguments(TemplateInSchema)
    @blp.response(201, VoteSchema)
    @staff(WRITERS)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Create a vote from a shipped template (the Gongshu 2020 candidates and rules)."""
        actor = current_actor()
        with writing() as db:
            return vote_view(db, votes.create_from_template(db, **data, by=actor))


@blp.route("/<int:vote_id>")
class OneVote(MethodView):
    @blp.response(200, VoteSchema)
    @staff(READERS)
    def get(self, vote_id: int) -> dict[str, Any]:
        with reading() as db:
            return vote_view(db, get_vote(db, vote_id))

    @blp.arguments(VotePatchSchema)
    @blp.response(200, VoteSchema)
    @staff(WRITERS)
    def patch(self, data: dict[str, Any], vote_id: int) -> dict[str, Any]:
        """Change the candidates or rules of a draft vote."""
        actor = current_actor()
        with writing() as db:
            candidates = _candidates(data["candidates"]) if "candidates" in data else None
            rules = RuleSettings.from_dict(data["rules"]) if "rules" in data else None
            return vote_view(db, votes.update_draft(db, vote_id, candidates=candidates, rules=rules, by=actor))


@blp.route("/<int:vote_id>/scrutineers")
class Scrutineers(MethodView):
    @blp.arguments(ScrutineersSchema)
    @blp.response(200, ScrutineersSchema)
    @staff(WRITERS)
    def put(self, data: dict[str, Any], vote_id: int) -> dict[str, Any]:
        """Name the chief scrutineer (总监票人) and scrutineers (监票人) by deputy number."""
        actor = current_actor()
        with writing() as db:
            votes.set_scrutineers(db, vote_id, chief=data["chief"], members=data["members"], by=actor)
        return data


@blp.route("/<int:vote_id>/rounds")
class Rounds(MethodView):
    @blp.response(200, RoundSchema(many=True))
    @staff(READERS)
    def get(self, vote_id: int) -> list[Any]:
        with reading() as db:
            vote = get_vote(db, vote_id)
            return [round_view(r, vote) for r in rounds.rounds_of(db, vote_id)]

    @blp.response(201, RoundSchema)
    @staff(WRITERS)
    def post(self, vote_id: int) -> Any:
        """Open the next round: the first, or the tie-break, shortfall or repeat round the last count called for."""
        actor = current_actor()
        with writing() as db:
            return round_view(rounds.open_round(db, vote_id, by=actor), get_vote(db, vote_id))


@blp.route("/<int:vote_id>/result")
@on_event_loop
class Result(MethodView):
    @blp.response(200, VoteResultSchema)
    @public_once_published
    def get(self, vote_id: int) -> dict[str, Any] | Response:
        """The vote's result: public once published; before that, staff only, and marked unofficial."""
        with reading() as db:
            cached = published.answer(db, "result", vote_id, VoteResultSchema, lambda: results.result_view(db, vote_id))
            if cached is not None:
                return cached
            vote = get_vote(db, vote_id)
            if vote.state != VoteState.PUBLISHED and not is_staff():
                raise NotFound("not_found", what="result", id=str(vote_id))
            return results.result_view(db, vote_id)


@blp.route("/<int:vote_id>/hall")
@on_event_loop
class Hall(MethodView):
    @blp.response(200, HallSchema)
    @public
    def get(self, vote_id: int) -> dict[str, Any] | Response:
        """The hall screen (public): ballots returned against issued while a round runs; the result once published.

        Never a partial tally: no approvals at all before publication.
        """
        with reading() as db:
            live = hall.live_view(db, vote_id)
            if live is not None:
                return live  # the screens' polling during a sitting: plain SQL
            cached = published.answer(db, "hall", vote_id, HallSchema, lambda: hall.published_view(db, vote_id))
            if cached is not None:
                return cached
            return hall.hall_view(db, vote_id)  # published or reset since the first query: read afresh


@blp.route("/<int:vote_id>/reset")
class Reset(MethodView):
    @blp.response(200, VoteSchema)
    @staff(WRITERS)
    def post(self, vote_id: int) -> dict[str, Any]:
        """Start a training vote (演练) over, to replay it; refused for a live vote."""
        actor = current_actor()
        with writing() as db:
            return vote_view(db, votes.reset_training(db, vote_id, by=actor))


@blp.route("/<int:vote_id>/publish")
class Publish(MethodView):
    @blp.response(200, VoteSchema)
    @staff(WRITERS)
    def post(self, vote_id: int) -> dict[str, Any]:
        """Publish (公告) a decided vote: fixes the result's and the ballot lists' hashes in the audit log."""
        actor = current_actor()
        with writing() as db:
            return vote_view(db, official.publish(db, vote_id, by=actor, time_zone=time_zone(current_app)))
