"""Who is calling: a staff member by bearer token or by the browser's session cookie.

Browsers log in for a signed session cookie (HttpOnly, SameSite=Strict,
Secure over HTTPS) and must echo the session's CSRF token in ``X-CSRF-Token``
on every change; API clients send ``Authorization: Bearer <token>`` and need
no CSRF token, since no browser attaches that header on its own.  The cookie
carries only the login's session id: the login itself lives in the database
(``services.auth``), so that logging out, or the idle and absolute limits, end
it on the server, whoever holds a copy of the cookie.  Deputies never log in: their
voting code is their credential, checked by the cast itself.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app, request, session
from sqlmodel import Session

from voting.services import auth
from voting.services.auth import STAFF_ROLES, WRITERS, Actor, Role, require
from voting.services.errors import NotAuthenticated
from voting.web import get_db

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
READERS = STAFF_ROLES


def secret() -> str:
    key: str = current_app.config["SECRET_KEY"]
    return key


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def session_limits() -> auth.SessionLimits:
    """The settings SESSION_IDLE_MINUTES and SESSION_MAX_HOURS."""
    return auth.SessionLimits.of(current_app.config["SESSION_IDLE_MINUTES"], current_app.config["SESSION_MAX_HOURS"])


@dataclass(frozen=True)
class Caller:
    """A staff member and the login they called with."""

    actor: Actor
    login: str
    """The login's key (``ApiToken.token_hash``), to log it out."""


def caller(roles: frozenset[Role] = READERS) -> Caller:
    """The calling staff member and their login, checked for one of ``roles``; raises 401 or 403 otherwise."""
    limits = session_limits()
    with get_db(current_app).read() as db_session:
        token = bearer_token()
        if token is not None:
            login = auth.find_login(db_session, secret(), limits, token=token)
        else:
            session_id = session.get("login")
            login = auth.find_login(db_session, secret(), limits, session_id=session_id) if session_id else None
            if login is not None and request.method in UNSAFE_METHODS:
                expected = session.get("csrf", "")
                given = request.headers.get("X-CSRF-Token", "")
                if not expected or not hmac.compare_digest(expected, given):
                    raise NotAuthenticated("csrf_failed", "missing or wrong X-CSRF-Token header")
        user = auth.user_of(db_session, login)
        if login is None or user is None:
            raise NotAuthenticated("not_authenticated", "log in first")
        found = Caller(Actor(user.name, user.role), login.token_hash)
        stale = auth.needs_touch(login)
    if stale:
        with get_db(current_app).write() as db_session:
            auth.touch(db_session, found.login)
    require(found.actor, roles)
    return found


def staff(roles: frozenset[Role] = READERS) -> Actor:
    """The calling staff member, checked for one of ``roles``; raises 401 or 403 otherwise."""
    return caller(roles).actor


def writer() -> Actor:
    return staff(WRITERS)


@contextmanager
def writing() -> Iterator[Session]:
    with get_db(current_app).write() as db_session:
        yield db_session


@contextmanager
def reading() -> Iterator[Session]:
    with get_db(current_app).read() as db_session:
        yield db_session


def is_staff() -> bool:
    """Whether the caller is logged-in staff (for answers that are public only after publication)."""
    try:
        staff()
    except NotAuthenticated:
        return False
    return True
