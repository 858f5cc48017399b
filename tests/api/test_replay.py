"""A retry with the same idempotency key, before and after its round closes (issue 16, point 3).

While the round is open, a retry of the same ballot (same code, same key, same
marks) gets the same receipt: a phone on the hall's Wi-Fi that lost the answer.
Once the round has closed, whoever posts the code and the key (a buyer who
dictated the key and later got the code) gets no receipt and the same answer
whatever marks they send, so the server confirms no ballot; and a key used in
round 1 is refused in round 2 rather than answered with round 1's receipt.
The batch (``cast_batch``) answers every one of these alike whether its first
write goes through or loses a race (then each cast is tried again as a batch
of one): both end in the same checks and the same rule (``casting.replay``).
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy.exc import IntegrityError

from tests.support.api import Api, Sitting, set_up
from voting.domain import DomainError
from voting.services import cast_batch as batching
from voting.services.cast_batch import cast_batch
from voting.services.casting import CastRequest, Receipt, make_marks
from voting.store.db import Database

CANDIDATES = [{"number": n, "title_zh": f"项目{n}"} for n in (1, 2, 3)]
TIE_VOTE: dict[str, Any] = {"title_zh": "重放测试", "rules": {"seats": 2}, "candidates": CANDIDATES}
FIRST_ROUND = [{1, 2}, {1, 3}, {1, 2}, {1, 3}, {2, 3}]
"""Five deputies: project 1 wins a seat, projects 2 and 3 tie for the other (a tie-break round)."""
KEY = "dictated-key-0001"


def cast(sitting: Sitting, deputy: Api, marks: set[int], status: int, key: str = KEY) -> Any:
    return sitting.cast(deputy, 1, marks, status=status, key=key)


def both_paths(
    app: Flask, db: Database, sitting: Sitting, monkeypatch: pytest.MonkeyPatch, marks: list[int], key: str = KEY
) -> list[Any]:
    """What the batch and the fallback after a race each answer deputy 1's cast, in a comparable form."""
    request = CastRequest(app.config["SECRET_KEY"], sitting.codes[1], make_marks(marks), key)
    answers: list[Any] = []
    for outcome in (cast_batch(db, [request])[0], after_a_lost_race(db, request, monkeypatch)):
        if isinstance(outcome, Receipt):
            answers.append(outcome)
        else:
            assert isinstance(outcome, DomainError)
            answers.append((outcome.code, outcome.params))
    return answers


def after_a_lost_race(db: Database, request: CastRequest, monkeypatch: pytest.MonkeyPatch) -> Receipt | DomainError:
    """The cast in a batch whose first write the database refuses (a race, staged): the fallback's answer."""
    write = batching._write
    refused: list[bool] = []

    def refused_once(*args: Any) -> None:
        if not refused:
            refused.append(True)
            raise IntegrityError("INSERT INTO participation", None, Exception("another process recorded this deputy"))
        write(*args)

    with monkeypatch.context() as patched:
        patched.setattr(batching, "_write", refused_once)
        outcome = cast_batch(db, [request])[0]
    assert refused, "the batch never reached its write"
    return outcome


def test_a_replay_after_the_close_gives_no_receipt_whatever_the_marks(clerk: Api, deputy: Api) -> None:
    sitting = set_up(clerk, size=5, template=False, vote=TIE_VOTE)
    sitting.check_in(range(1, 6))
    sitting.issue_codes(range(1, 6))
    first = sitting.open_round()
    receipt = cast(sitting, deputy, {1, 2}, 201)
    # Open: the retry of a lost answer still gets its receipt.
    assert cast(sitting, deputy, {1, 2}, 200) == {**receipt, "replayed": True}
    assert cast(sitting, deputy, {1, 3}, 409)["code"] == "idempotency_key_reused"
    for number, marks in zip(range(2, 6), FIRST_ROUND[1:], strict=True):
        sitting.cast(deputy, number, marks)
    clerk.post(f"/api/v1/rounds/{first['id']}/close", {"confirm": True})

    def probes() -> list[Any]:
        """The buyer's probes: the ballot as cast, another ballot, no marks at all."""
        return [cast(sitting, deputy, marks, 409) for marks in ({1, 2}, {1, 3}, set())]

    closed = probes()
    assert closed[0]["code"] == "idempotency_key_spent"
    assert closed[0]["params"] == {"round": 1}
    assert closed == [closed[0]] * 3, "the answer tells one ballot from another"
    assert receipt["receipt"] not in str(closed)

    clerk.post(f"/api/v1/rounds/{first['id']}/count")
    assert probes() == closed
    tie_break = sitting.open_round()
    assert tie_break["kind"] == "tie_break"
    # Round 2 is open: round 1's key is refused, not answered with round 1's receipt, and casts nothing.
    assert probes() == closed
    assert deputy.get(f"/api/v1/rounds/{tie_break['id']}/turnout")["ballots_returned"] == 0
    for number in range(1, 6):
        sitting.cast(deputy, number, {2} if number <= 3 else {3})
    sitting.close_and_count(tie_break["id"])
    clerk.post(f"/api/v1/votes/{sitting.vote_id}/publish")
    assert probes() == closed
    # The receipt itself still checks against the published ballot list, for whoever holds it.
    assert deputy.get(f"/api/v1/receipts/{receipt['receipt']}")["approvals"] == [1, 2]


def test_the_batch_and_the_fallback_after_a_race_answer_alike(
    app: Flask, db: Database, clerk: Api, deputy: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    sitting = set_up(clerk, size=5, template=False, vote=TIE_VOTE)
    sitting.check_in(range(1, 6))
    sitting.issue_codes(range(1, 6))
    first = sitting.open_round()
    receipt = cast(sitting, deputy, {1, 2}, 201)
    same = Receipt(receipt["receipt"], 1, replayed=True)
    assert both_paths(app, db, sitting, monkeypatch, [1, 2]) == [same, same]
    reused: tuple[str, dict[str, Any]] = ("idempotency_key_reused", {})
    assert both_paths(app, db, sitting, monkeypatch, [1, 3]) == [reused, reused]
    assert both_paths(app, db, sitting, monkeypatch, [1, 2], key="another-key-01") == [("already_voted", {})] * 2
    for number, marks in zip(range(2, 6), FIRST_ROUND[1:], strict=True):
        sitting.cast(deputy, number, marks)
    spent = ("idempotency_key_spent", {"round": 1})
    sitting.close_and_count(first["id"])
    for probe in ([1, 2], [1, 3], [2]):
        assert both_paths(app, db, sitting, monkeypatch, probe) == [spent, spent], probe
    assert both_paths(app, db, sitting, monkeypatch, [2], key="another-key-01") == [("round_not_open", {})] * 2
    sitting.open_round()
    for probe in ([1, 2], [2], [3]):
        assert both_paths(app, db, sitting, monkeypatch, probe) == [spent, spent], probe
