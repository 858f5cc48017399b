"""Profile of the deputy's requests, in-process: ``python -m loadtests.profile_cast [--deputies 600]``.

Sets a sitting up in a temporary SQLite database through the API (Flask test
client), then runs each deputy's two requests (``POST /api/v1/ballot``,
``POST /api/v1/ballots``) and the hall screen's two polls, one after another:
for the first half of the deputies it prints the CPU time of each kind of
request (``time.process_time``, no profiler) beside ``GET /healthz``'s; the
second half runs under pyinstrument, whose call tree it prints (``--html
FILE`` for the interactive one).
Sequential casts each form a batch of one, so the tree shows the cost of the
web layer and of one cast's transaction (without the fsync wait of a loaded
disk, which group commit shares out).  Last, casts from ``--threads`` threads
at once: casts per commit, and CPU and context switches per cast.
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from pyinstrument import Profiler
from sqlmodel import Session

from loadtests.sitting import Plan, approvals_for, roster_csv
from voting.services import auth, bodies, cast_batch
from voting.store import migrate
from voting.store.db import Database
from voting.web import create_app, get_db


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m loadtests.profile_cast")
    parser.add_argument("--deputies", type=int, default=600)
    parser.add_argument("--html", type=Path, default=None)
    parser.add_argument("--threads", type=int, default=16, help="threads of the batching measurement")
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="voting-profile-"))
    url = f"sqlite:///{directory / 'profile.sqlite3'}"
    migrate.upgrade(Database(url))
    os.environ["VOTING_INSTANCE_PATH"] = str(directory / "instance")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(16)})
    with get_db(app).write() as session:
        user = auth.add_user(session, "profiler", "clerk", "a long enough password", by=_admin(session))
        token = auth.issue_token(session, user, app.config["SECRET_KEY"], auth.SessionLimits.of(60, 12))
    client = app.test_client()
    staff = {"Authorization": f"Bearer {token}"}
    codes, vote_id, round_id = _sitting(client, staff, args.deputies)

    plan = Plan(url, token, token, 0, vote_id, round_id, 10, list(range(1, 13)), codes)
    half = len(codes) // 2
    # First half: CPU time per request (time.process_time), no profiler; second half under pyinstrument.
    timings = _run(client, plan, codes[:half], 0, profile=None)
    for name, total in timings.items():
        print(f"{name:12} {1000 * total / half:6.2f} ms of CPU per request")
    health = time.process_time()
    for _ in range(half):
        assert client.get("/healthz").status_code == 200
    print(f"{'healthz':12} {1000 * (time.process_time() - health) / half:6.2f} ms of CPU per request (the yardstick)")
    profiler = Profiler(interval=0.0005)
    _run(client, plan, codes[half:], half, profile=profiler)
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    _batching(app, url, args.threads)
    if args.html:
        args.html.write_text(profiler.output_html(), "utf-8")
    get_db(app).dispose()
    shutil.rmtree(directory, ignore_errors=True)


def _batching(app: Flask, url: str, threads: int) -> None:
    """Casts from ``threads`` threads at once: how many per transaction.

    Also what each cast costs the process in CPU and in context switches:
    threads handing the GIL and the batch's wake-ups to each other are what
    made a cast in a threaded server cost three times its cost alone, and why
    ``voting serve`` now runs gevent workers (docs/performance.md).
    """
    client = app.test_client()
    staff = {"Authorization": f"Bearer {_token(app)}"}
    codes, _vote_id, _round_id = _sitting(client, staff, threads * 20)
    committer = cast_batch._committer(get_db(app))
    before = committer.batches
    chunks = [codes[i::threads] for i in range(threads)]

    def cast(chunk: list[str]) -> None:
        own = app.test_client()
        for code in chunk:
            body = {"code": code, "approvals": [1, 2, 3], "idempotency_key": secrets.token_hex(16)}
            assert own.post("/api/v1/ballots", json=body).status_code == 201

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda _: None, range(threads)))  # the threads exist before the clock starts
        usage, started, cpu = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter(), time.process_time()
        list(pool.map(cast, chunks))
        cpu, elapsed = time.process_time() - cpu, time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
    batches, n = committer.batches - before, len(codes)
    print(
        f"batching: {n} casts from {threads} threads in {batches} transactions, "
        f"{n / batches:.1f} casts per commit on average, {n / elapsed:.0f} casts/s in-process, "
        f"{1000 * cpu / n:.2f} ms of CPU and {(after.ru_nvcsw - usage.ru_nvcsw) / n:.1f} + "
        f"{(after.ru_nivcsw - usage.ru_nivcsw) / n:.1f} (voluntary + involuntary) context switches per cast"
    )


def _admin(session: Session) -> auth.Actor:
    """An administrator of the database's one body."""
    return auth.Actor("profile", "admin", bodies.default_body(session).id)


