"""The API's schemas (voting.web.api.schemas) where they do more than declare fields."""

from __future__ import annotations

from typing import Any

import pytest
from marshmallow import Schema, ValidationError, fields, validate

from tests.support.api import Api, set_up
from voting.web.api.fields import PROJECT
from voting.web.api.schemas import MarksSchema


class PlainMarks(Schema):
    """What MarksSchema was before its lists took a shortcut: marshmallow's List, item by item."""

    approvals = fields.List(fields.Integer(validate=PROJECT), load_default=list, validate=validate.Length(max=1_000))
    opposes = fields.List(fields.Integer(validate=PROJECT), load_default=list, validate=validate.Length(max=1_000))
    abstains = fields.List(fields.Integer(validate=PROJECT), load_default=list, validate=validate.Length(max=1_000))


BODIES: list[dict[str, Any]] = [
    {},
    {"approvals": []},
    {"approvals": [1, 2, 3, 10], "opposes": [4], "abstains": [12]},
    {"approvals": [1_000, 1]},
    {"approvals": list(range(1, 1_001))},
    {"approvals": [*range(1, 1_001), 1]},  # too long
    {"approvals": [0]},
    {"approvals": [1_001]},
    {"approvals": [-3, 2]},
    {"approvals": ["3", 4]},  # a numeric string: coerced, as before
    {"approvals": [3.0]},
    {"approvals": [3.5]},
    {"approvals": [True]},
    {"approvals": [None]},
    {"approvals": [[1]]},
    {"approvals": "1,2"},
    {"approvals": None},
    {"approvals": {"1": 1}},
    {"approvals": [2**70]},
]


def _load(schema: Schema, body: dict[str, Any]) -> tuple[str, Any]:
    try:
        return "ok", schema.load(body)
    except ValidationError as exc:
        return "refused", exc.messages


@pytest.mark.parametrize("body", BODIES, ids=[repr(b)[:40] for b in BODIES])
def test_project_numbers_load_as_marshmallow_list_does(body: dict[str, Any]) -> None:
    """The shortcut for plain in-range integers changes neither what is accepted nor what a refusal says."""
    assert _load(MarksSchema(), body) == _load(PlainMarks(), body)


NOT_BOOLEANS: list[Any] = [1, 0, "true", "yes", "1", "on", None]


def test_a_yes_or_no_is_json_true_or_false_only(clerk: Api) -> None:
    """marshmallow's Boolean reads 1, 0, "yes", "on"...: a number or a typo must not confirm a close (issue 16.7)."""
    sitting = set_up(clerk, size=4)
    attendance = f"/api/v1/meetings/{sitting.meeting_id}/deputies/{sitting.deputies[0]['id']}/attendance"
    for value in NOT_BOOLEANS:
        assert clerk.put(attendance, {"checked_in": value}, 422)["field"] == "checked_in", value
        vote = {"meeting_id": sitting.meeting_id, "training": value}
        assert clerk.post("/api/v1/votes/from-template", vote, 422)["field"] == "training", value
    assert clerk.put(attendance, {"checked_in": True})["checked_in"] is True
    sitting.check_in(range(2, 5))
    round_id = sitting.open_round()["id"]
    for value in NOT_BOOLEANS:
        assert clerk.post(f"/api/v1/rounds/{round_id}/close", {"confirm": value}, 422)["field"] == "confirm", value
    assert clerk.get(f"/api/v1/rounds/{round_id}")["state"] == "open"
    assert clerk.post(f"/api/v1/rounds/{round_id}/close", {"confirm": True})["state"] == "closed"


def test_a_missing_body_is_refused_where_one_is_required(clerk: Api) -> None:
    """No body is not ``{}``: a PATCH that lost its body changes nothing and says so (issue 16.7)."""
    sitting = set_up(clerk, size=4)
    path = f"/api/v1/votes/{sitting.vote_id}"
    assert clerk.send("PATCH", path, None, 400)["code"] == "missing_body"
    assert clerk.send("PATCH", path, {})["id"] == sitting.vote_id
    assert clerk.post(f"/api/v1/votes/{sitting.vote_id}/codes", None, 400)["code"] == "missing_body"
