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

from voting.domain.messages import N_
from voting.domain.rate import rounded
from voting.domain.rules import BallotStyle
from voting.exports import words
from voting.exports.sheet import KIND_ZH, STATUS_ZH, ProjectLine, RoundSheet, TallySheet, rules_in_words
from voting.exports.spreadsheet import display_width, text_cell
from voting.language import translations

LANGUAGE = "zh"
"""The workbook's one language: its labels are the catalog's, in Chinese."""
_ = translations(LANGUAGE).gettext
ngettext = translations(LANGUAGE).ngettext
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
    (N_("Deputies"), "deputy_count"),
    (N_("Present"), "deputies_present"),
    (N_("Issued"), "ballots_issued"),
    (N_("Returned"), "ballots_returned"),
    (N_("Valid"), "valid"),
    (N_("Invalid"), "invalid"),
    (N_("Electronic"), "electronic"),
    (N_("Paper"), "paper"),
    (N_("Paper issued"), "paper_issued"),
    (N_("Approvals to be selected"), "threshold"),
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
    _span(ws, 1, 1, last, words.title(sheet, LANGUAGE), TITLE)
    _span(ws, 2, 1, last, words.title(sheet, "en"))
    _span(ws, 3, 1, last, subtitle, BOLD)
    _span(ws, 4, 1, last, words.status(sheet, LANGUAGE), MARK if sheet.marks(LANGUAGE) else None)
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
    widest = [least for least, _most in limits]
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
    ws.oddFooter.center.text = _("Page &P of &N")
    ws.freeze_panes = ws.cell(row=repeat + 1, column=1).coordinate


