"""The vote's result as the results page and the hall screen show it: built here, only displayed there.

The round in which each selected project won its seat, and every rate
(票决率), come with the answer (``voting.domain.vote.seat_rounds``,
``voting.domain.rate``), so that no page recomputes a rule and every form
reads the same figures as the tally sheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from voting.domain import VoteResult
from voting.domain.lifecycle import RoundState, VoteState
from voting.domain.rate import percent, vote_rate
from voting.domain.vote import seat_rounds
from voting.services.publication import vote_result
from voting.services.records import get_vote
from voting.services.rounds import round_view, rounds_of, stored_result
from voting.services.votes import candidates_of, vote_view
from voting.store.models import Meeting, Round, Vote


def result_view(session: Session, vote_id: int) -> dict[str, Any]:
    """The vote's result (``GET /api/v1/votes/{id}/result``): every round with its rates, and the seats won."""
    vote = get_vote(session, vote_id)
    held = rounds_of(session, vote_id)
    result = vote_result(session, vote)
    meeting = session.get(Meeting, vote.meeting_id)
    return {
        "vote": vote_view(session, vote),
        "meeting": meeting.model_dump() if meeting else None,
        "official": vote.state == VoteState.PUBLISHED,
        "rounds": [{**round_view(r, vote), "rates": round_rates(r)} for r in held],
        "selected": list(result.selected) if result else [],
        "seats_won": seats_won(session, vote, held, result),
        "vacant": result.vacant if result else 0,
        "decided": bool(result and result.decided),
        "training": vote.training,
    }


def round_rates(round_: Round) -> dict[str, str] | None:
    """A counted round's rates, project number (as JSON keys are) -> the rate as read out; None before the count."""
    if round_.result is None:
        return None
    present = round_.deputies_present or 0
    return {str(p.number): percent(vote_rate(p.approvals, present)) for p in stored_result(round_).projects}


def seats_won(session: Session, vote: Vote, held: Sequence[Round], result: VoteResult | None) -> list[dict[str, Any]]:
    """The selected projects in the order seats were won, each with the round that gave it its seat and its
    approvals and rate in that round: the count the hall heard for it, not a later round's."""
    if result is None:
        return []
    counted = [r for r in held if r.state == RoundState.COUNTED]
    counts = [stored_result(r) for r in counted]
    won_in = seat_rounds(counts)
    titles = {c.number: c for c in candidates_of(session, vote.id or 0)}
    seats = []
    for number in result.selected:
        index = won_in[number]
        round_ = counted[index]
        approvals = next(p.approvals for p in counts[index].projects if p.number == number)
        seats.append(
            {
                "number": number,
                "title_zh": titles[number].title_zh,
                "title_en": titles[number].title_en,
                "round_number": round_.number,
                "round_kind": round_.kind,
                "approvals": approvals,
                "rate": percent(vote_rate(approvals, round_.deputies_present or 0)),
            }
        )
    return seats
