"""The close's secrecy step with a reader holding the database (issue 16, points 1 and 2).

A backup or a long export holds a read snapshot across the close: on SQLite
it keeps the write-ahead log, which gives the order of casting, from being
emptied; on PostgreSQL it holds a lock on the ballot tables (like
``pg_dump``), which a ``VACUUM FULL`` queued behind, and the whole hall with
it.  Here a reader is held for ``READER_SECONDS`` (the length the attack
used) across the close of one vote's round while deputies of another vote
keep casting and a screen keeps reading turnout: none of those requests may
wait more than ``HALL_BOUND_SECONDS`` behind the reader, that is take more
than that beyond their usual time, measured just before on the same
machine (the 90th percentile, so that a loaded machine's hiccups are not
taken for a wait behind the reader: the stall this guards against lasted as
long as the reader, seconds); the closed round must say that its
secrecy step is pending (API, audit log) and refuse to be counted; once the
reader lets go, the step completes with no clerk's action, and the linking
attacks of ``test_secrecy`` are back at chance.
"""

from __future__ import annotations

import json
import random
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from tests.support.api import Api, set_up
from tests.support.linking import CHANCE_BOUND, DEPUTIES, attacks, cast_all
from tests.support.reader import Reader
from voting.store.db import Database

pytestmark = pytest.mark.slow  # a reader held for 12 seconds

READER_SECONDS = 12.0
"""As long as the reader the issue measured: longer than any bound the close waits."""
HALL_BOUND_SECONDS = 0.1
"""The longest a cast or a turnout read of another vote may wait behind the reader, beyond its usual time."""
BASELINE_SECONDS = 2.0
"""How long the hall is timed before the reader starts: its usual time is the 90th percentile of that."""
SETTLE_SECONDS = 10.0
"""How soon after the reader ends the step must have completed (the server retries every second)."""
OTHER_DEPUTIES = 50


class Hall:
    """Another vote's deputies casting one by one and its screen reading turnout, timed, in a thread of its own."""

    def __init__(self, app: Flask, clerk: Api) -> None:
        self.sitting = set_up(clerk, size=OTHER_DEPUTIES)
        self.sitting.check_in(range(1, OTHER_DEPUTIES + 1))
        self.sitting.issue_codes(range(1, OTHER_DEPUTIES + 1))
        self.round_id = self.sitting.open_round()["id"]
        self.deputy = Api(app.test_client())
        self.casts: list[tuple[float, float]] = []
        self.turnouts: list[tuple[float, float]] = []
        """(when it started, how long it took), per request."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        """A cast every quarter of a second, turnout in between, until stopped: the whole time the reader is held."""
        number, last_cast = 0, 0.0
        while not self._stop.wait(0.05):
            if number < OTHER_DEPUTIES and time.perf_counter() - last_cast >= 0.25:
                number += 1
                last_cast = time.perf_counter()
                self.sitting.cast(self.deputy, number, [1, 2, 3], status=201)
                self.casts.append((last_cast, time.perf_counter() - last_cast))
            started = time.perf_counter()
            self.deputy.get(f"/api/v1/rounds/{self.round_id}/turnout")
            self.turnouts.append((started, time.perf_counter() - started))

    def __enter__(self) -> Hall:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._stop.set()
        self._thread.join()


def staging_tables(db: Database) -> list[str]:
    if db.is_sqlite:
        return []
    with db.read() as session:
        return list(
            session.execute(text("SELECT tablename FROM pg_tables WHERE tablename LIKE '%\\_open\\_%'")).scalars()
        )


def audit_actions(clerk: Api, vote_id: int) -> list[str]:
    entries = clerk.get("/api/v1/audit/export").strip().splitlines()
    return [e["action"] for e in map(json.loads, entries) if e["vote_id"] == vote_id]


def test_a_reader_across_the_close_delays_the_secrecy_step_but_not_the_hall(
    app: Flask, clerk: Api, deputy: Api, db: Database, database_url: str
) -> None:
    sitting = set_up(clerk, size=DEPUTIES)
    sitting.check_in(range(1, DEPUTIES + 1))
    sitting.issue_codes(range(1, DEPUTIES + 1))
    round_id = sitting.open_round()["id"]
    truth = cast_all(sitting, deputy, random.Random(20200118))
    hall = Hall(app, clerk)

    with hall:
        time.sleep(BASELINE_SECONDS)
        held = time.perf_counter()
        with Reader(database_url, READER_SECONDS):
            closed = clerk.client.post(
                f"/api/v1/rounds/{round_id}/close", json={"confirm": True}, headers=clerk._headers()
            )
            refused = clerk.client.post(f"/api/v1/rounds/{round_id}/count", headers=clerk._headers())
            meanwhile = clerk.get(f"/api/v1/rounds/{round_id}")
            actions = audit_actions(clerk, sitting.vote_id)
    released = time.monotonic()

    for kind, timed in (("cast", hall.casts), ("turnout", hall.turnouts)):
        usual = statistics.quantiles([took for at, took in timed if at < held], n=10)[-1]
        during = sorted(took for at, took in timed if at >= held)
        assert during[-1] < usual + HALL_BOUND_SECONDS, f"{kind}: usually {usual:.3f} s, slowest {during[-5:]}"
    assert sum(1 for at, _ in hall.casts if at >= held) >= 30, "the other vote kept casting while the reader was held"
    assert closed.status_code == 200
    assert closed.get_json()["state"] == "closed"
    assert closed.get_json().get("secrecy_pending") is True, "the close says that its secrecy step is pending"
    assert meanwhile["secrecy_pending"] is True
    assert refused.status_code == 409
    assert refused.get_json()["code"] == "secrecy_pending"
    assert "保密" in refused.get_json()["message"]
    assert "round.secrecy_pending" in actions

    # No clerk does anything now: the server completes the step by itself.
    while clerk.get(f"/api/v1/rounds/{round_id}")["secrecy_pending"]:
        assert time.monotonic() - released < SETTLE_SECONDS, "the secrecy step did not complete by itself"
        time.sleep(0.1)
    assert audit_actions(clerk, sitting.vote_id)[-2:] == ["round.secrecy_pending", "round.secrecy_completed"]
    if db.is_sqlite:
        wal = Path(database_url.removeprefix("sqlite:///") + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0, "the write-ahead log was emptied"
    assert not [t for t in staging_tables(db) if t.endswith(f"_open_{round_id}")]

    linked = attacks(db, database_url, list(truth.values()), truth)
    assert all(count <= CHANCE_BOUND for count in linked.values()), linked
    clerk.post(f"/api/v1/rounds/{round_id}/count")
