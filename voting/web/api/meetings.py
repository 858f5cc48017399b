"""Meetings, their roster and attendance (报到)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Response
from flask.views import MethodView

from voting.services import meetings, roster
from voting.services.errors import InvalidInput
from voting.services.records import get_meeting
from voting.web import reading, writing
from voting.web.api.access import READERS, WRITERS, current_actor, public, staff
from voting.web.api.downloads import CSV, XLSX, binary
from voting.web.api.parsing import Blueprint
from voting.web.api.schemas import (
    AttendanceManyInSchema,
    AttendanceManySchema,
    AttendanceSchema,
    DeputyQuerySchema,
    DeputySchema,
    MeetingInSchema,
    MeetingSchema,
    RosterFileSchema,
    RosterReportSchema,
)

if TYPE_CHECKING:
    from voting.store.models import Deputy, Meeting

blp = Blueprint("meetings", __name__, url_prefix="/api/v1/meetings", description="Meetings, rosters and check-in")

MAX_ROSTER_BYTES = 5 * 1024 * 1024


def _meeting(db: Any, meeting: Meeting) -> dict[str, Any]:
    assert meeting.id is not None
    return {
        **meeting.model_dump(),
        "deputy_count": meetings.roster_size(db, meeting.id),
        "present": meetings.present_count(db, meeting.id),
    }


@blp.route("")
class Meetings(MethodView):
    @blp.response(200, MeetingSchema(many=True))
    @staff(READERS)
    def get(self) -> list[dict[str, Any]]:
        with reading() as db:
            return [_meeting(db, m) for m in meetings.all_meetings(db)]

    @blp.arguments(MeetingInSchema)
    @blp.response(201, MeetingSchema)
    @staff(WRITERS)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        actor = current_actor()
        with writing() as db:
            return _meeting(db, meetings.create_meeting(db, **data, by=actor))


@blp.route("/<int:meeting_id>")
class OneMeeting(MethodView):
    @blp.response(200, MeetingSchema)
    @staff(READERS)
    def get(self, meeting_id: int) -> dict[str, Any]:
        with reading() as db:
            return _meeting(db, get_meeting(db, meeting_id))


@blp.route("/<int:meeting_id>/deputies")
class Deputies(MethodView):
    @blp.arguments(DeputyQuerySchema, location="query")
    @blp.response(200, DeputySchema(many=True))
    @staff(READERS)
    def get(self, query: dict[str, Any], meeting_id: int) -> list[Deputy]:
        """The roster in number order; ``q`` searches names, delegations and numbers."""
        with reading() as db:
            return meetings.deputies(db, meeting_id, query["q"])


def _sample(ext: str, content_type: str) -> Response:
    """The shipped sample roster (``voting/data/sample-roster.csv``, ``.xlsx``), as an attachment."""
    return Response(
        roster.sample_roster(ext),
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="sample-roster.{ext}"'},
    )


@blp.route("/roster-sample.csv")
class RosterSampleCsv(MethodView):
    @blp.doc(**binary("text/csv", "The sample roster as CSV in UTF-8, an attachment"))
    @blp.response(200, content_type="text/csv")
    @public
    def get(self) -> Response:
        """A sample roster of 30 made-up deputies (编号, 姓名, 代表团) as CSV, for a trainer to try the import."""
        return _sample("csv", CSV)


@blp.route("/roster-sample.xlsx")
class RosterSampleXlsx(MethodView):
    @blp.doc(**binary(XLSX, "The sample roster as an XLSX workbook, an attachment"))
    @blp.response(200, content_type=XLSX)
    @public
    def get(self) -> Response:
        """The same sample roster as an XLSX workbook."""
        return _sample("xlsx", XLSX)


@blp.route("/<int:meeting_id>/roster")
class Roster(MethodView):
    @blp.arguments(RosterFileSchema, location="files")
    @blp.response(201, RosterReportSchema)
    @staff(WRITERS)
    def post(self, files: dict[str, Any], meeting_id: int) -> dict[str, int]:
        """Import deputies from a CSV or XLSX file (multipart field ``file``); all rows or none.

        The columns are ``number``, ``name`` and optionally ``delegation``
        (or 编号, 姓名, 代表团).  If any row is bad the answer lists every bad row.
        """
        actor = current_actor()
        upload = files["file"]
        data = upload.read(MAX_ROSTER_BYTES + 1)
        if len(data) > MAX_ROSTER_BYTES:
            raise InvalidInput("roster_too_large", field="file", megabytes=MAX_ROSTER_BYTES // (1024 * 1024))
        rows, problems = roster.read_roster(upload.filename, data)
        with writing() as db:
            return {"imported": roster.import_roster(db, meeting_id, rows, problems, by=actor)}


@blp.route("/<int:meeting_id>/deputies/<int:deputy_id>/attendance")
class Attendance(MethodView):
    @blp.arguments(AttendanceSchema)
    @blp.response(200, DeputySchema)
    @staff(WRITERS)
    def put(self, data: dict[str, Any], meeting_id: int, deputy_id: int) -> Deputy:
        """Check a deputy in (报到) or out."""
        actor = current_actor()
        with writing() as db:
            return meetings.check_in(db, meeting_id, deputy_id, data["checked_in"], by=actor)


@blp.route("/<int:meeting_id>/attendance")
class AttendanceMany(MethodView):
    @blp.arguments(AttendanceManyInSchema)
    @blp.response(200, AttendanceManySchema)
    @staff(WRITERS)
    def put(self, data: dict[str, Any], meeting_id: int) -> dict[str, int]:
        """Check many deputies in (or out) at once, by id; those already so are left as they are."""
        actor = current_actor()
        with writing() as db:
            changed = meetings.set_attendance(db, meeting_id, data["deputy_ids"], data["checked_in"], by=actor)
            return {"changed": changed, "present": meetings.present_count(db, meeting_id)}
