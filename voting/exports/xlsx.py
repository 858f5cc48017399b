"""The tally sheet as an Excel workbook (openpyxl).

Sheets: 汇总 (the summary: meeting, rules, every round's attendance and
reconciliation, the vote's selected projects, the hashes) and one sheet per
counted round, 第1轮, 第2轮, … (attendance, each project's counts in number
order, the selected projects, the next round).  Counts are integer cells; the
rate (票决率) is a number, rounded half up to the hundredth of a percent as in
the hall, shown with a ``0.00%`` format.  The first row of every sheet is the
title with its marks (演练, 未公布).

Every text cell is a string, never a formula, whatever a title or a name begins
with (``spreadsheet.text_cell``).  The workbook is laid out for a clerk to read
and print: columns as wide as their text (up to a limit, then wrapped), the
title rows frozen and repeated on every printed page, each sheet fitted to the
width of an A4 page (the summary in landscape), and the summary ends with the
PDF's signature lines (总监票人, 监票人, 计票人, 日期).  A round sheet begins with
its count (编号, 项目名称, 赞成, …), whose header stays in view while the list
scrolls, then its attendance and reconciliation.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from voting.domain.rate import rounded
from voting.domain.rules import BallotStyle
from voting.exports import words
from voting.exports.sheet import KIND_ZH, STATUS_ZH, ProjectLine, RoundSheet, TallySheet, rules_in_words_zh
from voting.exports.spreadsheet import display_width, text_cell

PERCENT = "0.00%"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
MARK = Font(bold=True, size=12, color="C00000")
SMALL = Font(size=9, color="333333")
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
SIGN_LINE = Border(bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
TITLE_ROWS = 4
"""The title, its English, the subtitle and the status: frozen, and repeated on every printed page."""
LINE_HEIGHT = 15.0
"""Points per line of 11-point text (Chinese included): the height of a row whose text wraps."""
SIGNATURE_SLOTS = 4
"""Signature slots per line; each takes three columns."""

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
    """The rate as the hall hears it (``voting.domain.rate.rounded``), as a fraction of one,
    so that the cell shown as ``0.00%`` reads exactly as the announcement does."""
    return float(rounded(line.rate))


def _put(ws: Worksheet, row: int, col: int, value: Any, font: Font | None = None) -> Any:
    """Write one cell: a text as a string (never a formula), wrapped, so that it never runs over its neighbour."""
    cell = text_cell(ws.cell(row=row, column=col), value)
    cell.alignment = WRAP if isinstance(value, str) else TOP
    if font is not None:
        cell.font = font
    return cell


def _table(ws: Worksheet, row: int, headers: list[str], rows: list[list[Any]], formats: dict[int, str]) -> int:
    """Writes a boxed table from ``row``; returns the next free row."""
    for col, header in enumerate(headers, start=1):
        cell = _put(ws, row, col, header, BOLD)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for values in rows:
        row += 1
        for col, value in enumerate(values, start=1):
            cell = _put(ws, row, col, value)
            cell.border = BOX
            if col in formats:
                cell.number_format = formats[col]
    return row + 2


def _span(ws: Worksheet, row: int, first: int, last: int, value: Any, font: Font | None = None) -> Any:
    """A text across columns ``first``..``last`` (merged), wrapped within them."""
    cell = _put(ws, row, first, value, font)
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    return cell


def _title(ws: Worksheet, sheet: TallySheet, subtitle: str, last: int) -> int:
    _span(ws, 1, 1, last, words.title(sheet, "zh"), TITLE)
    _span(ws, 2, 1, last, words.title(sheet, "en"))
    _span(ws, 3, 1, last, subtitle, BOLD)
    _span(ws, 4, 1, last, words.status(sheet, "zh"), MARK if sheet.marks_zh else None)
    return TITLE_ROWS + 2


def _merged(ws: Worksheet) -> dict[tuple[int, int], int]:
    """(row, column) of each merged range's first cell -> the columns it spans; other merged cells -> 0."""
    spans: dict[tuple[int, int], int] = {}
    for rng in ws.merged_cells.ranges:
        for row in range(rng.min_row, rng.max_row + 1):
            for col in range(rng.min_col, rng.max_col + 1):
                spans[(row, col)] = 0
        spans[(rng.min_row, rng.min_col)] = rng.max_col - rng.min_col + 1
    return spans


def _shown(cell: Any) -> str:
    return f"{cell.value:.2%}" if cell.number_format == PERCENT else str(cell.value)


