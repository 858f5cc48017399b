"""The hall screen (大屏): ballots returned against issued while a round runs, the selected projects once published.

Never a partial tally: before publication the view holds no approvals at all.
While a vote runs, a hundred screens poll it every second or two, so that view
is read in plain SQL (``voting.store.raw``); once published, the view is fixed
and the web layer keeps it (``voting.web.api.published``).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from voting.domain.audit_chain import short_head
from voting.domain.lifecycle import RoundState, VoteState
from voting.services.errors import NotFound
from voting.services.publication import vote_result
from voting.services.records import get_vote
from voting.services.results import seats_won
from voting.services.rounds import rounds_of
from voting.services.turnout import turnout
from voting.store import raw


def hall_view(session: Session, vote_id: int) -> dict[str, Any]:
    """The hall screen's view, before or after publication."""
    live = live_view(session, vote_id)
    return live if live is not None else published_view(session, vote_id)


def live_view(session: Session, vote_id: int) -> dict[str, Any] | None:
    """The view while the vote runs; None once it is published (``published_view`` answers then)."""
    vote = raw.rows(session, "SELECT title_zh, title_en, training, state FROM vote WHERE id = ?", [vote_id])
    if not vote:
        raise NotFound("not_found", what="vote", id=str(vote_id))
    title_zh, title_en, training, state = vote[0]
    if state == VoteState.PUBLISHED:
        return None
    latest, head = _latest_round(session, vote_id)
    return {
        "vote_id": vote_id,
        "title_zh": title_zh,
        "title_en": title_en,
        "training": bool(training),
        "state": state,
        "round": latest,
        "selected": None,
        "vacant": None,
        "audit_head": head,
    }


def published_view(session: Session, vote_id: int) -> dict[str, Any]:
    """The view of a published vote: the seats in the order won, each under the round that gave it."""
    vote = get_vote(session, vote_id)
    result = vote_result(session, vote)
    latest, _ = _latest_round(session, vote_id)
    return {
        "vote_id": vote.id,
        "title_zh": vote.title_zh,
        "title_en": vote.title_en,
        "training": vote.training,
        "state": vote.state,
        "round": latest,
        "selected": seats_won(session, vote, rounds_of(session, vote_id), result),
        "vacant": result.vacant if result else 0,
        "published_at": vote.published_at,
        "audit_head": hall_head("published", None, vote.audit_head_at_publication),
    }


def _latest_round(session: Session, vote_id: int) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The latest round as the screen shows it (with its turnout while it runs) and the head of its last moment."""
    latest = raw.rows(
        session,
        "SELECT id, number, kind, state, audit_head_at_open, audit_head_at_close FROM round WHERE vote_id = ?"
        " ORDER BY number DESC LIMIT 1",
        [vote_id],
    )
    if not latest:
        return None, None
    round_id, number, kind, round_state, at_open, at_close = latest[0]
    view: dict[str, Any] = {"number": number, "kind": kind, "state": round_state}
    head = None
    if round_state == RoundState.OPEN:
        head = hall_head("opened", number, at_open)
    elif round_state in (RoundState.CLOSED, RoundState.COUNTED):
        head = hall_head("closed", number, at_close)
    if round_state in (RoundState.OPEN, RoundState.CLOSED):
        counts = turnout(session, round_id)
        view.update(ballots_issued=counts.ballots_issued, ballots_returned=counts.ballots_returned)
    return view, head


def hall_head(moment: str, round_number: int | None, head: str | None) -> dict[str, Any] | None:
    """The audit head the hall screen shows: at the latest round's opening or close, then at publication.

    In the form read out (``short_head``) and whole, so that anyone in the hall
    can note it and later find it in the log (``voting audit verify --head``):
    a log cut short or rewritten before that moment no longer holds it.
    """
    if head is None:
        return None
    return {"moment": moment, "round_number": round_number, "hash": head, "read_out": short_head(head)}
