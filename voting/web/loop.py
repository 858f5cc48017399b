"""Which requests a server worker answers on its event loop, and which in one of its native threads.

``voting serve`` runs gevent workers (docs/architecture.md, "Group commit"): a
request is a greenlet, and greenlets hand over to each other without the
thread switches and GIL hand-overs that made a threaded worker spend three
times a ``/healthz`` on a cast (docs/performance.md).  But a greenlet keeps
the loop until it waits for something, so a long computation on the loop
(an export, a count, verifying the audit log) would stop every other request
of its process, the deputies' casts included.

So only the requests that are short and bounded by design run on the loop:
the deputies' ballot and cast, the hall screen and turnout (plain SQL, group
commit), the published result (bytes kept once published) and the receipt
check (one plain query), which every phone fetches in the second after the
announcement, and ``/healthz``, each marked ``@on_event_loop`` where it is defined.
Every other request runs in a native thread of the worker's pool, and the
loop goes on answering while it works; a new view runs there unless it is
marked, so forgetting the mark costs speed, never the hall's responsiveness.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from flask import Flask

View = TypeVar("View", bound=Callable[..., Any])

MARK = "voting_on_event_loop"


def on_event_loop(view: View) -> View:
    """Mark a view (a function, or a ``MethodView`` class) as short enough to run on the event loop."""
    setattr(view, MARK, True)
    return view


def runs_on_event_loop(app: Flask, environ: dict[str, Any]) -> bool:
    """Whether the request of ``environ`` goes to a view marked ``@on_event_loop``."""
    try:
        endpoint, _ = app.url_map.bind_to_environ(environ).match()
    except Exception:  # a 404, a 405, a redirect, a malformed request: Flask answers it, in a thread
        return False
    view = app.view_functions.get(str(endpoint))
    return bool(getattr(getattr(view, "view_class", view), MARK, False))


class ThreadPool(Protocol):
    def apply(self, func: Callable[..., Any], args: tuple[Any, ...]) -> Any: ...


class Dispatch:
    """The WSGI app of a gevent worker: marked requests on the loop, the others in ``pool``'s threads."""

    def __init__(self, app: Flask, pool: ThreadPool) -> None:
        self.app = app
        self.pool = pool

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if runs_on_event_loop(self.app, environ):
            return self.app(environ, start_response)
        # The body is read here, on the loop: a gevent socket cannot be read from another thread.
        # At most one byte past Flask's limit, so that Flask still refuses a body that is too large.
        limit = int(self.app.config.get("MAX_CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(limit + 1) if limit else environ["wsgi.input"].read()
        environ["wsgi.input"] = io.BytesIO(body)
        return self.pool.apply(self._whole, (environ, start_response))  # type: ignore[no-any-return]

    def _whole(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        """The app's whole answer, made in the calling thread; the loop only sends it."""
        answer = self.app(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
