"""Loading rows by id, and turning stored values back into domain values, in one place."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, SQLModel

from voting.domain import Marks, RuleSettings
from voting.services.errors import NotFound
from voting.store.models import Ballot, Meeting, Round, Vote

Row = TypeVar("Row", bound=SQLModel)


def get(session: Session, model: type[Row], key: object, *, what: str) -> Row:
    row = session.get(model, key)
    if row is None:
        raise NotFound("not_found", what=what, id=str(key))
    return row


def get_vote(session: Session, vote_id: int) -> Vote:
    return get(session, Vote, vote_id, what="vote")


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    return get(session, Meeting, meeting_id, what="meeting")


def get_round(session: Session, round_id: int) -> Round:
    return get(session, Round, round_id, what="round")


def rules_of(vote: Vote) -> RuleSettings:
    return RuleSettings.from_dict(dict(vote.rules))


def stored_marks(approvals: str, opposes: str, abstains: str) -> Marks:
    """A ballot's marks from its three stored columns (``numbers_text``: numbers separated by single spaces)."""
    return Marks(_numbers(approvals), _numbers(opposes), _numbers(abstains))


def _numbers(text: str) -> frozenset[int]:
    return frozenset(int(part) for part in text.split()) if text else frozenset()


def marks_of(ballot: Ballot) -> Marks:
    return stored_marks(ballot.approvals, ballot.opposes, ballot.abstains)
