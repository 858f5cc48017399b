"""Scenario drills (Training issue item 5) run through ``voting drill`` against one real server.

Every shipped drill must end as it promises, checked twice: by the command's
own comparison (exit 0, ``OK``) and here, independently, from what the REST
API says of the vote afterwards (its rounds, their kinds and counts, the
result).  A drill whose promise is wrong must fail; a seed must replay a
drill exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.simulation.remote import CLERK, SECOND_CLERK, Remote, remote_server, run_client, run_json
from voting.simulation.drill import all_drills, load_drill, parse_projects, shipped_drills

ITEM_5 = {
    "gongshu-baseline",
    "tie-at-cutoff",
    "tie-break-ties-again",
    "shortfall",
    "invalid-paper",
    "failed-quorum",
    "more-returned-than-issued",
    "electronic-fails",
}


@pytest.fixture(scope="module")
def remote(db_kind: str, _template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    with remote_server(db_kind, _template, tmp_path_factory.mktemp("drills")) as server:
        yield server


def drill_args(name: str, *extra: str) -> tuple[str, ...]:
    return ("drill", name, "--user", CLERK, "--second-user", SECOND_CLERK, *extra)


def test_the_library_holds_the_eight_drills_and_lists_them_chinese_first(remote: Remote) -> None:
    assert set(shipped_drills()) == ITEM_5
    done = run_client(remote, "drill", "--list")
    assert done.returncode == 0, done.stderr
    for drill in all_drills():
        assert drill.expected_zh
        assert drill.expected_en
        block = done.stdout[done.stdout.index(f"{drill.name}: {drill.title_zh}") :]
        zh, en = block.index(drill.expected_zh), block.index(drill.expected_en)
        assert zh < en


def _api_rounds(remote: Remote, vote_id: int) -> list[dict[str, Any]]:
    rounds: list[dict[str, Any]] = remote.clerk.get(f"/api/v1/votes/{vote_id}/rounds")
    return rounds


@pytest.mark.parametrize("name", sorted(ITEM_5))
def test_every_drill_produces_the_outcome_it_promises(remote: Remote, name: str) -> None:
    drill = load_drill(name)
    report = run_json(remote, *drill_args(name))
    assert report["problems"] == []
    assert f"OK: drill {name} went as promised" in report["stdout"]
    assert drill.expected_zh in report["stdout"]
    assert drill.expected_en in report["stdout"]

    # Independently of the command's own check: what the server says of the vote.
    vote_id = report["vote_id"]
    vote = remote.clerk.get(f"/api/v1/votes/{vote_id}")
    assert vote["training"] is True
    rounds = _api_rounds(remote, vote_id)
    expected = drill.expect.get("rounds", [])
    assert [r["kind"] for r in rounds] == [e["kind"] for e in expected]
    for got, want in zip(rounds, expected, strict=True):
        assert got["state"] == "counted"
        result = got["result"]
        if "runoff" in want:
            assert (result["runoff"] or {}).get("reason") == want["runoff"]
        if "selected" in want:
            assert result["selected"] == sorted(parse_projects(want["selected"], "selected"))
        if "tied" in want:
            tied = [p["number"] for p in result["projects"] if p["status"] == "tied"]
            assert tied == sorted(want["tied"])
        for key, value in want.get("ballots", {}).items():
            assert result["ballots"][key] == value
        if "void" in want:
            assert result["void"] is want["void"]
        turnout = remote.clerk.get(f"/api/v1/rounds/{got['id']}/turnout")
        if "electronic" in want:
            assert turnout["electronic"] == want["electronic"]
        if "paper" in want:
            assert turnout["paper_entered"] == want["paper"]
    outcome = remote.clerk.get(f"/api/v1/votes/{vote_id}/result")
    assert outcome["official"] is False
    assert outcome["decided"] is drill.expect.get("decided", False)
    if "selected" in drill.expect:
        assert sorted(outcome["selected"]) == sorted(parse_projects(drill.expect["selected"], "selected"))
    if drill.expect.get("open_refused"):
        assert rounds == []
        assert vote["state"] == "draft"


def test_a_drill_that_does_not_go_as_promised_fails(remote: Remote, tmp_path: Path) -> None:
    data = yaml.safe_load(shipped_drills()["tie-at-cutoff"].read_text("utf-8"))
    data["expect"]["rounds"][1]["selected"] = [11]  # a wrong promise: 10 wins the tie-break
    data["expect"]["selected"] = "1-9 11"
    wrong = tmp_path / "wrong-promise.yaml"
    wrong.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    report = run_json(remote, *drill_args(str(wrong)), expect_status=1)
    assert "MISMATCH" in report["stdout"]
    assert "round 2 selected: expected [11], got [10]" in report["problems"]
    assert any(p.startswith("selected:") for p in report["problems"])


def test_paper_drills_need_a_second_clerk_and_create_nothing_without_one(remote: Remote) -> None:
    before = len(remote.clerk.get("/api/v1/votes"))
    done = run_client(remote, "drill", "invalid-paper", "--user", CLERK)
    assert done.returncode == 1
    assert "second clerk" in done.stderr
    assert len(remote.clerk.get("/api/v1/votes")) == before


def _summary(report: dict[str, Any]) -> list[Any]:
    return [(r["kind"], r["result"], r["electronic"], r["paper"], r["code_refused"]) for r in report["rounds"]]


def _present(remote: Remote, meeting_id: int) -> list[int]:
    deputies = remote.clerk.get(f"/api/v1/meetings/{meeting_id}/deputies")
    return [d["number"] for d in deputies if d["checked_in"]]


def test_the_same_seed_replays_a_drill_exactly(remote: Remote) -> None:
    first = run_json(remote, *drill_args("electronic-fails", "--seed", "7"))
    again = run_json(remote, *drill_args("electronic-fails", "--seed", "7"))
    assert first["vote_id"] != again["vote_id"]
    assert _summary(first) == _summary(again)
    assert _summary(first)[0][4] == "paper_ballot_issued"
    # The seed picks who is absent: the same seed the same deputies, another seed others, the same outcome.
    absent = [run_json(remote, *drill_args("failed-quorum", "--seed", seed)) for seed in ("7", "7", "8")]
    present = [_present(remote, report["meeting_id"]) for report in absent]
    assert len(present[0]) == 10
    assert present[0] == present[1]
    assert present[0] != present[2]
    assert {report["open_refused"] for report in absent} == {"no_quorum"}
