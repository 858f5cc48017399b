"""The console at the pace of a real hall (issue 14, points 2 to 5), in a real browser: check-in with the
keyboard alone (seat number, Enter, the focus stays, the confirmation spoken), a page of the roster at a
time with a filter and a selection checked in at once, check-out confirmed and refused after publication;
the slips' QR codes carry the configured public address (and the default warns that phones cannot open
it); a console reload and the default button void no printed slip; a lost slip is reissued and printed on
its own; voiding them all says how many first; a paper ballot for one chosen deputy."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.support.api import PASSWORD, Sitting, set_up
from tests.support.browser import DESKTOP, PHONE, tab
from tests.support.console import CLERK, EN, ZH, Console, check_screen, console, go, log_in
from tests.support.servers import Http, login, serving
from voting.language import error_message
from voting.services import auth
from voting.store.db import Database

__all__ = ["console"]

PUBLIC = "http://192.168.10.5:8000"
DEPUTIES = 24
"""More than one page of the roster (20 rows)."""


@pytest.fixture
def hall_console(cli_env: dict[str, str], db: Database, tmp_path: Path) -> Iterator[Console]:
    """A server whose public address (VOTING_PUBLIC_URL) is the hall network's, not the loopback it listens on."""
    with db.write() as session:
        auth.add_user(session, CLERK, "clerk", PASSWORD, by=auth.Actor("test", "admin"))
    with serving({**cli_env, "VOTING_PUBLIC_URL": PUBLIC}, tmp_path, workers=1) as server:
        yield Console(server.url)


def works(url: str, code: str) -> bool:
    """A working code opens the ballot (or hears that no round is open); a voided one is refused (401)."""
    answer = Http(url).session.post(f"{url}/api/v1/ballot", json={"code": code}, timeout=10)
    return answer.status_code != 401


def enter(page: Page, text: str) -> None:
    """The clerk's hands: type into the focused field, press Enter; nothing else."""
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def slip_codes(page: Page) -> dict[int, str]:
    slips = page.locator(".slip")
    return {int(s.get_attribute("data-deputy") or "0"): s.locator(".slip-code").inner_text() for s in slips.all()}


@dataclass
class Hall:
    """A sitting of ``DEPUTIES`` on the hall console's server, and its clerk over HTTP."""

    url: str
    clerk: Http
    sitting: Sitting

    @property
    def names(self) -> dict[int, str]:
        return {d["number"]: d["name"] for d in self.sitting.deputies}


@pytest.fixture
def hall(hall_console: Console) -> Hall:
    clerk = login(hall_console.url, CLERK)
    return Hall(hall_console.url, clerk, set_up(clerk, size=DEPUTIES))


def open_screen(page: Page, hall: Hall, screen: str) -> None:
    log_in(page, hall.url, CLERK)
    page.locator(f"button[data-vote='{hall.sitting.vote_id}']").click()
    expect(page.locator("body")).to_have_attribute("data-screen", "round")
    go(page, screen)


PRESENT = [*range(1, 16), 17]
"""Present once the check-in and the late arrival are done: 1 to 16 checked in, 16 out again, 17 late."""


def test_check_in_by_keyboard_a_page_at_a_time_a_selected_range_at_once_and_out_after_asking(
    browser: Browser, hall: Hall
) -> None:
    names = hall.names
    with tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        open_screen(page, hall, "checkin")
        # One page of the roster at a time, not the whole hall.
        expect(page.locator("#deputies tbody tr")).to_have_count(20)
        expect(page.locator("#page-at")).to_have_text(ZH["checkin.page"].format(page=1, pages=2, count=DEPUTIES))

        # The keyboard path: seat number, Enter; the field is empty and keeps the focus; who it was is said.
        page.focus("#checkin-quick")
        said = page.locator("#checkin-said")
        expect(said).to_have_attribute("aria-live", "polite")
        for number in range(1, 13):
            enter(page, str(number))
            who = ZH["round.deputy"].format(number=number, name=names[number])
            expect(said).to_have_text(ZH["checkin.done_in"].format(who=who, present=number))
            expect(page.locator("#checkin-quick")).to_be_focused()
            expect(page.locator("#checkin-quick")).to_have_value("")
        enter(page, names[13])  # by name, too
        expect(said).to_contain_text(names[13])
        enter(page, "3")  # twice: said, nothing sent
        expect(said).to_have_text(
            ZH["checkin.quick_already"].format(who=ZH["round.deputy"].format(number=3, name=names[3]))
        )
        enter(page, "99")
        expect(said).to_have_text(ZH["checkin.quick_none"].format(text="99"))
        expect(page.locator("#checkin-counts")).to_have_text(ZH["checkin.counts"].format(present=13, roster=DEPUTIES))

        # The filter: those not yet checked in; then a range of seats selected and checked in at once.
        page.select_option("#checkin-filter", "absent")
        expect(page.locator("#deputies tbody tr")).to_have_count(DEPUTIES - 13)
        expect(page.locator("#checkin-pager")).to_be_hidden()
        page.fill("#range-from", "14")
        page.fill("#range-to", "16")
        page.click("#select-range")
        expect(page.locator("#bulk-in")).to_have_text(ZH["checkin.bulk_in"].format(count=3))
        page.click("#bulk-in")
        expect(said).to_have_text(ZH["checkin.bulk_in_done"].format(count=3, present=16))
        expect(page.locator("#deputies tbody tr")).to_have_count(DEPUTIES - 16)
        check_screen(page, "checkin-keyboard")

        # Checking out asks first; cancelled, the deputy stays in.
        page.select_option("#checkin-filter", "present")
        page.get_by_role("button", name=ZH["checkin.out_label"].format(name=names[16], number=16)).click()
        expect(page.locator("#confirm")).to_contain_text(ZH["round.deputy"].format(number=16, name=names[16]))
        page.click("#confirm-no")
        expect(page.locator("#checkin-counts")).to_have_text(ZH["checkin.counts"].format(present=16, roster=DEPUTIES))
        page.get_by_role("button", name=ZH["checkin.out_label"].format(name=names[16], number=16)).click()
        page.click("#confirm-yes")
        expect(page.locator("#checkin-counts")).to_have_text(ZH["checkin.counts"].format(present=15, roster=DEPUTIES))


