"""The behaviour models: seeded, and drawing what their documentation says they draw.

Frequencies are compared with their exact probabilities within Hoeffding's
bound: for n independent draws of a 0/1 event of probability p, the observed
frequency strays from p by eps or more with probability at most
2 exp(-2 n eps^2), whatever p is.  Setting that to delta / m for m compared
events (the union bound) gives ``eps = sqrt(ln(2 m / delta) / (2 n))``; with
delta = 1e-6 a correct model fails the test about once in a million seeds, and
the seeds are fixed, so the test is deterministic.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from voting.domain.ballot import Marks
from voting.simulation.models import (
    Bloc,
    Independent,
    Population,
    RandomUtility,
    Replay,
    Turnout,
    round_ballots,
    spoil,
    trim,
)

DELTA = 1e-6


def hoeffding(n: int, events: int) -> float:
    return math.sqrt(math.log(2 * events / DELTA) / (2 * n))


BEHAVIOURS = [
    Independent((0.9, 0.7, 0.5, 0.3, 0.1)),
    RandomUtility((2.0, 1.0, 0.0, 0.0, -1.0), noise=1.0, k_weights=((1, 1.0), (3, 2.0))),
    Replay.from_counts({Marks.approving(1, 2): 3, Marks.approving(): 1}, candidates=5, seats=3),
]


@pytest.mark.parametrize("behaviour", BEHAVIOURS, ids=lambda b: b.model)
def test_the_same_seed_draws_the_same_ballots(behaviour: Independent | RandomUtility | Replay) -> None:
    first = behaviour.ballots(seed=11, deputies=200, seats=3)
    assert first.shape == (200, 5)
    assert first.dtype == np.bool_
    assert np.array_equal(first, behaviour.ballots(seed=11, deputies=200, seats=3))
    assert not np.array_equal(first, behaviour.ballots(seed=12, deputies=200, seats=3))


def test_independent_approvals_follow_each_popularity() -> None:
    popularity = (0.9, 0.7, 0.5, 0.3, 0.0)
    n = 40_000
    intentions = Independent(popularity).draw(np.random.default_rng(1), 4, n // 4)
    frequency = intentions.approve.reshape(n, 5).mean(axis=0)
    assert np.abs(frequency - popularity).max() < hoeffding(n, 5)
    assert frequency[4] == 0


def test_random_utility_first_choices_are_plackett_luce() -> None:
    """With k = 1 a deputy approves project j with probability exp(u_j / noise) / sum_i exp(u_i / noise)."""
    utility, noise = (2.0, 1.0, 0.0, 0.0, -1.0), 2.0
    n = 40_000
    ballots = RandomUtility(utility, noise, ((1, 1.0),)).draw(np.random.default_rng(2), 4, n // 4).approve
    assert (ballots.sum(axis=-1) == 1).all()
    weights = np.exp(np.asarray(utility) / noise)
    expected = weights / weights.sum()
    observed = ballots.reshape(n, 5).mean(axis=0)
    assert np.abs(observed - expected).max() < hoeffding(n, 5)


def test_random_utility_draws_k_by_its_weights() -> None:
    n = 40_000
    model = RandomUtility((1.0, 1.0, 0.5, 0.0, 0.0), 1.0, ((0, 1.0), (2, 1.0), (4, 2.0)))
    sizes = model.draw(np.random.default_rng(3), 4, n // 4).approve.sum(axis=-1).ravel()
    counts = Counter(sizes.tolist())
    assert set(counts) == {0, 2, 4}
    bound = hoeffding(n, 3)
    for k, share in ((0, 0.25), (2, 0.25), (4, 0.5)):
        assert abs(counts[k] / n - share) < bound


def test_trim_keeps_the_most_preferred_up_to_the_seats() -> None:
    approve = np.array([[True, True, True, False], [True, False, False, True]])
    priority = np.array([[0.1, 0.9, 0.5, 2.0], [0.3, 0.2, 0.1, 0.0]])
    assert trim(approve, priority, 2).tolist() == [[False, True, True, False], [True, False, False, True]]
    assert trim(approve, priority, 1).tolist() == [[False, True, False, False], [True, False, False, False]]
    assert round_ballots(approve, priority, [0, 2], 1).tolist() == [[False, True], [True, False]]
    assert round_ballots(approve, priority, [1, 2], 1).tolist() == [[True, False], [False, False]]


def test_spoil_marks_ballots_at_its_rate() -> None:
    rng = np.random.default_rng(4)
    assert not spoil(rng, 0.0, (100, 100)).any()
    n = 100_000
    assert abs(spoil(rng, 0.02, (n,)).mean() - 0.02) < hoeffding(n, 1)


def test_a_fully_cohesive_bloc_casts_one_line() -> None:
    member = RandomUtility((1.0, 0.5, 0.0, 0.0, 0.0), 1.0, ((2, 1.0),))
    population = Population(30, member, (Bloc("east", 10, 1.0, member), Bloc("west", 10, 0.0, member)))
    intentions = population.draw(np.random.default_rng(5), 50)
    assert intentions.approve.shape == (50, 30, 5)
    east, west = intentions.approve[:, 10:20], intentions.approve[:, 20:30]
    assert (east == east[:, :1]).all()  # every member follows the line in every vote
    assert not (west == west[:, :1]).all()  # with cohesion 0 the members choose alone
    assert not (east[:, 0] == east[0, 0]).all()  # and the line itself differs from vote to vote


def test_bloc_members_follow_the_line_at_the_cohesion_rate() -> None:
    votes, size = 400, 100
    intentions = Bloc("north", size, 0.7, Independent((0.5,) * 5)).draw(np.random.default_rng(6), votes)
    # Priorities are continuous draws: two members share a row only by following the same line.
    followers = 0
    for vote in intentions.priority:
        _, counts = np.unique(vote, axis=0, return_counts=True)
        assert (counts > 1).sum() == 1  # one line per vote
        followers += int(counts.max())
    assert abs(followers / (votes * size) - 0.7) < hoeffding(votes * size, 1)


def test_turnout_draws_absentees_and_late_arrivals() -> None:
    n = 100_000
    first, later = Turnout(absent=0.2, late=0.1).draw(np.random.default_rng(7), 10, n // 10)
    assert not (first & ~later).any()  # whoever votes in the first round stays
    bound = hoeffding(n, 2)
    assert abs((~later).mean() - 0.2) < bound
    assert abs((later & ~first).mean() - 0.1) < bound
    everyone = Turnout().draw(np.random.default_rng(7), 2, 3)
    assert everyone[0].all()
    assert everyone[1].all()


def test_replay_resamples_the_list_and_spoils_its_invalid_ballots() -> None:
    counts = {Marks.approving(1, 2): 6, Marks.approving(3): 3, Marks.approving(1, 2, 3, 4): 1}
    replay = Replay.from_counts(counts, candidates=4, seats=3)
    n = 60_000
    intentions = replay.draw(np.random.default_rng(8), 6, n // 6)
    rows = Counter(tuple(row) for row in intentions.approve.reshape(n, 4).tolist())
    assert set(rows) == {(True, True, False, False), (False, False, True, False), (True, True, True, True)}
    bound = hoeffding(n, 3)
    assert abs(rows[(True, True, False, False)] / n - 0.6) < bound
    assert abs(rows[(False, False, True, False)] / n - 0.3) < bound
    assert np.array_equal(intentions.spoils, intentions.approve.sum(axis=-1) == 4)
