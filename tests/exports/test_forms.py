"""The tally sheet's forms, downloaded through the API and read back with the library that reads each:
the PDF with pypdf and poppler (pdftotext, pdftoppm), the XLSX with openpyxl, the CSV with csv.

One module-wide stage builds two votes through the API, as clerks, scrutineers and deputies do:

- a vote on the Gongshu template (10 deputies, 12 projects, 10 seats) whose first round ties at the
  cut-off, and whose tie-break round mixes electronic and paper ballots (one paper ballot invalid);
  its forms are downloaded by a scrutineer before publication and by a deputy after;
- a training vote (演练) with the approve / oppose / abstain ballot, 24 projects (so that its sheet
  runs to several pages) and a paper ballot issued but never returned (a mismatch to state in words).

Rendering a PDF takes a while, so each is rendered once, in the stage, and the tests read the bytes.
"""

from __future__ import annotations

import io
import re
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader
from sqlmodel import select

from tests.support.api import Api, Sitting, make_user, set_up
from tests.support.databases import fresh_database, module_app
from tests.support.forms import Download, csv_rows, flat, pdf_text
from voting.exports.sheet import KIND_ZH, STATUS_ZH, RoundSheet, TallySheet
from voting.services.reports import tally_sheet
from voting.store.models import AuditEntry
from voting.web import get_db

pytestmark = pytest.mark.slow  # three votes' PDFs rendered, read back by poppler

PNG_FOR_REVIEW = Path("/tmp/tally-sheet-page1.png")
"""A copy of the first page, for a person to look at."""

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMS = {
    "pdf": ("tally-sheet.pdf", "application/pdf"),
    "xlsx": ("tally-sheet.xlsx", XLSX),
    "csv": ("tally-sheet.csv", "text/csv; charset=utf-8"),
    "zh": ("announcement.txt?lang=zh", "text/plain; charset=utf-8"),
    "en": ("announcement.txt?lang=en", "text/plain; charset=utf-8"),
}

TRAINING_VOTE: dict[str, Any] = {
    "title_zh": "2021年民生实事项目票决演练",
    "title_en": "2021 livelihood projects vote (training)",
    "training": True,
    "rules": {"seats": 8, "ballot_style": "approve_oppose_abstain"},
    "candidates": [
        {"number": n, "title_zh": f"第{n}项民生实事候选项目（社区服务提升）", "title_en": f"Candidate project {n}"}
        for n in range(1, 25)
    ],
}
"""24 projects, 8 seats; with a roster of 12 the threshold is 7 approvals."""


# --- the stage ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Forms:
    sheet: TallySheet
    """The sheet as the service builds it, at the moment of the downloads."""
    result: dict[str, Any]
    """GET /api/v1/votes/{id}/result at the same moment."""
    files: dict[str, Download]
    """By form: pdf, xlsx, csv, zh, en."""


@dataclass(frozen=True)
class Stage:
    app: Flask
    tie_vote: int
    training_vote: int
    unofficial: Forms
    """The tie-break vote, decided, downloaded by a scrutineer before publication."""
    official: Forms
    """The same vote after publication, downloaded by a deputy (no login)."""
    training: Forms
    refused_before_publication: dict[str, dict[str, Any]]
    """What a deputy got for each form before publication."""
    nothing_counted: dict[str, Any]
    """What a clerk got for the PDF of a vote whose first round is open."""
    bad_language: dict[str, Any]


def fetch(api: Api, path: str, status: int = 200) -> Any:
    response = api.client.get(path, headers=api._headers())
    assert response.status_code == status, response.get_data(as_text=True)
    if status != 200:
        return response.get_json()
    return Download(response.data, response.content_type, response.headers.get("Content-Disposition", ""))


def download_all(app: Flask, api: Api, vote_id: int, forms: tuple[str, ...] = tuple(FORMS)) -> Forms:
    files = {form: fetch(api, f"/api/v1/votes/{vote_id}/{FORMS[form][0]}") for form in forms}
    with get_db(app).read() as session:
        sheet = tally_sheet(session, vote_id, time_zone="Asia/Shanghai")
    return Forms(sheet, api.get(f"/api/v1/votes/{vote_id}/result"), files)


