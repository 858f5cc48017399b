"""Errors, languages, security headers and who may do what, through the Flask test client.

Every error answers one JSON shape, ``{"code", "message", "field", ...}``,
worded from the server's one catalog in Chinese unless English is asked for
(that every code has its words is checked in tests/test_error_words.py).  Scrutineers read
everything and change nothing; without a login nothing staff-only answers;
the browser's session cookie needs its CSRF token for every change.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

import voting
from tests.support.access import declared_routes, staff_only
from tests.support.api import PASSWORD, Api, Sitting, make_user, roster_csv, set_up
from tests.support.staff_changes import CHANGES, Stage, staged
from voting.language import error_message
from voting.services.auth import WRITERS
from voting.web.api.access import ONCE_PUBLISHED

PACKAGE = Path(voting.__file__).parent
CJK = re.compile(r"[\u4e00-\u9fff]")
STAFF_ONLY_401 = {"code": "not_authenticated"}

# --- the error shape and its languages ----------------------------------------


def error_of(response: TestResponse, status: int) -> dict[str, Any]:
    """The body of an error answer, checked for the one shape every error has."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json", response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    assert {"code", "message", "field"} <= body.keys(), body
    assert isinstance(body["code"], str)
    assert isinstance(body["message"], str)
    assert body["code"]
    assert body["message"]
    assert body["field"] is None or isinstance(body["field"], str)
    return body


def test_messages_are_chinese_by_default_and_english_on_request(client: FlaskClient) -> None:
    default = error_of(client.get("/api/v1/no-such-thing"), 404)
    assert default["code"] == "not_found"
    assert default["message"] == error_message("not_found", {}, "zh")
    assert CJK.search(default["message"])

    for asked in ("en", "en-US,en;q=0.9", "fr;q=0.9, en;q=0.5"):
        english = error_of(client.get("/api/v1/no-such-thing", headers={"Accept-Language": asked}), 404)
        assert english["message"] == error_message("not_found", {}, "en"), asked
        assert not CJK.search(english["message"])

    for asked in ("zh-CN,zh;q=0.9", "fr", ""):
        chinese = error_of(client.get("/api/v1/no-such-thing", headers={"Accept-Language": asked}), 404)
        assert chinese["message"] == error_message("not_found", {}, "zh"), asked


def test_the_language_switch_cookie_wins_over_the_browser(client: FlaskClient) -> None:
    client.set_cookie("lang", "en")
    answer = error_of(client.get("/api/v1/no-such-thing", headers={"Accept-Language": "zh-CN"}), 404)
    assert answer["message"] == error_message("not_found", {}, "en")


def test_a_message_is_worded_with_its_values_in_both_languages(clerk: Api, deputy: Api) -> None:
    sitting: Sitting = set_up(clerk, size=6)
    sitting.check_in(range(1, 7))
    sitting.issue_codes([1])
    sitting.open_round()
    body = {"code": sitting.codes[1], "approvals": list(range(1, 12)), "idempotency_key": "too-many-01"}
    for language in ("zh", "en"):
        response = deputy.client.post("/api/v1/ballots", json=body, headers={"Accept-Language": language})
        answer = error_of(response, 422)
        assert (answer["code"], answer["field"]) == ("too_many_approvals", "approvals")
        assert answer["params"] == {"seats": 10, "approvals": 11}
        assert answer["message"] == error_message("too_many_approvals", dict(seats=10, approvals=11), language)
        assert "{" not in answer["message"]
    # Refused, so not recorded: the deputy can correct the ballot and cast it.
    sitting.cast(deputy, 1, range(1, 11))


# --- malformed requests ---------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "unknown"),
    [
        ("/api/v1/meetings", {"name_zh": "会议", "date": "2020-01-18", "secretary": "x"}, "secretary"),
        (
            "/api/v1/ballots",
            {"code": "AAAAA-BBBBB", "approvals": [1], "idempotency_key": "k" * 16, "deputy_id": 7},
            "deputy_id",
        ),
        ("/api/v1/auth/login", {"name": "clerk-li", "password": PASSWORD, "role": "admin"}, "role"),
    ],
    ids=["meeting", "ballot smuggling an identity", "login claiming a role"],
)
def test_unknown_fields_are_refused_by_name(clerk: Api, path: str, body: dict[str, Any], unknown: str) -> None:
    response = clerk.client.post(path, json=body, headers={"Authorization": f"Bearer {clerk.token}"})
    answer = error_of(response, 422)
    assert (answer["code"], answer["field"]) == ("validation_error", unknown)
    assert answer["errors"]["json"][unknown] == ["Unknown field."]
    assert answer["message"] == error_message("validation_error", {}, "zh")


