"""A training vote's verification bundle (a drill in the approve/oppose/abstain style): marked TRAINING, and
UNOFFICIAL until published; its recount reads the opposes, and its attendance is tied to the audit log.

One vote is driven through the API once (a module-wide database): its bundle is
downloaded while its round is open, by the public, and by a scrutineer before
and after publication; the tests read those downloads.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.exports.bundle_support import (
    ROUND_1,
    auditor_env,
    check,
    download,
    dump,
    manifest_of,
    members,
    rebuild,
    with_ballot_lines,
)
from tests.support.api import Api, make_user, set_up
from tests.support.cli import VOTING
from tests.support.databases import fresh_database, module_app

pytestmark = pytest.mark.slow  # a bundle rendered twice, and the installed voting command

VOTE = {
    "title_zh": "演练票决",
    "training": True,
    "rules": {"seats": 1, "ballot_style": "approve_oppose_abstain"},
    "candidates": [{"number": n, "title_zh": t} for n, t in ((1, "甲项目"), (2, "乙项目"), (3, "丙项目"))],
}
MARKS = [([1], [2], [3]), ([1], [3], []), ([1], [2], []), ([1], [], [2, 3]), ([1], [2], [3]), ([2], [1], [])]
"""(approvals, opposes, abstains) of deputies 1 to 6: project 1 is selected, project 2 is opposed three times."""


@dataclass(frozen=True)
class Training:
    vote_id: int
    while_open: dict[str, Any]
    """What a clerk got for the bundle while the only round was open."""
    counted: dict[str, Any]
    """The count's result."""
    public_before: int
    """The status the public got for the bundle before publication (the bundle carries the audit log)."""
    unofficial: tuple[bytes, str]
    """The bundle and its file name, downloaded by a scrutineer before publication."""
    public_after: int
    """The same after publication: staff only, even then."""
    official: tuple[bytes, str]
    """The same after publication."""
    result_digest: str
    """The published vote's result digest, as the API gives it."""


@pytest.fixture(scope="module")
def training(db_kind: str, _template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Training]:
    with (
        fresh_database(db_kind, _template, tmp_path_factory.mktemp("training-bundle-db")) as url,
        module_app(url, tmp_path_factory, "training-bundle") as app,
    ):
        client = app.test_client()
        clerk, deputy = Api(client, make_user(app, "clerk-li", "clerk")), Api(client)
        scrutineer = make_user(app, "scrutineer-zhao", "scrutineer")
        sitting = set_up(clerk, size=6, template=False, vote=VOTE)
        vote_id = sitting.vote_id
        sitting.check_in(range(1, 7))
        sitting.issue_codes(range(1, 7))
        opened = sitting.open_round()
        while_open = clerk.get(f"/api/v1/votes/{vote_id}/bundle.zip", status=409)
        for number, (approvals, opposes, abstains) in enumerate(MARKS, start=1):
            body = {
                "code": sitting.codes[number],
                "approvals": approvals,
                "opposes": opposes,
                "abstains": abstains,
                "idempotency_key": f"drill-ballot-{number:04d}",
            }
            deputy.post("/api/v1/ballots", body, 201)
        counted = sitting.close_and_count(opened["id"])["result"]
        public_before = client.get(f"/api/v1/votes/{vote_id}/bundle.zip").status_code
        unofficial = download(client, vote_id, scrutineer)[:2]
        clerk.post(f"/api/v1/votes/{vote_id}/publish")
        public_after = client.get(f"/api/v1/votes/{vote_id}/bundle.zip").status_code
        official = download(client, vote_id, scrutineer)[:2]
        digest = clerk.get(f"/api/v1/votes/{vote_id}")["result_digest"]
        yield Training(vote_id, while_open, counted, public_before, unofficial, public_after, official, digest)


def test_no_bundle_before_a_count_and_none_for_the_public(training: Training) -> None:
    assert training.while_open["code"] == "no_counted_round"
    assert training.counted["selected"] == [1]
    assert {p["number"]: p["opposes"] for p in training.counted["projects"]} == {1: 1, 2: 3, 3: 1}
    assert (training.public_before, training.public_after) == (401, 401)