def cast(
    deputy: Api, sitting: Sitting, number: int, approvals: set[int], opposes: set[int], abstains: set[int]
) -> None:
    body = {
        "code": sitting.codes[number],
        "approvals": sorted(approvals),
        "opposes": sorted(opposes),
        "abstains": sorted(abstains),
        "idempotency_key": secrets.token_hex(8),
    }
    deputy.post("/api/v1/ballots", body, 201)


def enter_paper(clerk: Api, clerk2: Api, round_id: int, batch: str, ballots: list[set[int]]) -> None:
    body = {"ballots": [{"approvals": sorted(b)} for b in ballots]}
    clerk.put(f"/api/v1/rounds/{round_id}/paper-batches/{batch}/entries/1", body)
    assert clerk2.put(f"/api/v1/rounds/{round_id}/paper-batches/{batch}/entries/2", body)["differences"] == []
    clerk.post(f"/api/v1/rounds/{round_id}/paper-batches/{batch}/accept")


def build(app: Flask) -> Stage:
    client = app.test_client()
    clerk = Api(client, make_user(app, "clerk-li", "clerk"))
    clerk2 = Api(client, make_user(app, "clerk-wang", "clerk"))
    scrutineer = Api(client, make_user(app, "scrutineer-zhao", "scrutineer"))
    deputy = Api(client)

    # The tie-break vote.  Round 1: 1-8 by all; {9,10} x4, {9,11} x4, {10,11} x2: 9 has 8, 10 and 11 tie at 6.
    tie = set_up(clerk, size=10)
    tie.check_in(range(1, 11))
    tie.issue_codes(range(1, 11))
    clerk.put(f"/api/v1/votes/{tie.vote_id}/scrutineers", {"chief": 1, "members": [2, 3]})
    first = tie.open_round()
    for number in range(1, 11):
        extra = {9, 10} if number <= 4 else ({9, 11} if number <= 8 else {10, 11})
        tie.cast(deputy, number, set(range(1, 9)) | extra)
    assert tie.close_and_count(first["id"])["result"]["runoff"]["reason"] == "tie"
    # Round 2, between 10 and 11 for one seat: 1-6 vote 11 and 7 votes 10 electronically; 8-10 on paper,
    # one for each and one approving both (invalid).  11 has 7, 10 has 2.
    second = tie.open_round()
    for number in range(1, 8):
        tie.cast(deputy, number, {11} if number <= 6 else {10})
    assert clerk.post(f"/api/v1/rounds/{second['id']}/paper", {"deputies": [8, 9, 10]}) == {"issued": 3}
    enter_paper(clerk, clerk2, second["id"], "A", [{10}, {11}, {10, 11}])
    assert tie.close_and_count(second["id"])["result"]["selected"] == [11]

    refused = {form: fetch(deputy, f"/api/v1/votes/{tie.vote_id}/{FORMS[form][0]}", 404) for form in FORMS}
    unofficial = download_all(app, scrutineer, tie.vote_id)
    clerk.post(f"/api/v1/votes/{tie.vote_id}/publish")
    official = download_all(app, deputy, tie.vote_id)
    bad_language = fetch(deputy, f"/api/v1/votes/{tie.vote_id}/announcement.txt?lang=fr", 422)

    # The training vote.  Projects 1-6 approved by all 11 voters, 7 by 1-8, 8 by 1-7: those 8 pass (7 is the
    # threshold); the rest are opposed or abstained on in turn.  Deputy 12 takes a paper ballot and keeps it.
    training = set_up(clerk, size=12, template=False, vote=TRAINING_VOTE)
    training.check_in(range(1, 13))
    training.issue_codes(range(1, 13))
    round_id = training.open_round()["id"]
    nothing_counted = fetch(clerk, f"/api/v1/votes/{training.vote_id}/tally-sheet.pdf", 409)
    for number in range(1, 12):
        approvals = set(range(1, 7)) | ({7} if number <= 8 else set()) | ({8} if number <= 7 else set())
        rest = range(9, 25)
        cast(
            deputy,
            training,
            number,
            approvals,
            {n for n in rest if (n + number) % 3 == 0},
            {n for n in rest if (n + number) % 3 == 1},
        )
    assert clerk.post(f"/api/v1/rounds/{round_id}/paper", {"deputies": [12]}) == {"issued": 1}
    training.close_and_count(round_id)
    trained = download_all(app, clerk, training.vote_id)
    return Stage(
        app, tie.vote_id, training.vote_id, unofficial, official, trained, refused, nothing_counted, bad_language
    )


