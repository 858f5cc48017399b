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

from flask import Flask, current_app, request
from sqlmodel import Session

from voting import config
from voting.services import bodies
from voting.store.db import Database
from voting.web import body_address

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
"""The front end (``static/`` at the top of the repository; the project runs from its checkout)."""


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    instance = config.instance_path()
    app = Flask(__name__, instance_path=instance, instance_relative_config=True, static_folder=str(STATIC_DIR))
    app.config.update(config.load(instance, test_config))
    app.extensions["voting.db"] = Database(app.config["DATABASE_URL"])
    app.extensions["voting.owners"] = {}
    app.extensions["voting.bodies"] = {}

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
    body_address.install(app)
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
    """The body (人大) the request addresses: ``/b/<name>/``, else the default body (``DEFAULT_BODY``, else the
    first); an unknown name is answered 404 (``unknown_body``).  Found once a request."""
    found: int | None = request.environ.get(BODY_ID)
    if found is None:
        named: str = request.environ.get(body_address.BODY) or ""
        known: dict[str, int] = current_app.extensions["voting.bodies"]  # a short name never changes its body
        found = known.get(named)
        if found is None:
            with reading() as session:
                default = current_app.config.get("DEFAULT_BODY")
                body = bodies.body_named(session, named) if named else bodies.default_body(session, default)
            assert body.id is not None
            found = known[named] = body.id
        request.environ[BODY_ID] = found
    assert found is not None
    return found


BODY_ID = "voting.body_id"


def owner_of(kind: str, key: int) -> int | None:
    """The body owning a meeting, vote or round, remembered once known: a row never changes body, and the
    hall's screens ask for the same vote many times a second."""
    owners: dict[tuple[str, int], int] = current_app.extensions["voting.owners"]
    found = owners.get((kind, key))
    if found is None:
        with reading() as session:
            found = bodies.owner(session, kind, key)
        if found is not None:
            owners[(kind, key)] = found
    return found


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
