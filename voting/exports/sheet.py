"""The tally sheet (计票结果报告单) as data: everything any form of it shows, computed once.

Plain frozen dataclasses and the wording of the rules; no Flask, no database,
no file format.  Renderers (``pdf``, ``xlsx``, ``csv_sheet``, ``announcement``)
only lay it out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from voting.domain import RuleSettings
from voting.domain.messages import N_
from voting.domain.rate import percent
from voting.domain.rules import BallotStyle, ShortfallPolicy, ThresholdBasis, TiePolicy
from voting.language import in_language, translations

STATUS_EN = {
    "selected": N_("selected"),
    "tied": N_("tied"),
    "not_selected": N_("not selected"),
    "below_threshold": N_("below threshold"),
}
KIND_EN = {
    "first": N_("first round"),
    "tie_break": N_("tie-break round"),
    "shortfall": N_("shortfall round"),
    "revote": N_("repeat round"),
}
STATUS_ZH = in_language(STATUS_EN, "zh")
KIND_ZH = in_language(KIND_EN, "zh")
"""The Chinese of each, from the server's catalog when the module is loaded (``setup.sh`` compiles it)."""


@dataclass(frozen=True)
class ProjectLine:
    number: int
    title_zh: str
    title_en: str
    approvals: int
    opposes: int
    abstains: int
    no_choice: int
    status: str
    rate: Fraction
    """票决率: approvals over deputies present, exactly (``voting.domain.rate``)."""

    @property
    def rate_text(self) -> str:
        return percent(self.rate)


@dataclass(frozen=True)
class RoundSheet:
    number: int
    kind: str
    seats: int
    deputy_count: int
    deputies_present: int
    ballots_issued: int
    ballots_returned: int
    valid: int
    invalid: int
    electronic: int
    paper: int
    paper_issued: int
    void: bool
    quorum: bool
    threshold: int
    projects: tuple[ProjectLine, ...]
    """In number order."""
    selected: tuple[int, ...]
    """Most approved first, as the hall hears them."""
    runoff_reason: str | None
    runoff_projects: tuple[int, ...]
    runoff_seats: int
    vacant: int
    closed_at: dt.datetime | None
    audit_head_at_close: str | None

    @property
    def mismatches_zh(self) -> tuple[str, ...]:
        return self.mismatches("zh")

    def mismatches(self, language: str) -> tuple[str, ...]:
        """The reconciliation, in words, wherever the counts do not add up (empty when they do)."""
        _ = translations(language).gettext
        counts = {
            "issued": self.ballots_issued,
            "returned": self.ballots_returned,
            "short": self.ballots_issued - self.ballots_returned,
            "counted": self.valid + self.invalid,
            "channels": self.electronic + self.paper,
            "paper": self.paper,
            "paper_issued": self.paper_issued,
        }
        said = []
        if self.ballots_returned > self.ballots_issued:
            said.append(_("More ballots returned (%(returned)s) than issued (%(issued)s): the round is void."))
        elif self.ballots_returned < self.ballots_issued:
            said.append(_("Fewer ballots returned (%(returned)s) than issued (%(issued)s), by %(short)s."))
        if self.valid + self.invalid != self.ballots_returned:
            said.append(_("Valid plus invalid (%(counted)s) is not the ballots returned (%(returned)s)."))
        if self.electronic + self.paper != self.ballots_returned:
            said.append(_("Electronic plus paper (%(channels)s) is not the ballots returned (%(returned)s)."))
        if self.paper > self.paper_issued:
            said.append(_("More paper ballots returned (%(paper)s) than issued (%(paper_issued)s)."))
        return tuple(line % counts for line in said)


