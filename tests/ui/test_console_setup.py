"""The clerk console in a real browser, setting a sitting up: log in, a meeting, a vote from the
Gongshu 2020 template, the roster (a bad file first: the bad-row report, nothing imported), check-in
by name and by seat number, and the voting-code slips printed on A4 with their QR codes.

One test per screen: each starts where a clerk would have left the screens before it, set up through
the API (``sitting_so_far``), so that a failure names the screen that broke."""

from __future__ import annotations

import io
import re

from playwright.sync_api import Browser, FilePayload, Page, expect
from pypdf import PdfReader

from tests.support.api import Sitting
from tests.support.browser import DESKTOP, screenshot, serious_violations, tab
from tests.support.console import CLERK, EN, ZH, Console, check_screen, console, go, log_in
from tests.support.servers import Http
from voting.language import error_message

__all__ = ["console"]

NAMES = ["张建国", "李秀英", "王伟", "赵敏", "陈静", "刘洋"]
GOOD = ("编号,姓名,代表团\n" + "".join(f"{n},{name},拱宸桥\n" for n, name in enumerate(NAMES, start=1))).encode()
# Row 3 has no name, row 4 repeats number 1: the report names both rows, and nothing is imported.
BAD = "编号,姓名,代表团\n1,张建国,拱宸桥\n2,,拱宸桥\n1,王伟,拱宸桥\n".encode()


def roster(data: bytes) -> FilePayload:
    return {"name": "roster.csv", "mimeType": "text/csv", "buffer": data}


def sitting_so_far(console: Console, *, roster_file: bytes | None = None, present: tuple[int, ...] = ()) -> Sitting:
    """What the screens before the one under test leave, made through the API: the meeting with its live vote
    from the template, and (if given) its roster imported and some deputies checked in."""
    clerk = console.api()
    meeting = clerk.post("/api/v1/meetings", {"name_zh": "拱墅区人大会议", "date": "2020-01-18"}, 201)["id"]
    vote = clerk.post("/api/v1/votes/from-template", {"meeting_id": meeting}, 201)["id"]
    if roster_file is not None:
        clerk.upload(f"/api/v1/meetings/{meeting}/roster", "roster.csv", roster_file)
    sitting = Sitting(clerk, meeting, vote, clerk.get(f"/api/v1/meetings/{meeting}/deputies"))
    sitting.check_in(present)
    return sitting


def open_checkin(page: Page, console: Console) -> None:
    log_in(page, console.url, CLERK)
    card = page.locator("article.meeting").first
    card.get_by_role("button", name=re.compile(ZH["meetings.checkin"])).click()
    expect(page.locator("body")).to_have_attribute("data-screen", "checkin")


def open_slips(page: Page, console: Console) -> None:
    """Deputies 1, 3 and 5 present, no code issued yet: the slips screen of the live vote."""
    live_vote = sitting_so_far(console, roster_file=GOOD, present=(1, 3, 5)).vote_id
    log_in(page, console.url, CLERK)
    page.locator(f"li.vote[data-vote-id='{live_vote}'] button[data-vote]").click()
    expect(page.locator("body")).to_have_attribute("data-screen", "round")
    expect(page.locator("#context .training-mark")).to_have_count(0)
    go(page, "slips")


def test_a_wrong_password_is_refused_beside_the_form_and_logging_out_ends_the_session(
    browser: Browser, console: Console
) -> None:
    with tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        page.goto(f"{console.url}/console")
        expect(page.locator("#login-heading")).to_have_text(ZH["login.heading"])
        check_screen(page, "login")
        # A wrong password: the server's message, in Chinese, next to the form.
        page.fill("#login-name", CLERK)
        page.fill("#login-password", "wrong password")
        page.click("#login-submit")
        expect(page.locator("#login-error")).to_have_text(error_message("bad_credentials", {}, "zh"))
        expect(page.locator("#login-error")).to_have_attribute("role", "alert")

        log_in(page, console.url, CLERK)
        expect(page.locator("#who")).to_contain_text(CLERK)
        assert page.evaluate("() => window.sessionStorage.getItem('console.csrf')")
        expect(page.locator("#readonly")).to_be_hidden()

        # Logging out ends the session: a reload shows the login form.
        page.click("#logout")
        expect(page.locator("#login")).to_be_visible()
        page.reload()
        expect(page.locator("#login")).to_be_visible()
        assert serious_violations(page) == []


