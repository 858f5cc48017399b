"""The attacks that try to link a deputy to a ballot from what storage keeps (DESIGN section 4), and the casting
they attack: ``test_secrecy`` runs them after a plain close, ``test_secrecy_reader`` after a close held up by a reader.

The attacker knows the exact order in which the deputies cast, every table
and column, the database files byte by byte (SQLite) or every row's physical
position and writing transaction (PostgreSQL ``ctid`` and ``xmin``).
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

from sqlalchemy import text

from tests.support.api import Api, Sitting
from voting.store.db import Database

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
