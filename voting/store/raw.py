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
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import DBAPIError, StatementError
from sqlmodel import Session

IN_LIST = "IN (?*)"
"""Written in the SQL where an ``IN`` list goes: on SQLite one placeholder per value of its list, on PostgreSQL
one array parameter (``_sql``)."""


_PLACES = re.compile(r"(IN \(\?\*\)|\?)")


def _sql(session: Session, sql: str, lists: Sequence[Sequence[Any]], lock: bool) -> tuple[Any, str, tuple[Any, ...]]:
    """The SQL in the driver's words and its parameters: the lists fill the placeholders in order.

    A list meets either an ``IN (?*)`` (all of it) or as many ``?`` as it has values.  On PostgreSQL an
    ``IN`` list is one array parameter (``= ANY(%s)``): the statement's text is then the same for every
    length of list, so that the driver prepares it once per connection and the server stops parsing and
    planning the cast path's statements batch by batch.
    """
    connection = session.connection()
    postgres = connection.dialect.name != "sqlite"
    pieces = _PLACES.split(sql)
    out: list[str] = [pieces[0]]
    params: list[Any] = []
    place = 1
    for values in lists:
        if place < len(pieces) and pieces[place] == IN_LIST:
            if postgres:
                out += ["= ANY(%s)", pieces[place + 1]]
                params.append(list(values))
            else:
                out += ["IN (" + (", ".join("?" * len(values)) or "NULL") + ")", pieces[place + 1]]
                params.extend(values)
            place += 2
            continue
        for value in values:
            if place >= len(pieces) or pieces[place] != "?":
                raise ValueError("the lists do not fit the SQL's placeholders")
            out += ["%s" if postgres else "?", pieces[place + 1]]
            params.append(value)
            place += 2
    if place < len(pieces):
        raise ValueError("more placeholders in the SQL than values given")
    sql = "".join(out)
    if postgres and lock:
        sql += " FOR SHARE"
    return connection, sql, tuple(params)


def rows(session: Session, sql: str, *lists: Sequence[Any], lock: bool = False) -> list[Any]:
    """The rows of a query whose ``IN (?*)`` lists take ``lists``'s values in turn.

    ``lock``: hold the rows in share mode (``FOR SHARE``) on PostgreSQL; on
    SQLite the write transaction's lock already covers them.
    """
    connection, sql, params = _sql(session, sql, lists, lock)
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
    if not params:
        return
    connection, sql, _ = _sql(session, sql, [params[0]], False)  # the first row's values stand for every row's
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
