"""The deputy's ballot page in a real browser: code, choices, review, submit, receipt, in both ballot styles
(approve-only and approve / oppose / abstain); a reload keeps an unsent ballot; axe and screenshots."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import unquote

import pytest
from playwright.sync_api import Browser, Page, Request, Route, expect

from tests.support.api import Sitting, set_up
from tests.support.browser import (
    DESKTOP,
    PHONE,
    no_horizontal_scroll,
    page_text,
    screenshot,
    serious_violations,
    tab,
    watch,
)
from tests.support.databases import fresh_database
from tests.support.halls import Hall
from tests.support.pages import check_both_sizes, record_statuses, recorded_statuses
from tests.support.servers import Http, add_staff, login, serving
from voting.language import error_message

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
    numbers = [int(text) for text in review.locator(".number").all_inner_texts()]
    assert numbers == [*range(1, 10), 11]

    page.click("#submit")
    expect(page.locator("#step-receipt")).to_be_visible()
    receipt = page.locator("#receipt").inner_text()
    assert len(receipt) >= 8
    expect(page.locator("#receipt-counted")).to_have_text(
        ZH["receipt.counted"].format(round=ZH["round.named"].format(round=1, kind=ZH["round.kind.first"]))
    )
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
    expect(page.locator("#code-error")).to_have_text(error_message("invalid_code", {}, "en"))

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
    record_statuses(page)
    page.click("#submit")
    expect(page.locator("#step-receipt")).to_be_visible()

    assert len(sent) == 2
    assert sent[0]["idempotency_key"] == sent[1]["idempotency_key"]
    assert sent[0]["approvals"] == sent[1]["approvals"] == [1, 2, 3, 4]
    assert page.locator("#receipt").inner_text() == recorded[0]
    statuses = recorded_statuses(page)
    assert ZH["submit.retrying"].format(attempt=2) in statuses
    assert hall.turnout()["ballots_returned"] == 1


def test_a_code_that_has_voted_is_told_so_in_the_servers_words(page: Page, hall: Hall) -> None:
    # The code votes elsewhere (another tab, another phone) after this page opened the ballot.
    open_ballot(page, hall, 3)
    hall.sitting.cast(Http(hall.url), 3, [1, 2])
    page.locator("button.project").first.click()
    page.click("#to-review")
    page.click("#submit")
    expect(page.locator("#submit-error")).to_have_text(error_message("already_voted", {}, "zh"))
    expect(page.locator("#step-receipt")).to_be_hidden()
    assert hall.turnout()["ballots_returned"] == 1


def in_viewport(page: Page, selector: str) -> bool:
    """The element is drawn wholly inside the window as it is scrolled now."""
    return bool(
        page.eval_on_selector(
            selector,
            "e => { const r = e.getBoundingClientRect();"
            " return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }",
        )
    )


def test_on_a_phone_the_ballot_says_what_is_wrong_where_the_deputy_looks(browser: Browser, hall: Hall) -> None:
    """Issue 14.6 on one server: an approval too many is refused beside the tapped project and the review
    numbers each project once (a, c), on a phone in Chinese and on a desktop in English; then a tie-break
    round says which round it is and why (d), a code that has voted is told so when entered (b), and
    "next deputy" leaves nothing of the code on a shared terminal (f)."""
    for number, size, language in ((1, PHONE, "zh"), (2, DESKTOP, "en")):
        text = ZH if language == "zh" else EN
        with tab(browser, **size) as page:
            page.goto(f"{hall.url}/ballot?code={hall.code(number)}")
            expect(page.locator("body")).to_have_attribute("data-ready", "true")
            if language == "en":
                page.click("#lang-switch")
            page.click("#open-ballot")
            projects = page.locator("button.project")
            for index in range(10):
                projects.nth(index).click()
            projects.nth(11).click()  # the twelfth, at the bottom of the list: the counter is far above
            refusal = text["ballot.limit"].format(seats=10)
            note = page.locator("#limit-note")
            expect(note).to_have_text(refusal)
            assert in_viewport(page, "#limit-note"), "the refusal is drawn off screen"
            assert note.evaluate("n => n.closest('li').querySelector('button.project').dataset.number") == "12"
            # A screen reader hears it from the live region.
            expect(page.locator("#limit")).to_have_text(refusal)
            expect(page.locator("#limit")).to_have_attribute("role", "alert")
            expect(projects.nth(11)).to_have_attribute("aria-pressed", "false")
            assert serious_violations(page) == []
            screenshot(page, f"ballot-refused-{'phone' if size == PHONE else 'desktop'}-{language}")
            projects.nth(0).click()  # undoing one clears the refusal
            expect(note).to_have_count(0)
            expect(page.locator("#limit")).to_be_empty()

            page.click("#to-review")
            review = page.locator("#review-list li")
            expect(review).to_have_count(9)
            assert page.eval_on_selector("#review-list", "l => getComputedStyle(l).listStyleType") == "none"
            for item, expected in zip(review.all(), range(2, 11), strict=True):
                title = item.locator(".title").inner_text()
                assert item.inner_text().replace(title, "").split() == [str(expected)]

    # A tie-break round among 9, 10 and 11 for two seats (the two ballots above were never sent).
    deputy = Http(hall.url)
    hall.sitting.issue_codes([4, 5, 6])
    tied = {1: {9, 10}, 2: {9, 10}, 3: {9, 11}, 4: {9, 11}, 5: {10, 11}, 6: {10, 11}}
    for number, extra in tied.items():
        hall.sitting.cast(deputy, number, set(range(1, 9)) | extra)
    assert hall.sitting.close_and_count(hall.round["id"])["result"]["runoff"]["reason"] == "tie"
    tie_break = hall.sitting.open_round()
    assert tie_break["kind"] == "tie_break"
    hall.sitting.cast(deputy, 2, {9})

    with tab(browser, **PHONE) as page:
        page.goto(f"{hall.url}/ballot?code={hall.code(1)}")
        page.click("#open-ballot")
        expect(page.locator("button.project")).to_have_count(3)
        name = ZH["round.named"].format(round=2, kind=ZH["round.kind.tie_break"])
        expect(page.locator("#round-info")).to_have_text(ZH["ballot.round"].format(round=name, seats=2))
        expect(page.locator("#round-why")).to_have_text(ZH["round.why.tie_break"].format(seats=2))
        assert serious_violations(page) == []
        screenshot(page, "ballot-tie-break-phone-zh")
        page.click("#lang-switch")
        english = EN["round.named"].format(round=2, kind=EN["round.kind.tie_break"])
        expect(page.locator("#round-info")).to_have_text(EN["ballot.round"].format(round=english, seats=2))
        expect(page.locator("#round-why")).to_have_text(EN["round.why.tie_break"].format(seats=2))
        page.set_viewport_size(DESKTOP)
        assert serious_violations(page) == []
        screenshot(page, "ballot-tie-break-desktop-en")
        page.click("#lang-switch")

        page.locator("button.project").first.click()
        page.click("#to-review")
        page.click("#submit")
        expect(page.locator("#receipt-counted")).to_have_text(ZH["receipt.counted"].format(round=name))
        assert "code=" not in page.url  # the address no longer carries the code once it has voted
        page.click("#next-deputy")
        expect(page.locator("#step-code")).to_be_visible()
        expect(page.locator("#code")).to_have_value("")
        expect(page.locator("#code")).to_be_focused()
        assert "code=" not in page.url
        assert page.evaluate("sessionStorage.length") == 0
        expect(page.locator("#receipt")).to_be_empty()
        assert serious_violations(page) == []

        # The next deputy types a code that has voted in this round: told so at once, no ballot shown.
        for number in (2, 1):
            page.fill("#code", hall.code(number))
            page.click("#open-ballot")
            expect(page.locator("#code-error")).to_have_text(ZH["code.already_voted"].format(round=name))
            expect(page.locator("#step-choose")).to_be_hidden()
        page.reload()
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        expect(page.locator("#code")).to_have_value("")
    assert deputy.get(f"/api/v1/rounds/{tie_break['id']}/turnout")["ballots_returned"] == 2


# --- both ballot styles, a reload, screenshots and axe on one server for the module ---------------------

AOA_VOTE: dict[str, Any] = {
    "title_zh": "2021年民生实事项目票决（赞成、反对、弃权）",
    "title_en": "2021 livelihood projects vote (approve, oppose, abstain)",
    "rules": {"seats": 3, "ballot_style": "approve_oppose_abstain"},
    "candidates": [
        {
            "number": n,
            "title_zh": f"第{n}项候选项目：社区养老服务中心建设",
            "title_en": f"Candidate {n}: community elderly care centre",
            "detail_zh": "新建或改造社区养老服务用房，提供助餐、日间照料等服务。",
            "detail_en": "Build or refit community rooms for meals and day care for older residents.",
        }
        for n in range(1, 7)
    ],
}
"""Six projects, three seats, approve / oppose / abstain."""


@dataclass
class Booth:
    """A running server with two open votes: ``aoa`` (approve / oppose / abstain) and ``plain`` (approve-only)."""

    url: str
    aoa: Sitting
    aoa_round: dict[str, Any]
    plain: Sitting
    plain_round: dict[str, Any]

    def returned(self, round_: dict[str, Any]) -> int:
        answer: int = Http(self.url).get(f"/api/v1/rounds/{round_['id']}/turnout")["ballots_returned"]
        return answer


@pytest.fixture(scope="module")
def booth(db_kind: str, _template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Booth]:
    base = tmp_path_factory.mktemp("booth")
    with fresh_database(db_kind, _template, base) as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VOTING_")}
        env.update(VOTING_DATABASE_URL=url, VOTING_INSTANCE_PATH=str(base / "instance"))
        add_staff(env, "clerk-booth", "clerk")
        with serving(env, base, workers=1) as server:
            clerk = login(server.url, "clerk-booth")
            aoa = set_up(clerk, size=12, template=False, vote=AOA_VOTE)
            aoa.check_in(range(1, 13))
            aoa.issue_codes(range(1, 13))
            aoa_round = aoa.open_round()
            plain = set_up(clerk, size=8)
            plain.check_in(range(1, 9))
            plain.issue_codes(range(1, 9))
            plain_round = plain.open_round()
            yield Booth(server.url, aoa, aoa_round, plain, plain_round)


def open_code(page: Page, booth: Booth, sitting: Sitting, number: int) -> None:
    page.goto(f"{booth.url}/ballot?code={sitting.codes[number]}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.click("#open-ballot")
    expect(page.locator("#step-choose")).to_be_visible()


def marks(page: Page) -> dict[int, str]:
    """Each project's checked choice in the radio groups."""
    groups = page.locator("fieldset.project-group")
    return {
        int(g.get_attribute("data-number") or 0): g.locator("input:checked").get_attribute("value") or ""
        for g in groups.all()
    }


