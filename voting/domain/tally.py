"""The count of one round: a pure function of the rules, the round and its ballots.

DESIGN section 1 items 3-7 and section 5.  A ballot approving more projects
than the round has seats counts for nothing; a round with more ballots
returned than issued is void and held again; a project is selected only with
more than the threshold's fraction of its basis; among those over the
threshold the most approved fill the seats; a tie that straddles the cut-off
or a shortfall calls for another round (or leaves seats vacant, by the rules).

The function takes no database and no clock, so that an auditor can recount
anywhere (section 4, "recount anywhere").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from voting.domain.ballot import Marks
from voting.domain.errors import InvalidRound
from voting.domain.rules import BallotStyle, RuleSettings, ShortfallPolicy, TiePolicy


class ProjectStatus(StrEnum):
    SELECTED = "selected"
    """Wins a seat in this round."""
    TIED = "tied"
    """Meets the threshold and ties at the cut-off."""
    NOT_SELECTED = "not_selected"
    """Meets the threshold but has fewer approvals than the cut-off; every project of a void round."""
    BELOW_THRESHOLD = "below_threshold"


class RunoffReason(StrEnum):
    TIE = "tie"
    SHORTFALL = "shortfall"
    VOID = "void"


@dataclass(frozen=True)
class RoundSpec:
    """What one round's ballot asks, and the attendance it is counted against."""

    projects: tuple[int, ...]
    seats: int
    deputy_count: int
    deputies_present: int
    ballots_issued: int

    def __post_init__(self) -> None:
        if not self.projects or len(set(self.projects)) != len(self.projects):
            raise InvalidRound("invalid_projects", field="projects")
        object.__setattr__(self, "projects", tuple(sorted(self.projects)))
        if not 1 <= self.seats <= len(self.projects):
            raise InvalidRound(
                "invalid_round_seats",
                field="seats",
                projects=len(self.projects),
                seats=self.seats,
            )
        for name in ("deputy_count", "deputies_present", "ballots_issued"):
            if getattr(self, name) < 0:
                raise InvalidRound("negative_count", field=name, setting=name)
        if self.deputy_count < 1:
            raise InvalidRound("invalid_deputy_count", field="deputy_count")
        if self.deputies_present > self.deputy_count:
            raise InvalidRound(
                "present_exceeds_deputies",
                field="deputies_present",
                present=self.deputies_present,
                deputies=self.deputy_count,
            )


@dataclass(frozen=True)
class Runoff:
    """The next round the rules call for."""

    reason: RunoffReason
    projects: tuple[int, ...]
    seats: int

    def to_dict(self) -> dict[str, Any]:
        return {"reason": self.reason.value, "projects": list(self.projects), "seats": self.seats}


@dataclass(frozen=True)
class ProjectCount:
    number: int
    approvals: int
    status: ProjectStatus
    opposes: int = 0
    abstains: int = 0
    no_choice: int = 0
    """Valid ballots that left the project unmarked (未表态); approve/oppose/abstain style only."""


@dataclass(frozen=True)
class BallotCounts:
    cast: int
    valid: int
    invalid: int


