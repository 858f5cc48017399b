"""A sitting set up through the API, as clerks would, before the load starts; and its plan file.

The plan (JSON) is what the Locust users read: the server, a clerk's token,
the vote and the round, the voting codes handed out (one per deputy; each
Locust process takes its own share), and the deputies kept off the check-in
list for the clerks' scenario.  Setting up thousands of deputies is thousands
of check-ins and code issues: they go through a small pool of keep-alive
connections in parallel.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import requests

from voting.services.demo import demo_roster

PARALLEL = 8
T = TypeVar("T")


class ApiError(RuntimeError):
    pass


class Client:
    """JSON over HTTP to one server, as one staff member; one keep-alive session per thread."""

    def __init__(self, url: str, token: str | None = None) -> None:
        self.url = url
        self.token = token
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def send(
        self, method: str, path: str, body: Any = None, *, expect: Iterable[int] = (200, 201), **kwargs: Any
    ) -> Any:
        headers = {"Accept-Language": "en"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        response = self._session().request(method, self.url + path, json=body, headers=headers, timeout=120, **kwargs)
        if response.status_code not in set(expect):
            raise ApiError(f"{method} {path}: {response.status_code} {response.text[:500]}")
        if response.headers.get("Content-Type", "").startswith("application/json"):
            return response.json()
        return response.text

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.send("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.send("POST", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.send("PUT", path, body, **kwargs)


def login(url: str, name: str, password: str) -> Client:
    """A staff member's client; ``url`` may end in a body's address (``/b/<name>``), as their login is that body's."""
    session = Client(url).post("/api/v1/auth/login", {"name": name, "password": password})
    return Client(url, session["token"])


def parallel(work: Callable[[T], Any], items: Iterable[T], workers: int = PARALLEL) -> list[Any]:
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(work, items))


@dataclass
class Plan:
    url: str
    clerk_token: str
    clerk2_token: str
    meeting_id: int
    vote_id: int
    round_id: int
    seats: int
    projects: list[int]
    codes: list[str]
    """One voting code per deputy who votes electronically, in roster order."""
    spare: list[list[int]] = field(default_factory=list)
    """[roster number, deputy id] of the deputies not yet checked in (the clerks' scenario checks them in during the load)."""
    tie: bool = False
    """Deputies cast ballots that leave a tie at the cut-off (the whole-flow scenario)."""
    prefix: str = ""
    """The body's address before every path (``/b/<name>``); none for the default body."""

    @staticmethod
    def save_all(plans: list[Plan], path: Path) -> None:
        """The sittings of a run, one per body (one but in the bodies scenario), for the Locust processes."""
        path.write_text(json.dumps([asdict(plan) for plan in plans]), "utf-8")

    @classmethod
    def load_all(cls, path: Path) -> list[Plan]:
        return [cls(**plan) for plan in json.loads(path.read_text("utf-8"))]


def roster_csv(size: int) -> bytes:
    lines = ["编号,姓名,代表团"] + [f"{n},{name},{group}" for n, name, group in demo_roster(size)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def set_up(url: str, password: str, *, deputies: int, spare: int = 0, tie: bool = False, prefix: str = "") -> Plan:
    """A meeting of ``deputies + spare`` deputies, the Gongshu 2020 vote, ``deputies`` checked in with codes, round 1 open.

    In the body at ``prefix`` (``/b/<name>``; none: the default body), by its clerks ``load-clerk`` and ``load-clerk2``.
    """
    clerk = login(url + prefix, "load-clerk", password)
    clerk2 = login(url + prefix, "load-clerk2", password)
    size = deputies + spare
    meeting = clerk.post("/api/v1/meetings", {"name_zh": "负载测试人大会议", "date": "2020-01-18"})
    mid = meeting["id"]
    clerk.post(
        f"/api/v1/meetings/{mid}/roster", files={"file": ("roster.csv", roster_csv(size), "text/csv")}, expect=(201,)
    )
    vote = clerk.post("/api/v1/votes/from-template", {"meeting_id": mid})
    roster = sorted(clerk.get(f"/api/v1/meetings/{mid}/deputies"), key=lambda d: d["number"])
    voting_ids = [d["id"] for d in roster[:deputies]]
    parallel(
        lambda did: clerk.put(f"/api/v1/meetings/{mid}/deputies/{did}/attendance", {"checked_in": True}), voting_ids
    )
    codes = parallel(
        lambda did: clerk.post(f"/api/v1/votes/{vote['id']}/codes", {"deputy_id": did})["code"], voting_ids
    )
    opened = clerk.post(f"/api/v1/votes/{vote['id']}/rounds")
    assert clerk.token is not None
    assert clerk2.token is not None
    return Plan(
        url=url,
        clerk_token=clerk.token,
        clerk2_token=clerk2.token,
        meeting_id=mid,
        vote_id=vote["id"],
        round_id=opened["id"],
        seats=opened["seats"],
        projects=list(opened["projects"]),
        codes=codes,
        spare=[[d["number"], d["id"]] for d in roster[deputies:]],
        tie=tie,
        prefix=prefix,
    )


def approvals_for(plan: Plan, index: int, round_number: int) -> list[int]:
    """What deputy ``index`` approves: varied, decisive ballots; in the flow, round 1 ends in a tie, round 2 decides it.

    Round 1 of the flow: everyone approves the first ``seats - 2`` projects and
    two of the next three in turn, so those three tie for the last two seats
    (each on two thirds of the ballots, above the threshold).
    """
    projects = plan.projects
    seats = plan.seats
    if plan.tie and round_number == 1:
        base = projects[: seats - 2]
        three = projects[seats - 2 : seats + 1]
        return sorted(base + [p for i, p in enumerate(three) if i != index % 3])
    if plan.tie:
        return sorted(projects[: min(seats, len(projects) - 1)])  # the tie-break round: the first ones on it
    # Varied but decisive: the first ``seats`` projects win clearly; some ballots leave one out, some are blank.
    if index % 50 == 49:
        return []
    chosen = projects[:seats]
    if index % 4 == 0:
        chosen = [p for p in chosen if p != chosen[index // 4 % seats]]
    if index % 7 == 0 and len(projects) > seats:
        chosen = [*chosen[: seats - 1], projects[seats + index % (len(projects) - seats)]]
    return sorted(chosen)
