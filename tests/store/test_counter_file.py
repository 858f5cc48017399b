"""The counter file is opened by every worker process at once when ``voting serve`` starts."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from voting.web.counter_file import FileStorage

PROCESSES = 8


def _open(uri: str, start: multiprocessing.synchronize.Barrier, results: multiprocessing.Queue[str]) -> None:
    start.wait()
    try:
        storage = FileStorage(uri)
        storage.incr("failed:203.0.113.7", 60)
        results.put("ok")
    except Exception as error:  # the test reports what a worker would have died of
        results.put(f"{type(error).__name__}: {error}")


@pytest.mark.slow  # eight processes
def test_worker_processes_starting_together_all_open_a_new_counter_file(tmp_path: Path) -> None:
    """A new file is switched to WAL and given its table under a lock: without it, SQLite answers a process that
    asks for WAL while another does the same "database is locked" at once (no busy wait), and the worker dies
    at boot (seen: `make load` on a fresh instance folder, "Worker failed to boot")."""
    for attempt in range(5):  # a fresh file each time: the race is at creation
        uri = f"file://{tmp_path / f'counters-{attempt}.sqlite3'}"
        context = multiprocessing.get_context("fork")
        start = context.Barrier(PROCESSES)
        results: multiprocessing.Queue[str] = context.Queue()
        workers = [context.Process(target=_open, args=(uri, start, results)) for _ in range(PROCESSES)]
        for worker in workers:
            worker.start()
        outcomes = [results.get(timeout=30) for _ in workers]
        for worker in workers:
            worker.join(timeout=30)
        assert outcomes == ["ok"] * PROCESSES, outcomes
        assert FileStorage(uri).get("failed:203.0.113.7") == PROCESSES
