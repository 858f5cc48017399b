"""Meetings and attendance: creating a meeting, checking deputies in and out (报到)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, func, or_, select

from voting.domain.audit_events import DeputyCheckedIn, DeputyCheckedOut, MeetingCreated
from voting.domain.lifecycle import RoundState, VoteState
from voting.services import audit
from voting.services.auth import WRITERS, Actor, require
from voting.services.errors import Conflict, InvalidInput
from voting.services.locks import lock_round
from voting.services.records import get
from voting.store.models import Deputy, Meeting, Participation, Round, Vote


def create_meeting(
    session: Session, *, name_zh: str, name_en: str, plenary_zh: str, date: dt.date, by: Actor
) -> Meeting:
    require(by, WRITERS)
    meeting = Meeting(name_zh=name_zh, name_en=name_en, plenary_zh=plenary_zh, date=date)
    session.add(meeting)
    session.flush()
    assert meeting.id is not None
    audit.record(session, MeetingCreated(meeting_id=meeting.id, name_zh=name_zh), actor=by)
    return meeting


def all_meetings(session: Session) -> list[Meeting]:
    """Every meeting, the latest first (the console's list and the home page)."""
    return list(session.exec(select(Meeting).order_by(col(Meeting.date).desc())).all())


def roster_size(session: Session, meeting_id: int) -> int:
    return session.exec(select(func.count()).select_from(Deputy).where(Deputy.meeting_id == meeting_id)).one()


def present_count(session: Session, meeting_id: int) -> int:
    query = select(func.count()).select_from(Deputy).where(Deputy.meeting_id == meeting_id, col(Deputy.checked_in))
    return session.exec(query).one()


def deputies(session: Session, meeting_id: int, search: str = "") -> list[Deputy]:
    """The roster in number order; ``search`` matches a name or a number."""
    get(session, Meeting, meeting_id, what="meeting")
    query = select(Deputy).where(Deputy.meeting_id == meeting_id)
    if search:
        term = search.strip()
        conditions = [col(Deputy.name).contains(term), col(Deputy.delegation).contains(term)]
        if term.isdigit():
            conditions.append(col(Deputy.number) == int(term))
        query = query.where(or_(*conditions))
    return list(session.exec(query.order_by(col(Deputy.number))).all())


def _open_rounds(session: Session, meeting_id: int) -> list[Round]:
    query = select(Round).join(Vote, col(Vote.id) == col(Round.vote_id))
    return list(session.exec(query.where(Vote.meeting_id == meeting_id, Round.state == RoundState.OPEN)).all())


def _all_published(session: Session, meeting_id: int) -> bool:
    states = session.exec(select(Vote.state).where(Vote.meeting_id == meeting_id)).all()
    return bool(states) and all(state == VoteState.PUBLISHED for state in states)


def set_checked_in(session: Session, deputy_id: int, checked_in: bool, *, by: Actor) -> Deputy:
    """Check a deputy in or out.

    A deputy checked in while a round is open is issued a ballot in it (the
    round's present and issued counts grow).  One checked out who has voted,
    or holds a paper ballot, keeps that ballot: it stays issued, and checking
    back in issues no second one.  One checked out who has done neither
    cannot vote while out (their code is refused), so their ballot is taken
    back (the counts shrink) until they check in again.  So a deputy who
    steps out and back in counts once, and ballots issued never exceeds the
    deputies who could vote.

    Once every vote of the meeting is published, the attendance is part of
    the published record (deputies present), so nobody is checked out any more.
    """
    require(by, WRITERS)
    deputy = get(session, Deputy, deputy_id, what="deputy")
    if deputy.checked_in == checked_in:
        raise Conflict("attendance_unchanged", deputy=deputy.number)
    if not checked_in and _all_published(session, deputy.meeting_id):
        raise Conflict(
            "attendance_final",
            deputy=deputy.number,
        )
    deputy.checked_in = checked_in
    session.add(deputy)
    for open_round in _open_rounds(session, deputy.meeting_id):
        assert open_round.id is not None
        # The round's lock orders this against a cast by the same deputy (voting.services.locks).
        round_ = lock_round(session, open_round.id, exclusive=True)
        if round_.state != RoundState.OPEN or session.get(Participation, (round_.id, deputy_id)) is not None:
            continue
        step = 1 if checked_in else -1
        round_.deputies_present = (round_.deputies_present or 0) + step
        round_.ballots_issued = (round_.ballots_issued or 0) + step
        session.add(round_)
    change = DeputyCheckedIn if checked_in else DeputyCheckedOut
    audit.record(session, change(meeting_id=deputy.meeting_id, deputy=deputy.number), actor=by)
    return deputy


def check_in(session: Session, meeting_id: int, deputy_id: int, checked_in: bool, *, by: Actor) -> Deputy:
    """Check in (or out) one deputy named by the clerk under a meeting: refused if not on its roster."""
    deputy = get(session, Deputy, deputy_id, what="deputy")
    if deputy.meeting_id != meeting_id:
        raise InvalidInput("deputy_not_in_meeting", field="deputy_id")
    return set_checked_in(session, deputy_id, checked_in, by=by)


def set_attendance(session: Session, meeting_id: int, deputy_ids: list[int], checked_in: bool, *, by: Actor) -> int:
    """Check many deputies of a meeting in (or out) in one transaction; those already so are left alone.

    Each change is ``set_checked_in``'s, with its own audit entry; returns how many changed.
    """
    require(by, WRITERS)
    get(session, Meeting, meeting_id, what="meeting")
    wanted = set(deputy_ids)
    rows = session.exec(
        select(Deputy).where(Deputy.meeting_id == meeting_id, col(Deputy.id).in_(wanted)).order_by(col(Deputy.number))
    ).all()
    if len(rows) != len(wanted):
        raise InvalidInput("deputy_not_in_meeting", field="deputy_ids")
    changed = [d for d in rows if d.checked_in != checked_in]
    for deputy in changed:
        assert deputy.id is not None
        set_checked_in(session, deputy.id, checked_in, by=by)
    return len(changed)
