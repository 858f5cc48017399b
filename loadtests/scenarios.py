"""The scenarios of one sitting (docs/performance.md), and the surge and yardstick the bodies scenario shares."""

from __future__ import annotations

import json
from pathlib import Path

from loadtests.checks import verify_published_answers, verify_round
from loadtests.phases import locust
from loadtests.report import P99_TARGET_MS, RATIO_TARGET, SPIKE_P99_TARGET_MS, Options, Phase, Report
from loadtests.sitting import Client, Plan
from loadtests.stack import Stack


def yardstick(report: Report, options: Options, stack: Stack) -> None:
    phase = locust(options, stack, report.out, "yardstick", {"Health": options.users}, run_time=options.seconds)
    report.phases.append(phase)
    report.yardstick_rps = phase.stats.get("healthz", {}).get("Requests/s", 0.0)
    report.check("yardstick ran without errors", phase.failures == 0, f"{phase.failures} failures")


def receipts_of(phase: Phase, round_number: int, prefix: str | None = None) -> list[str]:
    """The receipts the deputies got in a round (of the body at ``prefix`` only, if given)."""
    return [
        r["receipt"]
        for r in phase.receipts
        if r["round"] == round_number and (prefix is None or r.get("body", "") == prefix)
    ]


def surge(
    report: Report,
    options: Options,
    stack: Stack,
    plan_file: Path,
    *,
    round_number: int = 1,
    extra: dict[str, int] | None = None,
    deputy_users: int | None = None,
) -> Phase:
    """All deputies (of every body that sits) cast within the window, paced, while the screens (and whoever else) poll."""
    everyone = options.deputies * options.sittings
    rate = everyone / options.window
    deputy_users = deputy_users or min(options.deputy_users, everyone)
    screens = options.screens * options.sittings
    users = {"Deputy": deputy_users, **({"Screen": screens} if screens else {}), **(extra or {})}
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
    got = receipts_of(phase, round_number)
    report.check(f"{name}: every deputy got a receipt", len(got) == everyone, f"{len(got)} of {everyone}")
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


def run_scenario(
    report: Report, options: Options, stack: Stack, plan: Plan, plan_file: Path, clerk: Client, instance: Path
) -> None:
    """The scenario ``options.scenario`` on the default body's sitting; ``instance``: a folder for the runner's own app."""
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
        verify_round(report, stack, clerk, plan, receipts_of(phase, 1), "sustained")
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
        verify_round(report, stack, clerk, plan, receipts_of(phase, 1), "screens")
    elif scenario == "clerks":
        phase = surge(report, options, stack, plan_file, extra={"Clerk": 2})
        verify_round(report, stack, clerk, plan, receipts_of(phase, 1), "clerks")
    elif scenario == "surge":
        phase = surge(report, options, stack, plan_file)
        verify_round(report, stack, clerk, plan, receipts_of(phase, 1), "surge")
    elif scenario == "publication":
        phase = surge(report, options, stack, plan_file)
        verify_round(report, stack, clerk, plan, receipts_of(phase, 1), "round 1")
        _publish_and_spike(report, options, stack, plan, plan_file, clerk, receipts_of(phase, 1))
        verify_published_answers(report, stack, plan, instance)
    elif scenario == "flow":
        _flow(report, options, stack, plan, plan_file, clerk)
        verify_published_answers(report, stack, plan, instance)
    else:
        raise SystemExit(f"loadtests: no scenario {scenario!r}")


def _flow(report: Report, options: Options, stack: Stack, plan: Plan, plan_file: Path, clerk: Client) -> None:
    """Round 1 ends in a tie at the cut-off, the tie-break round is voted, counted and published, then the spike."""
    first = surge(report, options, stack, plan_file, round_number=1)
    verify_round(report, stack, clerk, plan, receipts_of(first, 1), "round 1")
    counted = clerk.get(f"/api/v1/rounds/{plan.round_id}")
    runoff = (counted.get("result") or {}).get("runoff") or {}
    report.check("round 1 ends in a tie at the cut-off", runoff.get("reason") == "tie", json.dumps(runoff))
    if runoff.get("reason") != "tie":
        return  # not every deputy voted in round 1: there is no tie-break round to hold
    opened = clerk.post(f"/api/v1/votes/{plan.vote_id}/rounds")
    plan.round_id, plan.seats, plan.projects = opened["id"], opened["seats"], list(opened["projects"])
    Plan.save_all([plan], plan_file)
    second = surge(report, options, stack, plan_file, round_number=2)
    verify_round(report, stack, clerk, plan, receipts_of(second, 2), "round 2 (tie-break)")
    _publish_and_spike(report, options, stack, plan, plan_file, clerk, receipts_of(second, 2))


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
    # The yardstick of the same shape: as many clients in the same second, each asking /healthz twice.
    floor = locust(options, stack, report.out, "spike yardstick", {"PublicHealth": everyone}, run_time=15)
    report.phases.append(floor)
    for name, same in (("result", "healthz (1st)"), ("receipt check", "healthz (2nd)")):
        p99 = phase.stats.get(name, {}).get("99%", 0.0)
        yardstick = floor.stats.get(same, {}).get("99%", 0.0)
        report.check(
            f"publication: {name} p99 under {SPIKE_P99_TARGET_MS:g} ms",
            0 < p99 < SPIKE_P99_TARGET_MS,
            f"{p99:g} ms (/healthz in the same shape: {yardstick:g} ms)",
        )
