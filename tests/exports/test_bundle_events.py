"""The bundle checker reads the entries it checks as their typed events (issue 17, point 5): a log rewritten
with details that no version wrote is refused, naming the entry and the key, even with its chain made whole
again and the manifest's heads moved to match."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.exports.bundle_support import Published, check, dump, manifest_of, members, rebuild
from voting.domain.audit_chain import canonical_json, entry_hash

Change = Callable[[dict[str, Any]], None]


def rewritten(bundle: bytes, action: str, change: Change) -> tuple[bytes, int]:
    """The bundle with round 1's ``action`` entry changed, the chain rehashed from it, the manifest's heads moved."""
    entries = [orjson.loads(line) for line in members(bundle)["audit.jsonl"].splitlines()]
    manifest = manifest_of(bundle)
    index = next(
        i
        for i, e in enumerate(entries)
        if e["action"] == action and e["vote_id"] == manifest["vote"]["id"] and e["details"]["round"] == 1
    )
    change(entries[index]["details"])
    before = [e["hash"] for e in entries]
    for at in range(index, len(entries)):
        entries[at]["prev_hash"] = entries[at - 1]["hash"]
        entries[at]["hash"] = entry_hash(entries[at])
    moved = dict(zip(before, (e["hash"] for e in entries), strict=True))
    for round_ in manifest["rounds"]:
        round_["audit_head_at_close"] = moved[round_["audit_head_at_close"]]
    published = manifest["published"]
    published["audit_head_at_publication"] = moved[published["audit_head_at_publication"]]
    log = b"".join(canonical_json(e).encode("utf-8") + b"\n" for e in entries)
    return rebuild(bundle, {"audit.jsonl": log, "manifest.json": dump(manifest)}), entries[index]["seq"]


def drop(key: str) -> Change:
    return lambda details: details.pop(key)


def put(key: str, value: Any) -> Change:
    return lambda details: details.__setitem__(key, value)


CASES: list[tuple[str, Change, str]] = [
    ("round.opened", drop("deputy_count"), "round.opened: lacks deputy_count"),
    ("round.closed", put("ballots_issued", "10"), "round.closed: ballots_issued is '10', not a whole number"),
    ("round.counted", put("note", "recounted by hand"), "round.counted: no such detail as 'note'"),
]


@pytest.mark.parametrize(("action", "change", "says"), CASES, ids=[c[2] for c in CASES])
def test_details_no_version_wrote_are_a_discrepancy(
    published: Published, tmp_path: Path, action: str, change: Change, says: str
) -> None:
    bundle, seq = rewritten(published.bundle, action, change)
    found = check(tmp_path, bundle)
    assert found.ok is False
    assert found.problem == f"audit.jsonl entry {seq}: {says}"


def test_a_log_rewritten_with_the_same_details_still_checks(published: Published, tmp_path: Path) -> None:
    """The rewriting above is sound: changing nothing (but the hashes it recomputes) leaves a bundle that checks."""
    bundle, _ = rewritten(published.bundle, "round.opened", lambda details: None)
    found = check(tmp_path, bundle)
    assert found.ok, found.problem
