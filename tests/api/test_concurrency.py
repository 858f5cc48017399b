"""One deputy, one ballot per round, under concurrency: in one process, across gunicorn workers, across servers.

Fifty threads wait at a barrier and then submit with the same voting code at
once.  With fifty different idempotency keys exactly one ballot is recorded
(one 201, forty-nine 409 already_voted); with one key, sent fifty times as a
client retrying on flaky Wi-Fi would, exactly one ballot is recorded and every
answer carries the same receipt (one 201, forty-nine 200 replayed).  A key
reused for a different ballot is refused and records nothing.  Every claim is
checked against the ballot and participation rows in the database.
"""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask

from tests.support.api import Api, Sitting, set_up
from tests.support.servers import Http, add_staff, login, round_rows, serving
from voting.services.casting import parse_receipt
from voting.store.db import Database
from voting.store.models import Ballot, Participation

THREADS = 50
Answer = tuple[int, dict[str, Any]]
Poster = Callable[[dict[str, Any]], Answer]
PosterFactory = Callable[[int], Poster]
"""Called in thread ``i`` before the barrier: how that thread sends a ballot (its own client or session)."""


def burst(make_poster: PosterFactory, bodies: list[dict[str, Any]]) -> list[Answer]:
    """Send each body from a thread of its own, all released together by a barrier; the answers in order."""
    barrier = threading.Barrier(len(bodies))
    answers: list[Answer | None] = [None] * len(bodies)
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            post = make_poster(index)
            barrier.wait(timeout=30)
            answers[index] = post(bodies[index])
        except BaseException as exc:
            failures.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a submission hung"
    assert not failures, failures
    done = [answer for answer in answers if answer is not None]
    assert len(done) == len(bodies)
    return done


def in_process(app: Flask) -> PosterFactory:
    """Each thread its own Flask test client (a test client is not thread-safe)."""

    def make(_index: int) -> Poster:
        client = app.test_client()

        def post(body: dict[str, Any]) -> Answer:
            response = client.post("/api/v1/ballots", json=body, headers={"Accept-Language": "en"})
            return response.status_code, response.get_json()

        return post

    return make


def over_http(*urls: str) -> PosterFactory:
    """Each thread its own requests session, to the servers in turn (thread i to server i mod n)."""

    def make(index: int) -> Poster:
        session = requests.Session()
        url = urls[index % len(urls)] + "/api/v1/ballots"

        def post(body: dict[str, Any]) -> Answer:
            response = session.post(url, json=body, headers={"Accept-Language": "en"}, timeout=60)
            return response.status_code, response.json()

        return post

    return make


@dataclass
class Target:
    """The open round and what the checks need to look at it in the database."""

    db: Database
    round_id: int
    codes: dict[int, str]
    deputy_ids: dict[int, int]
    """Deputy number -> deputy id."""


def stored(target: Target, receipt: str) -> Ballot | None:
    with target.db.read() as session:
        return session.get(Ballot, parse_receipt(receipt))


def participation(target: Target, number: int) -> Participation | None:
    with target.db.read() as session:
        return session.get(Participation, (target.round_id, target.deputy_ids[number]))


def body(code: str, approvals: list[int], key: str) -> dict[str, Any]:
    return {"code": code, "approvals": approvals, "idempotency_key": key}


def fifty_keys_one_ballot(target: Target, make_poster: PosterFactory, number: int) -> None:
    """Fifty different keys for one code at once: one 201, 49 x 409 already_voted, one ballot row."""
    before = round_rows(target.db, target.round_id)
    approvals = [1, 2, 3]
    bodies = [body(target.codes[number], approvals, f"k{i:02d}-{secrets.token_hex(8)}") for i in range(THREADS)]
    answers = burst(make_poster, bodies)

    assert Counter(status for status, _ in answers) == {201: 1, 409: THREADS - 1}, answers
    assert all(answer.get("code") == "already_voted" for status, answer in answers if status == 409), answers
    winner = next(i for i, (status, _) in enumerate(answers) if status == 201)
    receipt = answers[winner][1]
    assert receipt["replayed"] is False
    assert receipt["round_number"] == 1

    assert round_rows(target.db, target.round_id) == (before[0] + 1, before[1] + 1)
    ballot = stored(target, receipt["receipt"])
    assert ballot is not None
    assert (ballot.round_id, ballot.approvals, ballot.channel) == (target.round_id, "1 2 3", "electronic")
    done = participation(target, number)
    assert done is not None
    assert done.channel == "electronic"  # the stored word (voting.domain.Channel)

    # The winner's key still finds its ballot; a loser's key is still refused; nothing more is written.
    post = make_poster(0)
    again = post(bodies[winner])
    assert again == (200, {**receipt, "replayed": True})
    loser = (winner + 1) % THREADS
    refused = post(bodies[loser])
    assert (refused[0], refused[1].get("code")) == (409, "already_voted"), refused
    assert round_rows(target.db, target.round_id) == (before[0] + 1, before[1] + 1)


def one_key_one_receipt(target: Target, make_poster: PosterFactory, number: int) -> None:
    """One key sent fifty times at once: one 201, 49 x 200 replayed, all with the same receipt; one ballot row."""
    before = round_rows(target.db, target.round_id)
    key = secrets.token_hex(16)
    answers = burst(make_poster, [body(target.codes[number], [4, 5], key)] * THREADS)

    assert Counter(status for status, _ in answers) == {201: 1, 200: THREADS - 1}, answers
    assert len({answer.get("receipt") for _, answer in answers}) == 1, answers
    for status, answer in answers:
        assert answer["replayed"] is (status == 200)
        assert answer["round_number"] == 1

    assert round_rows(target.db, target.round_id) == (before[0] + 1, before[1] + 1)
    ballot = stored(target, answers[0][1]["receipt"])
    assert ballot is not None
    assert ballot.approvals == "4 5"
    assert participation(target, number) is not None


