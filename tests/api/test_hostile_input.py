"""No 500 from any input, and no request value in any log line (issue 16, point 6).

Every operation of the API is sent, anonymously and as a clerk, JSON nested
1,000 deep, integers of 5,000 digits, and (where it takes a body) no body at
all; every text field of every body, every query parameter and every text
segment of a path is sent a NUL character (PostgreSQL's text cannot hold one).
Each must be answered with a 4xx and a ``code``, on both databases; and the
log captured meanwhile must hold none of the values sent.  The same through
the real server (gunicorn) is in ``test_real_server.py``.
"""

from __future__ import annotations

import io
import json
import logging
import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from werkzeug.test import TestResponse

from tests.support.access import documented_operations
from tests.support.api import Api
from tests.support.staff_changes import CHANGES, Stage, staged
from voting.store.db import Database
from voting.web.logs import without_values

SENTINEL = "sentinel-7Q2W"
"""Put into every value sent: found in a log line, it means a request value was logged."""
DEEP = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000
LONG_NUMBER = "9" * 5000
HOSTILE_BODIES = {
    "nested 1,000 deep": DEEP,
    "objects nested 1,000 deep": DEEP_OBJECT,
    "a 5,000-digit integer": f'{{"code": {LONG_NUMBER}, "seats": -{LONG_NUMBER}}}',
    "a 5,000-digit integer in a list": f'{{"approvals": [{LONG_NUMBER}], "deputy_ids": [{LONG_NUMBER}]}}',
}
DEPUTY_BODIES: list[tuple[str, str, Any]] = [
    ("POST", "/api/v1/auth/login", {"name": f"clerk-{SENTINEL}", "password": f"password-{SENTINEL}"}),
    ("POST", "/api/v1/ballot", {"code": f"{SENTINEL}-CODE"}),
    ("POST", "/api/v1/ballots", {"code": f"{SENTINEL}-CODE", "idempotency_key": f"key-{SENTINEL}", "approvals": [1]}),
]


@pytest.fixture
def stage(clerk: Api) -> Stage:
    return staged(clerk)


def operations(app: Flask) -> list[tuple[str, str, bool]]:
    """(method, URL rule, takes a JSON body) of every operation of the API, from its OpenAPI document."""
    return [
        (method, rule, "application/json" in operation.get("requestBody", {}).get("content", {}))
        for (method, rule), operation in documented_operations(app).items()
    ]


def url_of(stage: Stage, rule: str) -> str:
    ids = {**stage.ids(), "receipt": "AAAA-AAAA-AAAA-AAAA"}
    return re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule)


def refused(response: TestResponse, what: str) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, f"{what}: {response.status_code} {response.get_data(as_text=True)}"
    answer = response.get_json()
    assert isinstance(answer, dict), f"{what}: {response.get_data(as_text=True)}"
    assert answer.get("code"), f"{what}: no code in {response.get_data(as_text=True)}"
    return answer


def send(api: Api, method: str, url: str, data: str | bytes | None, **kwargs: Any) -> TestResponse:
    headers = {"Authorization": f"Bearer {api.token}"} if api.token else {}
    return api.client.open(url, method=method, data=data, headers=headers, content_type="application/json", **kwargs)


def with_nul(value: Any) -> list[Any]:
    """The value once for each string in it, with that string holding a NUL character."""
    if isinstance(value, str):
        return [f"{value[:1]}\x00{SENTINEL}{value[1:]}"]
    if isinstance(value, dict):
        return [{**value, key: variant} for key, item in value.items() for variant in with_nul(item)]
    if isinstance(value, list):
        return [[*value[:i], variant, *value[i + 1 :]] for i, item in enumerate(value) for variant in with_nul(item)]
    return []


