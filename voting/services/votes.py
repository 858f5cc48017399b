"""Setting a vote up: candidates and rules, scrutineers, voting codes."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, delete, select

from voting.domain import RuleSettings
from voting.domain.audit_events import (
    CodeIssued,
    CodeReissued,
    CodeRevoked,
    VoteCreated,
    VoteReset,
    VoteScrutineersNamed,
    VoteUpdated,
)
from voting.domain.codes import forgiving
from voting.domain.lifecycle import VoteState
from voting.services import audit
from voting.services.auth import WRITERS, Actor, body_of, keyed_hash, require
from voting.services.demo import gongshu_2020
from voting.services.errors import Conflict, InvalidInput, NotFound
from voting.services.records import get, get_vote
from voting.store import secrecy
from voting.store.models import (
    Ballot,
    CandidateProject,
    Deputy,
    Meeting,
    PaperEntry,
    Participation,
    PublishedFile,
    Round,
    Scrutineer,
    Vote,
    VotingCode,
)

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base 32: no I, L, O or U to misread on a slip."""
CODE_LENGTH = 10
"""50 bits: beyond guessing at the rate the server allows, short enough to type."""
TEMPLATES = ("gongshu-2020",)


@dataclass(frozen=True)
class CandidateInput:
    number: int
    title_zh: str
    title_en: str = ""
    detail_zh: str = ""
    detail_en: str = ""
    department: str = ""
    budget: str = ""


def _check_candidates(candidates: Sequence[CandidateInput], rules: RuleSettings) -> None:
    numbers = [c.number for c in candidates]
    if sorted(numbers) != list(range(1, len(numbers) + 1)):
        raise InvalidInput(
            "candidate_numbers",
            field="candidates",
        )
    rules.check_candidates(len(candidates))


def create_vote(
    session: Session,
    *,
    meeting_id: int,
    title_zh: str,
    title_en: str,
    candidates: Sequence[CandidateInput],
    rules: RuleSettings,
    training: bool,
    by: Actor,
) -> Vote:
    require(by, WRITERS)
    if get(session, Meeting, meeting_id, what="meeting").body_id != body_of(by):  # another body's: as if none
        raise NotFound("not_found", what="meeting", id=str(meeting_id))
    _check_candidates(candidates, rules)
    other = session.exec(select(Vote).where(Vote.meeting_id == meeting_id, Vote.training != training)).first()
    if other is not None:
        # Attendance belongs to the meeting: checking simulated deputies in for a
        # drill would change a live round's counts.  So drills get meetings of their own.
        raise Conflict(
            "training_not_with_live",
            field="training",
        )
    vote = Vote(meeting_id=meeting_id, title_zh=title_zh, title_en=title_en, training=training, rules=rules.to_dict())
    session.add(vote)
    session.flush()
    assert vote.id is not None
    for c in candidates:
        session.add(CandidateProject(vote_id=vote.id, **c.__dict__))
    audit.record(
        session,
        VoteCreated(title_zh=title_zh, training=training, candidates=len(candidates), rules=rules.to_dict()),
        actor=by,
        vote_id=vote.id,
    )
    return vote


def create_from_template(session: Session, *, meeting_id: int, template: str, training: bool, by: Actor) -> Vote:
    """A new vote with a shipped template's candidates and rules (Gongshu 2020)."""
    if template not in TEMPLATES:
        raise InvalidInput("unknown_template", field="template", template=template, known=", ".join(TEMPLATES))
    data = gongshu_2020()
    candidates = [
        CandidateInput(
            number=c["number"],
            title_zh=c["title_zh"],
            title_en=c.get("title_en", ""),
            detail_zh=c.get("detail_zh", ""),
            detail_en=c.get("detail_en", ""),
        )
        for c in data["candidates"]
    ]
    return create_vote(
        session,
        meeting_id=meeting_id,
        title_zh=data["poll"]["title_zh"],
        title_en=data["poll"]["title_en"],
        candidates=candidates,
        rules=RuleSettings(seats=data["poll"]["seats"]),
        training=training,
        by=by,
    )