def _signatures(ws: Worksheet, row: int, sheet: TallySheet) -> int:
    """The PDF's signature lines: a line to sign on per person, the name (when known) beneath it."""
    _put(ws, row, 1, _("Signatures"), BOLD)
    lines: list[tuple[str, Sequence[str]]] = [
        (_("Chief scrutineer"), [sheet.chief_scrutineer]),
        (_("Scrutineers"), sheet.scrutineers or ["", "", ""]),
        (_("Counters"), ["", "", ""]),
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
    _put(ws, row, 1, _("Date"), BOLD)
    _span(ws, row, 2, 7, _("(year, month, day)"))
    return row + 1


SUMMARY_LAST = 3 + len(ATTENDANCE) + 3
"""The summary's widest table, the rounds' attendance: 轮次, 类型, 应选, the counts, 核对, 本轮当选, 下一轮."""


# long: one printed form, written top to bottom as it reads on paper
def _summary(ws: Worksheet, sheet: TallySheet) -> None:
    row = _title(ws, sheet, f"{sheet.meeting_zh} {sheet.plenary_zh}".strip(), SUMMARY_LAST)
    facts: list[tuple[str, Any]] = [
        (_("Meeting"), f"{sheet.meeting_zh} {sheet.plenary_zh}".strip()),
        (_("Date"), sheet.date),
        (_("Vote no."), sheet.vote_id),
        (_("Vote"), sheet.title_zh),
        (_("Training"), _("yes") if sheet.training else _("no")),
        (_("Published"), _("yes") if sheet.official else _("no")),
    ]
    for label, value in facts:
        _put(ws, row, 1, label, BOLD)
        cell = _span(ws, row, 2, SUMMARY_LAST, value)
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        if label == _("Date"):
            cell.number_format = "yyyy-mm-dd"
        row += 1
    row += 1
    _span(ws, row, 1, SUMMARY_LAST, _("Rules"), BOLD)
    for n, line in enumerate(rules_in_words(sheet.rules, LANGUAGE), start=1):
        row += 1
        _put(ws, row, 1, n).alignment = Alignment(horizontal="right", vertical="top")
        _span(ws, row, 2, SUMMARY_LAST, line)
    row += 2

    _span(ws, row, 1, SUMMARY_LAST, _("Attendance and ballots, round by round"), BOLD)
    headers = [
        _("Round"),
        _("Kind"),
        _("Seats"),
        *(_(label) for label, _name in ATTENDANCE),
        _("Check"),
        _("Selected in the round (most approvals first)"),
        _("Next"),
    ]
    rows = [
        [
            r.number,
            KIND_ZH.get(r.kind, r.kind),
            r.seats,
            *(getattr(r, name) for _label, name in ATTENDANCE),
            _("; ").join(r.mismatches(LANGUAGE)) or _("reconciled"),
            _(", ").join(_("No. %(number)s") % {"number": n} for n in r.selected),
            words.next_round(sheet, r, LANGUAGE) or "",
        ]
        for r in sheet.rounds
    ]
    row = _table(ws, row + 1, headers, rows, {})

    _span(ws, row, 1, SUMMARY_LAST, _("Result") if sheet.decided else _("Result (not yet complete)"), BOLD)
    row += 1
    for col, header in enumerate([_("Order"), _("No."), _("Project"), "Project"], start=1):
        cell = _span(ws, row, *_result_columns(col), header, BOLD)
        cell.fill = HEADER_FILL
    for i, n in enumerate(sheet.selected, start=1):
        row += 1
        for col, value in enumerate([i, n, sheet.titles[n][0], sheet.titles[n][1]], start=1):
            _span(ws, row, *_result_columns(col), value)
    row += 2
    if sheet.vacant:
        _put(
            ws,
            row - 1,
            1,
            ngettext("%(seats)s seat vacant", "%(seats)s seats vacant", sheet.vacant) % {"seats": sheet.vacant},
        )
        row += 1

    _span(ws, row, 1, SUMMARY_LAST, _("Check values (SHA-256)"), BOLD)
    hashes: list[tuple[str, str]] = [
        (_("Result digest"), sheet.result_digest or _("(made at publication)")),
        (_("Ballot lists digest"), sheet.ballots_digest or _("(made at publication)")),
        *(
            (_("Audit head at round %(number)s's close") % {"number": r.number}, r.audit_head_at_close or "")
            for r in sheet.rounds
        ),
        (
            _("Audit head at publication"),
            sheet.audit_head_at_publication
            or (_("(see the announcement's last line)") if sheet.official else _("(not yet published)")),
        ),
        (_("Audit head when made"), sheet.audit_head),
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
    headers = [_("No."), _("Project"), "Project", _("Approve")]
    if aoa:
        headers += [_("Oppose"), _("Abstain"), _("No choice")]
    headers += [_("Rate"), _("Status")]
    last = max(len(headers), len(ATTENDANCE))
    row = _title(
        ws,
        sheet,
        _("%(heading)s (%(seats)s to select)") % {"heading": words.round_heading(r, LANGUAGE), "seats": r.seats},
        last,
    )
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
    _span(ws, row - 1, 1, last, _("Rate: approvals over deputies present."))
    row += 1
    _span(ws, row, 1, last, _("Attendance and ballots"), BOLD)
    row = _table(
        ws, row + 1, [_(label) for label, _name in ATTENDANCE], [[getattr(r, name) for _label, name in ATTENDANCE]], {}
    )
    _span(ws, row - 1, 1, last, _("Check: %(check)s") % {"check": "".join(words.reconciliation(r, LANGUAGE))})
    row += 1
    _span(
        ws,
        row,
        1,
        last,
        _("Selected in this round (most approvals first, %(count)s in all)") % {"count": len(r.selected)},
        BOLD,
    )
    chosen = [[p.number, p.title_zh, p.title_en, p.approvals] for n in r.selected for p in r.projects if p.number == n]
    row = _table(ws, row + 1, headers[:4], chosen, {})
    following = words.next_round(sheet, r, LANGUAGE)
    if following:
        _put(ws, row, 1, _("Next"), BOLD)
        _span(ws, row, 2, last, following)
    limits = [(8, 10), (16, 24), (20, 28), (8, 10)] + [(8, 10)] * (last - 4)
    _fit(ws, limits)
    _print(ws, landscape=False, repeat=header_row)


def render_xlsx(sheet: TallySheet) -> bytes:
    """The sheet as an XLSX workbook: 汇总 plus one sheet per round."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = _("Summary")
    _summary(summary, sheet)
    for r in sheet.rounds:
        _round(book.create_sheet(_("Round %(number)s") % {"number": r.number}), sheet, r)
    book.properties.title = words.title(sheet, LANGUAGE)
    book.properties.subject = words.title(sheet, "en")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
