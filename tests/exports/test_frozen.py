"""The official forms are frozen at publication, the hall hears the head, and the bundle's recipe stands alone.

On the shared published vote (``conftest.published``): every download is the
file stored at publication, byte for byte, and the publication's audit entry
carries its digest; the announcements end with the head read out.  Every kind
of doctored file, with the manifest re-hashed to agree, is caught and named,
by ``verify_bundle`` and, identically, by the bundle's own verifier run with a
bare Python (``conftest.bare_python``) and by ``voting verify-bundle``.
``--head`` refuses a head that is not in the chain.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.exports.bundle_support import (
    FORM_PATHS,
    ROUND_1,
    BarePython,
    Published,
    assert_caught,
    auditor_env,
    change_approval,
    check,
    download,
    dump,
    lines_of,
    manifest_of,
    members,
    rebuild,
)
from tests.support.api import Api, set_up
from tests.support.cli import VOTING
from voting.domain.audit_chain import canonical_json, entry_hash, short_head
from voting.exports.bundle_format import head_line, sha256
from voting.exports.forms import verifier_files

pytestmark = pytest.mark.slow  # published votes' forms rendered, the auditor's commands and a bare Python

Tamper = Callable[[bytes], tuple[bytes, str]]


def publication_entry(published: Published) -> dict[str, Any]:
    entry: dict[str, Any] = published.log[-1]
    assert entry["action"] == "vote.published"
    assert entry["hash"] == published.vote["audit_head_at_publication"]
    return entry


def form_name(files: dict[str, bytes], kind: str) -> str:
    return next(name for name in files if name.endswith(kind))


# --- frozen at publication -------------------------------------------------------------------------


def test_every_download_is_the_file_fixed_at_publication(published: Published) -> None:
    files = members(published.bundle)
    entry = publication_entry(published)
    fixed, read_out = entry["details"]["files"], entry["details"]["read_out"]
    assert set(fixed) == {n for n in files if n.startswith(("VERIFY.md", "tally-sheet/", "verifier/"))}
    assert {f.name for f in verifier_files()} <= set(fixed)
    assert sorted(read_out.values()) == ["en", "zh"]
    for path in FORM_PATHS:
        (first, name), (second, again) = published.forms[path]
        assert first == second, path  # the same bytes on every download
        assert name == again
        stored = next(n for n in fixed if n.endswith("/" + name))
        assert first == files[stored], path  # and in the bundle
        body = first
        if stored in read_out:
            line = head_line(read_out[stored], short_head(entry["hash"]))
            assert first.endswith(line)
            body = first.removesuffix(line)
        assert sha256(body) == fixed[stored], path  # whose digest the publication entry carries
    for name in ("VERIFY.md", "verifier/verify.py"):
        assert sha256(files[name]) == fixed[name]
    # Rendering every form happens inside the publish request (a native thread of the worker: voting.web.loop).
    assert published.publish_seconds < 30


def test_the_announcement_ends_with_the_head_read_out(published: Published) -> None:
    head = published.vote["audit_head_at_publication"]
    heard = short_head(head)
    assert re.fullmatch(r"[0-9a-f]{4}( [0-9a-f]{4}){3}", heard)
    assert heard.replace(" ", "") == head[:16]
    zh = published.forms["announcement.txt?lang=zh"][0][0].decode("utf-8")
    en = published.forms["announcement.txt?lang=en"][0][0].decode("utf-8")
    assert "共10个项目当选。" in zh
    assert zh.endswith(f"北京时间公布。\n\n公布时审计日志头哈希（前16位）：{heard}\n")
    assert en.endswith(f"\n\nAudit head at publication (first 16 hex digits): {heard}\n")
    # The tally sheet's CSV, made at publication, names no head it cannot know.
    assert head not in published.forms["tally-sheet.csv"][0][0].decode("utf-8-sig")


# --- every kind of doctored file, the manifest re-hashed ------------------------------------------


def rehashed(bundle: bytes, changes: dict[str, bytes | None]) -> bytes:
    """The bundle with files replaced, added or dropped, and the manifest's file list made to agree."""
    manifest = manifest_of(bundle)
    files = {**members(bundle), **changes}
    listed = [f["name"] for f in manifest["files"]]
    listed += [n for n in changes if n not in listed and n not in ("manifest.json", "audit.jsonl")]
    manifest["files"] = [{"name": n, "sha256": sha256(files[n] or b"")} for n in listed if files.get(n) is not None]
    for round_ in manifest["rounds"]:
        round_["ballots_sha256"] = sha256(files[round_["ballots_file"]] or b"")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in {**files, "manifest.json": dump(manifest)}.items():
            if data is not None:
                archive.writestr(name, data)
    return out.getvalue()


