"""After the load: the checks through the API, the database and Redis that hold at any speed.

Every receipt counted exactly once, no ballot without one, the audit log
verifying; with several hosts, also that each host's published answers are the
ones computed afresh with no cache, and that the hosts' rate limits count in
their one Redis.
"""

from __future__ import annotations

import csv
import io
import os
import secrets
from collections import Counter
from pathlib import Path
from unittest import mock

import redis
import requests
from sqlalchemy import create_engine, text

from loadtests.report import Report
from loadtests.sitting import Client, Plan
from loadtests.stack import Stack
from voting.web import create_app, get_db
from voting.web.api import published

LANGUAGE = {"Accept-Language": "zh"}
"""What the Locust users send, so that the answers compared are the ones they got."""


def verify_round(
    report: Report, stack: Stack, clerk: Client, plan: Plan, receipts: list[str], label: str
) -> Counter[str]:
    """Close and count the round, then: every receipt in its ballot list exactly once, nothing else electronic.

    Returns how often each ballot id is in the list (a body's list, for the bodies scenario's check across bodies).
    """
    round_id = plan.round_id
    clerk.post(f"/api/v1/rounds/{round_id}/close", {"confirm": True})
    counted = clerk.post(f"/api/v1/rounds/{round_id}/count")
    listed = list(csv.DictReader(io.StringIO(clerk.get(f"/api/v1/rounds/{round_id}/ballots.csv").lstrip("\ufeff"))))
    ids = Counter(row["ballot_id"] for row in listed)
    turnout = clerk.get(f"/api/v1/rounds/{round_id}/turnout")
    given = Counter(receipts)
    twice_given = [r for r, n in given.items() if n > 1]
    missing = [r for r in given if ids[r] != 1]
    paper = int(turnout["paper_entered"])
    number = int(counted["number"])
    report.counted[number] = report.counted.get(number, 0) + len(listed)
    report.check(f"{label}: no receipt given twice", not twice_given, f"{len(twice_given)} repeated")
    report.check(
        f"{label}: every receipt counted exactly once",
        not missing,
        f"{len(given) - len(missing)} of {len(given)} receipts in the ballot list once"
        + (f"; missing {missing[:3]}" if missing else ""),
    )
    report.check(
        f"{label}: no ballot without a receipt",
        len(listed) == len(given) + paper,
        f"{len(listed)} ballots listed = {len(given)} receipts + {paper} paper",
    )
    cast = int(counted["result"]["ballots"]["cast"])
    report.check(f"{label}: the count counted the list", cast == len(listed), f"cast {cast}, listed {len(listed)}")
    engine = create_engine(stack.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT count(*) FROM ballot WHERE round_id = :r AND channel = 'electronic'"), {"r": round_id}
            ).scalar_one()
            voted = connection.execute(
                text("SELECT count(*) FROM participation WHERE round_id = :r AND channel = 'electronic'"),
                {"r": round_id},
            ).scalar_one()
    finally:
        engine.dispose()
    report.check(
        f"{label}: database rows match the receipts",
        rows == voted == len(given),
        f"{rows} electronic ballot rows, {voted} participation rows, {len(given)} receipts",
    )
    return ids


def verify_audit(report: Report, clerk: Client, label: str = "audit log verifies") -> None:
    checked = clerk.get("/api/v1/audit/verify")
    report.check(label, bool(checked["ok"]), f"{checked['entries']} entries")


def verify_published_answers(report: Report, stack: Stack, plan: Plan, instance: Path) -> None:
    """Each host's published result and hall view, asked twice (computed, then kept), equal the uncached answer.

    The uncached answer is the views' own with ``published.answer`` finding
    nothing (as ``tests/api/test_published_answers.py`` computes it), in an app
    of the runner's own on the same database: no host's cache is in it.
    """
    paths = [f"{plan.prefix}/api/v1/votes/{plan.vote_id}/{view}" for view in ("result", "hall")]
    fresh = _uncached(stack.database_url, paths, instance)
    differing = [
        f"{url}{path}"
        for url in stack.urls
        for path in paths
        for _asked in range(2)
        if requests.get(url + path, headers=LANGUAGE, timeout=60).json() != fresh[path]
    ]
    report.check(
        "every host's published answers are the database's",
        not differing,
        f"{len(stack.urls)} host(s) x {len(paths)} answers, twice each"
        + (f"; differing: {differing[:3]}" if differing else ""),
    )


def _uncached(database_url: str, paths: list[str], instance: Path) -> dict[str, object]:
    with (
        mock.patch.dict(os.environ, {"VOTING_INSTANCE_PATH": str(instance)}),
        mock.patch.object(published, "answer", return_value=None),
    ):
        app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": secrets.token_hex(16)})
        try:
            client = app.test_client()
            return {path: client.get(path, headers=LANGUAGE).get_json() for path in paths}
        finally:
            get_db(app).dispose()


def verify_shared_limits(report: Report, stack: Stack) -> None:
    """One wrong voting code sent to each host: every counter of failed codes in the hosts' Redis went up by the hosts.

    What shows that the hosts count in one place (a counter of each host's own
    would go up by one); the run itself sends no wrong code.
    """
    if stack.redis_socket is None:
        return
    store = redis.Redis(unix_socket_path=stack.redis_socket)
    try:
        before = _code_counters(store)
        refused = [
            requests.post(
                f"{url}/api/v1/ballot", json={"code": "AAAAA-00000"}, headers=LANGUAGE, timeout=60
            ).status_code
            for url in stack.urls
        ]
        after = _code_counters(store)
    finally:
        store.close()
    grown = {key: after[key] - before.get(key, 0) for key in after}
    hosts = len(stack.urls)
    report.check(
        "the hosts' rate limits count in their one Redis",
        refused == [401] * hosts and bool(grown) and all(n == hosts for n in grown.values()),
        f"wrong codes answered {refused}; counters in Redis grew by {sorted(grown.values())} for {hosts} hosts",
    )


def _code_counters(store: redis.Redis) -> dict[str, int]:
    """The failed-code counters in Redis (``limits`` keys name the scope ``code``)."""
    keys = [key.decode() for key in store.scan_iter() if b"/code/" in key]
    return {key: int(store.get(key) or 0) for key in keys}
