"""Staff accounts, passwords and logins.

Passwords are hashed with argon2id (argon2-cffi's defaults) and must be at
least 12 characters and not on the shipped list of common passwords
(``voting/data/common-passwords.txt``).  A login issues a bearer token and a
session id for the browser's cookie, both random and kept only as keyed hashes
in one ``ApiToken`` row, so that a copy of the database lets nobody log in,
and logging out with either credential ends both.  A login ends after
``SessionLimits.idle`` without use or ``SessionLimits.absolute`` after it
began, whichever comes first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, delete, select, update

from voting.domain.audit_events import UserAdded, UserPasswordSet
from voting.services import audit
from voting.services.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from voting.store.models import ApiToken, StaffUser

MIN_PASSWORD_LENGTH = 12
TOUCH_EVERY = dt.timedelta(minutes=1)
"""How stale a login's ``last_seen_at`` may be before a request writes it again: the idle limit's grain.

A clerk's console polls the turnout every two seconds; writing on each poll
would take SQLite's write lock from the casts for nothing."""
_hasher = PasswordHasher()


class Role(StrEnum):
    ADMIN = "admin"
    CLERK = "clerk"
    SCRUTINEER = "scrutineer"
    """Read-only: sees everything the clerks see and changes nothing."""
    PLATFORM = "platform"
    """The service's administrator: sets up bodies and their first administrators, and sees nothing inside them."""


STAFF_ROLES = frozenset({Role.ADMIN, Role.CLERK, Role.SCRUTINEER})
"""A body's staff."""
PLATFORM = frozenset({Role.PLATFORM})
WRITERS = frozenset({Role.ADMIN, Role.CLERK})


@dataclass(frozen=True)
class Actor:
    """Who does something, as the audit log records it, and for which body (DESIGN section 8)."""

    name: str
    role: str
    body_id: int | None = None
    """The body whose staff the actor is; None for the system (its entries go to the vote's body)."""


SYSTEM = Actor("system", "system")


def body_of(actor: Actor) -> int:
    """The body an actor works in; staff always have one."""
    if actor.body_id is None:
        raise PermissionDenied("forbidden", role=actor.role)
    return actor.body_id


@dataclass(frozen=True)
class SessionLimits:
    """How long a login lasts: ``idle`` after its last use, ``absolute`` after it began (settings
    ``SESSION_IDLE_MINUTES`` and ``SESSION_MAX_HOURS``)."""

    idle: dt.timedelta
    absolute: dt.timedelta

    @classmethod
    def of(cls, idle_minutes: float, max_hours: float) -> SessionLimits:
        return cls(idle=dt.timedelta(minutes=idle_minutes), absolute=dt.timedelta(hours=max_hours))


@dataclass(frozen=True)
class Login:
    """The two credentials one login issues: the bearer token, and the session id the cookie carries."""

    token: str
    session_id: str


def keyed_hash(secret: str, value: str) -> str:
    """HMAC-SHA256 (hex): how tokens and voting codes are stored."""
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def require(actor: Actor, roles: frozenset[Role]) -> None:
    if actor.role not in roles:
        raise PermissionDenied("forbidden", role=actor.role)


def _named(session: Session, body_id: int | None, name: str) -> StaffUser | None:
    """The body's account of that name; the platform's when ``body_id`` is None."""
    home = col(StaffUser.body_id).is_(None) if body_id is None else StaffUser.body_id == body_id
    return session.exec(select(StaffUser).where(home, StaffUser.name == name)).first()


def add_platform_admin(session: Session, name: str, password: str) -> StaffUser:
    """An account of the service's administrator (``voting platform admin``), which belongs to no body."""
    check_password(password)
    if _named(session, None, name):
        raise Conflict("user_exists", field="name", name=name)
    user = StaffUser(body_id=None, name=name, role=Role.PLATFORM.value, password_hash=_hasher.hash(password))
    session.add(user)
    session.flush()
    return user


def add_user(session: Session, name: str, role: str, password: str, *, by: Actor) -> StaffUser:
    """An account of the actor's body: names are the body's own, so two towns may each have a clerk-li."""
    if role not in STAFF_ROLES:
        raise InvalidInput("invalid_role", field="role")
    check_password(password)
    body_id = body_of(by)
    if _named(session, body_id, name):
        raise Conflict("user_exists", field="name", name=name)
    user = StaffUser(body_id=body_id, name=name, role=role, password_hash=_hasher.hash(password))
    session.add(user)
    session.flush()
    audit.record(session, UserAdded(name=name, role=role), actor=by)
    return user


