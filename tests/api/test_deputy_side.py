"""The deputy's side of the API as a deputy meets it on a phone: the ballot says at once that the code has
voted (issue 14.6b), and a receipt copied by hand is found however it was written down (14.6e)."""

from __future__ import annotations

from tests.support.api import Api, copied_by_hand, set_up
from voting.domain.codes import RECEIPT_ALPHABET, forgiving, spellings


def test_the_ballot_says_when_the_code_has_voted_or_holds_paper(clerk: Api, deputy: Api) -> None:
    sitting = set_up(clerk, size=4)
    sitting.check_in(range(1, 5))
    sitting.issue_codes(range(1, 5))
    round_ = sitting.open_round()
    assert deputy.post("/api/v1/ballot", {"code": sitting.codes[1]})["participation"] is None
    sitting.cast(deputy, 1, {1, 2})
    clerk.post(f"/api/v1/rounds/{round_['id']}/paper", {"deputies": [2]})
    assert deputy.post("/api/v1/ballot", {"code": sitting.codes[1]})["participation"] == "electronic"
    assert deputy.post("/api/v1/ballot", {"code": sitting.codes[2]})["participation"] == "paper"
    assert deputy.post("/api/v1/ballot", {"code": sitting.codes[3]})["participation"] is None


def test_a_receipt_copied_by_hand_is_found(clerk: Api, deputy: Api) -> None:
    sitting = set_up(clerk, size=3)
    sitting.check_in(range(1, 4))
    sitting.issue_codes(range(1, 4))
    round_ = sitting.open_round()
    receipts = [sitting.cast(deputy, number, set(range(1, 11)))["receipt"] for number in range(1, 4)]
    sitting.close_and_count(round_["id"])
    clerk.post(f"/api/v1/votes/{sitting.vote_id}/publish")
    for receipt in receipts:
        check = deputy.get(f"/api/v1/receipts/{copied_by_hand(receipt)}")
        assert check["receipt"] == receipt
    missing = deputy.get("/api/v1/receipts/0000-1111-2222-3333", status=404)
    assert missing["code"] == "receipt_not_found"
    assert deputy.get("/api/v1/receipts/8888", status=404)["code"] == "receipt_not_found"


def test_one_rule_reads_codes_and_receipts() -> None:
    assert forgiving("abcde-fghjk") == forgiving("ABCDE FGHJK") == "ABCDEFGHJK"
    assert forgiving("oil") == "011"
    assert sorted(spellings("a1-0b", RECEIPT_ALPHABET)) == ["AIOB", "ALOB"]
    assert spellings("a8", RECEIPT_ALPHABET) == []
    assert len(spellings("1" * 10, RECEIPT_ALPHABET)) == 1024
    assert spellings("1" * 11, RECEIPT_ALPHABET) == []
