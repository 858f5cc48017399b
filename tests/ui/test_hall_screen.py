"""The hall screen on a projector (1920x1080): live turnout without reload, never a partial tally, the result."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.api import Sitting, set_up
from tests.support.browser import PHONE, no_horizontal_scroll, page_text, screenshot, serious_violations, tab
from tests.support.servers import Http, add_staff, login, serving
from voting.domain.audit_chain import short_head

ZH = page_text("zh", "hall")
EN = page_text("en", "hall")
DEPUTIES = 6
# Five deputies approve; projects 3-10 get five approvals, 1 and 2 four, 11 and 12 one: with more than
# half of the six deputies needed, 3-10 win first (most approved), then 1 and 2.
BALLOTS = {
    1: set(range(1, 11)),
    2: set(range(1, 11)),
    3: set(range(1, 11)),
    4: set(range(1, 11)),
    5: set(range(3, 13)),
}
ORDER = [3, 4, 5, 6, 7, 8, 9, 10, 1, 2]


@dataclass
class Screen:
    url: str
    clerk: Http
    sitting: Sitting
    round: dict[str, Any]

    def hall(self) -> dict[str, Any]:
        answer: dict[str, Any] = Http(self.url).get(f"/api/v1/votes/{self.sitting.vote_id}/hall")
        return answer


@pytest.fixture
def screen(cli_env: dict[str, str], tmp_path: Path) -> Iterator[Screen]:
    add_staff(cli_env, "clerk-hall", "clerk")
    with serving(cli_env, tmp_path, workers=1) as server:
        clerk = login(server.url, "clerk-hall")
        sitting = set_up(clerk, size=DEPUTIES)
        sitting.check_in(range(1, DEPUTIES + 1))
        sitting.issue_codes(range(1, DEPUTIES + 1))
        opened = sitting.open_round()
        yield Screen(server.url, clerk, sitting, opened)


@pytest.fixture
def projector(browser: Browser) -> Iterator[Page]:
    with tab(browser, 1920, 1080) as opened:
        yield opened


def keys(value: Any) -> set[str]:
    """Every key anywhere in a JSON value."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


def no_tally_anywhere(page: Page, screen: Screen) -> None:
    """Before publication: no approvals in the API's answer nor in the page's text."""
    answer = screen.hall()
    assert answer["selected"] is None
    assert answer["vacant"] is None
    assert not keys(answer) & {"approvals", "result", "opposes", "abstains", "projects"}, answer
    text = page.locator("body").inner_text()
    assert "赞成" not in text
    assert ZH["hall.result"] not in text
    expect(page.locator("#result")).to_be_hidden()
    expect(page.locator("#selected li")).to_have_count(0)


def font_px(page: Page, selector: str) -> float:
    size: str = page.eval_on_selector(selector, "element => getComputedStyle(element).fontSize")
    return float(size.removesuffix("px"))


