"""Which requests a server worker answers on its event loop, and which in a native thread (voting.web.loop)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from gevent.threadpool import ThreadPool
from werkzeug.test import EnvironBuilder

from voting.web.loop import Dispatch, runs_on_event_loop

ON_LOOP = [
    ("POST", "/api/v1/ballot"),
    ("POST", "/api/v1/ballots"),
    ("GET", "/api/v1/votes/1/hall"),
    ("GET", "/api/v1/rounds/1/turnout"),
    ("GET", "/api/v1/votes/1/result"),  # the publication spike: bytes kept once published
    ("GET", "/api/v1/receipts/ABCDEFGH"),  # the publication spike: one plain query
    ("GET", "/healthz"),
]
IN_A_THREAD = [
    ("GET", "/api/v1/audit/verify"),  # seconds for a long log
    ("POST", "/api/v1/rounds/1/close"),
    ("GET", "/api/v1/votes/1/bundle.zip"),  # renders the official files
    ("POST", "/api/v1/auth/login"),
    ("GET", "/"),
    ("GET", "/no/such/page"),  # 404
    ("GET", "/api/v1/ballots"),  # 405: only POST is marked
]


def environ(method: str, path: str, body: bytes = b"") -> dict[str, Any]:
    return EnvironBuilder(
        path=path, method=method, data=body, content_type="application/json", headers=[("Accept-Language", "en")]
    ).get_environ()


@pytest.mark.parametrize(("method", "path"), ON_LOOP)
def test_the_deputies_and_screens_requests_run_on_the_loop(app: Flask, method: str, path: str) -> None:
    assert runs_on_event_loop(app, environ(method, path))


@pytest.mark.parametrize(("method", "path"), IN_A_THREAD)
def test_every_other_request_runs_in_a_thread(app: Flask, method: str, path: str) -> None:
    assert not runs_on_event_loop(app, environ(method, path))


@pytest.fixture
def pool() -> Iterator[ThreadPool]:
    pool = ThreadPool(2)
    yield pool
    pool.kill()


def test_dispatch_runs_a_marked_view_here_and_the_others_in_the_pool(app: Flask, pool: ThreadPool) -> None:
    threads: list[int] = []

    @app.before_request
    def note_thread() -> None:
        threads.append(threading.get_ident())

    send = _recording(Dispatch(app, pool), threads)
    status, answer, thread = send("GET", "/healthz")
    # ``thread`` is the one the hook saw run the request (None if the request never reached it).
    assert (status, answer, thread) == ("200 OK", {"status": "ok"}, threading.get_ident())
    # A login's body is read on the loop and handed to the thread whole: the view sees the user name.
    body = json.dumps({"name": "nobody", "password": "not the password"}).encode()
    status, answer, thread = send("POST", "/api/v1/auth/login", body)
    assert status.startswith("401")
    assert answer["code"] == "bad_credentials"
    assert thread is not None
    assert thread != threading.get_ident()


def test_a_body_over_the_limit_is_still_refused(app: Flask, pool: ThreadPool) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 100
    status, answer, _ = _recording(Dispatch(app, pool), [])("POST", "/api/v1/auth/login", b"{" + b" " * 200 + b"}")
    assert status.startswith("413")
    assert answer["code"]


def _recording(dispatch: Dispatch, threads: list[int]) -> Any:
    """A caller of ``dispatch`` that answers the status, the JSON answer and the thread that ran the view."""

    def send(method: str, path: str, body: bytes = b"") -> tuple[str, dict[str, Any], int | None]:
        answered: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            answered["status"] = status

        before = len(threads)
        data = b"".join(dispatch(environ(method, path, body), start_response))
        thread = threads[before] if len(threads) > before else None
        return answered["status"], json.loads(data) if data else {}, thread

    return send
