"""Log lines that say what went wrong and where, never what was sent (DESIGN section 4, docs/secrecy.md).

A request may carry a voting code, a ballot, a receipt, a name or a password,
and an exception's message or a server's complaint about a malformed request
may quote it: a driver's error quotes the SQL parameters, ``int()`` the text
it could not read, gunicorn the request line.  So the app logs an unexpected
error as its kinds and stack (file, line, function, source line) without any
message, and ``voting serve`` rewrites gunicorn's lines about a request to
leave out the request.
"""

from __future__ import annotations

import logging
import traceback

QUOTING = ("Invalid request from ip=", "Error handling request")
"""The starts of gunicorn's error-log lines that quote a request (its line, its URI or the parser's reading of it)."""


def without_values(exc: BaseException) -> str:
    """An exception, its causes and their stacks, as a traceback shows them but with no message."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        stack = "".join(traceback.format_list(traceback.extract_tb(current.__traceback__)))
        parts.append(f"{type(current).__module__}.{type(current).__qualname__} (message not logged)\n{stack}")
        current = current.__cause__ or current.__context__
    return "caused by ".join(parts)


class NoRequestValues(logging.Filter):
    """On gunicorn's error log: its lines about a request keep their gist and lose the request."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        for start in QUOTING:
            if message.startswith(start):
                record.msg = f"{start.removesuffix(' from ip=')} (the request is not logged)"
                record.args = ()
                if record.exc_info and record.exc_info[1] is not None:
                    record.msg += "\n" + without_values(record.exc_info[1])
                record.exc_info = None
                record.exc_text = None
        return True
