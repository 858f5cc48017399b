"""Many bodies (人大) on one service: nothing of one body reaches another's staff or public pages (DESIGN section 8).

Body A is the default (a whole sitting, published); body B is set up by the
service's administrator at ``/b/xiaohe/``.  Every endpoint that names a
meeting, vote or round in its address answers B's administrator, and anyone
at B's address, as if A's ids did not exist: 404, the same words, so that no
id leaks.  A's logins are not logins at B's address, and the other way round.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.access import declared_routes
from tests.support.api import PASSWORD, Api
from tests.support.staff_changes import CHANGES, Stage, staged
from voting.services import auth
from voting.web import get_db

B = "/b/xiaohe"
ADDRESSED = ("<int:meeting_id>", "<int:vote_id>", "<int:round_id>")


@pytest.fixture
def platform(app: Flask, client: FlaskClient) -> Api:
    with get_db(app).write() as session:
        auth.add_platform_admin(session, "platform", PASSWORD)
    login = client.post("/api/v1/platform/login", json={"name": "platform", "password": PASSWORD})
    assert login.status_code == 200, login.get_data(as_text=True)
    return Api(client, login.get_json()["token"])


@pytest.fixture
def admin_b(platform: Api, client: FlaskClient) -> Api:
    made = platform.post(
        "/api/v1/platform/bodies",
        {"slug": "xiaohe", "name_zh": "小河街道人大工委", "admin": "admin-b", "password": PASSWORD},
        201,
    )
    assert made["slug"] == "xiaohe"
    login = client.post(f"{B}/api/v1/auth/login", json={"name": "admin-b", "password": PASSWORD})
    assert login.status_code == 200, login.get_data(as_text=True)
    return Api(client, login.get_json()["token"], prefix=B)


@pytest.fixture
def stage(clerk: Api) -> Stage:
    return staged(clerk)


def _addressed(app: Flask) -> list[tuple[str, str, Any]]:
    """Every (method, rule, body) of the API whose address names a meeting, vote or round."""
    reads = [(method, rule, None) for (method, rule) in declared_routes(app) if method == "GET"]
    found = [(m, r, b) for (m, r, b) in [*CHANGES, *reads] if any(part in r for part in ADDRESSED)]
    assert len(found) > 30, found  # the table is read
    return found


def test_no_address_of_another_body_answers_its_staff(app: Flask, stage: Stage, admin_b: Api) -> None:
    for method, rule, body in _addressed(app):
        if body == "roster":
            answer = admin_b.upload(stage.url(rule), "roster.csv", b"number,name\n1,a\n", status=404)
        else:
            answer = admin_b.send(method, stage.url(rule), None if body is None else stage.body(body), status=404)
        assert answer["code"] == "not_found", (method, rule, answer)


def test_no_address_of_another_body_answers_the_public(
    app: Flask, stage: Stage, deputy: Api, client: FlaskClient, admin_b: Api
) -> None:
    """Even A's published vote: its result, ballot lists and forms are public at A's address only."""
    sitting = stage.sitting
    receipts = [sitting.cast(deputy, number, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})["receipt"] for number in range(1, 7)]
    sitting.close_and_count(stage.round_id)
    sitting.clerk.post(f"/api/v1/votes/{sitting.vote_id}/publish")
    at_a = Api(app.test_client())
    at_a.get(f"/api/v1/votes/{sitting.vote_id}/result")  # public at A's address
    at_a.get(f"/api/v1/receipts/{receipts[0]}")
    anyone = Api(app.test_client(), prefix=B)  # no cookie of any login
    assert anyone.get(f"/api/v1/receipts/{receipts[0]}", status=404)["code"] == "receipt_not_found"
    for method, rule, _ in _addressed(app):
        if method != "GET":
            continue
        access = declared_routes(app)[(method, rule)]
        expected = 401 if isinstance(access, frozenset) else 404  # staff only: no login here, for any id
        anyone.get(stage.url(rule), status=expected)
        if expected == 404:  # and the same words as for an id that exists nowhere
            assert anyone.get(stage.url(rule), status=404)["code"] == "not_found"


def test_a_login_is_its_own_bodys_only(clerk: Api, admin_b: Api) -> None:
    assert Api(clerk.client, clerk.token, prefix=B).get("/api/v1/meetings", status=401)["code"] == "not_authenticated"
    assert Api(admin_b.client, admin_b.token).get("/api/v1/meetings", status=401)["code"] == "not_authenticated"


def test_each_body_lists_and_logs_only_its_own(stage: Stage, clerk: Api, admin_b: Api) -> None:
    assert admin_b.get("/api/v1/meetings") == []
    assert admin_b.get("/api/v1/votes") == []
    log_b = admin_b.get("/api/v1/audit")
    assert [e["action"] for e in log_b] == ["body.created", "user.added"]
    assert [e["seq"] for e in log_b] == [1, 2]
    assert admin_b.get("/api/v1/audit/verify")["ok"]
    made = admin_b.post("/api/v1/meetings", {"name_zh": "小河街道第一次会议", "date": "2026-01-10"}, 201)
    assert [m["id"] for m in admin_b.get("/api/v1/meetings")] == [made["id"]]
    assert made["id"] not in [m["id"] for m in clerk.get("/api/v1/meetings")]
    log_a = clerk.get("/api/v1/audit")
    assert not {"body.created"} & {e["action"] for e in log_a}
    assert clerk.get("/api/v1/audit/verify")["ok"]


def test_a_vote_cannot_be_made_on_another_bodys_meeting(stage: Stage, admin_b: Api) -> None:
    refused = admin_b.post("/api/v1/votes/from-template", {"meeting_id": stage.sitting.meeting_id}, 404)
    assert refused["code"] == "not_found"


def test_an_unknown_body_is_404_and_only_the_platform_sets_bodies_up(client: FlaskClient, clerk: Api) -> None:
    assert Api(client, prefix="/b/nowhere").get("/api/v1/votes/1/hall", status=404)["code"] == "unknown_body"
    body = {"slug": "x", "name_zh": "x", "admin": "a", "password": PASSWORD}
    assert clerk.post("/api/v1/platform/bodies", body, 401)["code"] == "not_authenticated"
