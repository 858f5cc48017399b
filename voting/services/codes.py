"""The slips of a hall: who holds a working voting code, codes for those who hold none, reissuing them all.

The clerk's default action is ``issue_missing``: it issues codes only to the
checked-in deputies who hold none, so that pressing it again (after a reload
of the console, say) never voids a printed slip.  Voiding slips takes
``reissue_all``, which is told how many slips the clerk was shown it voids,
or ``votes.issue_code(..., reissue=True)`` for one lost slip.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from voting.services import votes
from voting.services.auth import WRITERS, Actor, require
from voting.services.errors import Conflict
from voting.services.records import get_vote
from voting.store.models import Deputy, VotingCode


@dataclass(frozen=True)
class Holder:
    """A deputy of the vote's meeting and whether they hold a working code for it (never the code)."""

    deputy: Deputy
    holds_code: bool


@dataclass(frozen=True)
class Issued:
    deputy: Deputy
    code: str


def holders(session: Session, vote_id: int) -> list[Holder]:
    """Every deputy of the vote's meeting, in number order, with whether they hold a working code."""
    vote = get_vote(session, vote_id)
    working = set(
        session.exec(
            select(VotingCode.deputy_id).where(VotingCode.vote_id == vote_id, col(VotingCode.revoked).is_(False))
        ).all()
    )
    roster = session.exec(select(Deputy).where(Deputy.meeting_id == vote.meeting_id).order_by(col(Deputy.number)))
    return [Holder(deputy, deputy.id in working) for deputy in roster.all()]


def issue_missing(session: Session, vote_id: int, *, secret: str, by: Actor) -> list[Issued]:
    """Codes for the checked-in deputies who hold none, in number order; nobody else's code changes."""
    require(by, WRITERS)
    waiting = [h.deputy for h in holders(session, vote_id) if h.deputy.checked_in and not h.holds_code]
    return [_issue(session, vote_id, deputy, secret=secret, by=by, reissue=False) for deputy in waiting]


def reissue_all(session: Session, vote_id: int, *, voids: int, secret: str, by: Actor) -> list[Issued]:
    """Void every working code of the vote and give each checked-in deputy a new one.

    ``voids`` is the number of slips the clerk was told this voids: if another
    clerk issued or voided one meanwhile, the count is no longer what was
    confirmed, and nothing happens (``voids_changed``).
    """
    require(by, WRITERS)
    everyone = holders(session, vote_id)
    held = sum(h.holds_code for h in everyone)
    if held != voids:
        raise Conflict("voids_changed", voids=held)
    issued = []
    for holder in everyone:
        deputy_id = holder.deputy.id
        assert deputy_id is not None
        if holder.deputy.checked_in:
            issued.append(_issue(session, vote_id, holder.deputy, secret=secret, by=by, reissue=holder.holds_code))
        elif holder.holds_code:
            votes.revoke_code(session, vote_id, deputy_id, by=by)
    return issued


def _issue(session: Session, vote_id: int, deputy: Deputy, *, secret: str, by: Actor, reissue: bool) -> Issued:
    assert deputy.id is not None
    return Issued(deputy, votes.issue_code(session, vote_id, deputy.id, secret=secret, by=by, reissue=reissue))
