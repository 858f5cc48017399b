"""Every change the staff side of the API offers, with a body that passes validation, and the stage to try them on:
the tests of who may do what (``test_errors``) and of hostile input (``test_hostile_input``) send each of them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from tests.support.api import Api, Sitting, set_up

CHANGES: list[tuple[str, str, Any]] = [
    ("POST", "/api/v1/meetings", {"name_zh": "另一次会议", "date": "2020-01-19"}),
    ("POST", "/api/v1/meetings/<int:meeting_id>/roster", "roster"),
    ("PUT", "/api/v1/meetings/<int:meeting_id>/deputies/<int:deputy_id>/attendance", {"checked_in": False}),
    ("PUT", "/api/v1/meetings/<int:meeting_id>/attendance", {"deputy_ids": ["<deputy_id>"], "checked_in": False}),
    (
        "POST",
        "/api/v1/votes",
        {
            "meeting_id": "<meeting_id>",
            "title_zh": "另一次票决",
            "rules": {"seats": 1},
            "candidates": [{"number": 1, "title_zh": "甲"}, {"number": 2, "title_zh": "乙"}],
        },
    ),
    ("POST", "/api/v1/votes/from-template", {"meeting_id": "<meeting_id>"}),
    ("PATCH", "/api/v1/votes/<int:vote_id>", {"rules": {"seats": 3}}),
    ("PUT", "/api/v1/votes/<int:vote_id>/scrutineers", {"chief": 1, "members": [2]}),
    ("POST", "/api/v1/votes/<int:vote_id>/codes", {"deputy_id": "<deputy_id>"}),
    ("POST", "/api/v1/votes/<int:vote_id>/codes/batch", {"deputy_ids": ["<deputy_id>"]}),
    ("POST", "/api/v1/votes/<int:vote_id>/codes/missing", None),
    ("POST", "/api/v1/votes/<int:vote_id>/codes/reissue-all", {"confirm": True, "voids": 0}),
    ("DELETE", "/api/v1/votes/<int:vote_id>/codes/<int:deputy_id>", None),
    ("POST", "/api/v1/votes/<int:vote_id>/rounds", None),
    ("POST", "/api/v1/votes/<int:vote_id>/publish", None),
    ("POST", "/api/v1/votes/<int:vote_id>/reset", None),
    ("POST", "/api/v1/rounds/<int:round_id>/paper", {"deputies": [3]}),
    ("POST", "/api/v1/rounds/<int:round_id>/close", {"confirm": True}),
    ("POST", "/api/v1/rounds/<int:round_id>/count", None),
    (
        "PUT",
        "/api/v1/rounds/<int:round_id>/paper-batches/<string(maxlength=40):batch>/entries/<int:entry>",
        {"ballots": [{"approvals": [1]}]},
    ),
    ("POST", "/api/v1/rounds/<int:round_id>/paper-batches/<string(maxlength=40):batch>/accept", None),
    ("POST", "/api/v1/drills/<string(maxlength=60):name>/run", {"seed": 3}),
]
"""Every change to the staff side of the API, with a body that passes validation."""


@dataclass
class Stage:
    sitting: Sitting
    round_id: int

    def ids(self) -> dict[str, Any]:
        return {
            "meeting_id": self.sitting.meeting_id,
            "vote_id": self.sitting.vote_id,
            "round_id": self.round_id,
            "deputy_id": self.sitting.deputies[0]["id"],
            "batch": "A",
            "entry": 1,
            "name": "gongshu-baseline",
        }

    def url(self, rule: str) -> str:
        ids = self.ids()
        return re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule)

    def body(self, body: Any) -> Any:
        text = json.dumps(body)
        for name, value in self.ids().items():
            text = text.replace(f'"<{name}>"', str(value))
        return json.loads(text)


def staged(clerk: Api) -> Stage:
    """A vote with its first round open, as a clerk leaves it."""
    sitting = set_up(clerk, size=6)
    sitting.check_in(range(1, 7))
    sitting.issue_codes(range(1, 7))
    return Stage(sitting, sitting.open_round()["id"])
