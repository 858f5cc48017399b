"""Simulated votes, every round counted by the domain's own rules, and the distribution of their outcomes.

A simulated vote goes as a real one does (DESIGN section 1 items 3-7): the
first round among all candidates; then, as long as the count calls for one, a
tie-break, shortfall or repeat round, in which the deputies present vote again
on that round's ballot by the same preferences (``models.round_ballots``).  A
vote still open after the scenario's ``max_rounds`` is *undecided*; a first
round without a quorum is never held (*no quorum*).

Each round's approvals are summed with numpy, and the round is then decided by
``voting.domain.decide``, the very function that ``tally_counts`` ends in, and
the rounds joined by ``voting.domain.combine``: the simulator cannot count by
rules of its own.

The deputies keep their preferences from round to round and learn nothing
from a failed one, so a shortfall round that no project passes is, but for
late arrivals and spoiled ballots, the same round again; such a vote ends
*undecided* at the cap.  That is the point of the measure: how often the
rules alone, with these deputies, do not settle the vote.  (A common case under
the Gongshu rules: two projects tie for one seat over the threshold, and in
the tie-break the deputies who approved both must choose one, so that
neither may reach more than half of all deputies again.)

Votes are drawn in blocks of ``BLOCK``, each block from a generator seeded by
(seed, block number), so a seed fixes every outcome, and the first n votes of a
longer run are the n votes of a shorter one with the same seed.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from voting.domain.tally import BallotCounts, RoundSpec, TallyResult, decide
from voting.domain.vote import NextRound, RoundKind, combine, next_round
from voting.simulation.models import BoolArray, Intentions, round_ballots, spoil, trim
from voting.simulation.scenario import Scenario

BLOCK = 250
"""Votes drawn together: large enough for numpy to pay off, small enough to stay in cache."""


class Status(StrEnum):
    DECIDED = "decided"
    UNDECIDED = "undecided"
    """Still open after the scenario's ``max_rounds`` rounds."""
    NO_QUORUM = "no_quorum"
    """Too few deputies present for the first round to open (item 4)."""


@dataclass(frozen=True)
class VoteOutcome:
    """One simulated vote."""

    status: Status
    selected: tuple[int, ...]
    """In the order the seats were won (``VoteResult.selected``)."""
    vacant: int
    kinds: tuple[RoundKind, ...]
    """The rounds held, first round first; empty without a quorum."""
    first_round: tuple[int, ...]
    """Each candidate's approvals in the first round, by number (zeros without a quorum)."""
    margin: int | None
    """First round: approvals of the last seat minus those of the first project left out (0: a tie at the cut-off)."""
    invalid: int
    """Invalid ballots, all rounds together."""

    @property
    def rounds(self) -> int:
        return len(self.kinds)


@dataclass(frozen=True, eq=False)
class _Block:
    """The bulk draws of ``BLOCK`` votes, and each vote's first-round counts."""

    scenario: Scenario
    rng: np.random.Generator
    intentions: Intentions
    first: BoolArray
    """Who votes in the first round, (votes, deputies)."""
    later: BoolArray
    """Who votes in later rounds."""
    ballots: BoolArray
    """First-round ballots as marked, (votes, deputies, candidates); those of deputies not voting mean nothing."""
    spoiled: BoolArray
    """First-round ballots spoiled (too many marks), (votes, deputies)."""
    present: list[int]
    valid: list[int]
    approvals: list[list[int]]

    @classmethod
    def draw(cls, scenario: Scenario, rng: np.random.Generator) -> _Block:
        intentions = scenario.population.draw(rng, BLOCK)
        first, later = scenario.turnout.draw(rng, BLOCK, scenario.deputies)
        spoiled = spoil(rng, scenario.spoiled, first.shape) | intentions.spoils
        ballots = trim(intentions.approve, intentions.priority, scenario.rules.seats)
        valid = first & ~spoiled
        approvals = np.count_nonzero(ballots & valid[..., None], axis=1)
        return cls(
            scenario=scenario,
            rng=rng,
            intentions=intentions,
            first=first,
            later=later,
            ballots=ballots,
            spoiled=spoiled,
            present=np.count_nonzero(first, axis=1).tolist(),
            valid=np.count_nonzero(valid, axis=1).tolist(),
            approvals=approvals.tolist(),
        )

    def vote(self, index: int) -> VoteOutcome:
        scenario = self.scenario
        rules = scenario.rules
        present = self.present[index]
        approvals = self.approvals[index]
        if not rules.has_quorum(deputy_count=scenario.deputies, deputies_present=present):
            return VoteOutcome(Status.NO_QUORUM, (), 0, (), (0,) * scenario.candidates, None, 0)
        spec = RoundSpec(scenario.projects, rules.seats, scenario.deputies, present, present)
        valid = self.valid[index]
        counts = BallotCounts(present, valid, present - valid)
        results = [decide(rules, spec, counts, dict(zip(scenario.projects, approvals, strict=True)))]
        kinds = [RoundKind.FIRST]
        step = next_round(results[0])
        while step is not None and len(results) < scenario.max_rounds:
            results.append(self.runoff(index, step))
            kinds.append(step.kind)
            step = next_round(results[-1])
        vote = combine(rules.seats, scenario.projects, results)
        ranked = sorted(approvals, reverse=True)
        return VoteOutcome(
            status=Status.DECIDED if vote.decided else Status.UNDECIDED,
            selected=vote.selected,
            vacant=vote.vacant,
            kinds=tuple(kinds),
            first_round=tuple(approvals),
            margin=ranked[rules.seats - 1] - ranked[rules.seats],
            invalid=sum(result.ballots.invalid for result in results),
        )

    def runoff(self, index: int, step: NextRound) -> TallyResult:
        """A later round of vote ``index``: the deputies present now vote again on ``step``'s ballot."""
        scenario = self.scenario
        voters = self.later[index]
        ballots = round_ballots(
            self.intentions.approve[index][voters],
            self.intentions.priority[index][voters],
            [number - 1 for number in step.projects],
            step.seats,
        )
        spoiled = spoil(self.rng, scenario.spoiled, (ballots.shape[0],))
        approvals = np.count_nonzero(ballots[~spoiled], axis=0).tolist()
        present = int(ballots.shape[0])
        valid = present - int(np.count_nonzero(spoiled))
        spec = RoundSpec(step.projects, step.seats, scenario.deputies, present, present)
        return decide(
            scenario.rules,
            spec,
            BallotCounts(present, valid, present - valid),
            dict(zip(step.projects, approvals, strict=True)),
        )


