"""The tally sheet as data and the announcement read in the hall, from a real vote."""

from __future__ import annotations

from flask import Flask

from tests.api.support import Api, set_up
from voting.exports.announcement import announcement_en, announcement_zh
from voting.exports.sheet import percent
from voting.services.reports import tally_sheet
from voting.web import get_db


def test_percent_rounds_half_up() -> None:
    from fractions import Fraction

    assert percent(Fraction(230, 230)) == "100.00%"
    assert percent(Fraction(130, 230)) == "56.52%"
    assert percent(Fraction(1, 8)) == "12.50%"
    assert percent(Fraction(1, 3)) == "33.33%"
    assert percent(Fraction(2, 3)) == "66.67%"


def test_the_announcement_of_a_vote_with_a_tie_break(app: Flask, clerk: Api, deputy: Api) -> None:
    sitting = set_up(clerk, size=10)
    sitting.check_in(range(1, 11))
    sitting.issue_codes(range(1, 11))
    clerk.put(f"/api/v1/votes/{sitting.vote_id}/scrutineers", {"chief": 1, "members": [2]})
    first = sitting.open_round()
    common = set(range(1, 9))
    # 1-8 by all; {9,10} x4, {9,11} x4, {10,11} x2: 9 has 8, 10 and 11 tie at 6 (the threshold) for the last seat.
    for number in range(1, 11):
        extra = {9, 10} if number <= 4 else ({9, 11} if number <= 8 else {10, 11})
        sitting.cast(deputy, number, common | extra)
    assert sitting.close_and_count(first["id"])["result"]["runoff"]["reason"] == "tie"
    second = sitting.open_round()
    for number in range(1, 11):
        sitting.cast(deputy, number, {11} if number <= 7 else {10})
    sitting.close_and_count(second["id"])

    with get_db(app).read() as session:
        sheet = tally_sheet(session, sitting.vote_id)
    assert sheet.official is False
    assert sheet.marks_en == "UNOFFICIAL"
    assert sheet.file_stem().endswith("-UNOFFICIAL")
    assert sheet.selected == (1, 2, 3, 4, 5, 6, 7, 8, 9, 11)
    assert sheet.chief_scrutineer
    assert len(sheet.scrutineers) == 1
    r1, r2 = sheet.rounds
    assert r2.selected == (11,)
    assert (r1.deputy_count, r1.deputies_present, r1.ballots_issued, r1.ballots_returned) == (10, 10, 10, 10)
    assert r1.mismatches_zh == ()
    assert r1.runoff_projects == (10, 11)

    text = announcement_zh(sheet)
    assert "（未公布）" in text
    assert (
        "应到代表10人，实到10人，符合法定人数；发出表决票10张，收回10张，发出的票数与收回票数相等，本次票决有效。"
        in text
    )
    assert "第1号“回迁安置项目”，赞成10票，票决率100.00%；" in text
    assert "第10号“就业创业覆盖率提升项目”、第11号“道路建设项目”得票相等，需就这些项目再次投票，确定1个项目。" in text
    assert "共10个项目当选" in text
    english = announcement_en(sheet)
    assert "10 ballots issued, 10 returned; the round is valid" in english
    assert "Result: 10 projects selected" in english