def mark(page: Page, number: int, choice: str) -> None:
    page.click(f"label[for=mark-{number}-{choice}]")


def draft(page: Page) -> dict[str, Any] | None:
    found: dict[str, Any] | None = page.evaluate("JSON.parse(sessionStorage.getItem('ballot.draft'))")
    return found


def test_a_deputy_on_a_phone_votes_approve_oppose_abstain(browser: Browser, booth: Booth) -> None:
    before = booth.returned(booth.aoa_round)
    with tab(browser, **PHONE) as page:
        sent: list[dict[str, Any]] = []
        page.on(
            "request",
            lambda r: sent.append(json.loads(r.post_data or "{}")) if r.url.endswith("/api/v1/ballots") else None,
        )
        open_code(page, booth, booth.aoa, 1)
        expect(page.locator("fieldset.project-group")).to_have_count(6)
        expect(page.locator("fieldset.project-group input[type=radio]")).to_have_count(24)
        # Every radio has a visible label, each group a legend naming the project.
        expect(page.locator("fieldset.project-group legend .title").first).to_have_text(
            AOA_VOTE["candidates"][0]["title_zh"]
        )
        expect(page.locator("label[for=mark-1-approve]")).to_have_text(ZH["mark.approve"])
        expect(page.locator("#instructions")).to_have_text(ZH["ballot.instructions_aoa"].format(seats=3))
        assert marks(page) == dict.fromkeys(range(1, 7), "none")
        expect(page.locator("#counter")).to_have_text(ZH["ballot.counter_aoa"].format(count=0, seats=3))

        for number in (1, 2, 3):
            mark(page, number, "approve")
        expect(page.locator("#counter")).to_have_text(ZH["ballot.counter_aoa"].format(count=3, seats=3))
        # A fourth approval is refused with a clear message; project 4 keeps no mark.
        mark(page, 4, "approve")
        expect(page.locator("#limit")).to_have_text(ZH["ballot.limit_aoa"].format(seats=3))
        assert marks(page)[4] == "none"
        mark(page, 4, "oppose")
        expect(page.locator("#limit")).to_be_empty()
        # Keyboard: the arrow keys move within a project's group (from "no choice" back to "abstain").
        page.focus("#mark-5-none")
        page.keyboard.press("ArrowLeft")
        expect(page.locator("#mark-5-abstain")).to_be_checked()
        expect(page.locator("#mark-5-abstain")).to_be_focused()
        # Changing an approval to "oppose" frees a seat.
        mark(page, 3, "oppose")
        mark(page, 3, "approve")
        assert marks(page) == {1: "approve", 2: "approve", 3: "approve", 4: "oppose", 5: "abstain", 6: "none"}
        assert no_horizontal_scroll(page)

        page.click("#to-review")
        review = page.locator("#review-list li")
        expect(review).to_have_count(6)
        shown = review.evaluate_all("items => items.map(i => [Number(i.dataset.number), i.dataset.mark])")
        assert dict(shown) == {1: "approve", 2: "approve", 3: "approve", 4: "oppose", 5: "abstain", 6: "none"}
        expect(review.nth(5).locator(".review-mark")).to_have_text(ZH["mark.none"])
        expect(page.locator("#review-count")).to_have_text(
            ZH["review.count_aoa"].format(approvals=3, opposes=1, abstains=1, none=1, seats=3)
        )
        page.click("#submit")
        expect(page.locator("#step-receipt")).to_be_visible()

        assert [{k: b[k] for k in ("approvals", "opposes", "abstains")} for b in sent] == [
            {"approvals": [1, 2, 3], "opposes": [4], "abstains": [5]}
        ]
        receipt = page.locator("#receipt").inner_text()
        assert len(receipt.replace("-", "")) >= 16
        # Shown large, with ways to keep it, and a link to check it after publication.
        assert float(page.eval_on_selector("#receipt", "e => getComputedStyle(e).fontSize").removesuffix("px")) >= 28
        save = page.locator("#save")
        assert (save.get_attribute("href") or "").startswith("data:text/plain")
        assert receipt in unquote(save.get_attribute("href") or "")
        assert receipt in (save.get_attribute("download") or "")
        expect(page.locator("#check-link")).to_have_attribute("href", f"/receipt?receipt={receipt}")
        expect(page.locator("#print")).to_be_visible()
        assert draft(page) is None
        assert no_horizontal_scroll(page)
    assert booth.returned(booth.aoa_round) == before + 1


