"""Rehearsal (演练) against a running server: simulated deputies vote in a training vote through the REST API.

``voting rehearse`` and ``voting drill`` both drive a server through this
module, and through nothing else: a ``Client`` that logs in as a staff member
and speaks only to the URL it is given, and a ``Sitting``, the training vote it
set up (a meeting of simulated deputies, their check-in and voting codes, the
rounds).  Every request is bounded by a timeout; a cast that meets a broken
connection is sent again with the same idempotency key, so that it is never
counted twice (DESIGN section 4).  A ``Sitting`` speaks to a ``Transport``:
``Client`` over HTTP, or ``InProcessClient`` through the Flask application
itself, for a drill the server runs when a trainer asks from the console; the
same requests either way.  The hall is checked in, and given its voting
codes, in one request each (as a clerk prints a sheet of slips); every
ballot is cast on its own, through the deputies' cast path.

Nothing here creates, or touches, anything but a training vote: a vote
created here is asked for with ``training: true`` and checked to be one, and
an existing vote is used only after the server says it is a training vote
(``NotTraining`` otherwise).

``rehearse`` draws the ballots from a scenario's behaviour model exactly as
``voting simulate`` does for the first vote of a run with the same seed
(``voting.simulation.run``), so that a rehearsal's count is the simulator's.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import requests
from flask import Flask

from voting import localtime
from voting.simulation.models import round_ballots, spoil
from voting.simulation.run import _Block
from voting.simulation.scenario import Scenario

DEFAULT_URL = "http://127.0.0.1:8000"
TIMEOUT = 15.0
"""Seconds any one request may take."""
CAST_ATTEMPTS = 4
"""A cast meeting a connection error is sent this many times at most, always with the same key."""
GONGSHU_TEMPLATE = "gongshu-2020"

Say = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


class RehearsalError(Exception):
    """The rehearsal cannot go on; the message says why."""


class NotTraining(RehearsalError):
    """The vote is a live one (or the server did not make a training vote): refused."""


class ApiError(RehearsalError):
    """The server answered with an error."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        self.status = status
        self.code = body.get("code", "") if isinstance(body, dict) else ""
        message = body.get("message", "") if isinstance(body, dict) else str(body)[:200]
        super().__init__(f"{method} {path}: {status} {self.code} {message}".strip())


class Transport:
    """How a drill or a rehearsal reaches the API: one staff member's requests, by path under the server.

    Two implementations, one runner: ``Client`` speaks HTTP to a running
    server (``voting drill``, ``voting rehearse``); ``InProcessClient`` sends
    the same requests through the Flask application itself, for a drill that a
    trainer starts from the console (``POST /api/v1/drills/{name}/run``).  Both
    answer alike: the JSON (or text) of a success, ``ApiError`` for an error.
    """

    def request(self, method: str, path: str, body: Any = None, *, files: Any = None, retry: bool = False) -> Any:
        raise NotImplementedError

    def get(self, path: str) -> Any:
        return self.request("GET", path, retry=True)

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, body)

    def put(self, path: str, body: Any = None) -> Any:
        return self.request("PUT", path, body, retry=True)


def _answer(method: str, path: str, status: int, content_type: str, as_json: Callable[[], Any], text: str) -> Any:
    if status >= 400:
        try:
            answer = as_json()
        except ValueError:
            answer = text
        raise ApiError(method, path, status, answer)
    if content_type.startswith("application/json"):
        return as_json()
    return text


