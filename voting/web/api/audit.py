"""The audit log: entries, verification of the hash chain, JSON Lines export."""

from __future__ import annotations

from typing import Any

from flask import Response, stream_with_context
from flask.views import MethodView
from marshmallow import Schema, fields

from voting.services import audit
from voting.services.auth import body_of
from voting.web import reading
from voting.web.api.access import READERS, current_actor, staff
from voting.web.api.fields import ROW_ID, Text
from voting.web.api.parsing import Blueprint


class AuditQuerySchema(Schema):
    vote_id = fields.Integer(validate=ROW_ID)


class AuditEntrySchema(Schema):
    seq = fields.Integer()
    at = Text()
    actor = Text()
    role = Text()
    action = Text()
    vote_id = fields.Integer(allow_none=True)
    details = fields.Raw()
    prev_hash = Text()
    hash = Text()


class ChainCheckSchema(Schema):
    ok = fields.Boolean()
    entries = fields.Integer()
    head = Text()
    first_bad = fields.Integer(allow_none=True)
    reason = Text()


blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="The tamper-evident audit log")


@blp.route("")
class Entries(MethodView):
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEntrySchema(many=True))
    @staff(READERS)
    def get(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        with reading() as db:
            body = body_of(current_actor())
            return [audit.as_dict(e) for e in audit.entries(db, body, vote_id=query.get("vote_id"))]


@blp.route("/verify")
class Verify(MethodView):
    @blp.response(200, ChainCheckSchema)
    @staff(READERS)
    def get(self) -> Any:
        """Check the whole chain; names the first entry changed, removed, reordered or inserted."""
        with reading() as db:
            return audit.verify(db, body_of(current_actor()))


@blp.route("/export")
class Export(MethodView):
    @blp.doc(responses={"200": {"content": {"application/x-ndjson": {"schema": {"type": "string"}}}}})
    @blp.response(200, content_type="application/x-ndjson")
    @staff(READERS)
    def get(self) -> Response:
        """The log as JSON Lines (docs/audit-log.md), for ``voting audit verify --file``."""

        body = body_of(current_actor())

        def lines() -> Any:
            with reading() as db:
                yield from audit.export_lines(db, body)

        return Response(
            stream_with_context(lines()),
            mimetype="application/x-ndjson",
            headers={"Content-Disposition": 'attachment; filename="audit.jsonl"'},
        )
