"""Paper ballots (DESIGN 7a): one round mixing electronic and paper ballots, the double entry of paper
batches by two clerks with the reconciliation of their differences, the electronic path failing
mid-round, and a round with more ballots returned than issued, which is void and held again."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from typing import Any

from tests.support.api import Api, Sitting, set_up

VOTE: dict[str, Any] = {
    "title_zh": "纸质选票测试",
    "rules": {"seats": 2},
    "candidates": [{"number": n, "title_zh": f"项目{n}"} for n in (1, 2, 3, 4)],
}
"""Four projects, two seats; with a roster of 10 the threshold is 6 approvals."""


def paper(*ballots: Iterable[int]) -> list[dict[str, list[int]]]:
    return [{"approvals": sorted(b)} for b in ballots]


def marks(*approvals: int) -> dict[str, list[int]]:
    return {"approvals": sorted(approvals), "opposes": [], "abstains": []}


def enter(clerk: Api, round_id: int, batch: str, entry: int, ballots: list[dict[str, Any]], status: int = 200) -> Any:
    return clerk.put(f"/api/v1/rounds/{round_id}/paper-batches/{batch}/entries/{entry}", {"ballots": ballots}, status)


def enter_twice(clerk: Api, clerk2: Api, round_id: int, batch: str, ballots: list[dict[str, Any]]) -> None:
    """Both clerks enter the batch alike, and it is accepted."""
    enter(clerk, round_id, batch, 1, ballots)
    view = enter(clerk2, round_id, batch, 2, ballots)
    assert view["differences"] == []
    accepted = clerk.post(f"/api/v1/rounds/{round_id}/paper-batches/{batch}/accept")
    assert accepted == {"batch": batch, "ballots": len(ballots)}


def turnout(api: Api, round_id: int) -> dict[str, int]:
    seen: dict[str, Any] = api.get(f"/api/v1/rounds/{round_id}/turnout")
    return {k: seen[k] for k in ("ballots_issued", "ballots_returned", "electronic", "paper_issued", "paper_entered")}


def listed_approvals(clerk: Api, round_id: int) -> Counter[str]:
    """The round's ballot list, as a multiset of approvals columns."""
    rows = list(csv.DictReader(io.StringIO(clerk.get(f"/api/v1/rounds/{round_id}/ballots.csv").lstrip("\ufeff"))))
    return Counter(row["approvals"] for row in rows)


def approvals(result: dict[str, Any]) -> dict[int, int]:
    return {p["number"]: p["approvals"] for p in result["projects"]}


