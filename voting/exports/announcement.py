"""The announcement read in the hall (宣读稿), in the words the chair of a real sitting reads.

各位代表：根据总监票人报告，应到代表327人，实到314人，符合法定人数；发出表决票314张，收回314张，
发出的票数与收回票数相等，本次票决有效 (DESIGN section 1; Lishui 2025, Sipin 2023) — then each project's
approvals and rate, then the selected projects, then when the result was published (on the sitting's
clock, zone named).  A round is named once, and only when the vote has more than one (第2轮（再次投票）);
a title is quoted once (``words.quoted``); English counts are singular or plural as said (``words.plural``).
"""

from __future__ import annotations

from voting.exports.sheet import KIND_EN, KIND_ZH, RoundSheet, TallySheet
from voting.exports.words import plural, project_zh, projects_zh, quoted, when


def _project_en(sheet: TallySheet, number: int) -> str:
    zh, en = sheet.titles.get(number, ("", ""))
    return f"No. {number} {quoted(en or zh)}"


def _projects_en(sheet: TallySheet, numbers: tuple[int, ...]) -> str:
    names = [_project_en(sheet, n) for n in numbers]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _named_rounds(sheet: TallySheet) -> bool:
    """Rounds are named when there is more than one, or when the one counted calls for another."""
    return len(sheet.rounds) > 1 or any(r.runoff_reason for r in sheet.rounds)


def _round_name_zh(r: RoundSheet) -> str:
    return f"第{r.number}轮" + ("" if r.kind == "first" else f"（{KIND_ZH.get(r.kind, r.kind)}）")


def _round_name_en(r: RoundSheet) -> str:
    return f"Round {r.number}" + ("" if r.kind == "first" else f" ({KIND_EN.get(r.kind, r.kind)})")


def _compare_zh(r: RoundSheet) -> str:
    if r.ballots_returned == r.ballots_issued:
        return "发出的票数与收回票数相等"
    if r.ballots_returned < r.ballots_issued:
        return "收回票数少于发出票数"
    return "收回票数多于发出票数"


def _compare_en(r: RoundSheet) -> str:
    if r.ballots_returned == r.ballots_issued:
        return "as many as were issued"
    if r.ballots_returned < r.ballots_issued:
        return "fewer than were issued"
    return "more than were issued"


def _when(sheet: TallySheet) -> tuple[str, str] | None:
    """The last line: when the result was published, or before publication when the last round closed."""
    if sheet.published_at is not None:
        return (
            f"本结果于{when(sheet, sheet.published_at, 'zh')}公布。",
            f"Published {when(sheet, sheet.published_at, 'en')}.",
        )
    last = sheet.rounds[-1] if sheet.rounds else None
    if last is None or last.closed_at is None:
        return None
    return (
        f"第{last.number}轮投票于{when(sheet, last.closed_at, 'zh')}结束。",
        f"Round {last.number} closed {when(sheet, last.closed_at, 'en')}.",
    )


def round_zh(sheet: TallySheet, r: RoundSheet) -> list[str]:
    """One round, as the chair reads it."""
    reporter = "总监票人" if sheet.chief_scrutineer else "监票人"
    quorum = "符合法定人数" if r.quorum else "不符合法定人数"
    valid = "本次票决无效" if r.void else "本次票决有效"
    lead = f"{_round_name_zh(r)}，" if _named_rounds(sheet) else ""
    lines = [
        f"{lead}根据{reporter}报告，应到代表{r.deputy_count}人，实到{r.deputies_present}人，{quorum}；"
        f"发出表决票{r.ballots_issued}张，收回{r.ballots_returned}张，{_compare_zh(r)}，{valid}。"
    ]
    if r.void:
        lines.append("按照票决办法，应重新投票。")
        return lines
    lines[0] += f"收回的表决票中，有效票{r.valid}张，无效票{r.invalid}张。"
    lines.append("现将计票结果报告如下：")
    last = len(r.projects) - 1
    lines += [
        f"{project_zh(sheet, p.number)}，赞成{p.approvals}票，票决率{p.rate_text}{'。' if i == last else '；'}"
        for i, p in enumerate(r.projects)
    ]
    if _named_rounds(sheet):
        lines.append(f"本轮当选的项目是：{projects_zh(sheet, r.selected)}。" if r.selected else "本轮没有项目当选。")
    if r.runoff_reason == "tie":
        lines.append(
            f"{projects_zh(sheet, r.runoff_projects)}得票相等，需就这些项目再次投票，确定{r.runoff_seats}个项目。"
        )
    elif r.runoff_reason == "shortfall":
        lines.append(f"当选项目不足应选数，需就未当选的项目另行票决，确定{r.runoff_seats}个项目。")
    if r.vacant:
        lines.append(f"按照票决办法，{r.vacant}个名额空缺。")
    return lines