@pytest.fixture(scope="module")
def module_database_url(db_kind: str, _template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database for this module's stage, copied from the session's template."""
    with fresh_database(db_kind, _template, tmp_path_factory.mktemp("forms-db")) as url:
        yield url


@pytest.fixture(scope="module")
def stage(module_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    with module_app(module_database_url, tmp_path_factory, "forms") as app:
        yield build(app)


# --- reading the files back -----------------------------------------------------------------------


def solid(text: str) -> str:
    """Text with no whitespace at all (a Chinese sentence may wrap between any two characters)."""
    return "".join(text.split())


def project_row(sheet: TallySheet, r: RoundSheet, number: int, aoa: bool = False) -> str:
    """A row of the PDF's project table, in content order."""
    p = next(p for p in r.projects if p.number == number)
    counts = [p.approvals, *([p.opposes, p.abstains, p.no_choice] if aoa else [])]
    cells = [p.number, p.title_zh, p.title_en, *counts, p.rate_text, STATUS_ZH[p.status]]
    return flat(" ".join(str(c) for c in cells))


def attendance_row(r: RoundSheet) -> str:
    cells = [r.deputy_count, r.deputies_present, r.ballots_issued, r.ballots_returned, r.valid, r.invalid]
    return " ".join(str(c) for c in [*cells, r.electronic, r.paper])


def big_text(body: bytes) -> list[set[str]]:
    """Per page, the words set in type of 40 pt or more (the watermark; the title is 17 pt)."""
    pages = []
    for page in PdfReader(io.BytesIO(body)).pages:
        seen: set[str] = set()

        def visit(text: str, cm: Any, tm: Any, font: Any, size: float, seen: set[str] = seen) -> None:
            scale = (abs(tm[0] * tm[3] - tm[1] * tm[2]) * abs(cm[0] * cm[3] - cm[1] * cm[2])) ** 0.5
            if text.strip() and size * scale >= 40:
                seen.add(text.strip())

        page.extract_text(visitor_text=visit)
        pages.append(seen)
    return pages


def api_round(result: dict[str, Any], number: int) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in result["rounds"] if r["number"] == number)
    return found


# --- the tests --------------------------------------------------------------------------------------


def test_the_pdf_shows_the_sheet(stage: Stage, tmp_path: Path) -> None:
    forms = stage.unofficial
    sheet = forms.sheet
    pages = pdf_text(forms.files["pdf"].body, tmp_path)
    text = "\n".join(pages)
    whole, bare = flat(text), solid(text)

    # The running header on every page, then the title, carry the mark.
    assert all(solid(f"{sheet.title_zh}计票结果报告单（未公布）") in solid(page) for page in pages)
    assert "Tally sheet: 2020 Gongshu District Government Livelihood Projects Vote (UNOFFICIAL)" in whole
    assert solid("本报告单在结果公布前导出，不是正式结果。") in bare
    assert "测试区人大会议" in whole
    assert "2020-01-18" in whole
    assert solid("项目获得全体代表过半数赞成票，方可当选；过半数的项目中按得票多少依次当选。") in bare
    for i, page in enumerate(pages, start=1):
        assert f"第 {i} 页 / 共 {len(pages)} 页" in page

    r1, r2 = sheet.rounds
    assert solid("第1轮 · 第一轮") in bare
    assert solid("第2轮 · 再次投票") in bare
    assert attendance_row(r1) == "10 10 10 10 10 0 10 0"
    assert attendance_row(r2) == "10 10 10 10 9 1 7 3"
    for r in sheet.rounds:
        assert attendance_row(r) in whole
        for p in r.projects:
            assert project_row(sheet, r, p.number) in whole
    assert "1 回迁安置项目 Resettlement housing (return of relocated residents) 10 100.00% 当选" in whole
    assert "Status: 当选 selected; 票数相等 tied; 未当选 not selected; 未过半数 below threshold." in whole
    assert solid("核对相符") in bare
    assert "核对不符" not in bare
    assert solid("收回票中电子票7张、纸质票3张（发出纸质票3张），合计10张。") in bare
    assert (
        solid("第10号“就业创业覆盖率提升项目”、第11号“道路建设项目”得票相等，就这些项目再次投票，确定1个项目。") in bare
    )
    assert solid("第11号 道路建设项目（赞成7票）") in bare
    assert solid(f"共{len(sheet.selected)}个项目当选（按当选先后）") in bare
    result_table = whole.split("Result of the vote", 1)[1].split("校验值", 1)[0]
    listed = re.findall(r"(\d+) (\d+) (\S+)", result_table)
    assert [(int(i), int(n)) for i, n, _ in listed] == list(enumerate(sheet.selected, start=1))
    assert [t for _, _, t in listed] == [sheet.titles[n][0] for n in sheet.selected]

    for r in sheet.rounds:
        assert r.audit_head_at_close
        assert r.audit_head_at_close in bare
    assert sheet.audit_head in bare
    assert solid("（公布时生成 · fixed at publication）") in bare
    assert sheet.chief_scrutineer
    assert sheet.chief_scrutineer in whole
    assert len(sheet.scrutineers) == 2
    assert all(name in whole for name in sheet.scrutineers)
    for line in ("总监票人", "监票人", "计票人", "年 月 日"):
        assert line in whole


