"""Reading a request's JSON body: refused with a clear 400 when it is missing or more than the API ever needs.

Every operation that takes a JSON body documents it as required, so a request
without one is refused (``missing_body``) rather than read as ``{}``: an
empty request to issue paper ballots would otherwise give paper to every
deputy who has not voted.  Python's ``json`` turns a body nested a thousand
deep into a ``RecursionError`` and an integer of 5,000 digits into a
``ValueError``, which were 500s; the deepest body the API takes is four
levels and no number it takes has more than ten digits, so much less than
either is refused (``json_too_deep``, ``number_too_long``) before any schema
sees it.  A cast body pays for one ``count`` per bracket kind and the
``parse_int`` hook for its few numbers.
"""

from __future__ import annotations

import json
from typing import Any

import flask_smorest
from marshmallow import Schema
from webargs.flaskparser import FlaskParser, abort, is_json_request

MAX_DEPTH = 16
"""Arrays and objects within each other; the API's deepest body (a paper batch) has four."""
MAX_DIGITS = 100
"""Digits of a JSON number; every number the API takes fits in ten."""


class _NumberTooLong(ValueError):
    pass


def _integer(text: str) -> int:
    if len(text) > MAX_DIGITS:
        raise _NumberTooLong
    return int(text)


def _depth(value: Any) -> int:
    """How deep arrays and objects nest in a parsed body (iteratively: a deep body cannot exhaust the stack)."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        if depth <= MAX_DEPTH:
            pending.extend((child, depth + 1) for child in children)
    return deepest


def _refuse(code: str, message: str) -> None:
    abort(400, code=code, messages={"json": [message]})


def read_body(data: bytes) -> Any:
    """A request body as JSON, or a 400 with the code that says why not."""
    if not data.strip():
        _refuse("missing_body", "this operation needs a JSON body")
    try:
        value = json.loads(data, parse_int=_integer)
    except _NumberTooLong:
        _refuse("number_too_long", f"a number has more than {MAX_DIGITS} digits")
    except RecursionError:
        _refuse("json_too_deep", f"arrays and objects nest more than {MAX_DEPTH} deep")
    except ValueError:  # JSONDecodeError, and bytes that are not UTF-8
        _refuse("bad_request", "the body is not valid JSON")
    if data.count(b"[") + data.count(b"{") > MAX_DEPTH and _depth(value) > MAX_DEPTH:
        _refuse("json_too_deep", f"arrays and objects nest more than {MAX_DEPTH} deep")
    return value


class BodyParser(FlaskParser):
    """webargs' parser, with the JSON body read by ``read_body``."""

    def load_json(self, req: Any, schema: Schema) -> Any:
        # Another format (multipart, which ``voting.web.api.require_json`` lets through) is no JSON body either.
        return read_body(req.get_data(cache=True) if is_json_request(req) else b"")


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, reading bodies with ``BodyParser``: the one the API's modules use."""

    ARGUMENTS_PARSER = BodyParser()
