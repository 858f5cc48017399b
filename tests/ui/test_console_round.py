"""The clerk console running a round, in English: open it, watch the turnout move as deputies cast
(through the API), the not-voted list, the remaining deputies switched to paper, closing with the
confirmation that names who has not voted, two paper ballots entered twice by two clerks with one
difference (seen, corrected, accepted), the count, publication and a PDF export."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.support.api import Sitting, set_up
from tests.support.browser import DESKTOP, screenshot, serious_violations, tab
from tests.support.console import (
    CLERK,
    CLERK2,
    EN,
    PUBLISHING_MS,
    Console,
    check_screen,
    console,
    export_pdf,
    go,
    log_in,
    only_difference,
)
from tests.support.servers import Http

__all__ = ["console"]

ELECTRONIC = range(1, 11)
PAPER_1 = list(range(1, 11))
PAPER_2 = list(range(3, 13))
# Three electronic ballots approve 1-10, the paper ones 1-10 and 3-12: 3-10 get five approvals, 1 and 2
# four, 11 and 12 one.  Six deputies on the roster: more than half, four, are needed; all ten seats fill.
SELECTED = [3, 4, 5, 6, 7, 8, 9, 10, 1, 2]


def sitting_for(console: Console) -> Sitting:
    clerk = console.api()
    sitting = set_up(clerk, size=6)
    sitting.check_in(range(1, 6))
    sitting.issue_codes(range(1, 6))
    return sitting


def name(sitting: Sitting, number: int) -> str:
    return str(sitting.deputies[number - 1]["name"])


def tick(page: Page, ballot: int, numbers: list[int]) -> None:
    for number in numbers:
        page.check(f"#ballot-{ballot}-p{number}")


def open_in_english(page: Page, console: Console, sitting: Sitting) -> None:
    """The console switched to English before logging in, on the vote's round screen."""
    page.goto(f"{console.url}/console")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.click("#lang-switch")
    expect(page.locator("#login-heading")).to_have_text(EN["login.heading"])
    log_in(page, console.url, CLERK)
    page.locator(f"button[data-vote='{sitting.vote_id}']").click()
    expect(page.locator("body")).to_have_attribute("data-screen", "round")


def closed_with_two_paper_ballots(console: Console) -> Sitting:
    """What the round screen leaves: three electronic ballots, paper for the other two, the round closed."""
    sitting = sitting_for(console)
    round_id = sitting.open_round()["id"]
    deputy = Http(console.url)
    for number in (1, 2, 3):
        sitting.cast(deputy, number, ELECTRONIC)
    assert sitting.clerk.post(f"/api/v1/rounds/{round_id}/paper", {}) == {"issued": 2}
    sitting.clerk.post(f"/api/v1/rounds/{round_id}/close", {"confirm": True})
    return sitting