def test_the_pdf_is_a4_with_a_cjk_font_and_its_title_is_marked(stage: Stage) -> None:
    reader = PdfReader(io.BytesIO(stage.unofficial.files["pdf"].body))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    fonts = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        fonts |= {str(font.get_object()["/BaseFont"]) for font in resources["/Font"].values()}
    assert any("Noto-Serif-CJK-SC" in f for f in fonts), fonts
    assert any("Noto-Sans-CJK-SC" in f for f in fonts), fonts
    assert reader.metadata is not None
    assert reader.metadata.title is not None
    assert "未公布" in reader.metadata.title
    assert "UNOFFICIAL" in reader.metadata.title
    assert stage.unofficial.files["pdf"].filename == f"vote{stage.tie_vote}-tally-sheet-UNOFFICIAL.pdf"

    published = PdfReader(io.BytesIO(stage.official.files["pdf"].body))
    assert published.metadata is not None
    assert published.metadata.title is not None
    assert "未公布" not in published.metadata.title
    assert "UNOFFICIAL" not in published.metadata.title
    assert stage.official.files["pdf"].filename == f"vote{stage.tie_vote}-tally-sheet.pdf"


def test_the_published_pdf_is_official_with_its_hashes(stage: Stage, tmp_path: Path) -> None:
    sheet = stage.official.sheet
    bare = solid("\n".join(pdf_text(stage.official.files["pdf"].body, tmp_path)))
    assert sheet.official
    assert "未公布" not in bare
    assert "UNOFFICIAL" not in bare
    assert "演练" not in bare
    assert solid("为正式结果。") in bare
    # The form was made at publication, before the entry that carries its digest: it prints the head it was
    # made on (the last before publication) and says where the publication's head is (docs/audit-log.md).
    with get_db(stage.app).read() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.hash == sheet.audit_head_at_publication)).one()
    assert entry.action == "vote.published"
    for value in (sheet.result_digest, sheet.ballots_digest, entry.prev_hash):
        assert value
        assert len(value) == 64
        assert value in bare
    assert (sheet.audit_head_at_publication or "-") not in bare
    assert solid("见宣读稿末行") in bare
    vote = stage.official.result["vote"]
    assert (vote["result_digest"], vote["ballots_digest"]) == (sheet.result_digest, sheet.ballots_digest)
    assert vote["audit_head_at_publication"] == sheet.audit_head_at_publication


