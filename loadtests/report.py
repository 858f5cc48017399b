"""A load run's options, what it measured and checked, and the summary it prints."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

P99_TARGET_MS = 300.0
SPIKE_P99_TARGET_MS = 1000.0
"""The publication spike: everyone fetches the result and checks a receipt within a second (DESIGN 6)."""
RATIO_TARGET = 0.5


@dataclass
class Options:
    scenario: str
    deputies: int = 3000
    """Deputies of the sitting (in the bodies scenario: of each body)."""
    screens: int = 100
    """Hall screens (in the bodies scenario: of each body)."""
    window: float = 10.0
    users: int = 32
    """Connections of the sustained run and of the yardstick."""
    seconds: float = 8.0
    """How long the sustained run, the yardstick and the screens scenario last at most."""
    db: str = "sqlite"
    workers: int | None = None
    """Worker processes of each host."""
    threads: int | None = None
    processes: int = 1
    out: Path | None = None
    deputy_users: int = 200
    """Concurrent phones in the surge (each casts many deputies' ballots, paced)."""
    hosts: int = 1
    """Independent ``voting serve`` processes on the one database, the Locust users spread over them."""
    bodies: int = 20
    """Congresses sitting at once (the bodies scenario)."""

    @property
    def sittings(self) -> int:
        """How many bodies sit: ``bodies`` in the bodies scenario, the default body alone in the others."""
        return self.bodies if self.scenario == "bodies" else 1


@dataclass
class Phase:
    """One Locust run: its statistics per request name (from the CSV) and its receipts."""

    name: str
    stats: dict[str, dict[str, float]]
    failures: int
    receipts: list[dict[str, Any]] = field(default_factory=list)
    server_cpu: float = 0.0
    """CPU seconds the server (every host) used during the run."""
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
    """Round number -> ballots in its published list (in the bodies scenario: summed over the bodies)."""

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def check(self, what: str, ok: bool, detail: str = "") -> None:
        self.checks.append(Check(what, ok, detail))


def summary(report: Report) -> str:
    o = report.options
    load = os.getloadavg()[0]
    bodies = f"{o.bodies} bodies of " if o.scenario == "bodies" else ""
    lines = [
        f"load test {o.scenario} on {o.db}, {o.hosts} host(s): {bodies}{o.deputies} deputies, {o.screens} screens, "
        f"window {o.window:g} s; {os.cpu_count()} cores, load {load:.2f}; Locust processes {o.processes}",
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
