"""The tally sheet's forms for download: PDF, XLSX, CSV, and the announcement read in the hall.

Before publication only staff may download them (any role: a scrutineer
exports too), and each is marked 未公布 / UNOFFICIAL in its title and file
name; after publication they are public, like the result itself.  Before
publication every form is rendered at each download from the one ``TallySheet``
the stored counts make; from publication on, each download is the file
rendered and stored at publication (``voting.services.official``), byte for
byte, whose digest the publication's audit entry carries.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask.views import MethodView
from marshmallow import Schema, fields

from voting.domain.lifecycle import VoteState
from voting.exports.fonts import missing_glyphs
from voting.exports.forms import render_form
from voting.exports.sheet import TallySheet
from voting.services import official
from voting.services.errors import Conflict, NotFound
from voting.services.records import get_vote
from voting.services.reports import tally_sheet
from voting.web import reading, time_zone
from voting.web.api.access import is_staff, public_once_published
from voting.web.api.downloads import CSV, PDF, TEXT, XLSX, binary
from voting.web.api.parsing import Blueprint
from voting.web.api.schemas import AnnouncementQuerySchema

# The glyph report's contract stays beside its one endpoint: schemas.py is over 400 lines already.


class MissingGlyphSchema(Schema):
    character = fields.String(required=True)
    codepoint = fields.String(required=True, metadata={"description": "U+XXXX"})
    texts = fields.List(fields.String(), required=True, metadata={"description": "the names and titles it is in"})


class GlyphReportSchema(Schema):
    missing = fields.List(
        fields.Nested(MissingGlyphSchema),
        required=True,
        metadata={"description": "characters of the sheet that no installed font draws: a box in the PDF"},
    )


blp = Blueprint(
    "exports",
    __name__,
    url_prefix="/api/v1/votes",
    description="Exports (导出): the tally sheet (计票结果报告单) as PDF, XLSX and CSV, and the announcement (宣读稿)",
)


def _sheet(vote_id: int) -> TallySheet:
    """The vote's tally sheet as it stands, for this caller: staff before publication, anyone after; 409 before any count."""
    with reading() as db:
        vote = get_vote(db, vote_id)
        if vote.state != VoteState.PUBLISHED and not is_staff():
            raise NotFound("not_found", what="tally sheet", id=str(vote_id))
        sheet = tally_sheet(db, vote_id, time_zone=time_zone(current_app))
    if not sheet.rounds:
        raise Conflict("no_counted_round")
    return sheet


def _form(vote_id: int, kind: str, media_type: str) -> Response:
    """The form: as stored at publication, for anyone; before it, rendered now, for staff only."""
    with reading() as db:
        stored = official.stored_form(db, vote_id, kind) if get_vote(db, vote_id).state == VoteState.PUBLISHED else None
    if stored is not None:
        return _download(stored.data, media_type, stored.name.rsplit("/", 1)[-1])
    form = render_form(_sheet(vote_id), kind)
    return _download(form.data, media_type, form.name.rsplit("/", 1)[-1])


def _download(body: bytes | str, media_type: str, name: str) -> Response:
    return Response(body, content_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blp.route("/<int:vote_id>/tally-sheet.pdf")
class TallySheetPdf(MethodView):
    @blp.doc(**binary(PDF, "The tally sheet as PDF (A4), an attachment"))
    @blp.response(200, content_type=PDF)
    @public_once_published
    def get(self, vote_id: int) -> Response:
        """The tally sheet to print and sign (A4): every counted round, the result, the hashes, signature lines."""
        return _form(vote_id, "tally-sheet.pdf", PDF)


@blp.route("/<int:vote_id>/tally-sheet/glyphs")
class TallySheetGlyphs(MethodView):
    @blp.response(200, GlyphReportSchema)
    @public_once_published
    def get(self, vote_id: int) -> dict[str, Any]:
        """The characters of the sheet's names and titles that no installed font draws (a box in the PDF).

        The console shows them beside the downloads, so that the clerk corrects them on the signed paper
        or installs a font that has them.
        """
        return {"missing": [glyph.__dict__ for glyph in missing_glyphs(_sheet(vote_id))]}


@blp.route("/<int:vote_id>/tally-sheet.xlsx")
class TallySheetXlsx(MethodView):
    @blp.doc(**binary(XLSX, "The tally sheet as an XLSX workbook, an attachment"))
    @blp.response(200, content_type=XLSX)
    @public_once_published
    def get(self, vote_id: int) -> Response:
        """The tally sheet as a workbook: a summary sheet (汇总) and one sheet per round (第1轮 …)."""
        return _form(vote_id, "tally-sheet.xlsx", XLSX)


@blp.route("/<int:vote_id>/tally-sheet.csv")
class TallySheetCsv(MethodView):
    @blp.doc(**binary("text/csv", "The tally sheet as CSV in UTF-8 with a BOM, an attachment"))
    @blp.response(200, content_type="text/csv")
    @public_once_published
    def get(self, vote_id: int) -> Response:
        """The tally sheet as CSV (UTF-8 with a BOM): one row per round and project, attendance on every row."""
        return _form(vote_id, "tally-sheet.csv", CSV)


@blp.route("/<int:vote_id>/announcement.txt")
class Announcement(MethodView):
    @blp.arguments(AnnouncementQuerySchema, location="query")
    @blp.doc(**binary("text/plain", "The announcement as UTF-8 text, an attachment"))
    @blp.response(200, content_type="text/plain")
    @public_once_published
    def get(self, query: dict[str, Any], vote_id: int) -> Response:
        """The announcement read in the hall (宣读稿), in Chinese (``lang=zh``, the default) or English."""
        return _form(vote_id, f"announcement-{query['lang']}.txt", TEXT)
