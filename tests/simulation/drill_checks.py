"""What the REST API says of a vote after a drill, checked against the drill's promise.

Independent of the runner's own comparison (``voting.simulation.drill.check``):
the rounds, their kinds and counts, their turnout and the result, as any staff
member reads them, whether the drill ran through ``voting drill`` or from the
console's ``POST /api/v1/drills/{name}/run``.
"""

from __future__ import annotations

from typing import Any

from tests.api.support import Caller
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
