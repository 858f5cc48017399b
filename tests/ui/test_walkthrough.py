"""The whole Gongshu 2020 flow through the browser pages, as people would walk it, in each language.

Each person has a browser context of their own: two clerks at the console, the hall screen on the
projector (1920x1080), five deputies on phones, a member of the public on the results page and a deputy
checking a receipt.  The roster has 8 deputies; 5 check in and get voting codes (the 5 slips the clerk
prints), 2 arrive late and check in after the slips are printed (present: 7, the ballots issued when the
round opens), 1 stays away.  The 5 vote on their phones, the 2 late ones on paper.

The ballots are designed so that there is NO tie at the cut-off and no shortfall: with 8 on the roster a
project needs 8 // 2 + 1 = 5 approvals; projects 1-10 get 5, 5, 5, 6, 6, 7, 7, 7, 7, 7 and 11, 12 get 3
and 1, so exactly the 10 seats fill in one round, in the order 6 7 8 9 10 4 5 1 2 3.  Every number the
test asserts on a page is computed here from the ballots the test cast (``expected_result``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, FilePayload, Page, Request, Route, expect

from tests.support.browser import DESKTOP, PHONE, no_horizontal_scroll, page_text, screenshot, serious_violations, tab
from tests.support.console import CLERK, CLERK2, PUBLISHING_MS, Console, console, go, log_in, only_difference
from tests.support.pages import (
    column,
    figures,
    marks_shown,
    open_receipt,
    open_results,
    record_statuses,
    recorded_statuses,
)
from tests.support.servers import Http

__all__ = ["console"]

NAMES = ["张建国", "李秀英", "王伟", "赵敏", "陈静", "刘洋", "杨帆", "黄磊"]
ROSTER: FilePayload = {
    "name": "roster.csv",
    "mimeType": "text/csv",
    "buffer": ("编号,姓名,代表团\n" + "".join(f"{n},{name},拱宸桥\n" for n, name in enumerate(NAMES, 1))).encode(),
}
ON_TIME = [1, 2, 3, 4, 5]
"""Checked in before the slips are printed: they vote electronically."""
LATE = [6, 7]
"""Checked in after the slips: they vote on paper.  Deputy 8 never comes."""
SEATS = 10
PROJECTS = range(1, 13)

ELECTRONIC: dict[int, list[int]] = {
    1: list(range(1, 11)),  # tries 11 as an eleventh approval first, and is refused
    2: list(range(1, 11)),
    3: list(range(2, 12)),  # loses the network at submit
    4: list(range(3, 13)),
    5: [1, 2, 4, 6, 7, 8, 9, 10],
}
ELEVENTH = 11
"""The project deputy 1 tries to approve after ten."""
FLAKY = 3
"""The deputy whose first submission the server takes but whose answer never arrives."""
CHECKS_RECEIPT = FLAKY
PAPER: list[list[int]] = [[1, 3, 4, 5, 6, 7, 8, 9, 10, 11], [1, 2, 5, 6, 7, 8, 9, 10]]
"""The two paper ballots, in the order the clerks enter them."""
SLIP = [1, 2, 5, 6, 7, 8, 9]
"""The first clerk's first entry of paper ballot 2: project 10 missed, the one difference."""


@dataclass(frozen=True)
class Expected:
    approvals: dict[int, int]
    threshold: int
    selected: list[int]
    """In the order seats were won: most approvals first, then by number."""


def expected_result(ballots: list[list[int]], roster: int) -> Expected:
    """The tally of DESIGN 1 (3, 5, 6), worked out here from the ballots the test cast."""
    valid = [b for b in ballots if len(b) <= SEATS]
    counts = Counter(n for ballot in valid for n in ballot)
    approvals = {n: counts[n] for n in PROJECTS}
    threshold = roster // 2 + 1
    eligible = sorted((n for n in PROJECTS if approvals[n] >= threshold), key=lambda n: (-approvals[n], n))
    # The design has no tie at the cut-off and no shortfall: one round decides.
    assert len(eligible) == SEATS, eligible
    return Expected(approvals, threshold, eligible)