def reused_key_records_nothing(target: Target, make_poster: PosterFactory, first: int, second: int) -> None:
    """A key reused for a different ballot is refused (409 idempotency_key_reused) and changes nothing.

    Deputy ``first`` one after another; deputy ``second`` fifty at once, half
    with one ballot and half with another under the same key.
    """
    post = make_poster(0)
    key = secrets.token_hex(16)
    cast = post(body(target.codes[first], [1, 2], key))
    assert cast[0] == 201, cast
    before = round_rows(target.db, target.round_id)

    refused = post(body(target.codes[first], [3], key))
    assert refused[0] == 409, refused
    assert refused[1]["code"] == "idempotency_key_reused"
    assert round_rows(target.db, target.round_id) == before
    ballot = stored(target, cast[1]["receipt"])
    assert ballot is not None
    assert ballot.approvals == "1 2"
    # The first ballot's own retry is still answered with its receipt.
    assert post(body(target.codes[first], [1, 2], key)) == (200, {**cast[1], "replayed": True})

    key = secrets.token_hex(16)
    choices = [[6], [7, 8]]
    answers = burst(make_poster, [body(target.codes[second], choices[i % 2], key) for i in range(THREADS)])
    assert [status for status, _ in answers].count(201) == 1, answers
    winner = next(i for i, (status, _) in enumerate(answers) if status == 201)
    receipt = answers[winner][1]["receipt"]
    for i, (status, answer) in enumerate(answers):
        if i % 2 == winner % 2:
            assert (status, answer.get("receipt")) in {(201, receipt), (200, receipt)}, answer
        else:
            assert (status, answer.get("code")) == (409, "idempotency_key_reused"), answer
    assert round_rows(target.db, target.round_id) == (before[0] + 1, before[1] + 1)
    ballot = stored(target, receipt)
    assert ballot is not None
    assert ballot.approvals == " ".join(map(str, choices[winner % 2]))


# (a) In one process: the Flask app, fifty threads, fifty test clients.


@pytest.fixture
def local(clerk: Api, db: Database) -> Target:
    sitting = set_up(clerk, size=6)
    sitting.check_in(range(1, 7))
    sitting.issue_codes(range(1, 7))
    opened = sitting.open_round()
    return Target(db, opened["id"], sitting.codes, {d["number"]: d["id"] for d in sitting.deputies})


def test_fifty_keys_for_one_code_give_one_ballot_in_process(app: Flask, local: Target) -> None:
    fifty_keys_one_ballot(local, in_process(app), 1)
    fifty_keys_one_ballot(local, in_process(app), 2)


def test_one_key_sent_fifty_times_gives_one_receipt_in_process(app: Flask, local: Target) -> None:
    one_key_one_receipt(local, in_process(app), 1)
    one_key_one_receipt(local, in_process(app), 2)


def test_a_key_reused_for_another_ballot_records_nothing_in_process(app: Flask, local: Target) -> None:
    reused_key_records_nothing(local, in_process(app), 1, 2)


# (b) Several processes: gunicorn workers, and two servers sharing one database.


def remote_target(url: str, db: Database, env: dict[str, str]) -> Target:
    add_staff(env, "clerk-remote", "clerk")
    clerk: Http = login(url, "clerk-remote")
    sitting: Sitting = set_up(clerk, size=6)
    sitting.check_in(range(1, 7))
    sitting.issue_codes(range(1, 7))
    opened = sitting.open_round()
    return Target(db, opened["id"], sitting.codes, {d["number"]: d["id"] for d in sitting.deputies})


@pytest.fixture
def four_workers(cli_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    with serving(cli_env, tmp_path, workers=4) as server:
        yield server.url


@pytest.mark.slow  # real servers
def test_fifty_submissions_across_four_workers(four_workers: str, db: Database, cli_env: dict[str, str]) -> None:
    target = remote_target(four_workers, db, cli_env)
    fifty_keys_one_ballot(target, over_http(four_workers), 1)
    one_key_one_receipt(target, over_http(four_workers), 2)
    reused_key_records_nothing(target, over_http(four_workers), 3, 4)
    assert round_rows(db, target.round_id) == (4, 4)


@pytest.mark.slow  # real servers
def test_fifty_submissions_across_two_servers_on_one_database(
    cli_env: dict[str, str], tmp_path: Path, db: Database
) -> None:
    with (
        serving(cli_env, tmp_path, workers=2, name="left") as left,
        serving(cli_env, tmp_path, workers=2, name="right") as right,
    ):
        assert left.port != right.port
        target = remote_target(left.url, db, cli_env)
        both = over_http(left.url, right.url)
        fifty_keys_one_ballot(target, both, 1)
        one_key_one_receipt(target, both, 2)
        reused_key_records_nothing(target, both, 3, 4)
        assert round_rows(db, target.round_id) == (4, 4)
        # The clerk's view from the other server agrees with the database.
        turnout = Http(right.url).get(f"/api/v1/rounds/{target.round_id}/turnout")
        assert turnout["ballots_returned"] == 4
