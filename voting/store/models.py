"""The tables, as SQLModel models: storage only, no rules.

Two tables keep the secret ballot (DESIGN section 4): ``Participation`` says
who voted in a round, ``Ballot`` says what was chosen, and nothing links them:
no foreign key between them, no shared id, no timestamp, no sequence.  Both
are keyed by values that carry no order (the deputy's id; a random receipt),
and on SQLite both are ``WITHOUT ROWID`` tables, so that not even the hidden
rowid records the order in which ballots arrived.  See docs/secrecy.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, String, UniqueConstraint
from sqlmodel import Field, SQLModel


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Body(SQLModel, table=True):
    """A people's congress (人大: a town's, a district's, a city's) that runs its votes on this service (DESIGN section 8).

    It owns its meetings (and through them its rosters and votes), its staff
    accounts and its audit log; nothing of one body is shown to another's staff.
    The embedded default holds one body, made by the first migration that knew of
    bodies, and looks like a system without them.
    """

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=40, unique=True)
    """Its stable short name, in the address of its pages and API (``/b/gongshu/``)."""
    name_zh: str = Field(max_length=200)
    name_en: str = Field(default="", max_length=200)
    created_at: dt.datetime = Field(default_factory=_now)


class Meeting(SQLModel, table=True):
    """A session of a people's congress (会议), with its roster of deputies."""

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="body.id", index=True)
    name_zh: str = Field(max_length=200)
    name_en: str = Field(default="", max_length=200)
    plenary_zh: str = Field(default="", max_length=100)
    date: dt.date


class Deputy(SQLModel, table=True):
    """One deputy on a meeting's roster (代表)."""

    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    number: int
    """The deputy's number on the roster, also the seat number on the slip."""
    name: str = Field(max_length=100)
    delegation: str = Field(default="", max_length=100)
    """代表团: the delegation (street, town or sector) the deputy sits with."""
    checked_in: bool = False


class Vote(SQLModel, table=True):
    """One decision (票决) under one set of rules; it may take several rounds."""

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    title_zh: str = Field(max_length=200)
    title_en: str = Field(default="", max_length=200)
    training: bool = False
    """A mock vote (演练), marked as such everywhere; fixed at creation."""
    state: str = Field(default="draft", sa_type=String(16))
    rules: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    """``RuleSettings.to_dict()``."""
    rules_digest: str | None = Field(default=None, max_length=64)
    """Set when the rules are locked, as the first round opens."""
    created_at: dt.datetime = Field(default_factory=_now)
    published_at: dt.datetime | None = None
    result_digest: str | None = Field(default=None, max_length=64)
    """SHA-256 of the published result's canonical JSON."""
    ballots_digest: str | None = Field(default=None, max_length=64)
    """SHA-256 of the published ballot lists (every round's ``ballots.csv``, in round order)."""
    audit_head_at_publication: str | None = Field(default=None, max_length=64)


class PublishedFile(SQLModel, table=True):
    """A file fixed when its vote was published: an official form, the announcement, VERIFY.md or the verifier.

    Rendered once, in the publishing transaction, and served byte for byte ever
    after (downloads and the verification bundle), so that the SHA-256s the
    publication's audit entry carries cover what anyone downloads later.
    """

    __tablename__ = "published_file"

    vote_id: int = Field(foreign_key="vote.id", primary_key=True)
    name: str = Field(primary_key=True, max_length=200)
    """The file's path in the verification bundle, e.g. ``tally-sheet/vote1-tally-sheet.pdf``."""
    position: int
    """Its place in the bundle."""
    kind: str = Field(max_length=40)
    """Which download it is (``voting.exports.forms.KINDS``), or ``verifier``."""
    sha256: str = Field(max_length=64)
    """As the publication entry records it: of the whole file, or for an announcement of all but its head line."""
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Scrutineer(SQLModel, table=True):
    """A deputy named chief scrutineer (总监票人) or scrutineer (监票人) of one vote."""

    vote_id: int = Field(foreign_key="vote.id", primary_key=True)
    deputy_id: int = Field(foreign_key="deputy.id", primary_key=True)
    chief: bool = False


