"""The drills screen (issue 6): the shipped scenarios with their promised outcomes, in both languages,
and running one, which opens its training vote in the console, marked 演练 / TRAINING."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.support.browser import DESKTOP, tab
from tests.support.console import CLERK, EN, ZH, Console, check_screen, console, go, log_in

__all__ = ["console"]

DRILL = "tie-at-cutoff"


def test_a_trainer_picks_a_drill_and_its_training_vote_opens(browser: Browser, console: Console) -> None:
    shipped = console.api().get("/api/v1/drills")
    assert DRILL in [d["name"] for d in shipped]
    with tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        log_in(page, console.url, CLERK)
        go(page, "drills")
        cards = page.locator("article.drill")
        expect(cards).to_have_count(len(shipped))
        assert cards.locator("h3").all_inner_texts() == [d["title_zh"] for d in shipped]
        card = page.locator(f"article.drill[data-name='{DRILL}']")
        wanted = next(d for d in shipped if d["name"] == DRILL)
        expect(card).to_contain_text(wanted["expected_zh"])
        check_screen(page, "drills")

        page.click("#lang-switch")
        expect(card.locator("h3")).to_have_text(wanted["title_en"])
        expect(card).to_contain_text(wanted["expected_en"])
        check_screen(page, "drills", "en")

        card.locator("button[data-drill]").click()
        expect(page.locator("body")).to_have_attribute("data-screen", "round", timeout=60_000)
        expect(page.locator("#flash")).to_have_text(EN["drills.passed"])
        expect(page.locator("#context .training-mark")).to_have_text(EN["console.training_mark"])
        # The drill's vote as it ended: a tie at the cut-off, broken in a second round; decided.
        expect(page.locator("#rounds tbody tr")).to_have_count(2)
        expect(page.locator("#rounds tbody tr").nth(1)).to_contain_text(EN["round.kind.tie_break"])
        expect(page.locator("#round-result h3")).to_have_text(EN["result.heading"].format(round=2))
        expect(page.locator("#result-selected")).to_have_text(EN["result.selected"].format(projects="10"))
        expect(page.locator("#decided")).to_contain_text(EN["next.decided"])
        assert ZH["console.training_mark"] == "演练"
        check_screen(page, "drill-vote", "en")
