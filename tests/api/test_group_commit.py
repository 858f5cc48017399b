"""Group commit on the cast path: many casts, one transaction, each answered on its own.

``cast_batch`` is called directly with batches built to hold what a hall sends
at once: a bad ballot among good ones, one code twice (a retry, a second key,
a reused key with another ballot), a code that does not work.  Then the
``GroupCommit`` machinery itself (concurrent submits fold into few batches,
a failing batch fails only its own items), and a close racing a stream of
casts: every receipt given is a ballot counted, nothing is accepted after the
close.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest
from flask import Flask
from sqlmodel import select

from tests.support.api import FIRST_BODY, Api, Sitting, set_up
from tests.support.servers import round_rows
from voting.domain import DomainError, InvalidBallot
from voting.services import cast_batch as batching
from voting.services.auth import Actor
from voting.services.cast_batch import cast_ballot, cast_batch
from voting.services.casting import CastRequest, Receipt, make_marks, parse_receipt
from voting.services.errors import Conflict, NotAuthenticated
from voting.services.rounds import close_round
from voting.store.db import Database
from voting.store.group_commit import GroupCommit
from voting.store.models import Ballot, Participation

SECRET_KEY_NAME = "SECRET_KEY"


@pytest.fixture
def sitting(clerk: Api) -> Sitting:
    sitting = set_up(clerk, size=12)
    sitting.check_in(range(1, 11))
    sitting.issue_codes(range(1, 11))
    return sitting


def request(app: Flask, sitting: Sitting, number: int, approvals: list[int], key: str) -> CastRequest:
    return CastRequest(app.config[SECRET_KEY_NAME], sitting.codes[number], make_marks(approvals), key)


def test_a_batch_checks_each_cast_on_its_own(app: Flask, db: Database, sitting: Sitting) -> None:
    round_id = sitting.open_round()["id"]
    keys = {n: secrets.token_hex(8) for n in range(1, 11)}
    batch = [
        request(app, sitting, 1, [1, 2], keys[1]),
        request(app, sitting, 2, list(range(1, 12)), keys[2]),  # 11 approvals for 10 seats: refused
        CastRequest(app.config[SECRET_KEY_NAME], "ZZZZZ-ZZZZZ", make_marks([1]), "k"),  # no such code
        request(app, sitting, 3, [3], keys[3]),
        request(app, sitting, 1, [1, 2], keys[1]),  # the same cast again (a retry in the same batch)
        request(app, sitting, 1, [4], secrets.token_hex(8)),  # the same code, another key
        request(app, sitting, 3, [5], keys[3]),  # the same key, another ballot
        request(app, sitting, 2, [2], keys[2]),  # the refused deputy corrects the ballot
        request(app, sitting, 4, [99], keys[4]),  # a project not on the ballot
    ]
    outcomes = cast_batch(db, batch)

    assert isinstance(outcomes[0], Receipt)
    assert outcomes[0].replayed is False
    assert isinstance(outcomes[1], InvalidBallot)
    assert outcomes[1].code == "too_many_approvals"
    assert isinstance(outcomes[2], NotAuthenticated)
    assert outcomes[2].code == "invalid_code"
    assert isinstance(outcomes[3], Receipt)
    assert outcomes[4] == Receipt(outcomes[0].receipt, 1, replayed=True)
    assert isinstance(outcomes[5], Conflict)
    assert outcomes[5].code == "already_voted"
    assert isinstance(outcomes[6], Conflict)
    assert outcomes[6].code == "idempotency_key_reused"
    assert isinstance(outcomes[7], Receipt)
    assert outcomes[7].replayed is False
    assert isinstance(outcomes[8], InvalidBallot)

    # Three ballots and three participations: deputies 1, 2 (corrected) and 3, nothing for the rest.
    assert round_rows(db, round_id) == (3, 3)
    with db.read() as session:
        stored = {b.receipt: b.approvals for b in session.exec(select(Ballot).where(Ballot.round_id == round_id))}
        voted = {p.deputy_id for p in session.exec(select(Participation).where(Participation.round_id == round_id))}
    receipts = [o.receipt for o in (outcomes[0], outcomes[3], outcomes[7]) if isinstance(o, Receipt)]
    assert stored == {
        parse_receipt(receipts[0]): "1 2",
        parse_receipt(receipts[1]): "3",
        parse_receipt(receipts[2]): "2",
    }
    assert voted == {sitting.deputies[n - 1]["id"] for n in (1, 2, 3)}

    # A later batch sees the earlier one: the retry is a replay, the new key is refused.
    later = cast_batch(db, [request(app, sitting, 1, [1, 2], keys[1]), request(app, sitting, 3, [3], "other")])
    assert later[0] == Receipt(outcomes[0].receipt, 1, replayed=True)
    assert isinstance(later[1], Conflict)
    assert later[1].code == "already_voted"
    assert round_rows(db, round_id) == (3, 3)


def test_a_batch_for_a_round_not_open_records_nothing(app: Flask, db: Database, sitting: Sitting) -> None:
    outcomes = cast_batch(db, [request(app, sitting, 1, [1], "a"), request(app, sitting, 2, [2], "b")])
    assert [o.code for o in outcomes if isinstance(o, DomainError)] == ["round_not_open", "round_not_open"]
    with db.read() as session:
        assert session.exec(select(Ballot)).all() == []


def test_a_batch_loses_a_race_and_each_cast_is_told_what_happened(
    app: Flask, db: Database, sitting: Sitting, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the database refuses the batch's rows (another process recorded one of its deputies), each cast is redone alone.

    The race, staged: the first batch's look misses deputy 5's committed rows,
    so its insert hits the primary keys; the batches of one that follow look
    again (the winner has committed by then) and see them.
    """
    round_id = sitting.open_round()["id"]
    key = secrets.token_hex(8)
    first = cast_batch(db, [request(app, sitting, 5, [5], key)])
    assert isinstance(first[0], Receipt)
    monkeypatch.setattr(batching, "_check_one", _blind(batching._check_one, batches=1))
    outcomes = cast_batch(
        db,
        [
            request(app, sitting, 6, [6], "six"),
            request(app, sitting, 5, [5], key),
            request(app, sitting, 5, [4], "another"),
        ],
    )
    assert isinstance(outcomes[0], Receipt)
    assert outcomes[0].replayed is False
    assert outcomes[1] == Receipt(first[0].receipt, 1, replayed=True)
    assert isinstance(outcomes[2], Conflict)
    assert outcomes[2].code == "already_voted"
    assert round_rows(db, round_id) == (2, 2)


