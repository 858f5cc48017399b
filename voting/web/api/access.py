"""Who is calling: a staff member by bearer token or by the browser's session cookie.

Browsers log in for a signed session cookie (HttpOnly, SameSite=Strict,
Secure over HTTPS) and must echo the session's CSRF token in ``X-CSRF-Token``
on every change; API clients send ``Authorization: Bearer <token>`` and need
no CSRF token, since no browser attaches that header on its own.  The cookie
carries only the login's session id: the login itself lives in the database
(``services.auth``), so that logging out, or the idle and absolute limits, end
it on the server, whoever holds a copy of the cookie.  Deputies never log in: their
voting code is their credential, checked by the cast itself.

Every view declares who may call it, on the view (Arlo's ``restrict_access``,
flaskr's ``login_required``): ``@staff(READERS)`` or ``@staff(WRITERS)``,
``@public``, or ``@public_once_published``; ``tests/api/test_access_declared.py``
fails for a route that declares nothing.  The API's OpenAPI document shows
each operation's declaration (``DeclaredAccess``), so that what a client reads
there is what the view checks.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from apispec import BasePlugin
from flask import Flask, current_app, request, session
from werkzeug.routing import Rule

from voting.services import auth
from voting.services.auth import PLATFORM as PLATFORM
from voting.services.auth import STAFF_ROLES, Actor, Role, require
from voting.services.auth import WRITERS as WRITERS
from voting.services.errors import NotAuthenticated, NotFound
from voting.web import owner_of, reading, request_body, writing

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
READERS = STAFF_ROLES

View = TypeVar("View", bound=Callable[..., Any])

ACCESS = "voting_access"
"""The attribute a view's declaration sets: the roles it lets in, ``PUBLIC`` or ``ONCE_PUBLISHED``."""
PUBLIC = "public"
ONCE_PUBLISHED = "public once published"

SECURITY_SCHEMES: dict[str, dict[str, str]] = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "The token POST /api/v1/auth/login returns."},
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
        "description": "The browser's login; every change also sends the session's X-CSRF-Token header.",
    },
}
"""The two ways staff log in (``caller``), as the API's document names them."""


def secret() -> str:
    key: str = current_app.config["SECRET_KEY"]
    return key


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def session_limits() -> auth.SessionLimits:
    """The settings SESSION_IDLE_MINUTES and SESSION_MAX_HOURS."""
    return auth.SessionLimits.of(current_app.config["SESSION_IDLE_MINUTES"], current_app.config["SESSION_MAX_HOURS"])


@dataclass(frozen=True)
class Caller:
    """A staff member and the login they called with."""

    actor: Actor
    login: str
    """The login's key (``ApiToken.token_hash``), to log it out."""


def caller(roles: frozenset[Role] = READERS) -> Caller:
    """The calling staff member and their login, checked for one of ``roles``; raises 401 or 403 otherwise."""
    limits = session_limits()
    with reading() as db_session:
        token = bearer_token()
        if token is not None:
            login = auth.find_login(db_session, secret(), limits, token=token)
        else:
            session_id = session.get("login")
            login = auth.find_login(db_session, secret(), limits, session_id=session_id) if session_id else None
            if login is not None and request.method in UNSAFE_METHODS:
                expected = session.get("csrf", "")
                given = request.headers.get("X-CSRF-Token", "")
                if not expected or not hmac.compare_digest(expected, given):
                    raise NotAuthenticated("csrf_failed")
        user = auth.user_of(db_session, login)
        home = None if roles == PLATFORM else request_body()
        if login is None or user is None or user.body_id != home:  # a login is its own body's only
            raise NotAuthenticated("not_authenticated")
        found = Caller(Actor(user.name, user.role, user.body_id), login.token_hash)
        stale = auth.needs_touch(login)
    if stale:
        with writing() as db_session:
            auth.touch(db_session, found.login)
    require(found.actor, roles)
    return found


CALLER = "voting.caller"
"""Where ``@staff`` leaves the caller: in the request's own environ, not in ``g``, which a request the app
makes to itself in the same thread (a drill's ``InProcessClient``) shares with the request that made it."""


def current_caller() -> Caller:
    """The staff member, and their login, that the view's ``@staff`` declaration let in."""
    found: Caller = request.environ[CALLER]
    return found


def current_actor() -> Actor:
    """The staff member the view's ``@staff`` declaration let in, to name in the audit log."""
    return current_caller().actor


