"""A scrutineer in the console: the same screens, read-only (no write control rendered at all), the
exports, and the audit log with its verification status: verified, then broken at the entry changed."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine, text

from tests.support.api import set_up
from tests.support.browser import DESKTOP, tab
from tests.support.console import PUBLISHING_MS, SCRUTINEER, ZH, Console, check_screen, console, export_pdf, go, log_in
from tests.support.servers import Http

__all__ = ["console"]

BALLOTS = {1: range(1, 11), 2: range(1, 11), 3: range(1, 11), 4: range(1, 11), 5: range(3, 13)}
# Buttons a scrutineer may see in the screens: choosing what to look at, never changing it.
READING = {ZH["meetings.open_vote"], ZH["meetings.checkin"], ZH["paper.show"], ZH["audit.verify_again"]}


def no_write_controls(page: Page) -> None:
    expect(page.locator("[data-write]")).to_have_count(0)
    expect(page.locator("#app input[type=file]")).to_have_count(0)
    expect(page.locator("#app form:not([role=search])")).to_have_count(0)
    shown = set(page.locator("#app button:visible").all_inner_texts())
    assert shown <= READING, shown


def test_a_scrutineer_reads_everything_changes_nothing_and_sees_the_audit_status(
    browser: Browser, console: Console, database_url: str
) -> None:
    clerk = console.api()
    sitting = set_up(clerk, size=6)
    sitting.check_in(range(1, 7))
    sitting.issue_codes(range(1, 7))
    round_id = sitting.open_round()["id"]
    deputy = Http(console.url)
    for number, approvals in BALLOTS.items():
        sitting.cast(deputy, number, approvals)
    sitting.close_and_count(round_id)
    clerk.post(f"/api/v1/votes/{sitting.vote_id}/publish")
    drill = clerk.post("/api/v1/meetings", {"name_zh": "演练会议", "date": "2020-01-10"}, 201)
    clerk.post("/api/v1/votes/from-template", {"meeting_id": drill["id"], "training": True}, 201)

    with tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        log_in(page, console.url, SCRUTINEER)
        expect(page.locator("#readonly")).to_have_text(ZH["console.readonly"])
        expect(page.locator("#who")).to_contain_text(ZH["role.scrutineer"])
        expect(page.locator("article.meeting")).to_have_count(2)
        expect(page.locator("li.vote .training-mark")).to_have_count(1)
        no_write_controls(page)
        check_screen(page, "meetings-scrutineer")

        page.locator(f"button[data-vote='{sitting.vote_id}']").click()
        expect(page.locator("body")).to_have_attribute("data-screen", "round")
        expect(page.locator("#result-table tbody tr")).to_have_count(12)
        expect(page.locator("#published")).to_contain_text(ZH["publish.done"], timeout=PUBLISHING_MS)
        no_write_controls(page)
        check_screen(page, "round-scrutineer")

        go(page, "checkin")
        expect(page.locator("#deputies tbody tr")).to_have_count(6)
        expect(page.locator("#deputies thead th")).to_have_count(4)
        expect(page.locator("#checkin-counts")).to_have_text(ZH["checkin.counts"].format(present=6, roster=6))
        no_write_controls(page)
        check_screen(page, "checkin-scrutineer")

        go(page, "slips")
        expect(page.locator("#slips-body .notice")).to_be_visible()
        expect(page.locator(".slip")).to_have_count(0)
        no_write_controls(page)

        go(page, "paper")
        expect(page.locator("#paper-closed")).to_have_text(ZH["paper.no_round"])
        no_write_controls(page)

        go(page, "exports")
        expect(page.locator("#exports-official")).to_have_text(ZH["exports.official"])
        expect(page.locator("a.download")).to_have_count(8)
        export_pdf(page)
        with page.expect_download() as bundle:
            page.click("#export-bundle")
        assert bundle.value.suggested_filename.endswith(".zip")
        no_write_controls(page)
        check_screen(page, "exports-scrutineer")

        go(page, "audit")
        check = console.api().get("/api/v1/audit/verify")
        assert check["ok"] is True
        status = page.locator("#audit-status")
        expect(status).to_have_attribute("data-ok", "true")
        expect(status.locator(".big")).to_have_text(ZH["audit.verified"].format(entries=check["entries"]))
        expect(status).to_contain_text(check["head"])
        vote_entries = console.api().get(f"/api/v1/audit?vote_id={sitting.vote_id}")
        expect(page.locator("#audit-entries tbody tr")).to_have_count(len(vote_entries))
        expect(page.locator("#audit-entries tbody tr").first).to_contain_text("vote.published")
        page.uncheck("#audit-only-vote")
        expect(page.locator("#audit-entries tbody tr")).to_have_count(check["entries"])
        no_write_controls(page)
        check_screen(page, "audit-scrutineer")

        go(page, "drills")
        expect(page.locator("article.drill")).to_have_count(len(console.api().get("/api/v1/drills")))
        no_write_controls(page)

        # Someone edits an entry in the database behind the system's back: the screen says where.
        engine = create_engine(database_url)
        with engine.begin() as conn:
            conn.execute(text("UPDATE audit_entry SET actor = 'mallory' WHERE seq = 3"))
        engine.dispose()
        go(page, "audit")
        expect(status).to_have_attribute("data-ok", "false")
        expect(status).to_have_attribute("role", "alert")
        expect(status.locator(".big")).to_have_text(ZH["audit.broken"].format(entry=3))
        check_screen(page, "audit-broken-scrutineer")
