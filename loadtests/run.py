"""One command for a load test, end to end: ``python -m loadtests.run SCENARIO [options]`` (or ``make load``).

It starts ``voting serve`` with its production settings (one worker process
per core, threaded, group commit) on a fresh temporary database (SQLite, or
``--db postgres``: a throwaway PostgreSQL cluster with ``fsync`` on, or the
server in ``VOTING_TEST_POSTGRES_URL``, in a database of its own that is
dropped afterwards), ``--hosts N`` times as N independent hosts on that one
database with their rate limits in one Redis (``loadtests.stack``), measures
the yardstick (``GET /healthz`` back to back), sets a sitting up through the
API, runs Locust headless on 127.0.0.1 for a bounded time (``--processes N``
for Locust's distributed mode), and then checks through the API and the
database that every ballot that got a receipt is counted exactly once and that
the audit log verifies (``loadtests.checks``).  It prints a summary and exits
non-zero when a target is missed.  Locust's CSV statistics and HTML report go
to ``loadtests/results/<timestamp>-<scenario>/`` (``--out``).

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
  voted, counted and published, then the publication spike;
- ``bodies``: ``--bodies`` congresses of ``--deputies`` deputies and
  ``--screens`` screens each sit in the same window (``loadtests.bodies``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

from loadtests.bodies import run_bodies
from loadtests.checks import verify_audit, verify_shared_limits
from loadtests.report import Options, Report, summary
from loadtests.scenarios import run_scenario, yardstick
from loadtests.sitting import Client, Plan, set_up
from loadtests.stack import PASSWORD, serving

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("surge", "sustained", "screens", "clerks", "publication", "flow", "bodies")

__all__ = ["Options", "Report", "main", "parse", "run", "summary"]


def run(options: Options) -> Report:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = options.out or ROOT / "loadtests" / "results" / f"{stamp}-{options.scenario}-{options.db}"
    out.mkdir(parents=True, exist_ok=True)
    report = Report(options, out)
    if options.scenario == "flow":
        options.deputies -= options.deputies % 3  # the tie needs thirds
    directory = Path(tempfile.mkdtemp(prefix="voting-load-"))
    plan_file = out / "plan.json"
    try:
        with serving(options, directory, out / "server.log") as stack:
            yardstick(report, options, stack)
            if options.scenario == "bodies":
                run_bodies(report, options, stack, plan_file)
            else:
                spare = 20 if options.scenario == "clerks" else 0
                plan = set_up(
                    stack.url, PASSWORD, deputies=options.deputies, spare=spare, tie=options.scenario == "flow"
                )
                Plan.save_all([plan], plan_file)
                clerk = Client(stack.url, plan.clerk_token)
                run_scenario(report, options, stack, plan, plan_file, clerk, directory / "instance-check")
                verify_audit(report, clerk)
            verify_shared_limits(report, stack)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            plan_file.unlink()  # it holds voting codes and tokens of a database now gone
    return report


def parse(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m loadtests.run", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("scenario", choices=SCENARIOS)
    parser.add_argument("--deputies", type=int, default=None, help="deputies (of each body): 3000, or 300 in bodies")
    parser.add_argument("--screens", type=int, default=None, help="hall screens (of each body): 100, or 5 in bodies")
    parser.add_argument("--window", type=float, default=10.0, help="seconds in which the deputies cast (surge)")
    parser.add_argument("--users", type=int, default=32, help="connections of the sustained run and the yardstick")
    parser.add_argument(
        "--seconds", type=float, default=8.0, help="length of the sustained, yardstick and screens runs"
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--hosts", type=int, default=1, help="independent servers on the one database (Redis if >1)")
    parser.add_argument("--bodies", type=int, default=20, help="congresses sitting at once (bodies)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes of each host (default: per core)")
    parser.add_argument("--threads", type=int, default=None, help="native threads per worker (default: voting serve's)")
    parser.add_argument("--processes", type=int, default=1, help="Locust processes (>1: distributed mode)")
    parser.add_argument("--deputy-users", type=int, default=200, help="concurrent phones in the surge")
    parser.add_argument("--out", type=Path, default=None, help="results directory (default loadtests/results/...)")
    args = parser.parse_args(argv)
    bodies = args.scenario == "bodies"
    return Options(
        scenario=args.scenario,
        deputies=args.deputies if args.deputies is not None else (300 if bodies else 3000),
        screens=args.screens if args.screens is not None else (5 if bodies else 100),
        window=args.window,
        users=args.users,
        seconds=args.seconds,
        db=args.db,
        workers=args.workers,
        threads=args.threads,
        processes=args.processes,
        out=args.out,
        deputy_users=args.deputy_users,
        hosts=args.hosts,
        bodies=args.bodies,
    )


def main(argv: list[str] | None = None) -> int:
    report = run(parse(argv))
    print(summary(report))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