def test_a_reload_mid_ballot_keeps_the_choices_and_nothing_from_the_server_changes_them(
    browser: Browser, booth: Booth
) -> None:
    with tab(browser, **PHONE) as page:
        open_code(page, booth, booth.aoa, 2)
        mark(page, 1, "approve")
        mark(page, 2, "oppose")
        mark(page, 3, "abstain")
        key = (draft(page) or {})["key"]
        # Meanwhile other deputies vote and the page's language changes: the unsent choices stay.
        booth.aoa.cast(Http(booth.url), 12, [1])
        page.click("#lang-switch")
        expect(page.locator("#counter")).to_have_text(EN["ballot.counter_aoa"].format(count=1, seats=3))
        page.click("#lang-switch")
        chosen = {1: "approve", 2: "oppose", 3: "abstain", 4: "none", 5: "none", 6: "none"}
        assert marks(page) == chosen

        page.reload()
        expect(page.locator("#step-choose")).to_be_visible()
        expect(page.locator("#restored")).to_be_visible()
        expect(page.locator("#restored")).to_have_text(ZH["ballot.restored"])
        assert marks(page) == chosen
        expect(page.locator("#counter")).to_have_text(ZH["ballot.counter_aoa"].format(count=1, seats=3))
        assert (draft(page) or {})["key"] == key

    # The approve-only ballot too, with a QR link's ?code= in the address.
    with tab(browser, **PHONE) as page:
        open_code(page, booth, booth.plain, 1)
        projects = page.locator("button.project")
        for index in (0, 4, 7):
            projects.nth(index).click()
        page.reload()
        expect(page.locator("#step-choose")).to_be_visible()
        pressed = page.locator("button.project[aria-pressed=true]")
        assert pressed.evaluate_all("bs => bs.map(b => Number(b.dataset.number))") == [1, 5, 8]
        expect(page.locator("#counter")).to_have_text(counter(3))
        before = booth.returned(booth.plain_round)
        page.click("#to-review")
        page.click("#submit")
        expect(page.locator("#step-receipt")).to_be_visible()
        assert draft(page) is None
        assert booth.returned(booth.plain_round) == before + 1


