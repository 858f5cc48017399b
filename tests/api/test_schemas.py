"""The API's schemas (voting.web.api.schemas) where they do more than declare fields."""

from __future__ import annotations

from typing import Any

import pytest
from marshmallow import Schema, ValidationError, fields, validate

from voting.web.api.schemas import PROJECT, MarksSchema


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
