"""SQLite's writers queue on a lock file (voting.store.db._WriterQueue): turns taken, none lost, none stuck, and
a writer waits in the queue, not in SQLite's busy loop.

The queue only orders writers that SQLite would serialise anyway; what must
hold is that threads and forked worker processes sharing one ``Database``
still never lose an update and never wait on each other for ever, and that
a writer behind a turn held by another process or thread waits for that
turn even while SQLite's own lock is free: without the queue it would not.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from voting.store.db import Database

HELD_SECONDS = 0.5
"""How long a writer is seen waiting behind a turn held ahead of it (SQLite itself would not make it wait at all)."""


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


@pytest.mark.slow  # forked processes
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


def _write_in_thread(db: Database) -> threading.Thread:
    writer = threading.Thread(target=_increment, args=(db, 1))
    writer.start()
    return writer


def test_a_writer_waits_for_another_process_in_the_queue_not_for_sqlite(counter: Database, tmp_path: Path) -> None:
    """Another process's turn (its flock on the queue's file, taken here on a file description of its own, which is
    what another process holds) keeps this one's writers out although SQLite's lock is free; they go the moment
    it ends.  Without the queue the write would go through at once."""
    held = os.open(tmp_path / "queue.sqlite3-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        writer = _write_in_thread(counter)
        writer.join(timeout=HELD_SECONDS)
        assert writer.is_alive(), "the write did not wait for the other process's turn"
        assert _value(counter) == 0
        fcntl.flock(held, fcntl.LOCK_UN)
        writer.join(timeout=60)
        assert not writer.is_alive()
        assert _value(counter) == 1
    finally:
        os.close(held)


def test_a_writer_waits_for_a_thread_in_the_queue_before_either_touches_sqlite(counter: Database) -> None:
    """A thread of the same process holding its turn (inside ``write()``, no statement run yet, so SQLite is not
    locked) keeps the next writer waiting until its transaction ends."""
    inside, leave = threading.Event(), threading.Event()

    def hold_the_turn() -> None:
        with counter.write():
            inside.set()
            leave.wait(60)

    holder = threading.Thread(target=hold_the_turn)
    holder.start()
    assert inside.wait(60)
    writer = _write_in_thread(counter)
    writer.join(timeout=HELD_SECONDS)
    assert writer.is_alive(), "the write did not wait for the thread ahead of it in the queue"
    assert _value(counter) == 0
    leave.set()
    holder.join(timeout=60)
    writer.join(timeout=60)
    assert not writer.is_alive()
    assert _value(counter) == 1
