"""The audit log's hash chain: how an entry is hashed, and how a chain is checked.

Each entry carries the SHA-256 of the one before it, over a canonical JSON
encoding (docs/audit-log.md), so that changing, removing, reordering or
inserting an entry breaks the chain at a place the verifier can name.  Pure,
so that an auditor can verify an exported log with no database at all, and
with nothing but Python's standard library: the verification bundle ships this
module to machines without orjson (``verifier/`` in the bundle, VERIFY.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

try:
    import orjson
except ImportError:  # the bundle's standard-library verifier: the same text, written by json
    orjson = None  # type: ignore[assignment]

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry."""

SHORT_HEAD = 16
"""How many leading hex digits of a head are read out in the hall: 64 bits, in groups of four."""

HASHED_FIELDS = ("seq", "at", "actor", "role", "action", "vote_id", "details", "prev_hash")


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 kept as is: one text for one value.

    Written by orjson, whose output for the values an audit entry holds (text,
    whole numbers, true/false/null, lists and objects with text keys) is byte
    for byte Python's ``json.dumps(value, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)``, the recipe docs/audit-log.md gives auditors; a
    property test holds the two together.  It is much faster, and verifying
    a long log is mostly this (docs/performance.md).
    """
    return _canonical_bytes(value).decode("utf-8")


def _canonical_bytes(value: Any) -> bytes:
    if orjson is None:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def entry_hash(entry: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of the entry's hashed fields."""
    return hashlib.sha256(_canonical_bytes({name: entry[name] for name in HASHED_FIELDS})).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int
    head: str
    """The last good entry's hash (GENESIS for an empty log)."""
    first_bad: int | None = None
    """The sequence number (or, where that is wrong, the position) of the first bad entry."""
    reason: str = ""


def verify_chain(entries: Iterable[Mapping[str, Any]]) -> ChainCheck:
    """Check a log in order; stop at the first entry that does not follow from the last."""
    previous = GENESIS
    count = 0
    for position, entry in enumerate(entries, start=1):
        seq = entry.get("seq")
        if seq != position:
            return ChainCheck(False, count, previous, position, f"entry {position} has sequence number {seq!r}")
        if entry.get("prev_hash") != previous:
            return ChainCheck(
                False, count, previous, position, f"entry {position} does not follow entry {position - 1}"
            )
        try:
            hashed = entry_hash(entry)
        except KeyError:
            missing = ", ".join(name for name in HASHED_FIELDS if name not in entry)
            return ChainCheck(False, count, previous, position, f"entry {position} lacks {missing}")
        except TypeError:  # orjson.JSONEncodeError: a value no entry of ours can hold
            return ChainCheck(
                False, count, previous, position, f"entry {position} holds a value that is not canonical JSON"
            )
        if hashed != entry.get("hash"):
            return ChainCheck(False, count, previous, position, f"entry {position} was altered")
        previous = str(entry["hash"])
        count += 1
    return ChainCheck(True, count, previous)


def short_head(head: str) -> str:
    """The form of a head hash a person reads out and compares: ``"3f2a 9c01 77be 0d45"``."""
    return " ".join(head[i : i + 4] for i in range(0, SHORT_HEAD, 4))


def given_head(text: str) -> str:
    """A head as an auditor types it (spaces, any case) as the hex digits to look for.

    Raises ``ValueError`` unless it is at least the short form's sixteen hex digits.
    """
    digits = "".join(text.split()).lower()
    if len(digits) < SHORT_HEAD or len(digits) > 64 or any(c not in "0123456789abcdef" for c in digits):
        raise ValueError(f"{text!r} is not an audit head: give at least its first {SHORT_HEAD} hex digits")
    return digits


def missing_heads(hashes: Iterable[str], heads: Iterable[str]) -> list[str]:
    """The heads (as given) that no entry's hash begins with: each names a log cut short or rewritten."""
    wanted = {head: given_head(head) for head in heads}
    if not wanted:
        return []
    held = list(hashes)
    return [head for head, digits in wanted.items() if not any(h.startswith(digits) for h in held)]
