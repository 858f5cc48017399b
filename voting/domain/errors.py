"""The one hierarchy of domain errors.

Every error carries a stable machine-readable ``code`` (what API clients and
translations key on), the ``field`` at fault where there is one, and the
values needed to word the message in any language (``params``).  The English
``message`` is for logs and the command line; the web layer words its own
from ``code`` and ``params``.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the vote was broken by the input; never a bug in the system."""

    def __init__(self, code: str, message: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.params = params

    def __str__(self) -> str:
        return self.message


class InvalidRules(DomainError):
    """Rule settings that no vote may be held under (DESIGN section 1)."""


class InvalidBallot(DomainError):
    """A ballot that cannot be read as marks on this round's projects."""


class InvalidBallotList(DomainError):
    """A ballot list (DESIGN section 5) that cannot be recounted; names the line."""

    def __init__(self, line: int, message: str, *, code: str = "bad_ballot_list") -> None:
        super().__init__(code, f"line {line}: {message}", field="ballots", line=line)
        self.line = line


class InvalidRound(DomainError):
    """A round that does not follow from the rounds before it."""
