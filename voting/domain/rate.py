"""The rate (票决率): a project's approvals over the deputies present, as the hall hears it.

The form of words read out after a count gives each project's approvals and
its rate (DESIGN section 1, "What the hall hears"); every page, screen and
form shows that same figure, so it is computed here and nowhere else: exactly
as a fraction, then rounded half up to the hundredth of a percent.
"""

from __future__ import annotations

from fractions import Fraction

HUNDREDTHS_OF_A_PERCENT = 10000


def vote_rate(approvals: int, present: int) -> Fraction:
    """Approvals over deputies present, exactly; 0 while no one is present (a round never counted)."""
    return Fraction(approvals, present) if present else Fraction(0)


def rounded(rate: Fraction) -> Fraction:
    """The rate as the hall hears it: to the hundredth of a percent, half up (1/8 is 12.50 %, 2/3 is 66.67 %)."""
    return Fraction((rate * HUNDREDTHS_OF_A_PERCENT + Fraction(1, 2)).__floor__(), HUNDREDTHS_OF_A_PERCENT)


def percent(rate: Fraction) -> str:
    """The rate in words and figures as read out: two decimals and a percent sign, ``56.52%``."""
    hundredths = int(rounded(rate) * HUNDREDTHS_OF_A_PERCENT)
    return f"{hundredths // 100}.{hundredths % 100:02d}%"