EXPECTED = expected_result([*ELECTRONIC.values(), *PAPER], len(NAMES))
RATES = {
    **dict.fromkeys((1, 2, 3), "71.43%"),  # 5 of the 7 present: 71.428...
    **dict.fromkeys((4, 5), "85.71%"),  # 6 of 7: 85.714...
    **dict.fromkeys((6, 7, 8, 9, 10), "100.00%"),
    11: "42.86%",  # 3 of 7: 42.857...
    12: "14.29%",  # 1 of 7: 14.285...
}
"""Each project's rate (票决率), worked by hand from the approvals asserted in the test."""


def spaced(numbers: list[int]) -> str:
    return " ".join(map(str, numbers))


@dataclass
class People:
    """Everyone's browser, opened as they arrive; all closed (and checked for script errors) at the end."""

    browser: Browser
    stack: ExitStack

    def arrive(self, width: int, height: int) -> Page:
        return self.stack.enter_context(tab(self.browser, width, height))


@pytest.fixture
def people(browser: Browser) -> Iterator[People]:
    with ExitStack() as stack:
        yield People(browser, stack)


def in_language(page: Page, language: str, text: dict[str, str]) -> None:
    """Switch the page to the language with its own button (the choice persists in this browser)."""
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    if page.evaluate("document.documentElement.lang") != ("en" if language == "en" else "zh-CN"):
        page.click("#lang-switch")
    expect(page.locator("#lang-switch")).to_have_text(text["lang.switch"])


def clean(page: Page, step: str) -> None:
    """axe finds nothing serious on the page as it stands."""
    found = serious_violations(page)
    assert found == [], f"{step}: {found}"


