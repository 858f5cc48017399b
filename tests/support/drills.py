"""What the REST API says of a vote after a drill, checked against the drill's promise.

Independent of the runner's own comparison (``voting.simulation.drill.check``):
the rounds, their kinds and counts, their turnout and the result, as any staff
member reads them, whether the drill ran through ``voting drill`` or from the
console's ``POST /api/v1/drills/{name}/run``.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from typing import Any

from tests.support.api import Caller, Sitting, set_up
from voting.simulation.drill import Drill, parse_projects


def assert_drill_outcome(staff: Caller, drill: Drill, vote_id: int) -> None:
    vote = staff.get(f"/api/v1/votes/{vote_id}")
    assert vote["training"] is True
    rounds: list[dict[str, Any]] = staff.get(f"/api/v1/votes/{vote_id}/rounds")
    expected = drill.expect.get("rounds", [])
    assert [r["kind"] for r in rounds] == [e["kind"] for e in expected]
    for got, want in zip(rounds, expected, strict=True):
        assert got["state"] == "counted"
        assert got["training"] is True
        result = got["result"]
        if "runoff" in want:
            assert (result["runoff"] or {}).get("reason") == want["runoff"]
        if "selected" in want:
            assert result["selected"] == sorted(parse_projects(want["selected"], "selected"))
        if "tied" in want:
            tied = [p["number"] for p in result["projects"] if p["status"] == "tied"]
            assert tied == sorted(parse_projects(want["tied"], "tied"))
        for key, value in want.get("ballots", {}).items():
            assert result["ballots"][key] == value
        if "void" in want:
            assert result["void"] is want["void"]
        turnout = staff.get(f"/api/v1/rounds/{got['id']}/turnout")
        assert turnout["training"] is True
        if "electronic" in want:
            assert turnout["electronic"] == want["electronic"]
        if "paper" in want:
            assert turnout["paper_entered"] == want["paper"]
    outcome = staff.get(f"/api/v1/votes/{vote_id}/result")
    assert outcome["official"] is False
    assert outcome["training"] is True
    assert outcome["decided"] is drill.expect.get("decided", False)
    if "selected" in drill.expect:
        assert sorted(outcome["selected"]) == sorted(parse_projects(drill.expect["selected"], "selected"))
    if "vacant" in drill.expect:
        assert outcome["vacant"] == drill.expect["vacant"]
    if drill.expect.get("open_refused"):
        assert rounds == []
        assert vote["state"] == "draft"
    hall = staff.get(f"/api/v1/votes/{vote_id}/hall")
    assert hall["training"] is True


# --- a live vote held beside drills and rehearsals -------------------------------------------------

LIVE_ELECTRONIC = [list(range(1, 11))] * 7 + [[*range(1, 10), 11]] * 3
"""Deputies 1-10 vote electronically (deputy n casts entry n - 1)."""
LIVE_PAPER = [[*range(1, 9), 10, 12]] * 2
"""Deputies 11 and 12 vote on paper."""
LIVE_APPROVALS = {n: 12 for n in range(1, 9)} | {9: 10, 10: 9, 11: 3, 12: 2}


def open_live_round(clerk: Caller) -> tuple[Sitting, int]:
    """A live vote of 12 deputies, all present, with its first round open: 10 codes, 2 paper ballots issued."""
    live = set_up(clerk, size=12)
    live.check_in(range(1, 13))
    live.issue_codes(range(1, 11))
    rid: int = live.open_round()["id"]
    assert clerk.post(f"/api/v1/rounds/{rid}/paper", {"deputies": [11, 12]}) == {"issued": 2}
    return live, rid


def cast_live(live: Sitting, deputy: Caller, numbers: Iterable[int]) -> None:
    for number in numbers:
        live.cast(deputy, number, LIVE_ELECTRONIC[number - 1])


def assert_live_round_counts_only_its_own(clerk: Caller, clerk2: Caller, live: Sitting, rid: int) -> dict[str, Any]:
    """Enter the paper ballots, close and count: the round holds exactly its own 12 ballots, in its counts,
    its ballot list and its tally sheet. Returns the vote's result for the caller's further checks."""
    batch = f"/api/v1/rounds/{rid}/paper-batches/live-1"
    body = {"ballots": [{"approvals": b} for b in LIVE_PAPER]}
    clerk.put(f"{batch}/entries/1", body)
    clerk2.put(f"{batch}/entries/2", body)
    clerk.post(f"{batch}/accept")
    turnout = clerk.get(f"/api/v1/rounds/{rid}/turnout")
    clerk.post(f"/api/v1/rounds/{rid}/close", {"confirm": True})
    counted = clerk.post(f"/api/v1/rounds/{rid}/count")

    assert turnout == {
        "round_number": 1,
        "state": "open",
        "deputy_count": 12,
        "deputies_present": 12,
        "ballots_issued": 12,
        "ballots_returned": 12,
        "electronic": 10,
        "paper_issued": 2,
        "paper_entered": 2,
        "training": False,
    }
    assert counted["training"] is False
    result = counted["result"]
    assert result["ballots"] == {"cast": 12, "valid": 12, "invalid": 0}
    assert {p["number"]: p["approvals"] for p in result["projects"]} == LIVE_APPROVALS
    assert result["selected"] == list(range(1, 11))
    vote: dict[str, Any] = clerk.get(f"/api/v1/votes/{live.vote_id}/result")
    assert (vote["training"], vote["vote"]["training"]) == (False, False)
    assert [r["id"] for r in vote["rounds"]] == [rid]
    assert clerk.get(f"/api/v1/meetings/{live.meeting_id}")["present"] == 12

    # The ballot list: its own ballots and no other.
    ballots = list(csv.DictReader(io.StringIO(clerk.get(f"/api/v1/rounds/{rid}/ballots.csv").lstrip("\ufeff"))))
    expected = Counter(" ".join(map(str, b)) for b in LIVE_ELECTRONIC + LIVE_PAPER)
    assert Counter(row["approvals"] for row in ballots) == expected

    # The tally sheet: one row per project of its one round, with its own counts.
    sheet = list(
        csv.DictReader(io.StringIO(clerk.get(f"/api/v1/votes/{live.vote_id}/tally-sheet.csv").lstrip("\ufeff")))
    )
    assert len(sheet) == 12
    for row in sheet:
        assert (row["vote_id"], row["training"], row["round"]) == (str(live.vote_id), "0", "1")
        counts = [row[k] for k in ("deputies_present", "ballots_issued", "ballots_returned", "valid", "invalid")]
        assert counts == ["12", "12", "12", "12", "0"]
        assert (row["electronic"], row["paper"], row["void"]) == ("10", "2", "0")
        assert int(row["approvals"]) == LIVE_APPROVALS[int(row["number"])]
    return vote
