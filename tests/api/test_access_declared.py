"""Every route declares who may call it, on its view (``voting.web.api.access``), and the web layer touches
storage only through the app factory (``voting.web.reading``/``writing``), never with a query of its own.

The declarations are what the login tests of ``test_errors.py`` read: a staff-only route is found there
from the route table, so that a new one cannot escape them by being left off a hand-kept list.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from flask import Flask

import voting.web
from tests.support.access import Declared, declared_routes, documented_operations
from voting.services.auth import PLATFORM, STAFF_ROLES, WRITERS, Role
from voting.web.api.access import ONCE_PUBLISHED, PUBLIC, access_line

WEB = Path(voting.web.__file__).parent
STORAGE = ("voting.store", "sqlmodel", "sqlalchemy")
ERRORS = "sqlalchemy.exc"
"""The database's errors, which ``voting.web.api.errors`` answers (a constraint, a lock, a value out of range)."""


def test_every_route_declares_its_access(app: Flask) -> None:
    routes = declared_routes(app)
    assert len(routes) > 60  # the whole table, pages and API
    undeclared = sorted(f"{method} {rule}" for (method, rule), declared in routes.items() if declared is None)
    assert undeclared == []
    assert set(routes.values()) <= {PUBLIC, ONCE_PUBLISHED, STAFF_ROLES, WRITERS, PLATFORM}


def test_a_change_is_for_writers_unless_it_is_a_login_a_logout_or_a_deputys(app: Flask) -> None:
    changes = {route: declared for route, declared in declared_routes(app).items() if route[0] != "GET"}
    not_writers = {route: declared for route, declared in changes.items() if declared != WRITERS}
    assert not_writers == {
        ("POST", "/api/v1/auth/login"): PUBLIC,  # anyone, with a password
        ("POST", "/api/v1/auth/logout"): STAFF_ROLES,  # any staff member, of their own session
        ("POST", "/api/v1/ballot"): PUBLIC,  # deputies, with their voting code
        ("POST", "/api/v1/ballots"): PUBLIC,
        ("POST", "/api/v1/platform/login"): PUBLIC,  # the service's administrator, with a password
        ("POST", "/api/v1/platform/bodies"): PLATFORM,  # and only they set up a body
    }


def _storage_imports(path: Path) -> list[str]:
    """The modules of storage that ``path`` imports at run time (``if TYPE_CHECKING:`` blocks only name types)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
        for statement in block.body
        for node in ast.walk(statement)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [name for name in names if name.startswith(STORAGE) and not name.startswith(ERRORS)]
    return found


def test_the_web_layer_touches_storage_only_in_the_app_factory() -> None:
    factory = WEB / "__init__.py"
    querying = {
        str(path.relative_to(WEB)): imports
        for path in sorted(WEB.rglob("*.py"))
        if path != factory and (imports := _storage_imports(path))
    }
    assert querying == {}
    assert _storage_imports(factory)  # the check sees an import where there is one


def shown_access(operation: dict[str, Any]) -> Declared:
    """The access an operation of the OpenAPI document shows, read back as a view declares it."""
    shown = operation["x-access"]
    return frozenset(Role(r) for r in operation["x-roles"]) if shown == "staff" else shown


def test_the_api_document_shows_each_operations_declared_access(app: Flask) -> None:
    """Who may call an operation is shown in the OpenAPI document from the view's own declaration: its kind and
    roles (``x-access``, ``x-roles``), the logins it takes (``security``), and a line of its description."""
    declared = declared_routes(app)
    operations = documented_operations(app)
    assert {route for route in declared if route[1].startswith("/api/v1/")} == set(operations)
    logins: list[dict[str, list[str]]] = [{"bearer": []}, {"session": []}]
    for route, operation in operations.items():
        access = declared[route]
        assert access is not None, route
        assert shown_access(operation) == access, route
        assert operation["description"].splitlines()[-1] == access_line(access), route
        if access == PUBLIC:
            assert operation["security"] == [], route
            assert "x-roles" not in operation, route
        elif access == ONCE_PUBLISHED:
            assert operation["security"] == [{}, *logins], route
            assert operation["x-roles"] == sorted(STAFF_ROLES), route
        else:
            assert operation["security"] == logins, route
            assert operation["x-roles"] == sorted(access), route
    assert operations[("POST", "/api/v1/votes/<int:vote_id>/publish")]["x-roles"] == ["admin", "clerk"]
    assert operations[("GET", "/api/v1/audit")]["x-roles"] == ["admin", "clerk", "scrutineer"]
    assert operations[("POST", "/api/v1/ballots")]["security"] == []
