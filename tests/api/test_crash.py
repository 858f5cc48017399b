"""Nothing lost, nothing twice: a server killed mid-vote and restarted (DESIGN section 4, "nothing lost").

A real ``voting serve --workers 2`` takes ballots from several client threads,
each deputy with a code of their own.  Part-way through, the whole process
group (gunicorn's master and workers) is SIGKILLed, as a crash would stop it,
with requests in flight; the server is restarted on the same database, and the
clients retry every ballot they hold no receipt for, with the same idempotency
key.  Some responses are deliberately "lost" by the clients before the crash:
those ballots were committed, and their retry must be answered with the same
receipt, replayed.  The database must then hold every receipt handed out
exactly once, as many ballots as participation records, and one vote from
every deputy; the count through the API must agree.
"""

from __future__ import annotations

import random
import secrets
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlmodel import col, select

from tests.support.api import set_up
from tests.support.servers import Server, add_staff, login
from voting.domain.ballot_list import numbers_text
from voting.services.casting import parse_receipt
from voting.store.db import Database
from voting.store.models import Ballot, Participation

pytestmark = pytest.mark.slow  # real servers, killed and restarted

DEPUTIES = 120
CLIENTS = 6
KILL_AFTER = 45
"""Receipts handed out before the server is killed."""
RETRY_FOR = 30.0
PROJECTS = range(1, 13)  # the Gongshu template: 12 projects, 10 seats


@dataclass
class Plan:
    key: str
    approvals: list[int]


