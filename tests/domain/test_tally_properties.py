"""Properties of the tally over generated rounds (DESIGN section 1 items 3-7, section 5).

Rounds have projects 1..C (C in 2..15), 1..C-1 seats, a deputy count, an attendance, ballots that are random
approval sets (some approving more than the seats, so invalid) drawn partly from a small pool so that ties
happen often, and ballots issued at, above or below the number cast.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voting.domain import (
    BallotStyle,
    Marks,
    ProjectStatus,
    RoundSpec,
    RuleSettings,
    RunoffReason,
    ShortfallPolicy,
    TallyResult,
    ThresholdBasis,
    TiePolicy,
    tally,
    tally_counts,
)

PROPS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class Case:
    rules: RuleSettings
    spec: RoundSpec
    ballots: list[Marks]

    def run(self) -> TallyResult:
        return tally(self.rules, self.spec, self.ballots)


@st.composite
def cases(draw: st.DrawFn, style: BallotStyle = BallotStyle.APPROVE_ONLY) -> Case:
    c = draw(st.integers(2, 15))
    seats = draw(st.integers(1, c - 1))
    rules = RuleSettings(
        seats=seats,
        ballot_style=style,
        threshold_basis=draw(st.sampled_from(ThresholdBasis)),
        threshold_fraction=draw(st.sampled_from([Fraction(1, 2), Fraction(1, 2), Fraction(2, 3), Fraction(1, 3)])),
        tie_policy=draw(st.sampled_from(TiePolicy)),
        shortfall_policy=draw(st.sampled_from(ShortfallPolicy)),
    )
    numbers = st.integers(1, c)
    valid_set = st.frozensets(numbers, max_size=seats)
    any_set = st.frozensets(numbers, max_size=c)
    # Most valid ballots are laid out to a drawn approval profile: each project gets one of a few levels, so that
    # ties at the cut-off are common; each project's approvals go to consecutive ballots, cyclically, so that no
    # ballot approves a project twice or more projects than there are seats.  Random ballots, some approving more
    # projects than there are seats (invalid), are mixed in.
    laid_out = draw(st.integers(0, 40))
    levels = draw(st.lists(st.integers(0, laid_out), min_size=1, max_size=3))
    profile = draw(st.lists(st.sampled_from(levels), min_size=c, max_size=c))
    while sum(profile) > laid_out * seats:
        profile[profile.index(max(profile))] -= 1
    sequence = [n for n, times in enumerate(profile, start=1) for _ in range(times)]
    built: list[set[int]] = [set() for _ in range(laid_out)]
    for i, number in enumerate(sequence):
        built[i % laid_out].add(number)
    extra = draw(st.lists(st.one_of(valid_set, any_set), max_size=12))
    approval_sets = [frozenset(b) for b in built] + extra
    assert all(len(b) <= seats for b in built)
    if style is BallotStyle.APPROVE_ONLY:
        ballots = [Marks(a) for a in approval_sets]
    else:
        # Each project a ballot does not approve is opposed, abstained on or left unmarked, at random.
        rng = draw(st.randoms(use_true_random=False))
        ballots = []
        for approved in approval_sets:
            rest = [n for n in range(1, c + 1) if n not in approved]
            marks = [rng.choice("oan") for _ in rest]
            opposes = frozenset(n for n, m in zip(rest, marks, strict=True) if m == "o")
            abstains = frozenset(n for n, m in zip(rest, marks, strict=True) if m == "a")
            ballots.append(Marks(approved, opposes, abstains))
    cast = len(ballots)
    deputies = draw(st.integers(max(1, cast - 3), cast + cast // 4 + 3))
    present = draw(st.integers(min(cast, deputies), deputies) | st.integers(0, deputies))
    issued = draw(st.one_of(st.just(cast), st.integers(cast, cast + 5), st.integers(max(0, cast - 3), cast)))
    spec = RoundSpec(
        projects=tuple(range(1, c + 1)),
        seats=seats,
        deputy_count=deputies,
        deputies_present=present,
        ballots_issued=issued,
    )
    return Case(rules, spec, ballots)


# Each check states one property of one round's result; the tests below run several on each generated round,
# since generating the rounds is what costs the time.


def check_seats_and_threshold(case: Case, result: TallyResult) -> None:
    """Selected never exceeds the seats, and every selected project meets the threshold."""
    assert len(result.selected) <= case.spec.seats
    assert list(result.selected) == sorted(result.selected)
    assert set(result.selected) == {p.number for p in result.projects if p.status is ProjectStatus.SELECTED}
    for p in result.projects:
        if p.status is ProjectStatus.SELECTED:
            assert p.approvals >= result.threshold


def check_no_unselected_beats_a_selected(result: TallyResult) -> None:
    """No unselected project over the threshold has as many approvals as a selected one."""
    chosen = [p.approvals for p in result.projects if p.status is ProjectStatus.SELECTED]
    if not chosen:
        return
    for p in result.projects:
        if p.status is not ProjectStatus.SELECTED and p.approvals >= result.threshold:
            assert p.approvals < min(chosen)


def check_statuses(case: Case, result: TallyResult) -> None:
    """An independent statement of items 5-6: rank each project by how many eligible projects beat it."""
    if result.void:
        assert {p.status for p in result.projects} == {ProjectStatus.NOT_SELECTED}
        return
    seats = case.spec.seats
    eligible = [p.approvals for p in result.projects if p.approvals >= result.threshold]
    for p in result.projects:
        if p.approvals < result.threshold:
            assert p.status is ProjectStatus.BELOW_THRESHOLD
            continue
        better = sum(a > p.approvals for a in eligible)
        at_least = sum(a >= p.approvals for a in eligible)
        if at_least <= seats:
            assert p.status is ProjectStatus.SELECTED
        elif better < seats:
            assert p.status is ProjectStatus.TIED
        else:
            assert p.status is ProjectStatus.NOT_SELECTED


def check_threshold(case: Case, result: TallyResult) -> None:
    """The threshold is the fewest whole votes over the fraction of its basis."""
    basis = {
        ThresholdBasis.ALL_DEPUTIES: case.spec.deputy_count,
        ThresholdBasis.DEPUTIES_PRESENT: case.spec.deputies_present,
        ThresholdBasis.VALID_BALLOTS: result.ballots.valid,
    }[case.rules.threshold_basis]
    share = case.rules.threshold_fraction * basis
    assert result.threshold > share
    assert result.threshold - 1 <= share


def check_counts(case: Case, result: TallyResult) -> None:
    """cast = valid + invalid; approvals <= valid; approvals are exactly those on valid ballots."""
    valid = [b for b in case.ballots if len(b.approvals) <= case.spec.seats]
    assert result.ballots.cast == len(case.ballots)
    assert result.ballots.cast == result.ballots.valid + result.ballots.invalid
    assert result.ballots.valid == len(valid)
    assert [p.number for p in result.projects] == list(case.spec.projects)
    for p in result.projects:
        assert 0 <= p.approvals <= result.ballots.valid
    assert sum(p.approvals for p in result.projects) == sum(len(b.approvals) for b in valid)
    expected = Counter(n for b in valid for n in b.approvals)
    assert {p.number: p.approvals for p in result.projects} == {n: expected[n] for n in case.spec.projects}


def check_void(case: Case, result: TallyResult) -> None:
    """Void iff more ballots returned than issued; a void round calls for itself again."""
    assert result.void == (len(case.ballots) > case.spec.ballots_issued)
    if result.void:
        assert result.selected == ()
        assert result.vacant == 0
        assert result.runoff is not None
        assert result.runoff.reason is RunoffReason.VOID
        assert result.runoff.projects == case.spec.projects
        assert result.runoff.seats == case.spec.seats
    else:
        assert result.runoff is None or result.runoff.reason is not RunoffReason.VOID


def check_runoff(case: Case, result: TallyResult) -> None:
    """A runoff is among projects on this ballot, for the seats left; otherwise the seats are filled or vacant."""
    seats = case.spec.seats
    runoff = result.runoff
    if runoff is None:
        assert len(result.selected) + result.vacant == seats
        return
    assert set(runoff.projects) <= set(case.spec.projects)
    assert list(runoff.projects) == sorted(runoff.projects)
    assert result.vacant == 0
    # The next round is one that can be held.
    RoundSpec(projects=runoff.projects, seats=runoff.seats, deputy_count=1, deputies_present=1, ballots_issued=1)
    if runoff.reason is RunoffReason.VOID:
        return
    assert runoff.seats == seats - len(result.selected)
    if runoff.reason is RunoffReason.TIE:
        assert case.rules.tie_policy is TiePolicy.TIE_BREAK
        assert runoff.projects == tuple(p.number for p in result.projects if p.status is ProjectStatus.TIED)
        assert len(runoff.projects) > runoff.seats
    else:
        assert case.rules.shortfall_policy is ShortfallPolicy.SHORTFALL_ROUND
        assert runoff.projects == tuple(n for n in case.spec.projects if n not in result.selected)
        assert not any(p.status is ProjectStatus.TIED for p in result.projects)


def check_json_round_trip(result: TallyResult) -> None:
    """A stored count reads back as the same count."""
    assert TallyResult.from_dict(json.loads(json.dumps(result.to_dict()))) == result


@PROPS
@given(cases())
def test_selection(case: Case) -> None:
    result = case.run()
    check_seats_and_threshold(case, result)
    check_no_unselected_beats_a_selected(result)
    check_statuses(case, result)
    check_threshold(case, result)


@PROPS
@given(cases())
def test_counts_void_and_runoff(case: Case) -> None:
    result = case.run()
    check_counts(case, result)
    check_void(case, result)
    check_runoff(case, result)
    check_json_round_trip(result)


@PROPS
@given(cases(), st.randoms(use_true_random=False))
def test_ballot_order_and_grouping_change_nothing(case: Case, rng: random.Random) -> None:
    result = case.run()
    shuffled = list(case.ballots)
    rng.shuffle(shuffled)
    assert tally(case.rules, case.spec, shuffled) == result
    assert tally(case.rules, case.spec, reversed(case.ballots)) == result
    assert tally_counts(case.rules, case.spec, Counter(case.ballots)) == result


@PROPS
@given(cases(style=BallotStyle.APPROVE_OPPOSE_ABSTAIN))
def test_approve_oppose_abstain_counts_add_up_and_only_approvals_select(case: Case) -> None:
    result = case.run()
    check_counts(case, result)
    check_json_round_trip(result)
    for p in result.projects:
        assert min(p.approvals, p.opposes, p.abstains, p.no_choice) >= 0
        assert p.approvals + p.opposes + p.abstains + p.no_choice == result.ballots.valid
    valid = [b for b in case.ballots if len(b.approvals) <= case.spec.seats]
    assert {p.number: p.opposes for p in result.projects} == {
        n: sum(n in b.opposes for b in valid) for n in case.spec.projects
    }
    assert {p.number: p.abstains for p in result.projects} == {
        n: sum(n in b.abstains for b in valid) for n in case.spec.projects
    }
    approve_only = RuleSettings(**{**case.rules.to_dict(), "ballot_style": "approve_only"})
    plain = tally(approve_only, case.spec, [Marks(b.approvals) for b in case.ballots])
    assert [(p.number, p.approvals, p.status) for p in plain.projects] == [
        (p.number, p.approvals, p.status) for p in result.projects
    ]
    assert (plain.selected, plain.runoff, plain.vacant, plain.ballots, plain.threshold) == (
        result.selected,
        result.runoff,
        result.vacant,
        result.ballots,
        result.threshold,
    )
