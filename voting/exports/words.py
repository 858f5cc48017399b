"""Sentences the forms of the tally sheet share (PDF, XLSX): the reconciliation, the next round,
the round's heading, and the status line; so the forms word the same facts alike."""

from __future__ import annotations

import datetime as dt

from voting.exports.sheet import KIND_EN, KIND_ZH, RoundSheet, TallySheet
from voting.localtime import for_people

RUNOFF_KIND = {"tie": "tie_break", "shortfall": "shortfall", "void": "revote"}

WRAPPERS = (("“", "”"), ("「", "」"), ('"', '"'))
"""Quotes that may already wrap a whole title."""


def quoted(title: str) -> str:
    """A title in quotes, once: one already wholly in “” or 「」 is left as it is; quotes inside a title
    become the inner quotes ‘’ (第4号“‘阳光老人家’项目”, never ““阳光老人家”项目”)."""
    for opening, closing in WRAPPERS:
        inner = title[len(opening) : -len(closing)]
        if len(title) > 2 and title.startswith(opening) and title.endswith(closing) and closing not in inner:
            return title
    inner = title.replace("“", "‘").replace("”", "’")
    while inner.count('"') >= 2:
        inner = inner.replace('"', "‘", 1).replace('"', "’", 1)
    return f"“{inner}”"


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 seat``, ``2 seats``: English counts as people say them (``many`` for an irregular plural)."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def when_zh(sheet: TallySheet, instant: dt.datetime) -> str:
    """An instant on the sitting's clock, zone named: 2020-01-08 07:00 北京时间."""
    return for_people(instant, sheet.time_zone, "zh")


def when_en(sheet: TallySheet, instant: dt.datetime) -> str:
    return for_people(instant, sheet.time_zone, "en")


def round_heading_zh(r: RoundSheet) -> str:
    return f"第{r.number}轮 · {KIND_ZH.get(r.kind, r.kind)}"


def round_heading_en(r: RoundSheet) -> str:
    return f"Round {r.number} · {KIND_EN.get(r.kind, r.kind)}"


def reconciliation_zh(r: RoundSheet) -> tuple[str, ...]:
    """The reconciliation in words: the equation when the counts add up, else each mismatch."""
    if r.mismatches_zh:
        return r.mismatches_zh
    line = (
        f"发出票数{r.ballots_issued}张，收回票数{r.ballots_returned}张，二者相等；"
        f"有效票{r.valid}张与无效票{r.invalid}张之和等于收回票数。"
    )
    if r.paper_issued or r.paper:
        line += f"收回票中电子票{r.electronic}张、纸质票{r.paper}张（发出纸质票{r.paper_issued}张），合计{r.ballots_returned}张。"
    else:
        line += f"收回票均为电子票（{r.electronic}张）。"
    return (line,)


def reconciliation_en(r: RoundSheet) -> tuple[str, ...]:
    if r.mismatches_en:
        return r.mismatches_en
    line = (
        f"{r.ballots_issued} ballots issued and {r.ballots_returned} returned, equal; "
        f"valid {r.valid} plus invalid {r.invalid} make the ballots returned."
    )
    if r.paper_issued or r.paper:
        line += f" Of those returned, {r.electronic} electronic and {r.paper} paper ({r.paper_issued} paper issued)."
    else:
        line += f" All {r.electronic} were electronic."
    return (line,)


def project_zh(sheet: TallySheet, number: int) -> str:
    """第4号“‘阳光老人家’项目”: a project as every form names it, its title quoted once."""
    return f"第{number}号{quoted(sheet.titles.get(number, ('', ''))[0])}"


def projects_zh(sheet: TallySheet, numbers: tuple[int, ...]) -> str:
    return "、".join(project_zh(sheet, n) for n in numbers)


def next_round_zh(sheet: TallySheet, r: RoundSheet) -> str | None:
    """What the round calls for next, or None when it calls for nothing."""
    if r.runoff_reason == "tie":
        return f"{projects_zh(sheet, r.runoff_projects)}得票相等，就这些项目再次投票，确定{r.runoff_seats}个项目。"
    if r.runoff_reason == "shortfall":
        return f"当选项目不足应选数，就{projects_zh(sheet, r.runoff_projects)}另行票决，确定{r.runoff_seats}个项目。"
    if r.runoff_reason == "void":
        return f"本轮票决无效，重新投票，确定{r.runoff_seats}个项目。"
    return None


def next_round_en(r: RoundSheet) -> str | None:
    if r.runoff_reason is None:
        return None
    kind = KIND_EN.get(RUNOFF_KIND.get(r.runoff_reason, ""), r.runoff_reason)
    among = ", ".join(f"No. {n}" for n in r.runoff_projects)
    return f"Next: a {kind} among {among} for {plural(r.runoff_seats, 'seat')}."


def status_zh(sheet: TallySheet) -> str:
    if sheet.official:
        when = when_zh(sheet, sheet.published_at) if sheet.published_at else ""
        line = f"本报告单所载结果已于{when}公布，为正式结果。"
    else:
        line = "本报告单在结果公布前导出，不是正式结果。"
    if sheet.training:
        line = "本票决为演练，结果不具效力。" + line
    return line


def status_en(sheet: TallySheet) -> str:
    if sheet.official:
        when = when_en(sheet, sheet.published_at) if sheet.published_at else ""
        line = f"The result on this sheet was published on {when} and is official."
    else:
        line = "Exported before the result was published: not the official result."
    if sheet.training:
        line = "A training vote: its result has no effect. " + line
    return line


def title_zh(sheet: TallySheet) -> str:
    """The form's title, marks included: 演练 for training, 未公布 before publication."""
    return f"{sheet.title_zh}计票结果报告单" + (f"（{sheet.marks_zh}）" if sheet.marks_zh else "")


def title_en(sheet: TallySheet) -> str:
    return f"Tally sheet: {sheet.title_en or sheet.title_zh}" + (f" ({sheet.marks_en})" if sheet.marks_en else "")
