"""Staff accounts, passwords and API tokens.

Passwords are hashed with argon2id (argon2-cffi's defaults); API tokens and
voting codes are random and kept only as a keyed hash, so that a copy of the
database lets nobody log in or vote.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from voting.services import audit
from voting.services.errors import Conflict, InvalidInput, NotAuthenticated, PermissionDenied
from voting.store.models import ApiToken, StaffUser

TOKEN_LIFETIME = dt.timedelta(hours=12)
MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()


class Role(StrEnum):
    ADMIN = "admin"
    CLERK = "clerk"
    SCRUTINEER = "scrutineer"
    """Read-only: sees everything the clerks see and changes nothing."""


STAFF_ROLES = frozenset(Role)
WRITERS = frozenset({Role.ADMIN, Role.CLERK})


@dataclass(frozen=True)
class Actor:
    """Who does something, as the audit log records it."""

    name: str
    role: str


SYSTEM = Actor("system", "system")


def keyed_hash(secret: str, value: str) -> str:
    """HMAC-SHA256 (hex): how tokens and voting codes are stored."""
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def require(actor: Actor, roles: frozenset[Role]) -> None:
    if actor.role not in roles:
        raise PermissionDenied("forbidden", f"the {actor.role} role may not do this", role=actor.role)


def add_user(session: Session, name: str, role: str, password: str, *, by: Actor) -> StaffUser:
    if role not in {r.value for r in Role}:
        raise InvalidInput("invalid_role", f"role must be admin, clerk or scrutineer, not {role!r}", field="role")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            "password_too_short", f"a password needs at least {MIN_PASSWORD_LENGTH} characters", field="password"
        )
    if session.exec(select(StaffUser).where(StaffUser.name == name)).first():
        raise Conflict("user_exists", f"there is already a user named {name!r}", field="name", name=name)
    user = StaffUser(name=name, role=role, password_hash=_hasher.hash(password))
    session.add(user)
    session.flush()
    audit.record(session, actor=by.name, role=by.role, action="user.added", details={"name": name, "role": role})
    return user


def authenticate(session: Session, name: str, password: str) -> StaffUser:
    """The user with this name and password, or ``NotAuthenticated`` (the same for both mistakes)."""
    user = session.exec(select(StaffUser).where(StaffUser.name == name)).first()
    try:
        if user is None or not user.active:
            _hasher.hash(password)  # as slow as a real check, so that timing tells no names
            raise VerificationError
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise NotAuthenticated("bad_credentials", "wrong user name or password") from None
    return user


def issue_token(session: Session, user: StaffUser, secret: str) -> str:
    assert user.id is not None
    token = secrets.token_urlsafe(32)
    expires = dt.datetime.now(dt.UTC) + TOKEN_LIFETIME
    session.add(ApiToken(token_hash=keyed_hash(secret, token), user_id=user.id, expires_at=expires))
    return token


def user_for_token(session: Session, token: str, secret: str) -> StaffUser | None:
    row = session.get(ApiToken, keyed_hash(secret, token))
    if row is None or _aware(row.expires_at) < dt.datetime.now(dt.UTC):
        return None
    user = session.get(StaffUser, row.user_id)
    return user if user is not None and user.active else None


def revoke_token(session: Session, token: str, secret: str) -> None:
    row = session.get(ApiToken, keyed_hash(secret, token))
    if row is not None:
        session.delete(row)


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands datetimes back without their zone; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
