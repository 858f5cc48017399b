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

    def marks(self, language: str) -> str:
        """What the title carries, in ``language``: 演练 / TRAINING for training, 未公布 / UNOFFICIAL before publication."""
        _ = translations(language).gettext
        return " ".join(_(mark) for mark in self._marks())

    def _marks(self) -> list[str]:
        return [mark for mark, on in ((N_("TRAINING"), self.training), (N_("UNOFFICIAL"), not self.official)) if on]

    def file_stem(self) -> str:
        """A file name that says what the file is, marks included: their English message ids, so the name stays ASCII."""
        return "-".join([f"vote{self.vote_id}-tally-sheet", *self._marks()])


BASIS = {
    ThresholdBasis.ALL_DEPUTIES: N_("all deputies"),
    ThresholdBasis.DEPUTIES_PRESENT: N_("the deputies present"),
    ThresholdBasis.VALID_BALLOTS: N_("the valid ballots"),
}
BALLOT_STYLE = {
    BallotStyle.APPROVE_ONLY: N_("Each project may only be approved."),
    BallotStyle.APPROVE_OPPOSE_ABSTAIN: N_(
        "Each project may be approved, opposed or abstained on; only approvals count toward selection."
    ),
}
TIE_POLICY = {
    TiePolicy.TIE_BREAK: N_("Projects tied for the last seats go to a tie-break round."),
    TiePolicy.LEAVE_VACANT: N_("Seats that a tie cannot fill stay vacant."),
}
SHORTFALL_POLICY = {
    ShortfallPolicy.SHORTFALL_ROUND: N_("Seats left when too few projects pass go to a shortfall round."),
    ShortfallPolicy.LEAVE_VACANT: N_("Seats left when too few projects pass stay vacant."),
}
"""Each rule setting's sentence, as the forms print it."""


def rules_in_words(rules: RuleSettings, language: str) -> tuple[str, ...]:
    """The rules of the vote in ``language``, one sentence each, in the order the forms print them.

    A half is 过半数 in Chinese, which says "more than 1/2" without the fraction: so the threshold and the
    quorum have a sentence for a half and one for any other fraction."""
    _ = translations(language).gettext
    half = Fraction(1, 2)
    if rules.threshold_fraction == half:
        threshold = _(
            "A project needs the approval of more than 1/2 of %(basis)s; among those, the most approved fill the seats."
        )
    else:
        threshold = _(
            "A project needs the approval of more than %(fraction)s of %(basis)s;"
            " among those, the most approved fill the seats."
        )
    if rules.quorum_fraction == half:
        quorum = _(
            "More than 1/2 of all deputies must be present;"
            " a round with more ballots returned than issued is void and held again."
        )
    else:
        quorum = _(
            "More than %(fraction)s of all deputies must be present;"
            " a round with more ballots returned than issued is void and held again."
        )
    return (
        translations(language).ngettext(
            "%(seats)s seat; a ballot approving more than %(seats)s project is invalid.",
            "%(seats)s seats; a ballot approving more than %(seats)s projects is invalid.",
            rules.seats,
        )
        % {"seats": rules.seats},
        _(BALLOT_STYLE[rules.ballot_style]),
        threshold % {"fraction": rules.threshold_fraction, "basis": _(BASIS[rules.threshold_basis])},
        _(TIE_POLICY[rules.tie_policy]),
        _(SHORTFALL_POLICY[rules.shortfall_policy]),
        quorum % {"fraction": rules.quorum_fraction},
    )
