"""Guessing voting codes and passwords is rate-limited (only failures count) and logged."""

from __future__ import annotations

import logging

import pytest
from flask import Flask

from tests.api.support import Api, Sitting, set_up


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
    assert caplog.text.count("failed ballots.BallotPaper attempt") == 5
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
