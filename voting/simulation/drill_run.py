"""Running a drill (演练脚本) on a server, round by round as its script says, and checking the outcome it promised.

``voting drill NAME`` runs it over HTTP, the clerk console's
``POST /api/v1/drills/{name}/run`` in process: the same ``run_drill`` and
``check`` either way, through a ``Sitting`` (``voting.simulation.sitting``).
The drill file and what it may say: ``voting.simulation.drill``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from voting.language import translations
from voting.simulation.drill import Drill, Group, RoundScript, parse_projects
from voting.simulation.sitting import Say, Sitting, create_sitting, describe
from voting.simulation.transport import ApiError, RehearsalError, Transport


@dataclass
class RoundOutcome:
    round: dict[str, Any]
    """The counted round as the server gives it (GET /rounds/{id})."""
    turnout: dict[str, Any]
    code_refused: str | None = None


@dataclass
class DrillReport:
    drill: str
    seed: int
    vote_id: int
    meeting_id: int
    open_refused: str | None = None
    rounds: list[RoundOutcome] = field(default_factory=list)
    result: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "drill": self.drill,
            "seed": self.seed,
            "vote_id": self.vote_id,
            "meeting_id": self.meeting_id,
            "open_refused": self.open_refused,
            "rounds": [
                {
                    "number": r.round["number"],
                    "kind": r.round["kind"],
                    "ballots_issued": r.round["ballots_issued"],
                    "result": r.round["result"],
                    "electronic": r.turnout["electronic"],
                    "paper": r.turnout["paper_entered"],
                    "code_refused": r.code_refused,
                }
                for r in self.rounds
            ],
            "selected": self.result["selected"] if self.result else [],
            "decided": bool(self.result and self.result["decided"]),
            "vacant": self.result["vacant"] if self.result else 0,
        }


def _ballots(groups: tuple[Group, ...]) -> list[tuple[int, ...]]:
    return [g.approvals for g in groups for _ in range(g.count)]


def run_drill(client: Transport, drill: Drill, *, seed: int, second: Transport | None, say: Say) -> DrillReport:
    """Set up a training vote and play the drill's script on it, round by round, as the clerks would."""
    if drill.needs_paper and second is None:
        raise RehearsalError(
            f"drill {drill.name} enters paper ballots, which two clerks enter: give a second clerk (--second-user)"
        )
    candidate = translations("zh").gettext("Candidate project %(number)s")  # a title_zh, as the sitting's title is
    sitting = create_sitting(
        client,
        title=drill.title_zh,
        deputies=drill.deputies,
        template=drill.template,
        candidates=[candidate % {"number": n} for n in range(1, drill.candidates + 1)],
        rules=drill.rules,
        say=say,
        second=second,
    )
    report = DrillReport(drill.name, seed, sitting.vote_id, sitting.meeting_id)
    order = list(range(1, drill.deputies + 1))
    random.Random(seed).shuffle(order)  # noqa: S311  (which simulated deputy does what: not a secret)
    present = order[: drill.present]
    sitting.check_in(sorted(present))
    sitting.issue_codes(sorted(present))
    say(f"{drill.present} of {drill.deputies} deputies checked in and given voting codes")
    for script in drill.rounds:
        try:
            round_ = sitting.open_round()
        except ApiError as exc:
            report.open_refused = exc.code or str(exc.status)
            say(f"the round may not open: {exc}")
            return report
        round_id = round_["id"]
        say(f"round {round_['number']} ({round_['kind']}) open: {round_['ballots_issued']} ballots issued")
        code_refused = _play_round(sitting, round_id, script, iter(present), say)
        turnout = sitting.turnout(round_id)
        counted = sitting.close_and_count(round_id)
        say(describe(counted))
        report.rounds.append(RoundOutcome(counted, turnout, code_refused))
        if counted["result"]["runoff"] is None:
            break
    if report.rounds:
        report.result = sitting.result()
        result = report.result
        state = "decided" if result["decided"] else "not decided"
        say(f"vote {sitting.vote_id} {state}: selected {sorted(result['selected'])}, vacant {result['vacant']}")
    return report


def _play_round(sitting: Sitting, round_id: int, script: RoundScript, voters: Iterator[int], say: Say) -> str | None:
    """Cast and enter the round's scripted ballots; the error code a voting code met after paper was given, if any."""
    electronic = 0
    for approvals in _ballots(script.electronic):
        sitting.cast(next(voters), approvals)
        electronic += 1
    say(f"  {electronic} electronic ballots cast")
    code_refused = None
    paper = _ballots(script.paper)
    if script.electronic_fails:
        issued = sitting.issue_paper(round_id)
        say(f"  the electronic path fails: {issued} paper ballots given to every deputy who has not voted")
        holder = next(voters)
        try:
            sitting.cast(holder, paper[0] if paper else ())
        except ApiError as exc:
            code_refused = exc.code
            say(f"  deputy {holder}'s voting code is refused now ({exc.code}): one deputy, one ballot")
        else:
            raise RehearsalError(f"deputy {holder} cast electronically after being given a paper ballot")
    elif paper:
        holders = [next(voters) for _ in paper]
        sitting.issue_paper(round_id, sorted(holders))
        say(f"  {len(holders)} paper ballots issued")
    extra = _ballots(script.extra_paper)
    if paper or extra:
        entered = sitting.enter_paper(round_id, paper + extra)
        note = f" ({len(extra)} of them never issued)" if extra else ""
        say(f"  {entered} paper ballots entered by two clerks and accepted{note}")
    return code_refused


def _tied(result: dict[str, Any]) -> list[int]:
    return [p["number"] for p in result["projects"] if p["status"] == "tied"]


def check(drill: Drill, report: DrillReport) -> list[str]:
    """Where the server's outcome differs from the drill's promise (empty: as promised)."""
    expect = drill.expect
    problems: list[str] = []

    def compare(what: str, expected: Any, actual: Any) -> None:
        if expected != actual:
            problems.append(f"{what}: expected {expected!r}, got {actual!r}")

    compare("open refused", expect.get("open_refused"), report.open_refused)
    expected_rounds = expect.get("rounds", [])
    compare("rounds held", len(expected_rounds), len(report.rounds))
    for index, (wanted, outcome) in enumerate(zip(expected_rounds, report.rounds, strict=False), start=1):
        result = outcome.round["result"]
        runoff = result["runoff"]
        actual: dict[str, Any] = {
            "kind": outcome.round["kind"],
            "runoff": runoff["reason"] if runoff else None,
            "tied": _tied(result),
            "selected": result["selected"],
            "void": result["void"],
            "electronic": outcome.turnout["electronic"],
            "paper": outcome.turnout["paper_entered"],
            "code_refused": outcome.code_refused,
        }
        for key, value in wanted.items():
            if key == "ballots":
                compare(f"round {index} ballots", value, {k: result["ballots"][k] for k in value})
            elif key in ("tied", "selected"):
                compare(f"round {index} {key}", sorted(parse_projects(value, key)), sorted(actual[key]))
            else:
                compare(f"round {index} {key}", value, actual[key])
    if "selected" in expect:
        chosen = sorted(report.result["selected"]) if report.result else []
        compare("selected", sorted(parse_projects(expect["selected"], "selected")), chosen)
    if "decided" in expect:
        compare("decided", expect["decided"], bool(report.result and report.result["decided"]))
    if "vacant" in expect:
        compare("vacant", expect["vacant"], report.result["vacant"] if report.result else 0)
    return problems
