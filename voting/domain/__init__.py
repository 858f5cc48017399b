"""The vote's rules and count: plain Python, no web and no database.

Everything a recount needs is here, so that an auditor can run it on any
machine with nothing but this package (DESIGN section 4).
"""

from voting.domain.ballot import Channel, Choice, Marks
from voting.domain.ballot_list import BallotList, format_ballot_list, read_ballot_list
from voting.domain.errors import DomainError, InvalidBallot, InvalidBallotList, InvalidRound, InvalidRules
from voting.domain.rules import (
    GONGSHU_2020,
    BallotStyle,
    RuleSettings,
    ShortfallPolicy,
    ThresholdBasis,
    TiePolicy,
)
from voting.domain.tally import (
    BallotCounts,
    ProjectCount,
    ProjectStatus,
    RoundSpec,
    Runoff,
    RunoffReason,
    TallyResult,
    decide,
    tally,
    tally_counts,
)
from voting.domain.vote import NextRound, RoundKind, VoteResult, combine, next_round

__all__ = [
    "GONGSHU_2020",
    "BallotCounts",
    "BallotList",
    "BallotStyle",
    "Channel",
    "Choice",
    "DomainError",
    "InvalidBallot",
    "InvalidBallotList",
    "InvalidRound",
    "InvalidRules",
    "Marks",
    "NextRound",
    "ProjectCount",
    "ProjectStatus",
    "RoundKind",
    "RoundSpec",
    "RuleSettings",
    "Runoff",
    "RunoffReason",
    "ShortfallPolicy",
    "TallyResult",
    "ThresholdBasis",
    "TiePolicy",
    "VoteResult",
    "combine",
    "decide",
    "format_ballot_list",
    "next_round",
    "read_ballot_list",
    "tally",
    "tally_counts",
]
