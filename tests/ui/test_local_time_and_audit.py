"""The pages on the sitting's clock (issue 15, point 2) and the scrutineers' audit screen in sentences (issue 14,
point 7), in a browser that itself keeps UTC: a vote published at 07:00 Beijing time, 23:00 UTC the day
before, is dated that day on the results page, the hall screen and the console; the audit screen words each
entry in the page's language at Beijing time, with the raw entry one click away and a "verify again" button."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine, text

from tests.support.api import set_up
from tests.support.browser import DESKTOP, PHONE, page_text, watch
from tests.support.console import CLERK, EN, SCRUTINEER, ZH, Console, check_screen, console, go, log_in
from tests.support.pages import open_page, open_results
from tests.support.servers import Http, serving
from tests.support.sheets import PUBLISHED_AT
from voting.localtime import for_people

__all__ = ["console"]

BEIJING = "2020-01-18 07:00 北京时间"
BEIJING_EN = "2020-01-18 07:00 Beijing time (UTC+8)"


@contextmanager
def utc_tab(browser: Browser, width: int, height: int) -> Iterator[Page]:
    """A tab whose browser keeps UTC (as a server-room PC might): the pages must not show its own zone."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", timezone_id="UTC")
    opened = context.new_page()
    problems = watch(opened)
    yield opened
    context.close()
    assert problems == []


def published_vote(console: Console, database_url: str) -> tuple[int, int]:
    """A vote counted and published, as if at 07:00 Beijing time; its id and its first round's."""
    clerk = console.api()
    sitting = set_up(clerk, size=6)
    sitting.check_in(range(1, 7))
    sitting.issue_codes(range(1, 7))
    round_id = sitting.open_round()["id"]
    deputy = Http(console.url)
    for number in range(1, 7):
        sitting.cast(deputy, number, range(1, 11))
    sitting.close_and_count(round_id)
    clerk.post(f"/api/v1/votes/{sitting.vote_id}/publish")
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE vote SET published_at = :at WHERE id = :id"), {"at": PUBLISHED_AT, "id": sitting.vote_id}
        )
    engine.dispose()
    return sitting.vote_id, round_id


def test_the_pages_and_the_audit_screen_show_the_sitting_clock(
    browser: Browser, console: Console, database_url: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    """One sitting for both points, so that the server and the vote are set up once."""
    vote_id, _ = published_vote(console, database_url)
    results = page_text("zh", "results")
    with utc_tab(browser, PHONE["width"], PHONE["height"]) as page:
        assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") in ("UTC", "Etc/UTC")
        open_results(page, console.url, vote_id)
        expect(page.locator("#official")).to_have_text(results["results.published_at"].format(at=BEIJING))
        open_results(page, console.url, vote_id, "en")
        expect(page.locator("#official")).to_have_text(
            page_text("en", "results")["results.published_at"].format(at=BEIJING_EN)
        )

        open_page(page, console.url, "hall", f"?vote={vote_id}")
        expect(page.locator("body")).to_have_attribute("data-state", "published")
        expect(page.locator("#published-at")).to_have_text(
            page_text("zh", "hall")["hall.published_at"].format(at=BEIJING)
        )

    with utc_tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        # 23:30 UTC on 17 January is the morning of the 18th in the hall: a new meeting is dated the 18th.
        page.clock.set_fixed_time(dt.datetime(2020, 1, 17, 23, 30, tzinfo=dt.UTC))
        log_in(page, console.url, CLERK)
        expect(page.locator("#meeting-date")).to_have_value("2020-01-18")
        page.locator(f"button[data-vote='{vote_id}']").click()
        expect(page.locator("body")).to_have_attribute("data-screen", "round")
        expect(page.locator("#published-at")).to_have_text(ZH["publish.when"].format(at=BEIJING))

    # A sitting held elsewhere: the same instant on its clock, the zone named by its offset.
    kolkata = {**cli_env, "VOTING_TIME_ZONE": "Asia/Kolkata"}
    with (
        serving(kolkata, tmp_path, workers=1, name="kolkata") as server,
        utc_tab(browser, PHONE["width"], PHONE["height"]) as page,
    ):
        open_results(page, server.url, vote_id)
        shown = results["results.published_at"].format(at="2020-01-18 04:30 UTC+5:30")
        expect(page.locator("#official")).to_have_text(shown)
    audit_screen(browser, console, vote_id)


def audit_screen(browser: Browser, console: Console, vote_id: int) -> None:
    """The audit screen of the published vote, as a scrutineer reads it (issue 14, point 7)."""
    entries = console.api().get(f"/api/v1/audit?vote_id={vote_id}")
    opened = next(e for e in entries if e["action"] == "round.opened")
    with utc_tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        log_in(page, console.url, SCRUTINEER)
        page.locator(f"button[data-vote='{vote_id}']").click()
        expect(page.locator("body")).to_have_attribute("data-screen", "round")
        go(page, "audit")
        rows = page.locator("#audit-entries tbody tr")
        expect(rows).to_have_count(len(entries))

        published = page.locator("#audit-entries tr[data-action='vote.published']")
        expect(published.locator(".says")).to_have_text(f"{ZH['role.clerk']} {CLERK} {ZH['audit.says.vote.published']}")
        row = page.locator(f"#audit-entries tr[data-seq='{opened['seq']}']")
        said = ZH["audit.says.round.opened"].format(
            round=1, kind_name=ZH["round.kind.first"], seats=10, deputies_present=6
        )
        expect(row.locator(".says")).to_have_text(f"{ZH['role.clerk']} {CLERK} {said}")
        at = dt.datetime.fromisoformat(opened["at"])
        expect(row.locator("td.when")).to_have_text(for_people(at, "Asia/Shanghai", seconds=True))
        assert "北京时间" in row.locator("td.when").inner_text()
        assert opened["at"] not in row.inner_text()  # the raw UTC time only inside the raw entry, folded

        raw = row.locator("details.raw pre")
        expect(raw).to_be_hidden()
        row.locator("details.raw summary").click()
        expect(raw).to_be_visible()
        expect(raw).to_contain_text('"action": "round.opened"')
        expect(raw).to_contain_text(opened["at"])
        for sentence in page.locator("#audit-entries .says").all_inner_texts():
            assert "." not in sentence.split(" ", 2)[-1].replace("。", ""), sentence  # no action code shown

        verified_at = page.locator("#audit-verified-at")
        expect(verified_at).to_contain_text("北京时间")
        page.evaluate("document.getElementById('audit-status').dataset.before = 'yes'")
        page.click("#audit-verify-again")
        expect(page.locator("#audit-status")).not_to_have_attribute("data-before", "yes")
        expect(page.locator("#audit-status")).to_have_attribute("data-ok", "true")
        expect(page.locator("#audit-verify-again")).to_be_focused()
        today = for_people(dt.datetime.now(dt.UTC), "Asia/Shanghai")[:10]
        expect(verified_at).to_contain_text(today)
        check_screen(page, "audit-sentences")

        page.click("#lang-switch")
        expect(page.locator("#lang-switch")).to_have_text(EN["lang.switch"])
        expect(published.locator(".says")).to_have_text(f"{EN['role.clerk']} {CLERK} {EN['audit.says.vote.published']}")
        expect(row.locator("td.when")).to_have_text(for_people(at, "Asia/Shanghai", "en", seconds=True))
        expect(page.locator("#audit-verify-again")).to_have_text(EN["audit.verify_again"])
        check_screen(page, "audit-sentences", "en")