def test_a_round_opens_the_turnout_follows_the_casts_and_closing_names_who_has_not_voted(
    browser: Browser, console: Console
) -> None:
    sitting = sitting_for(console)
    with tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        open_in_english(page, console, sitting)
        expect(page.locator("#round-open")).to_have_text(EN["round.open_first"])
        check_screen(page, "round-none", "en")

        # Open the first round: the turnout, live, with no tally.
        page.click("#round-open")
        expect(page.locator("#current-round")).to_contain_text(EN["round.state.open"])
        expect(page.locator("#turnout-returned")).to_have_text("0")
        expect(page.locator("#turnout-issued")).to_have_text("5")
        expect(page.locator("#not-voted-names li")).to_have_count(5)
        deputy = Http(console.url)
        for number in (1, 2, 3):
            sitting.cast(deputy, number, ELECTRONIC)
        # No reload: the 2-second poll brings the count and the shorter not-voted list.
        expect(page.locator("#turnout-returned")).to_have_text("3", timeout=10_000)
        expect(page.locator("#turnout-electronic")).to_have_text("3")
        expect(page.locator("#not-voted-names li")).to_have_count(2)
        assert page.locator("#not-voted-names li").all_inner_texts() == [
            EN["round.deputy"].format(number=n, name=name(sitting, n)) for n in (4, 5)
        ]
        assert "Approvals" not in page.locator("#round-body").inner_text()
        check_screen(page, "round-open", "en")

        # Closing asks first, naming who has not voted; cancelling leaves the round open.
        page.click("#round-close")
        dialog = page.locator("#confirm")
        expect(dialog).to_be_visible()
        expect(dialog.locator("#close-who li")).to_have_count(2)
        expect(dialog).to_contain_text(EN["close.waiting"].format(count=2))
        expect(dialog).to_contain_text(name(sitting, 4))
        expect(page.locator("#confirm-no")).to_be_focused()
        assert serious_violations(page) == []
        screenshot(page, "console-round-close-dialog-desktop-en")
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        assert Http(console.url).get(f"/api/v1/rounds/{sitting_round(console, sitting)}/turnout")["state"] == "open"

        # The two who have not voted get paper ballots (confirmed first).
        page.click("#round-paper")
        expect(dialog).to_contain_text(EN["paper_switch.text"].format(count=2))
        page.click("#confirm-yes")
        expect(page.locator("#round-body [role=status]")).to_have_text(EN["paper_switch.done"].format(count=2))
        expect(page.locator("#turnout-paper-issued")).to_have_text("2", timeout=10_000)
        expect(page.locator("#not-voted-none")).to_have_text(EN["round.all_voted"])

        page.click("#round-close")
        expect(dialog).to_contain_text(EN["round.all_voted"])
        page.click("#confirm-yes")
        expect(page.locator("#current-round")).to_contain_text(EN["round.state.closed"])
        expect(page.locator("#round-count")).to_be_visible()


def test_two_clerks_enter_the_paper_ballots_and_a_difference_is_seen_corrected_and_accepted(
    browser: Browser, console: Console
) -> None:
    sitting = closed_with_two_paper_ballots(console)
    with tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        open_in_english(page, console, sitting)
        # Paper ballots, entry 1 by this clerk: the first by typing numbers, the second by ticking.
        go(page, "paper")
        expect(page.locator("#paper-counts")).to_have_text(EN["paper.counts"].format(round=1, issued=2, entered=0))
        # Eleven approvals would spoil the ballot: the clerk is told, as the ballot is typed.
        page.fill("#ballot-0-quick", " ".join(map(str, range(1, 12))))
        expect(page.locator("#ballot-0-over")).to_have_text(EN["paper.over"].format(count=11, seats=10))
        page.fill("#ballot-0-quick", " ".join(map(str, PAPER_1)))
        expect(page.locator("#ballot-0-over")).to_be_hidden()
        expect(page.locator("#ballot-0-p10")).to_be_checked()
        expect(page.locator("#ballot-0-p11")).not_to_be_checked()
        page.press("#ballot-0-quick", "Enter")
        expect(page.locator("#ballot-1-quick")).to_be_focused()
        tick(page, 1, PAPER_2)
        expect(page.locator("#ballot-1-quick")).to_have_value(" ".join(map(str, PAPER_2)))
        page.click("#paper-submit")
        expect(page.locator("#batch-waiting")).to_have_text(EN["paper.need_second"])
        expect(page.locator("#batch-entries li")).to_have_count(1)
        check_screen(page, "paper-entry", "en")

        # The same clerk cannot make the second entry: the server says so, next to the form.
        page.select_option("#paper-entry", "2")
        page.fill("#ballot-0-quick", "1")
        page.click("#paper-submit")
        expect(page.locator("#paper-error")).to_be_visible()
        expect(page.locator("#paper-error")).not_to_be_empty()

        # A second clerk logs in on the same terminal and makes entry 2, with one slip of the hand.
        page.click("#logout")
        expect(page.locator("#login")).to_be_visible()
        log_in(page, console.url, CLERK2)
        expect(page.locator("#login-heading")).to_have_text(EN["login.heading"])
        page.locator(f"button[data-vote='{sitting.vote_id}']").click()
        expect(page.locator("body")).to_have_attribute("data-screen", "round")
        go(page, "paper")
        page.select_option("#paper-entry", "2")
        page.fill("#ballot-0-quick", " ".join(map(str, PAPER_1)))
        page.press("#ballot-0-quick", "Enter")
        page.keyboard.type(" ".join(map(str, PAPER_2[:-1])))
        page.click("#paper-submit")
        expect(page.locator("#batch-differ")).to_have_text(EN["paper.differ"].format(count=1))
        row = only_difference(page, 2)
        cells = row.locator("td")
        expect(cells.nth(1)).to_contain_text("3 4 5 6 7 8 9 10 11 12")
        expect(cells.nth(2)).to_contain_text("3 4 5 6 7 8 9 10 11")
        expect(cells.nth(2)).not_to_contain_text("11 12")
        expect(row.locator("mark")).to_have_count(2)
        background = row.locator("mark").first.evaluate("e => getComputedStyle(e).backgroundColor")
        assert background == "rgb(255, 224, 102)"
        expect(page.locator("#batch-accept")).to_have_count(0)
        check_screen(page, "paper-differences", "en")

        # Correct entry 2 from what this clerk typed, then accept the batch.
        page.click("#paper-load")
        expect(page.locator("#ballot-1-quick")).to_have_value(" ".join(map(str, PAPER_2[:-1])))
        page.check("#ballot-1-p12")
        page.click("#paper-submit")
        expect(page.locator("#batch-agree")).to_have_text(EN["paper.agree"])
        page.click("#batch-accept")
        expect(page.locator("#batch-accepted")).to_have_text(EN["paper.accepted"])


