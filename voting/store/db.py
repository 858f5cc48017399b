"""The one place that opens the database.

SQLite is the embedded default; PostgreSQL is for several app processes or
hosts.  Either way an accepted write must survive a power cut (DESIGN
section 4, "nothing lost"): SQLite runs in WAL mode with ``synchronous=FULL``,
and write transactions take the write lock when they begin (``BEGIN
IMMEDIATE``) rather than upgrading a read lock half-way, which is what turns
concurrent writers into a deadlock instead of a queue.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 10_000
POOL = {"pool_size": 20, "max_overflow": 10}
"""Connections kept per process: one for each request thread of ``voting serve`` and a few more,
so that a surge does not open and close connections (and rerun the pragmas) request by request."""
SERIAL_LOCK_KEY = 2020_0118
"""PostgreSQL advisory lock taken by every serial write transaction."""


def _sqlite_engine(url: str) -> Engine:
    in_memory = url in ("sqlite://", "sqlite:///") or ":memory:" in url  # one connection, not a pool
    engine = create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        **({} if in_memory else POOL),
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transactions out of the driver's hands so that BEGIN is ours to word.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
            "foreign_keys=ON",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("voting_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """An engine and the sessions made from it; one per app or command."""

    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite"):
            self.engine = _sqlite_engine(url)
        else:
            self.engine = create_engine(url, pool_pre_ping=True, **POOL)
        self._writer = self.engine.execution_options(voting_write=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; anything it writes is rolled back."""
        with Session(self.engine) as session:
            yield session

    @contextmanager
    def write(self, *, serial: bool = True) -> Iterator[Session]:
        """A session for changing things; commits on success, rolls back on any error.

        On SQLite every write transaction holds the database's write lock from
        its first statement.  On PostgreSQL a ``serial`` transaction first
        takes one transaction-scoped advisory lock, so that staff actions run
        one at a time as they do on SQLite (no lost update of a count, no race
        for the audit log's next sequence number); the cast path passes
        ``serial=False`` and relies on row locks alone, so that ballots from
        many processes are written side by side.
        """
        with Session(self._writer, expire_on_commit=False) as session, session.begin():
            if serial and not self.is_sqlite:
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SERIAL_LOCK_KEY})
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
