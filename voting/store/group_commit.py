"""Group commit: the requests that arrive together share one durable transaction.

Every accepted ballot must survive a power cut, so every commit waits for the
disk (SQLite ``synchronous=FULL``; PostgreSQL ``synchronous_commit=on``).  One
fsync per ballot caps a server at a few hundred ballots a second; one fsync per
*batch* of the ballots that arrived while the previous batch was being written
does not.

There is no background thread.  The first request to arrive when nobody is
writing becomes the *leader*: it lets the requests arriving with it queue
(its ``gather``), then takes everything queued (its own item included),
hands the batch to ``commit_batch`` (one transaction, committed before it
returns), gives each waiting request its outcome and wakes it.  While
it writes, later requests queue up and wait.  Once its own item is done, a
leader that still sees a queue hands the lead to the oldest waiting request and
returns to its client; so no request waits behind more than the batch in
flight and the one it is in.  With one request at a time (a sync worker, a
test) every batch has one item and this is a plain call.

Nobody is answered before the commit that holds their item has returned, so a
receipt is never given for something a power cut could still take away.

How a leader lets the others arrive depends on how the process runs its
requests, which this module does not know: threads (the default, and the
tests) or an event loop (``voting serve``'s gevent workers, whose gathering
``voting.web.server`` gives, with ``gather_with``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")

MAX_BATCH = 256
"""The most items in one transaction: bounds a batch's time, and the size of its IN lists."""

Gather = Callable[[], None]
"""How a leader lets the requests that have arrived reach ``submit`` before it takes its batch."""


def offer_the_gil() -> None:
    """The gathering with threads: offer the GIL once, so that the threads that have arrived can queue."""
    time.sleep(0)


_gather: Gather = offer_the_gil


def gather_with(gather: Gather) -> None:
    """Set how the group commits of this process gather from now on (``voting.web.server``, in a gevent worker)."""
    global _gather
    _gather = gather


class _Job(Generic[Item, Outcome]):
    __slots__ = ("error", "finished", "item", "outcome", "wake")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.outcome: Outcome | None = None
        self.error: BaseException | None = None
        self.finished = False
        # A lock taken at birth and released by whoever finishes (or hands the lead to) this job: the
        # cheapest wake there is, one futex each way, where an Event adds a condition and its lock.
        self.wake = threading.Lock()
        self.wake.acquire()


class GroupCommit(Generic[Item, Outcome]):
    """Folds concurrent ``submit`` calls of one process into calls of ``commit_batch``.

    ``commit_batch(items)`` returns one entry per item, in order: the item's
    outcome, or the exception to raise in the item's request (a refused
    ballot refuses only itself).  If it raises, every item of the batch gets
    that exception.

    ``gather``: how its leaders let the others arrive; by default the
    process's (``gather_with``), as it is when the group commit is made.
    """

    def __init__(
        self,
        commit_batch: Callable[[Sequence[Item]], Sequence[Outcome | BaseException]],
        *,
        max_batch: int = MAX_BATCH,
        gather: Gather | None = None,
    ) -> None:
        self._commit_batch = commit_batch
        self._max_batch = max_batch
        self._gather = gather or _gather
        self._lock = threading.Lock()
        self._queue: list[_Job[Item, Outcome]] = []
        self._leading = False
        self.batches = 0
        """How many transactions were written (for tests and the profile)."""

    def submit(self, item: Item) -> Outcome:
        job: _Job[Item, Outcome] = _Job(item)
        with self._lock:
            self._queue.append(job)
            lead = not self._leading
            self._leading = True
        if not lead:
            job.wake.acquire()
        if not job.finished:
            # Woken to lead (or first to arrive): write batches until ours is done.
            self._lead(job)
        if job.error is not None:
            raise job.error
        return job.outcome  # type: ignore[return-value]

    def _lead(self, own: _Job[Item, Outcome]) -> None:
        while True:
            self._gather()  # without it, on an event loop every batch would hold one cast
            with self._lock:
                batch = self._queue[: self._max_batch]
                del self._queue[: self._max_batch]
            if batch:
                self._write(batch)
            with self._lock:
                if not self._queue:
                    self._leading = False
                    return
                if own.finished:
                    successor = self._queue[0]
                    successor.wake.release()  # not finished: it wakes up as the leader
                    return

    def _write(self, batch: list[_Job[Item, Outcome]]) -> None:
        try:
            outcomes: Sequence[Outcome | BaseException] = self._commit_batch([job.item for job in batch])
            if len(outcomes) != len(batch):
                raise RuntimeError(f"commit_batch answered {len(outcomes)} of {len(batch)} items")
        except BaseException as exc:  # every item of a failed batch fails with it
            outcomes = [exc] * len(batch)
        self.batches += 1
        for job, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                job.error = outcome
            else:
                job.outcome = outcome
            job.finished = True
            job.wake.release()
