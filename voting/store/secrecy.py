"""Leaving no trace of the order in which ballots arrived (DESIGN section 4; docs/secrecy.md).

The participation row and the ballot row of one cast are written in one
transaction.  The tables share no key, time or sequence, but the storage
engine keeps traces of the order of writing: SQLite places each new cell of
a page after the last one and keeps recent pages in its write-ahead log;
PostgreSQL appends rows to the heap (their ``ctid``) and stamps both rows of
one transaction with the same ``xmin``.  When a round closes, its rows are
rewritten so that none of these traces survive:

- on PostgreSQL, inside the closing transaction, the round's ballots are
  rewritten in receipt order and its participation rows in deputy order, so
  that every one of them carries the closing transaction's ``xmin`` and a
  position that follows the (random) receipt, not the time of casting; then
  ``VACUUM FULL`` writes both tables afresh without the dead versions;
- on SQLite, ``VACUUM`` rebuilds the database file in key order (receipt and
  deputy), and a truncating checkpoint empties the write-ahead log.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlmodel import Session

from voting.store.db import Database

log = logging.getLogger(__name__)

_REWRITE_POSTGRES = (
    """
    WITH gone AS (DELETE FROM ballot WHERE round_id = :round_id RETURNING *)
    INSERT INTO ballot SELECT * FROM gone ORDER BY receipt
    """,
    """
    WITH gone AS (DELETE FROM participation WHERE round_id = :round_id RETURNING *)
    INSERT INTO participation SELECT * FROM gone ORDER BY deputy_id
    """,
)


def rewrite_round(session: Session, round_id: int) -> None:
    """In the closing transaction: give the round's rows one transaction and an order that reveals nothing."""
    if session.get_bind().dialect.name == "postgresql":
        for statement in _REWRITE_POSTGRES:
            session.execute(text(statement), {"round_id": round_id})


def compact(db: Database) -> bool:
    """After the close has committed: rebuild the storage so no old version or log frame remains.

    Best effort: a busy database is left as it is (and said so in the log),
    since the close itself has already succeeded; the next close or count
    compacts again.
    """
    try:
        if db.is_sqlite:
            raw = db.engine.raw_connection()
            try:
                connection = raw.driver_connection
                assert connection is not None
                connection.execute("VACUUM")
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
        else:
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM FULL ballot, participation")
    except Exception as exc:  # a busy or locked database must not fail a close that has committed
        log.warning("could not compact the database after closing a round: %s", exc.__class__.__name__)
        return False
    return True
