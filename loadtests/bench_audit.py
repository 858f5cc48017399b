"""Benchmark of audit-log verification (DESIGN section 6: 1,000,000 entries under 5 s).

Run as ``.venv/bin/python loadtests/bench_audit.py [--entries 1000000]``.  It
builds a valid chain of realistic entries, writes it as the JSON Lines export
(docs/audit-log.md), and prints, one figure a line:

- ``verify_chain`` on the entries in memory: the pure check an auditor's own
  program would run;
- ``voting audit verify --file``: the same from the exported file, reading and
  parsing every line, interpreter start included, as an auditor runs it.

A benchmark, not a test: it exits 0 whatever the figures, non-zero only if a
valid chain fails to verify.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from voting.domain.audit_chain import GENESIS, canonical_json, entry_hash, verify_chain

TARGET_SECONDS = 5.0


def chain(count: int) -> list[dict[str, Any]]:
    entries = []
    previous = GENESIS
    for seq in range(1, count + 1):
        entry: dict[str, Any] = {
            "seq": seq,
            "at": "2026-11-25T12:40:43.697591+00:00",
            "actor": "clerk-li",
            "role": "clerk",
            "action": "deputy.checked_in",
            "vote_id": 1,
            "details": {"meeting_id": 1, "deputy": seq % 250 + 1, "name": "王伟"},
            "prev_hash": previous,
        }
        entry["hash"] = previous = entry_hash(entry)
        entries.append(entry)
    return entries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, CPython {sys.version.split()[0]}")
    started = time.perf_counter()
    entries = chain(args.entries)
    print(f"chain: {args.entries:,} entries (built in {time.perf_counter() - started:.1f} s)")

    started = time.perf_counter()
    check = verify_chain(entries)
    in_memory = time.perf_counter() - started
    if not check.ok:
        print(f"a valid chain failed to verify: {check.reason}")
        return 1
    print(f"verify_chain in memory: {in_memory:.2f} s")

    voting = shutil.which("voting", path=os.path.dirname(sys.executable)) or "voting"
    with tempfile.TemporaryDirectory(prefix="bench_audit_") as folder:
        path = Path(folder) / "audit.jsonl"
        with path.open("w", encoding="utf-8") as out:
            out.writelines(canonical_json(entry) + "\n" for entry in entries)
        del entries
        size = path.stat().st_size / 1e6
        started = time.perf_counter()
        done = subprocess.run([voting, "audit", "verify", "--file", str(path)], capture_output=True, text=True)
        from_file = time.perf_counter() - started
    if done.returncode != 0:
        print(f"voting audit verify failed: {done.stderr.strip()}")
        return 1
    print(f"voting audit verify --file ({size:.0f} MB): {from_file:.2f} s")
    for name, seconds in (("in memory", in_memory), ("from file", from_file)):
        verdict = "PASS" if seconds < TARGET_SECONDS else "MISS"
        print(f"target, {name} under {TARGET_SECONDS:.0f} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