def simulate(
    scenario: Scenario, runs: int, seed: int, *, progress: Callable[[int, int], None] | None = None
) -> list[VoteOutcome]:
    """``runs`` independent votes of ``scenario``; ``progress(done, runs)`` is called after each block."""
    if runs < 1:
        raise ValueError(f"runs must be at least 1, not {runs!r}")
    if seed < 0:
        raise ValueError(f"seed must not be negative, not {seed!r}")
    outcomes: list[VoteOutcome] = []
    for block_number in range(math.ceil(runs / BLOCK)):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block_number,)))
        block = _Block.draw(scenario, rng)
        # Votes are simulated in order, and a later round's draws follow the bulk draws,
        # so stopping early leaves the earlier votes exactly as in a longer run.
        outcomes.extend(block.vote(index) for index in range(min(BLOCK, runs - len(outcomes))))
        if progress is not None:
            progress(len(outcomes), runs)
    return outcomes


def _quantile(ordered: Sequence[int], q: float) -> int:
    """The nearest-rank quantile of a sorted sample: a value that occurred."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass(frozen=True)
class Distribution:
    """What ``voting simulate`` reports: how often each outcome occurred over ``runs`` votes."""

    scenario: Scenario
    runs: int
    seed: int
    selected: tuple[int, ...]
    """Per candidate (index = number - 1): the votes in which it won a seat, in any round."""
    first_round_mean: tuple[float, ...]
    """Per candidate: mean first-round approvals over the votes held."""
    status: dict[Status, int]
    rounds: dict[int, int]
    """Rounds held -> votes."""
    runoffs: dict[RoundKind, int]
    """Votes that needed at least one round of each later kind."""
    margins: dict[int, int]
    """First-round margin at the cut-off -> votes (votes held only)."""
    seats_filled: dict[int, int]
    invalid_mean: float

    @classmethod
    def of(cls, scenario: Scenario, outcomes: Sequence[VoteOutcome], seed: int) -> Distribution:
        held = [o for o in outcomes if o.status is not Status.NO_QUORUM]
        chosen = Counter(number for o in outcomes for number in o.selected)
        totals = np.sum([o.first_round for o in held], axis=0) if held else np.zeros(scenario.candidates)
        return cls(
            scenario=scenario,
            runs=len(outcomes),
            seed=seed,
            selected=tuple(chosen[n] for n in scenario.projects),
            first_round_mean=tuple(float(t) / max(1, len(held)) for t in totals),
            status={s: sum(o.status is s for o in outcomes) for s in Status},
            rounds=dict(sorted(Counter(o.rounds for o in held).items())),
            runoffs={
                kind: sum(kind in o.kinds for o in held)
                for kind in (RoundKind.TIE_BREAK, RoundKind.SHORTFALL, RoundKind.REVOTE)
            },
            margins=dict(sorted(Counter(o.margin for o in held if o.margin is not None).items())),
            seats_filled=dict(sorted(Counter(len(o.selected) for o in outcomes).items())),
            invalid_mean=sum(o.invalid for o in held) / max(1, len(held)),
        )

    def share(self, count: int) -> float:
        return count / self.runs

    def margin_summary(self) -> dict[str, float | int] | None:
        """Mean, nearest-rank quantiles and the share of ties (margin 0) of the first-round margin."""
        ordered = [m for m, n in self.margins.items() for _ in range(n)]
        if not ordered:
            return None
        return {
            "mean": sum(ordered) / len(ordered),
            "min": ordered[0],
            "p05": _quantile(ordered, 0.05),
            "median": _quantile(ordered, 0.5),
            "p95": _quantile(ordered, 0.95),
            "max": ordered[-1],
            "tie_share": self.margins.get(0, 0) / len(ordered),
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``voting simulate --json``); counts are votes, shares are of all ``runs``."""
        scenario = self.scenario
        return {
            "scenario": scenario.name,
            "runs": self.runs,
            "seed": self.seed,
            "deputies": scenario.deputies,
            "candidates": scenario.candidates,
            "rules": scenario.rules.to_dict(),
            "max_rounds": scenario.max_rounds,
            "projects": [
                {
                    "number": n,
                    "name": scenario.project_name(n),
                    "selected": self.selected[n - 1],
                    "selected_share": self.share(self.selected[n - 1]),
                    "first_round_mean_approvals": round(self.first_round_mean[n - 1], 3),
                }
                for n in scenario.projects
            ],
            "status": {s.value: count for s, count in self.status.items()},
            "rounds": {str(r): count for r, count in self.rounds.items()},
            "runoffs": {kind.value: count for kind, count in self.runoffs.items()},
            "margin": {
                "counts": {str(m): count for m, count in self.margins.items()},
                "summary": self.margin_summary(),
            },
            "seats_filled": {str(k): count for k, count in self.seats_filled.items()},
            "invalid_ballots_mean": round(self.invalid_mean, 3),
        }
