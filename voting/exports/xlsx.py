"""The tally sheet as an Excel workbook (openpyxl).

Sheets: 汇总 (the summary: meeting, rules, every round's attendance and
reconciliation, the vote's selected projects, the hashes) and one sheet per
counted round, 第1轮, 第2轮, … (attendance, each project's counts in number
order, the selected projects, the next round).  Counts are integer cells; the
rate (票决率) is a number, rounded half up to the hundredth of a percent as in
the hall, shown with a ``0.00%`` format.  The first row of every sheet is the
title with its marks (演练, 未公布).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from voting.domain.rules import BallotStyle
from voting.exports import words
from voting.exports.sheet import KIND_ZH, STATUS_ZH, ProjectLine, RoundSheet, TallySheet, rules_in_words_zh

PERCENT = "0.00%"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
MARK = Font(bold=True, size=12, color="C00000")
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")

ATTENDANCE = (
    ("应到代表", "deputy_count"),
    ("实到代表", "deputies_present"),
    ("发出票数", "ballots_issued"),
    ("收回票数", "ballots_returned"),
    ("有效票", "valid"),
    ("无效票", "invalid"),
    ("电子票", "electronic"),
    ("纸质票", "paper"),
    ("发出纸质票", "paper_issued"),
    ("当选所需赞成票", "threshold"),
)


def rate_value(line: ProjectLine) -> float:
    """The rate as the hall hears it (``percent``: hundredths of a percent, half up), as a fraction of one,
    so that the cell shown as ``0.00%`` reads exactly as the announcement does."""
    hundredths = (line.rate * 10000 + Fraction(1, 2)).__floor__()
    return hundredths / 10000


def _table(ws: Worksheet, row: int, headers: list[str], rows: list[list[Any]], formats: dict[int, str]) -> int:
    """Writes a boxed table from ``row``; returns the next free row."""
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=col, value=header)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for values in rows:
        row += 1
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.border = BOX
            if col in formats:
                cell.number_format = formats[col]
    return row + 2


def _title(ws: Worksheet, sheet: TallySheet, subtitle: str) -> int:
    ws.cell(row=1, column=1, value=words.title_zh(sheet)).font = TITLE
    ws.cell(row=2, column=1, value=words.title_en(sheet))
    ws.cell(row=3, column=1, value=subtitle).font = BOLD
    status = ws.cell(row=4, column=1, value=words.status_zh(sheet))
    if sheet.marks_zh:
        status.font = MARK
    return 6


def _widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _summary(ws: Worksheet, sheet: TallySheet) -> None:
    row = _title(ws, sheet, f"{sheet.meeting_zh} {sheet.plenary_zh}".strip())
    facts: list[tuple[str, Any]] = [
        ("会议", f"{sheet.meeting_zh} {sheet.plenary_zh}".strip()),
        ("日期", sheet.date),
        ("票决编号", sheet.vote_id),
        ("票决事项", sheet.title_zh),
        ("演练", "是" if sheet.training else "否"),
        ("已公布", "是" if sheet.official else "否"),
    ]
    for label, value in facts:
        ws.cell(row=row, column=1, value=label).font = BOLD
        cell = ws.cell(row=row, column=2, value=value)
        if label == "日期":
            cell.number_format = "yyyy-mm-dd"
        row += 1
    row += 1
    ws.cell(row=row, column=1, value="票决办法").font = BOLD
    for n, line in enumerate(rules_in_words_zh(sheet.rules), start=1):
        row += 1
        ws.cell(row=row, column=1, value=n)
        ws.cell(row=row, column=2, value=line)
    row += 2

    ws.cell(row=row, column=1, value="各轮出席与选票核对").font = BOLD
    headers = ["轮次", "类型", "应选", *(label for label, _ in ATTENDANCE), "核对", "本轮当选（按得票多少）", "下一轮"]
    rows = [
        [
            r.number,
            KIND_ZH.get(r.kind, r.kind),
            r.seats,
            *(getattr(r, name) for _, name in ATTENDANCE),
            "；".join(r.mismatches_zh) or "相符",
            "、".join(f"第{n}号" for n in r.selected),
            words.next_round_zh(sheet, r) or "",
        ]
        for r in sheet.rounds
    ]
    row = _table(ws, row + 1, headers, rows, {})

    ws.cell(row=row, column=1, value="票决结果" if sheet.decided else "票决结果（尚未完成）").font = BOLD
    selected = [[i, n, sheet.titles[n][0], sheet.titles[n][1]] for i, n in enumerate(sheet.selected, start=1)]
    row = _table(ws, row + 1, ["序号", "编号", "项目名称", "Project"], selected, {})
    if sheet.vacant:
        ws.cell(row=row - 1, column=1, value=f"{sheet.vacant}个名额空缺")
        row += 1

    ws.cell(row=row, column=1, value="校验值 (SHA-256)").font = BOLD
    hashes: list[tuple[str, str]] = [
        ("结果摘要", sheet.result_digest or "（公布时生成）"),
        ("选票清单摘要", sheet.ballots_digest or "（公布时生成）"),
        *((f"第{r.number}轮结束时审计日志头", r.audit_head_at_close or "") for r in sheet.rounds),
        ("公布时审计日志头", sheet.audit_head_at_publication or "（尚未公布）"),
        ("导出时审计日志头", sheet.audit_head),
    ]
    for label, value in hashes:
        row += 1
        ws.cell(row=row, column=1, value=label)
        ws.cell(row=row, column=2, value=value)
    row += 2
    ws.cell(row=row, column=1, value="总监票人").font = BOLD
    ws.cell(row=row, column=2, value=sheet.chief_scrutineer)
    ws.cell(row=row + 1, column=1, value="监票人").font = BOLD
    ws.cell(row=row + 1, column=2, value="、".join(sheet.scrutineers))
    _widths(ws, [22, 16, 8, 10, 10, 10, 10, 10, 10, 10, 10, 12, 16, 30, 30, 60])


def _round(ws: Worksheet, sheet: TallySheet, r: RoundSheet) -> None:
    row = _title(ws, sheet, f"{words.round_heading_zh(r)}（应选{r.seats}个）")
    row = _table(ws, row, [label for label, _ in ATTENDANCE], [[getattr(r, name) for _, name in ATTENDANCE]], {})
    ws.cell(row=row - 1, column=1, value="核对：" + "".join(words.reconciliation_zh(r)))
    row += 1
    aoa = sheet.rules.ballot_style is BallotStyle.APPROVE_OPPOSE_ABSTAIN
    headers = ["编号", "项目名称", "Project", "赞成"]
    if aoa:
        headers += ["反对", "弃权", "未表态"]
    headers += ["票决率", "结果"]
    rate_column = len(headers) - 1
    rows = [
        [
            p.number,
            p.title_zh,
            p.title_en,
            p.approvals,
            *([p.opposes, p.abstains, p.no_choice] if aoa else []),
            rate_value(p),
            STATUS_ZH.get(p.status, p.status),
        ]
        for p in r.projects
    ]
    row = _table(ws, row, headers, rows, {rate_column: PERCENT})
    ws.cell(row=row - 1, column=1, value="票决率为赞成票数占实到代表人数的比例。")
    row += 1
    ws.cell(row=row, column=1, value="本轮当选（按得票多少）").font = BOLD
    approvals = {p.number: p.approvals for p in r.projects}
    chosen = [[i, n, sheet.titles[n][0], approvals[n]] for i, n in enumerate(r.selected, start=1)]
    row = _table(ws, row + 1, ["序号", "编号", "项目名称", "赞成"], chosen, {})
    following = words.next_round_zh(sheet, r)
    if following:
        ws.cell(row=row, column=1, value="下一轮").font = BOLD
        ws.cell(row=row, column=2, value=following)
    widths = [10, 30, 40, 10]
    widths += [10, 10, 10] if aoa else []
    widths += [12, 12]
    _widths(ws, widths)


def render_xlsx(sheet: TallySheet) -> bytes:
    """The sheet as an XLSX workbook: 汇总 plus one sheet per round."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "汇总"
    _summary(summary, sheet)
    for r in sheet.rounds:
        _round(book.create_sheet(f"第{r.number}轮"), sheet, r)
    book.properties.title = words.title_zh(sheet)
    book.properties.subject = words.title_en(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
