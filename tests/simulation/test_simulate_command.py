"""``voting simulate``, run as the installed console script, as a trainer would."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from tests.simulation.support import scenario_dict
from tests.support.cli import voting
from voting.simulation.report import Progress

pytestmark = pytest.mark.slow  # each test runs the installed voting command

SVG = "{http://www.w3.org/2000/svg}"


def test_simulate_prints_the_table_and_writes_json_csv_and_svg(tmp_path: Path) -> None:
    files = {kind: tmp_path / f"out.{kind}" for kind in ("json", "csv", "svg")}
    done = voting(
        "simulate", "gongshu-2020", "--runs", "600", "--seed", "3",
        "--json", str(files["json"]), "--csv", str(files["csv"]), "--chart", str(files["svg"]),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr

    lines = done.stdout.splitlines()
    assert lines[0] == "Scenario gongshu-2020: 600 simulated votes, seed 3"
    rows = [line.split() for line in lines if line[:7].strip().isdigit() and "%" in line]
    assert [int(row[0]) for row in rows[:12]] == list(range(1, 13))  # every project, in order
    assert rows[11][-1] == "医疗设施提升项目"
    assert "Votes needing a tie-break round:" in done.stdout
    assert "Margin at the cut-off" in done.stdout
    # Standard error is not a terminal here: a few plain progress lines, no carriage returns.
    assert "simulating gongshu-2020: 600/600 votes" in done.stderr
    assert "\r" not in done.stderr

    result = json.loads(files["json"].read_text("utf-8"))
    assert result["runs"] == 600
    assert result["seed"] == 3
    assert [p["number"] for p in result["projects"]] == list(range(1, 13))
    assert sum(result["rounds"].values()) + result["status"]["no_quorum"] == 600
    # The shipped Gongshu scenario is shaped so that 11 and 12 are the usual losers.
    shares = {p["number"]: p["selected_share"] for p in result["projects"]}
    assert max(shares[11], shares[12]) < 0.25 < 0.75 < min(shares[n] for n in range(1, 11))
    for row, project in zip(rows[:12], result["projects"], strict=True):
        assert int(row[1].replace(",", "")) == project["selected"]

    table = list(csv.DictReader(io.StringIO(files["csv"].read_text("utf-8"))))
    selected = {int(r["value"]): int(r["votes"]) for r in table if r["measure"] == "selected"}
    assert selected == {p["number"]: p["selected"] for p in result["projects"]}
    rounds = {r["value"]: int(r["votes"]) for r in table if r["measure"] == "rounds"}
    assert rounds == result["rounds"]
    margins = {r["value"]: int(r["votes"]) for r in table if r["measure"] == "margin"}
    assert margins == result["margin"]["counts"]
    assert {r["measure"] for r in table} == {"selected", "status", "rounds", "runoff", "margin", "seats_filled"}

    svg = ET.fromstring(files["svg"].read_text("utf-8"))
    assert svg.tag == f"{SVG}svg"
    bars = [r for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 12
    widths = [float(bar.attrib["width"]) for bar in bars]
    assert widths[0] == max(widths) > widths[11]
    assert any("".join(t.itertext()).endswith("1. 回迁安置项目") for t in svg.iter(f"{SVG}text"))


def test_the_same_seed_prints_the_same_distribution(tmp_path: Path) -> None:
    data = scenario_dict(turnout={"absent": 0.05, "late": 0.05}, spoiled=0.02)
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    runs = [voting("simulate", str(path), "--runs", "300", "--seed", seed) for seed in ("9", "9", "10")]
    assert all(run.returncode == 0 for run in runs), [run.stderr for run in runs]
    assert runs[0].stdout == runs[1].stdout
    assert runs[0].stdout != runs[2].stdout


def test_simulate_refuses_a_bad_scenario_naming_the_key(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(scenario_dict(spoiled=1.5)), encoding="utf-8")
    done = voting("simulate", str(path))
    assert done.returncode == 1
    assert done.stdout == ""
    assert "voting: spoiled: must be a probability from 0 to less than 1, not 1.5" in done.stderr

    unknown = voting("simulate", "atlantis")
    assert unknown.returncode == 1
    assert "'atlantis' is neither a file nor a shipped scenario" in unknown.stderr

    png = voting("simulate", "gongshu-2020", "--chart", str(tmp_path / "chart.png"))
    assert png.returncode == 2
    assert "name a .svg file" in png.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_redraws_in_place_on_a_terminal() -> None:
    terminal = _Terminal()
    progress = Progress(terminal, "simulating")
    for done in (250, 500, 750, 1000):
        progress(done, 1000)
    text = terminal.getvalue()
    assert text.count("\r") == 4
    assert "[" + "#" * 30 + "] 1,000/1,000" in text
    assert text.endswith("\n")

    plain = io.StringIO()
    progress = Progress(plain, "simulating")
    for done in range(100, 1001, 100):
        progress(done, 1000)
    assert len(plain.getvalue().splitlines()) == 4  # at a quarter, half, three quarters and the end
