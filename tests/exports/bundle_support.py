"""The published vote with a tie-break round that the bundle tests share, and the helpers that doctor its bundle."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from flask.testing import FlaskClient

from tests.support.api import Api, Sitting
from tests.support.cli import VOTING
from voting.exports.bundle_check import verify_bundle
from voting.exports.bundle_format import sha256

NOWHERE = "sqlite:////nonexistent/no-database-here/voting.sqlite3"
ROUND_1 = "rounds/round-1-ballots.csv"
ROUND_2 = "rounds/round-2-ballots.csv"
FORM_PATHS = (
    "tally-sheet.pdf",
    "tally-sheet.xlsx",
    "tally-sheet.csv",
    "announcement.txt?lang=zh",
    "announcement.txt?lang=en",
)


# --- one published vote with a tie-break round, for the whole module --------------------------------


@dataclass(frozen=True)
class Published:
    bundle: bytes
    again: bytes
    """The same bundle downloaded a second time."""
    name: str
    content_type: str
    vote: dict[str, Any]
    result: dict[str, Any]
    forms: dict[str, list[tuple[bytes, str]]]
    """Each download of the published vote (``FORM_PATHS``), twice, by the public: (body, file name)."""
    log: list[dict[str, Any]]
    """The vote's audit entries, as GET /api/v1/audit lists them after the downloads."""
    publish_seconds: float
    """How long the publish request took (it renders and stores every form)."""


def run_tie_break(sitting: Sitting, deputy: Api) -> None:
    """Ten deputies: 1-8 by all, 9 by eight, 10 and 11 tie at six for the last seat; 11 wins the tie-break 7 to 3."""
    sitting.check_in(range(1, 11))
    sitting.issue_codes(range(1, 11))
    sitting.clerk.put(f"/api/v1/votes/{sitting.vote_id}/scrutineers", {"chief": 1, "members": [2]})
    first = sitting.open_round()
    for number in range(1, 11):
        extra = {9, 10} if number <= 4 else ({9, 11} if number <= 8 else {10, 11})
        sitting.cast(deputy, number, set(range(1, 9)) | extra)
    assert sitting.close_and_count(first["id"])["result"]["runoff"]["reason"] == "tie"
    second = sitting.open_round()
    for number in range(1, 11):
        sitting.cast(deputy, number, {11} if number <= 7 else {10})
    assert sitting.close_and_count(second["id"])["result"]["selected"] == [11]


def download_form(client: FlaskClient, vote_id: int, path: str) -> tuple[bytes, str]:
    response = client.get(f"/api/v1/votes/{vote_id}/{path}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    name = re.search(r'filename="([^"]+)"', response.headers.get("Content-Disposition", ""))
    return response.data, name.group(1) if name else ""


def download(client: FlaskClient, vote_id: int, token: str | None = None, status: int = 200) -> tuple[bytes, str, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.get(f"/api/v1/votes/{vote_id}/bundle.zip", headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    disposition = response.headers.get("Content-Disposition", "")
    name = re.search(r'filename="([^"]+)"', disposition)
    return response.data, name.group(1) if name else "", response.content_type


# --- helpers ---------------------------------------------------------------------------------------


def members(bundle: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rebuild(bundle: bytes, changes: dict[str, bytes | None]) -> bytes:
    """The bundle with some files replaced (or dropped, for None), in the same order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members(bundle).items():
            replaced = changes.get(name, data)
            if replaced is not None:
                archive.writestr(name, replaced)
    return out.getvalue()


def manifest_of(bundle: bytes) -> dict[str, Any]:
    manifest: dict[str, Any] = orjson.loads(members(bundle)["manifest.json"])
    return manifest


def dump(manifest: dict[str, Any]) -> bytes:
    return orjson.dumps(manifest, option=orjson.OPT_INDENT_2)


def lines_of(bundle: bytes, name: str) -> list[str]:
    return members(bundle)[name].decode("utf-8").splitlines(keepends=True)


def with_ballot_lines(bundle: bytes, name: str, lines: list[str], *, update_sha: bool) -> bytes:
    data = "".join(lines).encode("utf-8")
    changes: dict[str, bytes | None] = {name: data}
    if update_sha:
        manifest = manifest_of(bundle)
        for round_ in manifest["rounds"]:
            if round_["ballots_file"] == name:
                round_["ballots_sha256"] = sha256(data)
        changes["manifest.json"] = dump(manifest)
    return rebuild(bundle, changes)


def change_approval(lines: list[str], old: int, new: int) -> tuple[list[str], int]:
    """Change one approval on the first ballot that has ``old``: the new lines and the line changed (1-based)."""
    for index, line in enumerate(lines[1:], start=1):
        ballot_id, approvals = line.rstrip("\n").split(",")
        numbers = approvals.split(" ")
        if str(old) in numbers:
            numbers = sorted({*numbers, str(new)} - {str(old)}, key=int)
            changed = [*lines]
            changed[index] = f"{ballot_id},{' '.join(numbers)}\n"
            return changed, index + 1
    raise AssertionError(f"no ballot approves {old}")


def check(tmp_path: Path, bundle: bytes, **expected: Any) -> Any:
    path = tmp_path / "bundle.zip"
    path.write_bytes(bundle)
    return verify_bundle(path, **expected)


def assert_caught(tmp_path: Path, bundle: bytes, original: bytes, expected: str) -> None:
    """The doctored bundle fails, and its problem begins as ``expected`` (a regular expression) says."""
    assert bundle != original
    result = check(tmp_path, bundle)
    assert result.ok is False
    assert re.match(expected, result.problem), result.problem


def auditor_env(tmp_path: Path) -> dict[str, str]:
    """A machine with the package installed and no database: VOTING_DATABASE_URL points nowhere."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOTING_")}
    env["PATH"] = os.path.dirname(VOTING) + os.pathsep + env.get("PATH", "")
    env["VOTING_DATABASE_URL"] = NOWHERE
    env["VOTING_INSTANCE_PATH"] = str(tmp_path / "no-instance")
    return env


@dataclass(frozen=True)
class BarePython:
    """A fresh virtual environment (``python -m venv``, nothing installed): an auditor's machine with Python alone."""

    bin: Path

    def env(self) -> dict[str, str]:
        return {"PATH": f"{self.bin}{os.pathsep}/usr/bin{os.pathsep}/bin", "LANG": "C.UTF-8", "HOME": str(self.bin)}

    def shell(self, command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-c", command], cwd=cwd, env=self.env(), capture_output=True, text=True, timeout=120
        )


def make_bare_python(where: Path) -> BarePython:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    bare = BarePython(where / "bin")
    probe = bare.shell("python3 -c 'import voting' ; python3 -c 'import orjson'", where)
    assert probe.stderr.count("ModuleNotFoundError") == 2, probe.stderr  # neither the package nor its dependencies
    return bare
