"""``voting serve``: the app under gunicorn, each worker building its own app."""

from __future__ import annotations

import sys
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

        sys.setswitchinterval(SWITCH_INTERVAL)
        return create_app()


THREADS = 16
"""Request threads per worker process: the casts that one process's group commit can fold into one transaction."""

SWITCH_INTERVAL = 0.05
"""Seconds a worker's thread may keep the GIL while another waits for it (Python's default: 0.005).

A worker's request threads spend their time in I/O and in short stretches of
Python, and the group commit's leader gives the GIL up at every SQLite call;
forcing a switch every 5 ms on top of that only adds context switches, which
are dear on this sandboxed machine: with 0.05, a cast cost 0.91 ms of server
CPU instead of 1.07 on average (docs/performance.md).  A long computation (an
export, a count) still lets the others in ten times a second at worst.
"""

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
