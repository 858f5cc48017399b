"""Shared by the browser tests of the deputies' and the public pages (ballot, results, receipt check) and the
walkthrough: opening a page in a language, reading what the results and receipt pages show, the rate as the
hall hears it, and the checks every state of a page must pass."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.browser import DESKTOP, PHONE, no_horizontal_scroll, page_text, screenshot, serious_violations


def open_page(page: Page, url: str, name: str, query: str = "", language: str = "zh") -> None:
    """The page ``/<name><query>``, ready, in this language (switched as a person would, with the button)."""
    page.goto(f"{url}/{name}{query}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    if page.evaluate("document.documentElement.lang") != ("en" if language == "en" else "zh-CN"):
        page.click("#lang-switch")
        expect(page.locator("#lang-switch")).to_have_text(page_text(language, name)["lang.switch"])


def open_results(page: Page, url: str, vote: int | str, language: str = "zh") -> None:
    """The results page for this vote, in this language."""
    open_page(page, url, "results", f"?vote={vote}", language)


def open_receipt(page: Page, url: str, query: str = "", language: str = "zh") -> None:
    """The receipt check (``query`` may carry ``?receipt=``), in this language."""
    open_page(page, url, "receipt", query, language)


def figures(page: Page, round_number: int) -> dict[str, int]:
    """A round's attendance on the results page: its field -> the figure shown."""
    section = page.locator(f"section.round[data-round='{round_number}']")
    values: dict[str, int] = {}
    for item in section.locator(".attendance .figure").all():
        values[item.get_attribute("data-field") or ""] = int(item.locator("dd").inner_text())
    return values


def column(page: Page, round_number: int, field: str) -> dict[int, str]:
    """A column of a round's table on the results page: project number -> the text shown."""
    rows = page.locator(f"section.round[data-round='{round_number}'] tbody tr")
    return {
        int(row.get_attribute("data-number") or 0): row.locator(f"[data-field='{field}']").inner_text()
        for row in rows.all()
    }


def marks_shown(page: Page) -> dict[int, str]:
    """The marks the receipt check shows: project number -> approve / oppose / abstain / none."""
    items = page.locator("#marks li")
    return {int(li.get_attribute("data-number") or 0): li.get_attribute("data-mark") or "" for li in items.all()}


def record_statuses(page: Page, element_id: str = "submit-status") -> None:
    """From now on, keep every text the element shows (read back with ``recorded_statuses``)."""
    page.evaluate(
        """(id) => {
            window.statuses = [];
            const status = document.getElementById(id);
            new MutationObserver(() => window.statuses.push(status.textContent))
                .observe(status, {childList: true, characterData: true, subtree: true});
        }""",
        element_id,
    )


def recorded_statuses(page: Page) -> list[str]:
    statuses: list[str] = page.evaluate("window.statuses")
    return statuses


def check_both_sizes(page: Page, shot: str) -> None:
    """At phone then desktop size: axe finds nothing serious, nothing sticks out sideways, and a screenshot
    named ``shot`` with the size filled in (``ballot-review-{size}-zh``); the page is left at phone size."""
    for size, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        assert serious_violations(page) == [], (shot, name)
        assert no_horizontal_scroll(page), (shot, name)
        screenshot(page, shot.format(size=name))
    page.set_viewport_size(PHONE)
