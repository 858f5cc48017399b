"""Configuration in one place: defaults here, then the instance folder's
``config.py``, then ``VOTING_*`` environment variables, then a test's overrides.

| setting | env variable | default |
|---|---|---|
| DATABASE_URL | VOTING_DATABASE_URL | ``sqlite:///<instance>/voting.sqlite3`` |
| SECRET_KEY | VOTING_SECRET_KEY | random, made once and kept in ``<instance>/secret_key`` |
| CODE_GUESS_LIMIT | VOTING_CODE_GUESS_LIMIT | failed voting codes per address: ``30 per minute; 300 per hour`` |
| LOGIN_GUESS_LIMIT | VOTING_LOGIN_GUESS_LIMIT | failed logins per address: ``10 per minute; 100 per hour`` |
| RATELIMIT_STORAGE_URI | VOTING_RATELIMIT_STORAGE_URI | ``memory://`` (per worker process) |
| (instance folder) | VOTING_INSTANCE_PATH | ``instance/`` beside the package |
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,
    "SECRET_KEY": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Strict",
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    "CODE_GUESS_LIMIT": "30 per minute; 300 per hour",
    "LOGIN_GUESS_LIMIT": "10 per minute; 100 per hour",
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": False,
}


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
