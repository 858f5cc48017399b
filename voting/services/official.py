"""Publication (公告): the result fixed, and the files it fixes rendered once, digested into its audit entry, stored,
served as stored.

At publication (``publish``) the tally sheet in every form (PDF,
XLSX, CSV), the announcements (zh, en), VERIFY.md and the bundle's verifier are
rendered from the published state, in the publishing transaction.  Their
SHA-256s go into the ``vote.published`` entry, whose head is read out in the
hall; the announcements' stored bytes are the digested text plus a closing
line naming that head (``bundle_format.head_line``), since no file can carry
the hash of the entry that carries its own hash.  Every later download and
every bundle serves exactly these bytes (docs/audit-log.md, "What the hall hears").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, col, select

from voting.domain.audit_chain import canonical_json, short_head
from voting.domain.audit_events import VotePublished
from voting.domain.lifecycle import VoteState, check_vote_move
from voting.exports.bundle import bundle_files
from voting.exports.bundle_format import head_line, lines_digest, sha256
from voting.exports.forms import READ_OUT, Form
from voting.services import audit, publication
from voting.services.auth import WRITERS, Actor, require
from voting.services.manifest import bundle_manifest
from voting.services.records import get_vote
from voting.services.rounds import rounds_of
from voting.store.models import PublishedFile, Vote


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


def publish(session: Session, vote_id: int, *, by: Actor, time_zone: str) -> Vote:
    """Fix the result: its digests, and the official forms rendered once (``render``, ``store``).

    The publication's audit entry carries the digests of every file rendered;
    its hash is the head read out in the hall; the forms print times in
    ``time_zone``, the sitting's.  Rendering the PDF takes most of
    the time (WeasyPrint); the request runs in a native thread of the worker
    (``voting.web.loop``), never on its event loop.
    """
    require(by, WRITERS)
    vote = get_vote(session, vote_id)
    check_vote_move(vote.state, VoteState.PUBLISHED)
    lists = "".join(publication.ballot_list(session, r) for r in rounds_of(session, vote_id))
    vote.result_digest = publication.digest(canonical_json(publication.published_record(session, vote)))
    vote.ballots_digest = publication.digest(lists)
    vote.state = VoteState.PUBLISHED
    vote.published_at = dt.datetime.now(dt.UTC)
    files, fixed = render(session, vote_id, time_zone=time_zone)
    entry = audit.record(
        session,
        VotePublished(result_digest=vote.result_digest, ballots_digest=vote.ballots_digest, **fixed),
        actor=by,
        vote_id=vote_id,
    )
    vote.audit_head_at_publication = entry.hash
    session.add(vote)
    store(session, vote_id, files, entry.hash)
    return vote


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
