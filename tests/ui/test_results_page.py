"""The public results page, /results?vote=ID: the published result's numbers and order, the chart, the round
history, the hashes and the downloads; "not yet published" before publication; print; both languages."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.support.browser import DESKTOP, PHONE, SCREENSHOTS, page_text, serious_violations, tab
from tests.support.halls import Published
from tests.support.pages import check_both_sizes, column, figures, open_results
from tests.support.servers import Http

ZH = page_text("zh", "results")
EN = page_text("en", "results")
TEXT = {"zh": ZH, "en": EN}

SELECTED = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11]
"""In the order seats were won: 1-8 (10 approvals each) and 9 (8) in round 1, 11 in the tie-break."""
ROUND_1 = {**{n: 10 for n in range(1, 9)}, 9: 8, 10: 6, 11: 6, 12: 0}
ROUND_2 = {10: 2, 11: 7}
"""Electronic: six for 11, one for 10; paper: one for each and one invalid (both approved)."""


def chart_values(page: Page, round_number: int) -> dict[int, int]:
    bars: list[dict[str, Any]] = page.eval_on_selector_all(
        f"svg.chart[data-round='{round_number}'] g.chart-bar",
        """groups => groups.map(g => ({number: g.dataset.number,
            label: g.querySelector('text.bar-value').textContent,
            width: Number(g.querySelector('rect').getAttribute('width'))}))""",
    )
    return {int(b["number"]): int(b["label"]) for b in bars}


def test_the_published_result_in_numbers_and_order(browser: Browser, published: Published) -> None:
    api = Http(published.url).get(f"/api/v1/votes/{published.tie_vote}/result")
    with tab(browser, **DESKTOP) as page:
        open_results(page, published.url, published.tie_vote)
        expect(page.locator("body")).to_have_attribute("data-state", "published")
        expect(page.locator("#vote-title")).to_have_text(api["vote"]["title_zh"])
        expect(page.locator("#meeting")).to_contain_text(api["meeting"]["name_zh"])
        expect(page.locator("#training")).to_be_hidden()
        expect(page.locator("#problem")).to_be_hidden()

        # The selected projects in the order seats were won, each with its approvals in its winning round.
        items = page.locator("#selected li")
        assert [int(n) for n in items.evaluate_all("els => els.map(e => e.dataset.number)")] == SELECTED
        assert [int(a) for a in items.evaluate_all("els => els.map(e => e.dataset.approvals)")] == [
            10,
            10,
            10,
            10,
            10,
            10,
            10,
            10,
            8,
            7,
        ]
        expect(items.nth(9).locator(".approvals")).to_have_text(
            ZH["results.selected_line"].format(approvals=7, rate="70.00%", round=2)
        )
        titles = {c["number"]: c["title_zh"] for c in api["vote"]["candidates"]}
        assert items.locator(".title").all_inner_texts() == [titles[n] for n in SELECTED]

        # Each round: attendance, approvals, rates, statuses, the chart, what came next.
        assert figures(page, 1) == {
            "deputy_count": 10,
            "present": 10,
            "issued": 10,
            "returned": 10,
            "valid": 10,
            "invalid": 0,
        }
        assert figures(page, 2) == {
            "deputy_count": 10,
            "present": 10,
            "issued": 10,
            "returned": 10,
            "valid": 9,
            "invalid": 1,
        }
        assert {n: int(v) for n, v in column(page, 1, "approvals").items()} == ROUND_1
        assert {n: int(v) for n, v in column(page, 2, "approvals").items()} == ROUND_2
        assert column(page, 1, "rate")[9] == "80.00%"
        assert column(page, 2, "rate") == {10: "20.00%", 11: "70.00%"}
        assert column(page, 1, "status")[10] == ZH["results.status.tied"]
        assert column(page, 1, "status")[12] == ZH["results.status.below_threshold"]
        assert column(page, 2, "status")[11] == ZH["results.status.selected"]
        round_1 = page.locator("section.round[data-round='1']")
        expect(round_1.locator("h3")).to_contain_text(ZH["round.kind.first"])
        expect(page.locator("section.round[data-round='2'] h3")).to_contain_text(ZH["round.kind.tie_break"])
        expect(round_1).to_contain_text(ZH["results.runoff.tie"].format(projects="10、11", seats=1))

        # The chart: one bar per project labelled with its number of approvals, in SVG attributes only.
        assert chart_values(page, 1) == ROUND_1
        assert chart_values(page, 2) == ROUND_2
        widths = page.eval_on_selector_all(
            "svg.chart[data-round='1'] rect", "rs => rs.map(r => Number(r.getAttribute('width')))"
        )
        assert widths[0] > widths[8] > widths[9] > widths[11]  # 10 > 8 > 6 > 0 approvals
        assert page.locator("[style]").count() == 0

        # The published hashes and the audit head, exactly as the API (and the audit log) has them.
        for field, key in (
            ("result_digest", "result_digest"),
            ("ballots_digest", "ballots_digest"),
            ("audit_head", "audit_head_at_publication"),
        ):
            expect(page.locator(f".hash[data-field='{field}'] dd")).to_have_text(api["vote"][key])
            assert len(api["vote"][key]) == 64

        # Every download link answers, to anyone.
        links = page.locator("#downloads a").evaluate_all("as => as.map(a => a.href)")
        assert len(links) == 7  # three sheets, two announcements, two lists
        for link in links:
            response = requests.get(link, timeout=60)
            assert response.status_code == 200, link
            assert response.headers["Content-Disposition"].startswith("attachment")
        expect(page.locator("#receipt-link")).to_have_attribute("href", "/receipt")


def test_before_publication_it_says_so_and_nothing_else(browser: Browser, published: Published) -> None:
    # The vote is counted (staff could see a tally), but the public page shows no number of it.
    Http(published.url).get(f"/api/v1/votes/{published.unpublished_vote}/result", status=404)
    with tab(browser, **PHONE) as page:
        for language in ("zh", "en"):
            open_results(page, published.url, published.unpublished_vote, language)
            text = TEXT[language]
            expect(page.locator("#problem")).to_have_text(text["results.not_published"])
            expect(page.locator("body")).to_have_attribute("data-state", "unpublished")
            expect(page.locator("#result")).to_be_hidden()
            body = page.locator("body").inner_text()
            assert not any(ch.isdigit() for ch in body), body
            check_both_sizes(page, f"results-unpublished-{{size}}-{language}")

        page.goto(f"{published.url}/results")
        expect(page.locator("#problem")).to_have_text(EN["results.no_vote"])


def test_a_training_vote_is_marked_and_shows_opposes_and_abstains(browser: Browser, published: Published) -> None:
    with tab(browser, **DESKTOP) as page:
        open_results(page, published.url, published.training_vote)
        expect(page.locator("#training")).to_be_visible()
        expect(page.locator("#training")).to_have_text(ZH["results.training"])
        assert "演练" in ZH["results.training"]
        assert "TRAINING" in ZH["results.training"]
        assert column(page, 1, "approvals") == {1: "6", 2: "6", 3: "6", 4: "0", 5: "0", 6: "0"}
        assert column(page, 1, "opposes") == {1: "0", 2: "0", 3: "0", 4: "3", 5: "3", 6: "0"}
        assert column(page, 1, "abstains") == {1: "0", 2: "0", 3: "0", 4: "2", 5: "0", 6: "6"}
        assert column(page, 1, "no_choice") == {1: "0", 2: "0", 3: "0", 4: "1", 5: "3", 6: "0"}
        assert [int(n) for n in page.locator("#selected li .number").all_inner_texts()] == [1, 2, 3]
        assert serious_violations(page) == []


def test_every_state_in_both_languages_passes_axe_and_fits_a_phone(browser: Browser, published: Published) -> None:
    for language in ("zh", "en"):
        text = TEXT[language]
        with tab(browser, **PHONE) as page:
            open_results(page, published.url, published.tie_vote, language)
            expect(page.locator("#selected-heading")).to_have_text(text["results.selected_heading"])
            check_both_sizes(page, f"results-published-{{size}}-{language}")


def test_the_language_switch_rewords_the_page_in_place(browser: Browser, published: Published) -> None:
    with tab(browser, **DESKTOP) as page:
        open_results(page, published.url, published.tie_vote)
        expect(page.locator("#rounds-heading")).to_have_text(ZH["results.rounds_heading"])
        page.click("#lang-switch")
        expect(page.locator("#rounds-heading")).to_have_text(EN["results.rounds_heading"])
        api = Http(published.url).get(f"/api/v1/votes/{published.tie_vote}/result")
        expect(page.locator("#vote-title")).to_have_text(api["vote"]["title_en"])
        assert column(page, 1, "status")[10] == EN["results.status.tied"]
        assert chart_values(page, 1) == ROUND_1


def test_it_prints_on_one_a4_page_black_on_white_without_buttons(
    browser: Browser, published: Published, tmp_path: Path
) -> None:
    with tab(browser, **DESKTOP) as page:
        open_results(page, published.url, published.tie_vote)
        page.emulate_media(media="print")
        for selector in ("#print", "#lang-switch", "#downloads"):
            assert page.eval_on_selector(selector, "e => getComputedStyle(e).display") == "none" or (
                page.eval_on_selector(selector, "e => e.offsetParent === null")
            )
        assert page.eval_on_selector("body", "e => getComputedStyle(e).color") == "rgb(0, 0, 0)"
        assert page.eval_on_selector("body", "e => getComputedStyle(e).backgroundColor") in (
            "rgb(255, 255, 255)",
            "rgba(0, 0, 0, 0)",
        )
        # The chart and its labels print (in black and grey).
        shown = page.eval_on_selector_all(
            "svg.chart g.chart-bar, svg.chart text.bar-value", "es => es.map(e => getComputedStyle(e).display)"
        )
        assert len(shown) == 2 * (12 + 2)
        assert "none" not in shown
        pdf = page.pdf(format="A4", print_background=True)
        reader = PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) == 1
        # The printed page as a picture, for a reviewer, next to the screenshots.
        printed = tmp_path / "results.pdf"
        printed.write_bytes(pdf)
        SCREENSHOTS.mkdir(exist_ok=True)
        target = SCREENSHOTS / "results-print-a4-zh"
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(printed), str(target)], check=True)
        assert target.with_suffix(".png").stat().st_size > 10_000
        text = reader.pages[0].extract_text()
        assert "80.00%" in text
