"""Secrecy (DESIGN section 4): with the whole database and the logs after a vote, nobody can tell
which ballot is whose better than chance.

The attacker here knows more than any real one: the exact order in which the
deputies cast (as if they had watched the hall), every table and column, the
database files byte by byte (SQLite) or every row's physical position and
writing transaction (PostgreSQL ``ctid`` and ``xmin``), and the server's log.
A control run shows the same attacks do link deputies to ballots while the
round is still open, so the test can fail; after the close they must not.
"""

from __future__ import annotations

import itertools
import logging
import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.support.api import Api, Sitting, set_up
from voting.store.db import Database

Voted = tuple[Sitting, dict[int, str], dict[str, Any]]
DEPUTIES = 60
CHANCE_BOUND = 5
"""Fixed points of a random matching of 60: 1 expected; 6 or more has probability below 0.001."""


def distinct_ballots(count: int, rng: random.Random) -> list[set[int]]:
    """Every deputy's ballot different, so that content alone names no one."""
    pool = [set(c) for k in (7, 8, 9) for c in itertools.combinations(range(1, 13), k)]
    return rng.sample(pool, count)


def cast_all(sitting: Sitting, deputy: Api, rng: random.Random) -> dict[int, str]:
    """Cast in a random order; returns the true casting order as a list index -> receipt (dashes removed)."""
    order = list(range(1, DEPUTIES + 1))
    rng.shuffle(order)
    receipts = {}
    for position, (number, ballot) in enumerate(zip(order, distinct_ballots(DEPUTIES, rng), strict=True)):
        answer = sitting.cast(deputy, number, ballot, key=f"key-{rng.getrandbits(64):016x}")
        receipts[position] = answer["receipt"].replace("-", "")
    return receipts


def best_order_guess(stored: list[str], truth: dict[int, str]) -> int:
    """Pair the i-th caster with the i-th ballot as stored, forwards or backwards; count the right pairs."""
    forwards = sum(1 for i, r in enumerate(stored) if truth.get(i) == r)
    backwards = sum(1 for i, r in enumerate(reversed(stored)) if truth.get(i) == r)
    return max(forwards, backwards)


def file_order(database_url: str, receipts: list[str]) -> list[str]:
    """The receipts in the order they first appear in the SQLite file and its write-ahead log."""
    path = Path(database_url.removeprefix("sqlite:///"))
    data = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    offsets = {r: data.find(r.encode()) for r in receipts}
    return sorted((r for r in receipts if offsets[r] >= 0), key=lambda r: offsets[r])


def heap_orders(session: Any, receipts: list[str]) -> list[list[str]]:
    """PostgreSQL: the receipts in the order they were written into each table's file, dead rows included.

    A heap page fills from its end towards its start, so the writing order is
    page by page, and within a page by falling offset.  Empty when the
    server's files cannot be read here (a server on another machine).
    """
    session.execute(text("CHECKPOINT"))
    directory = Path(session.execute(text("SHOW data_directory")).scalar_one())
    files = session.execute(
        text("SELECT pg_relation_filepath(oid) FROM pg_class WHERE relkind = 'r' AND relfilenode <> 0")
    ).scalars()
    orders = []
    for name in files:
        path = directory / name
        if not path.exists():
            continue
        data = path.read_bytes()
        offsets = {r: data.find(r.encode()) for r in receipts}
        found = [r for r in receipts if offsets[r] >= 0]
        if found:
            orders.append(sorted(found, key=lambda r: (offsets[r] // 8192, -(offsets[r] % 8192))))
    return orders


def attacks(db: Database, database_url: str, receipts: list[str], truth: dict[int, str]) -> dict[str, int]:
    """Each attack's count of deputies correctly linked to their ballot."""
    with db.read() as session:
        results = {
            "row order": best_order_guess(list(session.execute(text("SELECT receipt FROM ballot")).scalars()), truth)
        }
        if db.is_sqlite:
            results["file bytes"] = best_order_guess(file_order(database_url, receipts), truth)
        else:
            by_ctid = list(session.execute(text("SELECT receipt FROM ballot ORDER BY ctid")).scalars())
            results["ctid"] = best_order_guess(by_ctid, truth)
            ballot_xmin = dict(session.execute(text("SELECT receipt, xmin::text FROM ballot")).all())
            participation_xmin = [x for (x,) in session.execute(text("SELECT xmin::text FROM participation")).all()]
            # A ballot is linked when its writing transaction wrote exactly one participation row.
            results["xmin"] = sum(1 for r in receipts if participation_xmin.count(ballot_xmin[r]) == 1)
            results["file bytes"] = max((best_order_guess(o, truth) for o in heap_orders(session, receipts)), default=0)
    return results


@pytest.fixture
def voted(clerk: Api, deputy: Api) -> tuple[Sitting, dict[int, str], dict[str, Any]]:
    rng = random.Random(20200118)
    sitting = set_up(clerk, size=DEPUTIES)
    sitting.check_in(range(1, DEPUTIES + 1))
    sitting.issue_codes(range(1, DEPUTIES + 1))
    round_ = sitting.open_round()
    truth = cast_all(sitting, deputy, rng)
    return sitting, truth, round_


def test_storage_links_ballots_while_the_round_is_open(voted: Voted, db: Database, database_url: str) -> None:
    """The control: before the close the attacks work, so the test below can fail."""
    _, truth, _ = voted
    linked = attacks(db, database_url, list(truth.values()), truth)
    assert max(linked.values()) > DEPUTIES // 2, linked


def test_nothing_links_a_deputy_to_a_ballot_after_the_close(
    voted: Voted, clerk: Api, db: Database, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sitting, truth, round_ = voted
    sitting.close_and_count(round_["id"])
    clerk.post(f"/api/v1/votes/{sitting.vote_id}/publish")
    receipts = list(truth.values())

    linked = attacks(db, database_url, receipts, truth)
    assert all(count <= CHANCE_BOUND for count in linked.values()), linked

    with db.read() as session:
        # No column anywhere holds a receipt or a ballot's content beside a deputy.
        ballot_columns = set(session.execute(text("SELECT * FROM ballot LIMIT 1")).keys())
        participation_columns = set(session.execute(text("SELECT * FROM participation LIMIT 1")).keys())
        assert ballot_columns & participation_columns == {"round_id", "channel"}
        audit_text = " ".join(session.execute(text("SELECT details FROM audit_entry")).scalars())
    assert not any(r in audit_text for r in receipts)
    codes = [c.replace("-", "") for c in sitting.codes.values()]
    logged = caplog.text.replace("-", "")
    assert not any(r in logged for r in receipts)
    assert not any(c in logged for c in codes)
