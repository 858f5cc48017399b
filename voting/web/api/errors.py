"""Every error the API answers, in one shape: ``{"code", "message", "field", ...}``.

The status comes from the error's class, the message from the server's one
catalog in the caller's language, keyed by the stable code
(``voting.domain.messages``).  A request never ends in an
unhandled 500: anything unforeseen is logged as its kind and stack, without
its message or the request (``voting.web.logs``: either may quote a code or
a ballot), and answered as ``internal_error``.  A value the database refuses
(``DataError``) is the caller's bad input, answered 422, and logged the same way.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from voting.domain.errors import DomainError
from voting.domain.lifecycle import InvalidTransition
from voting.language import error_message
from voting.services.errors import Conflict, NotAuthenticated, NotFound, PermissionDenied
from voting.services.roster import RosterRejected, RowProblem
from voting.web.i18n import language
from voting.web.logs import without_values

log = logging.getLogger(__name__)

STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (NotAuthenticated, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
    (InvalidTransition, 409),
    (DomainError, 422),
)

HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


def error_response(
    status: int,
    code: str,
    *,
    field: str | None = None,
    params: dict[str, Any] | None = None,
    frame: str | None = None,
    **extra: Any,
) -> tuple[Response, int]:
    body: dict[str, Any] = {
        "code": code,
        "message": error_message(code, params or {}, language(), frame=frame),
        "field": field,
    }
    if params:
        body["params"] = params
    body.update(extra)
    return jsonify(body), status


def _domain(exc: DomainError) -> tuple[Response, int]:
    status = next(s for cls, s in STATUS if isinstance(exc, cls))
    extra: dict[str, Any] = {}
    if isinstance(exc, RosterRejected):
        extra["rows"] = [_row(problem) for problem in exc.problems]
    return error_response(status, exc.code, field=exc.field, params=exc.params, frame=exc.frame, **extra)


def _row(problem: RowProblem) -> dict[str, Any]:
    """One bad row of a roster, worded as its own message (``row.<code>``)."""
    message = error_message(f"row.{problem.code}", {"row": problem.row, **problem.params}, language())
    return {"row": problem.row, "field": problem.field, "code": problem.code, "message": message}


def _http(exc: HTTPException) -> tuple[Response, int]:
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    code = data.get("code") or HTTP_CODES.get(status, "bad_request" if status < 500 else "internal_error")
    messages = data.get("messages") or data.get("errors")
    field = None
    if isinstance(messages, dict):
        # webargs nests by location: {"json": {"approvals": ["…"]}}
        located: Any = next(iter(messages.values()), {})
        if isinstance(located, dict) and located:
            field = str(next(iter(located)))
    extra = {"errors": messages} if messages else {}
    response, status = error_response(status, code, field=field, **extra)
    if status == 405 and exc.get_headers():
        response.headers.update({k: v for k, v in exc.get_headers() if k.lower() == "allow"})
    return response, status


def _integrity(exc: IntegrityError) -> tuple[Response, int]:
    return error_response(409, "conflict")


def _operational(exc: OperationalError) -> tuple[Response, int]:
    log.error("database unavailable: %s", exc.__class__.__name__)
    return error_response(503, "internal_error")


def _data(exc: DataError) -> tuple[Response, int]:
    log.warning("the database refused a value: %s", without_values(exc))
    return error_response(422, "invalid_value")


def _unexpected(exc: Exception) -> tuple[Response, int]:
    log.error("unexpected error: %s", without_values(exc))
    return error_response(500, "internal_error")


def register(app: Flask) -> None:
    app.register_error_handler(DomainError, _domain)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(IntegrityError, _integrity)
    app.register_error_handler(OperationalError, _operational)
    app.register_error_handler(DataError, _data)
    app.register_error_handler(Exception, _unexpected)