def test_the_count_the_exports_before_and_after_and_the_publication(browser: Browser, console: Console) -> None:
    sitting = closed_with_two_paper_ballots(console)
    round_id = sitting_round(console, sitting)
    batch = f"/api/v1/rounds/{round_id}/paper-batches/A"
    ballots = [{"approvals": PAPER_1}, {"approvals": PAPER_2}]
    console.api().put(f"{batch}/entries/1", {"ballots": ballots})
    console.api(CLERK2).put(f"{batch}/entries/2", {"ballots": ballots})
    console.api().post(f"{batch}/accept")
    with tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        open_in_english(page, console, sitting)
        dialog = page.locator("#confirm")
        # Count: the round's result, and the vote is decided.
        expect(page.locator("#turnout-returned")).to_have_text("5")
        page.click("#round-count")
        expect(page.locator("#round-result")).to_be_visible()
        expect(page.locator("#result-ballots")).to_have_text(
            EN["result.ballots"].format(cast=5, valid=5, invalid=0, threshold=4)
        )
        approvals = {
            int(row.get_attribute("data-number") or 0): int(row.locator("td.num").inner_text())
            for row in page.locator("#result-table tbody tr").all()
        }
        assert approvals == {1: 4, 2: 4, **{n: 5 for n in range(3, 11)}, 11: 1, 12: 1}
        expect(page.locator("#result-table tr.status-selected")).to_have_count(10)
        expect(page.locator("#decided")).to_contain_text(EN["next.decided"])
        check_screen(page, "round-counted", "en")

        # Exports before publication: offered, and the server marks them unofficial.
        go(page, "exports")
        expect(page.locator("#exports-official")).to_have_text(EN["exports.unofficial"])
        with page.expect_download() as before:
            page.click("#export-csv")
        assert "UNOFFICIAL" in before.value.suggested_filename

        # Publish, confirmed.
        go(page, "round")
        page.click("#publish")
        expect(dialog).to_contain_text(EN["publish.confirm_text"])
        page.click("#confirm-yes")
        expect(page.locator("#published")).to_contain_text(EN["publish.done"], timeout=PUBLISHING_MS)
        public = Http(console.url).get(f"/api/v1/votes/{sitting.vote_id}/result")
        assert public["official"] is True
        assert public["selected"] == SELECTED

        go(page, "exports")
        expect(page.locator("#exports-official")).to_have_text(EN["exports.official"])
        assert "UNOFFICIAL" not in export_pdf(page).suggested_filename
        expect(page.locator("#export-ballots-1")).to_be_visible()
        check_screen(page, "exports", "en")


def sitting_round(console: Console, sitting: Sitting) -> int:
    rounds = console.api().get(f"/api/v1/votes/{sitting.vote_id}/rounds")
    return int(rounds[-1]["id"])
