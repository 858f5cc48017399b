"""The route table with each route's declared access (``voting.web.api.access``), for the tests of who may do what."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from voting.services.auth import PLATFORM, Role
from voting.web.api.access import declared_access

Declared = frozenset[Role] | str | None

METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
"""The methods a view answers itself (Flask answers HEAD with GET, and OPTIONS)."""


def declared_routes(app: Flask) -> dict[tuple[str, str], Declared]:
    """Every (method, rule) of the app's URL map, with what its view declares (None: nothing)."""
    return {
        (method, rule.rule): declared_access(app, rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) & METHODS
    }


def staff_only(app: Flask, method: str = "GET") -> list[str]:
    """The rules whose ``method`` is declared for a body's staff (any role), in the route table's order; the
    service administrator's (``PLATFORM``) are not a body's (tests/api/test_bodies.py)."""
    return [
        rule
        for (found, rule), declared in declared_routes(app).items()
        if found == method and isinstance(declared, frozenset) and declared != PLATFORM
    ]


def documented_operations(app: Flask) -> dict[tuple[str, str], dict[str, Any]]:
    """Every operation of the OpenAPI document, by (method, URL rule) as the route table names it."""
    spec = app.test_client().get("/api/openapi.json").get_json()
    rules = {re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", r.rule): r.rule for r in app.url_map.iter_rules()}
    return {
        (method.upper(), rules[path]): operation
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
        if method.upper() in METHODS
    }
