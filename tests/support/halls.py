"""Running halls for the UI tests, set up through the API as clerks and deputies do: a round open (``Hall``), and a
published sitting for the results page, the receipt check and the "same numbers" test (``Published``)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.api import Sitting
from tests.support.servers import Http


@dataclass
class Hall:
    """A running server with a vote whose first round is open and codes issued to deputies 1-3."""

    url: str
    sitting: Sitting
    round: dict[str, Any]

    def code(self, number: int) -> str:
        return self.sitting.codes[number]

    def turnout(self) -> dict[str, Any]:
        answer: dict[str, Any] = Http(self.url).get(f"/api/v1/rounds/{self.round['id']}/turnout")
        return answer


PUBLISHED_TRAINING_VOTE: dict[str, Any] = {
    "title_zh": "2021年民生实事项目票决演练",
    "title_en": "2021 livelihood projects vote (training)",
    "training": True,
    "rules": {"seats": 3, "ballot_style": "approve_oppose_abstain"},
    "candidates": [
        {"number": n, "title_zh": f"第{n}项演练候选项目", "title_en": f"Training candidate {n}"} for n in range(1, 7)
    ],
}
"""Six projects, three seats, approve / oppose / abstain; with a roster of six the threshold is 4 approvals."""


@dataclass(frozen=True)
class CastBallot:
    """One electronic ballot as a deputy cast it, with the receipt the API gave."""

    vote_id: int
    round_number: int
    receipt: str
    approvals: tuple[int, ...]
    opposes: tuple[int, ...] = ()
    abstains: tuple[int, ...] = ()


@dataclass(frozen=True)
class Published:
    """A running server with three votes (set up through the API, as clerks and deputies do):

    - ``tie_vote``: the Gongshu template, 10 deputies.  Round 1: projects 1-8 approved by all, {9,10} by
      deputies 1-4, {9,11} by 5-8, {10,11} by 9-10: 9 has 8, 10 and 11 tie at 6 for the last seat.  Round 2
      (tie-break between 10 and 11, one seat): deputies 1-6 approve 11 and 7 approves 10 electronically;
      8-10 vote on paper: one for 10, one for 11, one approving both (invalid).  11 wins with 7.  Published.
    - ``training_vote``: a training vote (演练) with approve / oppose / abstain ballots, published.
    - ``unpublished_vote``: the Gongshu template, counted but not published.
    """

    url: str
    clerk: Http
    tie_vote: int
    training_vote: int
    unpublished_vote: int
    ballots: list[CastBallot]
    unpublished_receipt: str


def published_env(database_url: str, instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOTING_")}
    env.update(VOTING_DATABASE_URL=database_url, VOTING_INSTANCE_PATH=str(instance))
    return env


def cast(
    deputy: Http, sitting: Sitting, vote_id: int, round_number: int, number: int, marks: tuple[set[int], ...]
) -> CastBallot:
    approvals, opposes, abstains = (sorted(m) for m in (*marks, set(), set())[:3])
    body = {
        "code": sitting.codes[number],
        "approvals": approvals,
        "opposes": opposes,
        "abstains": abstains,
        "idempotency_key": secrets.token_hex(8),
    }
    answer = deputy.post("/api/v1/ballots", body, 201)
    return CastBallot(vote_id, round_number, answer["receipt"], tuple(approvals), tuple(opposes), tuple(abstains))
