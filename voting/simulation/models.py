"""Behaviour models of simulated deputies: who approves what, who turns up, who spoils a paper ballot.

Each behaviour model is a named, documented generator of *intentions*: for
every deputy of every simulated vote, the projects they would approve and the
order in which they would give them up.  A round's ballots follow from the
intentions and the round's ballot paper (``round_ballots``), so that a deputy
who loses a tie-break or shortfall round votes again *according to the same
preferences*, as a person would:

- in every round a deputy approves the projects they intend to approve among
  those on that round's ballot, at most as many as the round has seats, keeping
  the ones they prefer most (the highest ``priority``); a blank ballot when none
  is left.  A simulated deputy knows the rule of DESIGN section 1 item 3 and
  never spoils a ballot by accident;
- ballots are spoiled on purpose only: at the scenario's rate of spoiled paper
  ballots (``spoil``: too many marks, so void as a whole), and, in a replay, as
  often as the real list's own invalid ballots were in its round.

Every random draw comes from the ``numpy.random.Generator`` it is given, so a
seed fixes everything (``voting.simulation.run`` seeds one per block of votes).
The arrays are shaped (votes, deputies, candidates) so that thousands of votes
are drawn at once; ``Behaviour.ballots`` draws one vote's first round, for a
reader who wants to see what a model does.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from voting.domain.ballot import Marks

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Intentions:
    """What each deputy of each simulated vote means to approve, shaped (votes, deputies, candidates)."""

    approve: BoolArray
    """The projects the deputy would approve, were there seats enough."""
    priority: FloatArray
    """The deputy's order of preference: with fewer seats than intended approvals, the highest are kept."""
    spoils: BoolArray
    """Shaped (votes, deputies): the deputy's first-round ballot is invalid whatever it says (replay)."""

    @property
    def deputies(self) -> int:
        return int(self.approve.shape[1])


def concatenate(parts: Sequence[Intentions]) -> Intentions:
    """The intentions of several groups of deputies of the same votes, side by side."""
    return Intentions(
        approve=np.concatenate([p.approve for p in parts], axis=1),
        priority=np.concatenate([p.priority for p in parts], axis=1),
        spoils=np.concatenate([p.spoils for p in parts], axis=1),
    )


def trim(approve: BoolArray, priority: FloatArray, seats: int) -> BoolArray:
    """Each ballot (last axis) cut to at most ``seats`` approvals, keeping the highest priorities."""
    over = approve.sum(axis=-1) > seats
    if not over.any():
        return approve
    kept = approve.copy()
    rows = approve[over]
    ranked = np.sort(np.where(rows, priority[over], -np.inf), axis=-1)
    cut = ranked[:, rows.shape[-1] - seats]
    kept[over] = rows & (priority[over] >= cut[:, None])
    return kept


def round_ballots(approve: BoolArray, priority: FloatArray, columns: Sequence[int], seats: int) -> BoolArray:
    """The ballots of a round whose paper lists the projects at ``columns`` (0-based), for ``seats`` seats."""
    return trim(approve[..., columns], priority[..., columns], seats)


def spoil(rng: np.random.Generator, rate: float, shape: tuple[int, ...]) -> BoolArray:
    """Which paper ballots carry too many marks, each independently at ``rate``; void as a whole (item 3)."""
    if rate == 0:
        return np.zeros(shape, dtype=np.bool_)
    return rng.random(shape) < rate


class Behaviour(ABC):
    """A model of how deputies choose, drawn for many votes at once."""

    model: ClassVar[str]
    """The name a scenario file gives the model (``behaviour: {model: ...}``)."""

    @property
    @abstractmethod
    def candidates(self) -> int: ...

    @abstractmethod
    def draw(self, rng: np.random.Generator, votes: int, deputies: int) -> Intentions:
        """The intentions of ``deputies`` deputies in each of ``votes`` independent votes."""

    def ballots(self, seed: int, deputies: int, seats: int) -> BoolArray:
        """One simulated vote's first-round ballots, (deputies, candidates): the model alone, seeded."""
        intentions = self.draw(np.random.default_rng(seed), 1, deputies)
        ballots = trim(intentions.approve[0], intentions.priority[0], seats)
        return np.where(intentions.spoils[0][:, None], True, ballots)


@dataclass(frozen=True)
class Independent(Behaviour):
    """Each deputy approves project j with probability ``popularity[j]``, independently of everything else.

    Deputies give projects up in a random order when a round has fewer seats
    than they mean to approve.  When no more projects than there are seats
    have a popularity above 0, no first-round ballot is ever cut, and each
    project's approvals are Binomial(deputies voting, popularity): the model
    whose selection probabilities can be worked out by hand (the statistical
    test in tests/simulation/test_run.py does so).
    """

    model: ClassVar[str] = "independent"
    popularity: tuple[float, ...]

    @property
    def candidates(self) -> int:
        return len(self.popularity)

    def draw(self, rng: np.random.Generator, votes: int, deputies: int) -> Intentions:
        shape = (votes, deputies, self.candidates)
        approve = rng.random(shape) < np.asarray(self.popularity)
        return Intentions(approve, rng.random(shape), np.zeros(shape[:2], dtype=np.bool_))


