"""A vote's rounds: open (with quorum, locking the rules), close, count, and the next round.

Every move is checked against the current state (``voting.domain.lifecycle``)
and recorded in the audit log; each is one transaction, so a server killed in
the middle of one leaves the round as it was before it (docs/operations.md).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlmodel import Session, col, func, select

from voting.domain import Channel, Marks, RoundKind, RoundSpec, RuleSettings, TallyResult, next_round, tally_counts
from voting.domain.audit_events import (
    RoundClosed,
    RoundCounted,
    RoundOpened,
    RoundPaperIssued,
    VoteDecided,
    VoteRulesLocked,
)
from voting.domain.lifecycle import RoundState, VoteState, check_round_move, check_vote_move
from voting.services import audit, erasure
from voting.services.auth import WRITERS, Actor, require
from voting.services.errors import Conflict
from voting.services.locks import lock_round
from voting.services.meetings import present_count, roster_size
from voting.services.records import get_round, get_vote, rules_of, stored_marks
from voting.services.votes import candidates_of
from voting.store import raw, secrecy
from voting.store.db import Database
from voting.store.models import Ballot, Deputy, PaperEntry, Participation, Round, Vote


def rounds_of(session: Session, vote_id: int) -> list[Round]:
    return list(session.exec(select(Round).where(Round.vote_id == vote_id).order_by(col(Round.number))).all())


def round_view(round_: Round, vote: Vote) -> dict[str, Any]:
    """A round as the API shows it: marked ``training`` as its vote is (the pages' 演练 banner)."""
    return {**round_.model_dump(), "training": vote.training}


def stored_result(round_: Round) -> TallyResult:
    """The count kept when the round was counted."""
    if round_.result is None:
        raise Conflict("round_not_counted", round=round_.number)
    return TallyResult.from_dict(round_.result)


def _called_for(
    session: Session, vote: Vote, rules: RuleSettings, previous: list[Round]
) -> tuple[RoundKind, tuple[int, ...], int]:
    """The kind, projects and seats of the round to open: the first, or the one the last count called for."""
    if not previous:
        check_vote_move(vote.state, VoteState.VOTING)
        assert vote.id is not None
        return RoundKind.FIRST, tuple(c.number for c in candidates_of(session, vote.id)), rules.seats
    last = previous[-1]
    if last.state != RoundState.COUNTED:
        raise Conflict("round_in_progress", round=last.number)
    called = next_round(stored_result(last))
    if called is None:
        raise Conflict("vote_decided")
    return called.kind, called.projects, called.seats


def _require_quorum(rules: RuleSettings, deputy_count: int, present: int) -> None:
    """Refused without quorum: more than the quorum fraction of all deputies checked in (DESIGN section 1.4)."""
    if not rules.has_quorum(deputy_count=deputy_count, deputies_present=present):
        raise Conflict(
            "no_quorum",
            present=present,
            deputy_count=deputy_count,
            quorum=rules.quorum(deputy_count),
        )


def open_round(session: Session, vote_id: int, *, by: Actor) -> Round:
    """Open the vote's next round: the first, or the one the last count called for.

    The first opening locks the rules (the audit entry carries their digest).
    Refused without quorum: more than the quorum fraction of all deputies checked in.
    """
    require(by, WRITERS)
    vote = get_vote(session, vote_id)
    rules = rules_of(vote)
    previous = rounds_of(session, vote_id)
    kind, projects, seats = _called_for(session, vote, rules, previous)
    deputy_count = roster_size(session, vote.meeting_id)
    present = present_count(session, vote.meeting_id)
    _require_quorum(rules, deputy_count, present)
    if vote.state == VoteState.DRAFT:
        vote.state = VoteState.VOTING
        vote.rules_digest = digest = rules.digest()
        session.add(vote)
        audit.record(session, VoteRulesLocked(rules=rules.to_dict(), rules_digest=digest), actor=by, vote_id=vote_id)
    round_ = Round(
        vote_id=vote_id,
        number=len(previous) + 1,
        kind=kind,
        state=RoundState.OPEN,
        seats=seats,
        projects=list(projects),
        deputy_count=deputy_count,
        deputies_present=present,
        ballots_issued=present,
        opened_at=dt.datetime.now(dt.UTC),
    )
    session.add(round_)
    session.flush()
    assert round_.id is not None
    secrecy.open_staging(session, round_.id)
    opened = audit.record(
        session,
        RoundOpened(
            round=round_.number,
            kind=kind.value,
            projects=tuple(projects),
            seats=seats,
            deputy_count=deputy_count,
            deputies_present=present,
        ),
        actor=by,
        vote_id=vote_id,
    )
    round_.audit_head_at_open = opened.hash
    session.add(round_)
    return round_


def not_voted(session: Session, round_id: int) -> list[Deputy]:
    """Checked-in deputies who have neither voted nor been issued a paper ballot: names only, never choices."""
    round_ = get_round(session, round_id)
    vote = get_vote(session, round_.vote_id)
    voted = select(Participation.deputy_id).where(Participation.round_id == round_id)
    query = (
        select(Deputy)
        .where(Deputy.meeting_id == vote.meeting_id, col(Deputy.checked_in), col(Deputy.id).not_in(voted))
        .order_by(col(Deputy.number))
    )
    return list(session.exec(query).all())


def issue_paper(session: Session, round_id: int, deputy_numbers: list[int] | None, *, by: Actor) -> int:
    """Give paper ballots instead of electronic ones (DESIGN 7a): to the deputies named, or to all who have not voted.

    Recording the paper ballot as the deputy's participation is what stops
    their code from also casting one in this round.
    """
    require(by, WRITERS)
    round_ = lock_round(session, round_id, exclusive=True)
    if round_.state != RoundState.OPEN:
        raise Conflict("round_not_open")
    waiting = not_voted(session, round_id)
    if deputy_numbers is not None:
        wanted = set(deputy_numbers)
        waiting = [d for d in waiting if d.number in wanted]
        unknown = wanted - {d.number for d in waiting}
        if unknown:
            raise Conflict(
                "cannot_issue_paper",
                deputy=min(unknown),
            )
    for deputy in waiting:
        assert deputy.id is not None
        session.add(Participation(round_id=round_id, deputy_id=deputy.id, channel=Channel.PAPER))
    audit.record(
        session,
        RoundPaperIssued(round=round_.number, deputies=tuple(d.number for d in waiting)),
        actor=by,
        vote_id=round_.vote_id,
    )
    return len(waiting)


def close_round(db: Database, round_id: int, *, by: Actor) -> Round:
    """Stop accepting ballots, under the lock every cast takes (``voting.services.locks``).

    The closing transaction moves the round's rows to their final place and
    marks its secrecy step pending; the step (``voting.services.erasure``)
    then erases the order in which ballots arrived, or, if a reader holds it
    up, the round stays pending, says so, and the server completes it later.
    """
    require(by, WRITERS)
    with db.write() as session:
        round_ = lock_round(session, round_id, exclusive=True)
        check_round_move(round_.state, RoundState.CLOSED)
        round_.state = RoundState.CLOSED
        round_.closed_at = dt.datetime.now(dt.UTC)
        round_.secrecy_pending = True
        returned = session.exec(select(func.count()).select_from(Ballot).where(Ballot.round_id == round_id)).one()
        secrecy.rewrite_round(session, round_id)
        entry = audit.record(
            session,
            RoundClosed(round=round_.number, ballots_issued=round_.ballots_issued or 0, ballots_returned=returned),
            actor=by,
            vote_id=round_.vote_id,
        )
        round_.audit_head_at_close = entry.hash
        session.add(round_)
    round_.secrecy_pending = not erasure.after_close(db, round_id, by=by)
    return round_


def pending_paper(session: Session, round_id: int) -> list[str]:
    query = (
        select(PaperEntry.batch).where(PaperEntry.round_id == round_id, col(PaperEntry.accepted).is_(False)).distinct()
    )
    return sorted(session.exec(query).all())


def count_round(db: Database, round_id: int, *, by: Actor) -> TallyResult:
    """Count a closed round with the pure tally and keep the result; decide the vote if no round follows.

    Refused while the round's secrecy step is pending (``voting.services.erasure``):
    the count first tries to complete it, within the close's bound.
    """
    require(by, WRITERS)
    with db.read() as session:
        pending = get_round(session, round_id).secrecy_pending
    if pending:
        erasure.settle(db, round_id, by=by, announce=True)
    with db.write() as session:
        return _count(session, round_id, by)


def _count(session: Session, round_id: int, by: Actor) -> TallyResult:
    round_ = lock_round(session, round_id, exclusive=True)
    check_round_move(round_.state, RoundState.COUNTED)
    if round_.secrecy_pending:
        raise Conflict(
            "secrecy_pending",
            round=round_.number,
        )
    pending = pending_paper(session, round_id)
    if pending:
        raise Conflict("paper_batch_pending", batch=pending[0])
    vote = get_vote(session, round_.vote_id)
    result = tally_counts(rules_of(vote), spec_of(round_), ballot_counts(session, round_id))
    round_.result = result.to_dict()
    round_.state = RoundState.COUNTED
    session.add(round_)
    audit.record(session, RoundCounted(round=round_.number, result=round_.result), actor=by, vote_id=round_.vote_id)
    if result.runoff is None:
        check_vote_move(vote.state, VoteState.DECIDED)
        vote.state = VoteState.DECIDED
        session.add(vote)
        audit.record(session, VoteDecided(rounds=round_.number), actor=by, vote_id=vote.id)
    return result


def ballot_counts(session: Session, round_id: int) -> Counter[Marks]:
    """The round's ballots as the tally takes them, grouped by the database: each distinct ballot and how many.

    The same counts ``tally`` makes of the ballots one by one, without loading
    a million rows into Python: a plenary's ballots repeat a great deal (at
    most 2^12 distinct ones of 12 projects), so this returns a few thousand
    rows at most (docs/performance.md).
    """
    counts: Counter[Marks] = Counter()
    for approvals, opposes, abstains, count in raw.rows(
        session,
        "SELECT approvals, opposes, abstains, count(*) FROM ballot WHERE round_id = ? GROUP BY approvals, opposes, abstains",
        [round_id],
    ):
        counts[stored_marks(approvals, opposes, abstains)] += int(count)
    return counts


def spec_of(round_: Round) -> RoundSpec:
    return RoundSpec(
        projects=tuple(round_.projects),
        seats=round_.seats,
        deputy_count=round_.deputy_count or 0,
        deputies_present=round_.deputies_present or 0,
        ballots_issued=round_.ballots_issued or 0,
    )
