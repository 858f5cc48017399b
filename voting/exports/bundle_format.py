"""The verification bundle's format: file names and the words shared by its writer and its checker."""

from __future__ import annotations

import hashlib

FORMAT = "voting-bundle/1"
MANIFEST = "manifest.json"
VERIFY = "VERIFY.md"
AUDIT = "audit.jsonl"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every entry's timestamp: the earliest a ZIP can hold, so that the same content gives the same bytes."""


def ballots_file(number: int) -> str:
    return f"rounds/round-{number}-ballots.csv"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def marks(training: bool, official: bool) -> list[str]:
    return [m for m, on in (("TRAINING", training), ("UNOFFICIAL", not official)) if on]


def bundle_file_name(vote_id: int, *, training: bool, official: bool) -> str:
    """The bundle's file name, with the marks a tally sheet's name carries (``TallySheet.file_stem``)."""
    return "-".join([f"vote{vote_id}-bundle", *marks(training, official)]) + ".zip"


# --- writing ---------------------------------------------------------------------------------------


KIND_WORDS = {
    "first": ("第一轮", "first round"),
    "tie_break": ("再次投票", "tie-break round"),
    "shortfall": ("另行票决", "shortfall round"),
    "revote": ("重新投票", "repeat round"),
}


# --- what publication fixes ------------------------------------------------------------------------

HEAD_LINES = {
    "zh": "公布时审计日志头哈希（前16位）：{short}",
    "en": "Audit head at publication (first 16 hex digits): {short}",
}
"""The announcement's closing line, added to its stored bytes once the publication entry exists.

The publication entry carries the SHA-256 of the announcement without this line
(it cannot carry its own hash); the checker verifies the rest against that
digest and this line against the entry's own hash.
"""


def head_line(lang: str, short: str) -> bytes:
    return ("\n" + HEAD_LINES[lang].format(short=short) + "\n").encode("utf-8")


def line_hashes(data: bytes) -> list[str]:
    """Each line's SHA-256, first 16 hex digits: enough to name the first line of a list that was changed."""
    return [sha256(line)[:16] for line in data.splitlines(keepends=True)]


def lines_digest(hashes: list[str]) -> str:
    """One digest over a ballot list's line hashes, as the publication entry records it."""
    return sha256("\n".join(hashes).encode("ascii"))


def first_changed_line(data: bytes, hashes: list[str]) -> int | None:
    """The first line (1-based) of ``data`` whose hash is not the one recorded; None if every line agrees."""
    ours = line_hashes(data)
    for number, (mine, recorded) in enumerate(zip(ours, hashes, strict=False), start=1):
        if mine != recorded:
            return number
    return None if len(ours) == len(hashes) else min(len(ours), len(hashes)) + 1