def staff(roles: frozenset[Role]) -> Callable[[View], View]:
    """Declare a view staff only: a caller without one of ``roles`` is answered 401 or 403 before it runs.

    Written directly above the ``def``, under flask-smorest's decorators, so that
    the body is read and checked first, as a check inside the view was.
    """

    def declare(view: View) -> View:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            request.environ[CALLER] = caller(roles)
            owned_here()
            return view(*args, **kwargs)

        setattr(checked, ACCESS, roles)
        return cast(View, checked)

    return declare


def public(view: View) -> View:
    """Declare a view open to anyone: deputies (their voting code is their credential), the hall screens, the pages."""
    return _declared(view, PUBLIC)


def public_once_published(view: View) -> View:
    """Declare a view staff only until its vote is published, public after: the view asks ``is_staff()``
    once it knows the vote's state, and answers 404 to anyone else before publication."""
    return _declared(view, ONCE_PUBLISHED)


def _declared(view: View, access: str) -> View:
    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        owned_here()
        return view(*args, **kwargs)

    setattr(checked, ACCESS, access)
    return cast(View, checked)


ADDRESSED = {"meeting_id": "meeting", "vote_id": "vote", "round_id": "round"}
"""The ids an address may carry, and what each names."""


def owned_here() -> None:
    """Every meeting, vote and round the address names is the request's body's: another body's is answered as
    one that does not exist (404, the same words), so that no id of one body can be probed from another's.

    Checked once the caller is let in (a staff-only view answers 401 first, for any id), before the view runs.
    """
    for key, value in (request.view_args or {}).items():
        kind = ADDRESSED.get(key)
        if kind is not None and owner_of(kind, value) not in (None, request_body()):
            raise NotFound("not_found", what=kind, id=str(value))


def declared_access(app: Flask, endpoint: str, method: str) -> frozenset[Role] | str | None:
    """What the view of ``endpoint`` declares for ``method``: its roles, ``PUBLIC``, ``ONCE_PUBLISHED``, or None."""
    view: Any = app.view_functions[endpoint]
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, method.lower(), None)
    declared: frozenset[Role] | str | None = getattr(view, ACCESS, None)
    return declared


def declare_public(app: Flask, endpoint: str) -> None:
    """Declare public a view the app did not define itself (Flask's static files, the API's browsable document)."""
    view = app.view_functions[endpoint]

    @functools.wraps(view)
    def served(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    app.view_functions[endpoint] = public(served)


def is_staff() -> bool:
    """Whether the caller is logged-in staff (for answers that are public only after publication)."""
    try:
        caller()
    except NotAuthenticated:
        return False
    return True


def access_line(declared: frozenset[Role] | str) -> str:
    """The line of an operation's description that says who may call it, Chinese first."""
    if isinstance(declared, frozenset):
        roles = sorted(declared)
        return f"访问：仅限登录的 {'、'.join(roles)} · Access: logged-in {', '.join(roles)} only"
    if declared == ONCE_PUBLISHED:
        roles = sorted(READERS)
        return (
            f"访问：公告前仅限登录的 {'、'.join(roles)}，公告后任何人 · "
            f"Access: logged-in {', '.join(roles)} until the vote is published, then anyone"
        )
    return "访问：任何人 · Access: anyone"


def documented_access(declared: frozenset[Role] | str) -> dict[str, Any]:
    """What an operation of the OpenAPI document shows of its view's declaration: its kind (``x-access``), the
    roles that may call it (``x-roles``; before publication, for ``ONCE_PUBLISHED``), and the logins it takes
    (``security``: a login; none for ``PUBLIC``; for ``ONCE_PUBLISHED`` either, ``{}`` being none)."""
    logins: list[dict[str, list[str]]] = [{name: []} for name in SECURITY_SCHEMES]
    if isinstance(declared, frozenset):
        return {"x-access": "staff", "x-roles": sorted(declared), "security": logins}
    if declared == ONCE_PUBLISHED:
        return {"x-access": ONCE_PUBLISHED, "x-roles": sorted(READERS), "security": [{}, *logins]}
    return {"x-access": PUBLIC, "security": []}


class DeclaredAccess(BasePlugin):
    """An apispec plugin: each operation of the API's document shows who may call it, read from its view's
    declaration when flask-smorest adds the view's route to the document, so that it is never written twice."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        rule: Rule = kwargs["rule"]
        for method, operation in (operations or {}).items():
            declared = declared_access(self.app, str(rule.endpoint), method)
            if declared is None:  # test_access_declared fails for it
                continue
            operation.update(documented_access(declared))
            line = access_line(declared)
            operation["description"] = f"{operation['description']}\n\n{line}" if "description" in operation else line
