"""The close's secrecy step: erasing the order of arrival, and what happens while it cannot complete.

A round is closed with ``secrecy_pending`` set, in the closing transaction,
and the flag is cleared only once the storage keeps no trace of the order in
which its ballots arrived (``voting.store.secrecy``).  The step can be held
up by a reader: a backup or a long export holding a snapshot keeps SQLite's
write-ahead log alive, and holds a lock on the staging tables that
PostgreSQL must drop.  It never waits long for one, since the hall's requests
would queue behind it.  So the close tries for ``CLOSE_WAIT_SECONDS``;
if the step is still pending, the round says so (``secrecy_pending`` in the
API, the console's notice), the audit log records ``round.secrecy_pending``,
and the server process tries again every ``RETRY_SECONDS`` until it
completes (``round.secrecy_completed``), with no clerk's action.  A round
whose step is pending cannot be counted (409 ``secrecy_pending``), so no
result is published while the storage could still link a deputy to a ballot.

The retries run beside the requests, never in them: one small query a
second while a step is pending in this process, nothing at all otherwise,
and nothing on the cast path.  A process restarted with a step pending (a
crash between the close and its step) resumes it when it starts (``resume``).
They run in a thread of the operating system, which ``threading`` starts
unless the server says otherwise (``use_native_threads``: in a gevent worker,
where ``threading`` would make a greenlet, ``voting.web.server`` gives
gevent's originals).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlmodel import col, select

from voting.domain.audit_events import RoundSecrecyCompleted, RoundSecrecyPending
from voting.services import audit
from voting.services.auth import SYSTEM, Actor
from voting.services.locks import lock_round
from voting.store import secrecy
from voting.store.db import Database
from voting.store.models import Round

log = logging.getLogger(__name__)

CLOSE_WAIT_SECONDS = 1.0
"""How long a close (or a count) tries to complete the step before the round is left pending."""
ATTEMPT_INTERVAL_SECONDS = 0.1
"""Between two attempts within that time: a reader's short statement ends, and the hall's requests pass."""
RETRY_SECONDS = 1.0
"""Between two attempts by the server process afterwards."""
GIVE_UP_AFTER_ERRORS = 60
"""Consecutive unexpected errors after which a process stops retrying (the next close or count starts again)."""

_vacuumed: set[tuple[str, int]] = set()
"""(database, round) whose SQLite ``VACUUM`` this process has done since the close: only the checkpoint is left."""
_running: dict[str, int] = {}
"""database -> how many times its loop was asked for: a loop stops only if nobody asked again during its last pass."""
_lock = threading.Lock()

Sleep = Callable[[float], None]


def _daemon_thread(run: Callable[[], None]) -> None:
    threading.Thread(target=run, daemon=True).start()


_start_native: Callable[[Callable[[], None]], None] = _daemon_thread
_native_sleep: Sleep = time.sleep


def use_native_threads(start: Callable[[Callable[[], None]], None], sleep: Sleep) -> None:
    """How this process starts the retries' thread of the operating system, and sleeps in it."""
    global _start_native, _native_sleep
    _start_native, _native_sleep = start, sleep


class _Held(Exception):
    """The staging tables' lock was not had in time: the attempt's transaction is rolled back."""


def attempt(db: Database, round_id: int, *, by: Actor, announce: bool) -> bool:
    """One try at the step, bounded in time; True once it is complete (or was already).

    ``announce``: record ``round.secrecy_completed`` in the audit log (a step
    completed after its round was left pending).
    """
    if db.is_sqlite:
        with db.read() as session:
            round_ = session.get(Round, round_id)
            if round_ is None or not round_.secrecy_pending:
                return True
        key = (db.url, round_id)
        if not secrecy.compact_sqlite(db, vacuum=key not in _vacuumed):
            _vacuumed.add(key)
            return False
        _vacuumed.discard(key)
    try:
        with db.write() as session:
            round_ = lock_round(session, round_id, exclusive=True)
            if not round_.secrecy_pending:
                return True
            round_.secrecy_pending = False
            session.add(round_)
            if announce:
                audit.record(session, RoundSecrecyCompleted(round=round_.number), actor=by, vote_id=round_.vote_id)
            session.flush()
            # Last, just before the commit: the hall's reads of ballot and participation queue behind
            # the staging tables' lock from the moment it is granted until the commit.
            if not secrecy.drop_staging(session, [round_id]):
                raise _Held
    except _Held:  # rolled back: still pending
        return False
    if db.is_sqlite:  # that transaction's frames hold the round and the log, never a ballot; empty the log again
        for _ in range(10):
            if secrecy.compact_sqlite(db, vacuum=False):
                break
            time.sleep(ATTEMPT_INTERVAL_SECONDS / 5)
    return True


def settle(db: Database, round_id: int, *, by: Actor, announce: bool, wait: float = CLOSE_WAIT_SECONDS) -> bool:
    """Try the step until it completes or ``wait`` seconds have passed; True if it completed."""
    deadline = time.monotonic() + wait
    while not attempt(db, round_id, by=by, announce=announce):
        if time.monotonic() >= deadline:
            return False
        time.sleep(ATTEMPT_INTERVAL_SECONDS)
    return True


def after_close(db: Database, round_id: int, *, by: Actor) -> bool:
    """The close's part: complete the step within the bound, or record that it is pending and keep trying."""
    if settle(db, round_id, by=by, announce=False):
        return True
    with db.write() as session:
        round_ = lock_round(session, round_id, exclusive=True)
        if round_.secrecy_pending:  # not completed meanwhile by another process
            audit.record(
                session,
                RoundSecrecyPending(round=round_.number, reason="a reader holds the storage"),
                actor=by,
                vote_id=round_.vote_id,
            )
    log.warning("round %s: the secrecy step waits for a reader of the database; retrying", round_id)
    keep_trying(db)
    return False


def pending_rounds(db: Database) -> list[int]:
    with db.read() as session:
        query = select(Round.id).where(col(Round.secrecy_pending)).order_by(col(Round.id))
        return [i for i in session.exec(query).all() if i is not None]


def resume(db: Database) -> None:
    """At a server process's start: take up any step left pending (by a crash, or by another process)."""
    keep_trying(db)


def keep_trying(db: Database) -> None:
    """Retry this database's pending steps in the background until none is left (one loop per process)."""
    with _lock:
        asked = _running.get(db.url)
        _running[db.url] = (asked or 0) + 1
        if asked is not None:
            return
    sleep = _native_sleep
    _start_native(lambda: _loop(db, sleep))


def _loop(db: Database, sleep: Sleep) -> None:
    errors = 0
    while errors < GIVE_UP_AFTER_ERRORS:
        with _lock:
            asked = _running[db.url]
        try:
            if _sweep(db):
                with _lock:
                    if _running[db.url] == asked:
                        del _running[db.url]
                        return
            errors = 0
        except Exception as exc:  # the database restarting, say: try again, but not for ever
            errors += 1
            log.warning("the secrecy step could not be retried: %s", exc.__class__.__name__)
        sleep(RETRY_SECONDS)
    with _lock:
        del _running[db.url]


def _sweep(db: Database) -> bool:
    """One pass over the pending rounds; True when none is left."""
    left = [r for r in pending_rounds(db) if not attempt(db, r, by=SYSTEM, announce=True)]
    return not left