@dataclass(frozen=True)
class TallyResult:
    ballot_style: BallotStyle
    seats: int
    ballots: BallotCounts
    void: bool
    threshold: int
    projects: tuple[ProjectCount, ...]
    """One per project on the round's ballot, in number order."""
    selected: tuple[int, ...]
    """Ascending by number; see ``ranked_selected`` for the order of approvals."""
    runoff: Runoff | None
    vacant: int
    """Seats the rules leave empty after this round (leave-vacant policies)."""

    @property
    def ranked_selected(self) -> tuple[int, ...]:
        """Selected projects, most approved first (ties by number), as the hall hears them."""
        chosen = [p for p in self.projects if p.status is ProjectStatus.SELECTED]
        return tuple(p.number for p in sorted(chosen, key=lambda p: (-p.approvals, p.number)))

    def to_dict(self) -> dict[str, Any]:
        """The fixed JSON form of DESIGN section 5 (what ``voting tally`` prints)."""
        aoa = self.ballot_style is BallotStyle.APPROVE_OPPOSE_ABSTAIN

        def project(p: ProjectCount) -> dict[str, Any]:
            entry: dict[str, Any] = {"number": p.number, "approvals": p.approvals, "status": p.status.value}
            if aoa:
                entry.update(opposes=p.opposes, abstains=p.abstains, no_choice=p.no_choice)
            return entry

        return {
            "ballot_style": self.ballot_style.value,
            "ballots": {"cast": self.ballots.cast, "valid": self.ballots.valid, "invalid": self.ballots.invalid},
            "void": self.void,
            "threshold": self.threshold,
            "seats": self.seats,
            "projects": [project(p) for p in self.projects],
            "selected": list(self.selected),
            "runoff": self.runoff.to_dict() if self.runoff else None,
            "vacant": self.vacant,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TallyResult:
        """The inverse of ``to_dict``: a stored count read back."""
        runoff = data["runoff"]
        return cls(
            ballot_style=BallotStyle(data["ballot_style"]),
            seats=data["seats"],
            ballots=BallotCounts(**data["ballots"]),
            void=data["void"],
            threshold=data["threshold"],
            projects=tuple(
                ProjectCount(
                    number=p["number"],
                    approvals=p["approvals"],
                    status=ProjectStatus(p["status"]),
                    opposes=p.get("opposes", 0),
                    abstains=p.get("abstains", 0),
                    no_choice=p.get("no_choice", 0),
                )
                for p in data["projects"]
            ),
            selected=tuple(data["selected"]),
            runoff=Runoff(RunoffReason(runoff["reason"]), tuple(runoff["projects"]), runoff["seats"])
            if runoff
            else None,
            vacant=data["vacant"],
        )


def tally(rules: RuleSettings, spec: RoundSpec, ballots: Iterable[Marks]) -> TallyResult:
    """Count one round from its ballots, in any order."""
    return tally_counts(rules, spec, Counter(ballots))


def tally_counts(rules: RuleSettings, spec: RoundSpec, counts: Mapping[Marks, int]) -> TallyResult:
    """Count one round from how many ballots say each thing.

    Identical ballots are counted once and weighted: a plenary's ballots repeat
    a great deal, and this keeps a million-ballot recount well under a second.
    Raises ``InvalidBallot`` if a ballot marks a project not on this round's
    ballot, or opposes or abstains where the vote's ballots only approve.
    """
    on_ballot = frozenset(spec.projects)
    approvals = dict.fromkeys(spec.projects, 0)
    opposes = dict.fromkeys(spec.projects, 0)
    abstains = dict.fromkeys(spec.projects, 0)
    cast = valid = 0
    for marks, count in counts.items():
        marks.check_projects(on_ballot)
        marks.check_style(rules.ballot_style)
        cast += count
        if not marks.is_valid(spec.seats):
            continue
        valid += count
        for number in marks.approvals:
            approvals[number] += count
        for number in marks.opposes:
            opposes[number] += count
        for number in marks.abstains:
            abstains[number] += count

    return decide(rules, spec, BallotCounts(cast, valid, cast - valid), approvals, opposes, abstains)


def decide(
    rules: RuleSettings,
    spec: RoundSpec,
    ballots: BallotCounts,
    approvals: Mapping[int, int],
    opposes: Mapping[int, int] | None = None,
    abstains: Mapping[int, int] | None = None,
) -> TallyResult:
    """The result of a round from its counts alone: validity, threshold, statuses, the next round.

    ``tally_counts`` counts the ballots and calls this; the simulator, which
    counts millions of generated ballots in bulk, calls it directly, so that
    both decide by the very same rules.
    """
    approve_only = rules.ballot_style is BallotStyle.APPROVE_ONLY
    opposes = opposes or dict.fromkeys(spec.projects, 0)
    abstains = abstains or dict.fromkeys(spec.projects, 0)
    valid = ballots.valid
    threshold = rules.threshold(
        deputy_count=spec.deputy_count, deputies_present=spec.deputies_present, valid_ballots=valid
    )
    void = ballots.cast > spec.ballots_issued
    if void:
        statuses = dict.fromkeys(spec.projects, ProjectStatus.NOT_SELECTED)
        runoff: Runoff | None = Runoff(RunoffReason.VOID, spec.projects, spec.seats)
        vacant = 0
    else:
        statuses, runoff, vacant = _select(rules, spec, approvals, threshold)

    projects = tuple(
        ProjectCount(
            number=n,
            approvals=approvals[n],
            status=statuses[n],
            opposes=opposes[n],
            abstains=abstains[n],
            no_choice=(valid - approvals[n] - opposes[n] - abstains[n]) if not approve_only else 0,
        )
        for n in spec.projects
    )
    selected = tuple(n for n in spec.projects if statuses[n] is ProjectStatus.SELECTED)
    return TallyResult(
        ballot_style=rules.ballot_style,
        seats=spec.seats,
        ballots=ballots,
        void=void,
        threshold=threshold,
        projects=projects,
        selected=selected,
        runoff=runoff,
        vacant=vacant,
    )


def _select(
    rules: RuleSettings, spec: RoundSpec, approvals: Mapping[int, int], threshold: int
) -> tuple[dict[int, ProjectStatus], Runoff | None, int]:
    """Fill the seats from the projects over the threshold (items 5-7)."""
    statuses = {
        n: ProjectStatus.NOT_SELECTED if approvals[n] >= threshold else ProjectStatus.BELOW_THRESHOLD
        for n in spec.projects
    }
    eligible = sorted((n for n in spec.projects if approvals[n] >= threshold), key=lambda n: -approvals[n])

    if len(eligible) <= spec.seats:
        for n in eligible:
            statuses[n] = ProjectStatus.SELECTED
        left = spec.seats - len(eligible)
        if left == 0:
            return statuses, None, 0
        if rules.shortfall_policy is ShortfallPolicy.LEAVE_VACANT:
            return statuses, None, left
        rest = tuple(n for n in spec.projects if statuses[n] is not ProjectStatus.SELECTED)
        return statuses, Runoff(RunoffReason.SHORTFALL, rest, left), 0

    cut = approvals[eligible[spec.seats - 1]]
    above = [n for n in eligible if approvals[n] > cut]
    at_cut = [n for n in eligible if approvals[n] == cut]
    for n in above:
        statuses[n] = ProjectStatus.SELECTED
    if len(above) + len(at_cut) <= spec.seats:
        for n in at_cut:
            statuses[n] = ProjectStatus.SELECTED
        return statuses, None, 0
    for n in at_cut:
        statuses[n] = ProjectStatus.TIED
    left = spec.seats - len(above)
    if rules.tie_policy is TiePolicy.LEAVE_VACANT:
        return statuses, None, left
    return statuses, Runoff(RunoffReason.TIE, tuple(sorted(at_cut)), left), 0
