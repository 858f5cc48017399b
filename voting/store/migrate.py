"""Alembic, driven from the app: apply migrations, make a new one, compare with the models."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import voting.store.models  # noqa: F401  (registers the tables)
from voting.store import secrecy
from voting.store.db import Database


def _config(db: Database, connection: Any) -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("voting.migrations")))
    config.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    with db.engine.begin() as connection:
        command.upgrade(_config(db, connection), revision)


def revision(db: Database, message: str) -> None:
    """Autogenerate a migration from the models' difference with the database; read it before committing."""
    with db.engine.begin() as connection:
        command.revision(_config(db, connection), message=message, autogenerate=True)


def differences(db: Database) -> list[Any]:
    """What autogenerate would change: empty when the migrations and the models agree."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": secrecy.in_schema})
        return list(compare_metadata(context, SQLModel.metadata))


def is_current(db: Database) -> bool:
    """Whether the database stands at the newest migration (so the app may use it)."""
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
        script = ScriptDirectory.from_config(_config(db, connection))
        return set(current) == set(script.get_heads())
