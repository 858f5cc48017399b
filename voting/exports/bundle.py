"""The verification bundle: one ZIP from which anyone recounts a vote and checks its log, on any machine.

``write_bundle`` packs what a recount needs (``manifest.json``: the rules, each
counted round's attendance and stored result, the published record and its
hashes), every round's anonymous ballot list, the audit log, the tally sheet
in its three forms, the announcements, ``VERIFY.md``, the commands an auditor
runs (in Chinese and English, with this vote's numbers filled in), and
``verifier/``, a verifier that needs nothing but Python's standard library.
Once the vote is published, all but the manifest, the ballot lists and the
log are the files stored at publication (``voting.services.official``).

``write_bundle`` imports the services it reads from when it is called, never at
import time; the checker is ``voting.exports.bundle_check``.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import orjson

from voting import __version__

if TYPE_CHECKING:
    from sqlmodel import Session


from voting.exports.bundle_format import (
    AUDIT,
    FORMAT,
    MANIFEST,
    VERIFY,
    ZIP_TIME,
    ballots_file,
    bundle_file_name,
    line_hashes,
    sha256,
)
from voting.exports.forms import Form, render_forms, verifier_files
from voting.exports.sheet import TallySheet
from voting.exports.verify_md import verify_md


# long: the manifest is one literal, laid out as the bundle format (bundle_format.py) reads it
def bundle_manifest(
    session: Session, vote_id: int, *, time_zone: str
) -> tuple[dict[str, Any], list[tuple[str, bytes]], TallySheet]:
    """What a recount needs, from what is stored: the manifest (without ``audit`` and ``files``), the ballot lists,
    and the sheet, whose forms print times in ``time_zone``, the sitting's.

    Raises ``Conflict`` (no_counted_round) while no round of the vote has been counted.
    """
    from voting.domain.lifecycle import RoundState, VoteState
    from voting.services import publication
    from voting.services.errors import Conflict
    from voting.services.records import get_vote, rules_of
    from voting.services.reports import tally_sheet
    from voting.services.rounds import rounds_of
    from voting.services.votes import candidates_of

    vote = get_vote(session, vote_id)
    counted = [r for r in rounds_of(session, vote_id) if r.state == RoundState.COUNTED]
    if not counted:
        raise Conflict("no_counted_round", f"vote {vote_id} has no counted round yet: there is nothing to verify")
    published = vote.state == VoteState.PUBLISHED
    sheet = tally_sheet(session, vote_id, time_zone=time_zone)
    result = publication.vote_result(session, vote)
    assert result is not None
    lists = [(ballots_file(r.number), publication.ballot_list(session, r).encode("utf-8")) for r in counted]
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "made_by": f"voting {__version__}",
        "vote": {
            "id": vote_id,
            "title_zh": vote.title_zh,
            "title_en": vote.title_en,
            "training": vote.training,
            "state": vote.state,
            "official": published,
            "marks_zh": sheet.marks_zh,
            "marks_en": sheet.marks_en,
            "meeting_zh": sheet.meeting_zh,
            "date": sheet.date.isoformat(),
        },
        "rules": rules_of(vote).to_dict(),
        "projects": [c.number for c in candidates_of(session, vote_id)],
        "rounds": [
            {
                "number": r.number,
                "kind": r.kind,
                "seats": r.seats,
                "projects": list(r.projects),
                "deputy_count": r.deputy_count,
                "deputies_present": r.deputies_present,
                "ballots_issued": r.ballots_issued,
                "result": r.result,
                "ballots_file": name,
                "ballots_sha256": sha256(data),
                "ballot_lines": line_hashes(data),
                "audit_head_at_close": r.audit_head_at_close,
            }
            for r, (name, data) in zip(counted, lists, strict=True)
        ],
        "selected": list(result.selected),
        "vacant": result.vacant,
        "decided": result.decided,
        "published": {
            "at": vote.published_at.isoformat() if vote.published_at else None,
            "record": publication.published_record(session, vote),
            "result_digest": vote.result_digest,
            "ballots_digest": vote.ballots_digest,
            "audit_head_at_publication": vote.audit_head_at_publication,
        }
        if published
        else None,
    }
    return manifest, lists, sheet


def bundle_files(manifest: dict[str, Any], sheet: TallySheet) -> list[Form]:
    """VERIFY.md, the tally sheet's forms and the verifier, rendered now: at publication, or for an unpublished bundle."""
    vote = manifest["vote"]
    name = bundle_file_name(vote["id"], training=vote["training"], official=vote["official"])
    return [Form(VERIFY, VERIFY, verify_md(manifest, name).encode("utf-8")), *render_forms(sheet), *verifier_files()]


def write_bundle(session: Session, vote_id: int, *, time_zone: str) -> bytes:
    """The vote's verification bundle as ZIP bytes: deterministic entry order and timestamps.

    A published vote's bundle holds the files stored at its publication, byte
    for byte, and its audit log up to the publication entry; an unpublished
    vote's bundle renders them now, with times in ``time_zone``.  Raises ``Conflict`` (no_counted_round)
    while no round of the vote has been counted.
    """
    from sqlmodel import select

    from voting.services import audit, official
    from voting.store.models import AuditEntry

    manifest, lists, sheet = bundle_manifest(session, vote_id, time_zone=time_zone)
    published = manifest["published"]
    stored = official.stored_files(session, vote_id) if published else []
    files = [(f.name, f.data) for f in stored] or [(f.name, f.data) for f in bundle_files(manifest, sheet)]
    audit_lines = audit.export_lines(session)
    if published:
        # A published vote's log ends, in its bundle, with its publication: what was read out in the
        # hall is then the head `voting audit verify --file` prints, and the bundle no longer changes.
        head = session.exec(select(AuditEntry).where(AuditEntry.hash == published["audit_head_at_publication"])).first()
        if head is not None:  # else the log lost it: the whole log goes, and verify-bundle says so
            audit_lines = itertools.islice(audit_lines, head.seq)
    audit_data = "".join(audit_lines).encode("utf-8")
    manifest["audit"] = {"file": AUDIT, "entries": audit_data.count(b"\n")}
    manifest["files"] = [{"name": name, "sha256": sha256(data)} for name, data in files]
    manifest_data = orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n"
    verify, others = files[0], files[1:]
    return _zip([verify, (MANIFEST, manifest_data), *lists, (AUDIT, audit_data), *others])


def _zip(files: Sequence[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever system wrote it, so that the permissions below mean the same
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


# --- VERIFY.md -------------------------------------------------------------------------------------
