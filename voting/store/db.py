"""The one place that opens the database.

SQLite is the embedded default; PostgreSQL is for several app processes or
hosts.  Either way an accepted write must survive a power cut (DESIGN
section 4, "nothing lost"): SQLite runs in WAL mode with ``synchronous=FULL``,
and write transactions take the write lock when they begin (``BEGIN
IMMEDIATE``) rather than upgrading a read lock half-way, which is what turns
concurrent writers into a deadlock instead of a queue.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 10_000
POOL = {"pool_size": 20, "max_overflow": 10, "pool_use_lifo": True}
"""Connections kept per process: one for each request thread of ``voting serve`` and a few more,
so that a surge does not open and close connections (and rerun the pragmas) request by request.
The most recently used first: on SQLite each connection has a page cache of its own, and the one
just used is the one whose cache holds the pages the next request reads.  Every engine is made with
``hide_parameters``: an error's text names the SQL, never the values (a code, a name, a ballot)."""
SERIAL_LOCK_KEY = 2020_0118
"""PostgreSQL advisory lock taken by every serial write transaction."""


def _sqlite_engine(url: str) -> Engine:
    in_memory = url in ("sqlite://", "sqlite:///") or ":memory:" in url  # one connection, not a pool
    engine = create_engine(
        url,
        hide_parameters=True,
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
            self.engine = create_engine(url, pool_pre_ping=True, hide_parameters=True, **POOL)
        self._writer = self.engine.execution_options(voting_write=True)
        self._queue = _WriterQueue.for_url(url) if self.is_sqlite else None

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
        turn = self._queue.turn() if self._queue else nullcontext()
        with turn, Session(self._writer, expire_on_commit=False) as session, session.begin():
            if serial and not self.is_sqlite:
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SERIAL_LOCK_KEY})
            yield session

    @contextmanager
    def maintenance(self) -> Iterator[sqlite3.Connection]:
        """SQLite: the driver's own connection, outside any transaction, in the writers' queue (VACUUM, checkpoints)."""
        turn = self._queue.turn() if self._queue else nullcontext()
        with turn:
            pooled = self.engine.raw_connection()
            try:
                connection = pooled.driver_connection
                assert isinstance(connection, sqlite3.Connection)
                yield connection
            finally:
                pooled.close()

    def dispose(self) -> None:
        self.engine.dispose()


class _WriterQueue:
    """SQLite's writers, queued: a writer waiting for another one wakes the moment it commits.

    SQLite's own wait for a busy database polls, sleeping 1, 2, 5, 10... ms
    between tries; under a surge the server processes' writers then spent
    more time asleep than writing, with the disk idle (docs/performance.md).  A
    blocking ``flock`` on a file beside the database is a queue that the
    kernel wakes, and a thread lock queues the writers of one process.  It
    only orders writers: SQLite's locks still make them exclusive, so a
    process that does not queue (a command-line tool) is merely slower, and a
    thread that finds its own process's queue stuck for the busy timeout goes
    ahead unqueued, to get SQLite's own answer.
    """

    def __init__(self, path: str) -> None:
        self._path = path
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    @staticmethod
    def for_url(url: str) -> _WriterQueue | None:
        """The one queue of this process for the database file at ``url`` (none for an in-memory database)."""
        path = url.removeprefix("sqlite:///")
        if path == url or not path or ":memory:" in path:
            return None
        key = os.path.abspath(path)
        with _queues_lock:
            queue = _queues.get(key)
            if queue is None:
                queue = _queues[key] = _WriterQueue(key + "-writer.lock")
            return queue

    @contextmanager
    def turn(self) -> Iterator[None]:
        if not self._threads.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            yield
            return
        try:
            if self._fd is None or self._pid != os.getpid():  # a forked worker opens a file of its own
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                self._pid = os.getpid()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()


_queues: dict[str, _WriterQueue] = {}
_queues_lock = threading.Lock()
