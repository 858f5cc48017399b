"""Staff logins that end (issue 16.5): logout ends every credential of the login on the server, logins
have an idle and an absolute limit, the cookie is Secure over HTTPS, and weak passwords are refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import col, select, update

from tests.support.api import PASSWORD, make_user
from voting.cli import main
from voting.language import error_message
from voting.services import auth
from voting.services.errors import InvalidInput
from voting.store.models import ApiToken
from voting.web import create_app, get_db


def log_in(client: FlaskClient, **kwargs: Any) -> dict[str, Any]:
    response = client.post("/api/v1/auth/login", json={"name": "clerk-li", "password": PASSWORD}, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    answer: dict[str, Any] = response.get_json()
    return answer


def me(client: FlaskClient, token: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/api/v1/auth/me", headers=headers).status_code


def copy_of_cookie(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of this one's session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


@pytest.fixture
def staff(app: Flask) -> None:
    make_user(app, "clerk-li", "clerk")


def test_logout_by_cookie_ends_the_copied_cookie_and_the_token(app: Flask, staff: None) -> None:
    browser = app.test_client()
    login = log_in(browser)
    thief = copy_of_cookie(app, browser)
    assert me(thief) == 200
    assert me(app.test_client(), login["token"]) == 200
    assert browser.post("/api/v1/auth/logout", headers={"X-CSRF-Token": login["csrf_token"]}).status_code == 204
    assert me(thief) == 401
    assert thief.post("/api/v1/meetings", json={"name_zh": "会议", "date": "2020-01-18"}).status_code == 401
    assert me(app.test_client(), login["token"]) == 401


def test_logout_by_token_ends_the_cookie(app: Flask, staff: None) -> None:
    browser = app.test_client()
    login = log_in(browser)
    thief = copy_of_cookie(app, browser)
    api = app.test_client()
    assert api.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {login['token']}"}).status_code == 204
    assert me(browser) == 401
    assert me(thief) == 401
    assert me(api, login["token"]) == 401


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _age(app: Flask, *, idle: dt.timedelta = dt.timedelta(0), begun: dt.timedelta = dt.timedelta(0)) -> None:
    """Make every login look unused for ``idle`` and begun ``begun`` ago (its absolute end moved back as much)."""
    with get_db(app).write() as session:
        for row in session.exec(auth.select(ApiToken)).all():  # type: ignore[attr-defined]
            session.execute(
                update(ApiToken)
                .where(col(ApiToken.token_hash) == row.token_hash)
                .values(
                    last_seen_at=dt.datetime.now(dt.UTC) - idle,
                    issued_at=_utc(row.issued_at) - begun,
                    expires_at=_utc(row.expires_at) - begun,
                )
            )


def test_a_login_ends_after_the_idle_limit(app: Flask, staff: None) -> None:
    browser = app.test_client()
    login = log_in(browser)
    _age(app, idle=dt.timedelta(minutes=119))
    assert me(browser) == 200  # used within the two hours: alive, and its use recorded
    _age(app, idle=dt.timedelta(minutes=121))
    assert me(browser) == 401
    assert me(app.test_client(), login["token"]) == 401


def test_the_idle_limit_counts_from_the_last_use(app: Flask, staff: None) -> None:
    browser = app.test_client()
    log_in(browser)
    _age(app, idle=dt.timedelta(minutes=100))
    assert me(browser) == 200  # this use is recorded: the login is fresh again
    with get_db(app).read() as session:
        (row,) = session.exec(select(ApiToken).where(col(ApiToken.session_hash).is_not(None))).all()
    assert dt.datetime.now(dt.UTC) - _utc(row.last_seen_at) < dt.timedelta(minutes=1)


def test_a_login_ends_after_the_absolute_limit_however_busy(app: Flask, staff: None) -> None:
    browser = app.test_client()
    login = log_in(browser)
    _age(app, begun=dt.timedelta(hours=11, minutes=59))
    assert me(browser) == 200
    _age(app, begun=dt.timedelta(minutes=2))  # now begun 12 h 1 min ago, used a moment ago
    assert me(browser) == 401
    assert me(app.test_client(), login["token"]) == 401


def test_the_limits_are_settings(app: Flask, staff: None) -> None:
    app.config.update(SESSION_IDLE_MINUTES=5, SESSION_MAX_HOURS=1)
    browser = app.test_client()
    log_in(browser)
    _age(app, idle=dt.timedelta(minutes=6))
    assert me(browser) == 401
    log_in(browser)
    _age(app, begun=dt.timedelta(minutes=61))
    assert me(browser) == 401
    assert app.permanent_session_lifetime == dt.timedelta(hours=12)  # the signed cookie's own age limit: the default


def _session_cookie(response: Any) -> str:
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return str(cookie)


def test_the_session_cookie_is_secure_over_https(app: Flask, staff: None) -> None:
    body = {"name": "clerk-li", "password": PASSWORD}
    over_https = app.test_client().post("/api/v1/auth/login", json=body, base_url="https://localhost")
    assert "; Secure" in _session_cookie(over_https)
    assert "HttpOnly" in _session_cookie(over_https)
    over_http = app.test_client().post("/api/v1/auth/login", json=body)
    assert "Secure" not in _session_cookie(over_http)
    app.config["SESSION_COOKIE_SECURE"] = True  # behind a TLS proxy that does not say so
    assert "; Secure" in _session_cookie(app.test_client().post("/api/v1/auth/login", json=body))


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("elevenchars", "password_too_short"),
        ("password1234", "password_too_common"),
        ("Correct Horse Battery Staple", "password_too_common"),
        ("1QAZ2WSX3EDC", "password_too_common"),
    ],
)
def test_weak_passwords_are_refused(app: Flask, password: str, code: str) -> None:
    with pytest.raises(InvalidInput) as refused, get_db(app).write() as session:
        auth.add_user(session, "clerk-new", "clerk", password, by=auth.Actor("test", "admin"))
    assert refused.value.code == code


def test_a_twelve_character_password_off_the_list_is_taken(app: Flask) -> None:
    with get_db(app).write() as session:
        auth.add_user(session, "clerk-new", "clerk", "hall 3 tulip", by=auth.Actor("test", "admin"))


@pytest.mark.slow  # the installed voting command
def test_voting_user_add_refuses_a_weak_password_with_a_clear_message(database_url: str, tmp_path: Any) -> None:
    env = {"VOTING_DATABASE_URL": database_url, "VOTING_INSTANCE_PATH": str(tmp_path / "instance")}
    runner = CliRunner()
    short = runner.invoke(main, ["user", "add", "clerk-new", "--role", "clerk"], input="short pass\n", env=env)
    assert short.exit_code == 1
    assert "at least 12 characters" in short.output
    common = runner.invoke(main, ["user", "add", "clerk-new", "--role", "clerk"], input="qwerty123456\n", env=env)
    assert common.exit_code == 1
    assert "common passwords" in common.output
    taken = runner.invoke(main, ["user", "add", "clerk-new", "--role", "clerk"], input="hall 3 tulip\n", env=env)
    assert taken.exit_code == 0, taken.output


def test_the_refusals_are_worded_in_both_languages() -> None:
    """No API creates accounts; the catalogs still word the refusals, as they word every error code."""
    assert "12" in error_message("password_too_short", {}, "zh")
    assert "常用密码" in error_message("password_too_common", {}, "zh")
    assert "common passwords" in error_message("password_too_common", {}, "en")


@pytest.mark.slow  # the installed voting command
def test_behind_a_trusted_proxy_the_forwarded_address_and_scheme_count(database_url: str) -> None:
    """VOTING_TRUSTED_PROXIES=1: the rate limits see each caller's address, and the cookie is Secure over HTTPS."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test",
            "TRUSTED_PROXIES": 1,
            "LOGIN_GUESS_LIMIT": "2 per minute",
        }
    )
    make_user(app, "clerk-li", "clerk")
    client = app.test_client()
    wrong = {"name": "clerk-li", "password": "not the password"}
    for _ in range(2):
        assert (
            client.post("/api/v1/auth/login", json=wrong, headers={"X-Forwarded-For": "198.51.100.1"}).status_code
            == 401
        )
    assert client.post("/api/v1/auth/login", json=wrong, headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 429
    proxied = client.post(
        "/api/v1/auth/login",
        json={"name": "clerk-li", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.2", "X-Forwarded-Proto": "https"},
    )
    assert proxied.status_code == 200  # another network behind the same proxy: a budget of its own
    assert "; Secure" in _session_cookie(proxied)
    get_db(app).dispose()
