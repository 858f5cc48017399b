"""The API's contract: marshmallow schemas for every request and response (their fields: ``fields``).

Requests reject unknown fields (marshmallow's default, ``RAISE``).  Responses dump storage rows and
domain values as they are; conversion happens here, at the edge, and nowhere else.
"""

from __future__ import annotations

from typing import Any

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from voting.domain import BallotStyle, ShortfallPolicy, ThresholdBasis, TiePolicy
from voting.web.api.fields import NUMBER, PROJECT, ROW_ID, SHORT, Flag, ProjectNumbers, Text, UtcDateTime


class ErrorSchema(Schema):
    code = Text(required=True, metadata={"description": "Stable machine-readable code"})
    message = Text(required=True, metadata={"description": "In the caller's language (Accept-Language)"})
    field = Text(allow_none=True)
    params = fields.Dict()
    errors = fields.Raw()
    rows = fields.List(fields.Dict())


# --- staff ---------------------------------------------------------------


class LoginSchema(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    password = Text(required=True, validate=validate.Length(min=1, max=200), load_only=True)


class SessionSchema(Schema):
    name = Text()
    role = Text()
    token = Text(metadata={"description": "Bearer token for API clients"})
    csrf_token = Text(metadata={"description": "Send as X-CSRF-Token with the session cookie"})


# --- meetings and deputies -----------------------------------------------


class MeetingInSchema(Schema):
    name_zh = Text(required=True, validate=SHORT)
    name_en = Text(load_default="", validate=validate.Length(max=200))
    plenary_zh = Text(load_default="", validate=validate.Length(max=100))
    date = fields.Date(required=True)


class MeetingSchema(MeetingInSchema):
    id = fields.Integer()
    deputy_count = fields.Integer()
    present = fields.Integer()


class DeputySchema(Schema):
    id = fields.Integer()
    number = fields.Integer()
    name = Text()
    delegation = Text()
    checked_in = fields.Boolean()


class DeputyQuerySchema(Schema):
    q = Text(load_default="", validate=validate.Length(max=100))


class AttendanceSchema(Schema):
    checked_in = Flag(required=True)


IDS = validate.Length(min=1, max=10_000)


class AttendanceManyInSchema(AttendanceSchema):
    deputy_ids = fields.List(fields.Integer(validate=ROW_ID), required=True, validate=IDS)


class AttendanceManySchema(Schema):
    changed = fields.Integer(metadata={"description": "Deputies whose attendance changed (the others already were so)"})
    present = fields.Integer(metadata={"description": "Deputies of the meeting checked in now"})


class RosterFileSchema(Schema):
    file = Upload(required=True, metadata={"description": "CSV (UTF-8) or XLSX: number, name[, delegation]"})


class RosterReportSchema(Schema):
    imported = fields.Integer()


# --- votes ---------------------------------------------------------------


class RulesSchema(Schema):
    seats = fields.Integer(required=True, validate=validate.Range(min=1, max=1_000))
    ballot_style = Text(
        load_default=BallotStyle.APPROVE_ONLY.value, validate=validate.OneOf([s.value for s in BallotStyle])
    )
    threshold_basis = Text(
        load_default=ThresholdBasis.ALL_DEPUTIES.value, validate=validate.OneOf([b.value for b in ThresholdBasis])
    )
    threshold_fraction = Text(load_default="1/2", validate=validate.Regexp(r"^[0-9]{1,6}/[0-9]{1,6}$"))
    tie_policy = Text(load_default=TiePolicy.TIE_BREAK.value, validate=validate.OneOf([p.value for p in TiePolicy]))
    shortfall_policy = Text(
        load_default=ShortfallPolicy.SHORTFALL_ROUND.value, validate=validate.OneOf([p.value for p in ShortfallPolicy])
    )
    quorum_fraction = Text(load_default="1/2", validate=validate.Regexp(r"^[0-9]{1,6}/[0-9]{1,6}$"))


class CandidateSchema(Schema):
    number = fields.Integer(required=True, validate=PROJECT)
    title_zh = Text(required=True, validate=SHORT)
    title_en = Text(load_default="", validate=validate.Length(max=200))
    detail_zh = Text(load_default="", validate=validate.Length(max=2000))
    detail_en = Text(load_default="", validate=validate.Length(max=2000))
    department = Text(load_default="", validate=validate.Length(max=200))
    budget = Text(load_default="", validate=validate.Length(max=100))


class VoteInSchema(Schema):
    meeting_id = fields.Integer(required=True, validate=ROW_ID)
    title_zh = Text(required=True, validate=SHORT)
    title_en = Text(load_default="", validate=validate.Length(max=200))
    training = Flag(load_default=False)
    rules = fields.Nested(RulesSchema, required=True)
    candidates = fields.List(fields.Nested(CandidateSchema), required=True, validate=validate.Length(min=2, max=100))


class TemplateInSchema(Schema):
    meeting_id = fields.Integer(required=True, validate=ROW_ID)
    template = Text(load_default="gongshu-2020", validate=validate.OneOf(["gongshu-2020"]))
    training = Flag(load_default=False)


class VotePatchSchema(Schema):
    rules = fields.Nested(RulesSchema)
    candidates = fields.List(fields.Nested(CandidateSchema), validate=validate.Length(min=2, max=100))


class VoteSchema(Schema):
    id = fields.Integer()
    meeting_id = fields.Integer()
    title_zh = Text()
    title_en = Text()
    training = fields.Boolean(metadata={"description": "A mock vote (演练): never a real decision"})
    state = Text()
    rules = fields.Dict()
    rules_digest = Text(allow_none=True)
    candidates = fields.List(fields.Nested(CandidateSchema))
    published_at = UtcDateTime(allow_none=True)
    result_digest = Text(allow_none=True)
    ballots_digest = Text(allow_none=True)
    audit_head_at_publication = Text(allow_none=True)


class ScrutineersSchema(Schema):
    chief = fields.Integer(required=True, validate=NUMBER, metadata={"description": "Deputy number"})
    members = fields.List(fields.Integer(validate=NUMBER), load_default=list, validate=validate.Length(max=50))


# --- rounds ----------------------------------------------------------------


class RoundSchema(Schema):
    id = fields.Integer()
    vote_id = fields.Integer()
    number = fields.Integer()
    kind = Text()
    state = Text()
    seats = fields.Integer()
    projects = fields.List(fields.Integer())
    deputy_count = fields.Integer(allow_none=True)
    deputies_present = fields.Integer(allow_none=True)
    ballots_issued = fields.Integer(allow_none=True)
    opened_at = UtcDateTime(allow_none=True)
    closed_at = UtcDateTime(allow_none=True)
    audit_head_at_close = Text(allow_none=True)
    secrecy_pending = fields.Boolean(
        metadata={
            "description": "Closed, but its secrecy step waits for a reader of the database (a backup, an export):"
            " the server completes it by itself, and the round cannot be counted until then (docs/secrecy.md)"
        }
    )
    result = fields.Dict(allow_none=True)
    training = fields.Boolean(metadata={"description": "The round of a training vote (演练)"})


class ConfirmSchema(Schema):
    confirm = Flag(required=True, metadata={"description": "Must be true: closing cannot be undone"})

    @validates_schema
    def _confirmed(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("confirm") is not True:
            raise ValidationError("closing a round must be confirmed", "confirm")


class TurnoutSchema(Schema):
    round_number = fields.Integer()
    state = Text()
    deputy_count = fields.Integer()
    deputies_present = fields.Integer()
    ballots_issued = fields.Integer()
    ballots_returned = fields.Integer()
    electronic = fields.Integer()
    paper_issued = fields.Integer()
    paper_entered = fields.Integer()
    training = fields.Boolean(metadata={"description": "The round of a training vote (演练)"})


class PaperIssueSchema(Schema):
    deputies = fields.List(
        fields.Integer(validate=NUMBER),
        load_default=None,
        validate=validate.Length(min=1, max=10_000),
        metadata={"description": "Deputy numbers; omit to give paper to every deputy who has not voted"},
    )


class IssuedSchema(Schema):
    issued = fields.Integer()


class MarksSchema(Schema):
    approvals = ProjectNumbers()
    opposes = ProjectNumbers()
    abstains = ProjectNumbers()


class PaperBatchInSchema(Schema):
    ballots = fields.List(fields.Nested(MarksSchema), required=True, validate=validate.Length(min=1, max=1_000))


class DifferenceSchema(Schema):
    position = fields.Integer()
    first = fields.Dict(allow_none=True)
    second = fields.Dict(allow_none=True)


class PaperBatchSchema(Schema):
    batch = Text()
    entries = fields.List(fields.Dict())
    differences = fields.List(fields.Nested(DifferenceSchema))
    accepted = fields.Boolean()


class AcceptedSchema(Schema):
    batch = Text()
    ballots = fields.Integer()


# --- deputies' ballots -----------------------------------------------------

CODE = validate.Length(min=10, max=20)


class BallotRequestSchema(Schema):
    code = Text(required=True, validate=CODE, load_only=True)


class ProjectOnBallotSchema(Schema):
    number = fields.Integer()
    title_zh = Text()
    title_en = Text()
    detail_zh = Text()
    detail_en = Text()


class BallotPaperSchema(Schema):
    vote_id = fields.Integer()
    title_zh = Text()
    title_en = Text()
    training = fields.Boolean()
    round_number = fields.Integer()
    kind = Text(metadata={"description": "first, tie_break, shortfall or revote"})
    seats = fields.Integer()
    participation = Text(
        allow_none=True,
        metadata={
            "description": "electronic: this code has voted in this round; paper: a paper ballot was issued "
            "to its holder for this round; null: the deputy may vote"
        },
    )
    ballot_style = Text()
    projects = fields.List(fields.Nested(ProjectOnBallotSchema))


class CastSchema(MarksSchema):
    code = Text(required=True, validate=CODE, load_only=True)
    idempotency_key = Text(
        required=True,
        validate=validate.Length(min=8, max=100),
        load_only=True,
        metadata={"description": "Random per ballot, chosen by the client; a retry sends the same key"},
    )


class ReceiptSchema(Schema):
    receipt = Text()
    round_number = fields.Integer()
    replayed = fields.Boolean()
    training = fields.Boolean(metadata={"description": "A ballot in a training vote (演练): counts for nothing"})


class ReceiptCheckSchema(Schema):
    receipt = Text()
    vote_id = fields.Integer()
    round_number = fields.Integer()
    approvals = fields.List(fields.Integer())
    opposes = fields.List(fields.Integer())
    abstains = fields.List(fields.Integer())
    valid = fields.Boolean()
    training = fields.Boolean()


# --- the clock and the announcement (results and the hall: ``result_schemas``) -


class TimeZoneSchema(Schema):
    time_zone = Text(metadata={"description": "IANA name of the sitting's time zone, e.g. Asia/Shanghai"})


class AnnouncementQuerySchema(Schema):
    lang = Text(load_default="zh", validate=validate.OneOf(["zh", "en"]), metadata={"description": "zh or en"})