class CandidateProject(SQLModel, table=True):
    """A candidate project (候选项目) of one vote."""

    __tablename__ = "candidate_project"
    __table_args__ = (UniqueConstraint("vote_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = Field(foreign_key="vote.id", index=True)
    number: int
    title_zh: str = Field(max_length=200)
    title_en: str = Field(default="", max_length=200)
    detail_zh: str = Field(default="", max_length=2000)
    detail_en: str = Field(default="", max_length=2000)
    department: str = Field(default="", max_length=200)
    budget: str = Field(default="", max_length=100)
    """As the proposal words it (for example 约3.2亿元); shown, never computed with."""


class Round(SQLModel, table=True):
    """One round of a vote, with the attendance frozen when it opened."""

    __table_args__ = (UniqueConstraint("vote_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = Field(foreign_key="vote.id", index=True)
    number: int
    kind: str = Field(default="first", sa_type=String(16))
    state: str = Field(default="pending", sa_type=String(16))
    seats: int
    projects: list[int] = Field(sa_column=Column(JSON, nullable=False))
    deputy_count: int | None = None
    deputies_present: int | None = None
    ballots_issued: int | None = None
    opened_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    """``TallyResult.to_dict()`` once counted."""
    audit_head_at_open: str | None = Field(default=None, max_length=64)
    """The log's head once the round opened (its ``round.opened`` entry), shown on the hall screen."""
    audit_head_at_close: str | None = Field(default=None, max_length=64)
    secrecy_pending: bool = False
    """Closed, but the storage may still keep the order of casting (voting.services.erasure): not countable yet."""


class PaperEntry(SQLModel, table=True):
    """One clerk's entry of one batch of paper ballots, in the order of the pile.

    Two clerks enter the same batch independently (``entry`` 1 and 2); the
    batch counts only once both agree, ballot for ballot.  The pile's order
    comes from the ballot box, which has already mixed the ballots.
    """

    __tablename__ = "paper_entry"

    round_id: int = Field(foreign_key="round.id", primary_key=True)
    batch: str = Field(primary_key=True, max_length=40)
    entry: int = Field(primary_key=True)
    clerk: str = Field(max_length=100)
    ballots: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    accepted: bool = False


class Participation(SQLModel, table=True):
    """That a deputy has voted in a round: the key is the one-ballot-per-round constraint."""

    __table_args__ = {"sqlite_with_rowid": False}

    round_id: int = Field(foreign_key="round.id", primary_key=True)
    deputy_id: int = Field(foreign_key="deputy.id", primary_key=True)
    channel: str = Field(sa_type=String(16))
    """A ``Channel`` (electronic or paper): which kind of ballot the deputy was issued."""


class Ballot(SQLModel, table=True):
    """What one ballot said, under a random receipt; nothing about who cast it or when."""

    __table_args__ = (
        # The count groups a round's ballots by what they say: this index holds the groups in order.
        Index("ix_ballot_round_counts", "round_id", "approvals", "opposes", "abstains"),
        {"sqlite_with_rowid": False},
    )

    receipt: str = Field(primary_key=True, max_length=32)
    round_id: int = Field(foreign_key="round.id")
    approvals: str = Field(default="", max_length=400)
    """Approved project numbers separated by single spaces, as in the ballot list."""
    opposes: str = Field(default="", max_length=400)
    abstains: str = Field(default="", max_length=400)
    channel: str = Field(sa_type=String(16))
    """A ``Channel`` (electronic or paper): how the ballot reached the count."""


class VotingCode(SQLModel, table=True):
    """A one-time voting code handed to a checked-in deputy; only its hash is kept."""

    __tablename__ = "voting_code"

    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = Field(foreign_key="vote.id", index=True)
    deputy_id: int = Field(foreign_key="deputy.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)
    revoked: bool = False


class StaffUser(SQLModel, table=True):
    """A clerk, scrutineer or administrator account."""

    __tablename__ = "staff_user"
    __table_args__ = (UniqueConstraint("body_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    body_id: int | None = Field(default=None, foreign_key="body.id", index=True)
    """The body whose staff it is; none for a platform administrator, who creates bodies and nothing inside them."""
    name: str = Field(max_length=100)
    role: str = Field(sa_type=String(16))
    password_hash: str = Field(max_length=200)
    active: bool = True
    created_at: dt.datetime = Field(default_factory=_now)


class ApiToken(SQLModel, table=True):
    """One login: its bearer token and, for a browser, its session cookie's id; only their hashes are kept.

    Both credentials a login issues live in this one row, so that logging out
    with either deletes it and ends both (voting.services.auth).
    """

    __tablename__ = "api_token"

    token_hash: str = Field(primary_key=True, max_length=64)
    session_hash: str | None = Field(default=None, max_length=64, unique=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True)
    issued_at: dt.datetime = Field(default_factory=_now)
    last_seen_at: dt.datetime = Field(default_factory=_now)
    """When the login was last used, to the minute (voting.services.auth.TOUCH_EVERY): the idle limit counts from it."""
    expires_at: dt.datetime
    """The absolute limit: the login ends then, however busy."""


class AuditEntry(SQLModel, table=True):
    """One link of the hash-chained audit log (docs/audit-log.md)."""

    __tablename__ = "audit_entry"
    __table_args__ = {"sqlite_with_rowid": False}
    """On SQLite the table is its (body, seq) key's own B-tree, so that an entry costs the writes one did when seq
    alone was the key, rather than a second index beside a rowid."""

    body_id: int = Field(foreign_key="body.id", primary_key=True)
    """Each body's log is its own chain, so that its auditor verifies it without another body's entries."""
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: str = Field(max_length=40)
    """ISO 8601 in UTC, kept as the very text that was hashed."""
    actor: str = Field(max_length=100)
    role: str = Field(sa_type=String(16))
    action: str = Field(max_length=64)
    vote_id: int | None = Field(default=None, index=True)
    details: str
    """Canonical JSON text, stored as hashed so that verification needs no re-encoding."""
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)
