"""One tally feeds everything (issue 5): for one published vote with a tie-break round (so two rounds, the
second mixing electronic and paper ballots, one of them invalid), the API's result, the results page and the
hall screen (both read from the DOM of a real browser), and every export (the tally sheet as PDF through
pdftotext, XLSX through openpyxl and CSV, the announcement in Chinese and English) show the same
attendance (all deputies, present, ballots issued, returned, valid, invalid), the same approvals and rates
for every project in every round, and the same selected projects in the same order."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from itertools import takewhile
from pathlib import Path
from typing import Any

import pytest
import requests
from openpyxl import load_workbook
from playwright.sync_api import Browser, expect

from tests.support.browser import DESKTOP, tab
from tests.support.forms import Download, csv_rows, flat, pdf_text
from tests.support.halls import Published

ATTENDANCE = ("deputy_count", "present", "issued", "returned", "valid", "invalid")


@dataclass
class Numbers:
    """What one source shows; a source that does not show a figure leaves it out."""

    attendance: dict[int, tuple[int, ...]] = field(default_factory=dict)
    """Round -> (all deputies, present, issued, returned, valid, invalid)."""
    approvals: dict[int, dict[int, int]] = field(default_factory=dict)
    """Round -> project -> approvals."""
    rates: dict[int, dict[int, str]] = field(default_factory=dict)
    """Round -> project -> rate as text (two decimals, half up)."""
    selected: list[int] = field(default_factory=list)
    """In the order seats were won."""


def from_api(result: dict[str, Any]) -> Numbers:
    numbers = Numbers(selected=list(result["selected"]))
    for r in result["rounds"]:
        ballots = r["result"]["ballots"]
        n = r["number"]
        numbers.attendance[n] = (
            r["deputy_count"],
            r["deputies_present"],
            r["ballots_issued"],
            ballots["cast"],
            ballots["valid"],
            ballots["invalid"],
        )
        numbers.approvals[n] = {p["number"]: p["approvals"] for p in r["result"]["projects"]}
        numbers.rates[n] = {int(p): rate for p, rate in r["rates"].items()}
    return numbers


def download(url: str, path: str) -> Download:
    response = requests.get(url + path, timeout=120)
    assert response.status_code == 200, (path, response.text[:300])
    return Download(response.content, response.headers["Content-Type"], response.headers["Content-Disposition"])


@dataclass(frozen=True)
class Seen:
    api: dict[str, Any]
    expected: Numbers
    page: Numbers
    hall: list[tuple[int, int]]
    """The hall screen: (project, approvals) of each selected project, in order."""
    files: dict[str, Download]
    pdf: str


@pytest.fixture(scope="module")
def seen(browser: Browser, published: Published, tmp_path_factory: pytest.TempPathFactory) -> Seen:
    url = published.url
    vote = published.tie_vote
    api: dict[str, Any] = requests.get(f"{url}/api/v1/votes/{vote}/result", timeout=30).json()
    expected = from_api(api)

    page_numbers = Numbers()
    with tab(browser, **DESKTOP) as page:
        page.goto(f"{url}/results?vote={vote}")
        expect(page.locator("body")).to_have_attribute("data-state", "published")
        for section in page.locator("section.round").all():
            n = int(section.get_attribute("data-round") or 0)
            figures = {
                item.get_attribute("data-field"): int(item.locator("dd").inner_text())
                for item in section.locator(".attendance .figure").all()
            }
            page_numbers.attendance[n] = tuple(figures[name] for name in ATTENDANCE)
            rows = section.locator("tbody tr").all()
            page_numbers.approvals[n] = {
                int(row.get_attribute("data-number") or 0): int(row.locator("[data-field=approvals]").inner_text())
                for row in rows
            }
            page_numbers.rates[n] = {
                int(row.get_attribute("data-number") or 0): row.locator("[data-field=rate]").inner_text()
                for row in rows
            }
            # The chart's labels are the same numbers.
            bars = section.locator("svg.chart g.chart-bar").all()
            assert {
                int(bar.get_attribute("data-number") or 0): int(bar.locator("text.bar-value").text_content() or "")
                for bar in bars
            } == page_numbers.approvals[n]
        page_numbers.selected = [int(n) for n in page.locator("#selected li .number").all_inner_texts()]

        page.goto(f"{url}/hall?vote={vote}")
        expect(page.locator("body")).to_have_attribute("data-state", "published")
        hall = [
            (
                int(item.get_attribute("data-number") or 0),
                int(re.sub(r"\D", "", item.locator(".approvals").inner_text())),
            )
            for item in page.locator("#selected li").all()
        ]

    paths = {
        "pdf": "tally-sheet.pdf",
        "xlsx": "tally-sheet.xlsx",
        "csv": "tally-sheet.csv",
        "zh": "announcement.txt?lang=zh",
        "en": "announcement.txt?lang=en",
    }
    files = {form: download(url, f"/api/v1/votes/{vote}/{path}") for form, path in paths.items()}
    pdf = flat("\n".join(pdf_text(files["pdf"].body, Path(tmp_path_factory.mktemp("same-numbers")))))
    return Seen(api, expected, page_numbers, hall, files, pdf)


def test_the_vote_has_two_rounds_and_the_numbers_are_the_ones_cast(seen: Seen) -> None:
    """The stage is what it claims: a tie, then a mixed tie-break with an invalid paper ballot."""
    expected = seen.expected
    assert [r["kind"] for r in seen.api["rounds"]] == ["first", "tie_break"]
    assert expected.attendance == {1: (10, 10, 10, 10, 10, 0), 2: (10, 10, 10, 10, 9, 1)}
    assert expected.approvals[2] == {10: 2, 11: 7}
    assert expected.approvals[1][10] == expected.approvals[1][11] == 6
    assert expected.selected == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11]
    assert seen.api["official"] is True
    # The rates (approvals over the 10 present), worked by hand.
    assert expected.rates == {
        1: {**dict.fromkeys(range(1, 9), "100.00%"), 9: "80.00%", 10: "60.00%", 11: "60.00%", 12: "0.00%"},
        2: {10: "20.00%", 11: "70.00%"},
    }
    # Each seat under the round that gave it: 1-9 in round 1, 11 in the tie-break with 7 of 10.
    assert [(s["number"], s["round_number"], s["approvals"], s["rate"]) for s in seen.api["seats_won"]] == [
        *((n, 1, 10, "100.00%") for n in range(1, 9)),
        (9, 1, 8, "80.00%"),
        (11, 2, 7, "70.00%"),
    ]


def test_the_results_page_shows_the_apis_numbers(seen: Seen) -> None:
    assert seen.page == seen.expected


def test_the_hall_screen_shows_the_same_selected_projects_and_approvals(seen: Seen) -> None:
    """Each with its approvals in the round that gave it its seat: 11's are the tie-break's 7, not round 1's 6."""
    assert seen.hall == [(s["number"], s["approvals"]) for s in seen.api["seats_won"]]
    assert seen.hall == [*((n, 10) for n in range(1, 9)), (9, 8), (11, 7)]


