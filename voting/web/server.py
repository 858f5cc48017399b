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


def run(*, host: str, port: int, workers: int) -> None:
    # No access log: request lines and their timing are kept out of the logs
    # entirely, so that they can never be set beside the participation record.
    _Server({"bind": f"{host}:{port}", "workers": workers, "accesslog": None, "graceful_timeout": 10}).run()
