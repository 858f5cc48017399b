"""How ``voting simulate`` shows a distribution: a table for the terminal, CSV, an SVG chart, a progress bar.

The chart is SVG written by hand (no plotting library): one horizontal bar per
project, its length the share of simulated votes in which the project won a
seat, with the share written at the bar's end.
"""

from __future__ import annotations

import csv
import io
import time
from html import escape
from typing import TextIO

from voting.simulation.run import Distribution, Status


def _percent(share: float) -> str:
    return f"{100 * share:.1f}%"


def table(dist: Distribution) -> str:
    """The distribution as plain text for a terminal."""
    scenario = dist.scenario
    rules = scenario.rules
    lines = [
        f"Scenario {scenario.name}: {dist.runs:,} simulated votes, seed {dist.seed}",
        f"{scenario.deputies} deputies, {scenario.candidates} candidates, {rules.seats} seats; "
        f"threshold more than {rules.threshold_fraction} of {rules.threshold_basis.value.replace('_', ' ')}; "
        f"tie: {rules.tie_policy.value}, shortfall: {rules.shortfall_policy.value}",
        "",
        f"{'Project':>7}  {'Selected':>9}  {'Share':>6}  {'1st-round approvals (mean)':>26}  Name",
    ]
    for n in scenario.projects:
        count = dist.selected[n - 1]
        lines.append(
            f"{n:>7}  {count:>9,}  {_percent(dist.share(count)):>6}  "
            f"{dist.first_round_mean[n - 1]:>26.1f}  {scenario.project_name(n)}"
        )
    lines += ["", f"{'Rounds':>7}  {'Votes':>9}  {'Share':>6}"]
    lines += [f"{r:>7}  {count:>9,}  {_percent(dist.share(count)):>6}" for r, count in dist.rounds.items()]
    lines.append("")
    for kind, count in dist.runoffs.items():
        label = kind.value.replace("_", "-")
        lines.append(f"Votes needing a {label} round: {count:,} ({_percent(dist.share(count))})")
    undecided = dist.status[Status.UNDECIDED]
    lines.append(
        f"Undecided after {scenario.max_rounds} rounds: {undecided:,} ({_percent(dist.share(undecided))}); "
        f"no quorum: {dist.status[Status.NO_QUORUM]:,}"
    )
    summary = dist.margin_summary()
    if summary is not None:
        lines.append(
            f"Margin at the cut-off (1st round, seat {rules.seats} minus the first left out): "
            f"mean {summary['mean']:.1f}, 5% {summary['p05']}, median {summary['median']}, "
            f"95% {summary['p95']}, min {summary['min']}, max {summary['max']}; "
            f"tied at the cut-off {_percent(summary['tie_share'])}"
        )
    filled = ", ".join(f"{k}: {_percent(dist.share(count))}" for k, count in sorted(dist.seats_filled.items()))
    lines.append(f"Seats filled: {filled}")
    lines.append(f"Invalid ballots per vote (mean, all rounds): {dist.invalid_mean:.2f}")
    return "\n".join(lines) + "\n"


def csv_text(dist: Distribution) -> str:
    """The whole distribution as one long table: ``measure,value,votes,share``, a row per outcome."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["measure", "value", "votes", "share"])

    def row(measure: str, value: object, count: int) -> None:
        writer.writerow([measure, value, count, f"{dist.share(count):.6f}"])

    for n in dist.scenario.projects:
        row("selected", n, dist.selected[n - 1])
    for status, count in dist.status.items():
        row("status", status.value, count)
    for rounds, count in dist.rounds.items():
        row("rounds", rounds, count)
    for kind, count in dist.runoffs.items():
        row("runoff", kind.value, count)
    for margin, count in dist.margins.items():
        row("margin", margin, count)
    for filled, count in dist.seats_filled.items():
        row("seats_filled", filled, count)
    return out.getvalue()


def svg_chart(dist: Distribution) -> str:
    """A horizontal bar chart of each project's selection share, as a standalone SVG document."""
    scenario = dist.scenario
    label_width, bar_width, row_height, top, left_pad = 260, 400, 26, 56, 12
    height = top + row_height * scenario.candidates + 40
    width = left_pad + label_width + bar_width + 80
    x0 = left_pad + label_width
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Noto Sans CJK SC, Noto Sans, sans-serif" font-size="13">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{left_pad}" y="22" font-size="16" font-weight="bold">'
        f"{escape(scenario.name)}: how often each project is selected</text>",
        f'<text x="{left_pad}" y="40" fill="#555555">{dist.runs:,} simulated votes, seed {dist.seed}, '
        f"{scenario.deputies} deputies, {scenario.rules.seats} seats of {scenario.candidates}</text>",
    ]
    bottom = top + row_height * scenario.candidates
    for tick in (0, 25, 50, 75, 100):
        x = x0 + bar_width * tick / 100
        parts.append(f'<line x1="{x:g}" y1="{top - 4}" x2="{x:g}" y2="{bottom}" stroke="#dddddd"/>')
        parts.append(f'<text x="{x:g}" y="{bottom + 16}" text-anchor="middle" fill="#555555">{tick}%</text>')
    for index, n in enumerate(scenario.projects):
        share = dist.share(dist.selected[n - 1])
        y = top + row_height * index
        label = f"{n}. {scenario.project_name(n)}" if scenario.project_names else scenario.project_name(n)
        parts.append(
            f'<text x="{x0 - 8}" y="{y + 17}" text-anchor="end"><title>{escape(label)}</title>'
            f"{escape(label if len(label) <= 30 else label[:29] + '…')}</text>"
        )
        parts.append(
            f'<rect x="{x0}" y="{y + 5}" width="{bar_width * share:.1f}" height="{row_height - 10}" fill="#3b6ea5">'
            f"<title>{escape(label)}: {_percent(share)}</title></rect>"
        )
        parts.append(f'<text x="{x0 + bar_width * share + 6:.1f}" y="{y + 17}">{_percent(share)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


class Progress:
    """A progress bar on standard error: redrawn in place on a terminal, a few plain lines otherwise."""

    WIDTH = 30

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self.tty = stream.isatty()
        self.start = time.perf_counter()
        self.next_line = 0.25

    def __call__(self, done: int, total: int) -> None:
        fraction = done / total
        elapsed = time.perf_counter() - self.start
        if self.tty:
            filled = round(self.WIDTH * fraction)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(f"\r{self.label} [{bar}] {done:,}/{total:,} {elapsed:.1f} s")
            if done == total:
                self.stream.write("\n")
        elif fraction >= self.next_line or done == total:
            self.stream.write(f"{self.label}: {done:,}/{total:,} votes ({elapsed:.1f} s)\n")
            while self.next_line <= fraction:
                self.next_line += 0.25
        self.stream.flush()