def test_the_pdf_shows_the_same_numbers(seen: Seen) -> None:
    text = seen.pdf
    titles = {c["number"]: (c["title_zh"], c["title_en"]) for c in seen.api["vote"]["candidates"]}
    shown = Numbers()
    for n in seen.expected.approvals:
        section = text.split(f"第{n}轮 · ")[1].split(f"第{n + 1}轮 · ")[0]
        counts = [int(v) for v in section.split("纸质票 Paper ", 1)[1].split()[:8]]
        shown.attendance[n] = tuple(counts[:6])
        assert counts[6] + counts[7] == counts[3]  # electronic + paper = returned
        shown.approvals[n] = {}
        shown.rates[n] = {}
        for project in seen.expected.approvals[n]:
            zh, en = titles[project]
            found = re.search(rf"(?:^| ){project} {re.escape(zh)} {re.escape(en)} (\d+) (\d+\.\d\d%) ", section)
            assert found, (n, project)
            shown.approvals[n][project] = int(found.group(1))
            shown.rates[n][project] = found.group(2)
    final = text.split("票决结果 Result of the vote", 1)[1].split("校验值 Hashes", 1)[0]
    rows = re.findall(r"(?:^| )(\d+) (\d+) (\S+) ", final)
    shown.selected = [int(number) for position, number, title in rows if titles[int(number)][0] == title]
    assert [int(position) for position, _, _ in rows] == list(range(1, len(rows) + 1))
    assert shown == seen.expected
    assert seen.api["vote"]["result_digest"] in text