def test_on_a_shared_terminal_an_unsent_ballot_comes_back_only_for_its_own_code(browser: Browser, booth: Booth) -> None:
    with tab(browser, **PHONE) as page:
        # Deputy 4 types the code at a hall terminal, chooses, and walks away without casting.
        page.goto(f"{booth.url}/ballot")
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        page.fill("#code", booth.aoa.codes[4])
        page.click("#open-ballot")
        mark(page, 5, "oppose")
        assert (draft(page) or {})["marks"] == {"5": "oppose"}

        # The next deputy reloads: an empty code box, nothing of deputy 4's ballot on the page.
        page.reload()
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        expect(page.locator("#step-code")).to_be_visible()
        expect(page.locator("#step-choose")).to_be_hidden()
        expect(page.locator("#code")).to_have_value("")
        assert booth.aoa.codes[4] not in page.locator("body").inner_text()

        # Deputy 5's own code: a fresh ballot with a fresh key.
        page.fill("#code", booth.aoa.codes[5])
        page.click("#open-ballot")
        expect(page.locator("#step-choose")).to_be_visible()
        assert set(marks(page).values()) == {"none"}
        expect(page.locator("#restored")).to_be_hidden()

    with tab(browser, **PHONE) as page:
        # Deputy 4, back in a tab of their own after a reload, types the code again: the choices are there.
        page.goto(f"{booth.url}/ballot")
        page.fill("#code", booth.aoa.codes[4])
        page.click("#open-ballot")
        mark(page, 5, "oppose")
        key = (draft(page) or {})["key"]
        page.reload()
        expect(page.locator("#step-choose")).to_be_hidden()
        page.fill("#code", booth.aoa.codes[4])
        page.click("#open-ballot")
        expect(page.locator("#restored")).to_be_visible()
        assert marks(page)[5] == "oppose"
        assert (draft(page) or {})["key"] == key


