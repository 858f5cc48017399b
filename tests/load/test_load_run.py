"""The load test's machinery, run small inside the suite: exactly-once counting and the audit log, not speed.

``loadtests.run`` starts a real ``voting serve`` on a database of its own (a
temporary SQLite file, or a fresh database on the test run's PostgreSQL
server), sets a sitting up through the API, runs Locust headless, and checks
through the API and the database that every receipt is counted exactly once.
Here with thirty deputies and a few screens: the whole flow (a tie at the
cut-off, the tie-break round, publication and the spike of everyone fetching
the result), and the clerks' scenario (late check-ins entered on paper twice
and accepted while deputies cast).  Then the same on two hosts (two ``voting
serve`` on the one database, their rate limits in one Redis): the flow, whose
published answers every host must give as the database has them, and three
bodies sitting at once, each receipt counted once in its own body's list.  The
speed targets are the job of the real runs (docs/performance.md); these checks
hold at any speed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loadtests.run import Options, Report, run, summary

pytestmark = pytest.mark.slow  # Locust against a real server

SPEED = ("p99 under", "within the window", "x /healthz")


def small(scenario: str, db_kind: str, out: Path, **more: int) -> Report:
    options = Options(
        scenario=scenario,
        deputies=30,
        screens=3,
        window=2,
        users=4,
        seconds=1,
        db=db_kind,
        workers=2,
        deputy_users=10,
        out=out,
    )
    for name, value in more.items():
        setattr(options, name, value)
    return run(options)


def correctness(report: Report) -> dict[str, bool]:
    return {c.what: c.ok for c in report.checks if not any(word in c.what for word in SPEED)}


@pytest.mark.parametrize("scenario", ["flow", "clerks"])
def test_a_small_load_run_counts_every_receipt_once(scenario: str, db_kind: str, tmp_path: Path) -> None:
    report = small(scenario, db_kind, tmp_path / scenario)
    text = summary(report)
    checks = correctness(report)
    assert all(checks.values()), text
    # The checks that matter were made, with the numbers of this run.
    assert any("every receipt counted exactly once" in what for what in checks), text
    assert "audit log verifies" in checks, text
    assert any("no ballot without a receipt" in what for what in checks), text
    if scenario == "flow":
        assert checks["round 1 ends in a tie at the cut-off"], text
        assert report.counted == {1: 30, 2: 30}, text
        assert checks["publication: everyone fetched the result"], text
    else:
        listed = report.counted[1]
        assert listed > 30, f"no paper ballot was entered during the load:\n{text}"
    # Locust wrote its statistics and report; the plan (codes and tokens) is gone.
    assert (report.out / "surge-round1" / "locust_stats.csv").exists()
    assert (report.out / "surge-round1" / "locust.html").exists()
    assert not (report.out / "plan.json").exists()


def test_two_hosts_count_every_receipt_once_and_answer_as_the_database(db_kind: str, tmp_path: Path) -> None:
    report = small("flow", db_kind, tmp_path / "flow", hosts=2, workers=1)
    text = summary(report)
    checks = correctness(report)
    assert all(checks.values()), text
    assert report.counted == {1: 30, 2: 30}, text
    assert checks["every host's published answers are the database's"], text
    assert checks["the hosts' rate limits count in their one Redis"], text
    # Two hosts served the run, each its own `voting serve`.
    assert (report.out / "server.log").read_text("utf-8").count("serving on") == 2, text


def test_bodies_sitting_at_once_on_two_hosts_count_each_receipt_in_its_own_list(db_kind: str, tmp_path: Path) -> None:
    report = small("bodies", db_kind, tmp_path / "bodies", hosts=2, workers=1, bodies=3, deputies=20, screens=2)
    text = summary(report)
    checks = correctness(report)
    assert all(checks.values()), text
    assert report.counted == {1: 60}, text
    for body in ("/b/load01", "/b/load02", "/b/load03"):
        assert checks[f"{body}: every receipt counted exactly once"], text
        assert checks[f"{body}: its audit log verifies"], text
    assert checks["no body's receipt is in another body's ballot list"], text
    assert checks["the hosts' rate limits count in their one Redis"], text
