"""Errors of the use cases, under the one ``DomainError`` root.

The web layer maps each class to an HTTP status in one place
(``voting.web.api.errors``); the code and params word the message.
"""

from __future__ import annotations

from voting.domain.errors import DomainError


class NotFound(DomainError):
    """The thing asked for does not exist (or is not for this caller to see)."""


class Conflict(DomainError):
    """The request is well-formed but the current state refuses it: already voted, already present."""


class PermissionDenied(DomainError):
    """The caller's role may not do this."""


class NotAuthenticated(DomainError):
    """No valid login, token or voting code."""


class InvalidInput(DomainError):
    """Input that no schema could catch: a roster file with bad rows, say."""