def test_an_unknown_field_inside_the_rules_is_refused(clerk: Api) -> None:
    meeting = clerk.post("/api/v1/meetings", {"name_zh": "会议", "date": "2020-01-18"}, 201)
    vote = {
        "meeting_id": meeting["id"],
        "title_zh": "票决",
        "rules": {"seats": 1, "quota": 3},
        "candidates": [{"number": 1, "title_zh": "甲"}, {"number": 2, "title_zh": "乙"}],
    }
    response = clerk.client.post("/api/v1/votes", json=vote, headers={"Authorization": f"Bearer {clerk.token}"})
    answer = error_of(response, 422)
    assert (answer["code"], answer["field"]) == ("validation_error", "rules")
    assert answer["errors"]["json"]["rules"] == {"quota": ["Unknown field."]}
    assert clerk.get("/api/v1/votes") == []


def test_a_body_that_is_not_json_is_a_json_4xx(clerk: Api) -> None:
    auth = {"Authorization": f"Bearer {clerk.token}"}
    broken = error_of(
        clerk.client.post(
            "/api/v1/meetings", data='{"name_zh": "会议",', content_type="application/json", headers=auth
        ),
        400,
    )
    assert broken["code"] == "bad_request"
    form = clerk.client.post(
        "/api/v1/meetings",
        data="name_zh=会议&date=2020-01-18",
        content_type="application/x-www-form-urlencoded",
        headers=auth,
    )
    assert 400 <= form.status_code < 500
    assert error_of(form, form.status_code)["code"] in {"validation_error", "unsupported_media_type"}
    assert clerk.get("/api/v1/meetings") == []


def test_a_wrong_method_is_a_json_405_naming_the_allowed_ones(clerk: Api) -> None:
    response = clerk.client.delete("/api/v1/meetings", headers={"Authorization": f"Bearer {clerk.token}"})
    assert error_of(response, 405)["code"] == "method_not_allowed"
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}


@pytest.mark.parametrize("path", ["/api/v1/nowhere", "/api/v2/meetings", "/api/v1/votes/abc", "/nowhere"])
def test_an_unknown_path_is_a_json_404(client: FlaskClient, path: str) -> None:
    assert error_of(client.get(path), 404)["code"] == "not_found"


def test_an_id_beyond_what_the_database_holds_is_a_404_not_a_crash(clerk: Api) -> None:
    for path in (
        "/api/v1/votes/2147483648",
        "/api/v1/rounds/99999999999999999999999",
        "/api/v1/meetings/9223372036854775808",
    ):
        response = clerk.client.get(path, headers={"Authorization": f"Bearer {clerk.token}"})
        assert error_of(response, 404)["code"] == "not_found", path
    big = clerk.client.get(
        "/api/v1/audit?vote_id=9223372036854775808", headers={"Authorization": f"Bearer {clerk.token}"}
    )
    assert (error_of(big, 422)["code"], error_of(big, 422)["field"]) == ("validation_error", "vote_id")


# --- security headers -----------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/meetings",
        "/api/v1/no-such-thing",
        "/api/openapi.json",
        "/api/docs",
        "/",
        "/healthz",
        "/static/vendor/swagger-ui/swagger-ui.css",
    ],
    ids=["api", "api error", "openapi", "api docs page", "page", "health", "static file"],
)
def test_every_response_forbids_framing_and_sniffing(clerk: Api, path: str) -> None:
    response = clerk.client.get(path, headers={"Authorization": f"Bearer {clerk.token}"})
    assert response.status_code in (200, 404), path
    assert response.status_code == 404 or response.get_data()
    policy = {
        part.strip().split(" ", 1)[0]: part.strip() for part in response.headers["Content-Security-Policy"].split(";")
    }
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert policy["object-src"] == "object-src 'none'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- who may do what ---------------------------------------------------------------------

RESULT = "/api/v1/votes/<int:vote_id>/result"
NEEDS_A_COUNT = {"/api/v1/votes/<int:vote_id>/bundle.zip": "no_counted_round"}
"""Staff reads that have nothing to give before a round is counted (the stage's round is open)."""


