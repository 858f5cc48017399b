"""Every page at once (issue 14.8): no console error and no failed request on any page; the hall screen names
the round each published count comes from; the home page follows the same language choice as the others."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.support.browser import DESKTOP, PHONE, page_text, screenshot, serious_violations, tab
from tests.support.halls import Published

HALL = {language: page_text(language, "hall") for language in ("zh", "en")}


def pages(published: Published) -> list[str]:
    vote = published.tie_vote
    return ["/", "/ballot", f"/hall?vote={vote}", f"/results?vote={vote}", "/receipt", "/console", "/api/docs"]


def troubles(page: Page) -> list[str]:
    """What the browser reports against the page: console errors, requests that failed or were refused."""
    found: list[str] = []
    page.on("console", lambda m: found.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("requestfailed", lambda r: found.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: found.append(f"{r.status}: {r.url}") if r.status >= 400 else None)
    return found


def test_no_page_logs_an_error_or_fails_a_request(browser: Browser, published: Published) -> None:
    for size, language in ((DESKTOP, "zh"), (PHONE, "en")):
        with tab(browser, **size) as page:
            page.context.add_cookies([{"name": "lang", "value": language, "url": published.url}])
            found = troubles(page)
            for path in pages(published):
                page.goto(published.url + path, wait_until="networkidle")
                if page.locator("body[data-ready]").count() == 0 and path.startswith(("/ballot", "/hall")):
                    expect(page.locator("body")).to_have_attribute("data-ready", "true")
                assert found == [], (path, language, found)
            # A browser asks for /favicon.ico of a page that names no icon (a JSON answer opened in a tab).
            assert page.request.get(published.url + "/favicon.ico").status == 200


def test_the_published_hall_screen_names_the_round_of_each_count(browser: Browser, published: Published) -> None:
    """The tie vote: projects 1-9 won in round 1, project 11 in the round-2 tie-break against 10."""
    with tab(browser, **DESKTOP) as page:
        page.set_viewport_size({"width": 1920, "height": 1080})
        page.goto(f"{published.url}/hall?vote={published.tie_vote}")
        expect(page.locator("body")).to_have_attribute("data-state", "published")
        for language in ("zh", "en"):
            words = HALL[language]
            expect(page.locator("#selected-count")).to_have_text(words["hall.selected_count"].format(count=10))
            first = words["round.named"].format(round=1, kind=words["round.kind.first"])
            tie_break = words["round.named"].format(round=2, kind=words["round.kind.tie_break"])
            expect(page.locator("#selected h3.from-round")).to_have_text([first, tie_break])
            for round_number, numbers in ((1, list(range(1, 10))), (2, [11])):
                group = page.locator(f"#selected ol[data-round='{round_number}'] li .number")
                assert [int(n) for n in group.all_inner_texts()] == numbers
            bottoms = page.eval_on_selector_all(
                "#selected li", "items => items.map(e => e.getBoundingClientRect().bottom)"
            )
            assert max(bottoms) <= 1080, bottoms
            assert serious_violations(page) == []
            screenshot(page, f"hall-published-tie-break-{language}")
            if language == "zh":
                page.click("#lang-switch")


def test_the_home_page_follows_the_language_every_other_page_shows(browser: Browser, published: Published) -> None:
    context = browser.new_context(viewport=PHONE, locale="en-US")  # the browser asks for English
    try:
        page = context.new_page()
        lang = page.locator("html")
        page.goto(published.url + "/ballot")
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        expect(lang).to_have_attribute("lang", "zh-CN")  # Chinese first, English by the switch (DESIGN section 7)
        page.goto(published.url + "/")
        expect(lang).to_have_attribute("lang", "zh-CN")
        # The home page's switch (a plain link) chooses English: every page follows, the ballot page included.
        page.get_by_role("link", name="English").click()
        expect(lang).to_have_attribute("lang", "en")
        for path in ("/ballot", "/receipt", "/"):
            page.goto(published.url + path)
            expect(lang).to_have_attribute("lang", "en")
        # And back, from a front-end page's switch.
        page.goto(published.url + "/receipt")
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        page.click("#lang-switch")
        expect(lang).to_have_attribute("lang", "zh-CN")
        page.goto(published.url + "/")
        expect(lang).to_have_attribute("lang", "zh-CN")
        expect(page.get_by_role("link", name=re.compile("^English$"))).to_be_visible()
    finally:
        context.close()
