"""The deputy's ballot page in a real browser: code, choices, review, submit, receipt (approve-only ballots)."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Browser, Page, Request, Route, expect

from tests.api.servers import Http
from tests.ui.conftest import Hall, page_text, server_text, watch

ZH = page_text("zh", "ballot")
EN = page_text("en", "ballot")


def open_ballot(page: Page, hall: Hall, number: int = 1) -> None:
    page.goto(f"{hall.url}/ballot?code={hall.code(number)}")
    expect(page.locator("#code")).to_have_value(hall.code(number))
    page.click("#open-ballot")
    expect(page.locator("#step-choose")).to_be_visible()


def counter(chosen: int, seats: int = 10) -> str:
    return ZH["ballot.counter"].format(count=chosen, seats=seats)


def test_a_deputy_approves_ten_reviews_and_gets_a_counted_receipt(page: Page, hall: Hall) -> None:
    open_ballot(page, hall)
    projects = page.locator("button.project")
    expect(projects).to_have_count(12)
    expect(page.locator("#vote-title")).not_to_be_empty()
    expect(page.locator("#training")).to_be_hidden()
    expect(page.locator("#counter")).to_have_text(counter(0))

    for index in range(10):
        projects.nth(index).click()
        expect(projects.nth(index)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#counter")).to_have_text(counter(10))
    expect(page.locator("#limit")).to_be_empty()

    projects.nth(10).click()
    expect(page.locator("#limit")).to_have_text(ZH["ballot.limit"].format(seats=10))
    expect(page.locator("#limit")).to_have_attribute("role", "alert")
    expect(projects.nth(10)).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#counter")).to_have_text(counter(10))

    # Undo one and take the eleventh instead: the refusal goes, the count stays at ten.
    projects.nth(9).click()
    projects.nth(10).click()
    expect(page.locator("#limit")).to_be_empty()
    expect(page.locator("#counter")).to_have_text(counter(10))

    page.click("#to-review")
    review = page.locator("#review-list li")
    expect(review).to_have_count(10)
    numbers = [int(text.split(".")[0]) for text in review.all_inner_texts()]
    assert numbers == [*range(1, 10), 11]

    page.click("#submit")
    expect(page.locator("#step-receipt")).to_be_visible()
    receipt = page.locator("#receipt").inner_text()
    assert len(receipt) >= 8
    expect(page.locator("#receipt-counted")).to_have_text(ZH["receipt.counted"].format(round=1))
    assert hall.turnout()["ballots_returned"] == 1


def test_keyboard_alone_completes_a_ballot(page: Page, hall: Hall) -> None:
    page.goto(f"{hall.url}/ballot")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "lang-switch"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "code"
    page.keyboard.type(hall.code(2))
    page.keyboard.press("Enter")
    expect(page.locator("#step-choose")).to_be_visible()

    page.keyboard.press("Tab")
    first = page.locator("button.project").first
    expect(first).to_be_focused()
    # The focus is visible: a thick outline on the focused project.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert float(outline.removesuffix("px")) >= 3
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.locator("button.project[aria-pressed=true]")).to_have_count(3)
    expect(page.locator("#counter")).to_have_text(counter(3))

    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "to-review":
            break
    page.keyboard.press("Enter")
    expect(page.locator("#review-list li")).to_have_count(3)
    expect(page.locator("#review-heading")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#back")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#submit")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#step-receipt")).to_be_visible()
    expect(page.locator("#receipt-heading")).to_be_focused()
    assert hall.turnout()["ballots_returned"] == 1


def test_no_horizontal_scrolling_at_360_pixels(browser: Browser, hall: Hall) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    try:
        page = context.new_page()
        problems = watch(page)
        page.goto(f"{hall.url}/ballot?code={hall.code(1)}")
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        widths = [page.evaluate("document.scrollingElement.scrollWidth")]
        page.click("#open-ballot")
        projects = page.locator("button.project")
        expect(projects).to_have_count(12)
        for index in (0, 2, 4):
            projects.nth(index).click()
        widths.append(page.evaluate("document.scrollingElement.scrollWidth"))
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path="/tmp/ballot-360.png")
        page.click("#to-review")
        widths.append(page.evaluate("document.scrollingElement.scrollWidth"))
        page.click("#submit")
        expect(page.locator("#step-receipt")).to_be_visible()
        widths.append(page.evaluate("document.scrollingElement.scrollWidth"))
        assert max(widths) <= 360, widths
        assert problems == []
    finally:
        context.close()


def test_the_english_switch_persists_and_the_server_answers_in_english(page: Page, hall: Hall) -> None:
    page.goto(f"{hall.url}/ballot")
    expect(page.locator("h1")).to_have_text(ZH["app.heading"])
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    page.click("#lang-switch")
    expect(page.locator("h1")).to_have_text(EN["app.heading"])
    page.reload()
    expect(page.locator("h1")).to_have_text(EN["app.heading"])
    expect(page.locator("label[for=code]")).to_have_text(EN["code.label"])
    assert page.evaluate("localStorage.getItem('lang')") == "en"
    assert {"name": "lang", "value": "en"}.items() <= next(
        c for c in page.context.cookies() if c["name"] == "lang"
    ).items()
    # The server words its refusal in the same language.
    page.fill("#code", "00000-00000")
    page.click("#open-ballot")
    expect(page.locator("#code-error")).to_have_text(server_text("en")["error.invalid_code"])

    # Switching language while choosing re-words the page and keeps the unsent choices.
    page.fill("#code", hall.code(1))
    page.click("#open-ballot")
    projects = page.locator("button.project")
    projects.nth(1).click()
    projects.nth(4).click()
    expect(page.locator("#counter")).to_have_text(EN["ballot.counter"].format(count=2, seats=10))
    page.click("#lang-switch")
    expect(page.locator("#counter")).to_have_text(counter(2))
    expect(page.locator("button.project[aria-pressed=true]")).to_have_count(2)
    assert projects.nth(1).get_attribute("aria-pressed") == projects.nth(4).get_attribute("aria-pressed") == "true"


def test_a_lost_connection_retries_with_the_same_key_and_counts_once(page: Page, hall: Hall) -> None:
    sent: list[dict[str, Any]] = []
    recorded: list[str] = []

    def flaky(route: Route, request: Request) -> None:
        sent.append(json.loads(request.post_data or "{}"))
        if len(sent) == 1:
            # The server takes the ballot, but its answer never reaches the deputy.
            answer = route.fetch()
            recorded.append(answer.json()["receipt"])
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/v1/ballots", flaky)
    open_ballot(page, hall)
    for index in (0, 1, 2, 3):
        page.locator("button.project").nth(index).click()
    page.click("#to-review")
    page.evaluate(
        """() => {
            window.statuses = [];
            const status = document.getElementById('submit-status');
            new MutationObserver(() => window.statuses.push(status.textContent))
                .observe(status, {childList: true, characterData: true, subtree: true});
        }"""
    )
    page.click("#submit")
    expect(page.locator("#step-receipt")).to_be_visible()

    assert len(sent) == 2
    assert sent[0]["idempotency_key"] == sent[1]["idempotency_key"]
    assert sent[0]["approvals"] == sent[1]["approvals"] == [1, 2, 3, 4]
    assert page.locator("#receipt").inner_text() == recorded[0]
    statuses: list[str] = page.evaluate("window.statuses")
    assert ZH["submit.retrying"].format(attempt=2) in statuses
    assert hall.turnout()["ballots_returned"] == 1


def test_a_code_that_has_voted_is_told_so_in_the_servers_words(page: Page, hall: Hall) -> None:
    hall.sitting.cast(Http(hall.url), 3, [1, 2])
    open_ballot(page, hall, 3)
    page.locator("button.project").first.click()
    page.click("#to-review")
    page.click("#submit")
    expect(page.locator("#submit-error")).to_have_text(server_text("zh")["error.already_voted"])
    expect(page.locator("#step-receipt")).to_be_hidden()
    assert hall.turnout()["ballots_returned"] == 1