@dataclass(frozen=True)
class RandomUtility(Behaviour):
    """A random-utility model: each deputy approves their top ``k`` projects, ``k`` itself drawn.

    Deputy i's utility for project j is ``utility[j] + noise * G`` with G a
    standard Gumbel variable, independent for each deputy and project; the
    deputy approves the k projects of highest utility, k drawn per deputy from
    ``k_weights`` (k = 0 is a blank ballot).  With Gumbel noise the ranking is
    Plackett-Luce: the first choice is project j with probability proportional
    to exp(utility[j] / noise); the larger the noise, the less the deputies agree.
    """

    model: ClassVar[str] = "random_utility"
    utility: tuple[float, ...]
    noise: float
    k_weights: tuple[tuple[int, float], ...]
    """(k, relative weight) for each number of approvals a deputy may mean to give."""

    @property
    def candidates(self) -> int:
        return len(self.utility)

    def draw(self, rng: np.random.Generator, votes: int, deputies: int) -> Intentions:
        shape = (votes, deputies, self.candidates)
        utility = np.asarray(self.utility) + self.noise * rng.gumbel(size=shape)
        sizes = np.asarray([k for k, _ in self.k_weights], dtype=np.int64)
        weights = np.asarray([w for _, w in self.k_weights], dtype=np.float64)
        k = rng.choice(sizes, size=shape[:2], p=weights / weights.sum())
        # The k-th highest utility of each deputy is the lowest they approve.
        ranked = np.sort(utility, axis=-1)
        kth = np.take_along_axis(ranked, np.clip(self.candidates - k, 0, self.candidates - 1)[..., None], axis=-1)
        approve = (utility >= kth) & (k > 0)[..., None]
        return Intentions(approve, utility, np.zeros(shape[:2], dtype=np.bool_))


@dataclass(frozen=True, eq=False)
class Replay(Behaviour):
    """Each deputy casts a ballot drawn at random, with replacement, from a real ballot list (a bootstrap).

    The list is a DESIGN section 5 ``ballots.csv`` of a first round.  A drawn
    ballot that was invalid in that list (more approvals than ``seats``) is
    invalid again in the simulated first round; in a later round the deputy
    approves what the drawn ballot approved among the projects on that round's
    ballot, giving projects up in a random order where the seats are fewer.
    """

    model: ClassVar[str] = "replay"
    marks: tuple[Marks, ...]
    """The distinct ballots of the list."""
    counts: tuple[int, ...]
    """How often each of ``marks`` was cast."""
    seats: int
    candidate_count: int

    @property
    def candidates(self) -> int:
        return self.candidate_count

    @classmethod
    def from_counts(cls, counts: Mapping[Marks, int], *, candidates: int, seats: int) -> Replay:
        ordered = sorted(counts.items(), key=lambda item: sorted(item[0].approvals))
        return cls(tuple(m for m, _ in ordered), tuple(n for _, n in ordered), seats, candidates)

    def draw(self, rng: np.random.Generator, votes: int, deputies: int) -> Intentions:
        table = np.zeros((len(self.marks), self.candidates), dtype=np.bool_)
        for row, marks in enumerate(self.marks):
            table[row, [n - 1 for n in marks.approvals]] = True
        weights = np.asarray(self.counts, dtype=np.float64)
        drawn = rng.choice(len(self.marks), size=(votes, deputies), p=weights / weights.sum())
        approve = table[drawn]
        spoils = (table.sum(axis=1) > self.seats)[drawn]
        return Intentions(approve, rng.random(approve.shape), spoils)


@dataclass(frozen=True)
class Bloc:
    """A delegation (代表团) whose members share their preferences.

    For each vote the bloc draws one *line*, a single deputy's intentions from
    its behaviour; each member follows the line with probability ``cohesion``
    (in every round of that vote), and otherwise draws their own from the same
    behaviour.  A cohesive bloc moves many approvals together, which makes close
    results and ties likelier than among independent deputies.
    """

    name: str
    deputies: int
    cohesion: float
    behaviour: Behaviour

    def draw(self, rng: np.random.Generator, votes: int) -> Intentions:
        own = self.behaviour.draw(rng, votes, self.deputies)
        line = self.behaviour.draw(rng, votes, 1)
        follows = rng.random((votes, self.deputies)) < self.cohesion
        return Intentions(
            approve=np.where(follows[..., None], line.approve, own.approve),
            priority=np.where(follows[..., None], line.priority, own.priority),
            spoils=np.where(follows, line.spoils, own.spoils),
        )


@dataclass(frozen=True)
class Population:
    """All the deputies of a scenario: those in no bloc follow ``behaviour``, the others their bloc."""

    deputies: int
    behaviour: Behaviour
    blocs: tuple[Bloc, ...] = ()

    def draw(self, rng: np.random.Generator, votes: int) -> Intentions:
        unaffiliated = self.deputies - sum(bloc.deputies for bloc in self.blocs)
        parts = [self.behaviour.draw(rng, votes, unaffiliated)] if unaffiliated else []
        parts.extend(bloc.draw(rng, votes) for bloc in self.blocs)
        return parts[0] if len(parts) == 1 else concatenate(parts)


@dataclass(frozen=True)
class Turnout:
    """Absentees and late arrivals, each deputy independently.

    A deputy is absent from the whole vote with probability ``absent``; with
    probability ``late`` they arrive after the first round opened, miss it, and
    vote in any later round (a tie-break or shortfall round).  The others vote
    in every round.  Ballots issued equal the deputies present in the round.
    """

    absent: float = 0.0
    late: float = 0.0

    def draw(self, rng: np.random.Generator, votes: int, deputies: int) -> tuple[BoolArray, BoolArray]:
        """Who votes in the first round and who in later rounds, each shaped (votes, deputies)."""
        if self.absent == 0 and self.late == 0:
            everyone = np.ones((votes, deputies), dtype=np.bool_)
            return everyone, everyone
        u = rng.random((votes, deputies))
        later = u >= self.absent
        return u >= self.absent + self.late, later
