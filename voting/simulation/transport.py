"""How a drill or a rehearsal reaches the API: a staff member's requests, over HTTP or through the app itself.

``Client`` logs in as a staff member and speaks only to the URL it is given;
``InProcessClient`` sends the same requests through the Flask application in
this process, for a drill the server runs when a trainer asks from the
console.  Every request over HTTP is bounded by a timeout, and an idempotent
one (a cast, with its idempotency key) is sent again after a broken
connection, so that it is never counted twice (DESIGN section 4).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
from flask import Flask

TIMEOUT = 15.0
"""Seconds any one request may take."""
CAST_ATTEMPTS = 4
"""A cast meeting a connection error is sent this many times at most, always with the same key."""


class RehearsalError(Exception):
    """The rehearsal cannot go on; the message says why."""


class ApiError(RehearsalError):
    """The server answered with an error."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        self.status = status
        self.code = body.get("code", "") if isinstance(body, dict) else ""
        message = body.get("message", "") if isinstance(body, dict) else str(body)[:200]
        super().__init__(f"{method} {path}: {status} {self.code} {message}".strip())


class Transport:
    """How a drill or a rehearsal reaches the API: one staff member's requests, by path under the server.

    Two implementations, one runner: ``Client`` speaks HTTP to a running
    server (``voting drill``, ``voting rehearse``); ``InProcessClient`` sends
    the same requests through the Flask application itself, for a drill that a
    trainer starts from the console (``POST /api/v1/drills/{name}/run``).  Both
    answer alike: the JSON (or text) of a success, ``ApiError`` for an error.
    """

    def request(self, method: str, path: str, body: Any = None, *, files: Any = None, retry: bool = False) -> Any:
        raise NotImplementedError

    def get(self, path: str) -> Any:
        return self.request("GET", path, retry=True)

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, body)

    def put(self, path: str, body: Any = None) -> Any:
        return self.request("PUT", path, body, retry=True)


def _answer(method: str, path: str, status: int, content_type: str, as_json: Callable[[], Any], text: str) -> Any:
    if status >= 400:
        try:
            answer = as_json()
        except ValueError:
            answer = text
        raise ApiError(method, path, status, answer)
    if content_type.startswith("application/json"):
        return as_json()
    return text


@dataclass
class Client(Transport):
    """A staff member's requests to one server over HTTP, with a bearer token."""

    url: str
    token: str | None = None
    timeout: float = TIMEOUT
    session: requests.Session = field(default_factory=requests.Session)

    def request(self, method: str, path: str, body: Any = None, *, files: Any = None, retry: bool = False) -> Any:
        """Send a request; ``retry`` sends it again after a connection error (only for idempotent requests)."""
        headers = {"Accept-Language": "en"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        attempts = CAST_ATTEMPTS if retry else 1
        for attempt in range(1, attempts + 1):
            try:
                response = self.session.request(
                    method,
                    self.url + path,
                    json=body if files is None else None,
                    files=files,
                    headers=headers,
                    timeout=self.timeout,
                )
                break
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt == attempts:
                    raise RehearsalError(f"{method} {path}: no answer from {self.url}: {exc}") from None
                time.sleep(0.2 * 2**attempt)
        content_type = response.headers.get("Content-Type", "")
        return _answer(method, path, response.status_code, content_type, response.json, response.text)


@dataclass
class InProcessClient(Transport):
    """A staff member's requests sent through a Flask application in this process (its test client).

    Each request is a whole request of its own, with its own transaction, as
    over HTTP: the same routes, schemas, checks and audit entries.  Used inside
    a request to the same application, the caller must hold no transaction
    while it runs (SQLite's writer lock is per connection).
    """

    app: Flask
    token: str
    language: str = "en"

    def request(self, method: str, path: str, body: Any = None, *, files: Any = None, retry: bool = False) -> Any:
        headers = {"Accept-Language": self.language, "Authorization": f"Bearer {self.token}"}
        client = self.app.test_client()
        if files is not None:
            data = {key: (io.BytesIO(content), name) for key, (name, content, *_) in files.items()}
            response = client.open(path, method=method, data=data, headers=headers, content_type="multipart/form-data")
        else:
            response = client.open(path, method=method, json=body, headers=headers)
        text = response.get_data(as_text=True)
        content_type = response.content_type or ""

        def as_json() -> Any:
            if not response.is_json:
                raise ValueError("not JSON")
            return response.get_json()

        return _answer(method, path, response.status_code, content_type, as_json, text)


def login(url: str, name: str, password: str) -> Client:
    """A client logged in as staff member ``name``."""
    client = Client(url.rstrip("/"))
    answer = client.post("/api/v1/auth/login", {"name": name, "password": password})
    client.token = answer["token"]
    return client