@dataclass
class Client(Transport):
    """A staff member's requests to one server over HTTP, with a bearer token."""

    url: str
    token: str | None = None
    timeout: float = TIMEOUT
    session: requests.Session = field(default_factory=requests.Session)

    def request(self, method: str, path: str, body: Any = None, *, files: Any = None, retry: bool = False) -> Any:
        """Send a request; ``retry`` sends it again after a connection error (only for idempotent requests)."""
        headers = {"Accept-Language": "en"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        attempts = CAST_ATTEMPTS if retry else 1
        for attempt in range(1, attempts + 1):
            try:
                response = self.session.request(
                    method,
                    self.url + path,
                    json=body if files is None else None,
                    files=files,
                    headers=headers,
                    timeout=self.timeout,
                )
                break
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt == attempts:
                    raise RehearsalError(f"{method} {path}: no answer from {self.url}: {exc}") from None
                time.sleep(0.2 * 2**attempt)
        content_type = response.headers.get("Content-Type", "")
        return _answer(method, path, response.status_code, content_type, response.json, response.text)


@dataclass
class InProcessClient(Transport):
    """A staff member's requests sent through a Flask application in this process (its test client).

    Each request is a whole request of its own, with its own transaction, as
    over HTTP: the same routes, schemas, checks and audit entries.  Used inside
    a request to the same application, the caller must hold no transaction
    while it runs (SQLite's writer lock is per connection).
    """

    app: Flask
    token: str
    language: str = "en"

    def request(self, method: str, path: str, body: Any = None, *, files: Any = None, retry: bool = False) -> Any:
        headers = {"Accept-Language": self.language, "Authorization": f"Bearer {self.token}"}
        client = self.app.test_client()
        if files is not None:
            data = {key: (io.BytesIO(content), name) for key, (name, content, *_) in files.items()}
            response = client.open(path, method=method, data=data, headers=headers, content_type="multipart/form-data")
        else:
            response = client.open(path, method=method, json=body, headers=headers)
        text = response.get_data(as_text=True)
        content_type = response.content_type or ""

        def as_json() -> Any:
            if not response.is_json:
                raise ValueError("not JSON")
            return response.get_json()

        return _answer(method, path, response.status_code, content_type, as_json, text)


def login(url: str, name: str, password: str) -> Client:
    """A client logged in as staff member ``name``."""
    client = Client(url.rstrip("/"))
    answer = client.post("/api/v1/auth/login", {"name": name, "password": password})
    client.token = answer["token"]
    return client


def roster_csv(size: int) -> bytes:
    """A roster of ``size`` simulated deputies, numbered from 1, in four delegations."""
    lines = ["编号,姓名,代表团"]
    lines += [f"{n},模拟代表{n:04d},演练第{(n - 1) * 4 // size + 1}代表团" for n in range(1, size + 1)]
    return ("\n".join(lines) + "\n").encode("utf-8")


@dataclass
class Sitting:
    """A training vote on the server and its simulated deputies, as a clerk (and a second clerk) runs it."""

    client: Transport
    meeting_id: int
    vote_id: int
    deputies: dict[int, int]
    """Deputy number -> deputy id."""
    say: Say = _quiet
    second: Transport | None = None
    """A second clerk, for the second entry of paper ballots (double entry)."""
    present: set[int] = field(default_factory=set)
    """The deputies checked in."""
    codes: dict[int, str] = field(default_factory=dict)
    batches: int = 0

    @property
    def vote_path(self) -> str:
        return f"/api/v1/votes/{self.vote_id}"

    def vote(self) -> dict[str, Any]:
        answer: dict[str, Any] = self.client.get(self.vote_path)
        return answer

    def _attend(self, numbers: Sequence[int], checked_in: bool) -> None:
        """One request for them all (a retry of it changes nothing more: those already so are left alone)."""
        if numbers:
            body = {"deputy_ids": [self.deputies[n] for n in numbers], "checked_in": checked_in}
            self.client.put(f"/api/v1/meetings/{self.meeting_id}/attendance", body)
        if checked_in:
            self.present.update(numbers)
        else:
            self.present.difference_update(numbers)

    def check_in(self, numbers: Iterable[int]) -> int:
        """Check these deputies in (those already in stay in)."""
        wanted = [n for n in numbers if n not in self.present]
        self._attend(wanted, True)
        return len(wanted)

    def attendance(self, numbers: Iterable[int]) -> int:
        """Exactly these deputies checked in: the others are checked out."""
        wanted = set(numbers)
        self._attend(sorted(self.present - wanted), False)
        self.check_in(sorted(wanted))
        return len(wanted)

    def issue_codes(self, numbers: Iterable[int]) -> int:
        """Voting codes for these deputies, in one request (as a clerk prints a sheet of slips)."""
        wanted = list(numbers)
        if wanted:
            body = {"deputy_ids": [self.deputies[n] for n in wanted]}
            for number, answer in zip(wanted, self.client.post(f"{self.vote_path}/codes/batch", body), strict=True):
                self.codes[number] = answer["code"]
        return len(wanted)

    def open_round(self) -> dict[str, Any]:
        answer: dict[str, Any] = self.client.post(f"{self.vote_path}/rounds")
        return answer

    def cast(self, number: int, approvals: Iterable[int]) -> dict[str, Any]:
        """Deputy ``number`` casts with their code; sent again with the same key after a connection error."""
        body = {
            "code": self.codes[number],
            "approvals": sorted(approvals),
            "idempotency_key": secrets.token_hex(12),
        }
        answer: dict[str, Any] = self.client.request("POST", "/api/v1/ballots", body, retry=True)
        return answer

    def issue_paper(self, round_id: int, numbers: Sequence[int] | None = None) -> int:
        body = {} if numbers is None else {"deputies": list(numbers)}
        issued: int = self.client.post(f"/api/v1/rounds/{round_id}/paper", body)["issued"]
        return issued

    def enter_paper(self, round_id: int, ballots: Sequence[Sequence[int]]) -> int:
        """One batch of paper ballots, entered by this clerk and the second, then accepted."""
        if self.second is None:
            raise RehearsalError("paper ballots are entered twice, by two clerks: give a second clerk (--second-user)")
        self.batches += 1
        batch = f"drill-{self.batches}"
        path = f"/api/v1/rounds/{round_id}/paper-batches/{batch}"
        body = {"ballots": [{"approvals": sorted(b)} for b in ballots]}
        self.client.put(f"{path}/entries/1", body)
        self.second.put(f"{path}/entries/2", body)
        accepted: int = self.client.post(f"{path}/accept")["ballots"]
        return accepted

    def close_and_count(self, round_id: int) -> dict[str, Any]:
        self.client.post(f"/api/v1/rounds/{round_id}/close", {"confirm": True})
        answer: dict[str, Any] = self.client.post(f"/api/v1/rounds/{round_id}/count")
        return answer

    def turnout(self, round_id: int) -> dict[str, Any]:
        answer: dict[str, Any] = self.client.get(f"/api/v1/rounds/{round_id}/turnout")
        return answer

    def result(self) -> dict[str, Any]:
        answer: dict[str, Any] = self.client.get(f"{self.vote_path}/result")
        return answer


def _training(vote: dict[str, Any]) -> None:
    if vote.get("training") is not True:
        raise NotTraining(
            f"vote {vote.get('id')} is a live vote, not a training vote (演练): rehearsals and drills never touch it"
        )


def create_sitting(
    client: Transport,
    *,
    title: str,
    deputies: int,
    template: str | None = GONGSHU_TEMPLATE,
    candidates: Sequence[str] = (),
    rules: dict[str, Any] | None = None,
    say: Say = _quiet,
    second: Transport | None = None,
) -> Sitting:
    """A meeting of ``deputies`` simulated deputies and a training vote on it: from the template, or as given."""
    # Dated on the sitting's clock, which the server names: at 07:00 in Beijing a UTC machine's date is yesterday.
    today = localtime.local(dt.datetime.now(dt.UTC), client.get("/api/v1/time-zone")["time_zone"]).date()
    meeting = client.post(
        "/api/v1/meetings",
        {"name_zh": f"演练：{title}", "name_en": f"Training: {title}", "date": today.isoformat()},
    )
    mid = meeting["id"]
    # The training vote first, so that the meeting holds one before anything else is recorded about it:
    # the audit log marks the roster's import and the check-ins as training too.
    if template is not None:
        vote = client.post("/api/v1/votes/from-template", {"meeting_id": mid, "template": template, "training": True})
    else:
        body = {
            "meeting_id": mid,
            "title_zh": f"演练：{title}",
            "title_en": f"Training: {title}",
            "training": True,
            "rules": rules or {"seats": 10},
            "candidates": [{"number": n, "title_zh": name} for n, name in enumerate(candidates, start=1)],
        }
        vote = client.post("/api/v1/votes", body)
    _training(vote)
    imported = client.request(
        "POST", f"/api/v1/meetings/{mid}/roster", files={"file": ("roster.csv", roster_csv(deputies), "text/csv")}
    )["imported"]
    roster = client.get(f"/api/v1/meetings/{mid}/deputies")
    say(
        f"meeting {mid}: {imported} simulated deputies; training vote {vote['id']} ({len(vote['candidates'])} projects)"
    )
    return Sitting(client, mid, vote["id"], {d["number"]: d["id"] for d in roster}, say=say, second=second)


def attach_sitting(client: Transport, vote_id: int, *, say: Say = _quiet, second: Transport | None = None) -> Sitting:
    """An existing training vote (made by a clerk in the console); a live vote is refused before anything is done."""
    vote = client.get(f"/api/v1/votes/{vote_id}")
    _training(vote)
    mid = vote["meeting_id"]
    live = [v["id"] for v in client.get("/api/v1/votes") if v["meeting_id"] == mid and v["training"] is not True]
    if live:
        # Attendance belongs to the meeting: checking simulated deputies in would change the live vote's counts.
        raise NotTraining(
            f"training vote {vote_id} shares meeting {mid} with live vote {live[0]}: a rehearsal would change "
            "the live vote's attendance; rehearse on a meeting of its own"
        )
    roster = client.get(f"/api/v1/meetings/{mid}/deputies")
    say(f"training vote {vote_id} on meeting {mid} ({len(roster)} deputies)")
    return Sitting(
        client,
        mid,
        vote_id,
        {d["number"]: d["id"] for d in roster},
        say=say,
        second=second,
        present={d["number"] for d in roster if d["checked_in"]},
    )


def describe(round_: dict[str, Any]) -> str:
    """One line on a counted round, as the hall would hear it in brief."""
    result = round_["result"]
    ballots = result["ballots"]
    line = (
        f"round {round_['number']} ({round_['kind']}): cast {ballots['cast']}, valid {ballots['valid']}, "
        f"invalid {ballots['invalid']} of {round_['ballots_issued']} issued"
    )
    if result["void"]:
        return line + "; VOID (more ballots returned than issued)"
    line += f"; selected {result['selected'] or '-'}"
    runoff = result["runoff"]
    if runoff:
        line += f"; next: {runoff['reason']} among {runoff['projects']} for {runoff['seats']} seat(s)"
    return line


# --- rehearse: a scenario's simulated deputies, at a pace --------------------------------------


@dataclass
class RoundReport:
    round: dict[str, Any]
    electronic: int
    paper: int
    seconds: float


@dataclass
class Rehearsal:
    vote_id: int
    meeting_id: int
    rounds: list[RoundReport]
    left_open: bool
    result: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "vote_id": self.vote_id,
            "meeting_id": self.meeting_id,
            "left_open": self.left_open,
            "rounds": [
                {"round": r.round, "electronic": r.electronic, "paper": r.paper, "seconds": round(r.seconds, 3)}
                for r in self.rounds
            ],
            "selected": self.result["selected"] if self.result else None,
            "decided": self.result["decided"] if self.result else False,
        }


