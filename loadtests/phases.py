"""One headless Locust run against the hosts, and its statistics read back from Locust's final JSON."""

from __future__ import annotations

import csv
import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from loadtests.report import Options, Phase
from loadtests.stack import Stack

ROOT = Path(__file__).resolve().parents[1]
LOCUST = str(Path(sys.executable).parent / "locust")
LOCUSTFILE = str(ROOT / "loadtests" / "locustfile.py")


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
    """One headless Locust run of the given user classes (name -> how many), bounded by ``run_time``.

    Every host is named in ``LOAD_HOSTS``: the users spread over them (``loadtests.locustfile.OnHost``).
    """
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
        "LOAD_HOSTS": ",".join(stack.urls),
        **{f"LOAD_{cls.upper()}_USERS": str(count) for cls, count in users.items()},
        **(env or {}),
    }
    server_before = stack.cpu_seconds()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    with (phase_dir / "locust.log").open("wb") as log:
        subprocess.run(
            command, env=locust_env, stdout=log, stderr=subprocess.STDOUT, check=False, timeout=run_time + 120
        )
    wall = time.monotonic() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    locust_cpu = (children.ru_utime + children.ru_stime) - (children_before.ru_utime + children_before.ru_stime)
    server_cpu = stack.cpu_seconds() - server_before
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