def test_a_round_mixing_electronic_and_paper_ballots(clerk: Api, clerk2: Api, deputy: Api) -> None:
    sitting = set_up(clerk, size=10, template=False, vote=VOTE)
    sitting.check_in(range(1, 10))
    sitting.issue_codes(range(1, 10))
    round_id = sitting.open_round()["id"]

    assert clerk.post(f"/api/v1/rounds/{round_id}/paper", {"deputies": [7, 8, 9]}) == {"issued": 3}
    refused = sitting.cast(deputy, 7, {1}, status=409)
    assert refused["code"] == "paper_ballot_issued"
    again = clerk.post(f"/api/v1/rounds/{round_id}/paper", {"deputies": [7]}, 409)
    assert again["code"] == "cannot_issue_paper"
    assert turnout(clerk, round_id) == {
        "ballots_issued": 9,
        "ballots_returned": 0,
        "electronic": 0,
        "paper_issued": 3,
        "paper_entered": 0,
    }

    # An over-approved electronic ballot is refused and nothing is recorded: the deputy may still vote.
    too_many = sitting.cast(deputy, 1, {1, 2, 3}, status=422)
    assert too_many["code"] == "too_many_approvals"
    assert turnout(clerk, round_id)["ballots_returned"] == 0
    assert [d["number"] for d in clerk.get(f"/api/v1/rounds/{round_id}/not-voted")] == [1, 2, 3, 4, 5, 6]
    for number, chosen in zip(range(1, 7), [{1, 2}, {1, 2}, {1, 2}, {1, 3}, {1, 3}, {2}], strict=True):
        sitting.cast(deputy, number, chosen)
    assert clerk.get(f"/api/v1/rounds/{round_id}/not-voted") == []
    refused = clerk.post(f"/api/v1/rounds/{round_id}/paper", {"deputies": [1]}, 409)
    assert refused["code"] == "cannot_issue_paper"

    # The paper pile, as it really reads: the second ballot approves three projects.
    pile = paper({1, 2}, {1, 2, 3}, {1, 4})
    batch = f"/api/v1/rounds/{round_id}/paper-batches/A"
    stray = enter(clerk, round_id, "A", 1, paper({1}, {1, 5}), status=422)
    assert (stray["code"], stray["params"]["position"]) == ("project_not_on_ballot", 2)
    assert stray["message"] == "本批第 2 张选票：第 5 号项目不在本轮选票上。"  # which ballot, in the clerk's language
    clerk.get(batch, status=404)
    view = enter(clerk, round_id, "A", 1, pile)
    assert view["entries"] == [{"entry": 1, "clerk": "clerk-li", "ballots": 3}]
    assert view["accepted"] is False
    once = clerk.post(f"{batch}/accept", status=409)
    assert once["code"] == "second_entry_missing"
    same = enter(clerk, round_id, "A", 2, pile, status=409)
    assert same["code"] == "same_clerk"

    # The second clerk misreads ballot 2 and enters one ballot too many.
    view = enter(clerk2, round_id, "A", 2, paper({1, 2}, {1, 2}, {1, 4}, {3}))
    assert view["entries"] == [
        {"entry": 1, "clerk": "clerk-li", "ballots": 3},
        {"entry": 2, "clerk": "clerk-wang", "ballots": 4},
    ]
    assert view["differences"] == [
        {"position": 2, "first": marks(1, 2, 3), "second": marks(1, 2)},
        {"position": 4, "first": None, "second": marks(3)},
    ]
    assert clerk.get(batch) == view
    differ = clerk.post(f"{batch}/accept", status=409)
    assert differ["code"] == "entries_differ"
    assert (differ["params"]["differences"], differ["params"]["first"]) == (2, 2)
    # The first clerk may not take over the second entry either.
    assert enter(clerk2, round_id, "A", 1, pile, status=409)["code"] == "same_clerk"

    clerk.post(f"/api/v1/rounds/{round_id}/close", {"confirm": True})
    pending = clerk.post(f"/api/v1/rounds/{round_id}/count", status=409)
    assert pending["code"] == "paper_batch_pending"
    assert clerk.get(f"/api/v1/rounds/{round_id}")["state"] == "closed"

    # Looking at the paper, the second clerk corrects the entry; now the batch is accepted.
    view = enter(clerk2, round_id, "A", 2, pile)
    assert view["differences"] == []
    assert clerk.post(f"{batch}/accept") == {"batch": "A", "ballots": 3}
    assert clerk.get(batch)["accepted"] is True
    assert clerk.post(f"{batch}/accept", status=409)["code"] == "batch_accepted"
    assert enter(clerk2, round_id, "A", 2, pile, status=409)["code"] == "batch_accepted"
    assert turnout(clerk, round_id) == {
        "ballots_issued": 9,
        "ballots_returned": 9,
        "electronic": 6,
        "paper_issued": 3,
        "paper_entered": 3,
    }

    result = clerk.post(f"/api/v1/rounds/{round_id}/count")["result"]
    # The over-approved paper ballot is recorded and counted invalid: had it counted, project 2 would have 6.
    assert result["ballots"] == {"cast": 9, "valid": 8, "invalid": 1}
    assert result["void"] is False
    assert approvals(result) == {1: 7, 2: 5, 3: 2, 4: 1}
    assert result["selected"] == [1]
    assert result["runoff"] == {"reason": "shortfall", "projects": [2, 3, 4], "seats": 1}
    assert listed_approvals(clerk, round_id) == Counter({"1 2": 4, "1 3": 2, "2": 1, "1 2 3": 1, "1 4": 1})


