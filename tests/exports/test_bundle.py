"""The verification bundle: downloaded through the API, recounted with no database, and tampered with.

A published vote with a tie-break round is driven through the API once (a
module-scoped database), its bundle downloaded by staff, and then:
``voting verify-bundle`` in a fresh folder with no database answers PASS with
the published result; the commands VERIFY.md gives are run literally and agree;
each single alteration (a ballot line, an audit line, a dropped or swapped
line, a file) is named, file and line; and a forgery complete enough to agree
with itself is caught only by the hashes published outside the bundle.

Swapped ballot lines count the same, but the list is then not the published
one: with the manifest's SHA-256 left as it was the file's hash fails, and with
that hash updated ``ballots_digest`` fails.  A bundle is the published bundle
byte for byte or it is not: order is part of what the hall's hash fixed.
"""

from __future__ import annotations

import io
import json
import re
import shlex
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from flask.testing import FlaskClient

from tests.exports.bundle_support import (
    ROUND_1,
    ROUND_2,
    BarePython,
    Published,
    assert_caught,
    auditor_env,
    change_approval,
    check,
    dump,
    lines_of,
    manifest_of,
    members,
    rebuild,
    with_ballot_lines,
)
from tests.support.cli import VOTING
from voting.domain.audit_chain import canonical_json, entry_hash, short_head
from voting.exports.bundle_check import first_difference
from voting.exports.bundle_format import ZIP_TIME, head_line, line_hashes, lines_digest, sha256
from voting.exports.forms import verifier_files

pytestmark = pytest.mark.slow  # a published vote's forms rendered, the auditor's commands and a bare Python

# --- the published bundle --------------------------------------------------------------------------


def test_the_bundle_holds_what_a_recount_needs(published: Published) -> None:
    vote_id = published.vote["id"]
    assert published.name == f"vote{vote_id}-bundle.zip"
    assert published.content_type == "application/zip"
    with zipfile.ZipFile(io.BytesIO(published.bundle)) as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names == [
        "VERIFY.md",
        "manifest.json",
        ROUND_1,
        ROUND_2,
        "audit.jsonl",
        f"tally-sheet/vote{vote_id}-tally-sheet.pdf",
        f"tally-sheet/vote{vote_id}-tally-sheet.xlsx",
        f"tally-sheet/vote{vote_id}-tally-sheet.csv",
        f"tally-sheet/vote{vote_id}-announcement-zh.txt",
        f"tally-sheet/vote{vote_id}-announcement-en.txt",
        *(f.name for f in verifier_files()),
    ]
    assert names[-len(verifier_files()) :][0] == "verifier/verify.py"
    assert {i.date_time for i in infos} == {ZIP_TIME}
    files = members(published.bundle)
    assert files[f"tally-sheet/vote{vote_id}-tally-sheet.pdf"].startswith(b"%PDF")
    assert files[f"tally-sheet/vote{vote_id}-tally-sheet.xlsx"].startswith(b"PK")
    assert files[f"tally-sheet/vote{vote_id}-tally-sheet.csv"].startswith("\ufeff".encode())
    assert "共10个项目当选" in files[f"tally-sheet/vote{vote_id}-announcement-zh.txt"].decode("utf-8")

    manifest = manifest_of(published.bundle)
    vote, result = published.vote, published.result
    assert manifest["vote"]["id"] == vote_id
    assert manifest["vote"]["training"] is False
    assert manifest["vote"]["official"] is True
    assert manifest["rules"] == vote["rules"]
    assert manifest["projects"] == list(range(1, 13))
    assert manifest["selected"] == result["selected"] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11]
    one, two = manifest["rounds"]
    assert (one["kind"], one["seats"], one["projects"]) == ("first", 10, list(range(1, 13)))
    assert (one["deputy_count"], one["deputies_present"], one["ballots_issued"]) == (10, 10, 10)
    assert (two["kind"], two["seats"], two["projects"]) == ("tie_break", 1, [10, 11])
    for stored, api_round in zip(manifest["rounds"], result["rounds"], strict=True):
        assert stored["result"] == api_round["result"]
        assert stored["audit_head_at_close"] == api_round["audit_head_at_close"]
        assert stored["ballots_sha256"] == sha256(files[stored["ballots_file"]])
    assert files[ROUND_1].decode("utf-8").startswith("ballot_id,approvals\n")
    assert len(files[ROUND_1].decode("utf-8").splitlines()) == 11
    pub = manifest["published"]
    assert pub["result_digest"] == vote["result_digest"]
    assert pub["ballots_digest"] == vote["ballots_digest"]
    assert pub["audit_head_at_publication"] == vote["audit_head_at_publication"]
    assert sha256(canonical_json(pub["record"]).encode("utf-8")) == vote["result_digest"]
    assert sha256(files[ROUND_1] + files[ROUND_2]) == vote["ballots_digest"]
    # The log in a published bundle ends with the publication: the head read out in the hall.
    last = orjson.loads(files["audit.jsonl"].splitlines()[-1])
    assert last["hash"] == vote["audit_head_at_publication"]
    assert last["action"] == "vote.published"
    assert {f["name"] for f in manifest["files"]} == set(names) - {"manifest.json", ROUND_1, ROUND_2, "audit.jsonl"}


