"""An approve-only vote's ballots carry no oppose or abstain mark, on every path that takes a ballot.

One rule (``Marks.check_style``, DESIGN section 1), called by the electronic
cast, the clerks' paper entry and the count: each refusal names the field at
fault and records nothing.  A vote whose ballots approve, oppose and abstain
takes the same marks.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from tests.support.api import Api, Sitting, set_up

CANDIDATES = [{"number": n, "title_zh": f"项目{n}"} for n in (1, 2, 3)]


def sitting_for(clerk: Api, style: str) -> Sitting:
    vote = {"title_zh": "选票样式", "rules": {"seats": 2, "ballot_style": style}, "candidates": CANDIDATES}
    sitting = set_up(clerk, size=4, template=False, vote=vote)
    sitting.check_in(range(1, 5))
    sitting.issue_codes(range(1, 5))
    return sitting


def cast(sitting: Sitting, deputy: Api, marks: dict[str, list[int]], status: int) -> Any:
    body = {"code": sitting.codes[1], "idempotency_key": secrets.token_hex(8), **marks}
    return deputy.post("/api/v1/ballots", {"approvals": [], "opposes": [], "abstains": [], **body}, status)


@pytest.mark.parametrize(
    ("marks", "field"),
    [({"approvals": [1], "opposes": [2]}, "opposes"), ({"approvals": [1], "abstains": [3]}, "abstains")],
)
def test_an_approve_only_vote_refuses_an_oppose_or_abstain_mark_cast_or_entered(
    clerk: Api, deputy: Api, marks: dict[str, list[int]], field: str
) -> None:
    sitting = sitting_for(clerk, "approve_only")
    round_id = sitting.open_round()["id"]
    refused = cast(sitting, deputy, marks, 422)
    assert (refused["code"], refused["field"]) == ("style_mismatch", field)
    entry = f"/api/v1/rounds/{round_id}/paper-batches/A/entries/1"
    ballots = [{"approvals": [1, 2]}, marks]
    entered = clerk.put(entry, {"ballots": ballots}, 422)
    assert (entered["code"], entered["field"], entered["params"]) == ("style_mismatch", "ballots", {"position": 2})
    turnout = clerk.get(f"/api/v1/rounds/{round_id}/turnout")
    assert (turnout["ballots_returned"], turnout["paper_entered"]) == (0, 0)
    # Corrected, the same deputy's ballot is taken.
    assert cast(sitting, deputy, {"approvals": marks["approvals"]}, 201)["replayed"] is False


def test_an_approve_oppose_abstain_vote_takes_those_marks(clerk: Api, deputy: Api) -> None:
    sitting = sitting_for(clerk, "approve_oppose_abstain")
    round_id = sitting.open_round()["id"]
    assert cast(sitting, deputy, {"approvals": [1], "opposes": [2], "abstains": [3]}, 201)["replayed"] is False
    ballots = [{"approvals": [1], "opposes": [2], "abstains": [3]}]
    clerk.put(f"/api/v1/rounds/{round_id}/paper-batches/A/entries/1", {"ballots": ballots}, 200)
