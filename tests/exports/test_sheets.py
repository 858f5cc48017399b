"""The tally sheet's workbook and CSV as a clerk opens them in a spreadsheet, and rare characters in its
PDF (issue 15, points 1, 5 and 7).

One module-wide stage: a published vote shaped like Gongshu's (12 projects, 10 seats, one round) whose
meeting name, vote title, six project titles and the scrutineers' names are known formula-injection
payloads, the other six titles Gongshu's own.  Its XLSX and CSV are read back with openpyxl and with
LibreOffice headless (one soffice run converts both to CSV, one more prints the workbook to PDF), and the
workbook's print set-up is read with openpyxl.  Two scrutineers' names hold rare characters: 𪚥, which
the PDF must draw with its fallback font, and a code point no font has, which the export must report.
"""

from __future__ import annotations

import csv
import io
import os
import re
import secrets
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image
from pypdf import PdfReader

from tests.support.api import Api, Sitting, make_user
from tests.support.databases import fresh_database, module_app
from voting.exports.spreadsheet import display_width
from voting.services.demo import gongshu_2020

pytestmark = pytest.mark.slow  # PDFs rendered, and LibreOffice

MEETING = "=1+1"
TITLE = '=HYPERLINK("http://x","y")'
PROJECT_PAYLOADS = ["+1", "-1+2", "@SUM(1)", "\t=1+1", "\r=1+1", "=cmd|'/C calc'!A0"]
RARE, NONE = "\U0002a6a5", "\U000f0000"
"""Names of one character (so that the word's box is the glyph's): 𪚥 (CJK Extension B: HanaMin B has it,
Noto CJK not), and a private-use code point no font has."""
CHIEF, MEMBERS = "=1+1", ["@SUM(1)", "-1+2", RARE, NONE]
PAYLOADS = [MEETING, TITLE, *PROJECT_PAYLOADS, *MEMBERS[:2]]
ROSTER = 30


@dataclass(frozen=True)
class Stage:
    xlsx: bytes
    csv: bytes
    pdf: bytes
    glyphs: dict[str, Any]
    """GET tally-sheet/glyphs, as the console asks for it."""
    titles: dict[int, str]


def build(app: Flask) -> Stage:
    client = app.test_client()
    clerk = Api(client, make_user(app, "clerk-li", "clerk"))
    gongshu = gongshu_2020()["candidates"]
    titles = {c["number"]: c["title_zh"] for c in gongshu[:6]}
    titles |= {7 + i: payload for i, payload in enumerate(PROJECT_PAYLOADS)}
    mid = clerk.post("/api/v1/meetings", {"name_zh": MEETING, "date": "2020-01-18"}, 201)["id"]
    names = [CHIEF, *MEMBERS, *(f"代表{n}" for n in range(len(MEMBERS) + 2, ROSTER + 1))]
    roster = "编号,姓名\n" + "".join(f'{n},"{name}"\n' for n, name in enumerate(names, start=1))
    assert clerk.upload(f"/api/v1/meetings/{mid}/roster", "roster.csv", roster.encode("utf-8")) == {"imported": ROSTER}
    vote = {
        "meeting_id": mid,
        "title_zh": TITLE,
        "title_en": "=1+1",
        "rules": {"seats": 10},
        "candidates": [
            {"number": n, "title_zh": t, "title_en": c["title_en"]}
            for (n, t), c in zip(titles.items(), gongshu[:12], strict=True)
        ],
    }
    vote_id = clerk.post("/api/v1/votes", vote, 201)["id"]
    sitting = Sitting(clerk, mid, vote_id, clerk.get(f"/api/v1/meetings/{mid}/deputies"))
    sitting.check_in(range(1, ROSTER + 1))
    sitting.issue_codes(range(1, ROSTER + 1))
    clerk.put(f"/api/v1/votes/{vote_id}/scrutineers", {"chief": 1, "members": [2, 3, 4, 5]})
    round_id = sitting.open_round()["id"]
    deputy = Api(client)
    for number in range(1, ROSTER + 1):
        sitting.cast(deputy, number, range(1, 11), key=secrets.token_hex(8))
    assert sitting.close_and_count(round_id)["result"]["selected"] == list(range(1, 11))
    clerk.post(f"/api/v1/votes/{vote_id}/publish")
    xlsx = client.get(f"/api/v1/votes/{vote_id}/tally-sheet.xlsx").data
    table = client.get(f"/api/v1/votes/{vote_id}/tally-sheet.csv").data
    pdf = client.get(f"/api/v1/votes/{vote_id}/tally-sheet.pdf").data
    glyphs = clerk.get(f"/api/v1/votes/{vote_id}/tally-sheet/glyphs")
    return Stage(xlsx, table, pdf, glyphs, titles)


