"""Logging in and out: a session cookie for the browser, a bearer token for API clients."""

from __future__ import annotations

import secrets
from typing import Any

from flask import session
from flask.views import MethodView

from voting.services import auth
from voting.web import request_body, writing
from voting.web.api.access import READERS, current_actor, current_caller, public, secret, session_limits, staff
from voting.web.api.parsing import Blueprint
from voting.web.api.schemas import LoginSchema, SessionSchema
from voting.web.limits import guarded_by_password

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Staff login (clerks, scrutineers, admins)")


@blp.route("/login")
class Login(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(200, SessionSchema)
    @guarded_by_password
    @public
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Log in: sets the session cookie and returns a bearer token and the CSRF token, both of one login."""
        return log_in(request_body(), data)


def log_in(body_id: int | None, data: dict[str, Any]) -> dict[str, Any]:
    """One login of the body's account (the platform's for None): the session cookie, and a bearer token and the
    CSRF token in the answer; the one way both login views begin a login."""
    with writing() as db:
        user = auth.authenticate(db, body_id, data["name"], data["password"])
        login = auth.log_in(db, user, secret(), session_limits())
    session.clear()
    session["login"] = login.session_id
    session["csrf"] = secrets.token_urlsafe(24)
    return {"name": user.name, "role": user.role, "token": login.token, "csrf_token": session["csrf"]}


@blp.route("/logout")
class Logout(MethodView):
    @blp.response(204)
    @staff(READERS)
    def post(self) -> None:
        """Log out: ends the login on the server, its session cookie and its bearer token together."""
        login = current_caller().login
        with writing() as db:
            auth.log_out(db, login)
        session.clear()


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, SessionSchema)
    @staff(READERS)
    def get(self) -> dict[str, Any]:
        actor = current_actor()
        return {"name": actor.name, "role": actor.role, "csrf_token": session.get("csrf", "")}
