"""Scenario drills from the clerk console (Training issue item 5): GET /api/v1/drills, POST /api/v1/drills/{name}/run.

A run plays the drill's script through the same runner as ``voting drill``,
sent through the application in-process; so every drill must end as it
promises here too, checked by the runner (``passed``) and, independently,
from what the API then says of the training vote.  Every answer about a
training vote says ``training: true``; a drill run beside a live vote never
shows in its counts, ballot list or tally sheet.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from flask import Flask
from sqlmodel import func, select

from tests.support.api import Api, Sitting, make_user, roster_csv, set_up
from tests.support.drills import (
    assert_drill_outcome,
    assert_live_round_counts_only_its_own,
    cast_live,
    open_live_round,
)
from voting.language import error_message
from voting.services.drills import SECOND_CLERK
from voting.simulation.drill import LIBRARY_ORDER, all_drills, load_drill, parse_drill, shipped_drills
from voting.simulation.transport import InProcessClient
from voting.store.models import ApiToken
from voting.web import get_db
from voting.web.api import drills as drills_api

pytestmark = pytest.mark.slow  # whole drills played in the server (the baseline: 250 deputies)

KEYS = {"name", "title_zh", "title_en", "expected_zh", "expected_en", "deputies"}
PAPER_DRILLS = ("invalid-paper", "more-returned-than-issued", "electronic-fails")


def run(api: Api, name: str, body: Any = None, status: int = 201) -> Any:
    return api.post(f"/api/v1/drills/{name}/run", {} if body is None else body, status)


class Counting(InProcessClient):
    """The in-process transport, counting the requests a drill makes."""

    requests = 0

    def request(self, method: str, path: str, body: Any = None, *, files: Any = None, retry: bool = False) -> Any:
        Counting.requests += 1
        return super().request(method, path, body, files=files, retry=retry)


def tokens(app: Flask) -> int:
    with get_db(app).read() as db:
        return db.exec(select(func.count()).select_from(ApiToken)).one()


def test_the_library_is_listed_to_staff_in_the_trainers_order(clerk: Api, scrutineer: Api, deputy: Api) -> None:
    listed = clerk.get("/api/v1/drills")
    assert [d["name"] for d in listed] == list(LIBRARY_ORDER)
    assert set(shipped_drills()) == set(LIBRARY_ORDER)
    for item, drill in zip(listed, all_drills(), strict=True):
        assert set(item) == KEYS
        assert item == {key: getattr(drill, key) for key in KEYS}
        assert item["expected_zh"]
        assert item["expected_en"]
        assert item["title_zh"]
    assert listed[0]["name"] == "gongshu-baseline"
    assert listed[0]["deputies"] == 250
    assert scrutineer.get("/api/v1/drills") == listed  # the same, again: a stable order
    assert deputy.get("/api/v1/drills", 401)["code"] == "not_authenticated"
    paths = clerk.get("/api/openapi.json")["paths"]
    assert {"/api/v1/drills", "/api/v1/drills/{name}/run"} <= set(paths)


@pytest.mark.parametrize("name", LIBRARY_ORDER)
def test_every_drill_run_from_the_console_ends_as_it_promises(
    app: Flask, clerk: Api, scrutineer: Api, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    drill = load_drill(name)
    before = tokens(app)
    monkeypatch.setattr(drills_api, "InProcessClient", Counting)
    Counting.requests = 0
    answer = run(clerk, name)
    assert answer["problems"] == []
    assert answer["passed"] is True
    assert answer["training"] is True
    assert (answer["name"], answer["seed"]) == (name, 1)
    assert (answer["expected_zh"], answer["expected_en"]) == (drill.expected_zh, drill.expected_en)
    vote_id, meeting_id = answer["vote_id"], answer["meeting_id"]
    assert clerk.get(f"/api/v1/votes/{vote_id}")["meeting_id"] == meeting_id
    assert_drill_outcome(clerk, drill, vote_id)  # the vote is left as the drill ends, for the console
    # What makes the 250 deputies of the Gongshu baseline fast enough for a button: one request per
    # ballot cast and a few more (check-in and voting codes for the whole hall in one request each).
    casts = sum(g.count for r in drill.rounds for g in r.electronic) + (1 if name == "electronic-fails" else 0)
    if drill.expect.get("open_refused"):
        casts = 0  # the round never opens
    assert casts < Counting.requests <= casts + 8 + 8 * len(drill.rounds)

    # The audit log: every entry about the drill's vote or its meeting says "training", but the
    # meeting's creation (made before its training vote, and named 演练 for it); all by the trainer,
    # but the second entry of paper ballots, by the simulated second clerk; the chain holds.
    entries = scrutineer.get("/api/v1/audit")
    ours = [e for e in entries if e["vote_id"] == vote_id or e["details"].get("meeting_id") == meeting_id]
    created = [e for e in ours if e["action"] == "meeting.created"]
    assert len(created) == 1
    assert created[0]["details"]["name_zh"].startswith("演练：")
    assert all(e["details"].get("training") is True for e in ours if e["action"] != "meeting.created")
    assert {e["action"] for e in ours} >= {"vote.created", "roster.imported", "deputy.checked_in", "drill.run"}
    (ran,) = [e for e in ours if e["action"] == "drill.run"]
    assert ran["details"] == {
        "drill": name,
        "seed": 1,
        "meeting_id": meeting_id,
        "passed": True,
        "training": True,
    }
    actors = {(e["actor"], e["details"].get("entry")) for e in ours if e["action"] == "paper.entered"}
    if name in PAPER_DRILLS:
        assert actors == {("clerk-li", 1), (SECOND_CLERK, 2)}
    else:
        assert actors == set()
    assert {e["actor"] for e in ours if e["action"] != "paper.entered"} == {"clerk-li"}
    assert scrutineer.get("/api/v1/audit/verify")["ok"] is True
    assert tokens(app) == before  # the run's own tokens are revoked


def test_who_may_run_what_and_bad_requests_change_nothing(clerk: Api, scrutineer: Api, deputy: Api) -> None:
    trail = clerk.get("/api/v1/audit")
    refused = run(scrutineer, "tie-at-cutoff", status=403)
    assert refused["code"] == "forbidden"
    assert run(deputy, "tie-at-cutoff", status=401)["code"] == "not_authenticated"

    unknown = run(clerk, "no-such-drill", status=404)
    assert unknown["code"] == "unknown_drill"
    assert unknown["message"] == error_message("unknown_drill", dict(name="no-such-drill"), "zh")
    english = Api(clerk.client, clerk.token, language="en")
    assert run(english, "no-such-drill", status=404)["message"] == "There is no drill named no-such-drill."
    # A name is a shipped drill's, never a path on the server.
    assert run(clerk, "..%2Fdrills%2Ftie-at-cutoff", status=404)["code"] in ("unknown_drill", "not_found")
    for body in ({"seed": -1}, {"seed": "seven"}, {"seed": 2**40}, {"seed": 1.5}, {"speed": 2}, [1]):
        answer = run(clerk, "tie-at-cutoff", body, status=422)
        assert answer["code"] == "validation_error", body
    assert clerk.get("/api/v1/votes") == []
    assert clerk.get("/api/v1/meetings") == []
    assert clerk.get("/api/v1/audit") == trail


def test_the_same_seed_replays_a_drill_and_another_seed_picks_other_deputies(clerk: Api) -> None:
    def rounds(answer: dict[str, Any]) -> list[Any]:
        held = clerk.get(f"/api/v1/votes/{answer['vote_id']}/rounds")
        return [(r["kind"], r["result"], clerk.get(f"/api/v1/rounds/{r['id']}/turnout")["paper_entered"]) for r in held]

    def present(answer: dict[str, Any]) -> list[int]:
        deputies = clerk.get(f"/api/v1/meetings/{answer['meeting_id']}/deputies")
        return [d["number"] for d in deputies if d["checked_in"]]

    first = run(clerk, "electronic-fails", {"seed": 7})
    again = run(clerk, "electronic-fails", {"seed": 7})
    assert first["vote_id"] != again["vote_id"]
    assert rounds(first) == rounds(again)
    assert rounds(first)[0][2] == 8
    quorum = [run(clerk, "failed-quorum", {"seed": seed}) for seed in (7, 7, 8)]
    assert [q["passed"] for q in quorum] == [True, True, True]
    seen = [present(q) for q in quorum]
    assert len(seen[0]) == 10
    assert seen[0] == seen[1] != seen[2]


def test_a_drill_that_cannot_be_played_is_refused_with_its_reason(
    app: Flask, clerk: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The second entry of paper ballots needs the simulated second clerk to be a clerk.
    make_user(app, SECOND_CLERK, "scrutineer")
    answer = run(clerk, "invalid-paper", status=409)
    assert answer["code"] == "drill_second_clerk"
    assert SECOND_CLERK in answer["message"]
    assert clerk.get("/api/v1/votes") == []

    # A script the server refuses half-way (more seats than projects) is a 409 naming the step, not a 500.
    data = yaml.safe_load(shipped_drills()["tie-at-cutoff"].read_text("utf-8"))
    data["vote"] = {"candidates": 3, "rules": {"seats": 5}}
    broken = parse_drill(data, name="tie-at-cutoff")
    monkeypatch.setattr(drills_api, "load_drill", lambda _name: broken)
    english = Api(clerk.client, clerk.token, language="en")
    refused = run(english, "tie-at-cutoff", status=409)
    assert refused["code"] == "drill_failed"
    assert refused["message"].startswith("The drill tie-at-cutoff could not be played to the end: POST /api/v1/votes")
    assert clerk.get("/api/v1/votes") == []


# --- the runner's bulk steps ----------------------------------------------------------------------


def test_check_in_and_codes_for_many_deputies_at_once_all_or_none(clerk: Api, deputy: Api) -> None:
    sitting = set_up(clerk, size=6)
    other = set_up(clerk, size=2)
    ids = [d["id"] for d in sitting.deputies]
    path = f"/api/v1/meetings/{sitting.meeting_id}/attendance"
    assert clerk.put(path, {"deputy_ids": ids[:4], "checked_in": True}) == {"changed": 4, "present": 4}
    assert clerk.put(path, {"deputy_ids": ids[:5], "checked_in": True}) == {"changed": 1, "present": 5}
    assert clerk.put(path, {"deputy_ids": ids[4:5], "checked_in": False}) == {"changed": 1, "present": 4}
    refused = clerk.put(path, {"deputy_ids": [ids[5], other.deputies[0]["id"]], "checked_in": True}, 422)
    assert refused["code"] == "deputy_not_in_meeting"
    assert clerk.get(f"/api/v1/meetings/{sitting.meeting_id}")["present"] == 4
    assert clerk.put(path, {"deputy_ids": [], "checked_in": True}, 422)["code"] == "validation_error"

    codes = f"/api/v1/votes/{sitting.vote_id}/codes/batch"
    not_in = clerk.post(codes, {"deputy_ids": ids[3:5]}, 409)  # deputy 5 is checked out: none issued
    assert not_in["code"] == "not_checked_in"
    issued = clerk.post(codes, {"deputy_ids": ids[:4]}, 201)
    assert [c["deputy_id"] for c in issued] == ids[:4]
    assert len({c["code"] for c in issued}) == 4
    sitting.codes = {n: c["code"] for n, c in enumerate(issued, start=1)}
    opened = sitting.open_round()
    assert opened["ballots_issued"] == 4
    for number in range(1, 5):
        assert sitting.cast(deputy, number, [1, 2])["training"] is False
    assert clerk.get(f"/api/v1/rounds/{opened['id']}/turnout")["ballots_returned"] == 4


# --- training marks ---------------------------------------------------------------------------


def _sitting(clerk: Api, training: bool) -> Sitting:
    meeting = clerk.post("/api/v1/meetings", {"name_zh": "演练" if training else "会议", "date": "2020-01-18"}, 201)
    clerk.upload(f"/api/v1/meetings/{meeting['id']}/roster", "roster.csv", roster_csv(6))
    vote = clerk.post("/api/v1/votes/from-template", {"meeting_id": meeting["id"], "training": training}, 201)
    deputies = clerk.get(f"/api/v1/meetings/{meeting['id']}/deputies")
    return Sitting(clerk, meeting["id"], vote["id"], deputies)


@pytest.mark.parametrize("training", [True, False])
def test_every_answer_about_a_vote_says_whether_it_is_a_training_vote(
    clerk: Api, deputy: Api, scrutineer: Api, training: bool
) -> None:
    sitting = _sitting(clerk, training)
    vote_id = sitting.vote_id
    sitting.check_in(range(1, 7))
    sitting.issue_codes(range(1, 7))
    seen: list[tuple[str, Any]] = []

    def note(what: str, answer: Any) -> None:
        seen.append((what, answer["training"]))

    opened = sitting.open_round()
    note("open round", opened)
    note("ballot", deputy.post("/api/v1/ballot", {"code": sitting.codes[1]}))
    receipt = sitting.cast(deputy, 1, range(1, 11))
    note("cast", receipt)
    body = {"code": sitting.codes[2], "approvals": list(range(1, 11)), "idempotency_key": "same-key-1"}
    deputy.post("/api/v1/ballots", body, 201)
    note("cast replayed", deputy.post("/api/v1/ballots", body, 200))
    for number in range(3, 7):
        sitting.cast(deputy, number, range(1, 11))
    note("turnout (public)", deputy.get(f"/api/v1/rounds/{opened['id']}/turnout"))
    note("hall, open", deputy.get(f"/api/v1/votes/{vote_id}/hall"))
    note("round", scrutineer.get(f"/api/v1/rounds/{opened['id']}"))
    note("closed", clerk.post(f"/api/v1/rounds/{opened['id']}/close", {"confirm": True}))
    note("counted", clerk.post(f"/api/v1/rounds/{opened['id']}/count"))
    for held in scrutineer.get(f"/api/v1/votes/{vote_id}/rounds"):
        note("rounds", held)
    note("vote", clerk.get(f"/api/v1/votes/{vote_id}"))
    unofficial = clerk.get(f"/api/v1/votes/{vote_id}/result")
    note("result, unofficial", unofficial)
    note("result's vote", unofficial["vote"])
    for held in unofficial["rounds"]:
        note("result's rounds", held)
    clerk.post(f"/api/v1/votes/{vote_id}/publish")
    note("result, published (public)", deputy.get(f"/api/v1/votes/{vote_id}/result"))
    note("hall, published", deputy.get(f"/api/v1/votes/{vote_id}/hall"))
    note("receipt", deputy.get(f"/api/v1/receipts/{receipt['receipt']}"))
    assert len(seen) == 17
    assert [what for what, mark in seen if mark is not training] == []


# --- training apart from live votes -------------------------------------------------------------


def test_a_drill_run_from_the_console_never_reaches_a_live_votes_counts_or_exports(
    clerk: Api, clerk2: Api, deputy: Api, scrutineer: Api
) -> None:
    live, rid = open_live_round(clerk)
    cast_live(live, deputy, range(1, 5))

    # Beside the open live round: drills with paper ballots entered twice, an extra paper ballot in
    # the box, the electronic path failing, a tie-break, and the 250-deputy baseline.
    ran = [
        run(clerk, name)
        for name in ("more-returned-than-issued", "electronic-fails", "tie-at-cutoff", "gongshu-baseline")
    ]
    assert [r["passed"] for r in ran] == [True] * 4

    cast_live(live, deputy, range(5, 11))
    assert_live_round_counts_only_its_own(clerk, clerk2, live, rid)

    # The drills' votes are all training votes on meetings of their own; no live entry says training.
    votes = clerk.get("/api/v1/votes")
    assert [v["id"] for v in votes if not v["training"]] == [live.vote_id]
    assert {r["vote_id"] for r in ran} == {v["id"] for v in votes if v["training"]}
    assert live.meeting_id not in {r["meeting_id"] for r in ran}
    entries = scrutineer.get(f"/api/v1/audit?vote_id={live.vote_id}")
    assert entries
    assert not any(e["details"].get("training") for e in entries)
    assert scrutineer.get("/api/v1/audit/verify")["ok"] is True
