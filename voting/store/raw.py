"""Plain SQL for the hot paths (the cast, the deputy's ballot, the hall screens' turnout).

The ORM spends more time a statement in building, caching and loading
objects than the database spends answering it; the cast path under load runs a dozen statements a batch and
the screens poll several times a second each (docs/performance.md).  These
helpers send SQL written with ``?`` placeholders straight to the driver
through the session's own connection (so inside its transaction), with
``%s`` for psycopg.  No user text is ever put into the SQL itself: values go
as parameters, and ``IN (?*)`` stands for the placeholders of an ``IN`` list.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import DBAPIError, StatementError
from sqlmodel import Session

IN_LIST = "IN (?*)"
"""Written in the SQL where an ``IN`` list goes; each is filled with one placeholder per value of its list."""


def _sql(session: Session, sql: str, lists: Sequence[Sequence[Any]], lock: bool) -> tuple[Any, str]:
    connection = session.connection()
    for values in lists:
        sql = sql.replace(IN_LIST, "IN (" + (", ".join("?" * len(values)) or "NULL") + ")", 1)
    if IN_LIST in sql:
        raise ValueError("more IN lists in the SQL than lists given")
    if connection.dialect.name != "sqlite":
        sql = sql.replace("?", "%s")
        if lock:
            sql += " FOR SHARE"
    return connection, sql


def rows(session: Session, sql: str, *lists: Sequence[Any], lock: bool = False) -> list[Any]:
    """The rows of a query whose ``IN (?*)`` lists take ``lists``'s values in turn.

    ``lock``: hold the rows in share mode (``FOR SHARE``) on PostgreSQL; on
    SQLite the write transaction's lock already covers them.
    """
    connection, sql = _sql(session, sql, lists, lock)
    params = tuple(value for values in lists for value in values)
    # The driver's own cursor on the session's connection (inside its transaction): no SQLAlchemy in between.
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
    except connection.dialect.dbapi.Error as exc:
        raise _wrapped(connection, sql, params, exc) from exc
    finally:
        cursor.close()


def execute_many(session: Session, sql: str, params: Sequence[Sequence[Any]]) -> None:
    """One statement run for each parameter tuple (the driver's ``executemany``)."""
    connection, sql = _sql(session, sql, (), False)
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.executemany(sql, [tuple(p) for p in params])
    except connection.dialect.dbapi.Error as exc:
        raise _wrapped(connection, sql, params, exc) from exc
    finally:
        cursor.close()


def _wrapped(connection: Any, sql: str, params: Any, exc: Exception) -> StatementError:
    """The driver's error as SQLAlchemy raises it (``IntegrityError``, ``OperationalError``...), as callers expect."""
    return DBAPIError.instance(sql, params, exc, connection.dialect.dbapi.Error, hide_parameters=True)


def json_value(value: Any) -> Any:
    """A JSON column as read by the driver: text on SQLite, already decoded on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value
