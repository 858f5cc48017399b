"""Logging in and out: a session cookie for the browser, a bearer token for API clients."""

from __future__ import annotations

import secrets
from typing import Any

from flask import session
from flask.views import MethodView
from flask_smorest import Blueprint

from voting.services import auth
from voting.web.api.access import bearer_token, secret, staff, writing
from voting.web.api.schemas import LoginSchema, SessionSchema
from voting.web.limits import guarded_by_password

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Staff login (clerks, scrutineers, admins)")


@blp.route("/login")
class Login(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(200, SessionSchema)
    @guarded_by_password
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Log in: sets the session cookie and returns a bearer token and the CSRF token."""
        with writing() as db:
            user = auth.authenticate(db, data["name"], data["password"])
            token = auth.issue_token(db, user, secret())
        session.clear()
        session["user_id"] = user.id
        session["csrf"] = secrets.token_urlsafe(24)
        return {"name": user.name, "role": user.role, "token": token, "csrf_token": session["csrf"]}


@blp.route("/logout")
class Logout(MethodView):
    @blp.response(204)
    def post(self) -> None:
        """Log out: ends the session and revokes the bearer token used, if any."""
        staff()
        token = bearer_token()
        if token is not None:
            with writing() as db:
                auth.revoke_token(db, token, secret())
        session.clear()


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, SessionSchema)
    def get(self) -> dict[str, Any]:
        actor = staff()
        return {"name": actor.name, "role": actor.role, "csrf_token": session.get("csrf", "")}
