"""A reader that holds the database across a close, as a backup or a long export does (issue 16): the secrecy
step's API test and the console's test hold it alike."""

from __future__ import annotations

import sqlite3
import threading
import time
from typing import Any

import psycopg
from sqlalchemy.engine import make_url


class Reader:
    """A connection that reads the ballot tables and keeps its transaction open for ``seconds`` (a backup, an export).

    It lets go by itself when the time is up, whatever the close is doing,
    as the backup in the issue did (or sooner, on ``release``).
    """

    def __init__(self, database_url: str, seconds: float) -> None:
        self.url = database_url
        self.seconds = seconds
        self._reading = threading.Event()
        self._release = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        if self.url.startswith("sqlite"):
            connection: Any = sqlite3.connect(self.url.removeprefix("sqlite:///"), isolation_level=None)
            connection.execute("BEGIN")
        else:
            connection = psycopg.connect(make_url(self.url).set(drivername="postgresql").render_as_string(False))
            connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")  # as pg_dump does
        started = time.monotonic()
        connection.execute("SELECT count(*) FROM ballot").fetchall()
        connection.execute("SELECT count(*) FROM participation").fetchall()
        self._reading.set()
        self._release.wait(max(0.0, self.seconds - (time.monotonic() - started)))
        connection.execute("ROLLBACK")
        connection.close()

    def __enter__(self) -> Reader:
        self._thread.start()
        assert self._reading.wait(10)
        return self

    def release(self) -> None:
        self._release.set()

    def __exit__(self, *_: Any) -> None:
        self._thread.join()
