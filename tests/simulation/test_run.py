"""Simulated votes: seeded, counted by the domain's rules, and right where the answer is known by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from tests.simulation.support import scenario
from voting.domain import BallotCounts, Marks, RoundKind, RoundSpec, TallyResult, decide, tally
from voting.domain.vote import next_round
from voting.simulation import Distribution, Status, load, simulate
from voting.simulation.run import BLOCK, _Block
from voting.simulation.scenario import Scenario


def test_the_same_seed_gives_the_same_votes() -> None:
    town = load("town-close-call")
    first = simulate(town, 600, seed=7)
    assert first == simulate(town, 600, seed=7)
    assert first != simulate(town, 600, seed=8)
    # Votes are drawn in blocks by (seed, block): a shorter run is the start of a longer one.
    assert simulate(town, 300, seed=7) == first[:300]
    assert len(first) == 600 > BLOCK


def test_runs_and_seed_are_checked() -> None:
    with pytest.raises(ValueError, match="runs must be at least 1, not 0"):
        simulate(load("town-close-call"), 0, seed=1)
    with pytest.raises(ValueError, match="seed must not be negative, not -1"):
        simulate(load("town-close-call"), 1, seed=-1)


# The statistical test.  Independent approvals, 60 deputies all present, 9 candidates
# for 8 seats, and project 9 approved by nobody: no ballot can approve more than 8, so
# none is ever cut or invalid, project j's approvals are Binomial(60, p_j), and at most
# 8 projects can pass the threshold of 31 (more than half of 60), so every one that
# passes is selected (with a shortfall the seats stay vacant: one round only).  Hence
#     P(project j selected) = P(Binomial(60, p_j) >= 31) = sum_{a >= 31} C(60, a) p^a (1 - p)^(60 - a).
# Bound: Hoeffding, P(|frequency - P| >= eps) <= 2 exp(-2 n eps^2) for n independent
# votes, whatever P; over the 8 projects (union bound) a correct simulator strays that
# far with probability at most delta = 1e-6 when eps = sqrt(ln(2 * 8 / delta) / (2 n)),
# 0.029 for n = 10,000.  The seed is fixed, so the test is deterministic; the check
# below shows the bound is tight enough to catch a threshold off by one.
STAT_DEPUTIES = 60
STAT_POPULARITY = (0.3, 0.4, 0.45, 0.5, 0.52, 0.55, 0.6, 0.7, 0.0)
STAT_RUNS = 10_000
DELTA = 1e-6


def p_at_least(n: int, p: float, t: int) -> float:
    return sum(math.comb(n, a) * p**a * (1 - p) ** (n - a) for a in range(t, n + 1))


def test_selection_frequencies_agree_with_the_binomial_probabilities() -> None:
    model = scenario(
        deputies=STAT_DEPUTIES,
        candidates=9,
        rules={"seats": 8, "shortfall_policy": "leave_vacant"},
        behaviour={"model": "independent", "popularity": list(STAT_POPULARITY)},
    )
    threshold = model.rules.threshold(deputy_count=60, deputies_present=60, valid_ballots=60)
    assert threshold == 31
    eps = math.sqrt(math.log(2 * 8 / DELTA) / (2 * STAT_RUNS))
    assert eps < 0.03

    def exact(t: int) -> np.ndarray:
        return np.array([p_at_least(STAT_DEPUTIES, p, t) for p in STAT_POPULARITY])

    # The test has power: a count that put the threshold one vote off would miss by more than 2 eps.
    assert np.abs(exact(threshold) - exact(threshold - 1)).max() > 2 * eps
    assert np.abs(exact(threshold) - exact(threshold + 1)).max() > 2 * eps

    outcomes = simulate(model, STAT_RUNS, seed=2020)
    dist = Distribution.of(model, outcomes, 2020)
    frequency = np.array(dist.selected) / STAT_RUNS
    assert np.abs(frequency - exact(threshold)).max() < eps, (frequency, exact(threshold))
    assert dist.selected[8] == 0
    assert dist.rounds == {1: STAT_RUNS}
    assert all(len(o.selected) + o.vacant == 8 for o in outcomes)
    # Mean approvals: each vote's count lies in [0, 60], so Hoeffding's bound on a mean is 60 eps.
    assert np.abs(np.array(dist.first_round_mean) - STAT_DEPUTIES * np.array(STAT_POPULARITY)).max() < 60 * eps


def test_the_first_round_is_counted_as_the_real_tally_counts_it() -> None:
    """Rebuild a block's ballots as ``Marks`` and count them with ``tally``: the same result, vote by vote."""
    model = load("gongshu-2020")
    block = _Block.draw(model, np.random.default_rng(3))
    rules = model.rules
    too_many = Marks(frozenset(model.projects))  # what a spoiled ballot stands for: too many marks
    for index in range(40):
        voters = np.flatnonzero(block.first[index])
        marks = [
            too_many
            if block.spoiled[index, d]
            else Marks(frozenset((np.flatnonzero(block.ballots[index, d]) + 1).tolist()))
            for d in voters
        ]
        spec = RoundSpec(model.projects, rules.seats, model.deputies, len(voters), len(voters))
        real = tally(rules, spec, marks)
        outcome = block.vote(index)
        assert outcome.first_round == tuple(p.approvals for p in real.projects)
        counts = BallotCounts(block.present[index], block.valid[index], block.present[index] - block.valid[index])
        assert counts == real.ballots
        assert decide(rules, spec, counts, dict(zip(model.projects, outcome.first_round, strict=True))) == real
        if outcome.rounds == 1:
            assert tuple(sorted(outcome.selected)) == real.selected