def test_a_meeting_and_its_vote_and_a_training_vote_in_a_meeting_of_its_own(browser: Browser, console: Console) -> None:
    with tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        log_in(page, console.url, CLERK)
        # A meeting, then a vote from the template on it.
        page.fill("#meeting-name-zh", "拱墅区人大会议")
        page.fill("#meeting-date", "2020-01-18")
        page.click("#meeting-create")
        card = page.locator("article.meeting").first
        expect(card.locator("h3")).to_have_text("拱墅区人大会议")
        expect(card.locator(".meta")).to_have_text(ZH["meetings.meta"].format(date="2020-01-18", present=0, roster=0))
        card.get_by_role("button", name=ZH["meetings.from_template"]).click()
        expect(card.locator("li.vote")).to_have_count(1)
        expect(card.locator("li.vote .training-mark")).to_have_count(0)
        # A training vote cannot share a live vote's meeting: the server says why, next to the button.
        card.locator("input[type=checkbox]").check()
        card.get_by_role("button", name=ZH["meetings.from_template"]).click()
        expect(card.locator(":scope > p.error")).to_have_text(error_message("training_not_with_live", {}, "zh"))
        expect(card.locator(":scope > p.error")).to_have_attribute("role", "alert")
        expect(card.locator("li.vote")).to_have_count(1)
        # In a meeting of its own it carries the mark, in the list and in the context line.
        page.fill("#meeting-name-zh", "演练会议")
        page.fill("#meeting-date", "2020-01-17")
        page.click("#meeting-create")
        drill = page.locator("article.meeting").nth(1)
        expect(drill.locator("h3")).to_have_text("演练会议")
        drill.locator("input[type=checkbox]").check()
        drill.get_by_role("button", name=ZH["meetings.from_template"]).click()
        expect(drill.locator("li.vote .training-mark")).to_have_text(ZH["console.training_mark"])
        expect(page.locator("#context .training-mark")).to_have_text(ZH["console.training_mark"])
        check_screen(page, "meetings")


def test_a_bad_roster_is_reported_row_by_row_and_nothing_imported(browser: Browser, console: Console) -> None:
    sitting_so_far(console)
    with tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        log_in(page, console.url, CLERK)
        card = page.locator("article.meeting").first
        # The roster: a bad file first.
        card.get_by_role("button", name=re.compile(ZH["meetings.checkin"])).click()
        expect(page.locator("body")).to_have_attribute("data-screen", "checkin")
        expect(page.locator("#checkin-counts")).to_have_text(ZH["checkin.counts"].format(present=0, roster=0))
        page.set_input_files("#roster-file", files=[roster(BAD)])
        page.click("#roster-import")
        expect(page.locator("#roster-error")).to_have_text(error_message("roster_rejected", dict(rows=2), "zh"))
        report = page.locator("#roster-report tbody tr")
        expect(report).to_have_count(2)
        assert report.nth(0).locator("td").all_inner_texts() == [
            "3",
            ZH["roster.field.name"],
            ZH["roster.problem.empty_name"],
        ]
        assert report.nth(1).locator("td").all_inner_texts() == [
            "4",
            ZH["roster.field.number"],
            ZH["roster.problem.duplicate_number"],
        ]
        expect(page.locator("#checkin-counts")).to_have_text(ZH["checkin.counts"].format(present=0, roster=0))
        check_screen(page, "roster-report")

        page.set_input_files("#roster-file", files=[roster(GOOD)])
        page.click("#roster-import")
        expect(page.locator("#roster-status")).to_have_text(ZH["roster.imported"].format(count=6))
        expect(page.locator("#roster-error")).to_be_hidden()
        expect(page.locator("#deputies tbody tr")).to_have_count(6)


def test_deputies_are_checked_in_by_name_or_seat_number_and_out_after_a_confirmation(
    browser: Browser, console: Console
) -> None:
    sitting_so_far(console, roster_file=GOOD)
    with tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        open_checkin(page, console)
        expect(page.locator("#deputies tbody tr")).to_have_count(6)
        # Check in by name, then by seat number.
        page.fill("#deputy-search", "王")
        expect(page.locator("#deputies tbody tr")).to_have_count(1)
        page.get_by_role("button", name=ZH["checkin.in_label"].format(name="王伟", number=3)).click()
        expect(page.locator("#deputies tbody tr").first.locator(".presence")).to_have_text(ZH["checkin.present"])
        expect(page.locator("#checkin-counts")).to_have_text(ZH["checkin.counts"].format(present=1, roster=6))
        page.fill("#deputy-search", "5")
        expect(page.locator("#deputies tbody tr")).to_have_count(1)
        expect(page.locator("#deputies tbody tr td").nth(1)).to_have_text("陈静")
        page.keyboard.press("Enter")
        page.get_by_role("button", name=ZH["checkin.in_label"].format(name="陈静", number=5)).click()
        expect(page.locator("#checkin-counts")).to_have_text(ZH["checkin.counts"].format(present=2, roster=6))
        page.fill("#deputy-search", "")
        expect(page.locator("#deputies tbody tr")).to_have_count(6)
        for name, number in (("张建国", 1), ("李秀英", 2)):
            page.get_by_role("button", name=ZH["checkin.in_label"].format(name=name, number=number)).click()
            expect(
                page.get_by_role("button", name=ZH["checkin.out_label"].format(name=name, number=number))
            ).to_be_visible()
        expect(page.locator("#checkin-counts")).to_have_text(ZH["checkin.counts"].format(present=4, roster=6))
        # Checking out again works too, after a confirmation naming the deputy.
        page.get_by_role("button", name=ZH["checkin.out_label"].format(name="李秀英", number=2)).click()
        expect(page.locator("#confirm")).to_contain_text(ZH["round.deputy"].format(number=2, name="李秀英"))
        page.click("#confirm-yes")
        expect(page.locator("#checkin-counts")).to_have_text(ZH["checkin.counts"].format(present=3, roster=6))
        check_screen(page, "checkin")