def test_a_cast_that_loses_its_race_twice_is_refused_and_not_retried_for_ever(
    app: Flask, db: Database, sitting: Sitting, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch of one that loses again (a third request for the same deputy at that moment) is told already_voted."""
    round_id = sitting.open_round()["id"]
    key = secrets.token_hex(8)
    assert isinstance(cast_batch(db, [request(app, sitting, 5, [5], key)])[0], Receipt)
    looks: list[object] = []
    monkeypatch.setattr(batching, "_check_one", _blind(batching._check_one, batches=None, looks=looks))
    outcomes = cast_batch(db, [request(app, sitting, 5, [5], key), request(app, sitting, 6, [6], "six")])
    assert isinstance(outcomes[0], Conflict)
    assert outcomes[0].code == "already_voted"
    assert isinstance(outcomes[1], Receipt)
    assert len(looks) == 3  # the batch, then each cast alone: deputy 5's batch of one is not tried a third time
    assert round_rows(db, round_id) == (2, 2)


def _blind(check_one: Any, *, batches: int | None, looks: list[object] | None = None) -> Any:
    """``_check_one`` made blind to the rows already committed, in the first ``batches`` batches (None: in every one)."""
    seen: list[object] = [] if looks is None else looks

    def blind(index: int, request_: CastRequest, batch: Any) -> Receipt:
        if not any(batch is b for b in seen):
            seen.append(batch)
        if batches is None or any(batch is b for b in seen[:batches]):
            batch.done.clear()
            batch.recorded.clear()
        result: Receipt = check_one(index, request_, batch)
        return result

    return blind


def test_concurrent_submits_fold_into_few_batches() -> None:
    """Forty submits while a batch is being written: they wait, then go in one or two more batches."""
    release = threading.Event()
    sizes: list[int] = []

    def commit_batch(items: Sequence[int]) -> list[int | BaseException]:
        sizes.append(len(items))
        if len(sizes) == 1:
            release.wait(timeout=10)
        return [ValueError(item) if item % 7 == 0 else item * 10 for item in items]

    committer: GroupCommit[int, int] = GroupCommit(commit_batch)
    results: dict[int, int | str] = {}

    def submit(item: int) -> None:
        try:
            results[item] = committer.submit(item)
        except ValueError as exc:
            results[item] = f"refused {exc.args[0]}"

    first = threading.Thread(target=submit, args=(1,))
    first.start()
    while not sizes:
        threading.Event().wait(0.001)
    others = [threading.Thread(target=submit, args=(i,)) for i in range(2, 42)]
    for thread in others:
        thread.start()
    while len(committer._queue) < 40:  # every other submit is queued behind the batch in flight
        threading.Event().wait(0.001)
    release.set()
    for thread in [first, *others]:
        thread.join(timeout=10)
    assert results == {i: (f"refused {i}" if i % 7 == 0 else i * 10) for i in range(1, 42)}
    assert sizes[0] == 1
    assert sum(sizes) == 41
    assert committer.batches == len(sizes) <= 3


GREENLETS = """
import json, sys, time
from gevent import monkey
monkey.patch_all()
import gevent
from voting.store.group_commit import GroupCommit
from voting.web.server import under_gevent

under_gevent()  # as each worker of ``voting serve`` does, before any group commit is made

sizes = []
committer = GroupCommit(lambda items: (sizes.append(len(items)), [item * 10 for item in items])[1])
busy = sys.argv[1] == "busy"

def late(item):
    for _ in range(5):  # work of its own first, as a request still being read
        gevent.sleep(0)
    return committer.submit(item)

def spin():  # a loop that is never idle
    while True:
        gevent.sleep(0)

if busy:
    gevent.spawn(spin)
started = time.monotonic()
first = gevent.spawn(committer.submit, 0)
others = [] if busy else [gevent.spawn(late, item) for item in range(1, 11)]
gevent.joinall([first, *others], timeout=10)
print(json.dumps({"sizes": sizes, "values": [g.value for g in [first, *others]], "seconds": time.monotonic() - started}))
"""


def _greenlets(mode: str) -> dict[str, Any]:
    """``GREENLETS`` run in a process of its own, monkey-patched and set up as a ``voting serve`` worker is."""
    done = subprocess.run([sys.executable, "-c", GREENLETS, mode], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


@pytest.mark.slow  # a Python process under gevent
def test_under_gevent_a_leader_waits_for_the_requests_its_loop_is_still_reading() -> None:
    """Ten greenlets that reach ``submit`` only after a few turns of the loop still join the first batch."""
    answer = _greenlets("quiet")
    assert answer["sizes"] == [11]
    assert answer["values"] == [item * 10 for item in range(11)]


@pytest.mark.slow  # a Python process under gevent
def test_under_gevent_a_leader_waits_for_an_idle_loop_only_so_long() -> None:
    """A loop that never falls idle delays a batch by ``GATHER_SECONDS``, not for ever."""
    answer = _greenlets("busy")
    assert answer["sizes"] == [1]
    assert answer["values"] == [0]
    assert answer["seconds"] < 1.0


def test_a_failed_batch_fails_its_own_items_only() -> None:
    calls: list[list[str]] = []

    def commit_batch(items: Sequence[str]) -> list[str | BaseException]:
        calls.append(list(items))
        if "boom" in items:
            raise RuntimeError("disk full")
        return [item.upper() for item in items]

    committer: GroupCommit[str, str] = GroupCommit(commit_batch)
    with pytest.raises(RuntimeError, match="disk full"):
        committer.submit("boom")
    assert committer.submit("fine") == "FINE"
    assert calls == [["boom"], ["fine"]]


def test_a_close_racing_casts_leaves_every_receipt_counted(app: Flask, db: Database, clerk: Api) -> None:
    """Sixty casts in flight while the round closes: each either has a receipt and is counted, or was refused."""
    sitting = set_up(clerk, size=60)
    sitting.check_in(range(1, 61))
    sitting.issue_codes(range(1, 61))
    round_id = sitting.open_round()["id"]
    secret = app.config[SECRET_KEY_NAME]
    barrier = threading.Barrier(61)
    answers: dict[int, Receipt | str] = {}

    def cast(number: int) -> None:
        barrier.wait(timeout=30)
        threading.Event().wait(number * 0.003)  # a stream over 180 ms, in several batches
        try:
            answers[number] = cast_ballot(
                db, secret=secret, code=sitting.codes[number], marks=make_marks([number % 12 + 1]), idempotency_key="k"
            )
        except DomainError as exc:
            answers[number] = exc.code

    def close() -> None:
        barrier.wait(timeout=30)
        threading.Event().wait(0.06)
        close_round(db, round_id, by=Actor("clerk", "clerk", FIRST_BODY))

    threads = [threading.Thread(target=cast, args=(n,)) for n in range(1, 61)] + [threading.Thread(target=close)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 60
    receipts = {parse_receipt(a.receipt) for a in answers.values() if isinstance(a, Receipt)}
    refused = Counter(a for a in answers.values() if isinstance(a, str))
    assert set(refused) <= {"round_not_open"}, refused
    with db.read() as session:
        stored = set(session.exec(select(Ballot.receipt).where(Ballot.round_id == round_id)).all())
    assert stored == receipts
    assert round_rows(db, round_id) == (len(receipts), len(receipts))
    counted = clerk.post(f"/api/v1/rounds/{round_id}/count")
    assert counted["result"]["ballots"]["cast"] == len(receipts)
    # After the close nothing more is accepted, in a batch or alone.
    late = cast_batch(db, [CastRequest(secret, sitting.codes[n], make_marks([1]), "late") for n in range(1, 61)])
    assert all(isinstance(o, Conflict) for o in late)
    assert round_rows(db, round_id) == (len(receipts), len(receipts))