def test_the_electronic_path_failing_mid_round(clerk: Api, clerk2: Api, deputy: Api) -> None:
    sitting = set_up(clerk, size=10, template=False, vote=VOTE)
    sitting.check_in(range(1, 11))
    sitting.issue_codes(range(1, 11))
    round_id = sitting.open_round()["id"]
    for number in range(1, 5):
        sitting.cast(deputy, number, {1, 2})

    # The hall network fails: everyone who has not voted gets paper.
    assert clerk.post(f"/api/v1/rounds/{round_id}/paper", {}) == {"issued": 6}
    assert clerk.get(f"/api/v1/rounds/{round_id}/not-voted") == []
    assert turnout(deputy, round_id) == {
        "ballots_issued": 10,
        "ballots_returned": 4,
        "electronic": 4,
        "paper_issued": 6,
        "paper_entered": 0,
    }
    for number in range(5, 11):
        assert sitting.cast(deputy, number, {3}, status=409)["code"] == "paper_ballot_issued"
    assert clerk.post(f"/api/v1/rounds/{round_id}/paper", {}) == {"issued": 0}

    enter_twice(clerk, clerk2, round_id, "B1", paper({1, 2}, {1, 2}, {1, 3}, {3, 4}))
    assert turnout(deputy, round_id)["ballots_returned"] == 8
    enter_twice(clerk, clerk2, round_id, "B2", paper({1}, {2}))
    assert turnout(deputy, round_id) == {
        "ballots_issued": 10,
        "ballots_returned": 10,
        "electronic": 4,
        "paper_issued": 6,
        "paper_entered": 6,
    }

    result = sitting.close_and_count(round_id)["result"]
    assert result["ballots"] == {"cast": 10, "valid": 10, "invalid": 0}
    assert approvals(result) == {1: 8, 2: 7, 3: 2, 4: 1}
    assert result["selected"] == [1, 2]
    assert result["runoff"] is None
    assert clerk.get(f"/api/v1/votes/{sitting.vote_id}")["state"] == "decided"
    assert listed_approvals(clerk, round_id) == Counter({"1 2": 6, "1 3": 1, "3 4": 1, "1": 1, "2": 1})


def test_a_paper_issue_without_deputies_gives_paper_to_all_who_have_not_voted(clerk: Api, deputy: Api) -> None:
    sitting = set_up(clerk, size=10, template=False, vote=VOTE)
    sitting.check_in(range(1, 9))
    sitting.issue_codes(range(1, 9))
    round_id = sitting.open_round()["id"]
    sitting.cast(deputy, 1, {1})
    # No body at all is a request that lost its body, not "everyone" (issue 16, point 7): nothing is issued.
    assert clerk.post(f"/api/v1/rounds/{round_id}/paper", status=400)["code"] == "missing_body"
    assert turnout(clerk, round_id)["paper_issued"] == 0
    assert clerk.post(f"/api/v1/rounds/{round_id}/paper", {}) == {"issued": 7}
    assert clerk.get(f"/api/v1/rounds/{round_id}/not-voted") == []
    assert turnout(clerk, round_id)["paper_issued"] == 7


def cast_round(sitting: Sitting, deputy: Api, numbers: Iterable[int], chosen: set[int]) -> None:
    for number in numbers:
        sitting.cast(deputy, number, chosen)


def test_more_ballots_returned_than_issued_voids_the_round(clerk: Api, clerk2: Api, deputy: Api) -> None:
    sitting = set_up(clerk, size=10, template=False, vote=VOTE)
    sitting.check_in(range(1, 9))
    sitting.issue_codes(range(1, 9))
    first = sitting.open_round()
    round_id = first["id"]
    cast_round(sitting, deputy, range(1, 5), {1, 2})
    assert clerk.post(f"/api/v1/rounds/{round_id}/paper", {}) == {"issued": 4}
    # Five paper ballots come out of the box for the four handed out.
    enter_twice(clerk, clerk2, round_id, "C", paper({1, 2}, {1, 2}, {1, 2}, {1, 2}, {1, 2}))
    seen = turnout(clerk, round_id)
    assert (seen["ballots_issued"], seen["ballots_returned"], seen["paper_entered"]) == (8, 9, 5)

    result = sitting.close_and_count(round_id)["result"]
    assert result["void"] is True
    assert result["ballots"] == {"cast": 9, "valid": 9, "invalid": 0}
    assert result["selected"] == []
    assert {p["status"] for p in result["projects"]} == {"not_selected"}
    assert result["runoff"] == {"reason": "void", "projects": [1, 2, 3, 4], "seats": 2}
    assert clerk.get(f"/api/v1/votes/{sitting.vote_id}")["state"] == "voting"
    assert clerk.get(f"/api/v1/votes/{sitting.vote_id}/result")["decided"] is False

    revote = sitting.open_round()
    assert (revote["number"], revote["kind"], revote["projects"], revote["seats"]) == (2, "revote", [1, 2, 3, 4], 2)
    assert (revote["ballots_issued"], revote["deputies_present"]) == (8, 8)
    # Everyone votes again with the same code, those who had paper in the void round included.
    cast_round(sitting, deputy, range(1, 9), {1, 3})
    second = sitting.close_and_count(revote["id"])["result"]
    assert second["void"] is False
    assert second["selected"] == [1, 3]
    final = clerk.get(f"/api/v1/votes/{sitting.vote_id}/result")
    assert final["decided"] is True
    assert final["selected"] == [1, 3]
    assert [r["kind"] for r in final["rounds"]] == ["first", "revote"]
