"""SQLite's writers queue on a lock file (voting.store.db._WriterQueue): turns taken, none lost, none stuck.

The queue only orders writers that SQLite would serialise anyway; what must
hold is that threads and forked worker processes sharing one ``Database``
still never lose an update and never wait on each other for ever.
"""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from voting.store.db import Database


@pytest.fixture
def counter(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    with db.write() as session:
        session.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        session.execute(text("INSERT INTO counter VALUES (0)"))
    return db


def _increment(db: Database, times: int) -> None:
    """Read, then write what was read plus one: an update lost to a concurrent writer would show."""
    for _ in range(times):
        with db.write() as session:
            n = session.execute(text("SELECT n FROM counter")).scalar_one()
            session.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})


def _value(db: Database) -> int:
    with db.read() as session:
        value: int = session.execute(text("SELECT n FROM counter")).scalar_one()
        return value


def test_threads_take_turns(counter: Database, tmp_path: Path) -> None:
    threads = [threading.Thread(target=_increment, args=(counter, 25)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert _value(counter) == 200
    assert (tmp_path / "queue.sqlite3-writer.lock").exists()


def test_forked_processes_take_turns(counter: Database) -> None:
    """As gunicorn's workers do: the ``Database`` made before the fork, each child writing through it."""
    _increment(counter, 1)  # the parent has opened its lock file before forking
    context = multiprocessing.get_context("fork")
    children = [context.Process(target=_increment, args=(counter, 40)) for _ in range(3)]
    for child in children:
        child.start()
    _increment(counter, 40)
    for child in children:
        child.join(timeout=60)
    assert [child.exitcode for child in children] == [0, 0, 0]
    assert _value(counter) == 1 + 4 * 40


def test_an_in_memory_database_has_no_queue() -> None:
    db = Database("sqlite://")
    with db.write() as session:
        assert session.execute(text("SELECT 1")).scalar_one() == 1
    assert db._queue is None
