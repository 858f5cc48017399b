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
