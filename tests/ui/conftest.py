"""Browser tests: Debian's chromium, driven by the playwright pip package, against a real ``voting serve``.

``scripts/setup.sh --test`` installs both; the browser is never downloaded
(no ``playwright install``): the tests launch /usr/bin/chromium.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from tests.api.servers import Http, add_staff, login, serving
from tests.api.support import Sitting, set_up

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
SERVER_CATALOGS = Path(__file__).resolve().parents[2] / "voting" / "web" / "catalogs"
DEPUTIES = 6


def page_text(language: str, page: str) -> dict[str, str]:
    """What a page shows in this language: static/i18n/<language>/common.json and the page's own catalog."""
    data: dict[str, str] = {}
    for name in ("common", page):
        data.update(json.loads((STATIC / "i18n" / language / f"{name}.json").read_text("utf-8")))
    return data


def server_text(language: str) -> dict[str, str]:
    """The API's catalog, which words its error messages."""
    data: dict[str, str] = json.loads((SERVER_CATALOGS / f"{language}.json").read_text("utf-8"))
    return data


@dataclass
class Hall:
    """A running server with a vote whose first round is open and codes issued to deputies 1-3."""

    url: str
    sitting: Sitting
    round: dict[str, Any]

    def code(self, number: int) -> str:
        return self.sitting.codes[number]

    def turnout(self) -> dict[str, Any]:
        answer: dict[str, Any] = Http(self.url).get(f"/api/v1/rounds/{self.round['id']}/turnout")
        return answer


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def hall(cli_env: dict[str, str], tmp_path: Path) -> Iterator[Hall]:
    add_staff(cli_env, "clerk-ui", "clerk")
    with serving(cli_env, tmp_path, workers=1) as server:
        clerk = login(server.url, "clerk-ui")
        sitting = set_up(clerk, size=DEPUTIES)
        sitting.check_in(range(1, DEPUTIES + 1))
        sitting.issue_codes([1, 2, 3])
        opened = sitting.open_round()
        yield Hall(server.url, sitting, opened)


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


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with tab(browser, 1024, 900) as opened:
        yield opened


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


# --- a published vote for the results page, the receipt check and the "same numbers" test -------------

PUBLISHED_TRAINING_VOTE: dict[str, Any] = {
    "title_zh": "2021年民生实事项目票决演练",
    "title_en": "2021 livelihood projects vote (training)",
    "training": True,
    "rules": {"seats": 3, "ballot_style": "approve_oppose_abstain"},
    "candidates": [
        {"number": n, "title_zh": f"第{n}项演练候选项目", "title_en": f"Training candidate {n}"} for n in range(1, 7)
    ],
}
"""Six projects, three seats, approve / oppose / abstain; with a roster of six the threshold is 4 approvals."""


@dataclass(frozen=True)
class CastBallot:
    """One electronic ballot as a deputy cast it, with the receipt the API gave."""

    vote_id: int
    round_number: int
    receipt: str
    approvals: tuple[int, ...]
    opposes: tuple[int, ...] = ()
    abstains: tuple[int, ...] = ()


@dataclass(frozen=True)
class Published:
    """A running server with three votes (set up through the API, as clerks and deputies do):

    - ``tie_vote``: the Gongshu template, 10 deputies.  Round 1: projects 1-8 approved by all, {9,10} by
      deputies 1-4, {9,11} by 5-8, {10,11} by 9-10: 9 has 8, 10 and 11 tie at 6 for the last seat.  Round 2
      (tie-break between 10 and 11, one seat): deputies 1-6 approve 11 and 7 approves 10 electronically;
      8-10 vote on paper: one for 10, one for 11, one approving both (invalid).  11 wins with 7.  Published.
    - ``training_vote``: a training vote (演练) with approve / oppose / abstain ballots, published.
    - ``unpublished_vote``: the Gongshu template, counted but not published.
    """

    url: str
    clerk: Http
    tie_vote: int
    training_vote: int
    unpublished_vote: int
    ballots: list[CastBallot]
    unpublished_receipt: str


def _published_env(database_url: str, instance: Path) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("VOTING_")}
    env.update(VOTING_DATABASE_URL=database_url, VOTING_INSTANCE_PATH=str(instance))
    return env


