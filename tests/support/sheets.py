"""Tally sheets built by hand (no database): the Gongshu 2020 vote with chosen counts, for the tests of the
announcement's words and of the times every form prints."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from voting.domain import RuleSettings
from voting.exports.sheet import ProjectLine, RoundSheet, TallySheet

GONGSHU = json.loads((Path(__file__).resolve().parents[2] / "voting/data/gongshu-2020-candidates.json").read_text())
TITLES: dict[int, tuple[str, str]] = {c["number"]: (c["title_zh"], c["title_en"]) for c in GONGSHU["candidates"]}

APPROVALS = {1: 228, 2: 225, 3: 221, 4: 219, 5: 210, 6: 205, 7: 198, 8: 190, 9: 171, 10: 160, 11: 121, 12: 99}
"""Approvals by project: 1-10 pass the threshold of 126 (250 deputies) and fill the 10 seats; 11 and 12 do not."""

PUBLISHED_AT = dt.datetime(2020, 1, 17, 23, 0)
"""23:00 UTC on 17 January: 07:00 Beijing time on 18 January, the day of the plenary (stored naive, as UTC)."""


def project(number: int, approvals: int, status: str, present: int) -> ProjectLine:
    zh, en = TITLES[number]
    return ProjectLine(number, zh, en, approvals, 0, 0, 0, status, Fraction(approvals, present))


def first_round(**changes: object) -> RoundSheet:
    present = 230
    projects = tuple(project(n, a, "selected" if n <= 10 else "below_threshold", present) for n, a in APPROVALS.items())
    r = RoundSheet(
        number=1,
        kind="first",
        seats=10,
        deputy_count=250,
        deputies_present=present,
        ballots_issued=230,
        ballots_returned=230,
        valid=229,
        invalid=1,
        electronic=230,
        paper=0,
        paper_issued=0,
        void=False,
        quorum=True,
        threshold=126,
        projects=projects,
        selected=tuple(range(1, 11)),
        runoff_reason=None,
        runoff_projects=(),
        runoff_seats=0,
        vacant=0,
        closed_at=dt.datetime(2020, 1, 17, 22, 40),
        audit_head_at_close="ab" * 32,
    )
    return replace(r, **changes)  # type: ignore[arg-type]


def gongshu(rounds: tuple[RoundSheet, ...] | None = None, **changes: object) -> TallySheet:
    """The Gongshu 2020 vote, decided in one round and published at 07:00 Beijing time."""
    counted = rounds if rounds is not None else (first_round(),)
    sheet = TallySheet(
        meeting_zh=GONGSHU["meeting"]["name_zh"],
        meeting_en=GONGSHU["meeting"]["name_en"],
        plenary_zh=GONGSHU["meeting"]["plenary_zh"],
        date=dt.date(2020, 1, 18),
        vote_id=1,
        title_zh=GONGSHU["poll"]["title_zh"],
        title_en=GONGSHU["poll"]["title_en"],
        training=False,
        official=True,
        published_at=PUBLISHED_AT,
        rules=RuleSettings(seats=10),
        rounds=counted,
        selected=tuple(n for r in counted for n in r.selected),
        vacant=0,
        decided=True,
        result_digest="cd" * 32,
        ballots_digest="ef" * 32,
        audit_head_at_publication="12" * 32,
        audit_head="12" * 32,
        chief_scrutineer="张三",
        scrutineers=("李四", "王五"),
        titles=TITLES,
        time_zone="Asia/Shanghai",
    )
    return replace(sheet, **changes)  # type: ignore[arg-type]
