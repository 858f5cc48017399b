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
from tests.support.drills import assert_drill_outcome
from voting.simulation.drill import all_drills, load_drill, shipped_drills

pytestmark = pytest.mark.slow  # a real server and the voting command

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


@pytest.mark.parametrize("name", sorted(ITEM_5))
def test_every_drill_produces_the_outcome_it_promises(remote: Remote, name: str) -> None:
    drill = load_drill(name)
    report = run_json(remote, *drill_args(name))
    assert report["problems"] == []
    assert f"OK: drill {name} went as promised" in report["stdout"]
    assert drill.expected_zh in report["stdout"]
    assert drill.expected_en in report["stdout"]

    # Independently of the command's own check: what the server says of the vote.
    assert_drill_outcome(remote.clerk, drill, report["vote_id"])


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


def test_the_console_and_the_command_play_a_drill_alike(remote: Remote) -> None:
    """One runner, two transports: ``voting drill`` over HTTP, and the server itself for the console's button."""
    by_command = run_json(remote, *drill_args("electronic-fails", "--seed", "11"))
    by_console = remote.clerk.post("/api/v1/drills/electronic-fails/run", {"seed": 11}, 201)
    assert by_console["passed"] is True
    assert by_console["problems"] == by_command["problems"] == []
    assert_drill_outcome(remote.clerk, load_drill("electronic-fails"), by_console["vote_id"])

    def played(vote_id: int, meeting_id: int) -> tuple[Any, ...]:
        rounds = remote.clerk.get(f"/api/v1/votes/{vote_id}/rounds")
        turnout = [remote.clerk.get(f"/api/v1/rounds/{r['id']}/turnout") for r in rounds]
        counts = [(t["electronic"], t["paper_issued"], t["paper_entered"], t["ballots_issued"]) for t in turnout]
        return ([(r["kind"], r["result"]) for r in rounds], counts, _present(remote, meeting_id))

    assert played(by_command["vote_id"], by_command["meeting_id"]) == played(
        by_console["vote_id"], by_console["meeting_id"]
    )
    steps = [e["action"] for e in remote.clerk.get(f"/api/v1/audit?vote_id={by_command['vote_id']}")]
    assert [e["action"] for e in remote.clerk.get(f"/api/v1/audit?vote_id={by_console['vote_id']}")] == [
        *steps,
        "drill.run",
    ]
