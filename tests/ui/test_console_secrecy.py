"""The console while a close's secrecy step waits for a reader (issue 16.1), on a real ``voting serve``.

A reader (a backup) holds the database across the close: the round screen
says the secrecy step has not completed and that nothing is to be done, the
count is refused with the server's message; once the reader lets go, the
server's own retry (a greenlet of the gevent worker, each try in a native
thread) completes the step and the notice goes away with no clerk's action.
"""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.support.api import set_up
from tests.support.browser import DESKTOP, page_text, tab
from tests.support.console import CLERK, Console, check_screen, console, log_in
from tests.support.reader import Reader
from tests.support.servers import Http

__all__ = ["console"]

ZH = page_text("zh", "console")


def test_the_round_screen_shows_a_pending_secrecy_step_until_the_server_completes_it(
    browser: Browser, console: Console, database_url: str
) -> None:
    clerk = console.api()
    sitting = set_up(clerk, size=6)
    sitting.check_in(range(1, 6))
    sitting.issue_codes(range(1, 6))
    round_id = sitting.open_round()["id"]
    for number in (1, 2, 3):
        sitting.cast(Http(console.url), number, [1, 2])
    with tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        log_in(page, console.url, CLERK)
        page.locator(f"button[data-vote='{sitting.vote_id}']").click()
        expect(page.locator("#round-close")).to_be_visible()
        with Reader(database_url, 60.0) as reader:
            page.click("#round-close")
            page.click("#confirm-yes")
            expect(page.locator("#secrecy-pending")).to_have_text(ZH["round.secrecy_pending"], timeout=10_000)
            page.click("#round-count")
            expect(page.locator("#round-error")).to_contain_text("保密处理尚未完成")
            check_screen(page, "round-secrecy-pending")
            assert clerk.get(f"/api/v1/rounds/{round_id}")["secrecy_pending"] is True
            reader.release()
        # Nobody touches anything: the server completes the step, the console's poll sees it.
        expect(page.locator("#secrecy-pending")).to_have_count(0, timeout=15_000)
        expect(page.locator("#round-count")).to_be_visible()
    assert clerk.get(f"/api/v1/rounds/{round_id}")["secrecy_pending"] is False