def _cast(
    deputy: Http, sitting: Sitting, vote_id: int, round_number: int, number: int, marks: tuple[set[int], ...]
) -> CastBallot:
    import secrets

    approvals, opposes, abstains = (sorted(m) for m in (*marks, set(), set())[:3])
    body = {
        "code": sitting.codes[number],
        "approvals": approvals,
        "opposes": opposes,
        "abstains": abstains,
        "idempotency_key": secrets.token_hex(8),
    }
    answer = deputy.post("/api/v1/ballots", body, 201)
    return CastBallot(vote_id, round_number, answer["receipt"], tuple(approvals), tuple(opposes), tuple(abstains))


@pytest.fixture(scope="session")
def published(db_kind: str, _template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    from tests.conftest import fresh_database

    base = tmp_path_factory.mktemp("published")
    with fresh_database(db_kind, _template, base) as url:
        env = _published_env(url, base / "instance")
        add_staff(env, "clerk-pub", "clerk")
        add_staff(env, "clerk-pub2", "clerk")
        with serving(env, base, workers=1) as server:
            clerk = login(server.url, "clerk-pub")
            clerk2 = login(server.url, "clerk-pub2")
            deputy = Http(server.url)
            ballots: list[CastBallot] = []

            tie = set_up(clerk, size=10)
            tie.check_in(range(1, 11))
            tie.issue_codes(range(1, 11))
            first = tie.open_round()
            for number in range(1, 11):
                extra = {9, 10} if number <= 4 else ({9, 11} if number <= 8 else {10, 11})
                ballots.append(_cast(deputy, tie, tie.vote_id, 1, number, (set(range(1, 9)) | extra,)))
            assert tie.close_and_count(first["id"])["result"]["runoff"]["reason"] == "tie"
            second = tie.open_round()
            for number in range(1, 8):
                ballots.append(_cast(deputy, tie, tie.vote_id, 2, number, ({11} if number <= 6 else {10},)))
            assert clerk.post(f"/api/v1/rounds/{second['id']}/paper", {"deputies": [8, 9, 10]}) == {"issued": 3}
            batch = {"ballots": [{"approvals": [10]}, {"approvals": [11]}, {"approvals": [10, 11]}]}
            clerk.put(f"/api/v1/rounds/{second['id']}/paper-batches/A/entries/1", batch)
            assert clerk2.put(f"/api/v1/rounds/{second['id']}/paper-batches/A/entries/2", batch)["differences"] == []
            clerk.post(f"/api/v1/rounds/{second['id']}/paper-batches/A/accept")
            assert tie.close_and_count(second["id"])["result"]["selected"] == [11]
            clerk.post(f"/api/v1/votes/{tie.vote_id}/publish")

            # The training vote: 1-3 approved by all six; 4 opposed by 1-3, abstained on by 4-5, unmarked by 6.
            training = set_up(clerk, size=6, template=False, vote=PUBLISHED_TRAINING_VOTE)
            training.check_in(range(1, 7))
            training.issue_codes(range(1, 7))
            round_id = training.open_round()["id"]
            for number in range(1, 7):
                oppose = {4} if number <= 3 else set()
                abstain = {4} if number in (4, 5) else set()
                marks = ({1, 2, 3}, oppose | ({5} if number % 2 else set()), abstain | {6})
                ballots.append(_cast(deputy, training, training.vote_id, 1, number, marks))
            training.close_and_count(round_id)
            clerk.post(f"/api/v1/votes/{training.vote_id}/publish")

            hidden = set_up(clerk, size=4)
            hidden.check_in(range(1, 5))
            hidden.issue_codes(range(1, 5))
            round_id = hidden.open_round()["id"]
            secret = _cast(deputy, hidden, hidden.vote_id, 1, 1, (set(range(1, 11)),))
            for number in (2, 3, 4):
                _cast(deputy, hidden, hidden.vote_id, 1, number, (set(range(1, 11)),))
            hidden.close_and_count(round_id)

            votes = (tie.vote_id, training.vote_id, hidden.vote_id)
            yield Published(server.url, clerk, *votes, ballots, secret.receipt)