def test_turnout_updates_live_and_the_published_result_follows(projector: Page, screen: Screen) -> None:
    page = projector
    issued = screen.hall()["round"]["ballots_issued"]
    assert issued == DEPUTIES
    page.goto(f"{screen.url}/hall?vote={screen.sitting.vote_id}")
    expect(page.locator("body")).to_have_attribute("data-state", "voting")
    expect(page.locator("#returned")).to_have_text("0")
    expect(page.locator("#issued")).to_have_text(str(DEPUTIES))
    expect(page.locator("#round")).to_have_text(ZH["round.named"].format(round=1, kind=ZH["round.kind.first"]))
    expect(page.locator("#round-state")).to_have_text(ZH["hall.round_state.open"])
    expect(page.locator("#training")).to_be_hidden()
    assert page.get_attribute("#progress", "aria-label") == ZH["hall.progress"]
    assert serious_violations(page) == []
    screenshot(page, "hall-voting-zh")
    expect(page.locator("#vote-title")).not_to_be_empty()
    assert page.locator("#progress").get_attribute("aria-valuenow") == "0"
    # Read from the back of the hall: the figures are at least 120 px high on a 1080p projector.
    assert font_px(page, "#returned") >= 120
    assert font_px(page, "#issued") >= 120
    no_tally_anywhere(page, screen)
    # The head at the round's opening, as read out and whole: the round.opened entry's hash.
    log = screen.clerk.get(f"/api/v1/audit?vote_id={screen.sitting.vote_id}")
    opened = next(e["hash"] for e in log if e["action"] == "round.opened")
    assert screen.hall()["audit_head"] == {
        "moment": "opened",
        "round_number": 1,
        "hash": opened,
        "read_out": short_head(opened),
    }
    expect(page.locator("#audit-head")).to_have_text(ZH["hall.head.opened"].format(round=1, head=short_head(opened)))
    assert page.get_attribute("#audit-head", "data-hash") == opened

    deputy = Http(screen.url)
    for number in (1, 2, 3):
        screen.sitting.cast(deputy, number, BALLOTS[number])
    # No reload: the poll brings the new count.
    polls_before = int(page.locator("body").get_attribute("data-polls") or "0")
    expect(page.locator("#returned")).to_have_text("3", timeout=10_000)
    assert int(page.locator("body").get_attribute("data-polls") or "0") > polls_before
    expect(page.locator("#issued")).to_have_text(str(DEPUTIES))
    assert page.locator("#progress").get_attribute("aria-valuenow") == "3"
    # The bar grows (with a short transition) to half the track: 3 of 6.
    page.wait_for_function(
        """() => {
            const fill = document.getElementById('progress-fill').getBoundingClientRect().width;
            const track = document.getElementById('progress').clientWidth;
            return Math.abs(fill / track - 0.5) < 0.01;
        }""",
        timeout=5_000,
    )
    no_tally_anywhere(page, screen)

    for number in (4, 5):
        screen.sitting.cast(deputy, number, BALLOTS[number])
    expect(page.locator("#returned")).to_have_text("5", timeout=10_000)

    # Closed, then counted, but not yet published: still the turnout at most, never a tally.
    round_id = screen.round["id"]
    screen.clerk.post(f"/api/v1/rounds/{round_id}/close", {"confirm": True})
    expect(page.locator("#round-state")).to_have_text(ZH["hall.round_state.closed"], timeout=10_000)
    expect(page.locator("#returned")).to_have_text("5")
    closed = screen.clerk.get(f"/api/v1/rounds/{round_id}")["audit_head_at_close"]
    expect(page.locator("#audit-head")).to_have_text(ZH["hall.head.closed"].format(round=1, head=short_head(closed)))
    no_tally_anywhere(page, screen)
    counted = screen.clerk.post(f"/api/v1/rounds/{round_id}/count")
    assert list(counted["result"]["selected"]) == sorted(ORDER)
    expect(page.locator("#round-state")).to_have_text(ZH["hall.round_state.counted"], timeout=10_000)
    expect(page.locator("#turnout")).to_be_hidden()
    no_tally_anywhere(page, screen)
    assert screen.hall()["round"] == {"number": 1, "kind": "first", "state": "counted"}

    screen.clerk.post(f"/api/v1/votes/{screen.sitting.vote_id}/publish")
    expect(page.locator("body")).to_have_attribute("data-state", "published", timeout=10_000)
    answer = screen.hall()
    assert [p["number"] for p in answer["selected"]] == ORDER
    assert [p["approvals"] for p in answer["selected"]] == [5] * 8 + [4] * 2
    assert {p["round_number"] for p in answer["selected"]} == {1}
    assert answer["vacant"] == 0
    head = screen.clerk.get(f"/api/v1/votes/{screen.sitting.vote_id}")["audit_head_at_publication"]
    assert answer["audit_head"]["hash"] == head
    heard = ZH["hall.head.published"].format(head=short_head(head))
    expect(page.locator("#audit-head")).to_have_text(heard)
    # What the screen shows is what the chair reads out: the announcement's last line.
    announced = Http(screen.url).get(f"/api/v1/votes/{screen.sitting.vote_id}/announcement.txt")
    assert announced.endswith(f"：{short_head(head)}\n")

    items = page.locator("#selected li")
    expect(items).to_have_count(len(ORDER))
    assert [int(n) for n in page.locator("#selected li .number").all_inner_texts()] == ORDER
    titles = page.locator("#selected li .title").all_inner_texts()
    assert titles == [p["title_zh"] for p in answer["selected"]]
    assert page.locator("#selected li .approvals").first.inner_text() == ZH["hall.approvals"].format(approvals=5)
    expect(page.locator("#selected-count")).to_have_text(ZH["hall.selected_count"].format(count=10))
    expect(page.locator("#live")).to_be_hidden()
    # Large enough for the back of the hall, and all ten on one screen.
    assert font_px(page, "#selected li .title") >= 48
    bottoms = page.eval_on_selector_all("#selected li", "items => items.map(e => e.getBoundingClientRect().bottom)")
    assert max(bottoms) <= 1080, bottoms
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1920
    assert serious_violations(page) == []
    assert screenshot(page, "hall-published-zh").stat().st_size > 10_000

    # The language switch re-words the result in place.
    page.click("#lang-switch")
    expect(page.locator("#selected-count")).to_have_text(EN["hall.selected_count"].format(count=10))
    english = [p["title_en"] or p["title_zh"] for p in answer["selected"]]
    assert page.locator("#selected li .title").all_inner_texts() == english
    assert serious_violations(page) == []
    screenshot(page, "hall-published-en")

    # Someone following on a phone reads the same result without scrolling sideways.
    page.set_viewport_size(PHONE)
    assert no_horizontal_scroll(page)
    screenshot(page, "hall-published-phone-en")


def test_a_training_vote_says_so_and_a_missing_vote_is_reported(projector: Page, screen: Screen) -> None:
    page = projector
    drill = screen.clerk.post("/api/v1/meetings", {"name_zh": "演练会议", "date": "2020-01-17"}, 201)
    training = screen.clerk.post("/api/v1/votes/from-template", {"meeting_id": drill["id"], "training": True}, 201)
    page.goto(f"{screen.url}/hall?vote={training['id']}")
    expect(page.locator("#training")).to_be_visible()
    expect(page.locator("#training")).to_have_text(ZH["training.banner"])
    expect(page.locator("#round")).to_have_text(ZH["hall.waiting"])
    expect(page.locator("#turnout")).to_be_hidden()
    assert screen.hall()["training"] is False
    assert Http(screen.url).get(f"/api/v1/votes/{training['id']}/hall")["round"] is None

    page.goto(f"{screen.url}/hall?vote=999999")
    expect(page.locator("#problem")).to_have_text(ZH["hall.not_found"])
    Http(screen.url).get("/api/v1/votes/999999/hall", status=404)

    page.goto(f"{screen.url}/hall")
    expect(page.locator("#problem")).to_have_text(ZH["hall.no_vote"])
