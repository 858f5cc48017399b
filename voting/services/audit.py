"""Writing the audit log: the one function through which every state change is recorded, as its typed event."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from voting.domain import audit_chain
from voting.domain.audit_chain import GENESIS, ChainCheck, canonical_json, entry_hash, verify_chain
from voting.domain.audit_events import AuditEvent, stored_details
from voting.store.models import AuditEntry, Meeting, Round, Vote

if TYPE_CHECKING:  # auth records its own entries through this module
    from voting.services.auth import Actor


def record(
    session: Session, event: AuditEvent, *, actor: Actor, vote_id: int | None = None, body_id: int | None = None
) -> AuditEntry:
    """Append one entry to its body's chain, chained to the last, in the caller's transaction.

    The body is the one named, else the vote's, else the actor's: each body's log
    is its own chain (DESIGN section 8), so that its auditor verifies it alone.

    The caller holds the write lock (``Database.write``); the sequence number's
    primary key turns any race that slips past it into a failed commit, never a fork.
    An entry about a training vote says so (``"training": true`` in its details),
    so that no reader of the log can take a drill for a decision; so does one about
    a meeting that holds a training vote (its roster, its check-ins), since a
    meeting never holds a training vote and a live one together.
    """
    details = event.details()
    training = False
    if vote_id is not None:
        vote = session.get(Vote, vote_id)
        training = vote is not None and vote.training
    elif isinstance(details.get("meeting_id"), int):
        held = select(Vote.id).where(Vote.meeting_id == details["meeting_id"], col(Vote.training))
        training = session.exec(held.limit(1)).first() is not None
    details = stored_details(event, training=training)
    body = _body(session, body_id, vote_id, actor)
    last = session.exec(
        select(AuditEntry).where(AuditEntry.body_id == body).order_by(col(AuditEntry.seq).desc()).limit(1)
    ).first()
    fields: dict[str, Any] = {
        "seq": (last.seq + 1) if last else 1,
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
        "actor": actor.name,
        "role": actor.role,
        "action": event.action,
        "vote_id": vote_id,
        "details": json.loads(canonical_json(details)),
        "prev_hash": last.hash if last else GENESIS,
    }
    entry = AuditEntry(
        body_id=body,
        seq=fields["seq"],
        at=fields["at"],
        actor=actor.name,
        role=actor.role,
        action=event.action,
        vote_id=vote_id,
        details=canonical_json(details),
        prev_hash=fields["prev_hash"],
        hash=entry_hash(fields),
    )
    session.add(entry)
    session.flush()
    return entry


def _body(session: Session, body_id: int | None, vote_id: int | None, actor: Actor) -> int:
    if body_id is not None:
        return body_id
    if vote_id is not None:
        found = session.exec(select(Meeting.body_id).join(Vote).where(Vote.id == vote_id)).first()
        if found is not None:
            return found
    if actor.body_id is None:
        raise ValueError(f"an audit entry for {actor.name} names no body")  # a bug: the system acts for a vote
    return actor.body_id


def as_dict(entry: AuditEntry) -> dict[str, Any]:
    """An entry as exported and hashed: the fields of docs/audit-log.md, details as a JSON value."""
    return {
        "seq": entry.seq,
        "at": entry.at,
        "actor": entry.actor,
        "role": entry.role,
        "action": entry.action,
        "vote_id": entry.vote_id,
        "details": json.loads(entry.details),
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def entries(session: Session, body_id: int, *, vote_id: int | None = None) -> Iterator[AuditEntry]:
    """A body's entries, in its chain's order."""
    query = select(AuditEntry).where(AuditEntry.body_id == body_id).order_by(col(AuditEntry.seq))
    if vote_id is not None:
        query = query.where(AuditEntry.vote_id == vote_id)
    yield from session.exec(query.execution_options(yield_per=1000))


def verify(session: Session, body_id: int) -> ChainCheck:
    """Check a body's whole stored chain, then that it still holds every head hash fixed along the way.

    The chain names the first entry that was changed, removed, reordered or
    inserted.  A log cut short, or rewritten with fresh hashes from some entry
    on, is a whole chain again; what gives it away is a head hash recorded when
    a round closed or a vote was published (and printed, and read out in the
    hall) that is no longer in it (docs/audit-log.md).
    """
    check = verify_chain(as_dict(e) for e in entries(session, body_id))
    if not check.ok:
        return check
    votes = select(Vote).join(Meeting).where(Meeting.body_id == body_id)
    rounds = select(Round).join(Vote).join(Meeting).where(Meeting.body_id == body_id)
    anchors = [(f"round {r.number} of vote {r.vote_id} closed", r.audit_head_at_close) for r in session.exec(rounds)]
    anchors += [(f"vote {v.id} was published", v.audit_head_at_publication) for v in session.exec(votes)]
    wanted = {head for _, head in anchors if head}
    ours = select(AuditEntry.hash).where(AuditEntry.body_id == body_id, col(AuditEntry.hash).in_(wanted))
    found = set(session.exec(ours).all()) if wanted else set()
    for moment, head in anchors:
        if head and head not in found:
            return replace(
                check,
                ok=False,
                reason=f"the log no longer holds the head hash {head[:12]}… recorded when {moment}: it was cut short or rewritten",
            )
    return check


def missing_heads(session: Session, body_id: int, heads: Iterable[str]) -> list[str]:
    """The heads given (as read out: 16+ hex digits) that no entry of the body's chain has a hash beginning with."""
    heads = list(heads)
    if not heads:
        return []
    ours = select(AuditEntry.hash).where(AuditEntry.body_id == body_id)
    return audit_chain.missing_heads(session.exec(ours).all(), heads)


def export_lines(session: Session, body_id: int) -> Iterator[str]:
    """A body's log as JSON Lines, one canonical JSON object per entry, in sequence order."""
    for entry in entries(session, body_id):
        yield canonical_json(as_dict(entry)) + "\n"
