"""The one hierarchy of domain errors.

Every error carries a stable machine-readable ``code`` (what API clients and
the front end key on), the ``field`` at fault where there is one, and the
values its words need (``params``).  The words themselves are kept once, by
code, in ``voting.domain.messages`` and the server's gettext catalog: a raise
names no text of its own, so that the API, the command line and the logs say
the same thing, each in its reader's language.  ``str()`` is the English.
"""

from __future__ import annotations

from typing import Any

from voting.domain.messages import worded


class DomainError(Exception):
    """A rule of the vote was broken by the input; never a bug in the system."""

    def __init__(self, code: str, *, field: str | None = None, frame: str | None = None, **params: Any) -> None:
        """``frame``: the code of a message that says where the error stands (ballot 3 of a batch), its
        ``%(problem)s`` being this error's own words; the code stays the error's own, for the clients that key on it."""
        super().__init__(code)
        self.code = code
        self.field = field
        self.frame = frame
        self.params = params

    @property
    def message(self) -> str:
        """The English words, for logs and the command line."""
        return worded(self.code, self.params, frame=self.frame)

    def __str__(self) -> str:
        return self.message


class InvalidRules(DomainError):
    """Rule settings that no vote may be held under (DESIGN section 1)."""


class InvalidBallot(DomainError):
    """A ballot that cannot be read as marks on this round's projects."""


class InvalidBallotList(DomainError):
    """A ballot list (DESIGN section 5) that cannot be recounted; names the line."""

    def __init__(self, line: int, code: str, **params: Any) -> None:
        super().__init__(code, field="ballots", line=line, **params)
        self.line = line


class InvalidRound(DomainError):
    """A round that does not follow from the rounds before it."""
