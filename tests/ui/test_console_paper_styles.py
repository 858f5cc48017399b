"""Paper ballots of the approve/oppose/abstain style (赞成/反对/弃权), entered on a phone-sized screen
with the keyboard alone: a choice per project, the second clerk's entry differing in one abstention,
the reconciliation view naming it; then the count (opposes shown), the next round the rules call for,
and opening it from the console."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.support.api import PASSWORD, Sitting, set_up
from tests.support.browser import PHONE, tab
from tests.support.console import CLERK, CLERK2, ZH, Console, check_screen, console, go, log_in

__all__ = ["console"]

VOTE: dict[str, Any] = {
    "title_zh": "三选项纸质选票",
    "rules": {"seats": 1, "ballot_style": "approve_oppose_abstain"},
    "candidates": [{"number": n, "title_zh": f"项目{n}"} for n in (1, 2, 3)],
}


FIRST_ENTRY = [{"approvals": [1], "opposes": [2], "abstains": [3]}, {"approvals": [1]}]
"""Ballot 1: approve 1, oppose 2, abstain 3; ballot 2: approve 1 only."""


def paper_round(console: Console) -> tuple[Sitting, int]:
    """Four deputies present, the first round open, every one of them given a paper ballot."""
    clerk = console.api()
    sitting = set_up(clerk, size=4, template=False, vote=VOTE)
    sitting.check_in(range(1, 5))
    round_id = sitting.open_round()["id"]
    assert clerk.post(f"/api/v1/rounds/{round_id}/paper", {}) == {"issued": 4}
    return sitting, round_id


def open_paper(page: Page, console: Console, sitting: Sitting) -> None:
    log_in(page, console.url, CLERK)
    page.locator(f"button[data-vote='{sitting.vote_id}']").click()
    expect(page.locator("body")).to_have_attribute("data-screen", "round")
    go(page, "paper")


def test_approve_oppose_abstain_ballots_are_entered_by_keyboard(browser: Browser, console: Console) -> None:
    sitting, _ = paper_round(console)
    with tab(browser, PHONE["width"], PHONE["height"]) as page:
        # Log in with the keyboard alone; the focus ring shows where one is.
        page.goto(f"{console.url}/console")
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        page.focus("#login-name")
        page.keyboard.type(CLERK)
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        expect(page.locator("#app")).to_be_visible()
        # Logged in once the first screen has drawn and the focus moved to the main area; a Tab
        # pressed before that would be overtaken by that move.
        expect(page.locator("#main")).to_be_focused()
        page.focus("#nav [data-screen='meetings']")
        page.keyboard.press("Tab")
        expect(page.locator("#nav [data-screen='checkin']")).to_be_focused()
        outline = page.eval_on_selector("#nav [data-screen='checkin']", "e => getComputedStyle(e).outlineStyle")
        assert outline == "solid"
        opener = page.locator(f"button[data-vote='{sitting.vote_id}']")
        opener.focus()
        page.keyboard.press("Enter")
        expect(page.locator("body")).to_have_attribute("data-screen", "round")
        go(page, "paper")
        expect(page.locator("#paper-keys")).to_have_text(ZH["paper.keys_aoa"])

        # Ballot 1: approve 1, oppose 2, abstain 3; ballot 2: approve 1 only.  By keyboard: focus a
        # choice, and the arrow keys move through 未表态 / 赞成 / 反对 / 弃权.
        page.focus("#ballot-0-p1")
        page.keyboard.press("ArrowDown")
        page.focus("#ballot-0-p2")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        page.focus("#ballot-0-p3")
        for _ in range(3):
            page.keyboard.press("ArrowDown")
        expect(page.locator("#ballot-0-p1")).to_have_value("approvals")
        expect(page.locator("#ballot-0-p2")).to_have_value("opposes")
        expect(page.locator("#ballot-0-p3")).to_have_value("abstains")
        page.click("#paper-add")
        expect(page.locator("#ballot-1-p1")).to_be_focused()
        page.keyboard.press("ArrowDown")
        page.click("#paper-submit")
        expect(page.locator("#batch-waiting")).to_have_text(ZH["paper.need_second"])


def test_the_reconciliation_names_the_differing_mark_and_an_agreed_batch_is_accepted(
    browser: Browser, console: Console
) -> None:
    sitting, round_id = paper_round(console)
    console.api().put(f"/api/v1/rounds/{round_id}/paper-batches/A/entries/1", {"ballots": FIRST_ENTRY})
    # The second clerk (through the API) missed the abstention on ballot 1.
    second = console.api(CLERK2)
    view = second.put(
        f"/api/v1/rounds/{round_id}/paper-batches/A/entries/2",
        {"ballots": [{"approvals": [1], "opposes": [2]}, {"approvals": [1]}]},
    )
    assert [d["position"] for d in view["differences"]] == [1]
    with tab(browser, PHONE["width"], PHONE["height"]) as page:
        open_paper(page, console, sitting)
        page.click("#paper-show")
        rows = page.locator("#differences tbody tr")
        expect(rows).to_have_count(1)
        cells = rows.first.locator("td")
        expect(cells.nth(1)).to_contain_text(f"{ZH['paper.kind.abstains']}: 3")
        expect(cells.nth(1)).to_contain_text(f"{ZH['paper.kind.opposes']}: 2")
        expect(cells.nth(2)).not_to_contain_text(ZH["paper.kind.abstains"])
        check_screen(page, "paper-aoa")
        expect(page.locator("#batch-accept")).to_have_count(0)

        # The second clerk corrects the entry; this clerk accepts the batch and counts.
        second.put(
            f"/api/v1/rounds/{round_id}/paper-batches/A/entries/2",
            {"ballots": [{"approvals": [1], "opposes": [2], "abstains": [3]}, {"approvals": [1]}]},
        )
        page.click("#paper-show")
        expect(page.locator("#batch-agree")).to_have_text(ZH["paper.agree"])
        page.click("#batch-accept")
        expect(page.locator("#batch-accepted")).to_have_text(ZH["paper.accepted"])


def test_the_count_shows_the_opposes_and_the_round_the_rules_call_for_opens_from_the_console(
    browser: Browser, console: Console
) -> None:
    sitting, round_id = paper_round(console)
    clerk, batch = console.api(), f"/api/v1/rounds/{round_id}/paper-batches/A"
    clerk.put(f"{batch}/entries/1", {"ballots": FIRST_ENTRY})
    console.api(CLERK2).put(f"{batch}/entries/2", {"ballots": FIRST_ENTRY})
    clerk.post(f"{batch}/accept")
    clerk.post(f"/api/v1/rounds/{round_id}/close", {"confirm": True})
    with tab(browser, PHONE["width"], PHONE["height"]) as page:
        log_in(page, console.url, CLERK)
        page.locator(f"button[data-vote='{sitting.vote_id}']").click()
        expect(page.locator("body")).to_have_attribute("data-screen", "round")
        page.click("#round-count")
        # Two approvals of four deputies is not more than half: nothing is selected, and the rules call
        # for another round, which the clerk opens from here.
        expect(page.locator("#result-selected")).to_have_text(ZH["result.none_selected"])
        counted = clerk.get(f"/api/v1/rounds/{round_id}")["result"]
        assert [p["opposes"] for p in counted["projects"]] == [0, 1, 0]
        aoa = page.locator("#result-table tbody tr").nth(1).locator("td.num").all_inner_texts()
        assert aoa == ["0", "1", "0"]
        runoff = counted["runoff"]
        assert runoff is not None
        sep = ZH["console.list_sep"]
        expect(page.locator("#next-text")).to_have_text(
            ZH[f"next.{runoff['reason']}"].format(
                projects=sep.join(map(str, runoff["projects"])), seats=runoff["seats"]
            )
        )
        check_screen(page, "round-next")
        page.click("#round-open")
        expect(page.locator("#current-round")).to_contain_text(ZH["round.state.open"])
        expect(page.locator("#rounds tbody tr")).to_have_count(2)
        assert clerk.get(f"/api/v1/votes/{sitting.vote_id}/rounds")[1]["state"] == "open"
