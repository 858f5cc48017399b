"""Guessing voting codes and passwords is rate-limited (only failures count) and logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from loadtests.stack import redis_server
from tests.support.api import Api, Sitting, set_up
from voting.web import create_app, get_db


@pytest.fixture
def limited_app(app: Flask) -> Flask:
    app.config.update(CODE_GUESS_LIMIT="5 per minute", LOGIN_GUESS_LIMIT="3 per minute")
    return app


def test_code_guessing_is_limited_and_logged(limited_app: Flask, clerk: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="voting.security")
    sitting: Sitting = set_up(clerk, size=10)
    sitting.check_in(range(1, 10))
    sitting.issue_codes([1])
    sitting.open_round()
    deputy = Api(limited_app.test_client())
    for attempt in range(5):
        answer = deputy.post("/api/v1/ballot", {"code": f"AAAAA-AAAA{attempt}"}, 401)
        assert answer["code"] == "invalid_code"
    blocked = deputy.post("/api/v1/ballot", {"code": "AAAAA-AAAA9"}, 429)
    assert blocked["code"] == "rate_limited"
    assert "请稍后再试" in blocked["message"]
    assert caplog.text.count("failed code attempt") == 5
    assert "AAAAA" not in caplog.text


def test_successful_votes_do_not_count_against_the_hall(limited_app: Flask, clerk: Api) -> None:
    sitting: Sitting = set_up(clerk, size=10)
    sitting.check_in(range(1, 11))
    sitting.issue_codes(range(1, 11))
    sitting.open_round()
    deputy = Api(limited_app.test_client())
    for number in range(1, 11):  # ten good ballots from one address, twice the failure limit
        deputy.post("/api/v1/ballot", {"code": sitting.codes[number]})
        sitting.cast(deputy, number, {1, 2})


def test_password_guessing_is_limited(limited_app: Flask, clerk: Api) -> None:
    client = limited_app.test_client()
    for _ in range(3):
        assert (
            client.post("/api/v1/auth/login", json={"name": "clerk-li", "password": "wrong password"}).status_code
            == 401
        )
    assert client.post("/api/v1/auth/login", json={"name": "clerk-li", "password": "wrong password"}).status_code == 429


def _wrong(number: int) -> str:
    return f"AAAAA-{number:05d}"


def _guess(deputy: Api, number: int, status: int) -> None:
    """A wrong code, sent alternately to opening and casting (one budget for both)."""
    if number % 2:
        deputy.post("/api/v1/ballot", {"code": _wrong(number)}, status)
    else:
        deputy.post("/api/v1/ballots", {"code": _wrong(number), "approvals": [1], "idempotency_key": "k" * 16}, status)


def test_a_right_code_passes_from_an_address_over_its_limit(limited_app: Flask, clerk: Api) -> None:
    sitting: Sitting = set_up(clerk, size=10)
    sitting.check_in(range(1, 11))
    sitting.issue_codes(range(1, 11))
    sitting.open_round()
    hall = Api(limited_app.test_client())  # the guesser and the deputies share the hall's one address
    for number in range(5):
        _guess(hall, number, 401)
    for number in range(1, 11):
        _guess(hall, 100 + number, 429)
        hall.post("/api/v1/ballot", {"code": sitting.codes[number]})
        sitting.cast(hall, number, {1, 2})
    other = Api(limited_app.test_client(), language="zh")
    other.client.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    _guess(other, 1, 401)  # another address has a budget of its own


def test_opening_and_casting_share_one_budget(limited_app: Flask, clerk: Api) -> None:
    deputy = Api(limited_app.test_client())
    for number in range(5):  # three at /ballot, two at /ballots: five in all
        _guess(deputy, number, 401)
    _guess(deputy, 5, 429)
    _guess(deputy, 6, 429)


def test_the_budget_is_shared_by_the_host_s_processes(limited_app: Flask, clerk: Api, database_url: str) -> None:
    """Two apps on one instance folder, as two workers of ``voting serve``: the counter file is shared."""
    second = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test"})
    second.config.update(CODE_GUESS_LIMIT="5 per minute")
    try:
        first, other = Api(limited_app.test_client()), Api(second.test_client())
        for number in range(5):
            _guess(first if number % 2 else other, number, 401)
        _guess(first, 5, 429)
        _guess(other, 6, 429)
    finally:
        get_db(second).dispose()


@pytest.fixture(scope="module")
def redis_uri() -> Iterator[str]:
    """A real redis-server of its own (the load runner's, for its hosts), on a private unix socket."""
    with redis_server() as socket_path:
        yield f"redis+unix://{socket_path}"


@pytest.mark.slow  # a Redis server and a second process
def test_the_budget_is_shared_across_hosts_through_redis(
    redis_uri: str, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two apps with instance folders of their own (two hosts) and one Redis: one budget."""
    hosts = []
    for name in ("left", "right"):
        monkeypatch.setenv("VOTING_INSTANCE_PATH", str(tmp_path / name))
        hosts.append(
            create_app(
                {
                    "TESTING": True,
                    "DATABASE_URL": database_url,
                    "SECRET_KEY": "test",
                    "RATELIMIT_STORAGE_URI": redis_uri,
                    "CODE_GUESS_LIMIT": "5 per minute",
                }
            )
        )
    try:
        left, right = (Api(app.test_client()) for app in hosts)
        left.client.environ_base["REMOTE_ADDR"] = right.client.environ_base["REMOTE_ADDR"] = "192.0.2.7"
        for number in range(5):
            _guess(left if number % 2 else right, number, 401)
        _guess(left, 5, 429)
        _guess(right, 6, 429)
        assert not (tmp_path / "left" / "counters.sqlite3").exists()
    finally:
        for app in hosts:
            get_db(app).dispose()
