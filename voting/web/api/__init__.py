"""The REST API under /api/v1, built with flask-smorest: the schemas are the contract,
and the OpenAPI document (/api/openapi.json, browsable at /api/docs) is made from the code.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, request
from flask_smorest import Api
from werkzeug.routing import IntegerConverter, Map, UnicodeConverter

from voting import __version__
from voting.web.api import (
    audit,
    ballots,
    bundles,
    clock,
    codes,
    drills,
    errors,
    exports,
    meetings,
    platform,
    rounds,
    staff,
    votes,
)
from voting.web.api.access import SECURITY_SCHEMES, DeclaredAccess, declare_public
from voting.web.api.fields import ID_MAX
from voting.web.api.schemas import ErrorSchema

OPENAPI_SETTINGS: dict[str, Any] = {
    "API_TITLE": "民生实事项目票决 · Livelihood projects vote",
    "API_VERSION": __version__,
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/static/vendor/swagger-ui/",
}


class VotingApi(Api):
    """flask-smorest's Api, documenting our error shape and leaving error handling to ``errors``."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        errors.register(self._app)


class RowId(IntegerConverter):
    """``<int:...>`` in a URL: a row id no larger than the databases store, so that a larger
    number is a 404 like any other id that names no row, not an overflow in the database driver."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)


class Segment(UnicodeConverter):
    """``<name>`` or ``<string:...>`` in a URL: any text but a NUL character, which PostgreSQL's text cannot
    hold; a path with one names nothing (404), as on SQLite, instead of failing in the database driver."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]")


BODY_TYPES = ("application/json", "multipart/form-data")
"""JSON everywhere; multipart only for the roster file, whose schema then asks for its ``file`` field."""


def require_json() -> None:
    """A body in another format would otherwise be read as no body at all and answered with "field missing"."""
    if request.path.startswith("/api/") and request.method in ("POST", "PUT", "PATCH"):
        has_body = bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "")
        if has_body and request.mimetype not in BODY_TYPES:
            abort(415)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = RowId
    app.url_map.converters["string"] = app.url_map.converters["default"] = Segment
    app.before_request(require_json)
    for key, value in OPENAPI_SETTINGS.items():
        app.config.setdefault(key, value)
    api = VotingApi(
        app,
        spec_kwargs={"components": {"securitySchemes": SECURITY_SCHEMES}, "extra_plugins": [DeclaredAccess(app)]},
    )
    for module in (staff, meetings, votes, codes, rounds, ballots, audit, exports, bundles, drills, clock, platform):
        api.register_blueprint(module.blp)
    for endpoint in (
        "api-docs.openapi_json",
        "api-docs.openapi_swagger_ui",
    ):  # the API's document, made by flask-smorest
        declare_public(app, endpoint)
