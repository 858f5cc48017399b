"""The whole Gongshu 2020 vote through the API: 250 deputies, 230 present, a tie at the cut-off,
the tie-break round, publication, receipts and an independent recount of the published ballot lists."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.api import Api, Sitting, set_up
from tests.support.cli import VOTING

pytestmark = pytest.mark.slow  # 250 deputies, and the installed voting command recounts

COMMON = set(range(1, 9))


def first_round_ballots() -> list[set[int]]:
    # 230 ballots: everyone approves 1-8; the last two approvals split as
    # {9,10} x100, {9,11} x100, {10,11} x30  ->  9: 200, 10: 130, 11: 130, 12: 0.
    # Threshold 126 (more than half of 250): 1-9 take nine seats; 10 and 11 tie for the tenth.
    return [COMMON | {9, 10}] * 100 + [COMMON | {9, 11}] * 100 + [COMMON | {10, 11}] * 30


def recount(tmp_path: Path, csv_text: str, *args: str) -> dict[str, Any]:
    path = tmp_path / "ballots.csv"
    path.write_text(csv_text, encoding="utf-8")
    done = subprocess.run([VOTING, "tally", str(path), *args], capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_gongshu_2020_with_a_tie_break(clerk: Api, deputy: Api, scrutineer: Api, tmp_path: Path) -> None:
    sitting: Sitting = set_up(clerk)
    present = range(1, 231)
    sitting.check_in(present)
    sitting.issue_codes(present)
    clerk.put(f"/api/v1/votes/{sitting.vote_id}/scrutineers", {"chief": 1, "members": [2, 3]})

    first = sitting.open_round()
    assert (first["number"], first["kind"], first["seats"], first["projects"]) == (1, "first", 10, list(range(1, 13)))
    assert (first["deputy_count"], first["deputies_present"], first["ballots_issued"]) == (250, 230, 230)
    vote = clerk.get(f"/api/v1/votes/{sitting.vote_id}")
    assert vote["state"] == "voting"
    assert vote["rules_digest"]

    receipts = {}
    for number, approvals in zip(present, first_round_ballots(), strict=True):
        receipts[number] = sitting.cast(deputy, number, approvals)["receipt"]
    turnout = deputy.get(f"/api/v1/rounds/{first['id']}/turnout")
    assert (turnout["ballots_issued"], turnout["ballots_returned"]) == (230, 230)
    assert clerk.get(f"/api/v1/rounds/{first['id']}/not-voted") == []

    counted = sitting.close_and_count(first["id"])
    result = counted["result"]
    assert result["threshold"] == 126
    assert result["selected"] == list(range(1, 10))
    assert result["runoff"] == {"reason": "tie", "projects": [10, 11], "seats": 1}
    assert {p["number"]: p["approvals"] for p in result["projects"]} == {
        **dict.fromkeys(range(1, 9), 230),
        9: 200,
        10: 130,
        11: 130,
        12: 0,
    }

    tie_break = sitting.open_round()
    assert (tie_break["number"], tie_break["kind"], tie_break["projects"], tie_break["seats"]) == (
        2,
        "tie_break",
        [10, 11],
        1,
    )
    ballot = deputy.post("/api/v1/ballot", {"code": sitting.codes[1]})
    assert [p["number"] for p in ballot["projects"]] == [10, 11]
    assert ballot["seats"] == 1
    for number in present:
        sitting.cast(deputy, number, {11} if number <= 140 else {10})
    second = sitting.close_and_count(tie_break["id"])["result"]
    assert second["selected"] == [11]
    assert second["runoff"] is None

    unofficial = clerk.get(f"/api/v1/votes/{sitting.vote_id}/result")
    assert unofficial["official"] is False
    assert unofficial["decided"] is True
    deputy.get(f"/api/v1/votes/{sitting.vote_id}/result", status=404)
    deputy.get(f"/api/v1/receipts/{receipts[1]}", status=404)

    published = clerk.post(f"/api/v1/votes/{sitting.vote_id}/publish")
    assert published["state"] == "published"
    public = deputy.get(f"/api/v1/votes/{sitting.vote_id}/result")
    assert public["official"] is True
    assert public["selected"] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11]
    assert [r["kind"] for r in public["rounds"]] == ["first", "tie_break"]

    check = deputy.get(f"/api/v1/receipts/{receipts[230]}")
    assert check["approvals"] == sorted(COMMON | {10, 11})
    assert check["round_number"] == 1
    assert check["valid"] is True

    # Anyone recounts the published ballot lists with the voting command and gets the published counts.
    lists = [deputy.get(f"/api/v1/rounds/{r['id']}/ballots.csv") for r in (first, tie_break)]
    again = recount(tmp_path, lists[0], "--seats", "10", "--deputies", "250", "--candidates", "12", "--issued", "230")
    assert {k: again[k] for k in ("ballots", "threshold", "projects", "selected", "runoff")} == {
        k: result[k] for k in ("ballots", "threshold", "projects", "selected", "runoff")
    }
    again = recount(tmp_path, lists[1], "--seats", "1", "--deputies", "250", "--projects", "10,11", "--issued", "230")
    assert again["selected"] == [11]
    # Every receipt handed out is in the published list, once.
    listed = [line.split(",")[0] for line in lists[0].splitlines()[1:]]
    assert sorted(listed) == sorted(receipts.values())

    verified = scrutineer.get("/api/v1/audit/verify")
    assert verified["ok"] is True
    assert verified["head"] == published["audit_head_at_publication"]
    actions = [e["action"] for e in scrutineer.get(f"/api/v1/audit?vote_id={sitting.vote_id}")]
    for action in (
        "vote.created",
        "vote.rules_locked",
        "round.opened",
        "round.closed",
        "round.counted",
        "vote.decided",
        "vote.published",
    ):
        assert action in actions


def test_a_failed_quorum_refuses_to_open(clerk: Api) -> None:
    sitting = set_up(clerk, size=20)
    sitting.check_in(range(1, 11))  # 10 of 20: not more than half
    refused = sitting.open_round(status=409)
    assert refused["code"] == "no_quorum"
    assert "10" in refused["message"]
    assert clerk.get(f"/api/v1/votes/{sitting.vote_id}")["state"] == "draft"
    sitting.check_in([11])
    assert sitting.open_round()["deputies_present"] == 11


def test_a_shortfall_calls_a_shortfall_round(clerk: Api, deputy: Api) -> None:
    vote = {
        "title_zh": "短缺测试",
        "rules": {"seats": 3},
        "candidates": [{"number": n, "title_zh": f"项目{n}"} for n in range(1, 6)],
    }
    sitting = set_up(clerk, size=10, template=False, vote=vote)
    sitting.check_in(range(1, 10))
    sitting.issue_codes(range(1, 10))
    first = sitting.open_round()
    for number, approvals in enumerate([{1, 2}, {1, 2}, {1, 3}, {1, 4}, {1, 5}, {1, 2}, {2, 3}, {4, 5}, {3}], start=1):
        sitting.cast(deputy, number, approvals)
    result = sitting.close_and_count(first["id"])["result"]
    assert result["selected"] == [1]
    assert result["runoff"] == {"reason": "shortfall", "projects": [2, 3, 4, 5], "seats": 2}
    shortfall = sitting.open_round()
    assert (shortfall["kind"], shortfall["projects"], shortfall["seats"]) == ("shortfall", [2, 3, 4, 5], 2)
    for number in range(1, 10):
        sitting.cast(deputy, number, {2, 3} if number <= 7 else {4})
    second = sitting.close_and_count(shortfall["id"])["result"]
    assert second["selected"] == [2, 3]
    final = clerk.get(f"/api/v1/votes/{sitting.vote_id}/result")
    assert final["selected"] == [1, 2, 3]
    assert final["decided"] is True
