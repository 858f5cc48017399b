"""``voting rehearse`` (Training issue item 4) against a real server, and training kept apart from live votes.

A rehearsal casts the very ballots ``voting simulate`` draws for the same
scenario and seed, so its count, round by round, must be the simulator's; its
pace must be the one asked for; and nothing it or a drill does may show in a
live vote on the same server: not in its ballots, its turnout, its ballot
list or its tally sheet.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.simulation.remote import CLERK, SECOND_CLERK, Remote, remote_server, run_client, run_json
from tests.support.api import set_up
from tests.support.drills import assert_live_round_counts_only_its_own, cast_live, open_live_round
from tests.support.servers import Http, login
from voting.simulation import Status, load, simulate
from voting.simulation.rehearsal import with_deputies
from voting.simulation.sitting import Sitting as RemoteSitting
from voting.simulation.transport import Client

pytestmark = pytest.mark.slow  # a real server and the voting command

CLOSE_CALL = """\
name: close-call-rehearsal
deputies: 30
candidates: 10
rules: {seats: 8}
behaviour:
  model: random_utility
  utility: [2.5, 2.3, 2.1, 2.0, 1.9, 1.8, 1.5, 1.5, 1.5, 1.5]
  noise: 1.0
  k: {6: 1, 7: 2, 8: 7}