def test_a_reload_after_a_dropped_answer_gets_the_same_receipt_and_one_ballot(browser: Browser, booth: Booth) -> None:
    before = booth.returned(booth.aoa_round)
    sent: list[dict[str, Any]] = []
    recorded: list[str] = []
    online = {"up": False}

    def flaky(route: Route, request: Request) -> None:
        sent.append(json.loads(request.post_data or "{}"))
        if len(sent) == 1:
            # The server takes the ballot, but its answer never reaches the deputy.
            recorded.append(route.fetch().json()["receipt"])
            route.abort("connectionreset")
        elif online["up"]:
            route.continue_()
        else:
            route.abort("internetdisconnected")

    with tab(browser, **PHONE) as page:
        page.route("**/api/v1/ballots", flaky)
        open_code(page, booth, booth.aoa, 3)
        mark(page, 2, "approve")
        mark(page, 6, "abstain")
        page.click("#to-review")
        page.click("#submit")
        expect(page.locator("#submit-status")).to_have_text(ZH["submit.retrying"].format(attempt=2))
        assert recorded
        assert (draft(page) or {})["sent"] is True
        # The deputy reloads while the network is still down, then it comes back.
        online["up"] = True
        page.reload()
        expect(page.locator("#step-receipt")).to_be_visible(timeout=20_000)
        expect(page.locator("#receipt")).to_have_text(recorded[0])
        assert draft(page) is None

    keys = {body["idempotency_key"] for body in sent}
    assert len(keys) == 1
    assert len(sent) >= 2  # the one the server took, and the one the reloaded page sent again
    assert all((b["approvals"], b["opposes"], b["abstains"]) == ([2], [], [6]) for b in sent)
    assert booth.returned(booth.aoa_round) == before + 1


def check_state(page: Page, language: str, state: str) -> None:
    """axe finds nothing serious, nothing sticks out sideways, and a screenshot, at both sizes."""
    check_both_sizes(page, f"ballot-{state}-{{size}}-{language}")


def test_every_state_of_both_styles_passes_axe_at_both_sizes_in_both_languages(browser: Browser, booth: Booth) -> None:
    deputies = {"zh": (4, 2), "en": (5, 3)}  # (aoa deputy, approve-only deputy)
    for language, (aoa_deputy, plain_deputy) in deputies.items():
        text = ZH if language == "zh" else EN
        with tab(browser, **PHONE) as page:
            check = partial(check_state, page, language)
            page.goto(f"{booth.url}/ballot?code={booth.aoa.codes[aoa_deputy]}")
            expect(page.locator("body")).to_have_attribute("data-ready", "true")
            if language == "en":
                page.click("#lang-switch")
            expect(page.locator("label[for=code]")).to_have_text(text["code.label"])
            check("code")
            page.click("#open-ballot")
            mark(page, 1, "approve")
            mark(page, 2, "oppose")
            mark(page, 4, "abstain")
            check("ballot-aoa")
            page.click("#to-review")
            expect(page.locator("#review-list li")).to_have_count(6)
            check("review-aoa")
            page.click("#submit")
            expect(page.locator("#step-receipt")).to_be_visible()
            expect(page.locator("#receipt-heading")).to_have_text(text["receipt.heading"])
            check("receipt-aoa")

            page.goto(f"{booth.url}/ballot?code={booth.plain.codes[plain_deputy]}")
            page.click("#open-ballot")
            for index in (0, 3):
                page.locator("button.project").nth(index).click()
            check("ballot-approve")
            page.click("#to-review")
            check("review-approve")
