"""The bodies (人大) a service runs votes for, and which one a request or a command means (DESIGN section 8).

A body owns its meetings, staff accounts and audit log.  With one body (the
embedded default) nothing names it: the default body is the one the setting
``DEFAULT_BODY`` names by its short name, else the first.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from voting.services.errors import NotFound
from voting.store.models import Body


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