def test_the_slips_carry_the_public_address_and_neither_a_reload_nor_the_default_voids_one(
    browser: Browser, hall: Hall
) -> None:
    url, clerk, sitting = hall.url, hall.clerk, hall.sitting
    sitting.check_in(range(1, 16))
    with tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        open_screen(page, hall, "checkin")
        # The slips: the QR codes carry the configured public address, and no warning.
        go(page, "slips")
        expect(page.locator("#slips-address")).to_have_text(
            ZH["slips.address_configured"].format(url=f"{PUBLIC}/ballot")
        )
        expect(page.locator("#slips-address-warning")).to_have_count(0)
        expect(page.locator("#slips-issue")).to_have_text(ZH["slips.issue"].format(count=15))
        page.click("#slips-issue")
        expect(page.locator(".slip")).to_have_count(15)
        printed = slip_codes(page)
        for number, code in printed.items():
            qr = page.locator(f".slip[data-deputy='{number}'] svg.qr")
            expect(qr).to_have_attribute("data-url", f"{PUBLIC}/ballot?code={code}")
        expect(page.locator(".slip .slip-how").first).to_contain_text(f"{PUBLIC}/ballot")
        check_screen(page, "slips-issued")

        # A late deputy; then the console is reloaded (the codes on screen are gone) and the default pressed.
        clerk.put(
            f"/api/v1/meetings/{sitting.meeting_id}/deputies/{sitting.deputies[16]['id']}/attendance",
            {"checked_in": True},
        )
        page.reload()
        expect(page.locator("body")).to_have_attribute("data-screen", "slips")
        expect(page.locator("#slips-summary")).to_have_text(ZH["slips.none"].format(holding=15))
        expect(page.locator("#slips-issue")).to_have_text(ZH["slips.issue"].format(count=1))
        page.click("#slips-issue")
        expect(page.locator(".slip")).to_have_count(1)
        expect(page.locator(".slip")).to_have_attribute("data-deputy", "17")
        assert all(works(url, code) for code in printed.values())  # no printed slip voided

        # Voiding them all says how many first; cancelled, every slip still works.
        expect(page.locator("#slips-reissue-all")).to_have_text(ZH["slips.reissue_all"].format(count=16))
        page.click("#slips-reissue-all")
        expect(page.locator("#reissue-all-voids")).to_have_text(ZH["slips.reissue_all_text"].format(count=16))
        page.click("#confirm-no")
        assert all(works(url, code) for code in printed.values())


