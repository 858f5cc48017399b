"""A whole vote: the rounds it took and the seats they filled.

A vote may need several rounds (DESIGN section 1 items 6-7): a tie-break round
among the projects tied at the cut-off, a shortfall round (另行票决) among
those not yet selected, or the same round again when it was void.  Projects
selected in an earlier round keep their seats; each later round fills only
the seats left, and must be the round its predecessor called for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from voting.domain.errors import InvalidRound
from voting.domain.tally import Runoff, RunoffReason, TallyResult


class RoundKind(StrEnum):
    FIRST = "first"
    TIE_BREAK = "tie_break"
    SHORTFALL = "shortfall"
    REVOTE = "revote"
    """The same round again after a void one."""


RUNOFF_KIND = {
    RunoffReason.TIE: RoundKind.TIE_BREAK,
    RunoffReason.SHORTFALL: RoundKind.SHORTFALL,
    RunoffReason.VOID: RoundKind.REVOTE,
}


@dataclass(frozen=True)
class NextRound:
    kind: RoundKind
    projects: tuple[int, ...]
    seats: int


def next_round(result: TallyResult) -> NextRound | None:
    """The round the rules call for after ``result``, or None when the vote is decided."""
    runoff: Runoff | None = result.runoff
    if runoff is None:
        return None
    return NextRound(RUNOFF_KIND[runoff.reason], runoff.projects, runoff.seats)


@dataclass(frozen=True)
class VoteResult:
    seats: int
    selected: tuple[int, ...]
    """In the order seats were won: round by round, most approved first within a round."""
    vacant: int
    next_round: NextRound | None
    rounds: int

    @property
    def decided(self) -> bool:
        return self.next_round is None


def combine(seats: int, projects: Sequence[int], results: Sequence[TallyResult]) -> VoteResult:
    """The result of a vote so far, checking that each round is the one the last called for."""
    if not results:
        raise InvalidRound("no_rounds")
    expected: NextRound | None = NextRound(RoundKind.FIRST, tuple(sorted(projects)), seats)
    selected: list[int] = []
    vacant = 0
    for index, result in enumerate(results, start=1):
        if expected is None:
            raise InvalidRound("vote_decided")
        asked = (tuple(p.number for p in result.projects), result.seats)
        if asked != (expected.projects, expected.seats):
            raise InvalidRound(
                "round_mismatch",
                round=index,
                seats=expected.seats,
                projects=", ".join(map(str, expected.projects)),
            )
        selected.extend(result.ranked_selected)
        vacant += result.vacant
        expected = next_round(result)
    return VoteResult(seats=seats, selected=tuple(selected), vacant=vacant, next_round=expected, rounds=len(results))


def seat_rounds(results: Sequence[TallyResult]) -> dict[int, int]:
    """Each selected project -> the index in ``results`` of the round in which it won its seat.

    A project keeps a seat once won (DESIGN section 1 item 7): the round is the
    first that selects it, the one whose count the hall heard for it.
    """
    won: dict[int, int] = {}
    for index, result in enumerate(results):
        for number in result.ranked_selected:
            won.setdefault(number, index)
    return won
