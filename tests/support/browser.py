"""The browser's side of the UI tests: Debian's chromium, tabs that fail on script errors, axe, screenshots, the pages' catalogs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, ViewportSize

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STATIC = Path(__file__).resolve().parents[2] / "static"


def page_text(language: str, page: str) -> dict[str, str]:
    """What a page shows in this language: static/i18n/<language>/common.json and the page's own catalog."""
    data: dict[str, str] = {}
    for name in ("common", page):
        data.update(json.loads((STATIC / "i18n" / language / f"{name}.json").read_text("utf-8")))
    return data


def watch(tab: Page) -> list[str]:
    """Script errors and Content-Security-Policy refusals on a page: there must be none."""
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on(
        "console",
        lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return problems


@contextmanager
def tab(browser: Browser, width: int, height: int) -> Iterator[Page]:
    """A fresh browser tab of this size that fails the test on any script error or CSP refusal."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    opened = context.new_page()
    problems = watch(opened)
    yield opened
    context.close()
    assert problems == []


SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
AXE = STATIC / "vendor" / "axe-core" / "axe.min.js"
PHONE: ViewportSize = {"width": 360, "height": 780}
DESKTOP: ViewportSize = {"width": 1366, "height": 900}


def screenshot(tab: Page, name: str) -> Path:
    """A full-page picture for a reviewer, in screenshots/ (named in the README), e.g. ``ballot-review-phone-zh``."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


def serious_violations(tab: Page) -> list[str]:
    """What axe-core (vendored) finds serious or critical on the page as it stands now, one line per element.

    Call it on each state of a page worth checking (the code entry, the ballot, the review, the receipt):
    axe sees only what is rendered.
    """
    if not tab.evaluate("() => typeof window.axe !== 'undefined'"):
        tab.evaluate(AXE.read_text("utf-8") + "\n;undefined")
    results: dict[str, Any] = tab.evaluate("async () => await window.axe.run(document, {resultTypes: ['violations']})")
    found: list[str] = []
    for violation in results["violations"]:
        if violation["impact"] in ("serious", "critical"):
            for node in violation["nodes"]:
                found.append(f"{violation['id']} ({violation['impact']}): {node['target']} {violation['help']}")
    return found


def no_horizontal_scroll(tab: Page) -> bool:
    """True when nothing sticks out sideways (the page must read at 360 px without scrolling across)."""
    return bool(tab.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"))