def test_a_published_bundle_is_the_same_each_time(published: Published) -> None:
    """Fixed entry order and timestamps, and every form as stored at publication: the same bytes, the workbook too."""
    assert published.bundle == published.again


def test_a_published_bundle_recounts_with_no_database(published: Published, tmp_path: Path) -> None:
    folder = tmp_path / "auditor"
    folder.mkdir()
    (folder / published.name).write_bytes(published.bundle)
    env = auditor_env(tmp_path)
    done = subprocess.run(
        [VOTING, "verify-bundle", published.name], cwd=folder, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert out.startswith(f"PASS: {published.name}\n")
    assert "selected (10 of 10 seats, in the order won): 1, 2, 3, 4, 5, 6, 7, 8, 9, 11\n" in out
    assert "round 1 (first round): 10 ballots of 10 issued (10 valid, 0 invalid), threshold 6;" in out
    assert "next: tie among 10, 11 for 1" in out
    assert "round 2 (tie-break round): 10 ballots of 10 issued" in out
    assert "approvals 10:3, 11:7; selected 11\n" in out
    assert "ballots recounted: 20 in 2 round(s)" in out
    vote = published.vote
    assert f"result_digest             {vote['result_digest']}\n" in out
    assert f"ballots_digest            {vote['ballots_digest']}\n" in out
    assert f"audit_head_at_publication {vote['audit_head_at_publication']}\n" in out
    assert done.stderr == ""
    assert not (tmp_path / "no-instance").exists()
    assert sorted(p.name for p in folder.iterdir()) == [published.name]  # it wrote nothing

    # Given the hashes as read out in the hall (or their first characters), it compares them too.
    given = [
        "--result-digest",
        vote["result_digest"][:12],
        "--ballots-digest",
        vote["ballots_digest"],
        "--audit-head",
        vote["audit_head_at_publication"][:16].upper(),
    ]
    again = subprocess.run(
        [VOTING, "verify-bundle", published.name, *given], cwd=folder, env=env, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stdout
    wrong = "0123456789ab" if not vote["result_digest"].startswith("0123456789ab") else "ba9876543210"
    refused = subprocess.run(
        [VOTING, "verify-bundle", published.name, "--result-digest", wrong],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1
    assert refused.stdout.startswith(
        f"FAIL: {published.name}: the bundle's result_digest is {vote['result_digest']}, not the {wrong} given\n"
    )


def test_the_commands_in_verify_md_work_as_written(
    published: Published, bare_python: BarePython, tmp_path: Path
) -> None:
    """Every command VERIFY.md gives, run literally in a shell with a fresh Python: no package, no database."""
    folder = tmp_path / "auditor"
    folder.mkdir()
    (folder / published.name).write_bytes(published.bundle)
    files = members(published.bundle)
    text = files["VERIFY.md"].decode("utf-8")
    assert "## 1. 准备 · What you need" in text
    assert "本文件说明审计人员" in text
    assert "This file tells an auditor" in text
    assert "pip install" not in text
    commands = [line for block in re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL) for line in block.splitlines()]
    manifest = manifest_of(published.bundle)
    vote = published.vote
    head = vote["audit_head_at_publication"]
    cwd = folder
    ran: list[str] = []
    for command in commands:
        if command.startswith("cd "):
            cwd = cwd / shlex.split(command)[1]
            assert cwd.is_dir(), command
            continue
        done = bare_python.shell(command, cwd)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        ran.append(" ".join(command.split()[:3]))
        out = done.stdout
        if command.startswith("python3 verifier/verify.py ../"):
            assert out.startswith("PASS")
            assert f"audit_head_at_publication {head}" in out
        elif command.startswith("python3 verifier/verify.py tally"):
            recounted = json.loads(out)
            file = shlex.split(command)[3]
            stored = next(r for r in manifest["rounds"] if r["ballots_file"] == file)
            for key in ("ballots", "threshold", "projects", "selected", "runoff", "vacant"):
                assert recounted[key] == stored["result"][key], (file, key)
            assert f"`threshold` {stored['result']['threshold']}" in text
        elif command.startswith("python3 verifier/verify.py audit"):
            assert out.strip().endswith(f"head {head}")
        elif command.startswith("grep"):
            assert len(out.splitlines()) == 1
        elif command.startswith("cat "):
            assert out.split()[0] == vote["ballots_digest"]
        elif command.startswith('python3 -c "import hashlib'):
            assert out.strip() == vote["result_digest"]
        elif command.startswith('python3 -c "import json'):
            first, *listed = out.splitlines()
            assert first == f"vote.published {head}"
            fixed = dict(line.split(" ", 1)[::-1] for line in listed)
        elif command.startswith("find "):
            computed = dict(line.split("  ", 1)[::-1] for line in out.splitlines())
            assert computed == {n: d for n, d in fixed.items() if "announcement-" not in n}
            assert set(computed) == {n for n in files if n.startswith(("VERIFY", "tally-sheet/", "verifier/"))} - {
                n for n in files if "announcement-" in n
            }
        elif command.startswith("for f in"):
            announced = out.splitlines()
            wanted = sorted(n for n in fixed if "announcement-" in n)
            assert announced[0::2] == [f"{fixed[n]}  -" for n in wanted]
            assert (
                announced[1::2]
                == [
                    "公布时审计日志头哈希（前16位）：" + short_head(head),
                    "Audit head at publication (first 16 hex digits): " + short_head(head),
                ][:: 1 if wanted[0].endswith("zh.txt") else -1]
            )
        else:
            assert command.startswith("python3 -m zipfile -e"), command
    assert ran.count("python3 verifier/verify.py tally") == 2
    assert ran.count('grep -n \'"hash":"' + manifest["rounds"][0]["audit_head_at_close"] + "\"'") == 1
    assert len([r for r in ran if r.startswith("grep")]) == 2  # the two rounds' close heads
    assert {
        "python3 -m zipfile",
        f"python3 verifier/verify.py ../{published.name}",
        "python3 verifier/verify.py audit",
        "cat rounds/round-1-ballots.csv rounds/round-2-ballots.csv",
        "find VERIFY.md tally-sheet",
        "for f in",
    } <= set(ran)
    for value in (vote["result_digest"], vote["ballots_digest"]):
        assert f"`{value}`" in text
    assert "UNOFFICIAL" not in text
    assert "TRAINING" not in text


# --- tampering -------------------------------------------------------------------------------------


Tamper = Callable[[bytes], tuple[bytes, str]]


def approval_changed(update_sha: bool) -> Tamper:
    def tamper(bundle: bytes) -> tuple[bytes, str]:
        lines, _ = change_approval(lines_of(bundle, ROUND_1), 10, 12)
        if update_sha:
            expected = f"{ROUND_1} recounts to projects[No. 10].approvals = 5, but manifest.json stores 6 for round 1"
        else:
            expected = f"{ROUND_1} has SHA-256 {sha256(''.join(lines).encode())}, but manifest.json records"
        return with_ballot_lines(bundle, ROUND_1, lines, update_sha=update_sha), expected

    return tamper


def unreadable_line(bundle: bytes) -> tuple[bytes, str]:
    lines = lines_of(bundle, ROUND_1)
    lines[4] = lines[4].split(",")[0] + ",1 99\n"
    bundle = with_ballot_lines(bundle, ROUND_1, lines, update_sha=True)
    return bundle, f"{ROUND_1} line 5: project 99 is not on this round's ballot"


def lines_swapped(update_sha: bool) -> Tamper:
    def tamper(bundle: bytes) -> tuple[bytes, str]:
        lines = lines_of(bundle, ROUND_1)
        lines[3], lines[8] = lines[8], lines[3]
        assert lines[3] != lines[8]
        if update_sha:
            manifest = manifest_of(bundle)
            expected = (
                f"the ballot lists ({ROUND_1}, {ROUND_2}) hash to "
                f"{sha256(''.join(lines).encode() + members(bundle)[ROUND_2])}, but the published ballots_digest is"
                f" {manifest['published']['ballots_digest']}"
            )
        else:
            expected = f"{ROUND_1} has SHA-256 {sha256(''.join(lines).encode())}, but manifest.json records"
        return with_ballot_lines(bundle, ROUND_1, lines, update_sha=update_sha), expected

    return tamper


def audit_line_altered(bundle: bytes) -> tuple[bytes, str]:
    lines = members(bundle)["audit.jsonl"].splitlines(keepends=True)
    entry = orjson.loads(lines[4])
    entry["actor"] = "someone-else"
    lines[4] = canonical_json(entry).encode("utf-8") + b"\n"
    return rebuild(bundle, {"audit.jsonl": b"".join(lines)}), "audit.jsonl line 5: entry 5 was altered"


def audit_line_dropped(bundle: bytes) -> tuple[bytes, str]:
    lines = members(bundle)["audit.jsonl"].splitlines(keepends=True)
    del lines[6]
    return rebuild(bundle, {"audit.jsonl": b"".join(lines)}), "audit.jsonl line 7: entry 7 has sequence number 8"


def audit_cut_short(bundle: bytes) -> tuple[bytes, str]:
    lines = members(bundle)["audit.jsonl"].splitlines(keepends=True)
    head = manifest_of(bundle)["published"]["audit_head_at_publication"]
    vote_id = manifest_of(bundle)["vote"]["id"]
    expected = f"audit.jsonl does not hold the head hash {head} fixed when vote {vote_id} was published"
    return rebuild(bundle, {"audit.jsonl": b"".join(lines[:-1])}), expected


def sheet_altered(bundle: bytes) -> tuple[bytes, str]:
    name = next(n for n in members(bundle) if n.endswith(".pdf"))
    return rebuild(bundle, {name: members(bundle)[name] + b"\n"}), f"{name} has SHA-256 "


def manifest_dropped(bundle: bytes) -> tuple[bytes, str]:
    return rebuild(bundle, {"manifest.json": None}), "bundle.zip holds no manifest.json"


TAMPERING: dict[str, Tamper] = {
    "one approval changed, manifest hash kept": approval_changed(update_sha=False),
    "one approval changed, manifest hash updated": approval_changed(update_sha=True),
    "an unreadable ballot line, manifest hash updated": unreadable_line,
    "two ballot lines swapped, manifest hash kept": lines_swapped(update_sha=False),
    "two ballot lines swapped, manifest hash updated": lines_swapped(update_sha=True),
    "an audit line altered": audit_line_altered,
    "an audit line dropped": audit_line_dropped,
    "the audit log cut before its publication": audit_cut_short,
    "the tally sheet PDF altered": sheet_altered,
    "no manifest": manifest_dropped,
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_a_single_alteration_is_named(published: Published, tmp_path: Path, how: str) -> None:
    bundle, expected = TAMPERING[how](published.bundle)
    assert_caught(tmp_path, bundle, published.bundle, re.escape(expected))


def test_the_command_fails_with_the_first_discrepancy(published: Published, tmp_path: Path) -> None:
    lines, line = change_approval(lines_of(published.bundle, ROUND_1), 10, 12)
    (tmp_path / "doctored.zip").write_bytes(with_ballot_lines(published.bundle, ROUND_1, lines, update_sha=False))
    done = subprocess.run(
        [VOTING, "verify-bundle", "doctored.zip"],
        cwd=tmp_path,
        env=auditor_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert done.stdout.startswith(f"FAIL: doctored.zip: {ROUND_1} has SHA-256 ")
    assert "PASS" not in done.stdout
    assert line > 1


def rehash_from(entries: list[dict[str, Any]], start: int) -> None:
    for index in range(start, len(entries)):
        entry = entries[index]
        entry["prev_hash"] = entries[index - 1]["hash"] if index else "0" * 64
        entry["hash"] = entry_hash(entry)


def test_each_layer_of_a_forgery_is_caught_and_a_whole_one_only_by_the_published_hashes(
    published: Published, tmp_path: Path
) -> None:
    """A forger moves one tie-break ballot from 11 to 10 (11 still wins) and covers the tracks step by step."""
    real = published.vote
    files = members(published.bundle)
    lines, _ = change_approval(lines_of(published.bundle, ROUND_2), 11, 10)
    forged_list = "".join(lines).encode("utf-8")
    manifest = manifest_of(published.bundle)
    round_2 = manifest["rounds"][1]
    round_2["ballots_sha256"] = sha256(forged_list)

    def attempt() -> Any:
        return check(tmp_path, rebuild(published.bundle, {ROUND_2: forged_list, "manifest.json": dump(manifest)}))

    assert attempt().problem.startswith(f"{ROUND_2} recounts to projects[No. 10].approvals = 4, but manifest.json")
    forged_result = json.loads(json.dumps(round_2["result"]))
    forged_result["projects"][0]["approvals"] = 4
    forged_result["projects"][1]["approvals"] = 6
    round_2["result"] = forged_result
    assert attempt().problem.startswith(
        "manifest.json: the published record says rounds[No. 2].result.projects[No. 10].approvals = 3,"
        " but the recount gives 4"
    )
    record = manifest["published"]["record"]
    record["rounds"][1]["result"] = forged_result
    assert attempt().problem.startswith(f"the ballot lists ({ROUND_1}, {ROUND_2}) hash to ")
    manifest["published"]["ballots_digest"] = sha256(files[ROUND_1] + forged_list)
    assert attempt().problem.startswith("manifest.json: the published record hashes to ")
    manifest["published"]["result_digest"] = sha256(canonical_json(record).encode("utf-8"))
    assert re.match(
        r"audit\.jsonl entry \d+ \(round 2 counted\) records projects\[No\. 10\]\.approvals = 3, but "
        + re.escape(ROUND_2)
        + " recounts to 4",
        attempt().problem,
    ), attempt().problem

    # The forger rewrites the log from the count of round 2 on, with fresh hashes.
    entries = [orjson.loads(line) for line in files["audit.jsonl"].splitlines()]
    counted = next(
        i
        for i, e in enumerate(entries)
        if e["action"] == "round.counted" and e["details"]["round"] == 2 and e["vote_id"] == real["id"]
    )
    entries[counted]["details"]["result"] = forged_result
    round_2["ballot_lines"] = line_hashes(forged_list)
    entries[-1]["details"].update(
        result_digest=manifest["published"]["result_digest"],
        ballots_digest=manifest["published"]["ballots_digest"],
    )
    entries[-1]["details"]["ballot_lines"][ROUND_2] = lines_digest(round_2["ballot_lines"])
    rehash_from(entries, counted)
    manifest["published"]["audit_head_at_publication"] = entries[-1]["hash"]
    forged_log = b"".join(canonical_json(e).encode("utf-8") + b"\n" for e in entries)
    forged: dict[str, bytes | None] = {ROUND_2: forged_list, "manifest.json": dump(manifest), "audit.jsonl": forged_log}
    # The announcements end with the real head, read out in the hall: the forger must rewrite that line too.
    first_try = check(tmp_path, rebuild(published.bundle, forged))
    assert re.match(r"tally-sheet/\S+-announcement-(en|zh)\.txt does not end with the head read out", first_try.problem)
    for name, lang in entries[-1]["details"]["read_out"].items():
        old_line = head_line(lang, short_head(real["audit_head_at_publication"]))
        forged[name] = files[name].removesuffix(old_line) + head_line(lang, short_head(entries[-1]["hash"]))
    manifest["files"] = [
        {"name": f["name"], "sha256": sha256(forged.get(f["name"]) or files[f["name"]])} for f in manifest["files"]
    ]
    forged["manifest.json"] = dump(manifest)
    whole = rebuild(published.bundle, forged)
    agrees_with_itself = check(tmp_path, whole)
    assert agrees_with_itself.ok, agrees_with_itself.problem
    assert [p.approvals for p in agrees_with_itself.rounds[1].result.projects] == [4, 6]
    # ... but not with what the hall heard.
    for key, value in (
        ("result_digest", real["result_digest"]),
        ("ballots_digest", real["ballots_digest"]),
        ("audit_head", real["audit_head_at_publication"]),
    ):
        caught = check(tmp_path, whole, **{key: value})
        assert caught.ok is False
        assert caught.problem.startswith(f"the bundle's {key} is "), caught.problem
        assert caught.problem.endswith(f"not the {value} given")
    heard = short_head(real["audit_head_at_publication"])
    caught = check(tmp_path, whole, heads=[heard])
    assert caught.problem.startswith(f"the head {heard} given is not in audit.jsonl's chain"), caught.problem


def test_first_difference_names_the_key() -> None:
    ours = {"ballots": {"cast": 3}, "projects": [{"number": 1, "approvals": 2}, {"number": 2, "approvals": 1}]}
    theirs = {"ballots": {"cast": 3}, "projects": [{"number": 1, "approvals": 2}, {"number": 2, "approvals": 0}]}
    assert first_difference(ours, theirs) == ("projects[No. 2].approvals", 1, 0)
    assert first_difference(ours, ours) is None
    assert first_difference({"a": 1}, {"a": 1, "b": 2}) == ("b", None, 2)
    assert first_difference([1, 2], [1]) == ("(length)", 2, 1)
    assert first_difference({"a": True}, {"a": 1}) == ("a", True, 1)


def test_verifying_imports_no_database_and_no_web_framework() -> None:
    code = (
        "import sys, voting.cli, voting.exports.bundle; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'sqlmodel', 'flask', 'psycopg', 'weasyprint', 'openpyxl'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_openapi_document_describes_the_zip(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/votes/{vote_id}/bundle.zip"]["get"]
    assert "application/zip" in operation["responses"]["200"]["content"]
