"""The bodies (人大) a service runs votes for, and which one a request or a command means (DESIGN section 8).

A body owns its meetings, staff accounts and audit log.  With one body (the
embedded default) nothing names it: the default body is the one the setting
``DEFAULT_BODY`` names by its short name, else the first.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from sqlmodel import Session, col, select

from voting.domain.audit_events import BodyCreated
from voting.services import audit, auth
from voting.services.auth import PLATFORM, Actor, Role, require
from voting.services.errors import Conflict, InvalidInput, NotFound
from voting.store.models import Body, Meeting, Round, Vote


def default_body(session: Session, slug: str | None = None) -> Body:
    """The body a request or command means when it names none: ``slug`` (the setting), else the first."""
    if slug:
        return body_named(session, slug)
    body = session.exec(select(Body).order_by(col(Body.id)).limit(1)).first()
    if body is None:
        raise NotFound("unknown_body", field="body", body="")
    return body


def body_named(session: Session, slug: str) -> Body:
    body = session.exec(select(Body).where(Body.slug == slug)).first()
    if body is None:
        raise NotFound("unknown_body", field="body", body=slug)
    return body


OWNED = ("meeting", "vote", "round")
"""What an address names by id, each owned by one body for good (a row never moves to another body)."""


def owner(session: Session, kind: str, key: int) -> int | None:
    """The body that owns the meeting, vote or round ``key``; None when there is none such."""
    query: Any
    if kind == "meeting":
        query = select(Meeting.body_id).where(Meeting.id == key)
    elif kind == "vote":
        query = select(Meeting.body_id).join(Vote).where(Vote.id == key)
    elif kind == "round":
        query = select(Meeting.body_id).join(Vote).join(Round).where(Round.id == key)
    else:
        raise ValueError(f"{kind!r} is not one of {OWNED}")
    found: int | None = session.exec(query).first()
    return found


SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")
"""A short name: lower-case letters, digits and inner hyphens, at most 40; what ``/b/<name>/`` accepts."""


def create_body(
    session: Session, *, slug: str, name_zh: str, name_en: str, admin: str, password: str, by: Actor
) -> Body:
    """Set up a body with its first administrator, who makes its other accounts; the platform's work ends there.

    The body's log begins with its creation and its administrator's account, in its own chain.
    """
    require(by, PLATFORM)
    if not SLUG.fullmatch(slug):
        raise InvalidInput("invalid_slug", field="slug", slug=slug)
    if session.exec(select(Body).where(Body.slug == slug)).first():
        raise Conflict("body_exists", field="slug", slug=slug)
    body = Body(slug=slug, name_zh=name_zh, name_en=name_en)
    session.add(body)
    session.flush()
    assert body.id is not None
    audit.record(session, BodyCreated(slug=slug, name_zh=name_zh), actor=by, body_id=body.id)
    auth.add_user(session, admin, Role.ADMIN.value, password, by=replace(by, body_id=body.id))
    return body


def all_bodies(session: Session) -> list[Body]:
    return list(session.exec(select(Body).order_by(col(Body.id))).all())