@pytest.fixture(scope="module")
def stage(db_kind: str, _template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    directory = tmp_path_factory.mktemp("sheets-db")
    with fresh_database(db_kind, _template, directory) as url, module_app(url, tmp_path_factory, "sheets") as app:
        yield build(app)


def soffice(tmp_path: Path, convert_to: str, *files: Path) -> Path:
    """Run LibreOffice headless once, with a private profile, converting ``files`` into ``tmp_path/out``."""
    out = tmp_path / "out"
    profile = (tmp_path / "lo-profile").as_uri()
    env = {**os.environ, "HOME": str(tmp_path)}
    command = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", convert_to]
    subprocess.run(
        [*command, "--outdir", str(out), *map(str, files)], check=True, capture_output=True, env=env, timeout=120
    )
    return out


def texts(book_sheets: list[Worksheet]) -> list[str]:
    return [c.value for ws in book_sheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


# --- 15.1: formula injection ------------------------------------------------------------------------


def test_the_workbook_holds_every_payload_as_text_never_a_formula(stage: Stage) -> None:
    book = load_workbook(io.BytesIO(stage.xlsx))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    strings = texts(book.worksheets)
    for payload in PAYLOADS:
        # XML reads a carriage return in a text as a line feed: a line break in the cell, as in Excel.
        assert payload.replace("\r", "\n") in strings, payload
    summary = book["汇总"]
    facts = {row[0].value: row[1].value for row in summary.iter_rows() if row[0].value in ("会议", "票决事项")}
    assert facts == {"会议": MEETING, "票决事项": TITLE}
    chief = next(row for row in summary.iter_rows() if row[0].value == "总监票人")[0].row
    assert summary.cell(row=chief + 1, column=2).value == CHIEF


def test_the_csv_neutralises_every_payload_and_only_those(stage: Stage) -> None:
    rows = list(csv.DictReader(io.StringIO(stage.csv.decode("utf-8-sig"), newline="")))
    by_number = {int(row["number"]): row for row in rows}
    for number, title in stage.titles.items():
        neutral = "'" + title if title.startswith(("=", "+", "-", "@", "\t", "\r")) else title
        assert by_number[number]["title_zh"] == neutral
    assert by_number[1]["title_zh"] == "回迁安置项目"
    assert by_number[1]["approvals"] == str(ROSTER)
    assert by_number[1]["rate"] == "100.00%"


def test_libreoffice_reads_the_payloads_as_text(stage: Stage, tmp_path: Path) -> None:
    workbook, table = tmp_path / "sheet.xlsx", tmp_path / "table.csv"
    workbook.write_bytes(stage.xlsx)
    table.write_bytes(stage.csv)
    # Every sheet of the workbook to its own CSV (the last field, -1), UTF-8 (76); the CSV opened as a clerk
    # would open it, with LibreOffice's default import, which evaluates formulas.
    out = soffice(
        tmp_path, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", workbook, table
    )

    def rows(path: Path) -> list[list[str]]:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            return list(csv.reader(stream))

    summary = rows(out / "sheet-汇总.csv")
    seen = [cell for row in summary + rows(out / "sheet-第1轮.csv") for cell in row]
    for payload in PAYLOADS:
        assert payload.replace("\r", "\n") in seen, payload
    assert not {"y", "#NAME?", "Err:509", "Err:508"} & set(seen)
    labelled = {row[0]: row[1] for row in summary if row and row[0] in ("会议", "票决事项")}
    assert labelled == {"会议": MEETING, "票决事项": TITLE}
    chief = next(i for i, row in enumerate(summary) if row and row[0] == "总监票人")
    assert summary[chief + 1][1] == CHIEF  # the issue's LibreOffice showed "2"
    read = [cell for row in rows(out / "table-table.csv") for cell in row]
    for payload in PROJECT_PAYLOADS:
        assert "'" + payload.replace("\r", "\n") in read, payload


# --- 15.5: a sheet a clerk can use ------------------------------------------------------------------


def test_the_workbook_is_set_up_to_read_and_print(stage: Stage) -> None:
    book = load_workbook(io.BytesIO(stage.xlsx))
    for ws in book.worksheets:
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        # The summary on one page, like the PDF's first; a round runs on as long as its list.
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 1 if ws.title == "汇总" else 0)
        assert ws.print_title_rows is not None
        assert ws.print_title_rows.startswith("$1:$")
        assert ws.freeze_panes is not None
        assert ws.freeze_panes != "A1"
    assert book["汇总"].page_setup.orientation == "landscape"
    ws = book["第1轮"]
    header = next(row for row in ws.iter_rows() if row[0].value == "编号")
    assert [c.value for c in header[:3]] == ["编号", "项目名称", "Project"]
    # The project list scrolls under its header, which prints on every page with the title.
    assert ws.freeze_panes == f"A{header[0].row + 1}"
    assert ws.print_title_rows == f"$1:${header[0].row}"
    name_width = ws.column_dimensions["B"].width
    longest = max(display_width(t) for t in stage.titles.values())
    assert name_width >= min(longest + 2, 24)
    for row in ws.iter_rows(min_row=header[0].row + 1, max_row=header[0].row + 12):
        title = row[1]
        assert title.alignment.wrap_text
        lines = -(-display_width(str(title.value)) // int(name_width - 1))
        assert lines == 1 or (ws.row_dimensions[title.row].height or 0) >= 15 * lines
    # No text runs over a neighbour: every text is wrapped in its own cell or a merged range.
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.alignment.wrap_text, (sheet.title, cell.coordinate)


def test_the_workbook_has_the_pdfs_signature_lines(stage: Stage) -> None:
    summary = load_workbook(io.BytesIO(stage.xlsx))["汇总"]
    labels = [row[0].value for row in summary.iter_rows()]
    for label in ("总监票人", "监票人", "计票人", "日期"):
        assert label in labels, label
    counters = labels.index("计票人") + 1
    lines = [summary.cell(row=counters, column=c).border.bottom.style for c in range(2, 11)]
    assert lines.count("thin") == 9  # three slots of three columns to sign on
    members = labels.index("监票人") + 1
    assert [summary.cell(row=members + 1, column=c).value for c in (2, 5, 8, 11)] == MEMBERS


def test_the_gongshu_workbook_prints_on_two_a4_pages(stage: Stage, tmp_path: Path) -> None:
    workbook = tmp_path / "sheet.xlsx"
    workbook.write_bytes(stage.xlsx)
    out = soffice(tmp_path, "pdf", workbook)
    reader = PdfReader(out / "sheet.pdf")
    assert len(reader.pages) == 2  # the summary, and the round
    for page in reader.pages:
        width, height = sorted(float(v) for v in page.mediabox.upper_right)
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)


# --- 15.7: rare characters ---------------------------------------------------------------------------


def word_boxes(pdf: Path) -> dict[str, tuple[int, float, float, float, float]]:
    """Each word of the PDF -> (page, xMin, yMin, xMax, yMax) in points, as pdftotext -bbox places it."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    boxes: dict[str, tuple[int, float, float, float, float]] = {}
    for page, body in enumerate(html.split("<page ")[1:], start=1):
        for box, word in re.findall(r"<word ([^>]*)>([^<]*)</word>", body):
            values = dict(re.findall(r'(\w+)="([\d.]+)"', box))
            boxes[word] = (
                page,
                float(values["xMin"]),
                float(values["yMin"]),
                float(values["xMax"]),
                float(values["yMax"]),
            )
    return boxes


def glyph(pdf: Path, box: tuple[int, float, float, float, float], tmp_path: Path, name: str) -> Image.Image:
    """The 10 points from where pdftotext places a one-character word (the 8.5-point name: the glyph whole,
    since pdftotext's widths for these fonts are not the glyphs'), rendered at 300 dpi, as a grey image."""
    page, x0, y0, _, y1 = box
    dpi = 300
    stem = tmp_path / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf), str(stem)], check=True
    )
    (png,) = tmp_path.glob(f"{name}*.png")
    scale = dpi / 72
    with Image.open(png) as image:
        return image.convert("L").crop(
            (round((x0 - 1) * scale), round(y0 * scale), round((x0 + 10) * scale), round((y1 + 1) * scale))
        )


def framed(image: Image.Image) -> bool:
    """Whether the glyph is drawn in a frame, as the .notdef box is: some column of its ink runs unbroken
    from top to bottom (𪚥's strokes break between its upper and lower 龍)."""
    width, height = image.size
    dark = [[image.getpixel((x, y)) < 128 for y in range(height)] for x in range(width)]  # type: ignore[operator]
    for y in range(height):  # the signature line above the name is no part of the glyph
        if sum(column[y] for column in dark) > 0.8 * width:
            for column in dark:
                column[y] = False
    rows = [y for y in range(height) if any(column[y] for column in dark)]
    if not rows:
        return False
    tall = rows[-1] - rows[0] + 1

    def longest(column: list[bool]) -> int:
        best = run = 0
        for on in column:
            run = run + 1 if on else 0
            best = max(best, run)
        return best

    return max(longest(column) for column in dark) >= 0.9 * tall


def test_the_pdf_draws_a_rare_character_with_the_fallback_font(stage: Stage, tmp_path: Path) -> None:
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(stage.pdf)
    fonts = set()
    for page in PdfReader(pdf).pages:
        resources: Any = page["/Resources"]
        fonts |= {str(font.get_object()["/BaseFont"]) for font in resources["/Font"].values()}
    assert any("HanaMin" in f for f in fonts), fonts
    boxes = word_boxes(pdf)
    assert RARE in boxes, sorted(boxes)  # on the signature line, read back as the character itself
    drawn = glyph(pdf, boxes[RARE], tmp_path, "rare")
    box = glyph(pdf, boxes[NONE], tmp_path, "none")
    # 𪚥 is four 龍 in a square; a character no font has is the .notdef box.
    assert framed(box), "the box for a missing character was not found"
    assert not framed(drawn), "𪚥 printed as a box"


def test_the_export_reports_a_character_no_font_has(stage: Stage) -> None:
    assert stage.glyphs == {"missing": [{"character": "\U000f0000", "codepoint": "U+F0000", "texts": [NONE]}]}
