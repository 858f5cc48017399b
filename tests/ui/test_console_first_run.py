"""A newcomer's way into the console and a trainer's first import (issue 14, point 1), and the warning at
export for a character no installed font draws (issue 15, point 7), in Chinese then in English.

The login page says how accounts are made (``voting user add``, and what the first ``make run`` prints);
the roster import screen links the shipped sample rosters; a vote whose project title holds a code point
no font has shows, on the exports screen, which character it is and where.
"""

from __future__ import annotations

import requests
from playwright.sync_api import Browser, expect

from tests.support.api import set_up
from tests.support.browser import DESKTOP, tab
from tests.support.console import CLERK, EN, ZH, Console, check_screen, console, go, log_in
from tests.support.servers import Http

__all__ = ["console"]

NO_FONT = "\U000f0000"
"""A private-use code point: no installed font has a glyph for it."""
VOTE = {
    "title_zh": "字库测试",
    "rules": {"seats": 1},
    "candidates": [{"number": 1, "title_zh": f"项目{NO_FONT}"}, {"number": 2, "title_zh": "项目乙"}],
}


def test_the_login_page_says_how_to_get_an_account_and_exports_warn_of_missing_glyphs(
    browser: Browser, console: Console
) -> None:
    clerk = console.api()
    sitting = set_up(clerk, size=3, template=False, vote=VOTE)
    sitting.check_in(range(1, 4))
    sitting.issue_codes(range(1, 4))
    round_id = sitting.open_round()["id"]
    for number in range(1, 4):
        sitting.cast(Http(console.url), number, {1})
    sitting.close_and_count(round_id)

    with tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        page.goto(f"{console.url}/console")
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        expect(page.locator("#login-accounts")).to_have_text(ZH["login.accounts"])
        assert "voting user add" in ZH["login.accounts"]
        check_screen(page, "login-accounts")
        page.click("#lang-switch")
        expect(page.locator("#login-accounts")).to_have_text(EN["login.accounts"])

    with tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:  # a fresh browser, in Chinese again
        log_in(page, console.url, CLERK)
        page.locator(f"button[data-vote='{sitting.vote_id}']").click()
        go(page, "checkin")
        for ext in ("csv", "xlsx"):
            link = page.locator(f"#roster-sample-{ext}")
            expect(link).to_have_text(ZH[f"roster.sample_{ext}"])
            href = link.get_attribute("href")
            assert href == f"/api/v1/meetings/roster-sample.{ext}"
            assert requests.get(f"{console.url}{href}", timeout=10).status_code == 200
        expect(page.locator("#roster-sample")).to_contain_text(ZH["roster.sample"])

        go(page, "exports")
        warning = page.locator("#exports-missing-glyphs")
        expect(warning).to_contain_text(ZH["exports.missing_glyphs"].split("{list}")[0])
        expect(warning).to_contain_text(f"{NO_FONT} (U+F0000: 项目{NO_FONT})")
        check_screen(page, "exports-missing-glyphs")
        page.click("#lang-switch")
        expect(warning).to_contain_text(EN["exports.missing_glyphs"].split("{list}")[0])
        check_screen(page, "exports-missing-glyphs", "en")
