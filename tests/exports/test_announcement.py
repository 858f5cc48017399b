"""The tally sheet as data and the announcement read in the hall, from a real vote."""

from __future__ import annotations

from flask import Flask

from tests.support.api import Api, set_up
from tests.support.sheets import TITLES, first_round, gongshu, project
from voting.exports.announcement import announcement
from voting.exports.words import quoted
from voting.services.reports import tally_sheet
from voting.web import get_db


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
        sheet = tally_sheet(session, sitting.vote_id, time_zone="Asia/Shanghai")
    assert sheet.official is False
    assert sheet.marks("en") == "UNOFFICIAL"
    assert sheet.file_stem().endswith("-UNOFFICIAL")
    assert sheet.selected == (1, 2, 3, 4, 5, 6, 7, 8, 9, 11)
    assert sheet.chief_scrutineer
    assert len(sheet.scrutineers) == 1
    r1, r2 = sheet.rounds
    assert r2.selected == (11,)
    assert (r1.deputy_count, r1.deputies_present, r1.ballots_issued, r1.ballots_returned) == (10, 10, 10, 10)
    assert r1.mismatches_zh == ()
    assert r1.runoff_projects == (10, 11)

    text = announcement(sheet, "zh")
    assert "（未公布）" in text
    assert (
        "应到代表10人，实到10人，符合法定人数；发出表决票10张，收回10张，发出的票数与收回票数相等，本次票决有效。"
        in text
    )
    assert "第1号“回迁安置项目”，赞成10票，票决率100.00%；" in text
    assert "第10号“就业创业覆盖率提升项目”、第11号“道路建设项目”得票相等，需就这些项目再次投票，确定1个项目。" in text
    assert "共10个项目当选" in text
    english = announcement(sheet, "en")
    assert "10 ballots were issued and 10 returned, as many as were issued: the vote is valid" in english
    assert "As the vote decided, 10 projects are selected" in english


# --- the words the chair reads (issue 15, point 6), on sheets built by hand ------------------------

GONGSHU_ZH = """\
2020年拱墅区政府民生实事项目票决计票结果宣读稿

各位代表：

根据总监票人报告，应到代表250人，实到230人，符合法定人数；发出表决票230张，收回230张，发出的票数与收回票数相等，本次票决有效。收回的表决票中，有效票229张，无效票1张。
现将计票结果报告如下：
第1号“回迁安置项目”，赞成228票，票决率99.13%；
第2号“老旧小区改造项目”，赞成225票，票决率97.83%；
第3号“学校、幼儿园建设项目”，赞成221票，票决率96.09%；
第4号“‘阳光老人家’项目”，赞成219票，票决率95.22%；
第5号“深化垃圾分类项目”，赞成210票，票决率91.30%；
第6号“‘阳光小伢儿’婴幼儿照护服务项目”，赞成205票，票决率89.13%；
第7号“特色美食街区创建项目”，赞成198票，票决率86.09%；
第8号“‘雪亮工程’项目”，赞成190票，票决率82.61%；
第9号“‘放心菜篮子’项目”，赞成171票，票决率74.35%；
第10号“就业创业覆盖率提升项目”，赞成160票，票决率69.57%；
第11号“道路建设项目”，赞成121票，票决率52.61%；
第12号“医疗设施提升项目”，赞成99票，票决率43.04%。

根据票决结果，第1号“回迁安置项目”、第2号“老旧小区改造项目”、第3号“学校、幼儿园建设项目”、第4号“‘阳光老人家’项目”、第5号“深化垃圾分类项目”、第6号“‘阳光小伢儿’婴幼儿照护服务项目”、第7号“特色美食街区创建项目”、第8号“‘雪亮工程’项目”、第9号“‘放心菜篮子’项目”、第10号“就业创业覆盖率提升项目”，共10个项目当选。

本结果于2020-01-18 07:00 北京时间公布。
"""

GONGSHU_EN = """\
2020 Gongshu District Government Livelihood Projects Vote: the count as read in the hall

Fellow deputies,

According to the chief scrutineer's report, of 250 deputies 230 are present, a quorum; 230 ballots were issued and 230 returned, as many as were issued: the vote is valid. Of the ballots returned, 229 are valid and 1 invalid.
The count is as follows:
No. 1 “Resettlement housing (return of relocated residents)”: 228 approvals, 99.13%;
No. 2 “Renovation of old residential compounds”: 225 approvals, 97.83%;
No. 3 “Schools and kindergartens construction”: 221 approvals, 96.09%;
No. 4 “‘Sunshine Elders' Home’ home-based elderly care”: 219 approvals, 95.22%;
No. 5 “Deepening household waste sorting”: 210 approvals, 91.30%;
No. 6 “‘Sunshine Kids’ infant and toddler care services”: 205 approvals, 89.13%;
No. 7 “Signature food street districts”: 198 approvals, 86.09%;
No. 8 “‘Sharp Eyes’ public-security video network”: 190 approvals, 82.61%;
No. 9 “‘Safe Food Basket’ markets”: 171 approvals, 74.35%;
No. 10 “Raising employment and entrepreneurship service coverage”: 160 approvals, 69.57%;
No. 11 “Road construction”: 121 approvals, 52.61%;
No. 12 “Upgrading medical facilities”: 99 approvals, 43.04%.

As the vote decided, 10 projects are selected: No. 1 “Resettlement housing (return of relocated residents)”, No. 2 “Renovation of old residential compounds”, No. 3 “Schools and kindergartens construction”, No. 4 “‘Sunshine Elders' Home’ home-based elderly care”, No. 5 “Deepening household waste sorting”, No. 6 “‘Sunshine Kids’ infant and toddler care services”, No. 7 “Signature food street districts”, No. 8 “‘Sharp Eyes’ public-security video network”, No. 9 “‘Safe Food Basket’ markets” and No. 10 “Raising employment and entrepreneurship service coverage”.

Published 2020-01-18 07:00 Beijing time (UTC+8).
"""