def test_the_training_sheet_is_marked_on_every_page(stage: Stage, tmp_path: Path) -> None:
    body = stage.training.files["pdf"].body
    per_page = big_text(body)
    assert len(per_page) >= 2
    for page, found in enumerate(per_page, start=1):
        assert {"演练", "TRAINING"} <= {w for text in found for w in text.split()}, (page, found)
    # The untrained sheets carry no watermark at all.
    assert all(not found for found in big_text(stage.unofficial.files["pdf"].body))

    sheet = stage.training.sheet
    text = "\n".join(pdf_text(body, tmp_path))
    whole, bare = flat(text), solid(text)
    assert solid("2021年民生实事项目票决演练计票结果报告单（演练 未公布）") in bare
    assert "(TRAINING UNOFFICIAL)" in whole
    assert solid("本票决为演练，结果不具效力。") in bare
    assert stage.training.files["pdf"].filename == f"vote{stage.training_vote}-tally-sheet-TRAINING-UNOFFICIAL.pdf"
    # The approve / oppose / abstain ballot: each project's four counts.
    (r,) = sheet.rounds
    assert "赞成 Approve 反对 Oppose 弃权 Abstain 未表态 No choice" in whole
    for p in r.projects:
        assert p.approvals + p.opposes + p.abstains + p.no_choice == r.valid
        assert project_row(sheet, r, p.number, aoa=True) in whole
    assert [p.number for p in r.projects if p.status == "selected"] == list(range(1, 9))
    # A paper ballot taken and never returned: the mismatch, in words.
    assert attendance_row(r) == "12 12 12 11 11 0 11 0"
    assert solid("核对不符") in bare
    assert solid("收回票数（11）少于发出票数（12），相差1张。") in bare
    assert "Fewer ballots returned (11) than issued (12), by 1." in whole


def test_the_first_page_renders_to_png(stage: Stage, tmp_path: Path) -> None:
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(stage.unofficial.files["pdf"].body)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    shutil.copyfile(png, PNG_FOR_REVIEW)
    assert PNG_FOR_REVIEW.stat().st_size > 10_000
    with Image.open(png) as image:
        width, height = image.size
        assert abs(width - 496) <= 1
        assert abs(height - 702) <= 1
        gray = image.convert("L")
        histogram = gray.histogram()
    dark = sum(histogram[:128])
    assert 0.01 < dark / (width * height) < 0.5, "the page is blank or black"


def test_the_workbook(stage: Stage) -> None:
    sheet = stage.unofficial.sheet
    book = load_workbook(io.BytesIO(stage.unofficial.files["xlsx"].body))
    assert book.sheetnames == ["汇总", "第1轮", "第2轮"]
    summary = book["汇总"]
    assert summary["A1"].value == f"{sheet.title_zh}计票结果报告单（未公布）"
    assert book.properties.title == summary["A1"].value
    assert summary.column_dimensions["A"].width > 10
    assert summary.column_dimensions["B"].width > 10
    labels = [row[0].value for row in summary.iter_rows()]
    assert "票决办法" in labels
    assert "总监票人" in labels
    header = labels.index("轮次") + 1 if "轮次" in labels else None
    assert header is not None
    rounds = [[c.value for c in row] for row in summary.iter_rows(min_row=header + 1, max_row=header + 2)]
    assert [row[:13] for row in rounds] == [
        [1, "第一轮", 10, 10, 10, 10, 10, 10, 0, 10, 0, 0, r.threshold]
        if r.number == 1
        else [2, "再次投票", 1, 10, 10, 10, 10, 9, 1, 7, 3, 3, r.threshold]
        for r in sheet.rounds
    ]
    assert all(type(v) is int for row in rounds for v in row[:1] + row[2:13])

    for r in sheet.rounds:
        ws = book[f"第{r.number}轮"]
        assert ws["A1"].value == summary["A1"].value
        assert ws.column_dimensions["B"].width >= 20
        top = next(row[0].row for row in ws.iter_rows() if row[0].value == "编号")
        assert ws.cell(row=top, column=2).value == "项目名称"
        table = [[c for c in row] for row in ws.iter_rows(min_row=top + 1, max_row=top + len(r.projects))]
        for row, p in zip(table, r.projects, strict=True):
            number, title_zh, title_en, approvals, rate, status = (c.value for c in row[:6])
            assert (number, title_zh, title_en, approvals, status) == (
                p.number,
                p.title_zh,
                p.title_en,
                p.approvals,
                STATUS_ZH[p.status],
            )
            assert type(number) is int
            assert type(approvals) is int
            # A number (1.0 reads back as the int 1), shown as a percent.
            assert type(rate) in (int, float)
            assert row[4].number_format == "0.00%"
            assert f"{rate * 100:.2f}%" == p.rate_text
    training = load_workbook(io.BytesIO(stage.training.files["xlsx"].body))
    assert training["汇总"]["A1"].value == "2021年民生实事项目票决演练计票结果报告单（演练 未公布）"
    ws = training["第1轮"]
    headers = [c.value for row in ws.iter_rows() for c in row if c.value in ("反对", "弃权", "未表态")]
    assert headers == ["反对", "弃权", "未表态"]
    published = load_workbook(io.BytesIO(stage.official.files["xlsx"].body))
    assert published["汇总"]["A1"].value == f"{sheet.title_zh}计票结果报告单"