def test_slips_are_issued_to_those_present_and_print_three_to_an_a4_page(browser: Browser, console: Console) -> None:
    with tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        open_slips(page, console)
        expect(page.locator("#screen-slips .notice li")).to_have_count(4)
        expect(page.locator(".slip")).to_have_count(0)
        page.click("#slips-issue")
        slips = page.locator(".slip")
        expect(slips).to_have_count(3)
        expect(page.locator("#slips-summary")).to_have_text(ZH["slips.count"].format(count=3, picked=3))
        assert [s.get_attribute("data-deputy") for s in slips.all()] == ["1", "3", "5"]
        codes = slips.locator(".slip-code").all_inner_texts()
        assert len(set(codes)) == 3
        assert all(re.fullmatch(r"[A-Z0-9]{5}-[A-Z0-9]{5}", c) for c in codes), codes
        expect(slips.first.locator(".slip-name")).to_have_text("张建国")
        expect(slips.locator("svg.qr")).to_have_count(3)
        # Each QR code is drawn (a path with modules), labelled for assistive technology.
        assert len(slips.first.locator("svg.qr path").get_attribute("d") or "") > 500
        expect(slips.first.locator("svg.qr")).to_have_attribute(
            "aria-label", ZH["slips.qr_label"].format(name="张建国")
        )
        # The codes open the ballot: each one is a live code for its deputy.
        deputy = Http(console.url)
        ballot = deputy.post("/api/v1/ballot", {"code": codes[0]}, 409)
        assert ballot["code"] == "round_not_open"
        check_screen(page, "slips")

        # Print media: only the slips, three across, cut lines; the code large.
        page.emulate_media(media="print")
        expect(page.locator(".bar")).to_be_hidden()
        expect(page.locator("#nav")).to_be_hidden()
        expect(page.locator("#screen-slips .notice")).to_be_hidden()
        expect(slips.first).to_be_visible()
        border = slips.first.evaluate("e => getComputedStyle(e).borderTopStyle")
        assert border == "dashed"
        columns = page.locator("#slips-sheet").evaluate(
            "e => getComputedStyle(e).gridTemplateColumns.split(' ').length"
        )
        assert columns == 3
        code_px = float(slips.first.locator(".slip-code").evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
        assert code_px >= 20
        screenshot(page, "console-slips-print-zh")
        # Printed on A4 by the browser's own print: the three slips on one page, codes and names in it.
        printed = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
        assert len(printed.pages) == 1
        width, height = float(printed.pages[0].mediabox.width), float(printed.pages[0].mediabox.height)
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        printed_text = printed.pages[0].extract_text()
        assert all(code in printed_text for code in codes), printed_text
        assert "张建国" in printed_text
        page.emulate_media(media="screen")


def test_english_rewords_the_slips_in_place_and_a_reload_keeps_the_screen_but_not_the_codes(
    browser: Browser, console: Console
) -> None:
    with tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        open_slips(page, console)
        page.click("#slips-issue")
        expect(page.locator(".slip")).to_have_count(3)
        # English: the same screen re-worded in place, and the choice persists across a reload.
        page.click("#lang-switch")
        expect(page.locator("#slips-heading")).to_have_text(EN["screen.slips"])
        expect(page.locator("#screen-slips .notice h3")).to_have_text(EN["slips.secret_heading"])
        # The codes are only in this page's memory: re-drawn in English, still there.
        expect(page.locator(".slip")).to_have_count(3)
        check_screen(page, "slips", "en")
        page.reload()
        # Still logged in after the reload, on the same screen and vote; the codes are gone (never stored).
        expect(page.locator("body")).to_have_attribute("data-screen", "slips")
        expect(page.locator("#nav [data-screen='meetings']")).to_have_text(EN["screen.meetings"])
        expect(page.locator("#slips-summary")).to_have_text(EN["slips.none"].format(holding=3))
        expect(page.locator(".slip")).to_have_count(0)
        go(page, "checkin")
        page.set_input_files("#roster-file", files=[roster(GOOD)])
        page.click("#roster-import")
        expect(page.locator("#roster-error")).to_contain_text(error_message("roster_rejected", dict(rows=6), "en"))
        check_screen(page, "checkin", "en")
