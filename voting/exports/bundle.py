"""The verification bundle laid out: one ZIP from which anyone recounts a vote and checks its log, on any machine.

The bundle holds what a recount needs (``manifest.json``: the rules, each
counted round's attendance and stored result, the published record and its
hashes), every round's anonymous ballot list, the audit log, the tally sheet
in its three forms, the announcements, ``VERIFY.md``, the commands an auditor
runs (in Chinese and English, with this vote's numbers filled in), and
``verifier/``, a verifier that needs nothing but Python's standard library.
Once the vote is published, all but the manifest, the ballot lists and the
log are the files stored at publication (``voting.services.official``).

This module only renders what it is given: building a bundle from what is
stored is a use case, ``voting.services.bundles``; the checker is
``voting.exports.bundle_check``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any

import orjson

from voting.exports.bundle_format import AUDIT, MANIFEST, VERIFY, ZIP_TIME, bundle_file_name, sha256
from voting.exports.forms import Form, render_forms, verifier_files
from voting.exports.sheet import TallySheet
from voting.exports.verify_md import verify_md


def bundle_files(manifest: dict[str, Any], sheet: TallySheet) -> list[Form]:
    """VERIFY.md, the tally sheet's forms and the verifier, rendered now: at publication, or for an unpublished bundle."""
    vote = manifest["vote"]
    name = bundle_file_name(vote["id"], training=vote["training"], official=vote["official"])
    return [Form(VERIFY, VERIFY, verify_md(manifest, name).encode("utf-8")), *render_forms(sheet), *verifier_files()]


def zip_bundle(
    manifest: dict[str, Any], lists: Sequence[tuple[str, bytes]], audit_data: bytes, files: Sequence[tuple[str, bytes]]
) -> bytes:
    """The bundle's ZIP: VERIFY.md first, the manifest (completed with the log's size and every file's hash), the
    ballot lists, the audit log, then the other files; deterministic entry order and timestamps."""
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
