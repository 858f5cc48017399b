"""Rate limits on guessing: voting codes and staff passwords.

Only failed attempts count (the view refused the code or the password:
``NotAuthenticated``), and they count against one budget per address and per
kind of secret (``code``: opening and casting a ballot together; ``login``),
in the storage that ``RATELIMIT_STORAGE_URI`` names: by default a file in the
instance folder that every worker process of the host shares
(``voting.web.counter_file``), or Redis for several hosts.  Counted in fixed
windows.

The two kinds differ in what an address over its limit may still do:

- **A voting code is always checked.**  A hall's phones share one address
  behind its Wi-Fi, so refusing that address would let one guesser stop every
  deputy.  An honest code therefore always passes, and a wrong one from an
  address over its limit is answered 429 instead of 401.  This does not stop a
  guesser who ignores the 429 (each answer still says whether the guess was
  right): what bounds guessing is the 50 bits of a code against the rate at
  which the service can check codes at all (docs/secrecy.md has the
  arithmetic).  The limit keeps the log and the screens quiet and tells an
  honest mistyper to slow down.
- **A password is not checked once the address is over its limit** (429
  before argon2 runs): passwords are far weaker than codes, and staff are few
  and can log in again later or from another network.

An honest request pays nothing: the counters are touched only after a
failure (and before a login).  Each failure within the limit is logged with
the caller's address and the kind of secret (never the secret), and the first
one over the limit once per window, so that a flood cannot fill the disk.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, current_app, request
from limits import RateLimitItem, parse_many
from limits.storage import Storage, storage_from_string
from werkzeug.exceptions import TooManyRequests

from voting.services.errors import NotAuthenticated
from voting.web import counter_file

log = logging.getLogger("voting.security")

View = TypeVar("View", bound=Callable[..., Any])

EXTENSION = "voting.limits"


_thread_local: Callable[[], Any] = threading.local


def keep_storage_per_native_thread(local: Callable[[], Any]) -> None:
    """Set what keeps a storage per thread: under gevent, the operating system's thread-local, not a greenlet's.

    The server module's door, as ``cast_batch.gather_casts_with`` is: only it knows gevent.
    """
    global _thread_local
    _thread_local = local


class Guard:
    """One app's view of the shared counters of failed attempts (fixed windows).

    One storage (a client of Redis, or of the counter file) per native thread: a Redis
    connection made in one of a gevent worker's threads belongs to that thread's hub and
    fails in another, and one per request (a greenlet's) would open a connection a request.
    """

    def __init__(self, storage_uri: str) -> None:
        self._uri = storage_uri
        self._local = _thread_local()
        self._storage()  # a storage URI that names nothing usable fails when the app is made

    def _storage(self) -> Storage:
        """This thread's storage, made on its first use."""
        storage: Storage | None = getattr(self._local, "storage", None)
        if storage is None:
            made = storage_from_string(self._uri)
            if not isinstance(made, Storage):
                raise ValueError(f"RATELIMIT_STORAGE_URI names an asynchronous storage: {self._uri}")
            storage = self._local.storage = made
        return storage

    def over(self, scope: str, address: str, limits: list[RateLimitItem]) -> bool:
        """Whether ``address`` has used up a limit of ``scope`` (counting nothing)."""
        return any(self._storage().get(limit.key_for(scope, address)) >= limit.amount for limit in limits)

    def failed(self, scope: str, address: str, limits: list[RateLimitItem]) -> int:
        """Count one failure: how far past its tightest limit the address now is (0 or less: within every one)."""
        return max(
            self._storage().incr(limit.key_for(scope, address), limit.get_expiry()) - limit.amount for limit in limits
        )


@functools.lru_cache(maxsize=16)
def _parsed(setting: str) -> list[RateLimitItem]:
    return parse_many(setting)


def _count_failure(guard: Guard, scope: str, address: str, limits: list[RateLimitItem]) -> bool:
    """Count a failure and log it (only the first past the limit, once per window); whether it is past the limit."""
    excess = guard.failed(scope, address, limits)
    if excess <= 0:
        log.warning("failed %s attempt from %s", scope, address)
    elif excess == 1:
        log.warning("%s attempts from %s over the limit", scope, address)
    return excess > 0


def _guarded(setting: str, scope: str, *, check_when_over: bool) -> Callable[[View], View]:
    """A view whose ``NotAuthenticated`` refusals count against the caller's address, under ``setting``'s limits.

    ``check_when_over``: whether a request from an address over its limit is still
    evaluated (and passes if right) or refused unseen.
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded_view(*args: Any, **kwargs: Any) -> Any:
            guard: Guard = current_app.extensions[EXTENSION]
            limits = _parsed(current_app.config[setting])
            address = request.remote_addr or "unknown"
            if not check_when_over and guard.over(scope, address, limits):
                raise TooManyRequests()
            try:
                return view(*args, **kwargs)
            except NotAuthenticated:
                if _count_failure(guard, scope, address, limits):
                    raise TooManyRequests() from None
                raise

        return guarded_view  # type: ignore[return-value]

    return decorate


guarded_by_code = _guarded("CODE_GUESS_LIMIT", "code", check_when_over=True)
"""Opening and casting a ballot: one budget for both, and a right code always passes."""
guarded_by_password = _guarded("LOGIN_GUESS_LIMIT", "login", check_when_over=False)


def storage_uri(app: Flask) -> str:
    """``RATELIMIT_STORAGE_URI``, or the host's shared counter file in the instance folder."""
    uri: str = app.config["RATELIMIT_STORAGE_URI"] or counter_file.uri(Path(app.instance_path))
    return uri


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = Guard(storage_uri(app))