def announcement_zh(sheet: TallySheet) -> str:
    """The whole text to read out: the address, round by round, the selected projects, the time."""
    marks = f"（{sheet.marks_zh}）" if sheet.marks_zh else ""
    paragraphs = [f"{sheet.title_zh}计票结果宣读稿{marks}", "各位代表："]
    paragraphs += ["\n".join(round_zh(sheet, r)) for r in sheet.rounds]
    if sheet.decided:
        paragraphs.append(
            f"根据票决结果，{projects_zh(sheet, sheet.selected)}，共{len(sheet.selected)}个项目当选。"
            + (f"{sheet.vacant}个名额空缺。" if sheet.vacant else "")
        )
    when = _when(sheet)
    if when:
        paragraphs.append(when[0])
    return "\n\n".join(paragraphs) + "\n"


def round_en(sheet: TallySheet, r: RoundSheet) -> list[str]:
    reporter = "the chief scrutineer's" if sheet.chief_scrutineer else "the scrutineers'"
    lead = f"{_round_name_en(r)}. " if _named_rounds(sheet) else ""
    quorum = "a quorum" if r.quorum else "no quorum"
    valid = "the vote is void" if r.void else "the vote is valid"
    lines = [
        f"{lead}According to {reporter} report, of {plural(r.deputy_count, 'deputy', 'deputies')}"
        f" {r.deputies_present} {'is' if r.deputies_present == 1 else 'are'} present, {quorum};"
        f" {plural(r.ballots_issued, 'ballot')} {'was' if r.ballots_issued == 1 else 'were'} issued"
        f" and {r.ballots_returned} returned, {_compare_en(r)}: {valid}."
    ]
    if r.void:
        lines.append("Under the rules of the vote, it is held again.")
        return lines
    lines[0] += f" Of the ballots returned, {r.valid} {'is' if r.valid == 1 else 'are'} valid and {r.invalid} invalid."
    lines.append("The count is as follows:")
    last = len(r.projects) - 1
    lines += [
        f"{_project_en(sheet, p.number)}: {plural(p.approvals, 'approval')}, {p.rate_text}{'.' if i == last else ';'}"
        for i, p in enumerate(r.projects)
    ]
    if _named_rounds(sheet):
        lines.append(
            f"Selected in this round: {_projects_en(sheet, r.selected)}."
            if r.selected
            else "No project is selected in this round."
        )
    if r.runoff_reason == "tie":
        lines.append(
            f"{_projects_en(sheet, r.runoff_projects)} are tied: the deputies vote again on them"
            f" for {plural(r.runoff_seats, 'seat')}."
        )
    elif r.runoff_reason == "shortfall":
        lines.append(
            f"Too few projects are selected: a shortfall round among those not selected fills"
            f" {plural(r.runoff_seats, 'seat')}."
        )
    if r.vacant:
        lines.append(
            f"Under the rules of the vote, {plural(r.vacant, 'seat')} {'stays' if r.vacant == 1 else 'stay'} vacant."
        )
    return lines


def announcement_en(sheet: TallySheet) -> str:
    marks = f" ({sheet.marks_en})" if sheet.marks_en else ""
    paragraphs = [f"{sheet.title_en or sheet.title_zh}: the count as read in the hall{marks}", "Fellow deputies,"]
    paragraphs += ["\n".join(round_en(sheet, r)) for r in sheet.rounds]
    if sheet.decided:
        paragraphs.append(
            f"As the vote decided, {plural(len(sheet.selected), 'project')}"
            f" {'is' if len(sheet.selected) == 1 else 'are'} selected: {_projects_en(sheet, sheet.selected)}."
            + (
                f" {plural(sheet.vacant, 'seat')} {'stays' if sheet.vacant == 1 else 'stay'} vacant."
                if sheet.vacant
                else ""
            )
        )
    when = _when(sheet)
    if when:
        paragraphs.append(when[1])
    return "\n\n".join(paragraphs) + "\n"
