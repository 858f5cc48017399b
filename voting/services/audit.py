"""Writing the audit log: the one function through which every state change is recorded."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlmodel import Session, col, select

from voting.domain.audit_chain import GENESIS, canonical_json, entry_hash
from voting.store.models import AuditEntry


def record(
    session: Session, *, actor: str, role: str, action: str, vote_id: int | None = None, details: dict[str, Any]
) -> AuditEntry:
    """Append one entry, chained to the last, in the caller's transaction.

    The caller holds the write lock (``Database.write``); the sequence number's
    primary key turns any race that slips past it into a failed commit, never a fork.
    """
    last = session.exec(select(AuditEntry).order_by(col(AuditEntry.seq).desc()).limit(1)).first()
    fields: dict[str, Any] = {
        "seq": (last.seq + 1) if last else 1,
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "role": role,
        "action": action,
        "vote_id": vote_id,
        "details": json.loads(canonical_json(details)),
        "prev_hash": last.hash if last else GENESIS,
    }
    entry = AuditEntry(
        seq=fields["seq"],
        at=fields["at"],
        actor=actor,
        role=role,
        action=action,
        vote_id=vote_id,
        details=canonical_json(details),
        prev_hash=fields["prev_hash"],
        hash=entry_hash(fields),
    )
    session.add(entry)
    session.flush()
    return entry