def not_published(name: str) -> str:
    return rf"{re.escape(name)} has SHA-256 [0-9a-f]{{64}}, but audit\.jsonl entry \d+ \(vote published\) records"


def altered(kind: str, change: Callable[[bytes], bytes]) -> Tamper:
    def tamper(bundle: bytes) -> tuple[bytes, str]:
        name = form_name(members(bundle), kind)
        return rehashed(bundle, {name: change(members(bundle)[name])}), not_published(name) + " .*: it is not the file"

    return tamper


def announcement_head_changed(bundle: bytes) -> tuple[bytes, str]:
    name = form_name(members(bundle), "announcement-zh.txt")
    data = members(bundle)[name]
    changed = data[:-5] + (b"0000" if not data[:-5].endswith(b"0000") else b"1111") + b"\n"
    return rehashed(bundle, {name: changed}), rf"{re.escape(name)} does not end with the head read out in the hall"


def ballot_line_changed(bundle: bytes) -> tuple[bytes, str]:
    lines, line = change_approval(lines_of(bundle, ROUND_1), 10, 12)
    expected = (
        rf"{re.escape(ROUND_1)} recounts to projects\[No\. 10\]\.approvals = 5, but manifest\.json stores 6 for"
        rf" round 1; line {line} of {re.escape(ROUND_1)} is the first that differs from the list published"
    )
    return rehashed(bundle, {ROUND_1: "".join(lines).encode("utf-8")}), expected


def ballot_lines_swapped(bundle: bytes) -> tuple[bytes, str]:
    lines = lines_of(bundle, ROUND_1)
    lines[3], lines[8] = lines[8], lines[3]
    expected = r"the ballot lists .* but the published ballots_digest is [0-9a-f]{64}; line 4 of " + re.escape(ROUND_1)
    return rehashed(bundle, {ROUND_1: "".join(lines).encode("utf-8")}), expected


def manifest_line_hashes_rewritten(bundle: bytes) -> tuple[bytes, str]:
    """A forger re-hashes the manifest's line hashes too: they are no longer those the publication fixed."""
    manifest = manifest_of(bundle)
    manifest["rounds"][0]["ballot_lines"][3] = "0" * 16
    expected = rf"manifest\.json's line hashes of {re.escape(ROUND_1)} are not those fixed at publication"
    return rebuild(bundle, {"manifest.json": dump(manifest)}), expected


def manifest_rehashed(bundle: bytes) -> tuple[bytes, str]:
    """The manifest's own record of the PDF made to agree with a doctored PDF: the publication entry does not."""
    name = form_name(members(bundle), "tally-sheet.pdf")
    return rehashed(bundle, {name: members(bundle)[name] + b"%"}), not_published(name)


def extra_file(bundle: bytes) -> tuple[bytes, str]:
    files = members(bundle)
    out = rebuild(bundle, {})
    with zipfile.ZipFile(io.BytesIO(out)) as archive:
        names = archive.namelist()
    assert "tally-sheet/corrected.pdf" not in names
    grown = io.BytesIO(out)
    with zipfile.ZipFile(grown, "a") as archive:
        archive.writestr("tally-sheet/corrected.pdf", files[form_name(files, "tally-sheet.pdf")])
    return grown.getvalue(), r"tally-sheet/corrected\.pdf is in the bundle, but manifest\.json does not list it"


def extra_file_listed(bundle: bytes) -> tuple[bytes, str]:
    expected = r"tally-sheet/corrected\.csv is listed in manifest\.json, but audit\.jsonl entry \d+ \(vote published\)"
    return rehashed(bundle, {"tally-sheet/corrected.csv": b"x"}), expected + " fixed no such file"


def fixed_file_dropped(bundle: bytes) -> tuple[bytes, str]:
    name = form_name(members(bundle), "tally-sheet.xlsx")
    return rehashed(bundle, {name: None}), rf"manifest\.json does not list {re.escape(name)}, which audit\.jsonl entry"