@dataclass(frozen=True)
class TallySheet:
    meeting_zh: str
    meeting_en: str
    plenary_zh: str
    date: dt.date
    vote_id: int
    title_zh: str
    title_en: str
    training: bool
    official: bool
    """Published: only then is a sheet the official result."""
    published_at: dt.datetime | None
    rules: RuleSettings
    rounds: tuple[RoundSheet, ...]
    """The counted rounds, in order."""
    selected: tuple[int, ...]
    """The vote's selected projects, in the order seats were won."""
    vacant: int
    decided: bool
    result_digest: str | None
    ballots_digest: str | None
    audit_head_at_publication: str | None
    audit_head: str
    """The audit log's head hash when the sheet was made."""
    chief_scrutineer: str
    scrutineers: tuple[str, ...]
    titles: dict[int, tuple[str, str]]
    """Project number -> (title_zh, title_en)."""
    time_zone: str
    """The sitting's time zone (IANA name): every time the forms print is on its clock (voting.localtime)."""

    @property
    def marks_zh(self) -> str:
        """What the title carries: 演练 for training, 未公布 before publication."""
        return " ".join(m for m, on in (("演练", self.training), ("未公布", not self.official)) if on)

    @property
    def marks_en(self) -> str:
        return " ".join(m for m, on in (("TRAINING", self.training), ("UNOFFICIAL", not self.official)) if on)

    def file_stem(self) -> str:
        """A file name that says what the file is, marks included."""
        marks = [m for m, on in (("TRAINING", self.training), ("UNOFFICIAL", not self.official)) if on]
        return "-".join([f"vote{self.vote_id}-tally-sheet", *marks])


def rules_in_words_zh(rules: RuleSettings) -> tuple[str, ...]:
    basis = {
        ThresholdBasis.ALL_DEPUTIES: "全体代表",
        ThresholdBasis.DEPUTIES_PRESENT: "出席代表",
        ThresholdBasis.VALID_BALLOTS: "有效票",
    }[rules.threshold_basis]
    fraction = "过半数" if rules.threshold_fraction == Fraction(1, 2) else f"超过{rules.threshold_fraction}"
    quorum = "过半数" if rules.quorum_fraction == Fraction(1, 2) else f"超过{rules.quorum_fraction}"
    return (
        f"应选项目{rules.seats}个；每张选票赞成的项目不得多于{rules.seats}个，多于的选票作废。",
        "选票对每个项目只设赞成。"
        if rules.ballot_style is BallotStyle.APPROVE_ONLY
        else "选票对每个项目设赞成、反对、弃权，只有赞成票计入当选。",
        f"项目获得{basis}{fraction}赞成票，方可当选；过半数的项目中按得票多少依次当选。",
        "得票相等不能确定当选项目时，就票数相等的项目再次投票。"
        if rules.tie_policy is TiePolicy.TIE_BREAK
        else "得票相等不能确定当选项目时，该名额空缺。",
        "当选项目不足应选数时，就不足的名额另行票决。"
        if rules.shortfall_policy is ShortfallPolicy.SHORTFALL_ROUND
        else "当选项目不足应选数时，不足的名额空缺。",
        f"全体代表{quorum}出席，方可进行表决；收回票数多于发出票数的，本次票决无效，重新投票。",
    )


def rules_in_words_en(rules: RuleSettings) -> tuple[str, ...]:
    basis = {
        ThresholdBasis.ALL_DEPUTIES: "all deputies",
        ThresholdBasis.DEPUTIES_PRESENT: "the deputies present",
        ThresholdBasis.VALID_BALLOTS: "the valid ballots",
    }[rules.threshold_basis]
    return (
        f"{rules.seats} seats; a ballot approving more than {rules.seats} projects is invalid.",
        "Each project may only be approved."
        if rules.ballot_style is BallotStyle.APPROVE_ONLY
        else "Each project may be approved, opposed or abstained on; only approvals count toward selection.",
        f"A project needs the approval of more than {rules.threshold_fraction} of {basis}; among those, the most approved fill the seats.",
        "Projects tied for the last seats go to a tie-break round."
        if rules.tie_policy is TiePolicy.TIE_BREAK
        else "Seats that a tie cannot fill stay vacant.",
        "Seats left when too few projects pass go to a shortfall round."
        if rules.shortfall_policy is ShortfallPolicy.SHORTFALL_ROUND
        else "Seats left when too few projects pass stay vacant.",
        f"More than {rules.quorum_fraction} of all deputies must be present; a round with more ballots returned than issued is void and held again.",
    )
