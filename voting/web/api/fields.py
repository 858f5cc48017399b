"""The API's own kinds of field, where marshmallow's own accept more than the API can store or mean."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate

from voting import localtime

PROJECT = validate.Range(min=1, max=1_000)
NUMBER = validate.Range(min=1, max=10_000)
SHORT = validate.Length(min=1, max=200)
ID_MAX = 2**31 - 1
"""The largest row id either database can hold (PostgreSQL's INTEGER); a larger one names no row."""
ROW_ID = validate.Range(min=1, max=ID_MAX)


class Text(fields.String):
    """A string that can be stored and hashed on either database: valid Unicode (a lone surrogate,
    an escape like \\ud800, cannot be encoded) and no NUL character (PostgreSQL's text cannot hold one)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text: str = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError("not valid Unicode text") from None
        if "\x00" in text:
            raise ValidationError("a NUL character cannot be stored")
        return text


class UtcDateTime(fields.DateTime):
    """An instant as machines keep it: ISO 8601 in UTC with its offset (``2020-01-17T23:00:00+00:00``).

    The database returns naive UTC; without the offset a browser would read the text as its own local
    time.  People are shown the sitting's local time by the pages (static/js/clock.js)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else localtime.as_utc(value).isoformat()


class Flag(fields.Boolean):
    """A request's yes or no: JSON ``true`` or ``false`` only.  marshmallow's ``Boolean`` also reads 1, 0,
    "yes", "off" and a dozen more, and ``1 in {True}`` holds in Python, so a client's number or typo would
    pass for a choice such as confirming a close or making a vote a drill."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if type(value) is not bool:
            raise self.make_error("invalid")
        return value


class ProjectNumbers(fields.List[int]):
    """A list of project numbers, as a ballot marks them.

    Every ballot cast passes these, and marshmallow's ``List`` deserializes
    and validates item by item, a dozen calls an item: the largest single
    item of a cast's web layer in the profile (docs/performance.md).  A list
    of plain integers in range, which is what the ballot page sends, is taken
    as it is; anything else goes through ``List`` item by item, for its
    coercions and its error messages.
    """

    def __init__(self) -> None:
        super().__init__(fields.Integer(validate=PROJECT), load_default=list, validate=validate.Length(max=1_000))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[int | None]:
        low, high = PROJECT.min, PROJECT.max
        if type(value) is list and all(type(item) is int and low <= item <= high for item in value):
            return list(value)
        return super()._deserialize(value, attr, data, **kwargs)
