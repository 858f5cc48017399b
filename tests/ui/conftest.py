"""Browser tests: Debian's chromium, driven by the playwright pip package, against a real ``voting serve``.

``scripts/setup.sh --test`` installs both; the browser is never downloaded
(no ``playwright install``): the tests launch /usr/bin/chromium.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.api import set_up
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, tab
from tests.support.databases import fresh_database
from tests.support.halls import PUBLISHED_TRAINING_VOTE, CastBallot, Hall, Published, cast, published_env
from tests.support.servers import Http, add_staff, login, serving

DEPUTIES = 6
"""The roster of the ``hall`` fixture's vote."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every browser test is slow (a Chromium and a real server), so ``make test-fast`` leaves this folder out."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.slow)


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


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with tab(browser, 1024, 900) as opened:
        yield opened


@pytest.fixture(scope="session")
def published(db_kind: str, _template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    base = tmp_path_factory.mktemp("published")
    with fresh_database(db_kind, _template, base) as url:
        env = published_env(url, base / "instance")
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
                ballots.append(cast(deputy, tie, tie.vote_id, 1, number, (set(range(1, 9)) | extra,)))
            assert tie.close_and_count(first["id"])["result"]["runoff"]["reason"] == "tie"
            second = tie.open_round()
            for number in range(1, 8):
                ballots.append(cast(deputy, tie, tie.vote_id, 2, number, ({11} if number <= 6 else {10},)))
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
                ballots.append(cast(deputy, training, training.vote_id, 1, number, marks))
            training.close_and_count(round_id)
            clerk.post(f"/api/v1/votes/{training.vote_id}/publish")

            hidden = set_up(clerk, size=4)
            hidden.check_in(range(1, 5))
            hidden.issue_codes(range(1, 5))
            round_id = hidden.open_round()["id"]
            secret = cast(deputy, hidden, hidden.vote_id, 1, 1, (set(range(1, 11)),))
            for number in (2, 3, 4):
                cast(deputy, hidden, hidden.vote_id, 1, number, (set(range(1, 11)),))
            hidden.close_and_count(round_id)

            votes = (tie.vote_id, training.vote_id, hidden.vote_id)
            yield Published(server.url, clerk, *votes, ballots, secret.receipt)
