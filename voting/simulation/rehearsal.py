"""Rehearsal (演练): a scenario's simulated deputies vote in a training vote on a running server, at a pace.

``rehearse`` draws the ballots from a scenario's behaviour model exactly as
``voting simulate`` does for the first vote of a run with the same seed
(``voting.simulation.run``), so that a rehearsal's count is the simulator's;
it runs them through a ``Sitting`` (``voting.simulation.sitting``), as a
drill does.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from voting.simulation.models import round_ballots, spoil
from voting.simulation.run import _Block
from voting.simulation.scenario import Scenario
from voting.simulation.sitting import (
    GONGSHU_TEMPLATE,
    Say,
    Sitting,
    attach_sitting,
    create_sitting,
    describe,
    quiet,
)
from voting.simulation.transport import ApiError, RehearsalError, Transport


@dataclass
class RoundReport:
    round: dict[str, Any]
    electronic: int
    paper: int
    seconds: float


@dataclass
class Rehearsal:
    vote_id: int
    meeting_id: int
    rounds: list[RoundReport]
    left_open: bool
    result: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "vote_id": self.vote_id,
            "meeting_id": self.meeting_id,
            "left_open": self.left_open,
            "rounds": [
                {"round": r.round, "electronic": r.electronic, "paper": r.paper, "seconds": round(r.seconds, 3)}
                for r in self.rounds
            ],
            "selected": self.result["selected"] if self.result else None,
            "decided": self.result["decided"] if self.result else False,
        }


def with_deputies(scenario: Scenario, deputies: int | None) -> Scenario:
    """The scenario with another number of deputies (its blocs must fit)."""
    if deputies is None or deputies == scenario.deputies:
        return scenario
    in_blocs = sum(b.deputies for b in scenario.population.blocs)
    if in_blocs > deputies:
        raise RehearsalError(f"the scenario's blocs hold {in_blocs} deputies, more than {deputies}")
    return replace(scenario, deputies=deputies, population=replace(scenario.population, deputies=deputies))


def _paced(items: Sequence[tuple[int, Any]], seconds: float, act: Callable[[int, Any], object]) -> float:
    """Do ``act`` for each item, spread evenly over ``seconds``; returns the time it took."""
    start = time.monotonic()
    count = len(items)
    for index, (number, item) in enumerate(items):
        due = start + seconds * index / max(1, count)
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        act(number, item)
    return time.monotonic() - start


def rehearse(
    client: Transport,
    scenario: Scenario,
    *,
    seed: int,
    over: float,
    leave_open: bool = False,
    max_rounds: int | None = None,
    vote_id: int | None = None,
    second: Transport | None = None,
    say: Say = quiet,
) -> Rehearsal:
    """Run a training vote with the scenario's simulated deputies, each round's ballots cast over ``over`` seconds.

    The ballots are those ``voting simulate SCENARIO --seed SEED`` draws for its
    first vote: who is absent or late, what each deputy approves, whose paper
    ballot is spoiled, round by round.  Spoiled ballots are paper ballots with
    too many marks, entered by two clerks; without a second clerk those deputies
    vote electronically by their preferences instead (and the count may differ
    from the simulator's).
    """
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))
    block = _Block.draw(scenario, rng)  # the very draws of ``simulate``'s first vote with this seed
    first, later = block.first[0], block.later[0]
    order = np.random.default_rng(seed).permutation(scenario.deputies) + 1  # who casts when: looks live
    sitting = _sitting_for(client, scenario, seed=seed, vote_id=vote_id, second=second, say=say)
    arrived = [int(n) for n in order if first[n - 1]]
    late = [int(n) for n in order if later[n - 1] and not first[n - 1]]
    checked = sitting.attendance(arrived)
    sitting.issue_codes(sorted(arrived))
    say(f"{checked} of {scenario.deputies} deputies checked in, codes issued; {len(late)} will come late")
    rounds: list[RoundReport] = []
    cap = max_rounds or scenario.max_rounds
    projects, seats = list(scenario.projects), scenario.rules.seats
    while True:
        round_ = _open(sitting, say)
        if round_ is None:
            return Rehearsal(sitting.vote_id, sitting.meeting_id, rounds, False, None)
        voters = arrived if not rounds else [int(n) for n in order if later[n - 1]]
        ballots, spoilt = _drawn(block, scenario, voters, projects, seats, first_round=not rounds)
        report = _vote_round(sitting, round_, voters, ballots, spoilt, projects, over=over, say=say)
        if leave_open:
            say(f"round {round_['number']} (id {round_['id']}) left open for the clerks to close and count")
            rounds.append(report)
            return Rehearsal(sitting.vote_id, sitting.meeting_id, rounds, True, None)
        counted = sitting.close_and_count(round_["id"])
        say(describe(counted))
        rounds.append(replace(report, round=counted))
        runoff = counted["result"]["runoff"]
        if runoff is None or len(rounds) >= cap:
            break
        projects, seats = list(runoff["projects"]), runoff["seats"]
        if len(rounds) == 1 and late:
            _late_arrivals(sitting, late, say)
    result = sitting.result()
    state = "decided" if result["decided"] else f"undecided after {len(rounds)} round(s)"
    say(f"vote {sitting.vote_id} {state}: selected {result['selected']}, vacant {result['vacant']}")
    return Rehearsal(sitting.vote_id, sitting.meeting_id, rounds, False, result)


def _sitting_for(
    client: Transport, scenario: Scenario, *, seed: int, vote_id: int | None, second: Transport | None, say: Say
) -> Sitting:
    """A new training vote for the scenario, or the given one if it fits the scenario and has not been used."""
    if vote_id is None:
        template = GONGSHU_TEMPLATE if scenario.name == GONGSHU_TEMPLATE and scenario.candidates == 12 else None
        return create_sitting(
            client,
            title=f"{scenario.name} (seed {seed})",
            deputies=scenario.deputies,
            template=template,
            candidates=[scenario.project_name(n) for n in scenario.projects],
            rules=scenario.rules.to_dict(),
            say=say,
            second=second,
        )
    sitting = attach_sitting(client, vote_id, say=say, second=second)
    if len(sitting.deputies) != scenario.deputies:
        raise RehearsalError(
            f"vote {vote_id}'s meeting has {len(sitting.deputies)} deputies, the scenario {scenario.deputies}"
        )
    if sitting.vote()["state"] != "draft":
        raise RehearsalError(f"training vote {vote_id} has been used: reset it first (POST .../reset)")
    return sitting


def _drawn(
    block: _Block, scenario: Scenario, voters: list[int], projects: list[int], seats: int, *, first_round: bool
) -> tuple[dict[int, list[int]], set[int]]:
    """Each voter's approvals in this round and who spoils a paper ballot, as ``simulate`` draws them.

    The first round's ballots were drawn with the block; a later round's are
    drawn now, among its projects for its seats, from the deputies' intentions,
    and from the block's generator in the simulator's order.
    """
    if first_round:
        marks, spoiled = block.ballots[0], block.spoiled[0]
        return {n: [p for p in projects if marks[n - 1, p - 1]] for n in voters}, {n for n in voters if spoiled[n - 1]}
    voters_mask = block.later[0].copy()
    approve, priority = block.intentions.approve[0], block.intentions.priority[0]
    chosen = round_ballots(approve[voters_mask], priority[voters_mask], [p - 1 for p in projects], seats)
    spoiled_now = spoil(block.rng, scenario.spoiled, (chosen.shape[0],))
    in_order = [n for n in range(1, scenario.deputies + 1) if voters_mask[n - 1]]
    ballots = {n: [p for j, p in enumerate(projects) if chosen[i, j]] for i, n in enumerate(in_order)}
    return ballots, {n for i, n in enumerate(in_order) if spoiled_now[i]}


def _open(sitting: Sitting, say: Say) -> dict[str, Any] | None:
    """The next round, opened; None when it may not open for want of a quorum."""
    try:
        round_: dict[str, Any] = sitting.open_round()
    except ApiError as exc:
        if exc.code == "no_quorum":
            say(f"the round cannot open: {exc}")
            return None
        raise
    say(f"round {round_['number']} ({round_['kind']}) open: {round_['ballots_issued']} ballots issued")
    return round_


def _vote_round(
    sitting: Sitting,
    round_: dict[str, Any],
    voters: list[int],
    ballots: dict[int, list[int]],
    spoilt: set[int],
    projects: list[int],
    *,
    over: float,
    say: Say,
) -> RoundReport:
    """The round's paper ballots issued, its electronic ballots cast at a pace, then the spoiled ones entered.

    Spoiled ballots are entered by two clerks: without a second clerk their
    deputies vote electronically instead.
    """
    if spoilt and sitting.second is None:
        say(f"{len(spoilt)} spoiled paper ballot(s) drawn but no second clerk: they vote electronically")
        spoilt = set()
    electronic = [(n, ballots[n]) for n in voters if n not in spoilt]
    if spoilt:
        sitting.issue_paper(round_["id"], sorted(spoilt))
    seconds = _paced(electronic, over, sitting.cast)
    if spoilt:
        sitting.enter_paper(round_["id"], [projects for _ in spoilt])  # every box marked: void as a whole
    say(f"{len(electronic)} electronic ballots cast in {seconds:.1f} s, {len(spoilt)} spoiled on paper")
    return RoundReport(round_, len(electronic), len(spoilt), seconds)


def _late_arrivals(sitting: Sitting, late: list[int], say: Say) -> None:
    """Check in and give codes to the deputies who came late, once the first round is counted.

    They arrived after the first round opened and missed it: a deputy checked
    in while a round is open is issued a ballot in it.
    """
    sitting.check_in(sorted(late))
    sitting.issue_codes(sorted(late))
    say(f"{len(late)} late deputies checked in for the next round")
