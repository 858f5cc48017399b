"""The service's administrator (平台管理员): setting up bodies (人大) and their first administrators.

A platform account belongs to no body and sees nothing inside one: it logs in
here, at the service's own address, and its only work is a body's creation;
the body's administrator makes the body's other accounts (DESIGN section 8).
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from voting.services import bodies
from voting.web import reading, writing
from voting.web.api.access import PLATFORM, current_actor, public, staff
from voting.web.api.fields import Text
from voting.web.api.parsing import Blueprint
from voting.web.api.schemas import LoginSchema, SessionSchema
from voting.web.api.staff import log_in
from voting.web.limits import guarded_by_password

blp = Blueprint("platform", __name__, url_prefix="/api/v1/platform", description="The service: bodies (人大) on it")


class BodySchema(Schema):
    id = fields.Integer()
    slug = Text(metadata={"description": "The short name in the body's addresses: /b/<slug>/"})
    name_zh = Text()
    name_en = Text()


class BodyInSchema(Schema):
    slug = Text(required=True, validate=validate.Length(min=1, max=40))
    name_zh = Text(required=True, validate=validate.Length(min=1, max=200))
    name_en = Text(load_default="", validate=validate.Length(max=200))
    admin = Text(required=True, validate=validate.Length(min=1, max=100))
    password = Text(required=True, validate=validate.Length(min=1, max=200), load_only=True)


@blp.route("/login")
class Login(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(200, SessionSchema)
    @guarded_by_password
    @public
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Log in as the service's administrator: a bearer token and a session cookie, as staff logins give."""
        return log_in(None, data)


@blp.route("/bodies")
class Bodies(MethodView):
    @blp.response(200, BodySchema(many=True))
    @staff(PLATFORM)
    def get(self) -> list[Any]:
        """Every body on the service, the first first."""
        with reading() as db:
            return bodies.all_bodies(db)

    @blp.arguments(BodyInSchema)
    @blp.response(201, BodySchema)
    @staff(PLATFORM)
    def post(self, data: dict[str, Any]) -> Any:
        """Set up a body with its first administrator (whose password is given here, and changed by them later)."""
        with writing() as db:
            return bodies.create_body(db, by=current_actor(), **data)