def log_goes_on(bundle: bytes) -> tuple[bytes, str]:
    """An entry chained after the publication, to carry other digests: the log must end with the head read out."""
    lines = members(bundle)["audit.jsonl"].splitlines()
    last = orjson.loads(lines[-1])
    after = {**last, "seq": last["seq"] + 1, "prev_hash": last["hash"], "action": "vote.noted"}
    after["hash"] = entry_hash(after)
    log = b"\n".join([*lines, canonical_json(after).encode("utf-8")]) + b"\n"
    manifest = manifest_of(bundle)
    manifest["audit"]["entries"] += 1
    return rebuild(bundle, {"audit.jsonl": log, "manifest.json": dump(manifest)}), r"audit\.jsonl goes on past"


def made_unpublished(bundle: bytes) -> tuple[bytes, str]:
    """A doctored CSV in a bundle that claims to be from before publication, to escape the publication's digests."""
    manifest = manifest_of(bundle)
    manifest["vote"]["official"], manifest["published"] = False, None
    name = form_name(members(bundle), "tally-sheet.csv")
    changed = rehashed(rebuild(bundle, {"manifest.json": dump(manifest)}), {name: members(bundle)[name] + b"x"})
    return (
        changed,
        r"audit\.jsonl entry \d+ records vote \d+'s publication, but manifest\.json calls the bundle unpublished",
    )