def test_the_workbook_shows_the_same_numbers(seen: Seen) -> None:
    book = load_workbook(io.BytesIO(seen.files["xlsx"].body))
    summary = [[c.value for c in row] for row in book["汇总"].iter_rows()]
    shown = Numbers()
    header = next(i for i, row in enumerate(summary) if row[0] == "轮次")
    for row in summary[header + 1 :]:
        if not isinstance(row[0], int):
            break
        shown.attendance[row[0]] = tuple(row[3:9])
    start = next(i for i, row in enumerate(summary) if row[0] == "序号")
    for row in summary[start + 1 :]:
        if not isinstance(row[0], int):
            break
        shown.selected.append(row[1])
    for n in seen.expected.approvals:
        cells = [[c.value for c in row] for row in book[f"第{n}轮"].iter_rows()]
        top = next(i for i, row in enumerate(cells) if row[0] == "应到代表")
        assert tuple(cells[top + 1][:6]) == seen.expected.attendance[n]
        table = next(i for i, row in enumerate(cells) if row[0] == "编号")
        lines = list(takewhile(lambda row: isinstance(row[0], int), cells[table + 1 :]))
        shown.approvals[n] = {row[0]: row[3] for row in lines}
        # The rate is a number there (a fraction of deputies present), shown as a percentage.
        present = seen.expected.attendance[n][1]
        for row in lines:
            assert abs(row[4] - row[3] / present) < 1e-9
        shown.rates[n] = {row[0]: f"{row[4] * 100:.2f}%" for row in lines}  # as the cell shows it
    assert shown == seen.expected


def test_the_csv_shows_the_same_numbers(seen: Seen) -> None:
    rows = csv_rows(seen.files["csv"])
    columns = ("deputy_count", "deputies_present", "ballots_issued", "ballots_returned", "valid", "invalid")
    shown = Numbers()
    ranked: dict[int, int] = {}
    for row in rows:
        n = int(row["round"])
        attendance = tuple(int(row[c]) for c in columns)
        assert shown.attendance.setdefault(n, attendance) == attendance
        shown.approvals.setdefault(n, {})[int(row["number"])] = int(row["approvals"])
        shown.rates.setdefault(n, {})[int(row["number"])] = row["rate"]
        if row["vote_rank"]:
            ranked[int(row["number"])] = int(row["vote_rank"])
    shown.selected = sorted(ranked, key=ranked.__getitem__)
    assert shown == seen.expected


def test_the_announcements_say_the_same_numbers(seen: Seen) -> None:
    text = seen.files["zh"].text
    shown = Numbers()
    for n in seen.expected.approvals:
        paragraph = next(p for p in text.split("\n\n") if p.startswith(f"第{n}轮"))
        said = re.search(
            r"应到代表(\d+)人，实到(\d+)人.*?发出表决票(\d+)张，收回(\d+)张.*?有效票(\d+)张，无效票(\d+)张", paragraph
        )
        assert said, paragraph
        shown.attendance[n] = tuple(int(v) for v in said.groups())
        heard = re.findall(r"第(\d+)号“.*?”，赞成(\d+)票，票决率(\d+\.\d\d%)", paragraph)
        shown.approvals[n] = {int(p): int(a) for p, a, _ in heard}
        shown.rates[n] = {int(p): r for p, _, r in heard}
    final = text.split("根据票决结果，", 1)[1]
    shown.selected = [int(p) for p in re.findall(r"第(\d+)号", final)]
    assert shown == seen.expected

    english = seen.files["en"].text
    for n, approvals in seen.expected.approvals.items():
        part = next(p for p in english.split("\n\n") if p.startswith(f"Round {n}"))
        said_en = re.findall(r"No\. (\d+) [^:]+: (\d+) approvals?[,;.]", part)
        assert {int(p): int(a) for p, a in said_en} == approvals