turnout: {absent: 0.1, late: 0.1}
spoiled: 0.1
max_rounds: 5
"""


@pytest.fixture(scope="module")
def remote(db_kind: str, _template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    with remote_server(db_kind, _template, tmp_path_factory.mktemp("rehearsal")) as server:
        yield server


def rehearse_args(*extra: str) -> tuple[str, ...]:
    return ("rehearse", "--user", CLERK, "--second-user", SECOND_CLERK, *extra)


def _first_round(report: dict[str, Any]) -> tuple[int, ...]:
    return tuple(p["approvals"] for p in report["rounds"][0]["round"]["result"]["projects"])


def _rounds(report: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(r["round"]["kind"], r["round"]["result"]) for r in report["rounds"]]


def test_a_rehearsal_keeps_its_pace_and_casts_the_simulators_ballots(remote: Remote) -> None:
    started = time.monotonic()
    report = run_json(remote, *rehearse_args("gongshu-2020", "--deputies", "40", "--over", "3", "--max-rounds", "1"))
    elapsed = time.monotonic() - started
    first = report["rounds"][0]
    # 40 deputies less the absent, one every 3/n seconds: the last about 3 s after the first.
    assert 2.5 <= first["seconds"] <= 6.0
    assert elapsed >= first["seconds"] >= 2.5
    outcome = simulate(with_deputies(load("gongshu-2020"), 40), 1, 1)[0]
    assert first["round"]["ballots_issued"] == first["electronic"] + first["paper"] > 30
    assert _first_round(report) == outcome.first_round
    assert first["round"]["result"]["ballots"]["invalid"] == first["paper"]  # spoiled ballots are the paper ones
    vote = remote.clerk.get(f"/api/v1/votes/{report['vote_id']}")
    assert vote["training"] is True
    assert [c["title_zh"] for c in vote["candidates"]][:2] == ["回迁安置项目", "老旧小区改造项目"]  # the template


def _multi_round_seed(path: Path) -> int:
    """The first seed whose simulated vote needs more than one round and has late and spoiled ballots."""
    scenario = load(str(path))
    for seed in range(300):
        outcome = simulate(scenario, 1, seed)[0]
        if outcome.rounds >= 2 and outcome.invalid > 0 and outcome.status is Status.DECIDED:
            return seed
    raise AssertionError("no seed gives a vote of several rounds")


def test_the_same_seed_gives_the_same_rehearsal_and_the_simulators_count(remote: Remote, tmp_path: Path) -> None:
    path = tmp_path / "close-call.yaml"
    path.write_text(CLOSE_CALL, "utf-8")
    seed = _multi_round_seed(path)
    outcome = simulate(load(str(path)), 1, seed)[0]
    runs = [run_json(remote, *rehearse_args(str(path), "--over", "0", "--seed", str(seed))) for _ in range(2)]
    assert runs[0]["vote_id"] != runs[1]["vote_id"]
    assert _rounds(runs[0]) == _rounds(runs[1])
    for report in runs:
        assert tuple(kind for kind, _ in _rounds(report)) == tuple(k.value for k in outcome.kinds)
        assert _first_round(report) == outcome.first_round
        assert sum(result["ballots"]["invalid"] for _, result in _rounds(report)) == outcome.invalid
        assert tuple(report["selected"]) == outcome.selected
        assert report["decided"] is True
    # The late deputies vote from the second round on: more ballots issued than in the first.
    issued = [r["round"]["ballots_issued"] for r in runs[0]["rounds"]]
    assert issued[1] > issued[0]
    other = run_json(remote, *rehearse_args(str(path), "--over", "0", "--seed", str(seed + 1000), "--max-rounds", "1"))
    assert _first_round(other) != _first_round(runs[0])


def test_a_round_left_open_is_the_clerks_to_close(remote: Remote) -> None:
    # A training vote the clerks made in the console, on a meeting of its own.
    candidates = [{"number": n, "title_zh": f"项目{n}"} for n in range(1, 11)]
    drill = {"title_zh": "演练", "training": True, "rules": {"seats": 8}, "candidates": candidates}
    made = set_up(remote.clerk, size=12, template=False, vote=drill)
    args = ("town-close-call", "--deputies", "12", "--over", "0", "--leave-open", "--vote", str(made.vote_id))
    report = run_json(remote, *rehearse_args(*args))
    assert report["left_open"] is True
    assert report["vote_id"] == made.vote_id
    (round_,) = remote.clerk.get(f"/api/v1/votes/{report['vote_id']}/rounds")
    assert round_["state"] == "open"
    assert remote.clerk.get(f"/api/v1/rounds/{round_['id']}/turnout")["ballots_returned"] == 12
    remote.clerk.post(f"/api/v1/rounds/{round_['id']}/close", {"confirm": True})
    counted = remote.clerk.post(f"/api/v1/rounds/{round_['id']}/count")
    assert counted["result"]["ballots"]["cast"] == 12


def _live_clerks(remote: Remote) -> tuple[Http, Http]:
    return login(remote.url, "live-clerk-zhou"), login(remote.url, "live-clerk-wu")


def test_rehearse_refuses_a_live_vote_and_the_server_a_training_vote_on_a_live_meeting(remote: Remote) -> None:
    clerk, _ = _live_clerks(remote)
    live = set_up(clerk, size=10)
    live.check_in(range(1, 11))
    open_round = live.open_round()
    trail = len(clerk.get(f"/api/v1/audit?vote_id={live.vote_id}"))

    done = run_client(remote, *rehearse_args("--vote", str(live.vote_id), "--deputies", "10", "--over", "0"))
    assert done.returncode == 1
    assert "live vote" in done.stderr
    # The server itself refuses a training vote on a live meeting (attendance belongs to the meeting).
    beside = clerk.post("/api/v1/votes/from-template", {"meeting_id": live.meeting_id, "training": True}, 409)
    assert beside["code"] == "training_not_with_live"

    assert clerk.get(f"/api/v1/rounds/{open_round['id']}") == open_round
    assert len(clerk.get(f"/api/v1/audit?vote_id={live.vote_id}")) == trail


def test_training_never_reaches_a_live_votes_tallies_exports_or_counts(remote: Remote, tmp_path: Path) -> None:
    clerk, clerk2 = _live_clerks(remote)
    deputy = Http(remote.url)
    before = max((v["id"] for v in clerk.get("/api/v1/votes")), default=0)
    live, rid = open_live_round(clerk)
    cast_live(live, deputy, range(1, 5))

    # Beside the open live round: a rehearsal with spoiled paper ballots, and drills with paper, an extra
    # paper ballot in the box, the electronic path failing, and a tie-break.
    path = tmp_path / "close-call.yaml"
    path.write_text(CLOSE_CALL, "utf-8")
    run_json(remote, *rehearse_args(str(path), "--over", "0", "--seed", str(_multi_round_seed(path))))
    for name in ("more-returned-than-issued", "electronic-fails", "tie-at-cutoff"):
        drill = run_json(remote, "drill", name, "--user", CLERK, "--second-user", SECOND_CLERK)
        assert drill["problems"] == []

    cast_live(live, deputy, range(5, 11))
    assert_live_round_counts_only_its_own(clerk, clerk2, live, rid)

    # And the training votes beside it are all marked as such.
    votes = [v for v in clerk.get("/api/v1/votes") if v["id"] > before]
    assert [v["id"] for v in votes if not v["training"]] == [live.vote_id]
    assert len(votes) == 5


class _FlakySession(requests.Session):
    """Drops the connection on the first request, as hall Wi-Fi might, then answers as the server would."""

    def __init__(self) -> None:
        super().__init__()
        self.bodies: list[Any] = []

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        self.bodies.append(kwargs.get("json"))
        if len(self.bodies) == 1:
            raise requests.ConnectionError("connection reset by peer")
        response = requests.Response()
        response.status_code = 201
        response.headers["Content-Type"] = "application/json"
        response._content = b'{"receipt": "R", "round_number": 1, "replayed": false}'
        return response


def test_a_cast_is_sent_again_with_the_same_idempotency_key_after_a_connection_error() -> None:
    session = _FlakySession()
    sitting = RemoteSitting(Client("http://127.0.0.1:9", "token", session=session), 1, 1, {1: 1}, codes={1: "C" * 12})
    assert sitting.cast(1, [3, 1])["receipt"] == "R"
    assert len(session.bodies) == 2
    assert session.bodies[0] == session.bodies[1]
    assert session.bodies[0]["approvals"] == [1, 3]
    assert len(session.bodies[0]["idempotency_key"]) >= 16
