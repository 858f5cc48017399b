"""A drill run from the console (``voting.web.api.drills``): the logins it plays under, and its audit entry.

The run itself goes through the app's own routes, as the trainer, with a
bearer token made for the run and revoked after it, so that the audit log
names the trainer for every step.  Paper ballots are entered twice by two
clerks: the second entry is made as ``drill-second-clerk``, a clerk account
made on first need whose random password is thrown away (nobody can log in
as it), again with a token for the run alone.
"""

from __future__ import annotations

import secrets

from sqlmodel import Session, select

from voting.domain.audit_events import DrillRun
from voting.services import audit, auth
from voting.services.auth import WRITERS, Actor, Role, require
from voting.services.errors import Conflict
from voting.store.models import StaffUser

SECOND_CLERK = "drill-second-clerk"
"""The simulated second clerk who makes the second entry of a drill's paper ballots."""


def _second_clerk(session: Session, by: Actor) -> StaffUser:
    user = session.exec(select(StaffUser).where(StaffUser.name == SECOND_CLERK)).first()
    if user is None:
        user = auth.add_user(session, SECOND_CLERK, Role.CLERK.value, secrets.token_urlsafe(32), by=by)
    if not user.active or user.role != Role.CLERK:
        raise Conflict(
            "drill_second_clerk",
            name=SECOND_CLERK,
        )
    return user


def start_logins(
    session: Session, by: Actor, secret: str, limits: auth.SessionLimits, *, needs_paper: bool
) -> list[str]:
    """Bearer tokens for the run: the trainer's, and the second clerk's when the drill enters paper ballots."""
    require(by, WRITERS)
    user = session.exec(select(StaffUser).where(StaffUser.name == by.name)).one()
    tokens = [auth.issue_token(session, user, secret, limits)]
    if needs_paper:
        tokens.append(auth.issue_token(session, _second_clerk(session, by), secret, limits))
    return tokens


def end_logins(session: Session, secret: str, tokens: list[str]) -> None:
    """Revoke the run's tokens, however the run ended."""
    for token in tokens:
        auth.log_out(session, auth.keyed_hash(secret, token))


def record_run(
    session: Session, by: Actor, *, drill: str, seed: int, vote_id: int, meeting_id: int, passed: bool
) -> None:
    """The run's audit entry: which drill, on which training vote, and whether it ended as promised."""
    audit.record(
        session, DrillRun(drill=drill, seed=seed, meeting_id=meeting_id, passed=passed), actor=by, vote_id=vote_id
    )