def _token(app: Flask) -> str:
    with get_db(app).write() as session:
        user = auth.add_user(session, "batcher", "clerk", "a long enough password", by=_admin(session))
        return auth.issue_token(session, user, app.config["SECRET_KEY"], auth.SessionLimits.of(60, 12))


def _run(client: FlaskClient, plan: Plan, codes: list[str], first: int, profile: Profiler | None) -> dict[str, float]:
    timings: dict[str, float] = {"open ballot": 0.0, "cast": 0.0, "hall screen": 0.0, "turnout": 0.0}
    if profile is not None:
        profile.start()
    clock = time.process_time
    for offset, code in enumerate(codes):
        started = clock()
        assert client.post("/api/v1/ballot", json={"code": code}).status_code == 200
        opened = clock()
        body = {
            "code": code,
            "approvals": approvals_for(plan, first + offset, 1),
            "idempotency_key": secrets.token_hex(16),
        }
        assert client.post("/api/v1/ballots", json=body).status_code == 201
        cast = clock()
        assert client.get(f"/api/v1/votes/{plan.vote_id}/hall").status_code == 200
        hall = clock()
        assert client.get(f"/api/v1/rounds/{plan.round_id}/turnout").status_code == 200
        done = clock()
        timings["open ballot"] += opened - started
        timings["cast"] += cast - opened
        timings["hall screen"] += hall - cast
        timings["turnout"] += done - hall
    if profile is not None:
        profile.stop()
    return timings


def _sitting(client: FlaskClient, staff: dict[str, str], size: int) -> tuple[list[str], int, int]:
    def ok(response: object) -> dict[str, object] | list[dict[str, object]]:
        assert getattr(response, "status_code", 0) in (200, 201), getattr(response, "data", b"")
        data: dict[str, object] | list[dict[str, object]] = getattr(response, "json")  # noqa: B009
        return data

    meeting = ok(client.post("/api/v1/meetings", json={"name_zh": "性能剖析", "date": "2020-01-18"}, headers=staff))
    assert isinstance(meeting, dict)
    mid = meeting["id"]
    client.post(
        f"/api/v1/meetings/{mid}/roster",
        data={"file": (__import__("io").BytesIO(roster_csv(size)), "roster.csv")},
        content_type="multipart/form-data",
        headers=staff,
    )
    vote = ok(client.post("/api/v1/votes/from-template", json={"meeting_id": mid}, headers=staff))
    assert isinstance(vote, dict)
    deputies = ok(client.get(f"/api/v1/meetings/{mid}/deputies", headers=staff))
    assert isinstance(deputies, list)
    codes = []
    for deputy in deputies:
        ok(
            client.put(
                f"/api/v1/meetings/{mid}/deputies/{deputy['id']}/attendance", json={"checked_in": True}, headers=staff
            )
        )
        issued = ok(client.post(f"/api/v1/votes/{vote['id']}/codes", json={"deputy_id": deputy["id"]}, headers=staff))
        assert isinstance(issued, dict)
        codes.append(str(issued["code"]))
    opened = ok(client.post(f"/api/v1/votes/{vote['id']}/rounds", headers=staff))
    assert isinstance(opened, dict)
    return codes, int(str(vote["id"])), int(str(opened["id"]))


if __name__ == "__main__":
    main()
