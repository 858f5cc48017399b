"""Recounting one round from its ballot list file: what ``voting tally`` and the bundle's verifier print.

One home for both front ends (the ``voting`` command, and ``verifier/verify.py``
that the verification bundle ships with nothing but the standard library), so
that the recount an auditor runs by hand is the same whichever they use.
"""

from __future__ import annotations

from typing import Any

from voting.domain.ballot_list import read_ballot_list
from voting.domain.errors import InvalidBallotList
from voting.domain.rules import RuleSettings
from voting.domain.tally import RoundSpec, tally_counts


def undecodable_line(path: str) -> int | None:
    """Where a file stops being UTF-8, to the line: text decoding reads ahead in blocks and cannot say."""
    with open(path, "rb") as stream:
        data = stream.read()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return line
    return None


def recount_file(
    path: str,
    *,
    seats: int,
    deputies: int,
    candidates: int | None = None,
    issued: int | None = None,
    projects: list[int] | None = None,
    present: int | None = None,
    threshold_basis: str = "all_deputies",
    threshold_fraction: str = "1/2",
) -> dict[str, Any]:
    """The round's result as ``voting tally`` prints it (JSON), or ``InvalidBallotList`` naming the file's line
    (the caller names the file), ``DomainError`` for the rules, ``OSError``."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            ballots = read_ballot_list(stream, candidates=candidates, projects=projects)
    except InvalidBallotList as exc:
        undecodable = undecodable_line(path) if exc.code == "unreadable" else None
        if undecodable is None:
            raise
        raise InvalidBallotList(undecodable, "not_utf8") from None
    rules = RuleSettings.from_dict(
        {"seats": seats, "threshold_basis": threshold_basis, "threshold_fraction": threshold_fraction}
    )
    issued_count = ballots.cast if issued is None else issued
    spec = RoundSpec(
        projects=ballots.projects,
        seats=seats,
        deputy_count=deputies,
        deputies_present=issued_count if present is None else present,
        ballots_issued=issued_count,
    )
    output: dict[str, Any] = tally_counts(rules, spec, ballots.counts).to_dict()
    output["deputies"] = deputies
    output["issued"] = spec.ballots_issued
    return output