def set_password(session: Session, name: str, password: str, *, by: Actor) -> StaffUser:
    """Give an account a new password (a forgotten one, or the demo's); every login of it ends."""
    check_password(password)
    user = _named(session, body_of(by), name)
    if user is None:
        raise NotFound("unknown_user", field="name", name=name)
    user.password_hash = _hasher.hash(password)
    session.add(user)
    session.execute(delete(ApiToken).where(col(ApiToken.user_id) == user.id))  # every login of it ends
    audit.record(session, UserPasswordSet(name=name), actor=by)
    return user


def authenticate(session: Session, body_id: int | None, name: str, password: str) -> StaffUser:
    """The body's user with this name and password (the platform's for None), or ``NotAuthenticated`` (the same
    for both mistakes)."""
    user = _named(session, body_id, name)
    try:
        if user is None or not user.active:
            _hasher.hash(password)  # as slow as a real check, so that timing tells no names
            raise VerificationError
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise NotAuthenticated("bad_credentials") from None
    return user


def check_password(password: str) -> None:
    """Refuse a password shorter than 12 characters or on the list of common ones."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password_too_short", field="password")
    if _plain(password) in _common_passwords():
        raise InvalidInput("password_too_common", field="password")


def _plain(password: str) -> str:
    return "".join(password.split()).casefold()


@cache
def _common_passwords() -> frozenset[str]:
    text = files("voting").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(_plain(line) for line in text.splitlines() if line.strip() and not line.startswith("#"))


def log_in(session: Session, user: StaffUser, secret: str, limits: SessionLimits) -> Login:
    """A new login for ``user``: a bearer token and a cookie's session id, in one row."""
    login = Login(secrets.token_urlsafe(32), secrets.token_urlsafe(32))
    _add_login(
        session, user, keyed_hash(secret, login.token), limits, session_hash=keyed_hash(secret, login.session_id)
    )
    return login


def issue_token(session: Session, user: StaffUser, secret: str, limits: SessionLimits) -> str:
    """A login with a bearer token only (no cookie): for a drill run in the server."""
    token = secrets.token_urlsafe(32)
    _add_login(session, user, keyed_hash(secret, token), limits, session_hash=None)
    return token


def _add_login(
    session: Session, user: StaffUser, token_hash: str, limits: SessionLimits, *, session_hash: str | None
) -> None:
    assert user.id is not None
    now = dt.datetime.now(dt.UTC)
    session.execute(delete(ApiToken).where(col(ApiToken.expires_at) <= now))  # logins that have ended
    session.add(
        ApiToken(
            token_hash=token_hash,
            session_hash=session_hash,
            user_id=user.id,
            issued_at=now,
            last_seen_at=now,
            expires_at=now + limits.absolute,
        )
    )


def find_login(
    session: Session, secret: str, limits: SessionLimits, *, token: str | None = None, session_id: str | None = None
) -> ApiToken | None:
    """The live login that this bearer token or this cookie's session id belongs to, or None.

    A login past its absolute limit, or idle for longer than ``limits.idle``, is
    not live; its row is deleted by the next login.
    """
    if token is not None:
        row = session.get(ApiToken, keyed_hash(secret, token))
    elif session_id is not None:
        row = session.exec(select(ApiToken).where(ApiToken.session_hash == keyed_hash(secret, session_id))).first()
    else:
        return None
    now = dt.datetime.now(dt.UTC)
    if row is None or _aware(row.expires_at) <= now or _aware(row.last_seen_at) + limits.idle <= now:
        return None
    return row


def user_of(session: Session, login: ApiToken | None) -> StaffUser | None:
    """The active staff member of a live login."""
    user = session.get(StaffUser, login.user_id) if login is not None else None
    return user if user is not None and user.active else None


def needs_touch(login: ApiToken) -> bool:
    return _aware(login.last_seen_at) + TOUCH_EVERY <= dt.datetime.now(dt.UTC)


def touch(session: Session, token_hash: str) -> None:
    """Record that a login was used now (the idle limit counts from here)."""
    now = dt.datetime.now(dt.UTC)
    session.execute(update(ApiToken).where(col(ApiToken.token_hash) == token_hash).values(last_seen_at=now))


def log_out(session: Session, token_hash: str) -> None:
    """End a login: its bearer token and its cookie both stop working at once."""
    session.execute(delete(ApiToken).where(col(ApiToken.token_hash) == token_hash))


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands datetimes back without their zone; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