def test_the_table_of_changes_names_every_change_the_api_declares_for_writers(app: Flask) -> None:
    declared = {route for route, access in declared_routes(app).items() if access == WRITERS}
    assert declared == {(method, rule) for method, rule, _ in CHANGES}


def staff_reads(app: Flask) -> list[str]:
    """The staff-only reads, from the route table: every GET whose view is declared ``@staff``."""
    reads = staff_only(app)
    assert {"/api/v1/audit", "/api/v1/votes/<int:vote_id>/bundle.zip"} <= set(reads)  # the table is read
    return reads


def unpublished(app: Flask) -> list[str]:
    """Public once published; before that staff only, and not there at all for anyone else."""
    return [rule for (method, rule), access in declared_routes(app).items() if access == ONCE_PUBLISHED]


@pytest.fixture
def stage(clerk: Api) -> Stage:
    return staged(clerk)


def attempt(api: Api, stage: Stage, method: str, rule: str, body: Any) -> TestResponse:
    headers = {"Authorization": f"Bearer {api.token}"} if api.token else {}
    if body == "roster":
        data = {"file": (io.BytesIO(roster_csv(3)), "roster.csv")}
        return api.client.open(stage.url(rule), method=method, data=data, headers=headers)
    return api.client.open(stage.url(rule), method=method, json=stage.body(body), headers=headers)


def test_a_scrutineer_reads_everything(app: Flask, stage: Stage, clerk: Api, scrutineer: Api, deputy: Api) -> None:
    sitting = stage.sitting
    sitting.cast(deputy, 1, [1, 2, 3])
    clerk.put(stage.url("/api/v1/rounds/<int:round_id>/paper-batches/A/entries/1"), {"ballots": [{"approvals": [1]}]})
    for rule in [*staff_reads(app), RESULT]:
        if rule in NEEDS_A_COUNT:  # let in, and refused for the vote's state alone
            assert (
                error_of(scrutineer.client.get(stage.url(rule), headers=scrutineer._headers()), 409)["code"]
                == (NEEDS_A_COUNT[rule])
            )
            continue
        assert scrutineer.get(stage.url(rule)) is not None, rule
    assert scrutineer.get(stage.url(RESULT))["official"] is False
    assert scrutineer.get(f"/api/v1/votes/{sitting.vote_id}/rounds")[0]["state"] == "open"
    assert scrutineer.get(f"/api/v1/rounds/{stage.round_id}/turnout")["ballots_returned"] == 1
    assert scrutineer.get("/api/v1/audit/verify")["ok"] is True
    assert scrutineer.get("/api/v1/auth/me")["role"] == "scrutineer"


def test_a_scrutineer_changes_nothing(stage: Stage, clerk: Api, scrutineer: Api) -> None:
    before = clerk.get("/api/v1/audit")
    refused = []
    for method, rule, body in CHANGES:
        response = attempt(scrutineer, stage, method, rule, body)
        if response.status_code != 403 or response.get_json()["code"] != "forbidden":
            refused.append(f"{method} {rule}: {response.status_code} {response.get_data(as_text=True)[:200]}")
        else:
            assert response.get_json()["message"] == error_message("forbidden", {}, "zh")
    assert refused == [], "\n".join(refused)
    assert clerk.get("/api/v1/audit") == before
    assert [r["state"] for r in clerk.get(f"/api/v1/votes/{stage.sitting.vote_id}/rounds")] == ["open"]
    assert clerk.get(f"/api/v1/votes/{stage.sitting.vote_id}")["state"] == "voting"


def test_without_a_login_nothing_staff_only_answers(app: Flask, stage: Stage, deputy: Api) -> None:
    for method, rule, body in CHANGES:
        answer = error_of(attempt(deputy, stage, method, rule, body), 401)
        assert answer["code"] == "not_authenticated", f"{method} {rule}"
    for rule in staff_reads(app):
        answer = error_of(deputy.client.get(stage.url(rule)), 401)
        assert answer["code"] == "not_authenticated", rule
    for rule in unpublished(app):
        assert error_of(deputy.client.get(stage.url(rule)), 404)["code"] == "not_found", rule
    # What deputies and the hall screens see needs no login.
    assert deputy.get(f"/api/v1/rounds/{stage.round_id}/turnout")["ballots_issued"] == 6


def test_a_revoked_or_forged_token_is_not_a_login(clerk: Api) -> None:
    assert error_of(clerk.client.get("/api/v1/meetings", headers={"Authorization": "Bearer forged"}), 401)["code"] == (
        "not_authenticated"
    )
    assert (
        clerk.client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {clerk.token}"}).status_code == 204
    )
    gone = clerk.client.get("/api/v1/meetings", headers={"Authorization": f"Bearer {clerk.token}"})
    assert error_of(gone, 401)["code"] == "not_authenticated"


