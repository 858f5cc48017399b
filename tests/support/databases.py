"""Fresh databases for tests: a copy of the migrated template per test or per module, on SQLite or PostgreSQL."""

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
from sqlalchemy.engine import make_url

from voting.web import create_app

_counter = itertools.count()


def worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


class Postgres:
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
    pg = Postgres(os.environ["VOTING_TEST_POSTGRES_URL"])
    name = f"voting_test_{worker()}_{os.getpid()}_{next(_counter)}"
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
