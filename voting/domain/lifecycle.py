"""The states a vote and its rounds pass through, and which moves are allowed.

The rules are adopted before the first round opens and cannot change after
(DESIGN section 1 item 8): a vote leaves ``DRAFT`` exactly once.  A round is
counted only once it is closed, and a vote is published only once decided.
"""

from __future__ import annotations

from enum import StrEnum

from voting.domain.errors import DomainError


class VoteState(StrEnum):
    DRAFT = "draft"
    """Candidates and rules may still change."""
    VOTING = "voting"
    """The rules are locked; rounds are being held."""
    DECIDED = "decided"
    """The last round's count called for no other round."""
    PUBLISHED = "published"


class RoundState(StrEnum):
    PENDING = "pending"
    OPEN = "open"
    CLOSED = "closed"
    COUNTED = "counted"


VOTE_MOVES: dict[VoteState, frozenset[VoteState]] = {
    VoteState.DRAFT: frozenset({VoteState.VOTING}),
    VoteState.VOTING: frozenset({VoteState.DECIDED}),
    VoteState.DECIDED: frozenset({VoteState.PUBLISHED}),
    VoteState.PUBLISHED: frozenset(),
}

ROUND_MOVES: dict[RoundState, frozenset[RoundState]] = {
    RoundState.PENDING: frozenset({RoundState.OPEN}),
    RoundState.OPEN: frozenset({RoundState.CLOSED}),
    RoundState.CLOSED: frozenset({RoundState.COUNTED}),
    RoundState.COUNTED: frozenset(),
}


class InvalidTransition(DomainError):
    """A step taken out of order: opening a closed round, publishing an undecided vote."""


def check_vote_move(current: VoteState | str, target: VoteState) -> None:
    if target not in VOTE_MOVES[VoteState(current)]:
        raise InvalidTransition(
            "invalid_vote_transition",
            current=str(current),
            target=str(target),
        )


def check_round_move(current: RoundState | str, target: RoundState) -> None:
    if target not in ROUND_MOVES[RoundState(current)]:
        raise InvalidTransition(
            "invalid_round_transition",
            current=str(current),
            target=str(target),
        )