def update_draft(
    session: Session,
    vote_id: int,
    *,
    candidates: Sequence[CandidateInput] | None,
    rules: RuleSettings | None,
    by: Actor,
) -> Vote:
    """Change a vote's candidates or rules: only while it is a draft (the rules lock as voting opens)."""
    require(by, WRITERS)
    vote = get_vote(session, vote_id)
    if vote.state != VoteState.DRAFT:
        raise Conflict("rules_locked")
    current = candidates_of(session, vote_id)
    new_rules = rules or RuleSettings.from_dict(dict(vote.rules))
    new_candidates = candidates if candidates is not None else [CandidateInput(**_fields(c)) for c in current]
    _check_candidates(new_candidates, new_rules)
    if candidates is not None:
        for c in current:
            session.delete(c)
        session.flush()
        for item in candidates:
            session.add(CandidateProject(vote_id=vote_id, **item.__dict__))
    vote.rules = new_rules.to_dict()
    session.add(vote)
    audit.record(
        session, VoteUpdated(candidates=len(new_candidates), rules=new_rules.to_dict()), actor=by, vote_id=vote_id
    )
    return vote


def _fields(candidate: CandidateProject) -> dict[str, Any]:
    return {name: getattr(candidate, name) for name in CandidateInput.__dataclass_fields__}


def vote_view(session: Session, vote: Vote) -> dict[str, Any]:
    """A vote as the API shows it: its stored fields and its candidates."""
    assert vote.id is not None
    return {**vote.model_dump(), "candidates": [c.model_dump() for c in candidates_of(session, vote.id)]}


def candidates_of(session: Session, vote_id: int) -> list[CandidateProject]:
    query = select(CandidateProject).where(CandidateProject.vote_id == vote_id).order_by(col(CandidateProject.number))
    return list(session.exec(query).all())


def all_votes(session: Session, body_id: int) -> list[Vote]:
    """Every vote of the body, in the order they were made."""
    ours = select(Vote).join(Meeting).where(Meeting.body_id == body_id)
    return list(session.exec(ours.order_by(col(Vote.id))).all())


def candidates_by_vote(session: Session) -> dict[int, list[CandidateProject]]:
    """Every vote's candidates in number order, by vote id, read in one query (the home page lists them all)."""
    query = select(CandidateProject).order_by(col(CandidateProject.vote_id), col(CandidateProject.number))
    by_vote: dict[int, list[CandidateProject]] = {}
    for candidate in session.exec(query).all():
        by_vote.setdefault(candidate.vote_id, []).append(candidate)
    return by_vote


def set_scrutineers(
    session: Session, vote_id: int, *, chief: int, members: Sequence[int], by: Actor
) -> list[Scrutineer]:
    """Name the chief scrutineer and the scrutineers (by deputy number) from the meeting's roster."""
    require(by, WRITERS)
    vote = get_vote(session, vote_id)
    if vote.state == VoteState.PUBLISHED:
        raise Conflict("vote_published")
    numbers = [chief, *[m for m in members if m != chief]]
    found = session.exec(
        select(Deputy).where(Deputy.meeting_id == vote.meeting_id, col(Deputy.number).in_(numbers))
    ).all()
    by_number = {d.number: d for d in found}
    missing = [n for n in numbers if n not in by_number]
    if missing:
        raise InvalidInput("unknown_deputy", field="members", deputy=missing[0])
    for old in session.exec(select(Scrutineer).where(Scrutineer.vote_id == vote_id)).all():
        session.delete(old)
    session.flush()
    named = []
    for number in numbers:
        deputy_id = by_number[number].id
        assert deputy_id is not None
        named.append(Scrutineer(vote_id=vote_id, deputy_id=deputy_id, chief=number == chief))
    session.add_all(named)
    audit.record(session, VoteScrutineersNamed(chief=chief, members=tuple(numbers[1:])), actor=by, vote_id=vote_id)
    return named


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def code_hash(secret: str, code: str) -> str:
    return keyed_hash(secret, "code:" + forgiving(code))


