"""``voting serve``: the app under gunicorn, each worker building its own app."""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        from voting.web import create_app

        return create_app()


THREADS = 16
"""Request threads per worker process: the casts that one process's group commit can fold into one transaction."""

CONNECTIONS = 4096
"""Open connections per worker (idle keep-alive ones included): a hall of phones and screens at once."""


def run(*, host: str, port: int, workers: int, threads: int = THREADS) -> None:
    # No access log: request lines and their timing are kept out of the logs
    # entirely, so that they can never be set beside the participation record.
    # Threaded workers (gthread): concurrent casts reach one process together
    # and share one durable commit (voting.store.group_commit).
    _Server(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "worker_connections": CONNECTIONS,
            "backlog": 4096,
            # Phones and screens keep their connection between requests: longer than the
            # 2 s default, so that a connection is not closed just as a ballot is sent on it.
            "keepalive": 30,
            "accesslog": None,
            "graceful_timeout": 10,
        }
    ).run()
