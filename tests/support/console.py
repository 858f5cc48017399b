"""Shared by the console's browser tests (tests/ui/test_console_*.py): a server with staff accounts,
logging in through the page, moving between screens, and the checks every screen must pass."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Download, Locator, Page, expect

from tests.support.api import FIRST_BODY, PASSWORD
from tests.support.browser import DESKTOP, PHONE, no_horizontal_scroll, page_text, screenshot, serious_violations
from tests.support.servers import Http, login, serving
from voting.services import auth
from voting.store.db import Database

ZH = page_text("zh", "console")
PUBLISHING_MS = 30_000
"""How long a test waits for the console to say a vote is published: publication renders and fixes every form
(the PDF tally sheet with its CJK fonts, the workbook, the announcements), seconds on a busy machine."""
EN = page_text("en", "console")
CLERK = "clerk-a"
CLERK2 = "clerk-b"
SCRUTINEER = "scrutineer-a"


@dataclass
class Console:
    """A running ``voting serve`` with two clerks and a scrutineer."""

    url: str

    def api(self, name: str = CLERK) -> Http:
        return login(self.url, name)


@pytest.fixture
def console(cli_env: dict[str, str], db: Database, tmp_path: Path) -> Iterator[Console]:
    # Straight into the database (as ``voting user add`` does, without three subprocesses).
    with db.write() as session:
        for name, role in ((CLERK, "clerk"), (CLERK2, "clerk"), (SCRUTINEER, "scrutineer")):
            auth.add_user(session, name, role, PASSWORD, by=auth.Actor("test", "admin", FIRST_BODY))
    with serving(cli_env, tmp_path, workers=1) as server:
        yield Console(server.url)


def log_in(page: Page, url: str, name: str, *, password: str | None = None) -> None:
    """Log in through the form, as a person does, and wait for the first screen."""
    page.goto(f"{url}/console")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#login")).to_be_visible()
    page.fill("#login-name", name)
    page.fill("#login-password", password or PASSWORD)
    page.click("#login-submit")
    expect(page.locator("#app")).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-screen", "meetings")
    expect(page.locator("#main")).to_be_focused()  # the login's last step: the first screen is drawn


def rendered(page: Page) -> int:
    return int(page.locator("body").get_attribute("data-rendered") or "0")


def go(page: Page, screen: str) -> None:
    """Open a screen from the navigation bar and wait until it is drawn."""
    before = rendered(page)
    page.click(f"#nav [data-screen='{screen}']")
    expect(page.locator("body")).to_have_attribute("data-screen", screen)
    page.wait_for_function(f"() => Number(document.body.dataset.rendered || '0') > {before}")
    expect(page.locator(f"#{screen}-body")).not_to_have_attribute("aria-busy", "true")


def check_screen(page: Page, name: str, language: str = "zh") -> None:
    """axe finds nothing serious; no sideways scroll at 360 px; a screenshot at phone and desktop sizes."""
    page.set_viewport_size(DESKTOP)
    found = serious_violations(page)
    assert found == [], f"{name} (desktop): {found}"
    screenshot(page, f"console-{name}-desktop-{language}")
    page.set_viewport_size(PHONE)
    assert no_horizontal_scroll(page), f"{name}: sideways scroll at 360 px"
    found = serious_violations(page)
    assert found == [], f"{name} (phone): {found}"
    screenshot(page, f"console-{name}-phone-{language}")
    page.set_viewport_size(DESKTOP)


def export_pdf(page: Page) -> Download:
    """Download the tally sheet as PDF from the exports screen: a PDF file it is."""
    with page.expect_download() as download:
        page.click("#export-pdf")
    path = download.value.path()
    assert path is not None
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    return download.value


def only_difference(page: Page, position: int) -> Locator:
    """The reconciliation view shows one differing ballot, the one at this position: its row."""
    rows = page.locator("#differences tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-position", str(position))
    return rows.first
