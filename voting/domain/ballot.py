"""What one ballot says, with nothing about who cast it.

``Marks`` is the content of a ballot and nothing else: no id, no time, no
deputy.  That is the secrecy rule of DESIGN section 4 expressed as a type, and
it also lets the tally count identical ballots together (they are equal and
hash alike), which is what makes a million-ballot recount fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from voting.domain.errors import InvalidBallot
from voting.domain.rules import BallotStyle


class Choice(StrEnum):
    APPROVE = "approve"
    OPPOSE = "oppose"
    ABSTAIN = "abstain"


class Channel(StrEnum):
    """How a deputy's ballot reached the box: cast on a phone or terminal, or a paper ballot issued in the hall.

    Stored as these words in ``participation.channel`` and ``ballot.channel``.
    """

    ELECTRONIC = "electronic"
    PAPER = "paper"


@dataclass(frozen=True, slots=True)
class Marks:
    """The projects a ballot approves, opposes and abstains on (by number)."""

    approvals: frozenset[int]
    opposes: frozenset[int] = field(default=frozenset())
    abstains: frozenset[int] = field(default=frozenset())

    def __post_init__(self) -> None:
        conflict = (self.approvals & self.opposes) | (self.approvals & self.abstains) | (self.opposes & self.abstains)
        if conflict:
            number = min(conflict)
            raise InvalidBallot("conflicting_marks", field="marks", project=number)

    @classmethod
    def approving(cls, *numbers: int) -> Marks:
        return cls(frozenset(numbers))

    @property
    def marked(self) -> frozenset[int]:
        return self.approvals | self.opposes | self.abstains

    def is_valid(self, seats: int) -> bool:
        """A ballot approving more projects than there are seats is void as a whole (item 3)."""
        return len(self.approvals) <= seats

    def check_style(self, style: BallotStyle) -> None:
        """Refuse an oppose or abstain mark on the ballot of a vote whose ballots only approve (DESIGN section 1)."""
        if style is BallotStyle.APPROVE_ONLY and (self.opposes or self.abstains):
            field = "opposes" if self.opposes else "abstains"
            raise InvalidBallot("style_mismatch", field=field)

    def check_projects(self, projects: frozenset[int]) -> None:
        """Refuse marks on a project that is not on this round's ballot."""
        stray = self.marked - projects
        if stray:
            number = min(stray)
            raise InvalidBallot(
                "project_not_on_ballot",
                field="marks",
                project=number,
            )
