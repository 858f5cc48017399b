"""Building a vote's verification bundle: one ZIP from which anyone recounts the vote and checks its log.

The use case reads what is stored (the manifest, the ballot lists, the audit
log, the files fixed at publication) and hands it to the renderer
(``voting.exports.bundle``), which lays the ZIP out and never reads the store.
"""

from __future__ import annotations

import itertools

from sqlmodel import Session, select

from voting.exports.bundle import bundle_files, zip_bundle
from voting.services import audit, official
from voting.services.manifest import bundle_manifest
from voting.services.records import get_meeting, get_vote
from voting.store.models import AuditEntry


def write_bundle(session: Session, vote_id: int, *, time_zone: str) -> bytes:
    """The vote's verification bundle as ZIP bytes: deterministic entry order and timestamps.

    A published vote's bundle holds the files stored at its publication, byte
    for byte, and its audit log up to the publication entry; an unpublished
    vote's bundle renders them now, with times in ``time_zone``.  Raises ``Conflict`` (no_counted_round)
    while no round of the vote has been counted.
    """
    manifest, lists, sheet = bundle_manifest(session, vote_id, time_zone=time_zone)
    published = manifest["published"]
    stored = official.stored_files(session, vote_id) if published else []
    files = [(f.name, f.data) for f in stored] or [(f.name, f.data) for f in bundle_files(manifest, sheet)]
    body_id = get_meeting(session, get_vote(session, vote_id).meeting_id).body_id
    audit_lines = audit.export_lines(session, body_id)  # its body's chain: another body's entries are not its auditor's
    if published:
        # A published vote's log ends, in its bundle, with its publication: what was read out in the
        # hall is then the head `voting audit verify --file` prints, and the bundle no longer changes.
        at = published["audit_head_at_publication"]
        head = session.exec(select(AuditEntry).where(AuditEntry.body_id == body_id, AuditEntry.hash == at)).first()
        if head is not None:  # else the log lost it: the whole log goes, and verify-bundle says so
            audit_lines = itertools.islice(audit_lines, head.seq)
    return zip_bundle(manifest, lists, "".join(audit_lines).encode("utf-8"), files)