# --- logging in ----------------------------------------------------------------------------


def test_a_wrong_password_or_name_is_bad_credentials(app: Flask, client: FlaskClient) -> None:
    make_user(app, "clerk-li", "clerk")
    for name, password in (("clerk-li", "not the password"), ("nobody", PASSWORD)):
        answer = error_of(client.post("/api/v1/auth/login", json={"name": name, "password": password}), 401)
        assert (answer["code"], answer["message"]) == ("bad_credentials", error_message("bad_credentials", {}, "zh"))
        assert "token" not in answer
    english = client.post(
        "/api/v1/auth/login", json={"name": "clerk-li", "password": "nope"}, headers={"Accept-Language": "en"}
    )
    assert error_of(english, 401)["message"] == error_message("bad_credentials", {}, "en")
    assert client.get_cookie("session") is None


def test_the_session_cookie_needs_the_csrf_token_for_every_change(app: Flask) -> None:
    make_user(app, "clerk-li", "clerk")
    browser = app.test_client()
    login = browser.post("/api/v1/auth/login", json={"name": "clerk-li", "password": PASSWORD})
    assert login.status_code == 200
    csrf = login.get_json()["csrf_token"]
    set_cookie = login.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie
    assert "SameSite=Strict" in set_cookie

    # Reading needs only the cookie.
    assert browser.get("/api/v1/meetings").status_code == 200
    assert browser.get("/api/v1/auth/me").get_json() == {"name": "clerk-li", "role": "clerk", "csrf_token": csrf}

    meeting = {"name_zh": "会议", "date": "2020-01-18"}
    for headers in ({}, {"X-CSRF-Token": ""}, {"X-CSRF-Token": csrf[:-1] + ("A" if csrf[-1] != "A" else "B")}):
        answer = error_of(browser.post("/api/v1/meetings", json=meeting, headers=headers), 401)
        assert (answer["code"], answer["message"]) == ("csrf_failed", error_message("csrf_failed", {}, "zh"))
    assert browser.get("/api/v1/meetings").get_json() == []

    created = browser.post("/api/v1/meetings", json=meeting, headers={"X-CSRF-Token": csrf})
    assert created.status_code == 201, created.get_data(as_text=True)
    assert [m["id"] for m in browser.get("/api/v1/meetings").get_json()] == [created.get_json()["id"]]

    # Logging out is a change too; afterwards the cookie is no login.
    assert error_of(browser.post("/api/v1/auth/logout"), 401)["code"] == "csrf_failed"
    assert browser.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert error_of(browser.get("/api/v1/meetings"), 401)["code"] == "not_authenticated"


def test_a_session_cookie_from_another_login_does_not_carry_its_csrf_token(app: Flask) -> None:
    make_user(app, "clerk-li", "clerk")
    first, second = app.test_client(), app.test_client()
    tokens = [
        c.post("/api/v1/auth/login", json={"name": "clerk-li", "password": PASSWORD}).get_json()["csrf_token"]
        for c in (first, second)
    ]
    assert tokens[0] != tokens[1]
    crossed = second.post(
        "/api/v1/meetings", json={"name_zh": "会议", "date": "2020-01-18"}, headers={"X-CSRF-Token": tokens[0]}
    )
    assert error_of(crossed, 401)["code"] == "csrf_failed"


def test_text_that_is_not_valid_unicode_is_refused_not_a_500(clerk: Api) -> None:
    body = '{"name_zh": "\\ud800会议", "date": "2020-01-18"}'
    response = clerk.client.post(
        "/api/v1/meetings",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {clerk.token}"},
    )
    assert response.status_code == 422
    assert response.get_json()["field"] == "name_zh"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("application/x-www-form-urlencoded", "code=ABCDE-FGHJK"), ("text/plain", '{"code": "ABCDE-FGHJK"}')],
)
def test_a_body_that_is_not_json_is_refused_as_such(client: FlaskClient, content_type: str, body: str) -> None:
    answer = client.post("/api/v1/ballots", data=body, content_type=content_type, headers={"Accept-Language": "en"})
    assert answer.status_code == 415
    assert answer.get_json()["code"] == "unsupported_media_type"
    assert answer.get_json()["message"] == "Please send JSON."