def console_login(page: Page, url: str, name: str, language: str, text: dict[str, str]) -> None:
    page.goto(f"{url}/console")
    in_language(page, language, text)
    log_in(page, url, name)
    expect(page.locator("#nav [data-screen='meetings']")).to_have_text(text["screen.meetings"])


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_gongshu_flow_through_every_page(browser: Browser, console: Console, people: People, language: str) -> None:
    url = console.url
    desk = page_text(language, "console")
    booth = page_text(language, "ballot")
    screen = page_text(language, "hall")
    public = page_text(language, "results")
    check = page_text(language, "receipt")
    shot = language
    # The stage is what the docstring says: one round fills the ten seats, in this order.
    assert EXPECTED.selected == [6, 7, 8, 9, 10, 4, 5, 1, 2, 3]
    assert [EXPECTED.approvals[n] for n in PROJECTS] == [5, 5, 5, 6, 6, 7, 7, 7, 7, 7, 3, 1]

    # --- 1. The clerk sets the sitting up ---------------------------------------------------------
    clerk = people.arrive(**DESKTOP)
    console_login(clerk, url, CLERK, language, desk)
    clerk.fill("#meeting-name-zh", "杭州市拱墅区第九届人民代表大会第五次会议")
    clerk.fill("#meeting-date", "2020-01-18")
    clerk.click("#meeting-create")
    card = clerk.locator("article.meeting").first
    expect(card.locator("h3")).to_have_text("杭州市拱墅区第九届人民代表大会第五次会议")
    card.get_by_role("button", name=desk["meetings.from_template"]).click()
    expect(card.locator("li.vote")).to_have_count(1)
    vote_id = int(card.locator("li.vote").get_attribute("data-vote-id") or "0")
    assert vote_id > 0
    expect(card.locator("li.vote .state")).to_have_text(desk["vote.state.draft"])

    card.get_by_role("button", name=desk["meetings.checkin"]).click()
    expect(clerk.locator("body")).to_have_attribute("data-screen", "checkin")
    clerk.set_input_files("#roster-file", files=[ROSTER])
    clerk.click("#roster-import")
    expect(clerk.locator("#roster-status")).to_have_text(desk["roster.imported"].format(count=len(NAMES)))
    expect(clerk.locator("#deputies tbody tr")).to_have_count(len(NAMES))

    def check_in(numbers: list[int]) -> None:
        for number in numbers:
            name = NAMES[number - 1]
            clerk.get_by_role("button", name=desk["checkin.in_label"].format(name=name, number=number)).click()
            expect(
                clerk.get_by_role("button", name=desk["checkin.out_label"].format(name=name, number=number))
            ).to_be_visible()

    check_in(ON_TIME)
    expect(clerk.locator("#checkin-counts")).to_have_text(
        desk["checkin.counts"].format(present=len(ON_TIME), roster=len(NAMES))
    )

    # The slips: codes for the five present, read off the printed sheet as the clerk sees it.
    go(clerk, "meetings")
    clerk.locator(f"li.vote[data-vote-id='{vote_id}'] button[data-vote]").click()
    expect(clerk.locator("body")).to_have_attribute("data-screen", "round")
    go(clerk, "slips")
    clerk.click("#slips-issue")
    slips = clerk.locator(".slip")
    expect(slips).to_have_count(len(ON_TIME))
    expect(clerk.locator("#slips-summary")).to_have_text(
        desk["slips.count"].format(count=len(ON_TIME), picked=len(ON_TIME))
    )
    codes: dict[int, str] = {}
    for slip in slips.all():
        number = int(slip.get_attribute("data-deputy") or "0")
        expect(slip.locator(".slip-name")).to_have_text(NAMES[number - 1])
        expect(slip.locator("svg.qr")).to_have_attribute(
            "aria-label", desk["slips.qr_label"].format(name=NAMES[number - 1])
        )
        codes[number] = slip.locator(".slip-code").inner_text()
    assert sorted(codes) == ON_TIME
    assert len(set(codes.values())) == len(ON_TIME)
    clean(clerk, "slips")
    screenshot(clerk, f"walkthrough-1-slips-{shot}")
    clerk.emulate_media(media="print")
    expect(clerk.locator("#nav")).to_be_hidden()
    expect(slips.first).to_be_visible()
    screenshot(clerk, f"walkthrough-1-slips-print-{shot}")
    clerk.emulate_media(media="screen")

    # Two deputies arrive late: checked in, no code (they will vote on paper).
    go(clerk, "checkin")
    check_in(LATE)
    present = len(ON_TIME) + len(LATE)
    expect(clerk.locator("#checkin-counts")).to_have_text(
        desk["checkin.counts"].format(present=present, roster=len(NAMES))
    )
    screenshot(clerk, f"walkthrough-1-checkin-{shot}")

    go(clerk, "round")
    clerk.click("#round-open")
    expect(clerk.locator("#current-round")).to_contain_text(desk["round.state.open"])
    expect(clerk.locator("#turnout-returned")).to_have_text("0")
    expect(clerk.locator("#turnout-issued")).to_have_text(str(present))
    expect(clerk.locator("#not-voted-names li")).to_have_count(present)
    clean(clerk, "round open")
    screenshot(clerk, f"walkthrough-1-round-open-{shot}")

    # --- 2. The hall screen: 0 returned of 7 issued -----------------------------------------------
    hall = people.arrive(1920, 1080)
    hall.goto(f"{url}/hall?vote={vote_id}")
    in_language(hall, language, screen)
    expect(hall.locator("body")).to_have_attribute("data-state", "voting")
    expect(hall.locator("#round")).to_have_text(screen["round.named"].format(round=1, kind=screen["round.kind.first"]))
    expect(hall.locator("#round-state")).to_have_text(screen["hall.round_state.open"])
    expect(hall.locator("#returned")).to_have_text("0")
    expect(hall.locator("#issued")).to_have_text(str(present))
    expect(hall.locator("#turnout")).to_have_attribute(
        "aria-label", screen["hall.turnout_label"].format(returned=0, issued=present)
    )
    clean(hall, "hall voting")
    screenshot(hall, f"walkthrough-2-hall-voting-{shot}")

    # The word of "{approvals} approvals" / "赞成 {approvals} 票" that says approvals: never shown while voting.
    approvals_word = max(screen["hall.approvals"].split("{approvals}"), key=len).strip()

    def hall_shows_no_tally() -> None:
        expect(hall.locator("#result")).to_be_hidden()
        expect(hall.locator("#selected li")).to_have_count(0)
        text = hall.locator("body").inner_text()
        assert screen["hall.result"] not in text
        assert approvals_word not in text

    hall_shows_no_tally()

    # --- 3. Five deputies vote on their phones ----------------------------------------------------
    receipts: dict[int, str] = {}
    taken: list[str] = []
    sent: list[dict[str, object]] = []

    def flaky(route: Route, request: Request) -> None:
        """The server takes the first submission, but its answer never reaches the phone."""
        sent.append(json.loads(request.post_data or "{}"))
        if len(sent) == 1:
            taken.append(route.fetch().json()["receipt"])
            route.abort("connectionreset")
        else:
            route.continue_()

    for number, approvals in ELECTRONIC.items():
        with tab(browser, **PHONE) as phone:
            if number == FLAKY:
                phone.route("**/api/v1/ballots", flaky)
            # The QR code on the slip opens the ballot with the code filled in.
            phone.goto(f"{url}/ballot?code={codes[number]}")
            in_language(phone, language, booth)
            expect(phone.locator("#code")).to_have_value(codes[number])
            phone.click("#open-ballot")
            expect(phone.locator("#step-choose")).to_be_visible()
            expect(phone.locator("button.project")).to_have_count(len(PROJECTS))
            expect(phone.locator("#counter")).to_have_text(booth["ballot.counter"].format(count=0, seats=SEATS))
            for project in approvals:
                phone.click(f"button.project[data-number='{project}']")
            expect(phone.locator("#counter")).to_have_text(
                booth["ballot.counter"].format(count=len(approvals), seats=SEATS)
            )
            if number == 1:
                assert len(approvals) == SEATS
                eleventh = phone.locator(f"button.project[data-number='{ELEVENTH}']")
                eleventh.click()
                expect(phone.locator("#limit")).to_have_text(booth["ballot.limit"].format(seats=SEATS))
                expect(eleventh).to_have_attribute("aria-pressed", "false")
                expect(phone.locator("#counter")).to_have_text(booth["ballot.counter"].format(count=SEATS, seats=SEATS))
                clean(phone, "ballot refused eleventh")
                screenshot(phone, f"walkthrough-3-ballot-eleventh-{shot}")
            pressed = phone.locator("button.project[aria-pressed=true]")
            assert pressed.evaluate_all("bs => bs.map(b => Number(b.dataset.number))") == approvals
            phone.click("#to-review")
            review = phone.locator("#review-list li")
            expect(review).to_have_count(len(approvals))
            assert [int(n) for n in review.evaluate_all("items => items.map(i => i.dataset.number)")] == approvals
            expect(phone.locator("#review-count")).to_have_text(
                booth["review.count"].format(count=len(approvals), seats=SEATS)
            )
            if number == 1:
                clean(phone, "review")
                screenshot(phone, f"walkthrough-3-ballot-review-{shot}")
            # What the page tells the deputy while it sends, every wording of it.
            record_statuses(phone)
            phone.click("#submit")
            expect(phone.locator("#step-receipt")).to_be_visible(timeout=15_000)
            expect(phone.locator("#receipt-counted")).to_have_text(
                booth["receipt.counted"].format(
                    round=booth["round.named"].format(round=1, kind=booth["round.kind.first"])
                )
            )
            receipts[number] = phone.locator("#receipt").inner_text()
            assert no_horizontal_scroll(phone)
            if number == FLAKY:
                # The retry carried the same key and got the receipt the server gave the first time.
                assert len(sent) == 2
                assert sent[0]["idempotency_key"] == sent[1]["idempotency_key"]
                assert sent[0]["approvals"] == sent[1]["approvals"] == approvals
                assert receipts[number] == taken[0]
                statuses = recorded_statuses(phone)
                assert booth["submit.retrying"].format(attempt=2) in statuses, statuses
                clean(phone, "receipt after retry")
                screenshot(phone, f"walkthrough-3-ballot-receipt-after-retry-{shot}")
        # The hall screen follows, with the turnout only.
        expect(hall.locator("#returned")).to_have_text(str(len(receipts)), timeout=10_000)
        expect(hall.locator("#issued")).to_have_text(str(present))
    assert len(set(receipts.values())) == len(ELECTRONIC)
    hall_shows_no_tally()
    hall_api = Http(url).get(f"/api/v1/votes/{vote_id}/hall")
    assert hall_api["selected"] is None
    assert "approvals" not in json.dumps(hall_api)
    clean(hall, "hall 5 of 7")
    screenshot(hall, f"walkthrough-3-hall-5-of-7-{shot}")

    # --- 4. Paper for the two late deputies, double entry, close, count, publish ------------------
    expect(clerk.locator("#turnout-returned")).to_have_text(str(len(ELECTRONIC)), timeout=10_000)
    expect(clerk.locator("#turnout-electronic")).to_have_text(str(len(ELECTRONIC)))
    waiting = [desk["round.deputy"].format(number=n, name=NAMES[n - 1]) for n in LATE]
    expect(clerk.locator("#not-voted-names li")).to_have_text(waiting, timeout=10_000)
    clerk.click("#round-paper")
    dialog = clerk.locator("#confirm")
    expect(dialog).to_contain_text(desk["paper_switch.text"].format(count=len(LATE)))
    expect(dialog.locator("li")).to_have_text(waiting)
    clean(clerk, "paper switch dialog")
    screenshot(clerk, f"walkthrough-4-paper-switch-{shot}")
    clerk.click("#confirm-yes")
    expect(clerk.locator("#round-body [role=status]")).to_have_text(desk["paper_switch.done"].format(count=len(LATE)))
    expect(clerk.locator("#turnout-paper-issued")).to_have_text(str(len(LATE)), timeout=10_000)

    # Entry 1, by this clerk, with a slip of the hand on the second ballot.
    go(clerk, "paper")
    expect(clerk.locator("#paper-counts")).to_have_text(
        desk["paper.counts"].format(round=1, issued=len(LATE), entered=0)
    )
    clerk.fill("#ballot-0-quick", spaced(PAPER[0]))
    clerk.press("#ballot-0-quick", "Enter")
    expect(clerk.locator("#ballot-1-quick")).to_be_focused()
    clerk.keyboard.type(spaced(SLIP))
    clerk.click("#paper-submit")
    expect(clerk.locator("#batch-waiting")).to_have_text(desk["paper.need_second"])

    # Entry 2, by the second clerk at another terminal, as the ballots say.
    second = people.arrive(**DESKTOP)
    console_login(second, url, CLERK2, language, desk)
    second.locator(f"button[data-vote='{vote_id}']").click()
    expect(second.locator("body")).to_have_attribute("data-screen", "round")
    go(second, "paper")
    second.select_option("#paper-entry", "2")
    for index, ballot in enumerate(PAPER):
        if index:
            second.click("#paper-add")
        for project in ballot:
            second.check(f"#ballot-{index}-p{project}")
        expect(second.locator(f"#ballot-{index}-quick")).to_have_value(spaced(ballot))
    second.click("#paper-submit")
    expect(second.locator("#batch-differ")).to_have_text(desk["paper.differ"].format(count=1))

    # The reconciliation view, on the first clerk's screen: ballot 2 differs, project 10.
    clerk.click("#paper-show")
    expect(clerk.locator("#batch-differ")).to_have_text(desk["paper.differ"].format(count=1))
    cells = only_difference(clerk, 2).locator("td")
    expect(cells.nth(0)).to_have_text(desk["paper.ballot"].format(n=2))
    expect(cells.nth(1)).to_have_text(f"{desk['paper.kind.approvals']}: {spaced(SLIP)}")
    expect(cells.nth(2)).to_have_text(f"{desk['paper.kind.approvals']}: {spaced(PAPER[1])}")
    expect(clerk.locator("#batch-accept")).to_have_count(0)
    clean(clerk, "reconciliation")
    screenshot(clerk, f"walkthrough-4-paper-differences-{shot}")

    # The first clerk corrects entry 1 from what they typed, and accepts.
    clerk.click("#paper-load")
    expect(clerk.locator("#ballot-1-quick")).to_have_value(spaced(SLIP))
    clerk.check("#ballot-1-p10")
    expect(clerk.locator("#ballot-1-quick")).to_have_value(spaced(PAPER[1]))
    clerk.click("#paper-submit")
    expect(clerk.locator("#batch-agree")).to_have_text(desk["paper.agree"])
    clerk.click("#batch-accept")
    expect(clerk.locator("#batch-accepted")).to_have_text(desk["paper.accepted"])
    screenshot(clerk, f"walkthrough-4-paper-accepted-{shot}")

    # Close: every checked-in deputy has voted (electronically or on paper); nobody is named.
    go(clerk, "round")
    returned = len(ELECTRONIC) + len(PAPER)
    expect(clerk.locator("#turnout-returned")).to_have_text(str(returned))
    expect(clerk.locator("#turnout-paper-entered")).to_have_text(str(len(PAPER)))
    expect(clerk.locator("#not-voted-none")).to_have_text(desk["round.all_voted"])
    clerk.click("#round-close")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#close-who")).to_contain_text(desk["round.all_voted"])
    expect(dialog.locator("#close-who li")).to_have_count(0)
    clean(clerk, "close dialog")
    screenshot(clerk, f"walkthrough-4-close-dialog-{shot}")
    clerk.click("#confirm-yes")
    expect(clerk.locator("#current-round")).to_contain_text(desk["round.state.closed"])
    expect(hall.locator("#round-state")).to_have_text(screen["hall.round_state.closed"], timeout=10_000)
    hall_shows_no_tally()

    # Count: the numbers the test worked out from the ballots it cast.
    clerk.click("#round-count")
    expect(clerk.locator("#round-result")).to_be_visible()
    expect(clerk.locator("#result-ballots")).to_have_text(
        desk["result.ballots"].format(cast=returned, valid=returned, invalid=0, threshold=EXPECTED.threshold)
    )
    counted = {
        int(row.get_attribute("data-number") or 0): int(row.locator("td.num").inner_text())
        for row in clerk.locator("#result-table tbody tr").all()
    }
    assert counted == EXPECTED.approvals
    chosen = clerk.locator("#result-table tr.status-selected")
    assert sorted(int(n) for n in chosen.evaluate_all("rs => rs.map(r => r.dataset.number)")) == sorted(
        EXPECTED.selected
    )
    expect(clerk.locator("#result-selected")).to_have_text(
        desk["result.selected"].format(projects=desk["console.list_sep"].join(map(str, sorted(EXPECTED.selected))))
    )
    expect(clerk.locator("#next-round")).to_have_count(0)  # no tie, no shortfall: decided in one round
    expect(clerk.locator("#decided")).to_contain_text(desk["next.decided"])
    clean(clerk, "counted")
    screenshot(clerk, f"walkthrough-4-counted-{shot}")
    expect(hall.locator("#round-state")).to_have_text(screen["hall.round_state.counted"], timeout=10_000)
    hall_shows_no_tally()

    clerk.click("#publish")
    expect(dialog).to_contain_text(desk["publish.confirm_text"])
    clerk.click("#confirm-yes")
    expect(clerk.locator("#published")).to_contain_text(desk["publish.done"], timeout=PUBLISHING_MS)

    # --- 5. The results page, the hall screen, a receipt ------------------------------------------
    candidates = Http(url).get(f"/api/v1/votes/{vote_id}/result")["vote"]["candidates"]
    titles = {c["number"]: (c["title_en"] or c["title_zh"]) if language == "en" else c["title_zh"] for c in candidates}

    expect(hall.locator("body")).to_have_attribute("data-state", "published", timeout=10_000)
    expect(hall.locator("#selected li")).to_have_count(SEATS)
    assert [int(n) for n in hall.locator("#selected li .number").all_inner_texts()] == EXPECTED.selected
    assert hall.locator("#selected li .title").all_inner_texts() == [titles[n] for n in EXPECTED.selected]
    assert hall.locator("#selected li .approvals").all_inner_texts() == [
        screen["hall.approvals"].format(approvals=EXPECTED.approvals[n]) for n in EXPECTED.selected
    ]
    expect(hall.locator("#selected-count")).to_have_text(screen["hall.selected_count"].format(count=SEATS))
    expect(hall.locator("#live")).to_be_hidden()
    # On the projector all ten are on the one screen, in either language (nobody scrolls a hall screen).
    bottoms = hall.eval_on_selector_all("#selected li", "items => items.map(e => e.getBoundingClientRect().bottom)")
    assert max(bottoms) <= 1080, bottoms
    assert hall.evaluate("document.scrollingElement.scrollHeight") <= 1080
    clean(hall, "hall published")
    screenshot(hall, f"walkthrough-5-hall-published-{shot}")

    reader = people.arrive(**DESKTOP)
    open_results(reader, url, vote_id, language)
    expect(reader.locator("body")).to_have_attribute("data-state", "published")
    items = reader.locator("#selected li")
    expect(items).to_have_count(SEATS)
    assert [int(n) for n in items.evaluate_all("els => els.map(e => e.dataset.number)")] == EXPECTED.selected
    assert items.locator(".title").all_inner_texts() == [titles[n] for n in EXPECTED.selected]
    assert items.locator(".approvals").all_inner_texts() == [
        public["results.selected_line"].format(approvals=EXPECTED.approvals[n], rate=RATES[n], round=1)
        for n in EXPECTED.selected
    ]
    assert {n: int(v) for n, v in column(reader, 1, "approvals").items()} == EXPECTED.approvals
    assert column(reader, 1, "rate") == RATES
    status = column(reader, 1, "status")
    assert {n for n, s in status.items() if s == public["results.status.selected"]} == set(EXPECTED.selected)
    assert {n for n, s in status.items() if s == public["results.status.below_threshold"]} == (
        set(PROJECTS) - set(EXPECTED.selected)
    )
    assert figures(reader, 1) == {
        "deputy_count": len(NAMES),
        "present": present,
        "issued": present,
        "returned": returned,
        "valid": returned,
        "invalid": 0,
    }
    clean(reader, "results")
    screenshot(reader, f"walkthrough-5-results-{shot}")
    reader.set_viewport_size(PHONE)
    assert no_horizontal_scroll(reader)
    clean(reader, "results on a phone")
    screenshot(reader, f"walkthrough-5-results-phone-{shot}")

    # The deputy whose connection dropped checks the receipt they kept, typed in by hand.
    deputy = people.arrive(**PHONE)
    open_receipt(deputy, url, "", language)
    deputy.fill("#receipt", receipts[CHECKS_RECEIPT])
    deputy.press("#receipt", "Enter")
    expect(deputy.locator("#found")).to_be_visible()
    expect(deputy.locator("#found-receipt")).to_have_text(receipts[CHECKS_RECEIPT])
    expect(deputy.locator("#found-round")).to_have_text(
        check["round.named"].format(round=1, kind=check["round.kind.first"])
    )
    expect(deputy.locator("#found-valid")).to_have_text(check["check.valid"])
    mine = ELECTRONIC[CHECKS_RECEIPT]
    assert marks_shown(deputy) == {n: "approve" if n in mine else "none" for n in PROJECTS}
    expect(deputy.locator(f"#marks li[data-number='{mine[0]}'] .mark")).to_have_text(check["check.mark.approve"])
    expect(deputy.locator("#results-link")).to_have_attribute("href", f"/results?vote={vote_id}")
    clean(deputy, "receipt check")
    screenshot(deputy, f"walkthrough-5-receipt-{shot}")