def test_a_close_scenario_goes_to_tie_break_rounds_and_never_overfills() -> None:
    town = load("town-close-call")
    seats, runs = town.rules.seats, 1_000
    outcomes = simulate(town, runs, seed=5)
    dist = Distribution.of(town, outcomes, 5)
    assert dist.runoffs[RoundKind.TIE_BREAK] > runs // 10
    assert any(o.status is Status.DECIDED and o.kinds[1:2] == (RoundKind.TIE_BREAK,) for o in outcomes)
    threshold = town.rules.threshold(deputy_count=40, deputies_present=40, valid_ballots=40)
    for o in outcomes:
        assert len(o.selected) <= seats
        assert len(set(o.selected)) == len(o.selected)
        assert 1 <= o.rounds <= town.max_rounds
        assert o.kinds[0] is RoundKind.FIRST
        assert (o.status is Status.DECIDED) == (len(o.selected) + o.vacant == seats)
        assert (o.status is Status.UNDECIDED) == (o.rounds == town.max_rounds and len(o.selected) < seats)
        # A tie at the cut-off over the threshold is exactly what calls a tie-break round next.
        ranked = sorted(o.first_round, reverse=True)
        tie_over_threshold = o.margin == 0 and ranked[seats] >= threshold
        assert tie_over_threshold == (o.kinds[1:2] == (RoundKind.TIE_BREAK,))
    assert sum(dist.rounds.values()) == runs
    assert sum(dist.selected) == sum(len(o.selected) for o in outcomes)
    json.dumps(dist.to_dict())


def test_leaving_a_tie_vacant_takes_one_round() -> None:
    town = load("town-close-call")
    rules = {"seats": 8, "tie_policy": "leave_vacant", "shortfall_policy": "leave_vacant"}
    vacant = Scenario.from_dict({**_as_dict(town), "rules": rules})
    outcomes = simulate(vacant, 500, seed=5)
    assert all(o.rounds == 1 for o in outcomes)
    assert any(o.vacant > 0 for o in outcomes)
    assert all(len(o.selected) + o.vacant == 8 for o in outcomes)


def _as_dict(town: Scenario) -> dict[str, object]:
    return {
        "deputies": town.deputies,
        "candidates": town.candidates,
        "behaviour": {"model": "random_utility", "utility": [2.5, 2.3, 2.1, 2.0, 1.9, 1.8, 1.5, 1.5, 1.5, 1.5]},
    }


def test_late_arrivals_vote_in_the_later_rounds_and_absentees_in_none() -> None:
    town = Scenario.from_dict({**_as_dict(load("town-close-call")), "rules": {"seats": 8}, "turnout": {"late": 0.2}})
    block = _Block.draw(town, np.random.default_rng(9))
    index = next(i for i in range(BLOCK) if next_round(_first_result(town, block, i)) is not None)
    step = next_round(_first_result(town, block, index))
    assert step is not None
    later = block.runoff(index, step)
    assert later.ballots.cast == int(block.later[index].sum()) > block.present[index]


def _first_result(town: Scenario, block: _Block, index: int) -> TallyResult:
    present, valid = block.present[index], block.valid[index]
    spec = RoundSpec(town.projects, town.rules.seats, town.deputies, present, present)
    approvals = dict(zip(town.projects, block.approvals[index], strict=True))
    return decide(town.rules, spec, BallotCounts(present, valid, present - valid), approvals)


def test_without_a_quorum_the_vote_is_not_held() -> None:
    thin = scenario(turnout={"absent": 0.6})  # 30 deputies: a quorum is 16, about 12 come
    outcomes = simulate(thin, 200, seed=1)
    missing = [o for o in outcomes if o.status is Status.NO_QUORUM]
    assert len(missing) > 150
    assert all(o.rounds == 0 and o.selected == () and o.margin is None for o in missing)
    dist = Distribution.of(thin, outcomes, 1)
    assert dist.status[Status.NO_QUORUM] == len(missing)
    assert sum(dist.rounds.values()) == 200 - len(missing)


def test_spoiled_ballots_are_invalid_at_their_rate() -> None:
    spoiling = scenario(deputies=200, spoiled=0.1, rules={"seats": 3, "shortfall_policy": "leave_vacant"})
    runs = 2_000
    dist = Distribution.of(spoiling, simulate(spoiling, runs, seed=4), 4)
    # Mean of runs votes, each a count in [0, 200]: Hoeffding with delta = 1e-6 gives 200 * 0.059.
    assert abs(dist.invalid_mean - 20) < 200 * math.sqrt(math.log(2 / 1e-6) / (2 * runs))
    assert dist.invalid_mean > 0


def test_a_replayed_list_is_resampled(tmp_path: Path) -> None:
    ballots = tmp_path / "ballots.csv"
    ballots.write_text("ballot_id,approvals\n" + "".join(f"B{i:03},1 2 3\n" for i in range(40)), encoding="utf-8")
    every = scenario(behaviour={"model": "replay", "ballots": str(ballots)})
    for outcome in simulate(every, 50, seed=3):
        assert outcome.first_round == (30, 30, 30, 0, 0)
        assert sorted(outcome.selected) == [1, 2, 3]

    # A list of invalid ballots only (4 approvals for 3 seats): every first-round ballot is invalid,
    # no project passes, and the shortfall round is voted by the same deputies, now within the seats.
    ballots.write_text("ballot_id,approvals\nA,1 2 3 4\nB,1 2 3 4\n", encoding="utf-8")
    spoilt = scenario(behaviour={"model": "replay", "ballots": str(ballots)})
    for outcome in simulate(spoilt, 20, seed=3):
        assert outcome.first_round == (0, 0, 0, 0, 0)
        assert outcome.kinds[:2] == (RoundKind.FIRST, RoundKind.SHORTFALL)
        assert outcome.invalid == 30
        assert len(outcome.selected) <= 3
