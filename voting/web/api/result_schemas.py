"""The answers of the results page and the hall screen: a vote's result and the hall view (the rest: ``schemas``).

Both carry what the rules decided, ready to show (the round each seat was won
in, every rate as read out), so that the pages display them and compute nothing.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from voting.web.api.fields import Text, UtcDateTime
from voting.web.api.schemas import RoundSchema, VoteSchema


class ResultMeetingSchema(Schema):
    name_zh = Text()
    name_en = Text()
    plenary_zh = Text()
    date = fields.Date()


class ResultRoundSchema(RoundSchema):
    rates = fields.Dict(
        keys=Text(),
        values=Text(),
        allow_none=True,
        metadata={"description": "Once counted: project number -> its rate (票决率) as read out, e.g. 56.52%"},
    )


class SeatWonSchema(Schema):
    number = fields.Integer()
    title_zh = Text()
    title_en = Text()
    round_number = fields.Integer(metadata={"description": "The round in which the project won its seat"})
    round_kind = Text(metadata={"description": "That round's kind (first, tie_break, shortfall, revote)"})
    approvals = fields.Integer(metadata={"description": "Its approvals in that round"})
    rate = Text(metadata={"description": "Its rate (票决率) in that round, as read out"})


class VoteResultSchema(Schema):
    vote = fields.Nested(VoteSchema)
    meeting = fields.Nested(ResultMeetingSchema, metadata={"description": "The meeting the vote was held at"})
    official = fields.Boolean(metadata={"description": "True only once published"})
    rounds = fields.List(fields.Nested(ResultRoundSchema))
    selected = fields.List(fields.Integer(), metadata={"description": "In the order seats were won"})
    seats_won = fields.List(fields.Nested(SeatWonSchema), metadata={"description": "The selected projects, in order"})
    vacant = fields.Integer()
    decided = fields.Boolean()
    training = fields.Boolean(metadata={"description": "The result of a training vote (演练): never a decision"})


class HallRoundSchema(Schema):
    number = fields.Integer()
    kind = Text()
    state = Text()
    ballots_issued = fields.Integer(
        allow_none=True, metadata={"description": "While the round is open or closed but not yet counted"}
    )
    ballots_returned = fields.Integer(allow_none=True)


class HallHeadSchema(Schema):
    moment = Text(metadata={"description": "opened or closed (the latest round's), or published"})
    round_number = fields.Integer(allow_none=True)
    hash = Text(metadata={"description": "The audit log's head hash at that moment, whole"})
    read_out = Text(metadata={"description": "Its first 16 hex digits in groups of four, as read out in the hall"})


class HallSchema(Schema):
    """The hall screen (大屏): turnout during a round, the result once published; never a partial tally."""

    vote_id = fields.Integer()
    title_zh = Text()
    title_en = Text()
    training = fields.Boolean()
    state = Text()
    round = fields.Nested(HallRoundSchema, allow_none=True)
    selected = fields.List(
        fields.Nested(SeatWonSchema),
        allow_none=True,
        metadata={"description": "Only once published, in the order seats were won; null before"},
    )
    vacant = fields.Integer(allow_none=True)
    published_at = UtcDateTime(
        allow_none=True, metadata={"description": "Once published: when (UTC; the screen shows the sitting's time)"}
    )
    audit_head = fields.Nested(
        HallHeadSchema,
        allow_none=True,
        metadata={"description": "The head at the latest round's opening or close, then at publication"},
    )
