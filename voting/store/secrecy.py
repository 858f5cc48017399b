"""Leaving no trace of the order in which ballots arrived (DESIGN section 4; docs/secrecy.md).

The participation row and the ballot row of one cast are written in one
transaction.  The tables share no key, time or sequence, but the storage
engine keeps traces of the order of writing: SQLite places each new cell of
a page after the last one and keeps recent pages in its write-ahead log;
PostgreSQL appends rows to the heap (their ``ctid``), stamps both rows of one
transaction with the same ``xmin``, and leaves the bytes of deleted rows in
the table's file until the file itself goes.  So the close has two parts:

- the *rewrite*, inside the closing transaction: on PostgreSQL an open
  round's rows live in staging tables of their own (``ballot_open_<round>``,
  ``participation_open_<round>``, children of ``ballot`` and
  ``participation``, so every query of the parents sees them), and the close
  copies them into the parents in one statement each, in receipt and deputy
  order, under the closing transaction's ``xmin``, and empties the staging
  tables; on SQLite there is nothing to do inside the transaction;
- the *erasure*, after it: on PostgreSQL the staging tables are dropped,
  which removes their files, dead rows included; on SQLite ``VACUUM``
  rebuilds the file in key order and a truncating checkpoint empties the
  write-ahead log.

The erasure never waits long behind a reader: on PostgreSQL the drop takes
its lock under a short ``lock_timeout`` (only the staging tables are locked,
which no open round uses); on SQLite the checkpoint runs without a busy
handler.  An attempt that cannot complete says so (``False``), and
``voting.services.erasure`` tries again later.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from voting.store import raw
from voting.store.db import SQLITE_BUSY_TIMEOUT_MS, Database

LOCK_TIMEOUT_MS = 20
"""The longest the drop of a closed round's staging tables waits for their lock.

A request that reads ``ballot`` or ``participation`` while the drop waits
queues behind it (PostgreSQL grants locks in order), so this bounds what a
reader such as ``pg_dump`` can cost the hall: well under the 100 ms a cast
may wait (docs/secrecy.md)."""

TABLES = ("ballot", "participation")


def staging(session: Session, table: str, round_id: int) -> str:
    """The table a cast of this round writes its ``table`` row into: a staging table on PostgreSQL."""
    if session.get_bind().dialect.name == "postgresql":
        return f"{table}_open_{int(round_id)}"
    return table


def in_schema(name: str | None, type_: str, _parents: object) -> bool:
    """For Alembic's comparisons: open rounds' staging tables come and go with the rounds, and are not the schema's."""
    return not (type_ == "table" and name is not None and "_open_" in name)


def insert_cast_rows(
    session: Session, round_id: int, participation: Sequence[Sequence[Any]], ballots: Sequence[Sequence[Any]]
) -> None:
    """The cast path's two inserts, into the round's staging tables (plain SQL, ``store.raw``)."""
    raw.execute_many(
        session,
        f"INSERT INTO {staging(session, 'participation', round_id)} (round_id, deputy_id, channel) VALUES (?, ?, ?)",  # noqa: S608 (a name made of an int)
        participation,
    )
    raw.execute_many(
        session,
        f"INSERT INTO {staging(session, 'ballot', round_id)} (receipt, round_id, approvals, opposes, abstains, channel)"  # noqa: S608
        " VALUES (?, ?, ?, ?, ?, ?)",
        ballots,
    )


def open_staging(session: Session, round_id: int) -> None:
    """In the opening transaction: the round's own staging tables, with the keys the parents have."""
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = {"ballot": "receipt", "participation": "round_id, deputy_id"}
    for table in TABLES:
        name = staging(session, table, round_id)
        session.execute(text(f"CREATE TABLE {name} () INHERITS ({table})"))
        session.execute(text(f"ALTER TABLE {name} ADD PRIMARY KEY ({keys[table]})"))


_ORDER = {"ballot": "receipt", "participation": "deputy_id"}


def rewrite_round(session: Session, round_id: int) -> None:
    """In the closing transaction: move the round's rows to their final place, in an order that reveals nothing.

    Every row then carries the closing transaction's ``xmin``, and its place
    in the parent's file follows the (random) receipt or the deputy's id.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        name = staging(session, table, round_id)
        if not _exists(session, name):
            continue
        session.execute(text(f"INSERT INTO {table} SELECT * FROM {name} ORDER BY {_ORDER[table]}"))  # noqa: S608
        session.execute(text(f"DELETE FROM {name}"))  # noqa: S608 (names made of an int)


def drop_staging(session: Session, round_ids: Iterable[int], *, wait: bool = False) -> bool:
    """Drop these rounds' staging tables (PostgreSQL), their files with them; False if their lock was not had in time.

    Locks only the staging tables, never the parents, under ``LOCK_TIMEOUT_MS``
    unless ``wait``.  On failure the caller's transaction is left usable
    (a savepoint is rolled back).
    """
    if session.get_bind().dialect.name != "postgresql":
        return True
    names = [n for r in round_ids for t in TABLES if _exists(session, n := staging(session, t, r))]
    if not names:
        return True
    try:
        with session.begin_nested():
            if not wait:
                session.execute(text(f"SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS}"))
            session.execute(text(f"LOCK TABLE {', '.join(names)} IN ACCESS EXCLUSIVE MODE"))
            session.execute(text(f"DROP TABLE {', '.join(names)}"))
            session.execute(text("SET LOCAL lock_timeout = 0"))
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) != "55P03":  # lock_not_available
            raise
        return False
    return True


def _exists(session: Session, name: str) -> bool:
    return bool(session.execute(text("SELECT to_regclass(:name) IS NOT NULL"), {"name": name}).scalar_one())


def compact_sqlite(db: Database, *, vacuum: bool) -> bool:
    """SQLite: rebuild the file in key order (``vacuum``), then empty the write-ahead log; False if a reader holds it.

    The checkpoint runs without a busy handler, in the writers' queue, so it
    neither waits for a reader nor holds up a cast for longer than it takes to
    copy the log into the file.  It completes only when every frame has been
    copied and the log truncated to nothing: a reader still using an older
    snapshot keeps the log (and with it the order of casting) alive.
    """
    with db.maintenance() as connection:
        try:
            if vacuum:
                connection.execute("VACUUM")
            connection.execute("PRAGMA busy_timeout=0")
            busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.OperationalError:  # locked by a writer outside the queue (a command-line tool)
            return False
        finally:
            connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    wal = db.url.removeprefix("sqlite:///") + "-wal"
    size = 0
    with contextlib.suppress(FileNotFoundError):
        size = os.path.getsize(wal)
    return busy == 0 and size == 0
