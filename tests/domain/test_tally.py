"""Hand-worked counts, one per rule of DESIGN section 1 items 3-7, and vote.combine over rounds.

Each test says how the numbers were counted by hand, so that a reader can check the expectation without
running the code.  ``ballots((n, {1, 2}), ...)`` is n ballots approving projects 1 and 2.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import pytest

from voting.domain import (
    GONGSHU_2020,
    BallotStyle,
    InvalidBallot,
    InvalidRound,
    Marks,
    NextRound,
    ProjectStatus,
    RoundKind,
    RoundSpec,
    RuleSettings,
    Runoff,
    RunoffReason,
    ShortfallPolicy,
    TallyResult,
    ThresholdBasis,
    TiePolicy,
    combine,
    next_round,
    tally,
    tally_counts,
)
from voting.domain.vote import seat_rounds

AOA = BallotStyle.APPROVE_OPPOSE_ABSTAIN


def ballots(*groups: tuple[int, Iterable[int]]) -> list[Marks]:
    return [Marks(frozenset(numbers)) for count, numbers in groups for _ in range(count)]


def count(
    rules: RuleSettings,
    projects: Iterable[int],
    cast: Sequence[Marks],
    *,
    deputies: int,
    present: int | None = None,
    issued: int | None = None,
    seats: int | None = None,
) -> TallyResult:
    """Tally one round; present and issued default to the number of ballots cast."""
    spec = RoundSpec(
        projects=tuple(projects),
        seats=rules.seats if seats is None else seats,
        deputy_count=deputies,
        deputies_present=len(cast) if present is None else present,
        ballots_issued=len(cast) if issued is None else issued,
    )
    return tally(rules, spec, cast)


def statuses(result: TallyResult) -> dict[int, str]:
    return {p.number: p.status.value for p in result.projects}


def approvals(result: TallyResult) -> dict[int, int]:
    return {p.number: p.approvals for p in result.projects}


def rules(seats: int, **kwargs: Any) -> RuleSettings:
    return RuleSettings(seats=seats, **kwargs)


# --- item 3: validity of a ballot ------------------------------------------------------------------------------


def test_over_approved_ballot_is_invalid_and_adds_nothing() -> None:
    # 4 projects, 2 seats, 5 deputies: threshold 5 // 2 + 1 = 3.
    #   2 x {1,2}  -> 1:2 2:2
    #   1 x {3}    -> 3:1
    #   1 x {1,3}  -> 1:3 3:2
    #   1 x {1,2,3} approves 3 > 2 seats: invalid, adds nothing
    # => 1:3 2:2 3:2 4:0; only 1 reaches 3.  Had the invalid ballot counted, 1:4 2:3 3:3 would tie.
    cast = ballots((2, {1, 2}), (1, {3}), (1, {1, 3}), (1, {1, 2, 3}))
    result = count(rules(2), range(1, 5), cast, deputies=5)
    assert (result.ballots.cast, result.ballots.valid, result.ballots.invalid) == (5, 4, 1)
    assert approvals(result) == {1: 3, 2: 2, 3: 2, 4: 0}
    assert result.threshold == 3
    assert statuses(result) == {1: "selected", 2: "below_threshold", 3: "below_threshold", 4: "below_threshold"}
    assert result.selected == (1,)
    assert result.runoff == Runoff(RunoffReason.SHORTFALL, (2, 3, 4), 1)


def test_ballot_approving_exactly_the_seats_is_valid() -> None:
    # 3 projects, 2 seats, 3 deputies (threshold 2): 2 x {1,2}, 1 x {3} -> 1:2 2:2 3:1, all valid.
    result = count(rules(2), range(1, 4), ballots((2, {1, 2}), (1, {3})), deputies=3)
    assert (result.ballots.valid, result.ballots.invalid) == (3, 0)
    assert result.selected == (1, 2)
    assert result.runoff is None


def test_blank_ballot_is_valid() -> None:
    # 3 projects, 1 seat, 3 deputies (threshold 2): {1}, {1}, blank -> valid 3, 1:2 selected.
    result = count(rules(1), range(1, 4), ballots((2, {1}), (1, set())), deputies=3)
    assert (result.ballots.cast, result.ballots.valid, result.ballots.invalid) == (3, 3, 0)
    assert result.selected == (1,)


def test_blank_ballots_raise_a_valid_ballot_threshold() -> None:
    # Threshold on valid ballots.  {1}, {1} alone: valid 2 -> threshold 2, project 1 (2) selected.
    # With two blank ballots as well: valid 4 -> threshold 3, project 1 (2) falls below it.
    by_valid = rules(1, threshold_basis=ThresholdBasis.VALID_BALLOTS)
    without = count(by_valid, range(1, 4), ballots((2, {1})), deputies=10)
    assert (without.threshold, without.selected) == (2, (1,))
    with_blanks = count(by_valid, range(1, 4), ballots((2, {1}), (2, set())), deputies=10)
    assert (with_blanks.ballots.valid, with_blanks.threshold, with_blanks.selected) == (4, 3, ())
    assert statuses(with_blanks)[1] == "below_threshold"


# --- item 3: more returned than issued ---------------------------------------------------------------------------


def test_more_returned_than_issued_voids_the_round() -> None:
    # 4 projects, 2 seats, 5 deputies, 5 issued, 6 returned -> void.
    #   4 x {1,2}   -> 1:4 2:4
    #   1 x {1,2,3} invalid (3 > 2 seats)
    #   1 x {3}     -> 3:1
    # Approvals are still counted on the 5 valid ballots, for the record.
    cast = ballots((4, {1, 2}), (1, {1, 2, 3}), (1, {3}))
    result = count(rules(2), range(1, 5), cast, deputies=5, present=5, issued=5)
    assert result.void is True
    assert (result.ballots.cast, result.ballots.valid, result.ballots.invalid) == (6, 5, 1)
    assert approvals(result) == {1: 4, 2: 4, 3: 1, 4: 0}
    assert set(statuses(result).values()) == {"not_selected"}
    assert result.selected == ()
    assert result.runoff == Runoff(RunoffReason.VOID, (1, 2, 3, 4), 2)
    assert result.vacant == 0
    assert result.to_dict()["void"] is True
    assert result.to_dict()["runoff"] == {"reason": "void", "projects": [1, 2, 3, 4], "seats": 2}


def test_void_round_ignores_leave_vacant_policies() -> None:
    # Same void round under leave-vacant rules: still the same round again, nothing left vacant.
    vacant = rules(2, tie_policy=TiePolicy.LEAVE_VACANT, shortfall_policy=ShortfallPolicy.LEAVE_VACANT)
    cast = ballots((4, {1, 2}), (2, {3}))
    result = count(vacant, range(1, 5), cast, deputies=5, present=5, issued=5)
    assert result.runoff == Runoff(RunoffReason.VOID, (1, 2, 3, 4), 2)
    assert result.vacant == 0
    assert result.selected == ()


@pytest.mark.parametrize("issued", [6, 7])
def test_as_many_or_fewer_returned_than_issued_stands(issued: int) -> None:
    # 6 returned of 6 or 7 issued: the round stands; 7 deputies -> threshold 4, 1:4 2:4 selected.
    cast = ballots((4, {1, 2}), (2, {3}))
    result = count(rules(2), range(1, 5), cast, deputies=7, present=issued, issued=issued)
    assert result.void is False
    assert result.selected == (1, 2)
    assert result.runoff is None


# --- item 5: the threshold's basis -------------------------------------------------------------------------------

# 4 projects, 2 seats, 20 deputies, 12 present, 12 issued and returned:
#   6 x {1,2}   -> 1:6 2:6
#   2 x {1}     -> 1:8
#   2 x blank
#   2 x {1,2,3} invalid (3 > 2 seats)
# valid 10; approvals 1:8 2:6 3:0 4:0.
BASIS_BALLOTS = ballots((6, {1, 2}), (2, {1}), (2, set()), (2, {1, 2, 3}))


@pytest.mark.parametrize(
    ("basis", "threshold", "selected", "runoff"),
    [
        # 20 // 2 + 1 = 11: nobody over it -> shortfall for both seats among all four.
        (ThresholdBasis.ALL_DEPUTIES, 11, (), Runoff(RunoffReason.SHORTFALL, (1, 2, 3, 4), 2)),
        # 12 // 2 + 1 = 7: 1 (8) over it, 2 (6) not -> one seat left among 2, 3, 4.
        (ThresholdBasis.DEPUTIES_PRESENT, 7, (1,), Runoff(RunoffReason.SHORTFALL, (2, 3, 4), 1)),
        # 10 // 2 + 1 = 6: 1 (8) and 2 (6) both over it -> decided.
        (ThresholdBasis.VALID_BALLOTS, 6, (1, 2), None),
    ],
)
def test_threshold_basis_changes_the_outcome(
    basis: ThresholdBasis, threshold: int, selected: tuple[int, ...], runoff: Runoff | None
) -> None:
    result = count(rules(2, threshold_basis=basis), range(1, 5), BASIS_BALLOTS, deputies=20, present=12)
    assert (result.ballots.cast, result.ballots.valid, result.ballots.invalid) == (12, 10, 2)
    assert approvals(result) == {1: 8, 2: 6, 3: 0, 4: 0}
    assert result.threshold == threshold
    assert result.selected == selected
    assert result.runoff == runoff


def test_exactly_the_threshold_is_enough_and_one_less_is_not() -> None:
    # 10 deputies: threshold 6.  1 x6 approvals selected, 2 x5 approvals below.
    cast = ballots((5, {1, 2}), (1, {1}), (4, set()))
    result = count(rules(2, shortfall_policy=ShortfallPolicy.LEAVE_VACANT), range(1, 4), cast, deputies=10)
    assert approvals(result) == {1: 6, 2: 5, 3: 0}
    assert statuses(result) == {1: "selected", 2: "below_threshold", 3: "below_threshold"}


def test_two_thirds_fraction() -> None:
    # 2/3 of 9 deputies is 6 -> threshold 7.  1:7 selected, 2:6 below.
    two_thirds = rules(1, threshold_fraction="2/3", shortfall_policy=ShortfallPolicy.LEAVE_VACANT)
    cast = ballots((7, {1}), (2, {2}))
    # 9 ballots, 1 seat: {1} x7 -> 1:7, {2} x2 -> 2:2.
    result = count(two_thirds, range(1, 3), cast, deputies=9)
    assert result.threshold == 7
    assert result.selected == (1,)
    six = count(two_thirds, range(1, 3), ballots((6, {1}), (3, {2})), deputies=9)
    assert (six.selected, six.vacant) == ((), 1)


# --- item 5: most approvals fill the seats -----------------------------------------------------------------------


def test_most_approved_over_the_threshold_fill_the_seats() -> None:
    # 5 projects, 2 seats, 10 deputies: threshold 6.
    #   6 x {2,3} -> 2:6 3:6
    #   3 x {2,5} -> 2:9 5:3
    #   1 x {3}   -> 3:7
    # => 2:9 3:7 over the threshold, 1, 4, 5 below.
    result = count(rules(2), range(1, 6), ballots((6, {2, 3}), (3, {2, 5}), (1, {3})), deputies=10)
    assert approvals(result) == {1: 0, 2: 9, 3: 7, 4: 0, 5: 3}
    assert result.selected == (2, 3)
    assert result.ranked_selected == (2, 3)
    assert result.runoff is None


def test_over_the_threshold_but_below_the_cut_is_not_selected() -> None:
    # 4 projects, 3 seats, 10 deputies: threshold 6.
    #   4 x {1,2,3} -> 1:4 2:4 3:4
    #   3 x {1,2,4} -> 1:7 2:7 4:3
    #   2 x {1,3,4} -> 1:9 3:6 4:5
    #   1 x {2,3,4} -> 2:8 3:7 4:6
    # => 1:9 2:8 3:7 fill the seats; 4:6 meets the threshold but falls below the cut of 7.
    cast = ballots((4, {1, 2, 3}), (3, {1, 2, 4}), (2, {1, 3, 4}), (1, {2, 3, 4}))
    result = count(rules(3), range(1, 5), cast, deputies=10)
    assert approvals(result) == {1: 9, 2: 8, 3: 7, 4: 6}
    assert statuses(result) == {1: "selected", 2: "selected", 3: "selected", 4: "not_selected"}
    assert result.runoff is None


# --- item 6: tie at the cut-off ----------------------------------------------------------------------------------

# 5 projects, 3 seats, 10 deputies: threshold 6.
#   4 x {1,2,3} -> 1:4 2:4 3:4
#   2 x {1,2,4} -> 1:6 2:6 4:2
#   2 x {1,3,4} -> 1:8 3:6 4:4
#   1 x {2,4}   -> 2:7 4:5
#   1 x {4,5}   -> 4:6 5:1
# => 1:8 2:7 3:6 4:6 5:1.  The third seat's cut is 6, held by 3 and 4: a two-way tie for one seat.
TWO_WAY = ballots((4, {1, 2, 3}), (2, {1, 2, 4}), (2, {1, 3, 4}), (1, {2, 4}), (1, {4, 5}))


def test_two_way_tie_at_the_cut_off() -> None:
    result = count(rules(3), range(1, 6), TWO_WAY, deputies=10)
    assert approvals(result) == {1: 8, 2: 7, 3: 6, 4: 6, 5: 1}
    assert statuses(result) == {1: "selected", 2: "selected", 3: "tied", 4: "tied", 5: "below_threshold"}
    assert result.selected == (1, 2)
    assert result.runoff == Runoff(RunoffReason.TIE, (3, 4), 1)
    assert result.vacant == 0
    assert next_round(result) == NextRound(RoundKind.TIE_BREAK, (3, 4), 1)


# 6 projects, 3 seats, 10 deputies: threshold 6.
#   4 x {1,2,3} -> 1:4 2:4 3:4
#   2 x {1,2,4} -> 1:6 2:6 4:2
#   2 x {1,3,4} -> 1:8 3:6 4:4
#   2 x {4,5}   -> 4:6 5:2
# => 1:8 2:6 3:6 4:6 5:2 6:0.  Cut 6 held by 2, 3, 4: a three-way tie for two seats.
THREE_WAY = ballots((4, {1, 2, 3}), (2, {1, 2, 4}), (2, {1, 3, 4}), (2, {4, 5}))


def test_three_way_tie_at_the_cut_off() -> None:
    result = count(rules(3), range(1, 7), THREE_WAY, deputies=10)
    assert approvals(result) == {1: 8, 2: 6, 3: 6, 4: 6, 5: 2, 6: 0}
    assert statuses(result) == {
        1: "selected",
        2: "tied",
        3: "tied",
        4: "tied",
        5: "below_threshold",
        6: "below_threshold",
    }
    assert result.selected == (1,)
    assert result.runoff == Runoff(RunoffReason.TIE, (2, 3, 4), 2)


def test_tie_break_round_that_ties_again() -> None:
    # Tie-break round after THREE_WAY: projects 2, 3, 4 for 2 seats; threshold still 6 of 10 deputies.
    #   4 x {2,3} -> 2:4 3:4
    #   3 x {2,4} -> 2:7 4:3
    #   2 x {3,4} -> 3:6 4:5
    #   1 x {4}   -> 4:6
    # => 2:7 selected; 3 and 4 tie at 6 for the one seat left.
    spec = RoundSpec(projects=(2, 3, 4), seats=2, deputy_count=10, deputies_present=10, ballots_issued=10)
    cast = ballots((4, {2, 3}), (3, {2, 4}), (2, {3, 4}), (1, {4}))
    result = tally(GONGSHU_2020, spec, cast)
    assert result.seats == 2
    assert approvals(result) == {2: 7, 3: 6, 4: 6}
    assert statuses(result) == {2: "selected", 3: "tied", 4: "tied"}
    assert result.runoff == Runoff(RunoffReason.TIE, (3, 4), 1)


def test_tie_break_round_that_ties_all_again_calls_for_the_same_round() -> None:
    # Projects 2, 3, 4 for 2 seats, threshold 6 of 10 deputies:
    #   3 x {2,3}, 3 x {2,4}, 3 x {3,4}, 1 blank -> 2:6 3:6 4:6, all at the threshold: three for two seats.
    spec = RoundSpec(projects=(2, 3, 4), seats=2, deputy_count=10, deputies_present=10, ballots_issued=10)
    result = tally(GONGSHU_2020, spec, ballots((3, {2, 3}), (3, {2, 4}), (3, {3, 4}), (1, set())))
    assert approvals(result) == {2: 6, 3: 6, 4: 6}
    assert result.selected == ()
    assert result.runoff == Runoff(RunoffReason.TIE, (2, 3, 4), 2)


def test_tie_at_the_cut_that_exactly_fills_the_seats_needs_no_extra_round() -> None:
    # 3 projects, 2 seats, 4 deputies (threshold 3): 3 x {1,2}, 1 x {3} -> 1:3 2:3 3:1.
    # 1 and 2 tie at the cut, but two seats hold them both.
    result = count(rules(2), range(1, 4), ballots((3, {1, 2}), (1, {3})), deputies=4)
    assert statuses(result) == {1: "selected", 2: "selected", 3: "below_threshold"}
    assert result.runoff is None


def test_tie_not_straddling_the_cut_off() -> None:
    # 6 projects, 3 seats, 20 deputies: threshold 11.
    #   5 x {1,2,3} -> 1:5  2:5  3:5
    #   4 x {1,2,4} -> 1:9  2:9  4:4
    #   4 x {1,2,5} -> 1:13 2:13 5:4
    #   7 x {3,4,5} -> 3:12 4:11 5:11
    # => 1:13 2:13 (tie above the cut) 3:12 (the cut) 4:11 5:11 (tie below the cut, over the threshold) 6:0.
    cast = ballots((5, {1, 2, 3}), (4, {1, 2, 4}), (4, {1, 2, 5}), (7, {3, 4, 5}))
    result = count(rules(3), range(1, 7), cast, deputies=20)
    assert approvals(result) == {1: 13, 2: 13, 3: 12, 4: 11, 5: 11, 6: 0}
    assert result.threshold == 11
    assert statuses(result) == {
        1: "selected",
        2: "selected",
        3: "selected",
        4: "not_selected",
        5: "not_selected",
        6: "below_threshold",
    }
    assert result.selected == (1, 2, 3)
    assert result.runoff is None
    assert result.vacant == 0


def test_tie_left_vacant() -> None:
    # TWO_WAY under leave_vacant: 3 and 4 stay tied, no tie-break, the third seat is empty.
    result = count(rules(3, tie_policy=TiePolicy.LEAVE_VACANT), range(1, 6), TWO_WAY, deputies=10)
    assert statuses(result) == {1: "selected", 2: "selected", 3: "tied", 4: "tied", 5: "below_threshold"}
    assert result.selected == (1, 2)
    assert result.runoff is None
    assert result.vacant == 1
    assert result.to_dict()["vacant"] == 1


def test_three_way_tie_left_vacant_leaves_two_seats() -> None:
    result = count(rules(3, tie_policy=TiePolicy.LEAVE_VACANT), range(1, 7), THREE_WAY, deputies=10)
    assert (result.selected, result.runoff, result.vacant) == ((1,), None, 2)


# --- item 7: shortfall -------------------------------------------------------------------------------------------

# 5 projects, 3 seats, 10 deputies: threshold 6.
#   5 x {1,2,3} -> 1:5 2:5 3:5
#   1 x {1,2,4} -> 1:6 2:6 4:1
#   2 x {1,4,5} -> 1:8 4:3 5:2
#   2 x {4}     -> 4:5
# => 1:8 2:6 over the threshold; 3:5 4:5 5:2 below.  Two of three seats filled.
SHORTFALL = ballots((5, {1, 2, 3}), (1, {1, 2, 4}), (2, {1, 4, 5}), (2, {4}))


def test_shortfall_round() -> None:
    result = count(rules(3), range(1, 6), SHORTFALL, deputies=10)
    assert approvals(result) == {1: 8, 2: 6, 3: 5, 4: 5, 5: 2}
    assert statuses(result) == {
        1: "selected",
        2: "selected",
        3: "below_threshold",
        4: "below_threshold",
        5: "below_threshold",
    }
    assert result.selected == (1, 2)
    assert result.runoff == Runoff(RunoffReason.SHORTFALL, (3, 4, 5), 1)
    assert next_round(result) == NextRound(RoundKind.SHORTFALL, (3, 4, 5), 1)
    assert result.vacant == 0


def test_shortfall_left_vacant() -> None:
    result = count(rules(3, shortfall_policy=ShortfallPolicy.LEAVE_VACANT), range(1, 6), SHORTFALL, deputies=10)
    assert result.selected == (1, 2)
    assert result.runoff is None
    assert result.vacant == 1
    assert next_round(result) is None


def test_nobody_over_the_threshold() -> None:
    # 4 projects, 2 seats, 10 deputies (threshold 6): 5 x {1,2}, 5 x {3} -> 1:5 2:5 3:5, all below.
    cast = ballots((5, {1, 2}), (5, {3}))
    result = count(rules(2), range(1, 5), cast, deputies=10)
    assert result.selected == ()
    assert result.runoff == Runoff(RunoffReason.SHORTFALL, (1, 2, 3, 4), 2)
    vacant = count(rules(2, shortfall_policy=ShortfallPolicy.LEAVE_VACANT), range(1, 5), cast, deputies=10)
    assert (vacant.runoff, vacant.vacant) == (None, 2)


def test_tie_policy_does_not_affect_a_shortfall() -> None:
    result = count(rules(3, tie_policy=TiePolicy.LEAVE_VACANT), range(1, 6), SHORTFALL, deputies=10)
    assert result.runoff == Runoff(RunoffReason.SHORTFALL, (3, 4, 5), 1)
    assert result.vacant == 0


# --- approve / oppose / abstain ----------------------------------------------------------------------------------


def aoa_ballots() -> list[Marks]:
    f = frozenset
    return [
        Marks(f({1, 2}), opposes=f({3})),
        Marks(f({1}), opposes=f({2}), abstains=f({3})),
        Marks(f({1, 3}), abstains=f({2})),
        Marks(f(), opposes=f({1, 2, 3})),
        Marks(f({1, 2, 3})),  # approves 3 > 2 seats: invalid, none of its marks count
        Marks(f({1, 2})),  # leaves 3 unmarked: no choice
    ]


def test_approve_oppose_abstain_counts() -> None:
    # 3 projects, 2 seats, 6 deputies: threshold 4.  Valid ballots: all but the fifth (5).
    #   approvals: 1: b1 b2 b3 b6 = 4   2: b1 b6 = 2   3: b3 = 1
    #   opposes:   1: b4 = 1            2: b2 b4 = 2   3: b1 b4 = 2
    #   abstains:  1: 0                 2: b3 = 1      3: b2 = 1
    #   no choice: 1: 5-4-1-0 = 0       2: 5-2-2-1 = 0 3: 5-1-2-1 = 1 (b6)
    result = count(rules(2, ballot_style=AOA), range(1, 4), aoa_ballots(), deputies=6)
    assert (result.ballots.cast, result.ballots.valid, result.ballots.invalid) == (6, 5, 1)
    got = {p.number: (p.approvals, p.opposes, p.abstains, p.no_choice) for p in result.projects}
    assert got == {1: (4, 1, 0, 0), 2: (2, 2, 1, 0), 3: (1, 2, 1, 1)}
    assert result.selected == (1,)
    assert result.runoff == Runoff(RunoffReason.SHORTFALL, (2, 3), 1)
    assert result.to_dict()["projects"] == [
        {"number": 1, "approvals": 4, "status": "selected", "opposes": 1, "abstains": 0, "no_choice": 0},
        {"number": 2, "approvals": 2, "status": "below_threshold", "opposes": 2, "abstains": 1, "no_choice": 0},
        {"number": 3, "approvals": 1, "status": "below_threshold", "opposes": 2, "abstains": 1, "no_choice": 1},
    ]


def test_only_approvals_select() -> None:
    # The same ballots reduced to their approvals, counted approve-only, select exactly the same.
    aoa = count(rules(2, ballot_style=AOA), range(1, 4), aoa_ballots(), deputies=6)
    plain = count(rules(2), range(1, 4), [Marks(b.approvals) for b in aoa_ballots()], deputies=6)
    assert statuses(aoa) == statuses(plain)
    assert approvals(aoa) == approvals(plain)
    assert (aoa.selected, aoa.runoff, aoa.threshold) == (plain.selected, plain.runoff, plain.threshold)


def test_opposition_does_not_stop_selection() -> None:
    # 2 projects, 1 seat, 5 deputies (threshold 3): 3 approve 1, 2 oppose it -> still selected.
    f = frozenset
    cast = [Marks(f({1}))] * 3 + [Marks(f(), opposes=f({1}), abstains=f({2}))] * 2
    result = count(rules(1, ballot_style=AOA), (1, 2), cast, deputies=5)
    assert result.selected == (1,)
    assert {p.number: (p.opposes, p.abstains, p.no_choice) for p in result.projects} == {1: (2, 0, 0), 2: (0, 2, 3)}


# --- bad ballots -------------------------------------------------------------------------------------------------


def test_marking_a_project_not_on_the_rounds_ballot() -> None:
    spec = RoundSpec(projects=(3, 4), seats=1, deputy_count=10, deputies_present=10, ballots_issued=10)
    with pytest.raises(InvalidBallot) as info:
        tally(GONGSHU_2020, spec, ballots((1, {3}), (1, {1})))
    assert info.value.code == "project_not_on_ballot"
    assert info.value.params["project"] == 1


def test_an_invalid_ballot_is_still_checked_against_the_rounds_ballot() -> None:
    # Over-approved (invalid) but also naming project 9, which is not on the ballot: refused, not ignored.
    spec = RoundSpec(projects=(1, 2, 3), seats=1, deputy_count=10, deputies_present=10, ballots_issued=10)
    with pytest.raises(InvalidBallot) as info:
        tally(GONGSHU_2020, spec, ballots((1, {1, 9})))
    assert info.value.code == "project_not_on_ballot"
    assert info.value.params["project"] == 9


def test_oppose_mark_not_on_the_rounds_ballot() -> None:
    spec = RoundSpec(projects=(1, 2), seats=1, deputy_count=5, deputies_present=5, ballots_issued=5)
    f = frozenset
    with pytest.raises(InvalidBallot) as info:
        tally(rules(1, ballot_style=AOA), spec, [Marks(f({1}), opposes=f({7}))])
    assert info.value.code == "project_not_on_ballot"


@pytest.mark.parametrize(
    "marks", [Marks(frozenset({1}), opposes=frozenset({2})), Marks(frozenset(), abstains=frozenset({1}))]
)
def test_approve_only_vote_refuses_oppose_or_abstain_marks(marks: Marks) -> None:
    spec = RoundSpec(projects=(1, 2), seats=1, deputy_count=5, deputies_present=5, ballots_issued=5)
    with pytest.raises(InvalidBallot) as info:
        tally(GONGSHU_2020, spec, [marks])
    assert info.value.code == "style_mismatch"


@pytest.mark.parametrize(
    ("kwargs", "project"),
    [
        ({"approvals": frozenset({1, 2}), "opposes": frozenset({2})}, 2),
        ({"approvals": frozenset({3}), "abstains": frozenset({3})}, 3),
        ({"approvals": frozenset(), "opposes": frozenset({4, 5}), "abstains": frozenset({5, 4})}, 4),
    ],
)
def test_conflicting_marks(kwargs: dict[str, frozenset[int]], project: int) -> None:
    with pytest.raises(InvalidBallot) as info:
        Marks(**kwargs)
    assert info.value.code == "conflicting_marks"
    assert info.value.params["project"] == project


def test_bad_round_specs() -> None:
    with pytest.raises(InvalidRound) as info:
        RoundSpec(projects=(), seats=1, deputy_count=5, deputies_present=5, ballots_issued=5)
    assert info.value.code == "invalid_projects"
    with pytest.raises(InvalidRound) as info:
        RoundSpec(projects=(1, 1, 2), seats=1, deputy_count=5, deputies_present=5, ballots_issued=5)
    assert info.value.code == "invalid_projects"
    with pytest.raises(InvalidRound) as info:
        RoundSpec(projects=(1, 2), seats=3, deputy_count=5, deputies_present=5, ballots_issued=5)
    assert info.value.code == "invalid_round_seats"
    assert str(info.value) == "A round of 2 projects cannot fill 3 seats."
    with pytest.raises(InvalidRound) as info:
        RoundSpec(projects=(1, 2), seats=1, deputy_count=5, deputies_present=-1, ballots_issued=5)
    assert (info.value.code, info.value.field) == ("negative_count", "deputies_present")
    with pytest.raises(InvalidRound) as info:
        RoundSpec(projects=(1, 2), seats=1, deputy_count=0, deputies_present=0, ballots_issued=0)
    assert info.value.code == "invalid_deputy_count"
    with pytest.raises(InvalidRound) as info:
        RoundSpec(projects=(1, 2), seats=1, deputy_count=5, deputies_present=6, ballots_issued=5)
    assert (info.value.code, info.value.field) == ("present_exceeds_deputies", "deputies_present")


def test_round_spec_sorts_its_projects() -> None:
    spec = RoundSpec(projects=(4, 2, 3), seats=1, deputy_count=5, deputies_present=5, ballots_issued=5)
    assert spec.projects == (2, 3, 4)
    result = tally(GONGSHU_2020, spec, [])
    assert [p.number for p in result.projects] == [2, 3, 4]


# --- the JSON form -----------------------------------------------------------------------------------------------


def test_to_dict_approve_only() -> None:
    result = count(rules(3), range(1, 6), TWO_WAY, deputies=10)
    data = result.to_dict()
    assert {"ballots", "void", "threshold", "projects", "selected", "runoff"} <= set(data)
    assert data["ballots"] == {"cast": 10, "valid": 10, "invalid": 0}
    assert data["void"] is False
    assert data["threshold"] == 6
    assert data["selected"] == [1, 2]
    assert data["runoff"] == {"reason": "tie", "projects": [3, 4], "seats": 1}
    for entry in data["projects"]:
        assert set(entry) == {"number", "approvals", "status"}
    assert [e["number"] for e in data["projects"]] == [1, 2, 3, 4, 5]
    assert [e["status"] for e in data["projects"]] == ["selected", "selected", "tied", "tied", "below_threshold"]


def test_tally_counts_matches_tally() -> None:
    spec = RoundSpec(projects=(1, 2, 3, 4, 5), seats=3, deputy_count=10, deputies_present=10, ballots_issued=10)
    assert tally_counts(GONGSHU_2020, spec, Counter(TWO_WAY)) == tally(GONGSHU_2020, spec, TWO_WAY)


def test_ranked_selected_orders_by_approvals_then_number() -> None:
    # 4 projects, 3 seats, 10 deputies (threshold 6): 7 x {4,2,3}, 1 x {4}, 2 x {3} -> 2:7 3:9 4:8.
    result = count(rules(3), range(1, 5), ballots((7, {2, 3, 4}), (1, {4}), (2, {3})), deputies=10)
    assert approvals(result) == {1: 0, 2: 7, 3: 9, 4: 8}
    assert result.selected == (2, 3, 4)
    assert result.ranked_selected == (3, 4, 2)
    # Equal approvals rank by number: 7 x {1,2} -> 1:7 2:7 with 2 seats.
    even = count(rules(2), range(1, 4), ballots((7, {2, 1}), (3, set())), deputies=10)
    assert even.ranked_selected == (1, 2)


# --- vote.combine over several rounds ----------------------------------------------------------------------------


def two_way_rounds() -> tuple[TallyResult, TallyResult]:
    first = count(rules(3), range(1, 6), TWO_WAY, deputies=10)
    # Tie-break round between 3 and 4 for one seat (threshold 6): 7 x {4}, 3 x {3} -> 4 wins.
    spec = RoundSpec(projects=(3, 4), seats=1, deputy_count=10, deputies_present=10, ballots_issued=10)
    second = tally(GONGSHU_2020, spec, ballots((7, {4}), (3, {3})))
    return first, second


def test_combine_tie_then_tie_break() -> None:
    first, second = two_way_rounds()
    assert second.selected == (4,)
    so_far = combine(3, range(1, 6), [first])
    assert so_far.selected == (1, 2)
    assert not so_far.decided
    assert so_far.next_round == NextRound(RoundKind.TIE_BREAK, (3, 4), 1)
    vote = combine(3, [5, 4, 3, 2, 1], [first, second])
    assert vote.selected == (1, 2, 4)  # 1 (8) and 2 (7) in round 1, then 4 in the tie-break
    assert vote.decided
    assert vote.next_round is None
    assert vote.rounds == 2
    assert vote.vacant == 0
    assert vote.seats == 3


def test_combine_lists_seats_in_the_order_won() -> None:
    # Round 1 of ranked_selected: 3 (9), 4 (8), 2 (7) -- not number order.
    result = count(rules(3), range(1, 5), ballots((7, {2, 3, 4}), (1, {4}), (2, {3})), deputies=10)
    assert combine(3, [1, 2, 3, 4], [result]).selected == (3, 4, 2)


def test_combine_tie_break_that_ties_again_then_decides() -> None:
    first = count(rules(3), range(1, 7), THREE_WAY, deputies=10)
    spec2 = RoundSpec(projects=(2, 3, 4), seats=2, deputy_count=10, deputies_present=10, ballots_issued=10)
    second = tally(GONGSHU_2020, spec2, ballots((4, {2, 3}), (3, {2, 4}), (2, {3, 4}), (1, {4})))
    spec3 = RoundSpec(projects=(3, 4), seats=1, deputy_count=10, deputies_present=10, ballots_issued=10)
    third = tally(GONGSHU_2020, spec3, ballots((6, {3}), (4, {4})))
    middle = combine(3, range(1, 7), [first, second])
    assert middle.next_round == NextRound(RoundKind.TIE_BREAK, (3, 4), 1)
    vote = combine(3, range(1, 7), [first, second, third])
    assert vote.selected == (1, 2, 3)
    assert vote.decided
    assert vote.rounds == 3


def test_each_seat_is_won_in_the_first_round_that_selects_it() -> None:
    # Round 1 (index 0): 1 and 2 win seats, 3 and 4 tie; round 2 (index 1), the tie-break: 4 wins.
    assert seat_rounds(two_way_rounds()) == {1: 0, 2: 0, 4: 1}
    # Three rounds: 1 in round 1; round 2 gives 2 its seat and ties 3 with 4; round 3 gives 3 its seat.
    first = count(rules(3), range(1, 7), THREE_WAY, deputies=10)
    spec2 = RoundSpec(projects=(2, 3, 4), seats=2, deputy_count=10, deputies_present=10, ballots_issued=10)
    second = tally(GONGSHU_2020, spec2, ballots((4, {2, 3}), (3, {2, 4}), (2, {3, 4}), (1, {4})))
    spec3 = RoundSpec(projects=(3, 4), seats=1, deputy_count=10, deputies_present=10, ballots_issued=10)
    third = tally(GONGSHU_2020, spec3, ballots((6, {3}), (4, {4})))
    assert seat_rounds([first, second, third]) == {1: 0, 2: 1, 3: 2}
    assert seat_rounds([]) == {}


def test_combine_shortfall_round() -> None:
    first = count(rules(3), range(1, 6), SHORTFALL, deputies=10)
    spec = RoundSpec(projects=(3, 4, 5), seats=1, deputy_count=10, deputies_present=10, ballots_issued=10)
    second = tally(GONGSHU_2020, spec, ballots((8, {5}), (2, {3})))
    vote = combine(3, range(1, 6), [first, second])
    assert vote.selected == (1, 2, 5)
    assert vote.decided


def test_combine_counts_vacant_seats() -> None:
    leave = rules(3, shortfall_policy=ShortfallPolicy.LEAVE_VACANT)
    first = count(leave, range(1, 6), SHORTFALL, deputies=10)
    vote = combine(3, range(1, 6), [first])
    assert (vote.selected, vote.vacant, vote.decided) == ((1, 2), 1, True)


def test_combine_refuses_a_round_that_was_not_called_for() -> None:
    first, _ = two_way_rounds()
    wrong = RoundSpec(projects=(3, 4, 5), seats=1, deputy_count=10, deputies_present=10, ballots_issued=10)
    bad = tally(GONGSHU_2020, wrong, ballots((7, {4})))
    with pytest.raises(InvalidRound) as info:
        combine(3, range(1, 6), [first, bad])
    assert info.value.code == "round_mismatch"
    assert info.value.params["round"] == 2


def test_combine_refuses_a_round_with_the_wrong_seats() -> None:
    first, _ = two_way_rounds()
    wrong = RoundSpec(projects=(3, 4), seats=2, deputy_count=10, deputies_present=10, ballots_issued=10)
    bad = tally(GONGSHU_2020, wrong, ballots((7, {4})))
    with pytest.raises(InvalidRound) as info:
        combine(3, range(1, 6), [first, bad])
    assert info.value.code == "round_mismatch"


def test_combine_refuses_a_first_round_of_other_projects_or_seats() -> None:
    first, _ = two_way_rounds()
    with pytest.raises(InvalidRound) as info:
        combine(3, range(1, 7), [first])
    assert (info.value.code, info.value.params["round"]) == ("round_mismatch", 1)
    with pytest.raises(InvalidRound) as info:
        combine(2, range(1, 6), [first])
    assert info.value.code == "round_mismatch"


def test_combine_refuses_a_round_after_the_vote_is_decided() -> None:
    first, second = two_way_rounds()
    with pytest.raises(InvalidRound) as info:
        combine(3, range(1, 6), [first, second, second])
    assert info.value.code == "vote_decided"


def test_combine_needs_a_round() -> None:
    with pytest.raises(InvalidRound) as info:
        combine(3, range(1, 6), [])
    assert info.value.code == "no_rounds"


def test_void_round_then_revote() -> None:
    # Round 1: 5 issued, 6 returned -> void; the same round again.
    spec = RoundSpec(projects=(1, 2, 3, 4), seats=2, deputy_count=5, deputies_present=5, ballots_issued=5)
    void = tally(rules(2), spec, ballots((4, {1, 2}), (2, {3})))
    assert void.void
    so_far = combine(2, range(1, 5), [void])
    assert so_far.selected == ()
    assert so_far.next_round == NextRound(RoundKind.REVOTE, (1, 2, 3, 4), 2)
    # Revote: 5 returned of 5; threshold 3: 3 x {1,3}, 2 x {2} -> 1:3 3:3 selected.
    revote = tally(rules(2), spec, ballots((3, {1, 3}), (2, {2})))
    assert not revote.void
    vote = combine(2, range(1, 5), [void, revote])
    assert vote.selected == (1, 3)
    assert vote.decided
    assert vote.rounds == 2


# --- a realistic Gongshu 2020 count ------------------------------------------------------------------------------

# 250 deputies, 230 present, 230 ballots issued and returned; 10 seats of 12 candidates.
#   130 x {1..10}
#    50 x {1..9, 11}
#    20 x {1..8, 12}
#    10 x {11, 12}
#    10 x blank
#     6 x {1..12}  invalid (12 > 10)
#     4 x {1..11}  invalid (11 > 10)
# valid 220, invalid 10.  Approvals: 1-8: 130+50+20 = 200; 9: 180; 10: 130; 11: 50+10 = 60; 12: 20+10 = 30.
# Threshold 250 // 2 + 1 = 126: 1-10 over it, exactly ten -> all ten selected, 11 and 12 below.
GONGSHU_BALLOTS = ballots(
    (130, range(1, 11)),
    (50, [*range(1, 10), 11]),
    (20, [*range(1, 9), 12]),
    (10, {11, 12}),
    (10, set()),
    (6, range(1, 13)),
    (4, range(1, 12)),
)


def test_gongshu_2020() -> None:
    assert len(GONGSHU_BALLOTS) == 230
    assert GONGSHU_2020.has_quorum(deputy_count=250, deputies_present=230)
    result = count(GONGSHU_2020, range(1, 13), GONGSHU_BALLOTS, deputies=250, present=230, issued=230)
    assert (result.ballots.cast, result.ballots.valid, result.ballots.invalid) == (230, 220, 10)
    assert result.void is False
    assert result.threshold == 126
    assert approvals(result) == {**dict.fromkeys(range(1, 9), 200), 9: 180, 10: 130, 11: 60, 12: 30}
    assert result.selected == tuple(range(1, 11))
    assert statuses(result)[11] == statuses(result)[12] == ProjectStatus.BELOW_THRESHOLD.value
    assert result.runoff is None
    assert result.ranked_selected == tuple(range(1, 11))
    vote = combine(10, range(1, 13), [result])
    assert vote.decided
    assert len(vote.selected) == 10


def test_gongshu_2020_one_ballot_too_many_is_void() -> None:
    result = count(GONGSHU_2020, range(1, 13), GONGSHU_BALLOTS, deputies=250, present=230, issued=229)
    assert result.void
    assert result.selected == ()
    assert result.runoff == Runoff(RunoffReason.VOID, tuple(range(1, 13)), 10)


def test_gongshu_2020_on_valid_ballots_selects_the_same_but_with_a_lower_threshold() -> None:
    # On valid ballots: 220 // 2 + 1 = 111; 10 (130) still over it, 11 (60) still below.
    by_valid = RuleSettings(seats=10, threshold_basis=ThresholdBasis.VALID_BALLOTS)
    result = count(by_valid, range(1, 13), GONGSHU_BALLOTS, deputies=250, present=230)
    assert result.threshold == 111
    assert result.selected == tuple(range(1, 11))
