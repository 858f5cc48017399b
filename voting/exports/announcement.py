"""The announcement read in the hall (宣读稿), in the customary form of DESIGN section 1.

应到代表327人，实到314人，符合法定人数；发出表决票314张，收回314张，发出的票数与收回票数相等，
本次票决有效 — then each project's approvals and rate, then the selected projects.
"""

from __future__ import annotations

from voting.exports.sheet import KIND_EN, KIND_ZH, RoundSheet, TallySheet


def _compare_zh(r: RoundSheet) -> str:
    if r.ballots_returned == r.ballots_issued:
        return "发出的票数与收回票数相等"
    if r.ballots_returned < r.ballots_issued:
        return "收回票数少于发出票数"
    return "收回票数多于发出票数"


def _numbers_zh(sheet: TallySheet, numbers: tuple[int, ...]) -> str:
    return "、".join(f"第{n}号“{sheet.titles.get(n, ('', ''))[0]}”" for n in numbers)


def round_zh(sheet: TallySheet, r: RoundSheet) -> list[str]:
    quorum = "符合法定人数" if r.quorum else "不符合法定人数"
    valid = "本次票决无效" if r.void else "本次票决有效"
    lines = [
        f"{KIND_ZH.get(r.kind, r.kind)}（第{r.number}轮）：应到代表{r.deputy_count}人，实到{r.deputies_present}人，{quorum}；"
        f"发出表决票{r.ballots_issued}张，收回{r.ballots_returned}张，{_compare_zh(r)}，{valid}。"
        f"其中有效票{r.valid}张，无效票{r.invalid}张。",
        "计票结果如下：",
    ]
    lines += [f"第{p.number}号“{p.title_zh}”，赞成{p.approvals}票，票决率{p.rate_text}；" for p in r.projects]
    if r.void:
        lines.append("收回票数多于发出票数，本轮票决无效，应重新投票。")
        return lines
    if r.selected:
        lines.append(f"获得全体代表过半数赞成票、按得票多少当选的项目为：{_numbers_zh(sheet, r.selected)}。")
    if r.runoff_reason == "tie":
        lines.append(
            f"{_numbers_zh(sheet, r.runoff_projects)}得票相等，需就这些项目再次投票，确定{r.runoff_seats}个项目。"
        )
    elif r.runoff_reason == "shortfall":
        lines.append(f"当选项目不足应选数，需就未当选的项目另行票决，确定{r.runoff_seats}个项目。")
    if r.vacant:
        lines.append(f"按票决办法，{r.vacant}个名额空缺。")
    return lines


def announcement_zh(sheet: TallySheet) -> str:
    """The whole text to read out, round by round, then the vote's result."""
    title = sheet.title_zh + (f"（{sheet.marks_zh}）" if sheet.marks_zh else "")
    paragraphs = [f"{title}计票结果报告"]
    for r in sheet.rounds:
        paragraphs.append("\n".join(round_zh(sheet, r)))
    if sheet.decided:
        paragraphs.append(
            f"根据票决结果，{_numbers_zh(sheet, sheet.selected)}共{len(sheet.selected)}个项目当选。"
            + (f"{sheet.vacant}个名额空缺。" if sheet.vacant else "")
        )
    return "\n\n".join(paragraphs) + "\n"


def announcement_en(sheet: TallySheet) -> str:
    title = sheet.title_en or sheet.title_zh
    paragraphs = [f"{title}: tally" + (f" ({sheet.marks_en})" if sheet.marks_en else "")]
    for r in sheet.rounds:
        state = "the round is void" if r.void else "the round is valid"
        lines = [
            f"{KIND_EN.get(r.kind, r.kind).capitalize()} (round {r.number}): {r.deputy_count} deputies, {r.deputies_present} present"
            f"{', a quorum' if r.quorum else ', no quorum'}; {r.ballots_issued} ballots issued, {r.ballots_returned} returned; {state}."
            f" Valid {r.valid}, invalid {r.invalid}."
        ]
        lines += [
            f"No. {p.number} {p.title_en or p.title_zh}: {p.approvals} approvals, {p.rate_text}." for p in r.projects
        ]
        if r.selected:
            lines.append("Selected: " + ", ".join(f"No. {n}" for n in r.selected) + ".")
        if r.runoff_reason:
            lines.append(
                f"Next: a {KIND_EN.get({'tie': 'tie_break', 'shortfall': 'shortfall', 'void': 'revote'}[r.runoff_reason])}"
                f" among {', '.join(f'No. {n}' for n in r.runoff_projects)} for {r.runoff_seats} seat(s)."
            )
        paragraphs.append("\n".join(lines))
    if sheet.decided:
        paragraphs.append(
            f"Result: {len(sheet.selected)} projects selected: " + ", ".join(f"No. {n}" for n in sheet.selected) + "."
        )
    return "\n\n".join(paragraphs) + "\n"
