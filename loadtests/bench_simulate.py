"""Benchmark of ``voting simulate`` (Training issue, item 3: 10,000 votes of 250 deputies in under 10 s).

Run as ``.venv/bin/python loadtests/bench_simulate.py [--runs 10000] [--repeat 3] [--scenario gongshu-2020]``.
It prints, after the machine, the commit, the load average and the date:

- the ``voting simulate`` command as a subprocess (wall time, interpreter start,
  imports and the JSON output included): what a trainer waits for; the target
  is under 10 s for 10,000 votes of the shipped gongshu-2020 scenario
  (250 deputies, 12 candidates, 10 seats);
- ``simulate()`` in-process: the simulation alone, and the votes per second;
- command start-up (``voting --help``): the fixed part of the wait.

Each figure is the best of ``--repeat`` runs.  A benchmark, not a test: it exits
0 whatever the figures, non-zero only if the command fails or its output is not
the distribution of ``--runs`` votes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from voting.simulation import load, simulate

TARGET_S = 10.0


def machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{cores} cores (nproc), {platform.python_implementation()} {platform.python_version()}, {platform.platform()}"
    )


def commit() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=Path(__file__).parent, capture_output=True, text=True
    )
    return done.stdout.strip() if done.returncode == 0 else "unknown (not a git checkout)"


def best_of(repeat: int, run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000, help="simulated votes (default 10,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is kept (default 3)")
    parser.add_argument(
        "--scenario", default="gongshu-2020", help="a shipped scenario or a file (default gongshu-2020)"
    )
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    print(f"machine: {machine()}")
    print(f"code: {commit()}")
    print(f"load: {os.getloadavg()[0]:.2f} (1-minute load average at start)")
    print(f"date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}")
    scenario = load(options.scenario)
    print(
        f"scenario: {scenario.name}, {scenario.deputies} deputies, {scenario.candidates} candidates, "
        f"{scenario.rules.seats} seats; {options.runs:,} votes, seed {options.seed}"
    )

    voting = shutil.which("voting", path=os.path.dirname(sys.executable)) or "voting"
    with tempfile.TemporaryDirectory(prefix="bench_simulate_") as folder:
        output = Path(folder) / "distribution.json"
        args = [voting, "simulate", options.scenario, "--runs", str(options.runs), "--seed", str(options.seed)]

        def command() -> None:
            done = subprocess.run([*args, "--json", str(output)], capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"bench_simulate: voting simulate failed ({done.returncode}): {done.stderr.strip()}")
            if json.loads(output.read_text("utf-8"))["runs"] != options.runs:
                sys.exit("bench_simulate: the command's JSON is not the distribution of the votes asked for")

        wall = best_of(options.repeat, command)
    in_process = best_of(options.repeat, lambda: simulate(scenario, options.runs, options.seed))
    startup = best_of(options.repeat, lambda: subprocess.run([voting, "--help"], capture_output=True, check=True))

    print(f"voting simulate command (subprocess, wall): {wall:.2f} s")
    print(f"simulate() in-process: {in_process:.2f} s ({options.runs / in_process:,.0f} votes/s)")
    print(f"command start-up (voting --help, wall): {startup:.2f} s")
    print(f"target, command under {TARGET_S:g} s for {options.runs:,} votes: {'PASS' if wall < TARGET_S else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
