"""The lock that orders casting against closing (issue "lifecycle", item 3).

A cast holds the round's row in share mode while it checks that the round is
open and writes its ballot; a close holds it exclusively.  So a ballot in
flight is either committed before the close or sees the round closed: never
lost, never half-written.  On SQLite every write transaction already holds
the database's write lock from its first statement (``BEGIN IMMEDIATE``), and
``FOR SHARE``/``FOR UPDATE`` are not needed (SQLAlchemy leaves them out there).
"""

from __future__ import annotations

from sqlmodel import Session, select

from voting.services.errors import NotFound
from voting.store.models import Round


def lock_round(session: Session, round_id: int, *, exclusive: bool) -> Round:
    query = select(Round).where(Round.id == round_id).with_for_update(read=not exclusive)
    # populate_existing: the row as it is once the lock is held, not as first read in this session.
    round_ = session.exec(query.execution_options(populate_existing=True)).first()
    if round_ is None:
        raise NotFound("not_found", what="round", id=str(round_id))
    return round_
