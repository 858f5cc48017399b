"""Who is calling: a staff member by bearer token or by the browser's session cookie.

Browsers log in for a signed session cookie (HttpOnly, SameSite=Strict) and
must echo the session's CSRF token in ``X-CSRF-Token`` on every change; API
clients send ``Authorization: Bearer <token>`` and need no CSRF token, since
no browser attaches that header on its own.  Deputies never log in: their
voting code is their credential, checked by the cast itself.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, request, session
from sqlmodel import Session

from voting.services import auth
from voting.services.auth import STAFF_ROLES, WRITERS, Actor, Role, require
from voting.services.errors import NotAuthenticated
from voting.store.models import StaffUser
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


def staff(roles: frozenset[Role] = READERS) -> Actor:
    """The calling staff member, checked for one of ``roles``; raises 401 or 403 otherwise."""
    with get_db(current_app).read() as db_session:
        token = bearer_token()
        if token is not None:
            user = auth.user_for_token(db_session, token, secret())
        else:
            user_id = session.get("user_id")
            user = db_session.get(StaffUser, user_id) if isinstance(user_id, int) else None
            if user is not None and request.method in UNSAFE_METHODS:
                expected = session.get("csrf", "")
                given = request.headers.get("X-CSRF-Token", "")
                if not expected or not hmac.compare_digest(expected, given):
                    raise NotAuthenticated("csrf_failed", "missing or wrong X-CSRF-Token header")
        if user is None or not user.active:
            raise NotAuthenticated("not_authenticated", "log in first")
        actor = Actor(user.name, user.role)
    require(actor, roles)
    return actor


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
