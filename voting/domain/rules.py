"""The rule settings of one vote (票决办法), as data.

DESIGN section 1 lists what varies between localities: the ballot style, the
threshold's basis and fraction, what happens on a tie at the cut-off or a
shortfall, and the quorum.  Each is a named setting here, with the Gongshu
2020 choices as defaults, so that no rule hides as a constant in the code.
The presidium adopts the settings before the vote opens; they cannot change
once it has, which is why ``digest`` exists: the lock's audit entry carries it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from voting.domain.errors import InvalidRules


class BallotStyle(StrEnum):
    """What a deputy may mark against each project."""

    APPROVE_ONLY = "approve_only"
    """Tick the projects you approve (Gongshu 2020)."""
    APPROVE_OPPOSE_ABSTAIN = "approve_oppose_abstain"
    """赞成 / 反对 / 弃权 printed for each project; only 赞成 counts toward selection."""


class ThresholdBasis(StrEnum):
    """What the selection threshold is a fraction of (DESIGN section 1 item 5)."""

    ALL_DEPUTIES = "all_deputies"
    DEPUTIES_PRESENT = "deputies_present"
    VALID_BALLOTS = "valid_ballots"


class TiePolicy(StrEnum):
    """What happens when projects tie for the last seat(s) (item 6)."""

    TIE_BREAK = "tie_break"
    """Vote again on just the tied projects, for just the seats left."""
    LEAVE_VACANT = "leave_vacant"
    """The contested seats stay empty."""


class ShortfallPolicy(StrEnum):
    """What happens when fewer projects pass the threshold than there are seats (item 7)."""

    SHORTFALL_ROUND = "shortfall_round"
    """另行票决: vote again among the projects not yet selected, for the seats left."""
    LEAVE_VACANT = "leave_vacant"


def _fraction(value: Fraction | str | int | float, name: str) -> Fraction:
    try:
        result = Fraction(value)
    except (ValueError, ZeroDivisionError, TypeError, OverflowError) as exc:
        raise InvalidRules("invalid_fraction", field=name, setting=name, value=str(value)) from exc
    if not 0 < result < 1:
        raise InvalidRules(
            "fraction_out_of_range",
            field=name,
            setting=name,
            value=str(result),
        )
    return result


def _more_than(fraction: Fraction, basis: int) -> int:
    """The fewest whole votes that exceed ``fraction`` of ``basis`` (过半数 for 1/2)."""
    return (basis * fraction.numerator) // fraction.denominator + 1


@dataclass(frozen=True)
class RuleSettings:
    """The rules one vote is held under; validated when made, immutable after."""

    seats: int
    ballot_style: BallotStyle = BallotStyle.APPROVE_ONLY
    threshold_basis: ThresholdBasis = ThresholdBasis.ALL_DEPUTIES
    threshold_fraction: Fraction = field(default=Fraction(1, 2))
    tie_policy: TiePolicy = TiePolicy.TIE_BREAK
    shortfall_policy: ShortfallPolicy = ShortfallPolicy.SHORTFALL_ROUND
    quorum_fraction: Fraction = field(default=Fraction(1, 2))

    def __post_init__(self) -> None:
        if isinstance(self.seats, bool) or not isinstance(self.seats, int) or self.seats < 1:
            raise InvalidRules("invalid_seats", field="seats", value=repr(self.seats))
        for name, enum in (
            ("ballot_style", BallotStyle),
            ("threshold_basis", ThresholdBasis),
            ("tie_policy", TiePolicy),
            ("shortfall_policy", ShortfallPolicy),
        ):
            value = getattr(self, name)
            try:
                object.__setattr__(self, name, enum(value))
            except ValueError:
                choices = ", ".join(member.value for member in enum)
                raise InvalidRules(
                    "invalid_choice", field=name, setting=name, choices=choices, value=str(value)
                ) from None
        object.__setattr__(self, "threshold_fraction", _fraction(self.threshold_fraction, "threshold_fraction"))
        object.__setattr__(self, "quorum_fraction", _fraction(self.quorum_fraction, "quorum_fraction"))

    def check_candidates(self, candidate_count: int) -> None:
        """A vote must leave the deputies a choice: fewer seats than candidates."""
        if self.seats >= candidate_count:
            raise InvalidRules(
                "seats_not_fewer_than_candidates",
                field="seats",
                seats=self.seats,
                candidates=candidate_count,
            )

    def threshold(self, *, deputy_count: int, deputies_present: int, valid_ballots: int) -> int:
        """The fewest approvals a project needs to be selected (item 5)."""
        basis = {
            ThresholdBasis.ALL_DEPUTIES: deputy_count,
            ThresholdBasis.DEPUTIES_PRESENT: deputies_present,
            ThresholdBasis.VALID_BALLOTS: valid_ballots,
        }[self.threshold_basis]
        return _more_than(self.threshold_fraction, basis)

    def quorum(self, deputy_count: int) -> int:
        """The fewest deputies present for the plenary to vote (item 4)."""
        return _more_than(self.quorum_fraction, deputy_count)

    def has_quorum(self, *, deputy_count: int, deputies_present: int) -> bool:
        return deputies_present >= self.quorum(deputy_count)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able form; fractions as "n/d" so that no float rounds them."""
        return {
            "seats": self.seats,
            "ballot_style": self.ballot_style.value,
            "threshold_basis": self.threshold_basis.value,
            "threshold_fraction": str(self.threshold_fraction),
            "tie_policy": self.tie_policy.value,
            "shortfall_policy": self.shortfall_policy.value,
            "quorum_fraction": str(self.quorum_fraction),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RuleSettings:
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            name = sorted(unknown)[0]
            raise InvalidRules("unknown_field", field=name, setting=name)
        if "seats" not in data:
            raise InvalidRules("missing_field", field="seats", setting="seats")
        return cls(**data)

    def digest(self) -> str:
        """SHA-256 of the canonical JSON form: what the lock's audit entry records."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


GONGSHU_2020 = RuleSettings(seats=10)
"""Gongshu 2020: 10 of 12, approve-only, more than half of all deputies."""