def test_the_gongshu_announcement_reads_as_the_chair_reads_it() -> None:
    """The whole text, in both languages: the address, the report's form of words, every project, the selected,
    and the time on the sitting's clock (published 23:00 UTC, that is 07:00 Beijing time the next day)."""
    sheet = gongshu()
    assert announcement(sheet, "zh") == GONGSHU_ZH
    assert announcement(sheet, "en") == GONGSHU_EN


def test_a_title_is_quoted_once() -> None:
    assert quoted("“阳光老人家”项目") == "“‘阳光老人家’项目”"
    assert quoted("“阳光老人家”") == "“阳光老人家”"
    assert quoted("「放心菜篮子」") == "「放心菜篮子」"
    assert quoted("“一老”与“一小”") == "“‘一老’与‘一小’”"
    assert quoted('"Sunshine" homes') == "“‘Sunshine’ homes”"
    titles = {**TITLES, 9: ("“放心菜篮子”", "Safe Food Basket"), 12: ("「医疗设施提升」", "")}
    text = announcement(gongshu(titles=titles), "zh")
    assert "第9号“放心菜篮子”，赞成171票" in text
    assert "第12号「医疗设施提升」，赞成99票" in text
    assert "““" not in text
    assert "””" not in text
    assert "No. 12 “「医疗设施提升」”" not in announcement(gongshu(titles=titles), "en")


def test_english_counts_are_singular_or_plural() -> None:
    one = first_round(
        deputy_count=1,
        deputies_present=1,
        ballots_issued=1,
        ballots_returned=1,
        valid=1,
        invalid=0,
        seats=1,
        projects=(project(1, 1, "selected", 1), project(2, 0, "below_threshold", 1)),
        selected=(1,),
    )
    text = announcement(gongshu((one,)), "en")
    assert "of 1 deputy 1 is present" in text
    assert "1 ballot was issued and 1 returned" in text
    assert "1 is valid and 0 invalid" in text
    assert "No. 1 “Resettlement housing (return of relocated residents)”: 1 approval, 100.00%;" in text
    assert "No. 2 “Renovation of old residential compounds”: 0 approvals, 0.00%." in text
    assert "1 project is selected: No. 1 “Resettlement housing" in text
    assert "(s)" not in text
    assert "(s)" not in announcement(gongshu(), "en")


def test_a_tie_break_round_is_named_once_and_reads_fewer_returned() -> None:
    tied = first_round(selected=tuple(range(1, 10)), runoff_reason="tie", runoff_projects=(10, 11), runoff_seats=1)
    again = first_round(
        number=2,
        kind="tie_break",
        seats=1,
        ballots_returned=229,
        valid=229,
        invalid=0,
        projects=(project(10, 120, "below_threshold", 230), project(11, 130, "selected", 230)),
        selected=(11,),
    )
    sheet = gongshu((tied, again), official=False, published_at=None)
    zh = announcement(sheet, "zh")
    first, second = (p for p in zh.split("\n\n") if p.startswith(("第1轮，", "第2轮（")))
    assert first.startswith("第1轮，根据总监票人报告，应到代表250人")
    assert "第一轮" not in zh
    assert "（第1轮）" not in zh
    assert "第10号“就业创业覆盖率提升项目”、第11号“道路建设项目”得票相等，需就这些项目再次投票，确定1个项目。" in first
    assert second.startswith(
        "第2轮（再次投票），根据总监票人报告，应到代表250人，实到230人，符合法定人数；"
        "发出表决票230张，收回229张，收回票数少于发出票数，本次票决有效。"
    )
    assert second.endswith("本轮当选的项目是：第11号“道路建设项目”。")
    assert "第9号“‘放心菜篮子’项目”、第11号“道路建设项目”，共10个项目当选。" in zh
    assert zh.startswith("2020年拱墅区政府民生实事项目票决计票结果宣读稿（未公布）\n")
    assert zh.endswith("\n\n第2轮投票于2020-01-18 06:40 北京时间结束。\n")
    en = announcement(sheet, "en")
    assert "Round 2 (tie-break round). According to the chief scrutineer's report" in en
    assert "229 returned, fewer than were issued: the vote is valid" in en
    assert "are tied: the deputies vote again on them for 1 seat." in en


def test_a_void_round_is_void_and_held_again() -> None:
    void = first_round(
        void=True, ballots_returned=231, selected=(), runoff_reason="void", runoff_projects=(), runoff_seats=10
    )
    sheet = gongshu((void,), decided=False, official=False, published_at=None, chief_scrutineer="")
    zh = announcement(sheet, "zh")
    assert (
        "第1轮，根据监票人报告，应到代表250人，实到230人，符合法定人数；"
        "发出表决票230张，收回231张，收回票数多于发出票数，本次票决无效。\n按照票决办法，应重新投票。"
    ) in zh
    assert "赞成" not in zh
    assert "当选" not in zh
    en = announcement(sheet, "en")
    assert "According to the scrutineers' report" in en
    assert "231 returned, more than were issued: the vote is void." in en
