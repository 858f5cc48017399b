"""The answers that never change once a vote is published, kept per process (the publication spike).

When the result is announced every deputy's phone and every screen fetch it
within the same second (docs/performance.md).  A published vote's result and
hall view are fixed (publication is final, and a training vote's reset takes
it back to a draft), so each process serialises them once and answers later
requests with the same bytes: an official vote's for good (its publication is
final), a training vote's after one small query that checks it is still
published as it was (the key holds the database, the vote, and the time and
digest of its publication).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Response, current_app, json
from marshmallow import Schema

from voting.services.publication import publication_stamp
from voting.web import get_db

if TYPE_CHECKING:
    from sqlmodel import Session

LIMIT = 256
"""Answers kept per process at most (the oldest go first)."""

_answers: dict[tuple[str, str, int, str, str], bytes] = {}
_lock = threading.Lock()
FINAL = ("final", "")
"""In place of the stamp, in the key of an official vote's answer: it never changes, so no query checks it."""


def answer(db: Session, kind: str, vote_id: int, schema: type[Schema], compute: Callable[[], Any]) -> Response | None:
    """The cached answer of a published vote; None (compute nothing) if the vote is not published.

    An official vote's answer, once kept, is given without asking the database (the whole publication
    spike's result fetches then cost what ``/healthz`` does); a training vote's after one query for its stamp.
    """
    url = get_db(current_app).url
    body = _answers.get((url, kind, vote_id, *FINAL))
    if body is not None:
        return _response(body)
    stamp = publication_stamp(db, vote_id)
    if stamp is None:
        return None
    key = (url, kind, vote_id, *(FINAL if stamp.final else (stamp.published_at, stamp.digest)))
    body = _answers.get(key)
    if body is None:
        body = json.dumps(schema().dump(compute())).encode()
        with _lock:
            if len(_answers) >= LIMIT:
                _answers.pop(next(iter(_answers)))
            _answers[key] = body
    return _response(body)


def _response(body: bytes) -> Response:
    return Response(body, status=200, mimetype="application/json")
