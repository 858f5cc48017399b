"""Configuration in one place: defaults here, then the instance folder's
``config.py``, then ``VOTING_*`` environment variables, then a test's overrides.

| setting | env variable | default |
|---|---|---|
| DATABASE_URL | VOTING_DATABASE_URL | ``sqlite:///<instance>/voting.sqlite3`` |
| SECRET_KEY | VOTING_SECRET_KEY | random, made once and kept in ``<instance>/secret_key`` |
| CODE_GUESS_LIMIT | VOTING_CODE_GUESS_LIMIT | failed voting codes per address: ``30 per minute; 300 per hour`` |
| LOGIN_GUESS_LIMIT | VOTING_LOGIN_GUESS_LIMIT | failed logins per address: ``10 per minute; 100 per hour`` |
| SESSION_IDLE_MINUTES | VOTING_SESSION_IDLE_MINUTES | a staff login ends after ``120`` minutes unused |
| SESSION_MAX_HOURS | VOTING_SESSION_MAX_HOURS | and ``12`` hours after it began, however busy |
| SESSION_COOKIE_SECURE | VOTING_SESSION_COOKIE_SECURE | ``null``: the cookie is ``Secure`` when the request came over HTTPS; ``true``: always |
| TRUSTED_PROXIES | VOTING_TRUSTED_PROXIES | ``0``; behind N reverse proxies, N: addresses and scheme from X-Forwarded-For/-Proto |
| RATELIMIT_STORAGE_URI | VOTING_RATELIMIT_STORAGE_URI | a file in the instance folder, shared by the host's workers |
| TIME_ZONE | VOTING_TIME_ZONE | ``Asia/Shanghai``: the sitting's zone, for every time shown to people |
| DEFAULT_BODY | VOTING_DEFAULT_BODY | the short name of the body (人大) an address without ``/b/<name>/`` means; unset: the first body, the only one of the embedded default |
| PUBLIC_URL | VOTING_PUBLIC_URL | the address deputies' phones reach the server at, which the slips' QR codes carry; unset: the address the clerk's browser uses |
| (instance folder) | VOTING_INSTANCE_PATH | ``instance/`` at the top of the checkout |

``load`` resolves it all without building an app, so that the command line
opens the same database as the server without paying for the web layer.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Config

from voting import localtime

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,
    "SECRET_KEY": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Strict",
    "SESSION_COOKIE_SECURE": None,
    "SESSION_IDLE_MINUTES": 120,
    "SESSION_MAX_HOURS": 12,
    "TRUSTED_PROXIES": 0,
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    "CODE_GUESS_LIMIT": "30 per minute; 300 per hour",
    "LOGIN_GUESS_LIMIT": "10 per minute; 100 per hour",
    "RATELIMIT_STORAGE_URI": None,
    "TIME_ZONE": localtime.DEFAULT_ZONE,
    "PUBLIC_URL": None,
    "DEFAULT_BODY": None,
}


def instance_path() -> str:
    """The instance folder: VOTING_INSTANCE_PATH, or ``instance/`` beside the ``voting`` package."""
    return os.environ.get("VOTING_INSTANCE_PATH") or str(Path(__file__).resolve().parents[1] / "instance")


def load(instance: str, overrides: Mapping[str, Any] | None = None) -> Config:
    """Defaults, then ``<instance>/config.py``, then ``VOTING_*`` variables, then ``overrides``."""
    settings = Config(instance, DEFAULTS)
    settings.from_pyfile("config.py", silent=True)
    settings.from_prefixed_env("VOTING")
    if overrides is not None:
        settings.from_mapping(overrides)
    os.makedirs(instance, exist_ok=True)
    if not settings["DATABASE_URL"]:
        settings["DATABASE_URL"] = default_database_url(instance)
    if not settings["SECRET_KEY"]:
        settings["SECRET_KEY"] = instance_secret_key(instance)
    localtime.zone(settings["TIME_ZONE"])  # a misspelt zone stops the start, naming it, not the first export
    # The signed cookie itself expires with the login's absolute limit (Flask's default: 31 days);
    # the login in the database is what really ends it (voting.services.auth).
    settings["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=settings["SESSION_MAX_HOURS"])
    return settings


def default_database_url(instance_path: str) -> str:
    return f"sqlite:///{Path(instance_path) / 'voting.sqlite3'}"


def instance_secret_key(instance_path: str) -> str:
    """A secret made once per installation and shared by every worker process.

    Written to a private temporary file and linked into place, so that workers
    starting together all read the same complete key.
    """
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        temporary = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()
