"""The files a vote's publication fixes: rendered once, digested into its audit entry, stored, served as stored.

At publication (``publication.publish``) the tally sheet in every form (PDF,
XLSX, CSV), the announcements (zh, en), VERIFY.md and the bundle's verifier are
rendered from the published state, in the publishing transaction.  Their
SHA-256s go into the ``vote.published`` entry, whose head is read out in the
hall; the announcements' stored bytes are the digested text plus a closing
line naming that head (``bundle_format.head_line``), since no file can carry
the hash of the entry that carries its own hash.  Every later download and
every bundle serves exactly these bytes (docs/audit-log.md, "What the hall hears").
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from voting.domain.audit_chain import short_head
from voting.exports.bundle import bundle_files
from voting.exports.bundle_format import head_line, lines_digest, sha256
from voting.exports.forms import READ_OUT, Form
from voting.services.manifest import bundle_manifest
from voting.store.models import PublishedFile


def render(session: Session, vote_id: int, *, time_zone: str) -> tuple[list[Form], dict[str, Any]]:
    """The files to fix, and what the publication entry records of them (``files``, ``read_out``, ``ballot_lines``).

    Called once the vote's state, digests and time of publication are set (the
    forms say 正式 and print them), before its entry is written: the forms
    print the head they were made on, the last before publication.
    """
    manifest, _, sheet = bundle_manifest(session, vote_id, time_zone=time_zone)
    files = bundle_files(manifest, sheet)
    details = {
        "files": {f.name: sha256(f.data) for f in files},
        "read_out": {f.name: READ_OUT[f.kind] for f in files if f.kind in READ_OUT},
        "ballot_lines": {r["ballots_file"]: lines_digest(r["ballot_lines"]) for r in manifest["rounds"]},
    }
    return files, details


def store(session: Session, vote_id: int, files: list[Form], head: str) -> None:
    """Keep the rendered files; an announcement ends with the head of the publication entry, to be read out."""
    for position, f in enumerate(files):
        data = f.data + head_line(READ_OUT[f.kind], short_head(head)) if f.kind in READ_OUT else f.data
        session.add(
            PublishedFile(
                vote_id=vote_id, name=f.name, position=position, kind=f.kind, sha256=sha256(f.data), data=data
            )
        )


def stored_files(session: Session, vote_id: int) -> list[PublishedFile]:
    """The vote's fixed files in bundle order; none for an unpublished vote (or one published before they were kept)."""
    query = select(PublishedFile).where(PublishedFile.vote_id == vote_id).order_by(col(PublishedFile.position))
    return list(session.exec(query).all())


def stored_form(session: Session, vote_id: int, kind: str) -> PublishedFile | None:
    query = select(PublishedFile).where(PublishedFile.vote_id == vote_id, PublishedFile.kind == kind)
    return session.exec(query).first()
