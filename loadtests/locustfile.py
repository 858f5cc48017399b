"""Locust users of a sitting: deputies, hall screens, clerks, the public after publication.

Run by ``python -m loadtests.run`` (which sets the environment below); by hand:
``LOAD_PLAN=plan.json LOAD_USERS=Deputy,Screen locust -f loadtests/locustfile.py --headless ...``.

Environment:

- ``LOAD_PLAN``: the plan file written by ``Plan.save_all``: the sittings ``loadtests.sitting.set_up`` made
  (codes, ids, tokens), one per body (one but in the bodies scenario);
- ``LOAD_HOSTS``: the hosts' addresses, comma-separated (default: ``--host``); user ``i`` of a class talks
  to host ``i mod N`` and belongs to body ``(i div N) mod B``, so that every body is voted on every host;
- ``LOAD_USERS``: the user classes of this run, comma-separated;
- ``LOAD_RATE``: ballots per second over the whole hall (the surge's window);
- ``LOAD_ROUND``: the round number the deputies vote in (1, or 2 in the tie-break of the flow);
- ``LOAD_OUT``: where each Locust process appends the receipts its deputies got (``receipts-<pid>.jsonl``);
- ``LOAD_PROCESSES``: how many Locust worker processes share the codes (distributed mode).

A deputy is a phone: it opens the ballot (``POST /api/v1/ballot``), casts
(``POST /api/v1/ballots``) with an idempotency key of its own, and on a
dropped connection or a 5xx sends the same submission again, as the ballot
page does; whatever it gets is a failure in the statistics, a receipt is kept.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import secrets
import time
from pathlib import Path
from typing import Any, ClassVar, NoReturn

import gevent
from locust import FastHttpUser, between, constant, events, task
from locust.env import Environment
from locust.exception import StopUser
from locust.runners import LocalRunner, WorkerRunner

from loadtests.sitting import Plan, approvals_for

HEADERS = {"Accept-Language": "zh"}
JSON_HEADERS = {**HEADERS, "Content-Type": "application/json"}


class Shared:
    """What every user of this Locust process shares: the plans, its share of the codes, the receipts file."""

    plans: ClassVar[list[Plan]] = []
    """One sitting per body (one in every scenario but ``bodies``)."""
    codes: ClassVar[list[list[tuple[str, str]]]] = []
    """Per body, (code, the cast's JSON body), made before the run so that the load generator's
    CPU, which shares the machine with the server, goes on sending rather than on encoding."""
    next_code: ClassVar[list[itertools.count[int]]] = []
    receipts: ClassVar[Any] = None
    round_number: ClassVar[int] = 1
    finished: ClassVar[dict[str, int]] = {}
    started: ClassVar[dict[str, itertools.count[int]]] = {}
    """Per user class, how many users of it this process has made: each new one's index."""

    @classmethod
    def take(cls, body: int) -> tuple[str, str] | None:
        i = next(cls.next_code[body])
        codes = cls.codes[body]
        return codes[i] if i < len(codes) else None


class OnHost(FastHttpUser):
    """A user of one host and one body: user ``i`` of its class talks to host ``i mod N``, in body ``(i div N) mod B``.

    ``FastHttpUser`` makes its client for ``self.host`` when it is made, so the host is chosen before that.
    """

    abstract = True
    body = 0
    """Which of ``Shared.plans`` this user's sitting is."""

    def __init__(self, environment: Environment) -> None:
        hosts = [url for url in os.environ.get("LOAD_HOSTS", "").split(",") if url]
        index = next(Shared.started.setdefault(type(self).__name__, itertools.count()))
        if hosts:
            self.host = hosts[index % len(hosts)]
        self.body = index // max(1, len(hosts)) % max(1, len(Shared.plans))
        super().__init__(environment)

    @property
    def plan(self) -> Plan:
        assert Shared.plans, "LOAD_PLAN is not set"
        return Shared.plans[self.body]


@events.init.add_listener  # type: ignore[untyped-decorator]
def _on_init(environment: Environment, **_kwargs: Any) -> None:
    plan_file = os.environ.get("LOAD_PLAN")
    if not plan_file:
        return
    Shared.plans = Plan.load_all(Path(plan_file))
    Shared.round_number = int(os.environ.get("LOAD_ROUND", "1"))
    processes = int(os.environ.get("LOAD_PROCESSES", "1"))
    index = environment.runner.worker_index if isinstance(environment.runner, WorkerRunner) else 0
    Shared.codes = [
        [(code, _cast_body(plan, i, code)) for i, code in enumerate(plan.codes) if i % processes == index % processes]
        for plan in Shared.plans
    ]
    Shared.next_code = [itertools.count() for _plan in Shared.plans]
    out = os.environ.get("LOAD_OUT")
    if out:
        # Kept open for the life of the process, written through at the end (``_close_receipts``).
        Shared.receipts = Path(out, f"receipts-{os.getpid()}.jsonl").open("a", encoding="utf-8")  # noqa: SIM115


def _cast_body(plan: Plan, index: int, code: str) -> str:
    """Deputy ``index``'s ballot, with an idempotency key of its own: what the ballot page sends."""
    approvals = approvals_for(plan, index, Shared.round_number)
    return json.dumps({"code": code, "approvals": approvals, "idempotency_key": secrets.token_hex(16)})


@events.quitting.add_listener  # type: ignore[untyped-decorator]
def _close_receipts(**_kwargs: Any) -> None:
    if Shared.receipts is not None:
        Shared.receipts.close()
        Shared.receipts = None


def _finished(user: FastHttpUser) -> NoReturn:
    """This user has nothing left to do; once every user of its class has finished, end the run early.

    Only a local (or master-less) runner ends itself: in distributed mode the
    master's ``--run-time`` bounds the run.
    """
    name = type(user).__name__
    Shared.finished[name] = Shared.finished.get(name, 0) + 1
    runner = user.environment.runner
    # All of them: the number the run starts (fixed_count), not the number spawned so far.
    expected = type(user).fixed_count or (runner.user_classes_count.get(name, 0) if runner else 0)
    if isinstance(runner, LocalRunner) and Shared.finished[name] >= expected:
        gevent.spawn_later(2.0, runner.quit)  # after the CSV writer's next pass (once a second)
    raise StopUser()


class Deputy(OnHost):
    """Deputies in the hall: each iteration is one deputy's phone, from opening the ballot to the receipt.

    Paced so that the hall as a whole casts ``LOAD_RATE`` ballots a second;
    with no rate, as fast as the server answers (the sustained throughput).
    """

    open_ballot = True

    def wait_time(self) -> float:
        rate = float(os.environ.get("LOAD_RATE", "0")) / int(os.environ.get("LOAD_PROCESSES", "1"))
        if rate <= 0:
            return 0.0
        return max(0.0, self._deputies() / rate - self._last)

    def _deputies(self) -> int:
        """How many users of this class share the rate (not the screens or clerks running beside them)."""
        runner = self.environment.runner
        counted = runner.user_classes_count.get(type(self).__name__, 0) if runner else 0
        return max(1, type(self).fixed_count or counted)

    def on_start(self) -> None:
        self._last = 0.0
        rate = float(os.environ.get("LOAD_RATE", "0")) / int(os.environ.get("LOAD_PROCESSES", "1"))
        if rate > 0 and self.environment.runner:
            # Spread the first ballots over one pacing interval instead of all at once.
            time.sleep(random.uniform(0, self._deputies() / rate))

    @task
    def vote(self) -> None:
        taken = Shared.take(self.body)
        if taken is None:
            _finished(self)
        code, cast_body = taken
        started = time.perf_counter()
        prefix = self.plan.prefix
        if self.open_ballot:
            self._send("open ballot", f"{prefix}/api/v1/ballot", json.dumps({"code": code}))
        answer = self._send("cast", f"{prefix}/api/v1/ballots", cast_body)
        if answer is not None and Shared.receipts is not None:
            line = {"receipt": answer["receipt"], "round": answer["round_number"], "t": time.time(), "body": prefix}
            Shared.receipts.write(json.dumps(line) + "\n")
        self._last = time.perf_counter() - started

    def _send(self, name: str, path: str, body: str) -> dict[str, Any] | None:
        """POST as the ballot page does: a dropped connection or a 5xx is sent again, the same body, up to 5 times.

        Every attempt that did not succeed is a failure in the statistics.
        """
        for _attempt in range(5):
            with self.client.post(path, data=body, headers=JSON_HEADERS, name=name, catch_response=True) as response:
                if response.status_code in (200, 201):
                    answer: dict[str, Any] = response.json()
                    return answer
                response.failure(f"{response.status_code} {(response.text or '')[:200]}")
                if 400 <= (response.status_code or 0) < 500:
                    return None  # refused: a retry would be refused too
            time.sleep(0.2)
        return None


class SustainedDeputy(Deputy):
    """The cast alone, back to back: what the server sustains (compared with ``Health``)."""

    open_ballot = False


class Screen(OnHost):
    """A hall screen (大屏) or a results page following turnout: one request a second, the two in turn.

    The hall page (static/js/hall.js) polls ``/votes/{id}/hall`` every 2 s;
    here each screen also reads ``/rounds/{id}/turnout`` every 2 s in between,
    as a console or results page following turnout would: twice the hall
    page's own load.
    """

    wait_time = constant(1)

    def on_start(self) -> None:
        self._hall = random.random() < 0.5  # screens out of step, as real ones are

    @task
    def poll(self) -> None:
        plan = self.plan
        if self._hall:
            self.client.get(f"{plan.prefix}/api/v1/votes/{plan.vote_id}/hall", headers=HEADERS, name="hall screen")
        else:
            self.client.get(f"{plan.prefix}/api/v1/rounds/{plan.round_id}/turnout", headers=HEADERS, name="turnout")
        self._hall = not self._hall


class Clerk(OnHost):
    """A clerk at work during the surge: late check-ins, paper ballots entered twice, the lists, the log's export."""

    wait_time = between(0.5, 1.5)
    fixed_count = 2
    batches: ClassVar[itertools.count[int]] = itertools.count(1)

    def _auth(self, token: str) -> dict[str, str]:
        return {**HEADERS, "Authorization": f"Bearer {token}"}

    @task(3)
    def late_check_in(self) -> None:
        plan = self.plan
        if not plan.spare:
            return
        number, deputy_id = plan.spare.pop()
        self.client.put(
            f"/api/v1/meetings/{plan.meeting_id}/deputies/{deputy_id}/attendance",
            json={"checked_in": True},
            headers=self._auth(plan.clerk_token),
            name="check in",
        )
        # A deputy who arrives late votes on paper: issued, then entered by two clerks and accepted.
        self.client.post(
            f"/api/v1/rounds/{plan.round_id}/paper",
            json={"deputies": [number]},
            headers=self._auth(plan.clerk_token),
            name="issue paper",
        )
        batch = f"L{next(self.batches)}"
        ballots = [{"approvals": approvals_for(plan, number, 1)}]
        for entry, token in ((1, plan.clerk_token), (2, plan.clerk2_token)):
            self.client.put(
                f"/api/v1/rounds/{plan.round_id}/paper-batches/{batch}/entries/{entry}",
                json={"ballots": ballots},
                headers=self._auth(token),
                name="paper entry",
            )
        self.client.post(
            f"/api/v1/rounds/{plan.round_id}/paper-batches/{batch}/accept",
            headers=self._auth(plan.clerk_token),
            name="paper accept",
        )

    @task(2)
    def lists(self) -> None:
        plan = self.plan
        self.client.get(
            f"/api/v1/rounds/{plan.round_id}/not-voted", headers=self._auth(plan.clerk_token), name="not voted"
        )
        self.client.get(f"/api/v1/rounds/{plan.round_id}", headers=self._auth(plan.clerk_token), name="round")

    @task(1)
    def exports(self) -> None:
        plan = self.plan
        self.client.get("/api/v1/audit/verify", headers=self._auth(plan.clerk_token), name="audit verify")
        # The bundle and the tally sheets wait for the close and the publication; the log can be taken any time.
        self.client.get("/api/v1/audit/export", headers=self._auth(plan.clerk_token), name="audit export")
        self.client.get(
            f"/api/v1/meetings/{plan.meeting_id}/deputies", headers=self._auth(plan.clerk_token), name="roster"
        )


class Public(OnHost):
    """After publication: a deputy's phone or a screen fetches the result, and the deputy checks a receipt."""

    wait_time = constant(0)
    receipts: ClassVar[list[str]] = []

    def on_start(self) -> None:
        if not Public.receipts and os.environ.get("LOAD_RECEIPTS"):
            Public.receipts = Path(os.environ["LOAD_RECEIPTS"]).read_text("utf-8").split()

    @task
    def result(self) -> None:
        plan = self.plan
        self.client.get(f"{plan.prefix}/api/v1/votes/{plan.vote_id}/result", headers=HEADERS, name="result")
        if Public.receipts:
            receipt = random.choice(Public.receipts)
            self.client.get(f"{plan.prefix}/api/v1/receipts/{receipt}", headers=HEADERS, name="receipt check")
        _finished(self)


class PublicHealth(OnHost):
    """The publication spike's yardstick: the same clients in the same second, each asking ``/healthz`` twice.

    What the machine (server and Locust on the same cores) can answer at all in that shape: the
    spike's p99 is read beside this one's, taken in the same run.
    """

    wait_time = constant(0)

    @task
    def twice(self) -> None:
        self.client.get("/healthz", headers=HEADERS, name="healthz (1st)")
        self.client.get("/healthz", headers=HEADERS, name="healthz (2nd)")
        _finished(self)


class Health(OnHost):
    """The yardstick: ``GET /healthz``, back to back, under the same server settings."""

    wait_time = constant(0)

    @task
    def health(self) -> None:
        self.client.get("/healthz", name="healthz")


# How many users of each class this run starts: ``LOAD_<CLASS>_USERS`` (set by loadtests.run).
for _user in (Deputy, SustainedDeputy, Screen, Clerk, Public, PublicHealth, Health):
    _count = os.environ.get(f"LOAD_{_user.__name__.upper()}_USERS")
    if _count is not None:
        _user.fixed_count = int(_count)