def with_deputies(scenario: Scenario, deputies: int | None) -> Scenario:
    """The scenario with another number of deputies (its blocs must fit)."""
    if deputies is None or deputies == scenario.deputies:
        return scenario
    in_blocs = sum(b.deputies for b in scenario.population.blocs)
    if in_blocs > deputies:
        raise RehearsalError(f"the scenario's blocs hold {in_blocs} deputies, more than {deputies}")
    return replace(scenario, deputies=deputies, population=replace(scenario.population, deputies=deputies))


def _paced(items: Sequence[tuple[int, Any]], seconds: float, act: Callable[[int, Any], object]) -> float:
    """Do ``act`` for each item, spread evenly over ``seconds``; returns the time it took."""
    start = time.monotonic()
    count = len(items)
    for index, (number, item) in enumerate(items):
        due = start + seconds * index / max(1, count)
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        act(number, item)
    return time.monotonic() - start


def rehearse(
    client: Transport,
    scenario: Scenario,
    *,
    seed: int,
    over: float,
    leave_open: bool = False,
    max_rounds: int | None = None,
    vote_id: int | None = None,
    second: Transport | None = None,
    say: Say = _quiet,
) -> Rehearsal:
    """Run a training vote with the scenario's simulated deputies, each round's ballots cast over ``over`` seconds.

    The ballots are those ``voting simulate SCENARIO --seed SEED`` draws for its
    first vote: who is absent or late, what each deputy approves, whose paper
    ballot is spoiled, round by round.  Spoiled ballots are paper ballots with
    too many marks, entered by two clerks; without a second clerk those deputies
    vote electronically by their preferences instead (and the count may differ
    from the simulator's).
    """
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))
    block = _Block.draw(scenario, rng)  # the very draws of ``simulate``'s first vote with this seed
    first, later = block.first[0], block.later[0]
    approve, priority = block.intentions.approve[0], block.intentions.priority[0]
    order = np.random.default_rng(seed).permutation(scenario.deputies) + 1  # who casts when: looks live
    if vote_id is None:
        template = GONGSHU_TEMPLATE if scenario.name == GONGSHU_TEMPLATE and scenario.candidates == 12 else None
        sitting = create_sitting(
            client,
            title=f"{scenario.name} (seed {seed})",
            deputies=scenario.deputies,
            template=template,
            candidates=[scenario.project_name(n) for n in scenario.projects],
            rules=scenario.rules.to_dict(),
            say=say,
            second=second,
        )
    else:
        sitting = attach_sitting(client, vote_id, say=say, second=second)
        if len(sitting.deputies) != scenario.deputies:
            raise RehearsalError(
                f"vote {vote_id}'s meeting has {len(sitting.deputies)} deputies, the scenario {scenario.deputies}"
            )
        if sitting.vote()["state"] != "draft":
            raise RehearsalError(f"training vote {vote_id} has been used: reset it first (POST .../reset)")
    arrived = [int(n) for n in order if first[n - 1]]
    late = [int(n) for n in order if later[n - 1] and not first[n - 1]]
    checked = sitting.attendance(arrived)
    sitting.issue_codes(sorted(arrived))
    say(f"{checked} of {scenario.deputies} deputies checked in, codes issued; {len(late)} will come late")
    rounds: list[RoundReport] = []
    cap = max_rounds or scenario.max_rounds
    projects, seats = list(scenario.projects), scenario.rules.seats
    while True:
        try:
            round_ = sitting.open_round()
        except ApiError as exc:
            if exc.code == "no_quorum":
                say(f"the round cannot open: {exc}")
                return Rehearsal(sitting.vote_id, sitting.meeting_id, rounds, False, None)
            raise
        round_id = round_["id"]
        say(f"round {round_['number']} ({round_['kind']}) open: {round_['ballots_issued']} ballots issued")
        if not rounds:
            voters = arrived
            marks = block.ballots[0]
            spoiled = block.spoiled[0]
            ballots = {n: [p for p in projects if marks[n - 1, p - 1]] for n in voters}
            spoilt = {n for n in voters if spoiled[n - 1]}
        else:
            voters_mask = later.copy()
            chosen = round_ballots(approve[voters_mask], priority[voters_mask], [p - 1 for p in projects], seats)
            spoiled_now = spoil(block.rng, scenario.spoiled, (chosen.shape[0],))
            in_order = [n for n in range(1, scenario.deputies + 1) if voters_mask[n - 1]]
            ballots = {n: [p for j, p in enumerate(projects) if chosen[i, j]] for i, n in enumerate(in_order)}
            spoilt = {n for i, n in enumerate(in_order) if spoiled_now[i]}
            voters = [int(n) for n in order if later[n - 1]]
        if spoilt and second is None:
            say(f"{len(spoilt)} spoiled paper ballot(s) drawn but no second clerk: they vote electronically")
            spoilt = set()
        if spoilt:
            sitting.issue_paper(round_id, sorted(spoilt))
        electronic = [(n, ballots[n]) for n in voters if n not in spoilt]
        seconds = _paced(electronic, over, sitting.cast)
        if spoilt:
            sitting.enter_paper(round_id, [projects for _ in spoilt])  # every box marked: void as a whole
        say(f"{len(electronic)} electronic ballots cast in {seconds:.1f} s, {len(spoilt)} spoiled on paper")
        if leave_open:
            say(f"round {round_['number']} (id {round_id}) left open for the clerks to close and count")
            rounds.append(RoundReport(round_, len(electronic), len(spoilt), seconds))
            return Rehearsal(sitting.vote_id, sitting.meeting_id, rounds, True, None)
        counted = sitting.close_and_count(round_id)
        say(describe(counted))
        rounds.append(RoundReport(counted, len(electronic), len(spoilt), seconds))
        runoff = counted["result"]["runoff"]
        if runoff is None or len(rounds) >= cap:
            break
        projects, seats = list(runoff["projects"]), runoff["seats"]
        if len(rounds) == 1 and late:
            # They arrived after the first round opened and missed it (a deputy checked in while a
            # round is open is issued a ballot in it, so they are checked in once it is counted).
            sitting.check_in(sorted(late))
            sitting.issue_codes(sorted(late))
            say(f"{len(late)} late deputies checked in for the next round")
    result = sitting.result()
    state = "decided" if result["decided"] else f"undecided after {len(rounds)} round(s)"
    say(f"vote {sitting.vote_id} {state}: selected {result['selected']}, vacant {result['vacant']}")
    return Rehearsal(sitting.vote_id, sitting.meeting_id, rounds, False, result)
