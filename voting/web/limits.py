"""Rate limits on guessing: voting codes and staff passwords.

Only failed attempts count (the view refused the code or the password:
``NotAuthenticated``), so that a hall of deputies behind one address is never
slowed by its own successful votes.  Each failure is logged with the caller's
address and what was tried for (never the code or the password).  The
counters live in the storage that ``RATELIMIT_STORAGE_URI`` names (the
``limits`` library's: in memory per worker process by default; Redis or
Memcached to share them between processes and hosts), counted in fixed
windows.

An address is looked up in the counters only when this process has seen it
fail within the longest window; every other request passes at the cost of a
dictionary look-up.  This is what keeps the guard off the cast path's bill
(docs/performance.md: Flask-Limiter, which this replaces, checked every
request of the app and cost a sixth of a cast).  With shared counters, an
address blocked by the failures other processes saw may therefore fail once
more here before this process looks: one guess per process, not a way round
the limit.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, request
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from voting.services.errors import NotAuthenticated

log = logging.getLogger("voting.security")

View = TypeVar("View", bound=Callable[..., Any])

EXTENSION = "voting.limits"


class Guard:
    """One app's counters of failed attempts, and the addresses worth checking."""

    def __init__(self, storage_uri: str) -> None:
        self._limiter = FixedWindowRateLimiter(storage_from_string(storage_uri))
        self._suspects: dict[str, float] = {}
        """address -> until when (monotonic) its failures here can still block it."""
        self._lock = threading.Lock()

    def blocked(self, scope: str, address: str, limits: list[RateLimitItem]) -> bool:
        until = self._suspects.get(address)
        if until is None:
            return False
        if until < time.monotonic():
            with self._lock:
                self._suspects.pop(address, None)
            return False
        return not all(self._limiter.test(limit, scope, address) for limit in limits)

    def failed(self, scope: str, address: str, limits: list[RateLimitItem]) -> None:
        for limit in limits:
            self._limiter.hit(limit, scope, address)
        until = time.monotonic() + max(limit.get_expiry() for limit in limits)
        with self._lock:
            if len(self._suspects) > 100_000:  # many addresses: forget those whose windows are over
                now = time.monotonic()
                self._suspects = {a: u for a, u in self._suspects.items() if u >= now}
            self._suspects[address] = until


@functools.lru_cache(maxsize=16)
def _parsed(setting: str) -> list[RateLimitItem]:
    return parse_many(setting)


def _guarded(setting: str) -> Callable[[View], View]:
    """A view whose ``NotAuthenticated`` refusals count against the caller's address, under ``setting``'s limits."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded_view(*args: Any, **kwargs: Any) -> Any:
            guard: Guard = current_app.extensions[EXTENSION]
            limits = _parsed(current_app.config[setting])
            scope = request.endpoint or view.__name__
            address = request.remote_addr or "unknown"
            if guard.blocked(scope, address, limits):
                raise TooManyRequests()
            try:
                return view(*args, **kwargs)
            except NotAuthenticated:
                log.warning("failed %s attempt from %s", scope, address)
                guard.failed(scope, address, limits)
                raise

        return guarded_view  # type: ignore[return-value]

    return decorate


guarded_by_code = _guarded("CODE_GUESS_LIMIT")
guarded_by_password = _guarded("LOGIN_GUESS_LIMIT")


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = Guard(app.config["RATELIMIT_STORAGE_URI"])
