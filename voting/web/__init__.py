"""The Flask application factory: configuration, the database, the blueprints; and the one place
the web layer opens the database, for its views to hand a session to the services.

Nothing happens at import time; ``create_app`` builds a fresh app, so that
each test gets its own and ``voting serve`` workers each build theirs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from sqlmodel import Session

from voting import config
from voting.services import bodies
from voting.store.db import Database

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
"""The front end (``static/`` at the top of the repository; the project runs from its checkout)."""


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    instance = config.instance_path()
    app = Flask(__name__, instance_path=instance, instance_relative_config=True, static_folder=str(STATIC_DIR))
    app.config.update(config.load(instance, test_config))
    app.extensions["voting.db"] = Database(app.config["DATABASE_URL"])

    # The blueprints are imported when an app is built, at the end of the factory as in flaskr's create_app
    # (the style anchor): they import this module's get_db, reading and writing (docs/architecture.md).
    from voting.web import api, i18n, limits, pages, security
    from voting.web.api.access import declare_public

    i18n.init_app(app)
    limits.init_app(app)
    declare_public(app, "static")
    app.register_blueprint(pages.bp)
    api.init_app(app)
    security.init_app(app)
    return app


def time_zone(app: Flask) -> str:
    """The sitting's time zone (``TIME_ZONE``), in which every time shown to people is given (voting.localtime)."""
    zone: str = app.config["TIME_ZONE"]
    return zone


def get_db(app: Flask) -> Database:
    """The app's one database handle."""
    db: Database = app.extensions["voting.db"]
    return db


def request_body() -> int:
    """The body (人大) the request addresses: the default body (``DEFAULT_BODY``, else the first), found once a request."""
    found = g.get("voting_body")
    if found is None:
        with reading() as session:
            found = bodies.default_body(session, current_app.config.get("DEFAULT_BODY")).id
        g.voting_body = found
    assert found is not None
    return int(found)


@contextmanager
def reading() -> Iterator[Session]:
    """A read session on the app's database, for a view to hand to the services it calls.

    The web layer opens sessions here and nowhere else: its views never query (docs/architecture.md).
    """
    with get_db(current_app).read() as session:
        yield session


@contextmanager
def writing() -> Iterator[Session]:
    """A write session on the app's database (one transaction), for a view to hand to the services it calls."""
    with get_db(current_app).write() as session:
        yield session
