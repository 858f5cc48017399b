"""Rate limits on guessing: voting codes and staff passwords (Flask-Limiter).

Only failed attempts count (``deduct_when`` a 401), so that a hall of
deputies behind one address is never slowed by its own successful votes.
Each failure is logged with the caller's address and what was tried for
(never the code or the password).  The counters live in the storage that
``RATELIMIT_STORAGE_URI`` names: in memory per worker process by default;
point it at Redis or Memcached to share them between processes and hosts.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

log = logging.getLogger("voting.security")

limiter = Limiter(key_func=get_remote_address, default_limits=[])


def _failed(response: Response) -> bool:
    if response.status_code == 401:
        log.warning("failed %s attempt from %s", request.endpoint, get_remote_address())
        return True
    return False


def code_guesses() -> str:
    limit: str = current_app.config["CODE_GUESS_LIMIT"]
    return limit


def login_guesses() -> str:
    limit: str = current_app.config["LOGIN_GUESS_LIMIT"]
    return limit


guarded_by_code = limiter.limit(code_guesses, deduct_when=_failed, key_func=get_remote_address)
guarded_by_password = limiter.limit(login_guesses, deduct_when=_failed, key_func=get_remote_address)


def init_app(app: Flask) -> None:
    limiter.init_app(app)