TAMPERING: dict[str, Tamper] = {
    "the CSV": altered("tally-sheet.csv", lambda data: data.replace(b",", b";", 1)),
    "the announcement's text": altered("announcement-zh.txt", lambda data: data.replace(b"10", b"9", 1)),
    "the announcement's head line": announcement_head_changed,
    "the PDF": altered("tally-sheet.pdf", lambda data: data + b"\n"),
    "the XLSX": altered("tally-sheet.xlsx", lambda data: data[:-1] + bytes([data[-1] ^ 1])),
    "VERIFY.md": altered("VERIFY.md", lambda data: data.replace(b"sha256sum", b"true", 1)),
    "the verifier": altered("verifier/voting/domain/tally.py", lambda data: data + b"\n# PASS always\n"),
    "a ballot line": ballot_line_changed,
    "two ballot lines swapped": ballot_lines_swapped,
    "the manifest's line hashes": manifest_line_hashes_rewritten,
    "the manifest re-hashed over a PDF": manifest_rehashed,
    "an extra file": extra_file,
    "an extra file listed in the manifest": extra_file_listed,
    "a fixed file dropped": fixed_file_dropped,
    "the log continued past the publication": log_goes_on,
    "the bundle made to look unpublished": made_unpublished,
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_every_doctored_file_is_caught_and_named(published: Published, tmp_path: Path, how: str) -> None:
    bundle, expected = TAMPERING[how](published.bundle)
    assert_caught(tmp_path, bundle, published.bundle, expected)


# --- the bundle's own verifier, with nothing but Python -------------------------------------------


def test_the_bare_verifier_agrees_with_voting_verify_bundle(
    published: Published, bare_python: BarePython, tmp_path: Path
) -> None:
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(io.BytesIO(published.bundle)) as archive:
        archive.extractall(folder)
    head = published.vote["audit_head_at_publication"]
    cases: dict[str, tuple[bytes, list[str]]] = {"good": (published.bundle, [])}
    cases["good, with the heads heard"] = (published.bundle, ["--head", short_head(head), "--head", head.upper()])
    cases["good, with a head never heard"] = (published.bundle, ["--head", "dead beef dead beef"])
    cases |= {how: (tamper(published.bundle)[0], []) for how, tamper in TAMPERING.items()}
    env = auditor_env(tmp_path)
    for how, (bundle, extra) in cases.items():
        (tmp_path / "case.zip").write_bytes(bundle)
        bare = bare_python.shell(" ".join(["python3 verifier/verify.py ../case.zip", *map(repr, extra)]), folder)
        ours = subprocess.run(
            [VOTING, "verify-bundle", "../case.zip", *extra], cwd=folder, env=env, capture_output=True, text=True
        )
        assert bare.stderr == ""
        assert (bare.returncode, bare.stdout) == (ours.returncode, ours.stdout), how
        assert bare.returncode == (0 if how in ("good", "good, with the heads heard") else 1), how
    never = bare_python.shell("python3 verifier/verify.py ../case.zip --head 'dead beef dead beef'", folder)
    assert "the head dead beef dead beef given is not in audit.jsonl's chain" in never.stdout


# --- --head ---------------------------------------------------------------------------------------


def test_a_head_not_in_the_chain_is_refused_by_name(
    published: Published, bare_python: BarePython, tmp_path: Path
) -> None:
    files = members(published.bundle)
    manifest = manifest_of(published.bundle)
    (tmp_path / "audit.jsonl").write_bytes(files["audit.jsonl"])
    heads = [r["audit_head_at_close"] for r in manifest["rounds"]]
    published_head = published.vote["audit_head_at_publication"]
    env = auditor_env(tmp_path)

    def audit(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([VOTING, "audit", "verify", *args], cwd=tmp_path, env=env, capture_output=True, text=True)

    good = audit("--file", "audit.jsonl", "--head", short_head(published_head), "--head", heads[0])
    assert good.returncode == 0, good.stderr
    assert good.stdout.endswith(f"head {published_head}\n")
    never = "0123 4567 89ab cdef"
    refused = audit("--file", "audit.jsonl", "--head", heads[0], "--head", never)
    assert refused.returncode == 1
    assert f"audit log does not hold the head {never}" in refused.stderr
    with zipfile.ZipFile(io.BytesIO(published.bundle)) as archive:
        archive.extractall(tmp_path / "v")
    bare = bare_python.shell(f"python3 v/verifier/verify.py audit audit.jsonl --head '{never}'", tmp_path)
    assert (bare.returncode, bare.stderr) == (1, refused.stderr.replace("voting: ", "verify.py: ", 1))
    # A log cut short before the first round's close still verifies as a chain: the head the hall saw says otherwise.
    lines = files["audit.jsonl"].splitlines(keepends=True)
    close = next(i for i, line in enumerate(lines) if orjson.loads(line)["hash"] == heads[0])
    (tmp_path / "short.jsonl").write_bytes(b"".join(lines[:close]))
    assert audit("--file", "short.jsonl").returncode == 0
    cut = audit("--file", "short.jsonl", "--head", short_head(heads[0]))
    assert cut.returncode == 1
    assert f"does not hold the head {short_head(heads[0])}" in cut.stderr
    # Not a head at all: refused before anything is read, as a usage error.
    wrong = audit("--file", "audit.jsonl", "--head", "12ab")
    assert wrong.returncode == 2
    assert "'12ab' is not an audit head: give at least its first 16 hex digits" in wrong.stderr
    (tmp_path / "b.zip").write_bytes(published.bundle)
    bundle = subprocess.run(
        [VOTING, "verify-bundle", "b.zip", "--head", never], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert bundle.returncode == 1
    assert bundle.stdout.startswith(f"FAIL: b.zip: the head {never} given is not in audit.jsonl's chain")


def test_a_training_vote_reset_after_publication_is_fixed_afresh(clerk: Api, deputy: Api, tmp_path: Path) -> None:
    """A drill replayed after a reset publishes again: its new forms are fixed, not the first run's."""
    vote = {
        "title_zh": "演练票决",
        "training": True,
        "rules": {"seats": 1},
        "candidates": [{"number": n, "title_zh": t} for n, t in ((1, "甲项目"), (2, "乙项目"))],
    }
    sitting = set_up(clerk, size=3, template=False, vote=vote)
    sitting.check_in(range(1, 4))
    announced = []
    for choice in (1, 2):
        sitting.issue_codes(range(1, 4))
        round_id = sitting.open_round()["id"]
        for number in range(1, 4):
            sitting.cast(deputy, number, {choice})
        sitting.close_and_count(round_id)
        if choice == 2:  # replayed, not yet published again: its log's earlier publication was undone by the reset
            bundle, _, _ = download(clerk.client, sitting.vote_id, clerk.token)
            replayed = check(tmp_path, bundle)
            assert replayed.ok, replayed.problem
            assert not replayed.official
        head = clerk.post(f"/api/v1/votes/{sitting.vote_id}/publish")["audit_head_at_publication"]
        text = deputy.client.get(f"/api/v1/votes/{sitting.vote_id}/announcement.txt").get_data(as_text=True)
        assert text.endswith(f"：{short_head(head)}\n")
        announced.append(text)
        if choice == 1:
            clerk.post(f"/api/v1/votes/{sitting.vote_id}/reset")
    assert "第1号“甲项目”，共1个项目当选" in announced[0]
    assert "第2号“乙项目”，共1个项目当选" in announced[1]