def test_an_unpublished_training_bundle_is_marked_training_and_unofficial(training: Training) -> None:
    bundle, name = training.unofficial
    vote_id = training.vote_id
    assert name == f"vote{vote_id}-bundle-TRAINING-UNOFFICIAL.zip"
    files = members(bundle)
    assert f"tally-sheet/vote{vote_id}-tally-sheet-TRAINING-UNOFFICIAL.pdf" in files
    text = files["VERIFY.md"].decode("utf-8")
    assert text.startswith("# 核验包 · Verification bundle: 演练票决（演练 未公布 · TRAINING UNOFFICIAL）\n")
    assert "> **演练 · TRAINING**" in text
    assert "> **未公布 · UNOFFICIAL**" in text
    assert "`verify.py tally`（与 `voting tally` 相同）只读取赞成栏" in text  # the manual route's limits here
    assert f"voting verify-bundle {name}" in text
    manifest = manifest_of(bundle)
    assert manifest["published"] is None
    assert (manifest["vote"]["marks_zh"], manifest["vote"]["marks_en"]) == ("演练 未公布", "TRAINING UNOFFICIAL")
    rows = list(csv.reader(io.StringIO(files[ROUND_1].decode("utf-8"))))
    assert rows[0] == ["ballot_id", "approvals", "opposes", "abstains"]


def test_the_command_passes_an_unpublished_training_bundle(training: Training, tmp_path: Path) -> None:
    bundle, name = training.unofficial
    (tmp_path / name).write_bytes(bundle)
    done = subprocess.run(
        [VOTING, "verify-bundle", name], cwd=tmp_path, env=auditor_env(tmp_path), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout
    assert done.stdout.startswith(f"PASS: {name} [TRAINING UNOFFICIAL]\n")
    assert "UNOFFICIAL: the result was not published when the bundle was made" in done.stdout
    assert "approvals 1:5, 2:1, 3:0; selected 1" in done.stdout


def test_the_recount_reads_the_opposes(training: Training, tmp_path: Path) -> None:
    """Moving one oppose is caught, though approvals are untouched."""
    bundle, _ = training.unofficial
    rows = list(csv.reader(io.StringIO(members(bundle)[ROUND_1].decode("utf-8"))))
    index = next(i for i, row in enumerate(rows) if row[2] == "3")
    rows[index][2] = "2"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    doctored = with_ballot_lines(bundle, ROUND_1, out.getvalue().splitlines(keepends=True), update_sha=True)
    refused = check(tmp_path, doctored)
    assert refused.problem.startswith(f"{ROUND_1} recounts to projects[No. 2].opposes = 4, but manifest.json stores 3")


def test_the_manifest_attendance_is_tied_to_the_log(training: Training, tmp_path: Path) -> None:
    bundle, _ = training.unofficial
    # Fewer deputies in the manifest lower the threshold; the stored result is made to agree (and the deputies
    # present, which cannot be more than on the roster); the log does not.
    fewer = manifest_of(bundle)
    fewer["rounds"][0]["deputy_count"] = 5
    fewer["rounds"][0]["deputies_present"] = 5
    fewer["rounds"][0]["result"]["threshold"] = 3
    refused = check(tmp_path, rebuild(bundle, {"manifest.json": dump(fewer)}))
    assert re.fullmatch(
        r"audit\.jsonl entry \d+ \(round 1 opened\) records deputy_count 6, but manifest\.json says 5", refused.problem
    ), refused.problem
    # More ballots issued in the manifest (which would hide extra ballots from the void rule): the closing says 6.
    more = manifest_of(bundle)
    more["rounds"][0]["ballots_issued"] = 7
    refused = check(tmp_path, rebuild(bundle, {"manifest.json": dump(more)}))
    assert re.fullmatch(
        rf"audit\.jsonl entry \d+ \(round 1 closed\) records 6 ballots issued and 6 returned, but {ROUND_1} holds 6"
        " with 7 issued",
        refused.problem,
    ), refused.problem


def test_an_unpublished_bundle_counts_its_log_and_has_no_published_hashes(training: Training, tmp_path: Path) -> None:
    bundle, _ = training.unofficial
    # A log cut short after its last anchor: the manifest counted its entries.
    log = members(bundle)["audit.jsonl"].splitlines(keepends=True)
    assert orjson.loads(log[-1])["action"] == "vote.decided"
    cut = check(tmp_path, rebuild(bundle, {"audit.jsonl": b"".join(log[:-1])}))
    assert cut.problem == f"audit.jsonl holds {len(log) - 1} entries, but manifest.json says {len(log)}"
    # An unpublished bundle has no published hashes to compare with.
    assert check(tmp_path, bundle, result_digest="0" * 64).problem.endswith("it is unpublished")


def test_a_published_training_bundle_is_marked_training_only(training: Training, tmp_path: Path) -> None:
    bundle, name = training.official
    assert name == f"vote{training.vote_id}-bundle-TRAINING.zip"
    text = members(bundle)["VERIFY.md"].decode("utf-8")
    assert "> **演练 · TRAINING**" in text
    assert "UNOFFICIAL" not in text
    result = check(tmp_path, bundle)
    assert result.ok, result.problem
    assert (result.training, result.official, result.marks) == (True, True, "TRAINING")
    assert result.result_digest == training.result_digest