def test_the_csv(stage: Stage) -> None:
    sheet = stage.unofficial.sheet
    download = stage.unofficial.files["csv"]
    assert download.filename == f"vote{stage.tie_vote}-tally-sheet-UNOFFICIAL.csv"
    rows = csv_rows(download)
    assert len(rows) == sum(len(r.projects) for r in sheet.rounds) == 14
    assert list(rows[0])[:4] == ["vote_id", "training", "official", "round"]
    for r in sheet.rounds:
        mine = [row for row in rows if int(row["round"]) == r.number]
        assert [int(row["number"]) for row in mine] == [p.number for p in r.projects]
        for row, p in zip(mine, r.projects, strict=True):
            assert row["kind"] == r.kind
            assert row["kind_zh"] == KIND_ZH[r.kind]
            assert row["title_zh"] == p.title_zh
            assert row["status_zh"] == STATUS_ZH[p.status]
            numbers = {k: int(row[k]) for k in ("approvals", "opposes", "abstains", "no_choice")}
            assert numbers == {"approvals": p.approvals, "opposes": 0, "abstains": 0, "no_choice": 0}
            assert row["rate"] == p.rate_text
            assert row["status"] == p.status
            attendance = [int(row[k]) for k in ("deputy_count", "deputies_present", "ballots_issued")]
            attendance += [int(row[k]) for k in ("ballots_returned", "valid", "invalid", "electronic", "paper")]
            assert " ".join(map(str, attendance)) == attendance_row(r)
            assert (row["training"], row["official"], row["reconciled"]) == ("0", "0", "1")
    r1 = [row for row in rows if row["round"] == "1"]
    assert {row["number"] for row in r1 if row["in_next_round"] == "1"} == {"10", "11"}
    assert {row["next_round"] for row in r1} == {"tie"}
    ranked = sorted((int(row["vote_rank"]), int(row["number"])) for row in rows if row["vote_rank"])
    assert [n for _, n in ranked] == list(sheet.selected)

    official = csv_rows(stage.official.files["csv"])
    assert {row["official"] for row in official} == {"1"}
    training = csv_rows(stage.training.files["csv"])
    assert {(row["training"], row["reconciled"]) for row in training} == {("1", "0")}
    p9 = next(row for row in training if row["number"] == "9")
    line = next(p for p in stage.training.sheet.rounds[0].projects if p.number == 9)
    assert [int(p9[k]) for k in ("opposes", "abstains", "no_choice")] == [line.opposes, line.abstains, line.no_choice]


