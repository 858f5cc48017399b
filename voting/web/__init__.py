"""The Flask application factory: configuration, the database, the blueprints.

Nothing happens at import time; ``create_app`` builds a fresh app, so that
each test gets its own and ``voting serve`` workers each build theirs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from voting import config
from voting.store.db import Database

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
"""The front end (``static/`` at the top of the repository; the project runs from its checkout)."""


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("VOTING_INSTANCE_PATH"),
        instance_relative_config=True,
        static_folder=str(STATIC_DIR),
    )
    app.config.from_mapping(config.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("VOTING")
    if test_config is not None:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = config.default_database_url(app.instance_path)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = config.instance_secret_key(app.instance_path)

    app.extensions["voting.db"] = Database(app.config["DATABASE_URL"])

    from voting.web import api, limits, pages, security

    limits.init_app(app)
    app.register_blueprint(pages.bp)
    api.init_app(app)
    security.init_app(app)
    return app


def get_db(app: Flask) -> Database:
    """The app's one database handle."""
    db: Database = app.extensions["voting.db"]
    return db
