"""``voting serve``: the app under gunicorn, each worker building its own app.

gunicorn names itself in a ``Server`` header on every answer and quotes a
malformed request in its error log; neither is wanted here (issue 16, point
6 and 7): the header tells an attacker which parser to aim at, and a request
line may carry a voting code (``/ballot?code=...``).  Both are taken out in
the master, before the workers fork.

This is the one module that knows the workers are gevent's: it gives the
group commit its gathering and the secrecy step's retries their native
thread (``under_gevent``), each of which would otherwise do what suits
threads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import gevent
from gevent import monkey
from gunicorn.app.base import BaseApplication
from gunicorn.http import wsgi

from voting.web.logs import NoRequestValues
from voting.web.loop import Dispatch

GATHER_SECONDS = 0.005
"""The longest a group commit's leader waits for its event loop to fall idle before it takes its batch."""


def gather_on_idle_loop() -> None:
    """A group commit's gathering on gevent's loop: wait until the loop is idle, at most ``GATHER_SECONDS``.

    Then every request whose bytes have come in has been read and has queued,
    or is waiting for something else, and a batch holds what the process has,
    not what happened to be ready after one yield: more casts a commit and
    less CPU a cast (docs/performance.md).  Waiting costs the hall nothing,
    since the loop is busy with other requests meanwhile.
    """
    with gevent.Timeout(GATHER_SECONDS, False):
        gevent.idle()


def _native_thread(run: Callable[[], None]) -> None:
    monkey.get_original("_thread", "start_new_thread")(run, ())


def under_gevent() -> None:
    """Fit the parts that run beside the requests to a gevent worker (monkey-patched, as gunicorn's are).

    The group commit gathers on the loop.  The secrecy step's retries run in a
    thread of the operating system (as the staff's requests do), never a
    greenlet, so that a VACUUM or a lock wait never stops the hall's loop; the
    close that starts them runs in a native thread itself, whose hub no loop
    would ever run.  The rate limits keep a storage per thread of the operating
    system: a Redis connection belongs to the hub of the thread that made it.
    """
    # Imported here, in the patched worker, as the app is (their module-level locks are then gevent's).
    from voting.services import cast_batch, erasure
    from voting.web import limits

    cast_batch.gather_casts_with(gather_on_idle_loop)
    limits.keep_storage_per_native_thread(monkey.get_original("threading", "local"))
    erasure.use_native_threads(_native_thread, monkey.get_original("time", "sleep"))


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        logging.getLogger("gunicorn.error").addFilter(NoRequestValues())

    def load(self) -> Dispatch:
        # Imported here, in the worker once gevent has patched it, not in the master: as in ``under_gevent``.
        from voting.exports.pdf import load_renderer
        from voting.services import erasure
        from voting.web import create_app, get_db

        if monkey.is_module_patched("threading"):  # a gevent worker, as ``run`` asks for
            under_gevent()
        load_renderer()
        pool = gevent.get_hub().threadpool
        pool.maxsize = self.options["threads"]
        app = create_app()
        erasure.resume(get_db(app))  # a close's secrecy step left pending by a crash: completed by itself
        return Dispatch(app, pool)


THREADS = 16
"""Native threads per worker process, for the requests that do not run on its event loop (voting.web.loop)."""

CONNECTIONS = 4096
"""Open connections per worker (idle keep-alive ones included): a hall of phones and screens at once."""


def _without_server_header(default_headers: Callable[[Any], list[str]]) -> Callable[[Any], list[str]]:
    def headers(response: Any) -> list[str]:
        return [line for line in default_headers(response) if not line.lower().startswith("server:")]

    return headers


def hide_server_banner() -> None:
    """gunicorn writes ``Server: gunicorn`` itself, with no setting to leave it out: its response's header lines lose it."""
    if not getattr(wsgi.Response.default_headers, "voting_without_server", False):
        wsgi.Response.default_headers = _without_server_header(wsgi.Response.default_headers)
        wsgi.Response.default_headers.voting_without_server = True


def run(*, host: str, port: int, workers: int, threads: int = THREADS) -> None:
    # No access log: request lines and their timing are kept out of the logs
    # entirely, so that they can never be set beside the participation record.
    # gevent workers: concurrent casts reach one process together and share one
    # durable commit (voting.store.group_commit), without a thread switch each;
    # long requests run in native threads (voting.web.loop).
    hide_server_banner()
    _Server(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gevent",
            "threads": threads,
            "worker_connections": CONNECTIONS,
            "backlog": 4096,
            # Phones and screens keep their connection between requests: longer than the
            # 2 s default, so that a connection is not closed just as a ballot is sent on it.
            "keepalive": 30,
            "accesslog": None,
            "graceful_timeout": 10,
        }
    ).run()