def test_every_form_shows_the_same_numbers(stage: Stage, tmp_path: Path) -> None:
    """The API's result, the announcement, the PDF, the XLSX and the CSV of each round agree."""
    forms = stage.unofficial
    whole = flat("\n".join(pdf_text(forms.files["pdf"].body, tmp_path)))
    announcement = forms.files["zh"].text
    english = forms.files["en"].text
    book = load_workbook(io.BytesIO(forms.files["xlsx"].body))
    rows = csv_rows(forms.files["csv"])
    assert forms.result["selected"] == list(forms.sheet.selected)
    for number in (1, 2):
        api = api_round(forms.result, number)["result"]
        approvals = {p["number"]: p["approvals"] for p in api["projects"]}
        ballots = api["ballots"]
        present = api_round(forms.result, number)["deputies_present"]

        paragraph = next(p for p in announcement.split("\n\n") if p.startswith(f"第{number}轮"))
        said = re.search(r"应到代表(\d+)人，实到(\d+)人.*?发出表决票(\d+)张，收回(\d+)张", paragraph)
        assert said
        assert int(said.group(2)) == present
        assert int(said.group(4)) == ballots["cast"]
        heard = {int(n): int(a) for n, a in re.findall(r"第(\d+)号“.*?”，赞成(\d+)票", paragraph)}
        assert heard == approvals
        english_round = next(p for p in english.split("\n\n") if p.startswith(f"Round {number}"))
        said_en = re.findall(r"No\. (\d+) [^:]+: (\d+) approvals?[,;.]", english_round)
        assert {int(n): int(a) for n, a in said_en} == approvals

        section = whole.split(f"第{number}轮 · ")[1].split(f"第{number + 1}轮 · ")[0]
        counts = [int(v) for v in section.split("纸质票 Paper ", 1)[1].split()[:8]]
        assert counts[1] == present
        assert counts[3:6] == [ballots["cast"], ballots["valid"], ballots["invalid"]]
        for n, a in approvals.items():
            title = forms.sheet.titles[n]
            assert re.search(rf"\b{n} {re.escape(title[0])} {re.escape(title[1])} {a} ", section)

        ws = book[f"第{number}轮"]
        cells = [[c.value for c in row] for row in ws.iter_rows()]
        header = next(i for i, row in enumerate(cells) if row[0] == "应到代表")
        assert cells[header + 1][3:6] == [ballots["cast"], ballots["valid"], ballots["invalid"]]
        table = next(i for i, row in enumerate(cells) if row[0] == "编号")
        assert {row[0]: row[3] for row in cells[table + 1 : table + 1 + len(approvals)]} == approvals

        mine = [row for row in rows if row["round"] == str(number)]
        assert {int(row["number"]): int(row["approvals"]) for row in mine} == approvals
        assert {(int(row["ballots_returned"]), int(row["valid"]), int(row["invalid"])) for row in mine} == {
            (ballots["cast"], ballots["valid"], ballots["invalid"])
        }


def test_who_may_download_and_how_each_is_labelled(stage: Stage) -> None:
    for form, refused in stage.refused_before_publication.items():
        assert refused["code"] == "not_found", form
    for forms, marks in ((stage.unofficial, "-UNOFFICIAL"), (stage.official, "")):
        for form, (path, media_type) in FORMS.items():
            download = forms.files[form]
            assert download.content_type == media_type
            name = path.split("?")[0]
            if form in ("zh", "en"):
                name = f"announcement-{form}.txt"
            stem, ext = name.rsplit(".", 1)
            assert download.filename == f"vote{stage.tie_vote}-{stem}{marks}.{ext}"
            assert len(download.body) > 200
    assert stage.unofficial.files["pdf"].body.startswith(b"%PDF-")
    assert stage.unofficial.files["xlsx"].body.startswith(b"PK")
    assert stage.unofficial.files["en"].text.startswith("2020 Gongshu District Government Livelihood Projects Vote")
    assert "（未公布）" in stage.unofficial.files["zh"].text
    assert "（未公布）" not in stage.official.files["zh"].text
    assert stage.nothing_counted["code"] == "no_counted_round"
    assert stage.nothing_counted["message"] == "本票决尚无已计票的轮次，没有可导出的计票结果。"
    assert stage.bad_language["code"] == "validation_error"
    assert stage.bad_language["field"] == "lang"


def test_the_downloads_are_documented(stage: Stage) -> None:
    spec = stage.app.test_client().get("/api/openapi.json").get_json()
    for path, media_type in (
        ("tally-sheet.pdf", "application/pdf"),
        ("tally-sheet.xlsx", XLSX),
        ("tally-sheet.csv", "text/csv"),
        ("announcement.txt", "text/plain"),
    ):
        operation = spec["paths"][f"/api/v1/votes/{{vote_id}}/{path}"]["get"]
        assert operation["responses"]["200"]["content"][media_type]["schema"] == {"type": "string", "format": "binary"}
    parameters = spec["paths"]["/api/v1/votes/{vote_id}/announcement.txt"]["get"]["parameters"]
    assert any(p["name"] == "lang" and p["in"] == "query" for p in parameters)
