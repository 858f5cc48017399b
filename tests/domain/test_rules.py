"""RuleSettings: the Gongshu defaults, validation, threshold, quorum, round trip, digest (DESIGN section 1)."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest

from voting.domain import (
    GONGSHU_2020,
    BallotStyle,
    InvalidRules,
    RuleSettings,
    ShortfallPolicy,
    ThresholdBasis,
    TiePolicy,
)


def test_gongshu_2020_defaults() -> None:
    rules = GONGSHU_2020
    assert rules.seats == 10
    assert rules.ballot_style is BallotStyle.APPROVE_ONLY
    assert rules.threshold_basis is ThresholdBasis.ALL_DEPUTIES
    assert rules.threshold_fraction == Fraction(1, 2)
    assert rules.tie_policy is TiePolicy.TIE_BREAK
    assert rules.shortfall_policy is ShortfallPolicy.SHORTFALL_ROUND
    assert rules.quorum_fraction == Fraction(1, 2)
    assert RuleSettings(seats=10) == GONGSHU_2020


def test_gongshu_allows_its_12_candidates() -> None:
    GONGSHU_2020.check_candidates(12)  # 10 of 12: a choice is left


def test_settings_are_immutable() -> None:
    with pytest.raises(AttributeError):
        GONGSHU_2020.seats = 11  # type: ignore[misc]


def test_enum_values_given_as_strings_become_enums() -> None:
    rules = RuleSettings(
        seats=3,
        ballot_style="approve_oppose_abstain",  # type: ignore[arg-type]
        threshold_basis="valid_ballots",  # type: ignore[arg-type]
        tie_policy="leave_vacant",  # type: ignore[arg-type]
        shortfall_policy="leave_vacant",  # type: ignore[arg-type]
        threshold_fraction="2/3",  # type: ignore[arg-type]
    )
    assert rules.ballot_style is BallotStyle.APPROVE_OPPOSE_ABSTAIN
    assert rules.threshold_basis is ThresholdBasis.VALID_BALLOTS
    assert rules.tie_policy is TiePolicy.LEAVE_VACANT
    assert rules.shortfall_policy is ShortfallPolicy.LEAVE_VACANT
    assert rules.threshold_fraction == Fraction(2, 3)


# --- validation ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seats", [0, -1, 2.0, "10", None, True, False])
def test_bad_seats(seats: Any) -> None:
    with pytest.raises(InvalidRules) as info:
        RuleSettings(seats=seats)
    assert info.value.code == "invalid_seats"
    assert info.value.field == "seats"


@pytest.mark.parametrize("name", ["threshold_fraction", "quorum_fraction"])
@pytest.mark.parametrize("value", [0, 1, Fraction(3, 2), "3/2", "-1/2", "1/1", 0.0])
def test_fraction_out_of_range(name: str, value: Any) -> None:
    with pytest.raises(InvalidRules) as info:
        RuleSettings(seats=2, **{name: value})
    assert info.value.code == "fraction_out_of_range"
    assert info.value.field == name


@pytest.mark.parametrize("name", ["threshold_fraction", "quorum_fraction"])
@pytest.mark.parametrize("value", ["abc", "", "1/0", None, [1, 2], float("nan"), float("inf")])
def test_fraction_unreadable(name: str, value: Any) -> None:
    with pytest.raises(InvalidRules) as info:
        RuleSettings(seats=2, **{name: value})
    assert info.value.code == "invalid_fraction"
    assert info.value.field == name


@pytest.mark.parametrize("value", ["1/2", 0.5, "0.5", Fraction(2, 4)])
def test_fraction_accepts_equivalent_forms(value: Any) -> None:
    assert RuleSettings(seats=2, threshold_fraction=value).threshold_fraction == Fraction(1, 2)


@pytest.mark.parametrize("name", ["ballot_style", "threshold_basis", "tie_policy", "shortfall_policy"])
def test_bad_enum_value(name: str) -> None:
    with pytest.raises(InvalidRules) as info:
        RuleSettings.from_dict({"seats": 2, name: "rank_them"})
    assert info.value.code == "invalid_choice"
    assert info.value.field == name
    assert info.value.params["value"] == "rank_them"


def test_from_dict_unknown_field() -> None:
    with pytest.raises(InvalidRules) as info:
        RuleSettings.from_dict({"seats": 10, "threshhold": "1/2"})
    assert info.value.code == "unknown_field"
    assert info.value.field == "threshhold"


def test_from_dict_missing_seats() -> None:
    with pytest.raises(InvalidRules) as info:
        RuleSettings.from_dict({"ballot_style": "approve_only"})
    assert info.value.code == "missing_field"
    assert info.value.field == "seats"


def test_from_dict_validates_values() -> None:
    with pytest.raises(InvalidRules) as info:
        RuleSettings.from_dict({"seats": 10, "threshold_basis": "everyone"})
    assert info.value.code == "invalid_choice"
    assert info.value.field == "threshold_basis"


@pytest.mark.parametrize(("seats", "candidates"), [(12, 12), (13, 12), (1, 1)])
def test_check_candidates_needs_fewer_seats_than_candidates(seats: int, candidates: int) -> None:
    with pytest.raises(InvalidRules) as info:
        RuleSettings(seats=seats).check_candidates(candidates)
    assert info.value.code == "seats_not_fewer_than_candidates"
    assert info.value.field == "seats"
    assert info.value.params == {"seats": seats, "candidates": candidates}


def test_check_candidates_one_fewer_is_enough() -> None:
    RuleSettings(seats=11).check_candidates(12)
    RuleSettings(seats=1).check_candidates(2)


def test_errors_have_a_readable_message() -> None:
    with pytest.raises(InvalidRules, match=r"^Seats must be a whole number of at least 1, not 0\.$") as refused:
        RuleSettings(seats=0)
    assert refused.value.field == "seats"


# --- threshold -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deputies", "expected"),
    [
        (250, 126),  # half of 250 is 125; more than that is 126
        (9, 5),  # half of 9 is 4.5; the fewest whole votes over it is 5
        (10, 6),  # half of 10 is 5; more than that is 6
        (1, 1),  # half of 1 is 0.5 -> 1
        (2, 2),  # half of 2 is 1 -> 2
        (3000, 1501),
    ],
)
def test_threshold_more_than_half_of_all_deputies(deputies: int, expected: int) -> None:
    # Present and valid ballots must not matter under the all-deputies basis.
    assert GONGSHU_2020.threshold(deputy_count=deputies, deputies_present=0, valid_ballots=0) == expected
    assert GONGSHU_2020.threshold(deputy_count=deputies, deputies_present=deputies, valid_ballots=7) == expected


def test_threshold_on_deputies_present() -> None:
    rules = RuleSettings(seats=10, threshold_basis=ThresholdBasis.DEPUTIES_PRESENT)
    # 250 deputies, 230 present: half of 230 is 115 -> 116; valid ballots do not matter.
    assert rules.threshold(deputy_count=250, deputies_present=230, valid_ballots=200) == 116
    # 231 present: half is 115.5 -> 116.
    assert rules.threshold(deputy_count=250, deputies_present=231, valid_ballots=200) == 116
    # 232 present: half is 116 -> 117.
    assert rules.threshold(deputy_count=250, deputies_present=232, valid_ballots=200) == 117


def test_threshold_on_valid_ballots() -> None:
    rules = RuleSettings(seats=10, threshold_basis=ThresholdBasis.VALID_BALLOTS)
    # 225 valid ballots: half is 112.5 -> 113; deputies and present do not matter.
    assert rules.threshold(deputy_count=250, deputies_present=230, valid_ballots=225) == 113
    assert rules.threshold(deputy_count=999, deputies_present=999, valid_ballots=224) == 113
    # No valid ballot at all: one approval would still exceed half of zero.
    assert rules.threshold(deputy_count=250, deputies_present=230, valid_ballots=0) == 1


@pytest.mark.parametrize(
    ("basis", "expected"),
    [
        # 2/3 of 300 deputies is 200 -> 201
        (ThresholdBasis.ALL_DEPUTIES, 201),
        # 2/3 of 250 present is 166.67 -> 167
        (ThresholdBasis.DEPUTIES_PRESENT, 167),
        # 2/3 of 240 valid is 160 -> 161
        (ThresholdBasis.VALID_BALLOTS, 161),
    ],
)
def test_threshold_two_thirds(basis: ThresholdBasis, expected: int) -> None:
    rules = RuleSettings(seats=5, threshold_basis=basis, threshold_fraction=Fraction(2, 3))
    assert rules.threshold(deputy_count=300, deputies_present=250, valid_ballots=240) == expected


@pytest.mark.parametrize(("deputies", "expected"), [(9, 7), (10, 7), (12, 9), (3, 3)])
def test_threshold_two_thirds_small(deputies: int, expected: int) -> None:
    # 9 -> 2/3 is 6 -> 7; 10 -> 6.67 -> 7; 12 -> 8 -> 9; 3 -> 2 -> 3
    rules = RuleSettings(seats=1, threshold_fraction="2/3")  # type: ignore[arg-type]
    assert rules.threshold(deputy_count=deputies, deputies_present=0, valid_ballots=0) == expected


# --- quorum ----------------------------------------------------------------------------------------------------


def test_quorum_of_250() -> None:
    assert GONGSHU_2020.quorum(250) == 126
    assert GONGSHU_2020.has_quorum(deputy_count=250, deputies_present=126)
    assert not GONGSHU_2020.has_quorum(deputy_count=250, deputies_present=125)
    assert GONGSHU_2020.has_quorum(deputy_count=250, deputies_present=250)


def test_quorum_odd_and_other_fraction() -> None:
    assert GONGSHU_2020.quorum(9) == 5
    assert not GONGSHU_2020.has_quorum(deputy_count=9, deputies_present=4)
    assert GONGSHU_2020.has_quorum(deputy_count=9, deputies_present=5)
    rules = RuleSettings(seats=3, quorum_fraction=Fraction(2, 3))
    # 2/3 of 54 (Banfu town) is 36 -> 37
    assert rules.quorum(54) == 37
    assert not rules.has_quorum(deputy_count=54, deputies_present=36)
    assert rules.has_quorum(deputy_count=54, deputies_present=37)


def test_quorum_is_independent_of_threshold_fraction() -> None:
    rules = RuleSettings(seats=3, threshold_fraction=Fraction(2, 3))
    assert rules.quorum(250) == 126


# --- to_dict / from_dict / digest ------------------------------------------------------------------------------


def test_to_dict_gongshu() -> None:
    assert GONGSHU_2020.to_dict() == {
        "seats": 10,
        "ballot_style": "approve_only",
        "threshold_basis": "all_deputies",
        "threshold_fraction": "1/2",
        "tie_policy": "tie_break",
        "shortfall_policy": "shortfall_round",
        "quorum_fraction": "1/2",
    }


ALL_CHANGED = RuleSettings(
    seats=8,
    ballot_style=BallotStyle.APPROVE_OPPOSE_ABSTAIN,
    threshold_basis=ThresholdBasis.VALID_BALLOTS,
    threshold_fraction=Fraction(2, 3),
    tie_policy=TiePolicy.LEAVE_VACANT,
    shortfall_policy=ShortfallPolicy.LEAVE_VACANT,
    quorum_fraction=Fraction(3, 5),
)


@pytest.mark.parametrize("rules", [GONGSHU_2020, ALL_CHANGED])
def test_round_trip(rules: RuleSettings) -> None:
    data = rules.to_dict()
    again = RuleSettings.from_dict(data)
    assert again == rules
    assert again.to_dict() == data
    assert again.digest() == rules.digest()


def test_round_trip_through_json() -> None:

    data = json.loads(json.dumps(ALL_CHANGED.to_dict()))
    assert RuleSettings.from_dict(data) == ALL_CHANGED


def test_digest_is_stable() -> None:
    digest = GONGSHU_2020.digest()
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert RuleSettings(seats=10).digest() == digest
    # The same fraction written differently is the same rule.
    assert RuleSettings(seats=10, threshold_fraction="2/4").digest() == digest  # type: ignore[arg-type]
    assert RuleSettings.from_dict({"seats": 10, "tie_policy": "tie_break"}).digest() == digest


@pytest.mark.parametrize(
    "change",
    [
        {"seats": 9},
        {"ballot_style": BallotStyle.APPROVE_OPPOSE_ABSTAIN},
        {"threshold_basis": ThresholdBasis.DEPUTIES_PRESENT},
        {"threshold_basis": ThresholdBasis.VALID_BALLOTS},
        {"threshold_fraction": Fraction(2, 3)},
        {"tie_policy": TiePolicy.LEAVE_VACANT},
        {"shortfall_policy": ShortfallPolicy.LEAVE_VACANT},
        {"quorum_fraction": Fraction(2, 3)},
    ],
)
def test_digest_changes_with_any_setting(change: dict[str, Any]) -> None:
    changed = RuleSettings(**{**GONGSHU_2020.to_dict(), **change})
    assert changed != GONGSHU_2020
    assert changed.digest() != GONGSHU_2020.digest()


def test_digests_of_single_changes_are_all_distinct() -> None:
    variants = [
        GONGSHU_2020,
        RuleSettings(seats=9),
        RuleSettings(seats=10, ballot_style=BallotStyle.APPROVE_OPPOSE_ABSTAIN),
        RuleSettings(seats=10, threshold_basis=ThresholdBasis.DEPUTIES_PRESENT),
        RuleSettings(seats=10, threshold_basis=ThresholdBasis.VALID_BALLOTS),
        RuleSettings(seats=10, threshold_fraction=Fraction(2, 3)),
        RuleSettings(seats=10, tie_policy=TiePolicy.LEAVE_VACANT),
        RuleSettings(seats=10, shortfall_policy=ShortfallPolicy.LEAVE_VACANT),
        RuleSettings(seats=10, quorum_fraction=Fraction(2, 3)),
        ALL_CHANGED,
    ]
    assert len({v.digest() for v in variants}) == len(variants)
