"""Votes: candidates and rules, templates, scrutineers, results and publication (voting codes: ``codes``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Response, current_app
from flask.views import MethodView

from voting.domain import RuleSettings
from voting.domain.lifecycle import RoundState, VoteState
from voting.services import hot, publication, rounds, votes
from voting.services.errors import NotFound
from voting.services.records import get_meeting, get_vote
from voting.services.votes import CandidateInput
from voting.web import reading, time_zone, writing
from voting.web.api import published
from voting.web.api.access import READERS, WRITERS, current_actor, is_staff, public, public_once_published, staff
from voting.web.api.parsing import Blueprint
from voting.web.api.rounds import round_view
from voting.web.api.schemas import (
    HallSchema,
    RoundSchema,
    ScrutineersSchema,
    TemplateInSchema,
    VoteInSchema,
    VotePatchSchema,
    VoteResultSchema,
    VoteSchema,
)
from voting.web.loop import on_event_loop

if TYPE_CHECKING:
    from sqlmodel import Session

    from voting.store.models import Vote

blp = Blueprint("votes", __name__, url_prefix="/api/v1/votes", description="Votes (票决): set-up, rounds, result")


def vote_view(db: Session, vote: Vote) -> dict[str, Any]:
    assert vote.id is not None
    return {**vote.model_dump(), "candidates": [c.model_dump() for c in votes.candidates_of(db, vote.id)]}


def _candidates(items: list[dict[str, Any]]) -> list[CandidateInput]:
    return [CandidateInput(**item) for item in items]


@blp.route("")
class Votes(MethodView):
    @blp.response(200, VoteSchema(many=True))
    @staff(READERS)
    def get(self) -> list[dict[str, Any]]:
        with reading() as db:
            return [vote_view(db, v) for v in votes.all_votes(db)]

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
class Result(MethodView):
    @blp.response(200, VoteResultSchema)
    @public_once_published
    def get(self, vote_id: int) -> dict[str, Any] | Response:
        """The vote's result: public once published; before that, staff only, and marked unofficial."""
        with reading() as db:
            cached = published.answer(db, "result", vote_id, VoteResultSchema(), lambda: _result(db, vote_id))
            if cached is not None:
                return cached
            vote = get_vote(db, vote_id)
            if vote.state != VoteState.PUBLISHED and not is_staff():
                raise NotFound("not_found", f"no published result for vote {vote_id}", what="result", id=str(vote_id))
            return _result(db, vote_id)


def _result(db: Session, vote_id: int) -> dict[str, Any]:
    vote = get_vote(db, vote_id)
    result = publication.vote_result(db, vote)
    meeting = get_meeting(db, vote.meeting_id)
    return {
        "vote": vote_view(db, vote),
        "meeting": meeting.model_dump(),
        "official": vote.state == VoteState.PUBLISHED,
        "rounds": [round_view(r, vote) for r in rounds.rounds_of(db, vote_id)],
        "selected": list(result.selected) if result else [],
        "vacant": result.vacant if result else 0,
        "decided": bool(result and result.decided),
        "training": vote.training,
    }


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
            before_publication = hot.hall_view(db, vote_id)
            if before_publication is not None:
                return before_publication  # the screens' polling during a sitting: plain SQL
            cached = published.answer(db, "hall", vote_id, HallSchema(), lambda: _published_hall(db, vote_id))
            if cached is not None:
                return cached
            return _published_hall(db, vote_id)


def _published_hall(db: Session, vote_id: int) -> dict[str, Any]:
    """The hall view with the result (``hot.hall_view`` answers before publication)."""
    vote = get_vote(db, vote_id)
    held = rounds.rounds_of(db, vote_id)
    latest = held[-1] if held else None
    latest_view: dict[str, Any] | None = None
    if latest is not None:
        latest_view = {"number": latest.number, "kind": latest.kind, "state": latest.state}
        if latest.state in (RoundState.OPEN, RoundState.CLOSED):
            assert latest.id is not None
            turnout = rounds.turnout(db, latest.id)
            latest_view.update(ballots_issued=turnout.ballots_issued, ballots_returned=turnout.ballots_returned)
    view: dict[str, Any] = {
        "vote_id": vote.id,
        "title_zh": vote.title_zh,
        "title_en": vote.title_en,
        "training": vote.training,
        "state": vote.state,
        "round": latest_view,
        "selected": None,
        "vacant": None,
        "audit_head": None,
    }
    if vote.state == VoteState.PUBLISHED:
        result = publication.vote_result(db, vote)
        titles = {c.number: c for c in votes.candidates_of(db, vote_id)}
        won: dict[int, tuple[int, str, int]] = {}
        for round_ in held:
            if round_.state != RoundState.COUNTED:
                continue
            counted = rounds.stored_result(round_)
            approvals = {p.number: p.approvals for p in counted.projects}
            for number in counted.ranked_selected:
                won.setdefault(number, (round_.number, round_.kind, approvals[number]))
        view["selected"] = [
            {
                "number": number,
                "title_zh": titles[number].title_zh,
                "title_en": titles[number].title_en,
                "round_number": won[number][0],
                "round_kind": won[number][1],
                "approvals": won[number][2],
            }
            for number in (result.selected if result else ())
        ]
        view["vacant"] = result.vacant if result else 0
        view["published_at"] = vote.published_at
        view["audit_head"] = hot.hall_head("published", None, vote.audit_head_at_publication)
    return view


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
            return vote_view(db, publication.publish(db, vote_id, by=actor, time_zone=time_zone(current_app)))