@dataclass
class Clients:
    """What the client threads sent and were answered, shared under a lock."""

    url: str
    codes: dict[int, str]
    plans: dict[int, Plan]
    answers: dict[int, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    """Deputy number -> the answer that gave the client its receipt."""
    lost: dict[int, str] = field(default_factory=dict)
    """Receipts the clients received before the crash and then dropped, as if the response never arrived."""
    unanswered: int = 0
    """Sends before the restart that got no answer (connection reset or refused)."""
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def receipts_so_far(self) -> int:
        with self.lock:
            return len(self.answers) + len(self.lost)

    def send(self, session: requests.Session, number: int) -> tuple[int, dict[str, Any]] | None:
        """One attempt; None when the server did not answer (it is down, or died during the request)."""
        plan = self.plans[number]
        body: dict[str, Any] = {"code": self.codes[number], "approvals": plan.approvals, "idempotency_key": plan.key}
        try:
            response = session.post(f"{self.url}/api/v1/ballots", json=body, timeout=30)
            return response.status_code, response.json()
        except (requests.RequestException, ValueError):
            # Refused, reset, or cut off mid-answer (ChunkedEncodingError, a truncated JSON body):
            # the server died around this request; the client cannot know whether it was recorded.
            return None


def client(clients: Clients, numbers: list[int], phase_one: threading.Barrier, restarted: threading.Event) -> None:
    session = requests.Session()
    pending: list[int] = []
    try:
        for number in numbers:
            answer = clients.send(session, number)
            if answer is None:
                with clients.lock:
                    clients.unanswered += 1
                pending.append(number)
                continue
            status, body = answer
            if status != 201:
                raise AssertionError(f"deputy {number} before the crash: {status} {body}")
            with clients.lock:
                if number % 10 == 0:
                    clients.lost[number] = body["receipt"]
                    pending.append(number)
                else:
                    clients.answers[number] = answer
        phase_one.wait(timeout=60)
        if not restarted.wait(timeout=60):
            raise AssertionError("the server was not restarted")
        for number in pending:
            deadline = time.monotonic() + RETRY_FOR
            while (answer := clients.send(session, number)) is None or answer[0] >= 500:
                if time.monotonic() > deadline:
                    raise AssertionError(f"deputy {number}: no answer after the restart: {answer}")
                time.sleep(0.05)
            if answer[0] not in (200, 201):
                raise AssertionError(f"deputy {number} after the restart: {answer}")
            with clients.lock:
                clients.answers[number] = answer
    except BaseException as exc:
        with clients.lock:
            clients.errors.append(repr(exc))
        phase_one.abort()


def test_a_killed_server_loses_no_ballot_and_counts_none_twice(
    cli_env: dict[str, str], tmp_path: Path, db: Database
) -> None:
    add_staff(cli_env, "clerk-crash", "clerk")
    server = Server(cli_env, tmp_path / "server.log", workers=2)
    try:
        server.start()
        clerk = login(server.url, "clerk-crash")
        sitting = set_up(clerk, size=DEPUTIES)
        everyone = range(1, DEPUTIES + 1)
        sitting.check_in(everyone)
        sitting.issue_codes(everyone)
        round_id = sitting.open_round()["id"]

        rng = random.Random(2020)
        plans = {n: Plan(secrets.token_hex(16), sorted(rng.sample(PROJECTS, rng.randint(1, 10)))) for n in everyone}
        clients = Clients(server.url, sitting.codes, plans)
        phase_one = threading.Barrier(CLIENTS + 1)
        restarted = threading.Event()
        shares = [list(everyone)[i::CLIENTS] for i in range(CLIENTS)]
        threads = [threading.Thread(target=client, args=(clients, s, phase_one, restarted)) for s in shares]
        for thread in threads:
            thread.start()

        # Crash part-way through, with requests in flight.
        deadline = time.monotonic() + 30
        while clients.receipts_so_far() < KILL_AFTER and not clients.errors:
            assert time.monotonic() < deadline, "the clients stalled before the crash"
            time.sleep(0.001)
        crashed = server.process
        server.kill()
        assert crashed is not None
        assert crashed.returncode == -signal.SIGKILL
        before_restart = clients.receipts_so_far()
        try:
            phase_one.wait(timeout=60)  # every client has tried its remaining ballots against the dead server
        except threading.BrokenBarrierError:
            raise AssertionError(f"a client failed before the restart: {clients.errors}") from None

        server.start()  # the same port, the same database
        assert server.process is not crashed
        restarted.set()
        for thread in threads:
            thread.join(timeout=90)
        assert not any(thread.is_alive() for thread in threads), "a client hung"
        assert not clients.errors, clients.errors

        # The crash really came part-way: some ballots got their receipt before it, some were left without.
        assert KILL_AFTER <= before_restart < DEPUTIES
        assert clients.unanswered > 0
        assert clients.lost

        # Every deputy holds a receipt; a ballot committed before the crash came back as the same receipt, replayed.
        assert sorted(clients.answers) == list(everyone)
        for number, receipt in clients.lost.items():
            replayed = {"receipt": receipt, "round_number": 1, "replayed": True, "training": False}
            assert clients.answers[number] == (200, replayed)
        for status, answer in clients.answers.values():
            assert answer["replayed"] is (status == 200)
        receipts = {number: parse_receipt(answer["receipt"]) for number, (_, answer) in clients.answers.items()}
        assert len(set(receipts.values())) == DEPUTIES

        # The database: each receipt once, with the marks its client sent; a participation record for each ballot.
        with db.read() as session:
            ballots = {b.receipt: b for b in session.exec(select(Ballot).where(col(Ballot.round_id) == round_id))}
            voted = session.exec(select(Participation.deputy_id).where(col(Participation.round_id) == round_id)).all()
        assert set(ballots) == set(receipts.values())
        for number, receipt in receipts.items():
            assert ballots[receipt].approvals == numbers_text(frozenset(plans[number].approvals)), number
            assert ballots[receipt].channel == "electronic"
        assert len(voted) == len(ballots) == DEPUTIES
        assert sorted(voted) == sorted(d["id"] for d in sitting.deputies)

        # Closed and counted through the API: the tally's cast count is the receipts handed out.
        result = sitting.close_and_count(round_id)["result"]
        assert result["ballots"]["cast"] == len(receipts)
        assert result["ballots"]["valid"] == len(receipts)
        expected = Counter(p for plan in plans.values() for p in plan.approvals)
        assert {p["number"]: p["approvals"] for p in result["projects"]} == {p: expected[p] for p in PROJECTS}
        replays = sum(1 for number, (status, _) in clients.answers.items() if status == 200 and number % 10)
        print(
            f"crash after {before_restart} receipts; {clients.unanswered} sends unanswered; {replays} in-flight replays"
        )
    finally:
        server.stop()
