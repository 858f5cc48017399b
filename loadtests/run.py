"""One command for a load test, end to end: ``python -m loadtests.run SCENARIO [options]`` (or ``make load``).

It starts ``voting serve`` with its production settings (one worker process
per core, threaded, group commit) on a fresh temporary database (SQLite, or
``--db postgres``: a throwaway PostgreSQL cluster with ``fsync`` on, or the
server in ``VOTING_TEST_POSTGRES_URL``, in a database of its own that is
dropped afterwards), measures the yardstick (``GET /healthz`` back to back),
sets a sitting up through the API, runs Locust headless on 127.0.0.1 for a
bounded time (``--processes N`` for Locust's distributed mode), and then checks
through the API and the database that every ballot that got a receipt is
counted exactly once and that the audit log verifies.  It prints a summary and
exits non-zero when a target is missed.  Locust's CSV statistics and HTML
report go to ``loadtests/results/<timestamp>-<scenario>/`` (``--out``).

Scenarios (docs/performance.md):

- ``surge``: N deputies, each with their own code, open the ballot and cast
  within the window while S hall screens poll turnout; targets: every ballot
  cast within the window (plus one second), cast p99 under 300 ms, no error;
- ``sustained``: casts back to back from ``--users`` connections; target: cast
  throughput at least half of ``/healthz``'s with as many connections;
- ``screens``: S screens polling the hall view and turnout during a trickle of ballots;
- ``clerks``: the surge while two clerks check latecomers in, enter their
  paper ballots twice and accept them, list who has not voted, verify and
  export the audit log and the bundle;
- ``publication``: a surge, then close, count and publish, then every deputy
  and screen fetches the result (and checks a receipt) within one second;
- ``flow``: round 1 ends in a tie at the cut-off, the tie-break round is
  voted, counted and published, then the publication spike.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import io
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, text

from loadtests.sitting import Client, Plan, set_up

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
VOTING = str(BIN / "voting")
LOCUST = str(BIN / "locust")
LOCUSTFILE = str(ROOT / "loadtests" / "locustfile.py")
HOST = "127.0.0.1"
PASSWORD = secrets.token_urlsafe(16)
SCENARIOS = ("surge", "sustained", "screens", "clerks", "publication", "flow")

P99_TARGET_MS = 300.0
RATIO_TARGET = 0.5


@dataclass
class Options:
    scenario: str
    deputies: int = 3000
    screens: int = 100
    window: float = 10.0
    users: int = 32
    """Connections of the sustained run and of the yardstick."""
    seconds: float = 8.0
    """How long the sustained run, the yardstick and the screens scenario last at most."""
    db: str = "sqlite"
    workers: int | None = None
    threads: int | None = None
    processes: int = 1
    out: Path | None = None
    deputy_users: int = 200
    """Concurrent phones in the surge (each casts many deputies' ballots, paced)."""


@dataclass
class Phase:
    """One Locust run: its statistics per request name (from the CSV) and its receipts."""

    name: str
    stats: dict[str, dict[str, float]]
    failures: int
    receipts: list[dict[str, Any]] = field(default_factory=list)
    server_cpu: float = 0.0
    """CPU seconds the server used during the run."""
    locust_cpu: float = 0.0
    """CPU seconds Locust used."""
    wall: float = 0.0


@dataclass
class Check:
    what: str
    ok: bool
    detail: str = ""


@dataclass
class Report:
    options: Options
    out: Path
    yardstick_rps: float = 0.0
    phases: list[Phase] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    counted: dict[int, int] = field(default_factory=dict)
    """Round number -> ballots in its published list."""

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def check(self, what: str, ok: bool, detail: str = "") -> None:
        self.checks.append(Check(what, ok, detail))


# The server and its database.


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _postgres_bindir() -> str:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not found:
        raise SystemExit("loadtests: PostgreSQL is not installed (scripts/setup.sh --test installs it)")
    return str(found[-1])


@contextlib.contextmanager
def _postgres(directory: Path) -> Iterator[str]:
    """A database of its own: in ``VOTING_TEST_POSTGRES_URL``'s server, or in a throwaway cluster (fsync on)."""
    given = os.environ.get("VOTING_TEST_POSTGRES_URL")
    if given:
        base = given
        stop = None
    else:
        bindir = _postgres_bindir()
        data = directory / "pg"
        data.mkdir()
        as_owner: list[str] = []
        if os.getuid() == 0:
            shutil.chown(directory, "postgres")
            shutil.chown(data, "postgres")
            as_owner = ["runuser", "-u", "postgres", "--"]
        quiet = {"stdout": subprocess.DEVNULL, "check": True}
        subprocess.run([*as_owner, f"{bindir}/initdb", "-D", str(data / "d"), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8"], **quiet)  # type: ignore[call-overload]  # fmt: skip
        options = f"-c listen_addresses='' -k {data} -c max_connections=300 -c synchronous_commit=on"
        subprocess.run([*as_owner, f"{bindir}/pg_ctl", "-D", str(data / "d"), "-l", str(data / "log"), "-w", "-o", options, "start"], **quiet)  # type: ignore[call-overload]  # fmt: skip
        base = f"postgresql+psycopg://postgres@/postgres?host={data}"

        def stop() -> None:
            subprocess.run([*as_owner, f"{bindir}/pg_ctl", "-D", str(data / "d"), "-m", "immediate", "stop"], stdout=subprocess.DEVNULL, check=False)  # fmt: skip

    name = f"load_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.replace("/postgres?", f"/{name}?", 1)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        if stop is not None:
            stop()


@dataclass
class Stack:
    url: str
    database_url: str
    env: dict[str, str]
    server_group: int = 0
    """The process group of ``voting serve`` (its master and workers), for their CPU time."""


def group_cpu_seconds(group: int) -> float:
    """CPU time (user + system) used so far by the live processes of a process group, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group:  # pgrp
                total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


@contextlib.contextmanager
def serving(options: Options, directory: Path, log: Path) -> Iterator[Stack]:
    """``voting serve`` on a fresh database, with two clerks; stopped and removed on exit."""
    with contextlib.ExitStack() as cleanup:
        if options.db == "postgres":
            database_url = cleanup.enter_context(_postgres(directory))
        else:
            database_url = f"sqlite:///{directory / 'load.sqlite3'}"
        env = {
            **os.environ,
            "VOTING_DATABASE_URL": database_url,
            "VOTING_INSTANCE_PATH": str(directory / "instance"),
            "VOTING_SECRET_KEY": secrets.token_hex(32),
        }
        subprocess.run([VOTING, "db", "upgrade"], env=env, check=True, capture_output=True)
        for name in ("load-clerk", "load-clerk2"):
            subprocess.run(
                [VOTING, "user", "add", name, "--role", "clerk"],
                input=PASSWORD + "\n",
                text=True,
                env=env,
                check=True,
                capture_output=True,
            )
        port = _free_port()
        command = [VOTING, "serve", "--host", HOST, "--port", str(port)]
        if options.workers:
            command += ["--workers", str(options.workers)]
        if options.threads:
            command += ["--threads", str(options.threads)]
        with log.open("ab") as log_file:
            server = subprocess.Popen(
                command, env=env, stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file, start_new_session=True
            )
        cleanup.callback(_stop, server)
        url = f"http://{HOST}:{port}"
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"voting serve did not start:\n{log.read_text('utf-8', errors='replace')[-3000:]}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            time.sleep(0.1)
        yield Stack(url, database_url, env, server.pid)


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


# Locust.


def locust(
    options: Options,
    stack: Stack,
    out: Path,
    name: str,
    users: dict[str, int],
    *,
    run_time: float,
    spawn_seconds: float = 1.0,
    env: dict[str, str] | None = None,
) -> Phase:
    """One headless Locust run of the given user classes (name -> how many), bounded by ``run_time``."""
    phase_dir = out / name
    phase_dir.mkdir(parents=True, exist_ok=True)
    total = sum(users.values())
    command = [
        LOCUST,
        "-f",
        LOCUSTFILE,
        "--headless",
        "--host",
        stack.url,
        "-u",
        str(total),
        "-r",
        str(max(1.0, total / spawn_seconds)),
        "--run-time",
        f"{max(1, round(run_time))}s",
        "--stop-timeout",
        "15",
        "--csv",
        str(phase_dir / "locust"),
        "--html",
        str(phase_dir / "locust.html"),
        "--json-file",
        str(phase_dir / "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
        *users,
    ]
    if options.processes > 1:
        command[1:1] = ["--processes", str(options.processes)]
    locust_env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LOAD_OUT": str(phase_dir),
        "LOAD_PROCESSES": str(options.processes),
        **{f"LOAD_{cls.upper()}_USERS": str(count) for cls, count in users.items()},
        **(env or {}),
    }
    server_before = group_cpu_seconds(stack.server_group)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    with (phase_dir / "locust.log").open("wb") as log:
        subprocess.run(
            command, env=locust_env, stdout=log, stderr=subprocess.STDOUT, check=False, timeout=run_time + 120
        )
    wall = time.monotonic() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    locust_cpu = (children.ru_utime + children.ru_stime) - (children_before.ru_utime + children_before.ru_stime)
    server_cpu = group_cpu_seconds(stack.server_group) - server_before
    stats = _stats(phase_dir / "locust.json")
    failures = int(stats.get("Aggregated", {}).get("Failure Count", 0))
    exceptions = phase_dir / "locust_exceptions.csv"
    if exceptions.exists():  # an error in a user's own code counts as an error of the run too
        failures += sum(int(row["Count"]) for row in csv.DictReader(exceptions.open(encoding="utf-8")))
    receipts = [
        json.loads(line)
        for path in sorted(phase_dir.glob("receipts-*.jsonl"))
        for line in path.read_text().splitlines()
        if line
    ]
    return Phase(name, stats, failures, receipts, server_cpu, locust_cpu, wall)


def _stats(path: Path) -> dict[str, dict[str, float]]:
    """Per request name: count, failures, requests/s over its active time, and percentiles (ms).

    From Locust's final JSON (``--json-file``), which holds every request; its
    CSV is rewritten once a second while the run lasts, and a run that ends
    early may leave the last second out of it.
    """
    if not path.exists():
        return {}
    entries = json.loads(path.read_text("utf-8"))
    stats: dict[str, dict[str, float]] = {}
    total: Counter[int] = Counter()
    first, last, count, fails = float("inf"), 0.0, 0, 0
    for entry in entries:
        times = Counter({int(float(k)): int(v) for k, v in entry["response_times"].items()})
        total.update(times)
        first = min(first, entry["start_time"])
        last = max(last, entry["last_request_timestamp"] or 0.0)
        count += entry["num_requests"]
        fails += entry["num_failures"]
        stats[entry["name"]] = _row(
            times, entry["num_requests"], entry["num_failures"], entry["start_time"], entry["last_request_timestamp"]
        )
    if entries:
        stats["Aggregated"] = _row(total, count, fails, first, last)
    return stats


def _row(times: Counter[int], count: int, fails: int, first: float, last: float | None) -> dict[str, float]:
    row = {"Request Count": float(count), "Failure Count": float(fails)}
    row["Requests/s"] = count / max(1e-3, (last or first) - first) if count else 0.0
    ordered = sorted(times.items())
    for share in (50, 95, 99):
        needed, seen, value = share / 100 * sum(times.values()), 0, 0
        for ms, n in ordered:
            seen += n
            value = ms
            if seen >= needed:
                break
        row[f"{share}%"] = float(value)
    return row


# Checks through the API and the database.


def verify_round(report: Report, stack: Stack, clerk: Client, plan: Plan, receipts: list[str], label: str) -> None:
    """Close and count the round, then: every receipt in its ballot list exactly once, nothing else electronic."""
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
    report.counted[int(counted["number"])] = len(listed)
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


def verify_audit(report: Report, clerk: Client) -> None:
    checked = clerk.get("/api/v1/audit/verify")
    report.check("audit log verifies", bool(checked["ok"]), f"{checked['entries']} entries")


# Scenarios.


def yardstick(report: Report, options: Options, stack: Stack) -> None:
    phase = locust(options, stack, report.out, "yardstick", {"Health": options.users}, run_time=options.seconds)
    report.phases.append(phase)
    report.yardstick_rps = phase.stats.get("healthz", {}).get("Requests/s", 0.0)
    report.check("yardstick ran without errors", phase.failures == 0, f"{phase.failures} failures")


def _receipts(phase: Phase, round_number: int) -> list[str]:
    return [r["receipt"] for r in phase.receipts if r["round"] == round_number]


def surge(
    report: Report,
    options: Options,
    stack: Stack,
    plan_file: Path,
    *,
    round_number: int = 1,
    extra: dict[str, int] | None = None,
) -> Phase:
    """All deputies cast within the window, paced, while the screens (and whoever else) poll."""
    rate = options.deputies / options.window
    deputy_users = min(options.deputy_users, options.deputies)
    users = {"Deputy": deputy_users, **({"Screen": options.screens} if options.screens else {}), **(extra or {})}
    name = f"surge-round{round_number}"
    phase = locust(
        options,
        stack,
        report.out,
        name,
        users,
        # Bounded, with room for a slow machine to finish: lateness is the window check's to report.
        run_time=2 * options.window + 10,
        env={"LOAD_PLAN": str(plan_file), "LOAD_RATE": str(rate), "LOAD_ROUND": str(round_number)},
    )
    report.phases.append(phase)
    got = _receipts(phase, round_number)
    report.check(
        f"{name}: every deputy got a receipt", len(got) == options.deputies, f"{len(got)} of {options.deputies}"
    )
    if got:
        times = sorted(r["t"] for r in phase.receipts)
        span = times[-1] - times[0]
        report.check(
            f"{name}: cast within the window",
            span <= options.window + 1,
            f"{span:.1f} s for a {options.window:g} s window",
        )
    cast = phase.stats.get("cast", {})
    p99 = cast.get("99%", 0.0)
    report.check(f"{name}: cast p99 under {P99_TARGET_MS:g} ms", 0 < p99 < P99_TARGET_MS, f"{p99:g} ms")
    report.check(f"{name}: no errors", phase.failures == 0, f"{phase.failures} failures")
    return phase


def run(options: Options) -> Report:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = options.out or ROOT / "loadtests" / "results" / f"{stamp}-{options.scenario}-{options.db}"
    out.mkdir(parents=True, exist_ok=True)
    report = Report(options, out)
    if options.scenario == "flow":
        options.deputies -= options.deputies % 3  # the tie needs thirds
    directory = Path(tempfile.mkdtemp(prefix="voting-load-"))
    try:
        with serving(options, directory, out / "server.log") as stack:
            yardstick(report, options, stack)
            spare = 20 if options.scenario == "clerks" else 0
            plan = set_up(stack.url, PASSWORD, deputies=options.deputies, spare=spare, tie=options.scenario == "flow")
            plan_file = out / "plan.json"
            plan.save(plan_file)
            clerk = Client(stack.url, plan.clerk_token)
            _scenario(report, options, stack, plan, plan_file, clerk)
            verify_audit(report, clerk)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            (out / "plan.json").unlink()  # it holds voting codes and tokens of a database now gone
    return report


def _scenario(report: Report, options: Options, stack: Stack, plan: Plan, plan_file: Path, clerk: Client) -> None:
    scenario = options.scenario
    if scenario == "sustained":
        phase = locust(
            options,
            stack,
            report.out,
            "sustained",
            {"SustainedDeputy": options.users},
            run_time=options.seconds,
            env={"LOAD_PLAN": str(plan_file)},
        )
        report.phases.append(phase)
        rps = phase.stats.get("cast", {}).get("Requests/s", 0.0)
        ratio = rps / report.yardstick_rps if report.yardstick_rps else 0.0
        report.check(
            f"sustained cast throughput at least {RATIO_TARGET:g} x /healthz",
            ratio >= RATIO_TARGET,
            f"{rps:.0f}/s vs {report.yardstick_rps:.0f}/s = {ratio:.2f}",
        )
        report.check("sustained: no errors", phase.failures == 0, f"{phase.failures} failures")
        verify_round(report, stack, clerk, plan, _receipts(phase, 1), "sustained")
    elif scenario == "screens":
        trickle = min(20.0, max(1.0, options.deputies / options.seconds))  # a few ballots a second
        phase = locust(
            options,
            stack,
            report.out,
            "screens",
            {"Screen": options.screens, "Deputy": min(10, options.deputies)},
            run_time=options.seconds,
            env={"LOAD_PLAN": str(plan_file), "LOAD_RATE": str(trickle)},
        )
        report.phases.append(phase)
        for name in ("hall screen", "turnout"):
            p99 = phase.stats.get(name, {}).get("99%", 0.0)
            report.check(f"screens: {name} p99 under {P99_TARGET_MS:g} ms", 0 < p99 < P99_TARGET_MS, f"{p99:g} ms")
        report.check("screens: no errors", phase.failures == 0, f"{phase.failures} failures")
        verify_round(report, stack, clerk, plan, _receipts(phase, 1), "screens")
    elif scenario == "clerks":
        phase = surge(report, options, stack, plan_file, extra={"Clerk": 2})
        verify_round(report, stack, clerk, plan, _receipts(phase, 1), "clerks")
    elif scenario == "surge":
        phase = surge(report, options, stack, plan_file)
        verify_round(report, stack, clerk, plan, _receipts(phase, 1), "surge")
    elif scenario == "publication":
        phase = surge(report, options, stack, plan_file)
        verify_round(report, stack, clerk, plan, _receipts(phase, 1), "round 1")
        _publish_and_spike(report, options, stack, plan, plan_file, clerk, _receipts(phase, 1))
    elif scenario == "flow":
        first = surge(report, options, stack, plan_file, round_number=1)
        verify_round(report, stack, clerk, plan, _receipts(first, 1), "round 1")
        counted = clerk.get(f"/api/v1/rounds/{plan.round_id}")
        runoff = (counted.get("result") or {}).get("runoff") or {}
        report.check("round 1 ends in a tie at the cut-off", runoff.get("reason") == "tie", json.dumps(runoff))
        if runoff.get("reason") != "tie":
            return  # not every deputy voted in round 1: there is no tie-break round to hold
        opened = clerk.post(f"/api/v1/votes/{plan.vote_id}/rounds")
        plan.round_id, plan.seats, plan.projects = opened["id"], opened["seats"], list(opened["projects"])
        plan.save(plan_file)
        second = surge(report, options, stack, plan_file, round_number=2)
        verify_round(report, stack, clerk, plan, _receipts(second, 2), "round 2 (tie-break)")
        _publish_and_spike(report, options, stack, plan, plan_file, clerk, _receipts(second, 2))
    else:
        raise SystemExit(f"loadtests: no scenario {scenario!r}; choose from {', '.join(SCENARIOS)}")


def _publish_and_spike(
    report: Report, options: Options, stack: Stack, plan: Plan, plan_file: Path, clerk: Client, receipts: list[str]
) -> None:
    published = clerk.post(f"/api/v1/votes/{plan.vote_id}/publish")
    report.check("the vote is published", published.get("state") == "published", str(published.get("state")))
    receipts_file = report.out / "receipts.txt"
    receipts_file.write_text("\n".join(receipts), "utf-8")
    everyone = options.deputies + options.screens
    phase = locust(
        options,
        stack,
        report.out,
        "publication",
        {"Public": everyone},
        run_time=15,
        spawn_seconds=1.0,
        env={"LOAD_PLAN": str(plan_file), "LOAD_RECEIPTS": str(receipts_file)},
    )
    receipts_file.unlink()
    report.phases.append(phase)
    fetched = int(phase.stats.get("result", {}).get("Request Count", 0))
    report.check("publication: everyone fetched the result", fetched == everyone, f"{fetched} of {everyone}")
    report.check("publication: no errors", phase.failures == 0, f"{phase.failures} failures")


# The summary.


def summary(report: Report) -> str:
    o = report.options
    load = os.getloadavg()[0]
    lines = [
        f"load test {o.scenario} on {o.db}: {o.deputies} deputies, {o.screens} screens, window {o.window:g} s; "
        f"{os.cpu_count()} cores, load {load:.2f}; Locust processes {o.processes}",
        f"yardstick GET /healthz: {report.yardstick_rps:.0f} req/s with {o.users} connections",
        f"{'phase / request':32} {'count':>7} {'fail':>5} {'req/s':>8} {'p50':>6} {'p95':>6} {'p99':>6} {'ratio':>6}",
    ]
    for phase in report.phases:
        for name, row in phase.stats.items():
            rps = row.get("Requests/s", 0.0)
            ratio = f"{rps / report.yardstick_rps:.2f}" if report.yardstick_rps and name == "cast" else ""
            lines.append(
                f"{(phase.name + ' / ' + name)[:32]:32} {row.get('Request Count', 0):7.0f} {row.get('Failure Count', 0):5.0f} "
                f"{rps:8.1f} {row.get('50%', 0):6.0f} {row.get('95%', 0):6.0f} {row.get('99%', 0):6.0f} {ratio:>6}"
            )
    for phase in report.phases:
        requests_ = phase.stats.get("Aggregated", {}).get("Request Count", 0.0)
        per = f", {1000 * phase.server_cpu / requests_:.2f} ms of server CPU a request" if requests_ else ""
        lines.append(
            f"CPU {phase.name}: server {phase.server_cpu:.1f} s, Locust {phase.locust_cpu:.1f} s "
            f"in {phase.wall:.1f} s on {os.cpu_count()} cores{per}"
        )
    lines.append(
        "ballots counted per round: " + ", ".join(f"round {k}: {v}" for k, v in sorted(report.counted.items()))
    )
    for check in report.checks:
        lines.append(f"  {'PASS' if check.ok else 'MISS'}  {check.what}: {check.detail}")
    lines.append(f"{'PASS' if report.ok else 'FAIL'}; statistics and report in {report.out}")
    return "\n".join(lines)


def parse(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m loadtests.run", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("scenario", choices=SCENARIOS)
    parser.add_argument("--deputies", type=int, default=3000)
    parser.add_argument("--screens", type=int, default=100)
    parser.add_argument("--window", type=float, default=10.0, help="seconds in which the deputies cast (surge)")
    parser.add_argument("--users", type=int, default=32, help="connections of the sustained run and the yardstick")
    parser.add_argument(
        "--seconds", type=float, default=8.0, help="length of the sustained, yardstick and screens runs"
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--workers", type=int, default=None, help="server worker processes (default: one per core)")
    parser.add_argument("--threads", type=int, default=None, help="native threads per worker (default: voting serve's)")
    parser.add_argument("--processes", type=int, default=1, help="Locust processes (>1: distributed mode)")
    parser.add_argument("--deputy-users", type=int, default=200, help="concurrent phones in the surge")
    parser.add_argument("--out", type=Path, default=None, help="results directory (default loadtests/results/...)")
    args = parser.parse_args(argv)
    return Options(
        scenario=args.scenario,
        deputies=args.deputies,
        screens=args.screens,
        window=args.window,
        users=args.users,
        seconds=args.seconds,
        db=args.db,
        workers=args.workers,
        threads=args.threads,
        processes=args.processes,
        out=args.out,
        deputy_users=args.deputy_users,
    )


def main(argv: list[str] | None = None) -> int:
    report = run(parse(argv))
    print(summary(report))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
