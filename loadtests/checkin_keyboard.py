"""The keyboard check-in of a whole hall, timed in a real browser (issue 14; docs/performance.md).

Run as ``.venv/bin/python -m loadtests.checkin_keyboard [--deputies 230] [--key-delay-ms 0] [--db sqlite]``.
It starts ``voting serve`` with its production settings on a fresh database
(``loadtests.stack.serving``), imports a roster of N deputies into two meetings,
and prints, one figure a line:

- the yardstick: N plain check-ins through the API (``PUT .../attendance``),
  one after another on one keep-alive connection, on the second meeting;
- the keyboard path on the first meeting, in Debian's Chromium through
  Playwright: the console's check-in screen, the quick field focused once,
  then for each deputy only the keys a clerk presses (the seat number, Enter),
  waiting each time for the spoken confirmation of that deputy; from the first
  key to the last confirmation.  ``--key-delay-ms`` types each key that much
  apart, to model a clerk's hands; 0 measures what the page and server add;
- the height of the check-in screen afterwards, in pixels (one page of the
  roster, not the whole hall).

A benchmark, not a test: it exits 0 whatever the figures, non-zero only if a
check-in is missing at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from loadtests.report import Options
from loadtests.sitting import Client, login
from loadtests.stack import PASSWORD, serving
from voting.services.demo import demo_roster

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]
TARGET_SECONDS = 300.0
"""Issue 14: one clerk checks 230 deputies in within 5 minutes."""
CATALOG = Path(__file__).resolve().parents[1] / "static" / "i18n" / "zh" / "console.json"


def meeting_with_roster(clerk: Client, size: int, name: str) -> tuple[int, int]:
    """A meeting with a roster of ``size`` and a vote from the template: (meeting id, vote id)."""
    meeting = clerk.post("/api/v1/meetings", {"name_zh": name, "date": "2020-01-18"})
    lines = ["编号,姓名,代表团"] + [f"{n},{who},{group}" for n, who, group in demo_roster(size)]
    roster = ("\n".join(lines) + "\n").encode("utf-8")
    clerk.send("POST", f"/api/v1/meetings/{meeting['id']}/roster", files={"file": ("roster.csv", roster)})
    vote = clerk.post("/api/v1/votes/from-template", {"meeting_id": meeting["id"]})
    return meeting["id"], vote["id"]


def api_check_ins(clerk: Client, meeting_id: int) -> float:
    deputies = clerk.get(f"/api/v1/meetings/{meeting_id}/deputies")
    start = time.perf_counter()
    for deputy in deputies:
        clerk.put(f"/api/v1/meetings/{meeting_id}/deputies/{deputy['id']}/attendance", {"checked_in": True})
    return time.perf_counter() - start


def keyboard_check_ins(url: str, vote_id: int, size: int, key_delay_ms: float) -> tuple[float, float]:
    """(seconds from the first key to the last confirmation, height of the screen in px)."""
    said_template = json.loads(CATALOG.read_text("utf-8"))["checkin.done_in"]
    prefix = said_template.split("{who}")[0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
        page.goto(f"{url}/console")
        expect(page.locator("#login")).to_be_visible()
        page.fill("#login-name", "load-clerk")
        page.fill("#login-password", PASSWORD)
        page.click("#login-submit")
        page.locator(f"button[data-vote='{vote_id}']").click()
        expect(page.locator("body")).to_have_attribute("data-screen", "round")
        page.click("#nav [data-screen='checkin']")
        expect(page.locator("#checkin-quick")).to_be_visible()
        page.focus("#checkin-quick")
        said = page.locator("#checkin-said")
        start = time.perf_counter()
        for number in range(1, size + 1):
            page.keyboard.type(str(number), delay=key_delay_ms)
            page.keyboard.press("Enter", delay=key_delay_ms)
            expect(said).to_contain_text(f"{prefix}{number} 号", timeout=30_000)
            expect(said).to_contain_text(f"{number} 人")
        elapsed = time.perf_counter() - start
        height = float(page.evaluate("() => document.documentElement.scrollHeight"))
        browser.close()
    return elapsed, height


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deputies", type=int, default=230)
    parser.add_argument("--key-delay-ms", type=float, default=0.0)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        with serving(Options("checkin", db=args.db), directory, directory / "server.log") as stack:
            clerk = login(stack.url, "load-clerk", PASSWORD)
            by_keyboard, _ = meeting_with_roster(clerk, args.deputies, "键盘报到")
            by_api, _ = meeting_with_roster(clerk, args.deputies, "接口报到")
            vote_id = clerk.get("/api/v1/votes")[0]["id"]
            yardstick = api_check_ins(clerk, by_api)
            elapsed, height = keyboard_check_ins(stack.url, vote_id, args.deputies, args.key_delay_ms)
            present = clerk.get(f"/api/v1/meetings/{by_keyboard}")["present"]
    n = args.deputies
    print(f"deputies: {n}; key delay: {args.key_delay_ms:g} ms; database: {args.db}")
    print(f"yardstick, {n} API check-ins one after another: {yardstick:.2f} s ({1000 * yardstick / n:.1f} ms each)")
    print(f"keyboard check-in of {n} deputies in the browser: {elapsed:.2f} s ({1000 * elapsed / n:.1f} ms each)")
    print(f"ratio keyboard / API: {elapsed / yardstick:.2f}; target for one clerk: {TARGET_SECONDS:.0f} s")
    print(f"check-in screen height afterwards: {height:.0f} px")
    print(f"checked in: {present} of {n}")
    return 0 if present == n else 1


if __name__ == "__main__":
    sys.exit(main())
