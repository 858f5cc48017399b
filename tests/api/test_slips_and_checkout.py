"""The slips of a hall through the API (issue 14): the default issue never voids a printed slip, voiding them
all says how many and must be confirmed, a lost slip is reissued for one deputy; the address the QR codes
carry and its warning; check-out refused once every vote of the meeting is published."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.support.api import Api, Sitting, set_up

VOTE: dict[str, Any] = {
    "title_zh": "发码测试",
    "rules": {"seats": 1},
    "candidates": [{"number": 1, "title_zh": "甲"}, {"number": 2, "title_zh": "乙"}],
}


def works(deputy: Api, code: str) -> bool:
    """A working code opens the ballot (409 before a round opens); a voided one is refused (401)."""
    answer = deputy.client.post("/api/v1/ballot", json={"code": code})
    assert answer.status_code in (200, 401, 409), answer.get_data(as_text=True)
    return answer.status_code != 401


def held(sitting: Sitting) -> dict[int, bool]:
    return {d["number"]: d["holds_code"] for d in sitting.clerk.get(f"/api/v1/votes/{sitting.vote_id}/codes")}


def actions(clerk: Api, vote_id: int) -> list[str]:
    return [e["action"] for e in clerk.get(f"/api/v1/audit?vote_id={vote_id}")]


def test_the_default_issues_codes_only_to_those_who_hold_none_and_never_voids_a_slip(clerk: Api, deputy: Api) -> None:
    sitting = set_up(clerk, size=5, template=False, vote=VOTE)
    sitting.check_in(range(1, 5))
    sitting.issue_codes([1, 2])  # printed before the console was reloaded
    assert held(sitting) == {1: True, 2: True, 3: False, 4: False, 5: False}
    path = f"/api/v1/votes/{sitting.vote_id}/codes/missing"
    issued = clerk.post(path, status=201)
    assert [(i["number"], i["name"]) for i in issued] == [(d["number"], d["name"]) for d in sitting.deputies[2:4]]
    assert all(works(deputy, code) for code in [sitting.codes[1], sitting.codes[2], *(i["code"] for i in issued)])
    # Pressed again (another reload): nothing to issue, nothing voided.
    assert clerk.post(path, status=201) == []
    assert works(deputy, sitting.codes[1])
    assert held(sitting) == {1: True, 2: True, 3: True, 4: True, 5: False}
    assert "code.reissued" not in actions(clerk, sitting.vote_id)
    # The old batch call refuses a deputy who holds a code rather than voiding it; all or none.
    ids = [sitting.deputies[0]["id"]]
    assert clerk.post(f"/api/v1/votes/{sitting.vote_id}/codes/batch", {"deputy_ids": ids}, 409)["code"] == "code_held"
    assert works(deputy, sitting.codes[1])


def test_voiding_every_slip_must_be_confirmed_with_the_number_it_voids(clerk: Api, deputy: Api) -> None:
    sitting = set_up(clerk, size=5, template=False, vote=VOTE)
    sitting.check_in(range(1, 5))
    sitting.issue_codes(range(1, 5))
    path = f"/api/v1/votes/{sitting.vote_id}/codes/reissue-all"
    assert clerk.post(path, {"voids": 4}, 422)["field"] == "confirm"
    assert clerk.post(path, {"confirm": False, "voids": 4}, 422)["field"] == "confirm"
    # Deputy 4 steps out: still holding a slip, so the count is still 4; the clerk was told 3.
    clerk.put(
        f"/api/v1/meetings/{sitting.meeting_id}/deputies/{sitting.deputies[3]['id']}/attendance",
        {"checked_in": False},
    )
    changed = clerk.post(path, {"confirm": True, "voids": 3}, 409)
    assert (changed["code"], changed["params"]["voids"]) == ("voids_changed", 4)
    assert "4" in changed["message"]
    assert all(works(deputy, sitting.codes[n]) for n in range(1, 5))
    fresh = clerk.post(path, {"confirm": True, "voids": 4}, 201)
    assert [i["number"] for i in fresh] == [1, 2, 3]
    assert not any(works(deputy, sitting.codes[n]) for n in range(1, 5))
    assert all(works(deputy, i["code"]) for i in fresh)
    assert held(sitting) == {1: True, 2: True, 3: True, 4: False, 5: False}
    log = actions(clerk, sitting.vote_id)
    assert (log.count("code.reissued"), log.count("code.revoked")) == (3, 1)


def test_a_lost_slip_is_reissued_for_one_deputy(clerk: Api, deputy: Api) -> None:
    sitting = set_up(clerk, size=3, template=False, vote=VOTE)
    sitting.check_in(range(1, 4))
    sitting.issue_codes(range(1, 4))
    path = f"/api/v1/votes/{sitting.vote_id}/codes"
    body = {"deputy_id": sitting.deputies[1]["id"]}
    refused = clerk.post(path, body, 409)
    assert (refused["code"], refused["params"]["deputy"]) == ("code_held", 2)
    assert "第 2 号代表" in refused["message"]
    new = clerk.post(path, {**body, "reissue": True}, 201)["code"]
    assert not works(deputy, sitting.codes[2])
    assert all(works(deputy, code) for code in (new, sitting.codes[1], sitting.codes[3]))
    assert actions(clerk, sitting.vote_id).count("code.reissued") == 1


def test_the_qr_address_is_the_configured_public_one_and_a_loopback_is_flagged(app: Flask, clerk: Api) -> None:
    default = clerk.get("/api/v1/ballot-address")
    assert default == {"base": "http://localhost", "configured": False, "problem": "loopback"}
    app.config["PUBLIC_URL"] = "http://192.168.10.5:8000/"
    assert clerk.get("/api/v1/ballot-address") == {
        "base": "http://192.168.10.5:8000",
        "configured": True,
        "problem": None,
    }
    for url, problem in (
        ("http://0.0.0.0:8000", "unspecified"),
        ("http://[::1]:8000", "loopback"),
        ("http://127.3.2.1", "loopback"),
        ("http://169.254.0.9", "link_local"),
        ("http://hall-server.local:8000", "local_name"),
        ("http://hall-server", "local_name"),
        ("hall-server:8000", "malformed"),
        ("https://vote.gongshu.gov.cn", None),
    ):
        app.config["PUBLIC_URL"] = url
        assert clerk.get("/api/v1/ballot-address")["problem"] == problem, url
    assert Api(clerk.client).get("/api/v1/ballot-address", 401)["code"] == "not_authenticated"


def test_check_out_is_refused_once_every_vote_of_the_meeting_is_published(clerk: Api, deputy: Api) -> None:
    sitting = set_up(clerk, size=3, template=False, vote=VOTE)
    sitting.check_in(range(1, 4))
    sitting.issue_codes(range(1, 4))
    opened = sitting.open_round()
    for number in range(1, 4):
        sitting.cast(deputy, number, {1})
    sitting.close_and_count(opened["id"])
    one = f"/api/v1/meetings/{sitting.meeting_id}/deputies/{sitting.deputies[0]['id']}/attendance"
    clerk.put(one, {"checked_in": False})  # decided but not yet published: still allowed
    clerk.put(one, {"checked_in": True})
    clerk.post(f"/api/v1/votes/{sitting.vote_id}/publish")
    refused = clerk.put(one, {"checked_in": False}, 409)
    assert (refused["code"], refused["params"]["deputy"]) == ("attendance_final", 1)
    english = clerk.put(one, {"checked_in": False}, 409, headers={"Accept-Language": "en"})
    assert english["message"] == "Every vote of this meeting is published: deputy 1 can no longer be checked out."
    many = {"deputy_ids": [d["id"] for d in sitting.deputies], "checked_in": False}
    assert clerk.put(f"/api/v1/meetings/{sitting.meeting_id}/attendance", many, 409)["code"] == "attendance_final"
    assert clerk.get(f"/api/v1/meetings/{sitting.meeting_id}")["present"] == 3
