"""Fixtures: every test that touches storage gets its own freshly migrated database.

``pytest`` runs on SQLite; ``pytest --db postgres`` on the PostgreSQL server
named by VOTING_TEST_POSTGRES_URL (``scripts/with-postgres.sh`` starts a
throwaway one).  Migrations run once per worker into a template, and each test
gets a copy of it: a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on
PostgreSQL.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from tests.api.support import Api, make_user
from voting.store import migrate
from voting.store.db import Database
from voting.web import create_app

_counter = itertools.count()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db", choices=("sqlite", "postgres"), default="sqlite", help="the database the suite runs on")


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


class _Postgres:
    def __init__(self, url: str) -> None:
        self.url = make_url(url)

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        url = self.url.set(drivername="postgresql", database="postgres")
        return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)

    def create(self, name: str, template: str | None = None) -> str:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, name: str) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
    pg = _Postgres(server)
    name = f"voting_template_{_worker()}"
    db = Database(pg.create(name))
    migrate.upgrade(db)
    db.dispose()
    yield name
    pg.drop(name)


@contextmanager
def fresh_database(db_kind: str, template: str | None, directory: Path) -> Iterator[str]:
    """The URL of a fresh database of this run's kind: a copy of the migrated template, or blank without one.

    The one way tests make a database: per test (``database_url``) or per module.
    """
    if db_kind == "sqlite":
        path = directory / "voting.sqlite3"
        if template is not None:
            shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    pg = _Postgres(os.environ["VOTING_TEST_POSTGRES_URL"])
    name = f"voting_test_{_worker()}_{os.getpid()}_{next(_counter)}"
    try:
        yield pg.create(name, template=template)
    finally:
        pg.drop(name)


@contextmanager
def module_app(url: str, tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Flask]:
    """An app on the database at ``url`` with its own instance folder, for a module-wide stage."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VOTING_INSTANCE_PATH", str(tmp_path_factory.mktemp(f"{name}-instance")))
        application = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test"})
        try:
            yield application
        finally:
            application.extensions["voting.db"].dispose()


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
