"""Rate-limit counters in a small SQLite file: shared by every worker process of one host.

``voting serve`` runs several worker processes, each building its own app, so
counters kept in memory would give each process, and so a guesser, a budget of
its own.  This ``limits`` storage (``file:///path/counters.sqlite3``, the
default: ``counters.sqlite3`` in the instance folder) keeps them in a file that
all of them open; Redis (``redis://…``) does the same across hosts.

Only failures write here (``voting.web.limits``), so an honest request never
touches the file.  Each native thread keeps one connection, found by its
operating-system thread id: gevent workers turn ``threading.local`` into a
per-greenlet store, and opening a connection costs many times what a
counted failure on an open one does.  Greenlets of one thread
cannot interleave inside a statement (sqlite3 never yields to the loop), so
sharing the thread's connection between them is safe.  The counters need no
durability (a crash forgets the last minute's failures at worst), hence
``synchronous=OFF``.
"""

from __future__ import annotations

import fcntl
import random
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path
from urllib.parse import unquote, urlsplit

from limits.storage import Storage

SCHEMA = "CREATE TABLE IF NOT EXISTS counter (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires REAL NOT NULL) WITHOUT ROWID"

INCREMENT = """
INSERT INTO counter (key, count, expires) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN expires <= :now THEN excluded.count ELSE count + excluded.count END,
    expires = CASE WHEN expires <= :now THEN excluded.expires ELSE expires END
RETURNING count
"""

DEFAULT_NAME = "counters.sqlite3"


def uri(instance_path: Path) -> str:
    """The default storage: the counter file in the instance folder, which every worker of the host opens."""
    return f"file://{instance_path / DEFAULT_NAME}"


PURGE_CHANCE = 0.01
"""How often an increment also deletes the windows that are over, so that the file stays small under a flood."""


class FileStorage(Storage):
    """Fixed-window counters in one SQLite file, atomic per statement across processes."""

    STORAGE_SCHEME = ["file"]  # noqa: RUF012 (the limits library's class attribute)

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: float | str | bool) -> None:
        super().__init__(uri, wrap_exceptions, **options)
        if uri is None:
            raise ValueError("file:// storage needs a path: file:///path/to/counters.sqlite3")
        self.path = Path(unquote(urlsplit(uri).path))
        self._connections: dict[int, sqlite3.Connection] = {}
        # Every worker of ``voting serve`` gets here at once.  SQLite answers a switch to WAL that meets another
        # process's switch "database is locked" at once, without its busy wait, so the processes take turns.
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock, closing(self._connect()) as conn:
            fcntl.flock(lock, fcntl.LOCK_EX)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
        conn.execute("PRAGMA synchronous=OFF")
        return conn

    def _conn(self) -> sqlite3.Connection:
        """This native thread's connection (``get_native_id`` is the OS thread, under gevent too)."""
        thread = threading.get_native_id()
        conn = self._connections.get(thread)
        if conn is None:
            conn = self._connections[thread] = self._connect()
        return conn

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sqlite3.Error

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        conn = self._conn()
        (count,) = conn.execute(INCREMENT, {"key": key, "amount": amount, "now": now, "expiry": expiry}).fetchone()
        if random.random() < PURGE_CHANCE:  # noqa: S311 (housekeeping, not security)
            conn.execute("DELETE FROM counter WHERE expires <= ?", (now,))
        return int(count)

    def _row(self, key: str) -> tuple[int, float] | None:
        row = self._conn().execute("SELECT count, expires FROM counter WHERE key = ?", (key,)).fetchone()
        if row is None or row[1] <= time.time():
            return None
        return int(row[0]), float(row[1])

    def get(self, key: str) -> int:
        row = self._row(key)
        return 0 if row is None else row[0]

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return time.time() if row is None else row[1]

    def check(self) -> bool:
        try:
            self.get("")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        deleted: int = self._conn().execute("DELETE FROM counter").rowcount
        return deleted

    def clear(self, key: str) -> None:
        self._conn().execute("DELETE FROM counter WHERE key = ?", (key,))
