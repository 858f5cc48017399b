"""A body's pages at ``/b/<name>/`` (issue 18): the console, the hall screen, the results page and the home page of
a second body on the same service ask for and link to nothing outside its address, show only its meetings, and
its slips carry its ballot address; the default body's pages, without the prefix, are every other browser test's."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, expect

from tests.support.api import PASSWORD
from tests.support.browser import DESKTOP, tab
from tests.support.console import CLERK, ZH, Console, console, go, log_in
from tests.support.servers import Http
from voting.services import auth
from voting.store.db import Database
from voting.web.address import ballot_address

__all__ = ["console"]

B = "/b/xiaohe"
SCREENS = ("meetings", "checkin", "slips", "round", "paper", "exports", "audit", "drills")


def set_up_body(db: Database, url: str) -> None:
    """Body B with its administrator ``admin-b``, set up by the service's administrator through the platform API."""
    with db.write() as session:
        auth.add_platform_admin(session, "platform", PASSWORD)
    token = Http(url).post("/api/v1/platform/login", {"name": "platform", "password": PASSWORD})["token"]
    body = {"slug": "xiaohe", "name_zh": "小河街道人大工委", "admin": "admin-b", "password": PASSWORD}
    Http(url, token=token).post("/api/v1/platform/bodies", body, 201)


def app_links(page: Page) -> list[str]:
    """Every link and download the page shows, as the browser resolves it."""
    found: list[str] = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    return found


def outside(url: str, addresses: list[str]) -> list[str]:
    """The server's addresses not under the body's prefix; the scripts and styles in /static/ are every body's."""
    server = urlsplit(url).netloc
    return [
        a for a in addresses if urlsplit(a).netloc == server and not urlsplit(a).path.startswith((f"{B}/", "/static/"))
    ]


def test_a_second_body_works_under_its_own_address(browser: Browser, console: Console, db: Database) -> None:
    url = console.url
    set_up_body(db, url)
    console.api(CLERK).post("/api/v1/meetings", {"name_zh": "默认人大的会议", "date": "2020-01-17"}, 201)
    with tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        log_in(page, f"{url}{B}", "admin-b")
        # Only this body's meetings: the default body's is not listed, before or after B makes its own.
        expect(page.locator("article.meeting")).to_have_count(0)
        page.fill("#meeting-name-zh", "小河街道人大会议")
        page.fill("#meeting-date", "2020-01-18")
        page.click("#meeting-create")
        card = page.locator("article.meeting")
        expect(card).to_have_count(1)
        expect(card.locator("h3")).to_have_text("小河街道人大会议")
        card.get_by_role("button", name=ZH["meetings.from_template"]).click()
        expect(card.locator("li.vote")).to_have_count(1)
        vote = card.locator("li.vote").get_attribute("data-vote-id")
        links = app_links(page)
        assert f"{url}{B}/hall?vote={vote}" in links, links
        assert f"{url}{B}/results?vote={vote}" in links, links
        for screen in SCREENS:
            go(page, screen)
            links += app_links(page)
            if screen == "slips":
                # The QR codes' address is the body's ballot page, not the service's default body's.
                expect(page.locator("#slips-address")).to_contain_text(f"{url}{B}/ballot")
        # The pages a clerk opens from the console, under the same prefix.
        page.goto(f"{url}{B}/hall?vote={vote}")
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        expect(page.locator("body")).to_have_attribute("data-state", "draft")
        page.goto(f"{url}{B}/results?vote={vote}")
        expect(page.locator("body")).to_have_attribute("data-state", "unpublished")
        links += app_links(page)
        assert f"{url}{B}/receipt" in links, links
        # A deputy's pages ask the body's API: a code and a receipt it does not know, refused at its address.
        for name, field, typed, error in (
            ("ballot", "#code", "K7M2P-Q9X4R", "#code-error"),
            ("receipt", "#receipt", "AB12CD34", "#check-error"),
        ):
            page.goto(f"{url}{B}/{name}")
            expect(page.locator("body")).to_have_attribute("data-ready", "true")
            page.fill(field, typed)
            page.press(field, "Enter")
            expect(page.locator(error)).to_be_visible()
        assert f"{url}{B}/api/v1/ballot" in asked, asked
        assert f"{url}{B}/api/v1/receipts/AB12CD34" in asked, asked
        # The home page the server renders: its links, and the language switch's way back, stay under the prefix.
        page.goto(f"{url}{B}/")
        expect(page.locator(f"a[href='{B}/hall?vote={vote}']")).to_have_count(1)
        links += app_links(page)
        for _ in range(2):
            page.click("a.switch")
            expect(page.locator("a.switch")).to_be_visible()
            assert urlsplit(page.url).path == f"{B}/"
        # Logging out comes back to this body's console.
        page.goto(f"{url}{B}/console")
        expect(page.locator("#app")).to_be_visible()
        page.click("#logout")
        expect(page.locator("#login")).to_be_visible()
        assert urlsplit(page.url).path == f"{B}/console"
    assert any(urlsplit(a).path.startswith(f"{B}/api/v1/") for a in asked), asked  # the record is read
    assert outside(url, asked) == []
    assert outside(url, links) == []
    # The default body's console, at the address without the prefix, still lists its own meeting only.
    assert [m["name_zh"] for m in console.api(CLERK).get("/api/v1/meetings")] == ["默认人大的会议"]


def test_a_configured_public_address_is_the_services_with_the_bodys_path_after_it() -> None:
    """``VOTING_PUBLIC_URL`` names the service; a body's slips carry ``/b/<name>`` after it, the default body's none."""
    assert ballot_address("http://192.168.10.5:8000/", "http://x/b/xiaohe/", "xiaohe").base == (
        "http://192.168.10.5:8000/b/xiaohe"
    )
    assert ballot_address("http://192.168.10.5:8000/", "http://x/", None).base == "http://192.168.10.5:8000"
    guessed = ballot_address(None, "http://192.168.10.5:8000/b/xiaohe/", "xiaohe")
    assert (guessed.base, guessed.configured, guessed.problem) == ("http://192.168.10.5:8000/b/xiaohe", False, None)