def issue_code(session: Session, vote_id: int, deputy_id: int, *, secret: str, by: Actor, reissue: bool = False) -> str:
    """A new voting code for a checked-in deputy.

    One who already holds a working code has a printed slip in hand: it is
    voided only when the clerk says so (``reissue``, a lost slip), never as a
    side effect of issuing, so that no click voids the slips of a whole hall.
    """
    require(by, WRITERS)
    vote = get_vote(session, vote_id)
    deputy = get(session, Deputy, deputy_id, what="deputy")
    if deputy.meeting_id != vote.meeting_id:
        raise InvalidInput("deputy_not_in_meeting", field="deputy_id")
    if not deputy.checked_in:
        raise Conflict("not_checked_in", deputy=deputy.number)
    if vote.state == VoteState.PUBLISHED:
        raise Conflict("vote_published")
    previous = session.exec(
        select(VotingCode).where(
            VotingCode.vote_id == vote_id, VotingCode.deputy_id == deputy_id, col(VotingCode.revoked).is_(False)
        )
    ).all()
    if previous and not reissue:
        raise Conflict(
            "code_held",
            deputy=deputy.number,
        )
    for old in previous:
        old.revoked = True
        session.add(old)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    session.add(VotingCode(vote_id=vote_id, deputy_id=deputy_id, code_hash=code_hash(secret, code)))
    issued = CodeReissued if previous else CodeIssued
    audit.record(session, issued(deputy=deputy.number), actor=by, vote_id=vote_id)
    return format_code(code)


def issue_codes(session: Session, vote_id: int, deputy_ids: Sequence[int], *, secret: str, by: Actor) -> list[str]:
    """``issue_code`` for each deputy, in one transaction (the slips of a whole hall); the codes in the same order.

    All or none: one deputy who already holds a working code refuses the whole batch (``code_held``).
    """
    return [issue_code(session, vote_id, deputy_id, secret=secret, by=by) for deputy_id in deputy_ids]


def revoke_code(session: Session, vote_id: int, deputy_id: int, *, by: Actor) -> None:
    require(by, WRITERS)
    active = session.exec(
        select(VotingCode).where(
            VotingCode.vote_id == vote_id, VotingCode.deputy_id == deputy_id, col(VotingCode.revoked).is_(False)
        )
    ).all()
    if not active:
        raise Conflict("no_active_code")
    for row in active:
        row.revoked = True
        session.add(row)
    deputy = get(session, Deputy, deputy_id, what="deputy")
    audit.record(session, CodeRevoked(deputy=deputy.number), actor=by, vote_id=vote_id)


def reset_training(session: Session, vote_id: int, *, by: Actor) -> Vote:
    """Start a training vote (演练) over: its rounds, ballots, codes and published files go; the log keeps what happened.

    Only a training vote can be reset; a live vote's ballots are never deleted.
    """
    require(by, WRITERS)
    vote = get_vote(session, vote_id)
    if not vote.training:
        raise Conflict("not_training")
    round_ids = list(session.exec(select(Round.id).where(Round.vote_id == vote_id)).all())
    if round_ids:
        # Their staging tables too (PostgreSQL), unless a reader holds one: the rows go with the parents' anyway.
        secrecy.drop_staging(session, [r for r in round_ids if r is not None])
        for model in (Ballot, Participation, PaperEntry):
            session.execute(delete(model).where(col(model.round_id).in_(round_ids)))
        session.execute(delete(Round).where(col(Round.vote_id) == vote_id))
    session.execute(delete(VotingCode).where(col(VotingCode.vote_id) == vote_id))
    session.execute(delete(PublishedFile).where(col(PublishedFile.vote_id) == vote_id))  # fixed afresh if replayed
    vote.state = VoteState.DRAFT
    vote.rules_digest = None
    vote.published_at = None
    vote.result_digest = None
    vote.ballots_digest = None
    vote.audit_head_at_publication = None
    session.add(vote)
    audit.record(session, VoteReset(rounds=len(round_ids)), actor=by, vote_id=vote_id)
    return vote