def test_a_lost_slip_is_reissued_by_seat_number_and_printed_alone(browser: Browser, hall: Hall) -> None:
    url, clerk, sitting, names = hall.url, hall.clerk, hall.sitting, hall.names
    sitting.check_in(PRESENT)
    sitting.issue_codes(range(1, 16))
    printed = dict(sitting.codes)
    with tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        open_screen(page, hall, "slips")
        page.click("#slips-issue")  # the late deputy's slip, on screen beside the reissued one
        expect(page.locator(".slip")).to_have_attribute("data-deputy", "17")
        # A lost slip: deputy 5's, by seat number, confirmed; the old code dies, only the new slip prints.
        page.fill("#slips-lost-number", "5")
        page.click("#slips-lost")
        expect(page.locator("#lost-voids")).to_have_text(ZH["slips.lost_text"].format(number=5, name=names[5]))
        page.click("#confirm-yes")
        expect(page.locator("#slips-done")).to_have_text(ZH["slips.reissued"].format(number=5, name=names[5]))
        assert not works(url, printed[5])
        assert works(url, printed[6])
        new_code = slip_codes(page)[5]
        expect(page.locator(".slip.picked")).to_have_count(1)
        expect(page.locator("#slips-print")).to_have_text(ZH["slips.print"].format(count=1))
        page.emulate_media(media="print")
        expect(page.locator(".slip[data-deputy='17']")).to_be_hidden()
        sheet = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
        text = "".join(p.extract_text() for p in sheet.pages)
        assert len(sheet.pages) == 1
        assert new_code in text
        assert not any(code in text for n, code in slip_codes(page).items() if n != 5)
        page.emulate_media(media="screen")
        log = [e["action"] for e in clerk.get(f"/api/v1/audit?vote_id={sitting.vote_id}")]
        assert log.count("code.reissued") == 1

        # English: the same screens, re-worded, axe-clean at both sizes.
        page.click("#lang-switch")
        expect(page.locator("#slips-lost-heading")).to_have_text(EN["slips.lost_heading"])
        check_screen(page, "slips-lost", "en")


def test_a_paper_ballot_for_one_chosen_deputy_and_no_check_out_once_published(browser: Browser, hall: Hall) -> None:
    url, clerk, sitting, names = hall.url, hall.clerk, hall.sitting, hall.names
    sitting.check_in(PRESENT)
    sitting.issue_codes(PRESENT)
    opened = clerk.post(f"/api/v1/votes/{sitting.vote_id}/rounds", status=201)
    with tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        page.goto(f"{url}/console")
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        page.click("#lang-switch")
        expect(page.locator("#login-heading")).to_have_text(EN["login.heading"])
        log_in(page, url, CLERK)
        page.locator(f"button[data-vote='{sitting.vote_id}']").click()
        expect(page.locator("body")).to_have_attribute("data-screen", "round")
        # A paper ballot for one chosen deputy, in an open round.
        page.fill("#paper-one-number", "7")
        page.click("#paper-one")
        who = EN["round.deputy"].format(number=7, name=names[7])
        expect(page.locator("#paper-one-who")).to_have_text(EN["paper_one.text"].format(who=who))
        page.click("#confirm-yes")
        expect(page.locator("#round-body [role=status]")).to_have_text(EN["paper_one.done"].format(who=who))
        expect(page.locator("#turnout-paper-issued")).to_have_text("1", timeout=10_000)
        assert [d["number"] for d in clerk.get(f"/api/v1/rounds/{opened['id']}/not-voted")] == [
            n for n in range(1, 18) if n not in (7, 16)
        ]
        check_screen(page, "round-paper-one", "en")

        # Published: checking out is refused, with the server's words, next to the deputy.
        deputy = Http(url)
        for number in [n for n in range(1, 16) if n != 7]:
            sitting.cast(deputy, number, range(1, 11))
        sitting.close_and_count(opened["id"])
        clerk.post(f"/api/v1/votes/{sitting.vote_id}/publish")
        page.click("#lang-switch")
        go(page, "checkin")
        page.get_by_role("button", name=ZH["checkin.out_label"].format(name=names[1], number=1)).click()
        page.click("#confirm-yes")
        row = page.locator("#deputies tbody tr[data-number='1']")
        expect(row.locator("[role=alert]")).to_have_text(error_message("attendance_final", dict(deputy=1), "zh"))
        expect(row.locator(".presence")).to_have_text(ZH["checkin.present"])
        check_screen(page, "checkin-final")


def test_the_default_address_is_the_loopback_and_the_slips_screen_warns(browser: Browser, console: Console) -> None:
    clerk = console.api()
    sitting = set_up(clerk, size=3)
    sitting.check_in([1, 2])
    with tab(browser, PHONE["width"], PHONE["height"]) as page:
        log_in(page, console.url, CLERK)
        page.locator(f"button[data-vote='{sitting.vote_id}']").click()
        expect(page.locator("body")).to_have_attribute("data-screen", "round")
        go(page, "slips")
        page.click("#lang-switch")
        expect(page.locator("#slips-heading")).to_have_text(EN["screen.slips"])
        # Before anything is printed: where the QR codes lead, and that a phone cannot open it.
        expect(page.locator("#slips-address")).to_have_text(
            EN["slips.address_guessed"].format(url=f"{console.url}/ballot")
        )
        expect(page.locator("#slips-address-warning")).to_have_text(EN["slips.address.loopback"])
        page.click("#slips-issue")
        expect(page.locator(".slip")).to_have_count(2)
        payload = page.locator(".slip svg.qr").first.get_attribute("data-url") or ""
        assert re.fullmatch(rf"{re.escape(console.url)}/ballot\?code=[A-Z0-9]{{5}}-[A-Z0-9]{{5}}", payload), payload
        check_screen(page, "slips-loopback", "en")