def _fit(ws: Worksheet, limits: Sequence[tuple[float, float]]) -> None:
    """Columns as wide as their widest unmerged text (within each column's least and most), then each
    row as tall as its wrapped text needs: Excel and LibreOffice grow neither for a merged cell."""
    spans = _merged(ws)
    widest = [least for least, _ in limits]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None and (cell.row, cell.column) not in spans and cell.column <= len(limits):
                wanted = min(limits[cell.column - 1][1], display_width(_shown(cell)) + 2)
                widest[cell.column - 1] = max(widest[cell.column - 1], wanted)
    for col, width in enumerate(widest, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    for row in ws.iter_rows():
        lines = 1
        for cell in row:
            if cell.value is None or spans.get((cell.row, cell.column)) == 0:
                continue
            span = spans.get((cell.row, cell.column), 1)
            room = sum(widest[c - 1] for c in range(cell.column, min(cell.column + span, len(widest) + 1))) - 1
            lines = max(lines, math.ceil(display_width(_shown(cell)) / max(room, 1.0)))
        size = max(float(row[0].font.size or 11), 11.0)
        if lines > 1 or size > 12:
            ws.row_dimensions[row[0].row].height = lines * LINE_HEIGHT * size / 11


ONE_PAGE_ROWS = 70
"""A summary up to this many rows is fitted to one page, like the PDF's first page; a longer one runs on."""


def _print(ws: Worksheet, *, landscape: bool, repeat: int, one_page: bool = False) -> None:
    """A4, fitted to the page's width (and to one page's height if ``one_page``, else as many pages as it
    takes), the top ``repeat`` rows on every page, and kept in view on screen."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = f"1:{repeat}"
    ws.oddFooter.center.text = "第 &P 页 / 共 &N 页"
    ws.freeze_panes = ws.cell(row=repeat + 1, column=1).coordinate


def _signatures(ws: Worksheet, row: int, sheet: TallySheet) -> int:
    """The PDF's signature lines: a line to sign on per person, the name (when known) beneath it."""
    _put(ws, row, 1, "签字", BOLD)
    lines: list[tuple[str, Sequence[str]]] = [
        ("总监票人", [sheet.chief_scrutineer]),
        ("监票人", sheet.scrutineers or ["", "", ""]),
        ("计票人", ["", "", ""]),
    ]
    row += 1
    for label, names in lines:
        for start in range(0, len(names), SIGNATURE_SLOTS):
            _put(ws, row, 1, label if start == 0 else "", BOLD)
            ws.row_dimensions[row].height = 2 * LINE_HEIGHT
            for i, name in enumerate(names[start : start + SIGNATURE_SLOTS]):
                first = 2 + 3 * i
                for col in range(first, first + 3):
                    ws.cell(row=row, column=col).border = SIGN_LINE
                if name:
                    _span(ws, row + 1, first, first + 2, name, SMALL)
            row += 2
    _put(ws, row, 1, "日期", BOLD)
    _span(ws, row, 2, 7, "　　　　年　　月　　日")
    return row + 1


SUMMARY_LAST = 3 + len(ATTENDANCE) + 3
"""The summary's widest table, the rounds' attendance: 轮次, 类型, 应选, the counts, 核对, 本轮当选, 下一轮."""


# long: one printed form, written top to bottom as it reads on paper
def _summary(ws: Worksheet, sheet: TallySheet) -> None:
    row = _title(ws, sheet, f"{sheet.meeting_zh} {sheet.plenary_zh}".strip(), SUMMARY_LAST)
    facts: list[tuple[str, Any]] = [
        ("会议", f"{sheet.meeting_zh} {sheet.plenary_zh}".strip()),
        ("日期", sheet.date),
        ("票决编号", sheet.vote_id),
        ("票决事项", sheet.title_zh),
        ("演练", "是" if sheet.training else "否"),
        ("已公布", "是" if sheet.official else "否"),
    ]
    for label, value in facts:
        _put(ws, row, 1, label, BOLD)
        cell = _span(ws, row, 2, SUMMARY_LAST, value)
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        if label == "日期":
            cell.number_format = "yyyy-mm-dd"
        row += 1
    row += 1
    _span(ws, row, 1, SUMMARY_LAST, "票决办法", BOLD)
    for n, line in enumerate(rules_in_words_zh(sheet.rules), start=1):
        row += 1
        _put(ws, row, 1, n).alignment = Alignment(horizontal="right", vertical="top")
        _span(ws, row, 2, SUMMARY_LAST, line)
    row += 2

    _span(ws, row, 1, SUMMARY_LAST, "各轮出席与选票核对", BOLD)
    headers = ["轮次", "类型", "应选", *(label for label, _ in ATTENDANCE), "核对", "本轮当选（按得票多少）", "下一轮"]
    rows = [
        [
            r.number,
            KIND_ZH.get(r.kind, r.kind),
            r.seats,
            *(getattr(r, name) for _, name in ATTENDANCE),
            "；".join(r.mismatches_zh) or "相符",
            "、".join(f"第{n}号" for n in r.selected),
            words.next_round(sheet, r, "zh") or "",
        ]
        for r in sheet.rounds
    ]
    row = _table(ws, row + 1, headers, rows, {})

    _span(ws, row, 1, SUMMARY_LAST, "票决结果" if sheet.decided else "票决结果（尚未完成）", BOLD)
    row += 1
    for col, header in enumerate(["序号", "编号", "项目名称", "Project"], start=1):
        cell = _span(ws, row, *_result_columns(col), header, BOLD)
        cell.fill = HEADER_FILL
    for i, n in enumerate(sheet.selected, start=1):
        row += 1
        for col, value in enumerate([i, n, sheet.titles[n][0], sheet.titles[n][1]], start=1):
            _span(ws, row, *_result_columns(col), value)
    row += 2
    if sheet.vacant:
        _put(ws, row - 1, 1, f"{sheet.vacant}个名额空缺")
        row += 1

    _span(ws, row, 1, SUMMARY_LAST, "校验值 (SHA-256)", BOLD)
    hashes: list[tuple[str, str]] = [
        ("结果摘要", sheet.result_digest or "（公布时生成）"),
        ("选票清单摘要", sheet.ballots_digest or "（公布时生成）"),
        *((f"第{r.number}轮结束时审计日志头", r.audit_head_at_close or "") for r in sheet.rounds),
        (
            "公布时审计日志头",
            sheet.audit_head_at_publication or ("（见宣读稿末行）" if sheet.official else "（尚未公布）"),
        ),
        ("制作时审计日志头", sheet.audit_head),
    ]
    for label, value in hashes:
        row += 1
        _put(ws, row, 1, label)
        _span(ws, row, 2, SUMMARY_LAST, value)
    row += 2
    _signatures(ws, row, sheet)
    _fit(ws, [(14, 20), (12, 14), *[(6, 8)] * (1 + len(ATTENDANCE)), (10, 24), (12, 24), (16, 36)])
    _print(ws, landscape=True, repeat=TITLE_ROWS, one_page=ws.max_row <= ONE_PAGE_ROWS)


def _result_columns(col: int) -> tuple[int, int]:
    """The result table's columns on the summary: 序号 in A, 编号 in B, the titles across the counts' columns."""
    middle = 3 + len(ATTENDANCE) // 2
    return {1: (1, 1), 2: (2, 2), 3: (3, middle), 4: (middle + 1, SUMMARY_LAST)}[col]


def _round(ws: Worksheet, sheet: TallySheet, r: RoundSheet) -> None:
    aoa = sheet.rules.ballot_style is BallotStyle.APPROVE_OPPOSE_ABSTAIN
    headers = ["编号", "项目名称", "Project", "赞成"]
    if aoa:
        headers += ["反对", "弃权", "未表态"]
    headers += ["票决率", "结果"]
    last = max(len(headers), len(ATTENDANCE))
    row = _title(ws, sheet, f"{words.round_heading(r, 'zh')}（应选{r.seats}个）", last)
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
    header_row = row
    row = _table(ws, row, headers, rows, {rate_column: PERCENT})
    _span(ws, row - 1, 1, last, "票决率为赞成票数占实到代表人数的比例。")
    row += 1
    _span(ws, row, 1, last, "出席与选票核对", BOLD)
    row = _table(ws, row + 1, [label for label, _ in ATTENDANCE], [[getattr(r, name) for _, name in ATTENDANCE]], {})
    _span(ws, row - 1, 1, last, "核对：" + "".join(words.reconciliation(r, "zh")))
    row += 1
    _span(ws, row, 1, last, f"本轮当选（按得票多少，共{len(r.selected)}个）", BOLD)
    chosen = [[p.number, p.title_zh, p.title_en, p.approvals] for n in r.selected for p in r.projects if p.number == n]
    row = _table(ws, row + 1, headers[:4], chosen, {})
    following = words.next_round(sheet, r, "zh")
    if following:
        _put(ws, row, 1, "下一轮", BOLD)
        _span(ws, row, 2, last, following)
    limits = [(8, 10), (16, 24), (20, 28), (8, 10)] + [(8, 10)] * (last - 4)
    _fit(ws, limits)
    _print(ws, landscape=False, repeat=header_row)


def render_xlsx(sheet: TallySheet) -> bytes:
    """The sheet as an XLSX workbook: 汇总 plus one sheet per round."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "汇总"
    _summary(summary, sheet)
    for r in sheet.rounds:
        _round(book.create_sheet(f"第{r.number}轮"), sheet, r)
    book.properties.title = words.title(sheet, "zh")
    book.properties.subject = words.title(sheet, "en")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
