"""One typed audit event: the base class of the actions in ``audit_events`` and how a stored entry's details are read.

A field's type says what JSON value its key holds; reading refuses a key
that is missing, unknown or of another type, and a ``null``, and names it, so
that the bundle checker can say which entry of a log no version wrote.  Pure
and standard library only: the bundle's verifier ships this module with
``audit_events`` (``voting.exports.forms``).
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Self, get_args, get_origin, get_type_hints

TRAINING = "training"
"""The details key that marks an entry about a training vote (演练), added by the writer."""


class InvalidEvent(ValueError):
    """Details that are not their action's: an entry that no version of this system wrote.

    Not a ``DomainError``: no request can send one (the log is written only
    from events), so it has no code for the API; a reader of a stored log,
    the bundle checker, words it with the entry it came from.
    """

    def __init__(self, action: str, message: str) -> None:
        super().__init__(f"{action}: {message}")
        self.action = action


@dataclass(frozen=True)
class AuditEvent:
    """One kind of audit entry; ``action`` is the name the log stores."""

    action: ClassVar[str]

    def details(self) -> dict[str, Any]:
        """The entry's details as stored, without the training mark: absent keys left out, tuples as lists."""
        found: dict[str, Any] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if value is not None:
                found[field.name] = list(value) if isinstance(value, tuple) else value
        return found

    @classmethod
    def from_details(cls, details: object) -> Self:
        """The event a stored entry's details record; ``InvalidEvent`` names the first key that does not fit."""
        if not isinstance(details, Mapping):
            raise InvalidEvent(cls.action, "its details are not a JSON object")
        hints = _hints(cls)
        extra = next((key for key in details if key not in hints and key != TRAINING), None)
        if extra is not None:
            raise InvalidEvent(cls.action, f"no such detail as {extra!r}")
        if TRAINING not in hints and details.get(TRAINING, True) is not True:
            raise InvalidEvent(cls.action, f"{TRAINING} is {details[TRAINING]!r}, not true")
        values: dict[str, Any] = {}
        for name, hint in hints.items():
            if name not in details:
                if type(None) not in get_args(hint):
                    raise InvalidEvent(cls.action, f"lacks {name}")
                continue
            value = details[name]
            if not _fits(value, hint):
                raise InvalidEvent(cls.action, f"{name} is {value!r}, not {_spelled(hint)}")
            values[name] = tuple(value) if isinstance(value, list) else value
        return cls(**values)


def _hints(cls: type[AuditEvent]) -> dict[str, Any]:
    names = {field.name for field in fields(cls)}
    return {name: hint for name, hint in get_type_hints(cls).items() if name in names}


def _fits(value: object, hint: Any) -> bool:
    """Whether a JSON value is of a field's type; a field is never ``null`` (an absent key is left out instead)."""
    origin, args = get_origin(hint), get_args(hint)
    if origin is types.UnionType:
        return any(_fits(value, arg) for arg in args if arg is not type(None))
    if origin is tuple:
        return isinstance(value, list) and all(_fits(item, args[0]) for item in value)
    if origin is dict:
        return isinstance(value, dict) and all(
            isinstance(key, str) and _fits(item, args[1]) for key, item in value.items()
        )
    if hint is Any:  # inside a rules or result object, which their own readers check
        return True
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def _spelled(hint: Any) -> str:
    origin, args = get_origin(hint), get_args(hint)
    if origin is types.UnionType:
        return " or ".join(_spelled(arg) for arg in args if arg is not type(None))
    if origin is tuple:
        return f"a list of {_spelled(args[0])}"
    if origin is dict:
        return f"an object of {_spelled(args[1])}" if args[1] is not Any else "an object"
    return {int: "a whole number", str: "text", bool: "true or false"}.get(hint, "a value")
