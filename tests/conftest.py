"""Fixtures: every test that touches storage gets its own freshly migrated database.

``pytest`` runs on SQLite; ``pytest --db postgres`` on the PostgreSQL server
named by VOTING_TEST_POSTGRES_URL (``scripts/with-postgres.sh`` starts a
throwaway one).  Migrations run once per worker into a template, and each test
gets a copy of it: a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on
PostgreSQL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.api import Api, make_user
from tests.support.databases import Postgres, fresh_database, worker
from voting.store import migrate
from voting.store.db import Database
from voting.web import create_app


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db", choices=("sqlite", "postgres"), default="sqlite", help="the database the suite runs on")


@pytest.fixture(scope="session")
def db_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.config.getoption("--db")
    return kind


@pytest.fixture(scope="session")
def _template(db_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database to copy from: a file path (SQLite) or a database name (PostgreSQL)."""
    if db_kind == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        db = Database(f"sqlite:///{path}")
        migrate.upgrade(db)
        db.dispose()
        yield str(path)
        return
    server = os.environ.get("VOTING_TEST_POSTGRES_URL")
    if not server:
        pytest.exit("--db postgres needs VOTING_TEST_POSTGRES_URL (run it through scripts/with-postgres.sh)", 2)
    pg = Postgres(server)
    name = f"voting_template_{worker()}"
    db = Database(pg.create(name))
    migrate.upgrade(db)
    db.dispose()
    yield name
    pg.drop(name)


@pytest.fixture
def database_url(db_kind: str, _template: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, migrated, empty database of this run's kind."""
    with fresh_database(db_kind, _template, tmp_path) as url:
        yield url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def app(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("VOTING_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test"})
    yield application
    application.extensions["voting.db"].dispose()


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    """Environment for running the installed ``voting`` command against this test's database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOTING_")}
    env.update(VOTING_DATABASE_URL=database_url, VOTING_INSTANCE_PATH=str(tmp_path / "instance"))
    return env


# --- the API, as staff and deputies use it (tests/api/support.py) ---------------------------------


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def clerk(app: Flask, client: FlaskClient) -> Api:
    return Api(client, make_user(app, "clerk-li", "clerk"))


@pytest.fixture
def clerk2(app: Flask, client: FlaskClient) -> Api:
    return Api(client, make_user(app, "clerk-wang", "clerk"))


@pytest.fixture
def scrutineer(app: Flask, client: FlaskClient) -> Api:
    return Api(client, make_user(app, "scrutineer-zhao", "scrutineer"))


@pytest.fixture
def deputy(client: FlaskClient) -> Api:
    return Api(client)
