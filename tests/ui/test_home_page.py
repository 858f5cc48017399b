"""The home page a newcomer lands on after ``make run``: server-rendered, worded through Flask-Babel, Chinese first.

Also the one test that the machine can draw Chinese at all: without a CJK font
(Debian's fonts-noto-cjk, installed by scripts/setup.sh) Chromium draws every
Chinese character as the same empty box, and every page would look fine to a
test that only reads the DOM.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.support.browser import DESKTOP, PHONE, no_horizontal_scroll, screenshot, serious_violations, tab
from tests.support.cli import VOTING
from tests.support.servers import Server, serving


@pytest.fixture
def demo(cli_env: dict[str, str], tmp_path: Path) -> Iterator[Server]:
    """A server on the Gongshu 2020 demo, as ``make run`` leaves it."""
    done = subprocess.run([VOTING, "demo"], env=cli_env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with serving(cli_env, tmp_path, workers=1) as server:
        yield server


DISTINCT_GLYPHS = """(text) => {
  // Draw each character in the page's own font; with no CJK font they all come out as one and the same box.
  const font = getComputedStyle(document.body).font;
  return [...text].map((character) => {
    const canvas = document.createElement("canvas");
    canvas.width = 64;
    canvas.height = 64;
    const context = canvas.getContext("2d");
    context.font = font.replace(/\\d+(\\.\\d+)?px/, "48px");
    context.fillText(character, 4, 52);
    const pixels = context.getImageData(0, 0, 64, 64).data;
    let ink = 0;
    let signature = 0;
    for (let index = 3; index < pixels.length; index += 4) {
      if (pixels[index] > 0) {
        ink += 1;
        signature = (signature * 31 + index) % 1000000007;
      }
    }
    return `${ink}:${signature}`;
  });
}"""


def test_the_home_page_in_chinese_then_english_with_the_choice_kept(browser: Browser, demo: Server) -> None:
    with tab(browser, **DESKTOP) as page:
        page.goto(demo.url + "/")
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        assert page.locator("h1").inner_text() == "民生实事项目人大代表票决"
        vote = page.locator("article.vote").first
        assert "2020年拱墅区政府民生实事项目票决" in vote.locator("h3").inner_text()
        assert "候选项目 12 项，应选 10 项" in vote.inner_text()
        assert page.get_by_role("link", name="我要投票").get_attribute("href") == "/ballot"
        assert (page.get_by_role("link", name="会场大屏").get_attribute("href") or "").startswith("/hall?vote=")
        assert serious_violations(page) == []
        screenshot(page, "home-desktop-zh")

        page.get_by_role("link", name="English").click()
        page.wait_for_url(demo.url + "/")
        assert page.locator("h1").inner_text() == "Deputies' vote on livelihood projects"
        assert "10 to choose from 12 candidate projects" in page.locator("article.vote").first.inner_text()
        page.reload()
        assert page.locator("html").get_attribute("lang") == "en"
        assert serious_violations(page) == []
        screenshot(page, "home-desktop-en")

        # The same cookie the front end's switch sets: the ballot page follows the choice.
        page.goto(demo.url + "/ballot")
        page.wait_for_selector("#code")
        # The page's script sets the language once its catalog is read: wait for it rather than read the static HTML.
        expect(page.locator("html")).to_have_attribute("lang", "en")


def test_the_home_page_on_a_phone_and_the_keyboard(browser: Browser, demo: Server) -> None:
    with tab(browser, **PHONE) as page:
        page.goto(demo.url + "/")
        assert no_horizontal_scroll(page)
        page.keyboard.press("Tab")
        first = page.evaluate("() => document.activeElement.textContent.trim()")
        assert first == "English"
        outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid"
        screenshot(page, "home-phone-zh")


def test_chinese_is_drawn_with_a_real_font(browser: Browser, demo: Server) -> None:
    with tab(browser, **DESKTOP) as page:
        page.goto(demo.url + "/")
        glyphs = page.evaluate(DISTINCT_GLYPHS, "票决民生")
        inked = [int(glyph.split(":")[0]) for glyph in glyphs]
        assert all(ink > 100 for ink in inked), glyphs
        assert len(set(glyphs)) == 4, f"every Chinese character drawn alike (no CJK font?): {glyphs}"


def test_the_api_docs_page_runs_with_no_inline_script(
    browser: Browser, cli_env: dict[str, str], tmp_path: Path
) -> None:
    """Swagger UI starts from a script file: the page's policy allows no inline script, and nothing is refused."""
    with serving(cli_env, tmp_path, workers=1) as server, tab(browser, DESKTOP["width"], DESKTOP["height"]) as page:
        answer = page.goto(f"{server.url}/api/docs")
        assert answer is not None
        policy = answer.headers["content-security-policy"]
        assert "script-src 'self';" in policy
        assert "unsafe-inline" not in policy
        page.locator(".swagger-ui .info .title").wait_for()
        assert page.locator(".opblock").count() > 20
        screenshot(page, "api-docs-desktop")
