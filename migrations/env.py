"""Alembic's environment: the schema is ``SQLModel.metadata`` from voting.store.models.

``voting db upgrade`` and ``voting db revision`` hand this script an open
connection (``config.attributes["connection"]``), so the URL is resolved in
one place, the app's configuration.
"""

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import voting.store.models  # noqa: F401  (registers the tables)
from voting.store import secrecy

config = context.config
target_metadata = SQLModel.metadata


def run_migrations(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=secrecy.in_schema,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif (connection := config.attributes.get("connection")) is not None:
    run_migrations(connection)
else:
    with create_engine(config.get_main_option("sqlalchemy.url") or "").connect() as connection:
        run_migrations(connection)