def test_hostile_json_is_refused_with_a_code_by_every_operation(
    app: Flask, stage: Stage, clerk: Api, deputy: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    takes_body = [(method, rule) for method, rule, body in operations(app) if body]
    assert {("POST", "/api/v1/ballots"), ("POST", "/api/v1/auth/login")} <= set(takes_body)
    for api in (deputy, clerk):
        for method, rule in takes_body:
            url = url_of(stage, rule)
            for what, body in HOSTILE_BODIES.items():
                answer = refused(send(api, method, url, body), f"{method} {rule} with {what}")
                assert answer["code"] in ("json_too_deep", "number_too_long", "not_authenticated"), answer
            missing = refused(send(api, method, url, None), f"{method} {rule} with no body")
            assert missing["code"] in ("missing_body", "not_authenticated"), missing
    # An operation that reads no body ignores one, and never fails on it (anonymously: refused, nothing done).
    for method, rule, reads_body in operations(app):
        if not reads_body and method != "GET":
            assert send(deputy, method, url_of(stage, rule), DEEP).status_code < 500, rule
    assert SENTINEL not in caplog.text


def test_a_nul_anywhere_is_refused_with_a_code(
    app: Flask, stage: Stage, clerk: Api, deputy: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bodies = [(method, rule, stage.body(body)) for method, rule, body in CHANGES if isinstance(body, dict)]
    for method, rule, body in bodies + DEPUTY_BODIES:
        api = clerk if (method, rule, body) in bodies else deputy
        for variant in with_nul(body):
            refused(send(api, method, url_of(stage, rule), json.dumps(variant)), f"{method} {rule} {variant}")
    login = send(deputy, "POST", "/api/v1/auth/login", json.dumps({"name": "a\x00b", "password": "x" * 12}))
    assert refused(login, "anonymous login")["code"] == "validation_error"
    # Query parameters and text segments of paths, on every read.
    for method, rule, _ in operations(app):
        if method == "GET":
            url = url_of(stage, rule) + f"?q=%00{SENTINEL}&lang=%00&vote_id=%00"
            assert clerk.client.get(url, headers={"Authorization": f"Bearer {clerk.token}"}).status_code < 500, rule
    for url in (f"/api/v1/receipts/AB%00{SENTINEL}", "/api/v1/drills/a%00b/run", "/static/a%00b.js"):
        assert refused(send(clerk, "GET" if "run" not in url else "POST", url, "{}"), url)["code"] == "not_found"
    batch = f"/api/v1/rounds/{stage.round_id}/paper-batches/A%00/entries/1"
    assert refused(send(clerk, "PUT", batch, '{"ballots": [{"approvals": [1]}]}'), batch)["code"] == "not_found"
    roster = ("编号,姓名\n1,张\x00" + SENTINEL + "\n").encode()
    upload = clerk.client.post(
        f"/api/v1/meetings/{stage.sitting.meeting_id}/roster",
        data={"file": (io.BytesIO(roster), "roster.csv")},
        headers={"Authorization": f"Bearer {clerk.token}"},
    )
    assert refused(upload, "a roster with a NUL")["code"] == "roster_nul"
    assert SENTINEL not in caplog.text


def test_an_unexpected_error_is_logged_without_its_message(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    """A message may quote what was sent (``int()`` does): the log keeps the error's kind and stack only."""

    def broken() -> str:
        int(f"code {SENTINEL}")
        return ""

    app.add_url_rule("/api/v1/broken", "broken", broken)
    caplog.set_level(logging.DEBUG)
    response = app.test_client().get("/api/v1/broken")
    assert (response.status_code, response.get_json()["code"]) == (500, "internal_error")
    assert "ValueError" in caplog.text
    assert "broken" in caplog.text
    assert SENTINEL not in caplog.text


def test_a_database_error_names_no_parameter(db: Database) -> None:
    """``hide_parameters``: what the driver was sent never reaches an error's text, and so never a log line."""
    with pytest.raises(DBAPIError) as failed, db.read() as session:
        session.execute(text("SELECT * FROM no_such_table WHERE name = :name"), {"name": SENTINEL})
    assert "no_such_table" in str(failed.value)
    assert SENTINEL not in str(failed.value)
    assert SENTINEL not in without_values(failed.value)
