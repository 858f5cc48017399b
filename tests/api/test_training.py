"""Training votes (演练): marked everywhere, resettable, and never mixed with a live vote."""

from __future__ import annotations

from tests.support.api import Api, roster_csv, set_up


def test_a_training_vote_is_marked_resettable_and_apart_from_the_live_one(
    clerk: Api, deputy: Api, scrutineer: Api
) -> None:
    live = set_up(clerk, size=10)
    # A drill never shares the live meeting: attendance belongs to the meeting.
    refused = clerk.post("/api/v1/votes/from-template", {"meeting_id": live.meeting_id, "training": True}, 409)
    assert refused["code"] == "training_not_with_live"
    drill_meeting = clerk.post("/api/v1/meetings", {"name_zh": "演练会议", "date": "2020-01-17"}, 201)
    clerk.upload(f"/api/v1/meetings/{drill_meeting['id']}/roster", "roster.csv", roster_csv(10))
    drill_vote = clerk.post("/api/v1/votes/from-template", {"meeting_id": drill_meeting["id"], "training": True}, 201)
    assert drill_vote["training"] is True
    assert clerk.get(f"/api/v1/votes/{live.vote_id}")["training"] is False
    refused = clerk.post("/api/v1/votes/from-template", {"meeting_id": drill_meeting["id"]}, 409)
    assert refused["code"] == "training_not_with_live"
    drill_deputies = clerk.get(f"/api/v1/meetings/{drill_meeting['id']}/deputies")
    live.check_in(range(1, 11))
    live.issue_codes(range(1, 11))
    for d in drill_deputies:
        clerk.put(f"/api/v1/meetings/{drill_meeting['id']}/deputies/{d['id']}/attendance", {"checked_in": True})
    drill_codes = {
        n: clerk.post(f"/api/v1/votes/{drill_vote['id']}/codes", {"deputy_id": drill_deputies[n - 1]["id"]}, 201)[
            "code"
        ]
        for n in range(1, 11)
    }

    live_round = live.open_round()
    drill_round = clerk.post(f"/api/v1/votes/{drill_vote['id']}/rounds", status=201)
    assert deputy.post("/api/v1/ballot", {"code": drill_codes[1]})["training"] is True
    assert deputy.post("/api/v1/ballot", {"code": live.codes[1]})["training"] is False
    for n in range(1, 11):
        live.cast(deputy, n, {1, 2, 3})
        body = {"code": drill_codes[n], "approvals": [10, 11, 12], "idempotency_key": f"drill-{n:04d}"}
        deputy.post("/api/v1/ballots", body, 201)

    # The live round counts only its own ballots.
    live_result = live.close_and_count(live_round["id"])["result"]
    assert live_result["ballots"]["cast"] == 10
    assert {p["number"]: p["approvals"] for p in live_result["projects"]}[10] == 0
    live_list = clerk.get(f"/api/v1/rounds/{live_round['id']}/ballots.csv")
    assert "10 11 12" not in live_list
    assert clerk.get(f"/api/v1/rounds/{live_round['id']}/turnout")["ballots_returned"] == 10

    # Every audit entry about the drill says it is one; none about the live vote does.
    entries = scrutineer.get("/api/v1/audit")
    assert all(e["details"].get("training") is True for e in entries if e["vote_id"] == drill_vote["id"])
    assert not any(e["details"].get("training") for e in entries if e["vote_id"] == live.vote_id)

    # A drill can be reset and replayed; a live vote cannot be reset.
    refused = clerk.post(f"/api/v1/votes/{live.vote_id}/reset", status=409)
    assert refused["code"] == "not_training"
    reset = clerk.post(f"/api/v1/votes/{drill_vote['id']}/reset")
    assert reset["state"] == "draft"
    assert reset["rules_digest"] is None
    assert clerk.get(f"/api/v1/votes/{drill_vote['id']}/rounds") == []
    deputy.post("/api/v1/ballot", {"code": drill_codes[1]}, 401)  # the old codes went with it
    clerk.get(f"/api/v1/rounds/{drill_round['id']}", status=404)
    scrutineer.post(f"/api/v1/votes/{drill_vote['id']}/reset", status=403)
    assert scrutineer.get("/api/v1/audit/verify")["ok"] is True
    # The live vote is untouched.
    assert clerk.get(f"/api/v1/rounds/{live_round['id']}")["result"] == live_result
