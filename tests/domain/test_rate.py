"""The rate (票决率) as the hall hears it: hand-worked figures, rounded half up to the hundredth of a percent."""

from __future__ import annotations

from fractions import Fraction

from voting.domain.rate import percent, rounded, vote_rate


def test_percent_rounds_half_up() -> None:
    assert percent(Fraction(230, 230)) == "100.00%"
    assert percent(Fraction(130, 230)) == "56.52%"  # 56.5217...
    assert percent(Fraction(1, 8)) == "12.50%"
    assert percent(Fraction(1, 3)) == "33.33%"
    assert percent(Fraction(2, 3)) == "66.67%"
    assert percent(Fraction(1, 80000)) == "0.00%"  # 0.00125 %: below half a hundredth
    assert percent(Fraction(1, 20000)) == "0.01%"  # 0.005 %: exactly half, up


def test_the_rate_is_approvals_over_deputies_present() -> None:
    assert vote_rate(130, 230) == Fraction(13, 23)
    assert vote_rate(0, 230) == 0
    assert vote_rate(0, 0) == 0  # no one present: a round never counted
    assert rounded(vote_rate(5, 7)) == Fraction(7143, 10000)  # 71.428...
    assert rounded(vote_rate(1, 7)) == Fraction(1429, 10000)  # 14.285...
