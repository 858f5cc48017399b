"""The audit log's actions: a closed set of typed events, one frozen dataclass per action (docs/audit-log.md).

As in Arlo's ``server/activity_log/activity_log.py``, each kind of entry is
defined once, with its fields, and everything that writes or reads the log
goes through that definition: ``voting.services.audit.record`` takes an event,
the audit screen's sentences are checked against the set
(``tests/test_audit_sentences.py``), and the bundle checker parses the
entries it reads back into their events (``voting.exports.bundle_audit``).

An event's fields are its entry's ``details``, key for key: the same names
and values, so the same canonical JSON and the same hashes as the log held
before its actions were typed; old logs still verify and old bundles still
check.  A field whose default is ``None`` is a key some entries lack (one
writer of the action leaves it out, or an older version did): ``None`` leaves
it out, and a stored ``null`` is refused, so that reading and writing an
entry give back its very text.  Lists are tuples here and lists in JSON.  The
``"training": true`` that the writer adds to every entry about a training
vote (or its meeting) belongs to the entry, not to the event
(``stored_details``).

Pure and standard library only: the bundle's verifier ships this module
(``voting.exports.forms``).
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from voting.domain.audit_event import TRAINING, AuditEvent, InvalidEvent

__all__ = ["EVENTS", "EVENT_TYPES", "TRAINING", "AuditEvent", "InvalidEvent", "parse", "stored_details"]


# --- bodies, staff and meetings ----------------------------------------------------------------------


@dataclass(frozen=True)
class BodyCreated(AuditEvent):
    """A body (人大) was set up on the service: the first entry of its own log."""

    action: ClassVar[str] = "body.created"
    slug: str
    name_zh: str


@dataclass(frozen=True)
class UserAdded(AuditEvent):
    """A staff account was made, with its role."""

    action: ClassVar[str] = "user.added"
    name: str
    role: str


@dataclass(frozen=True)
class UserPasswordSet(AuditEvent):
    """A staff account was given a new password (its logins end)."""

    action: ClassVar[str] = "user.password_set"
    name: str


@dataclass(frozen=True)
class MeetingCreated(AuditEvent):
    """A meeting was created; ``voting demo`` also records the size of the roster it made."""

    action: ClassVar[str] = "meeting.created"
    meeting_id: int
    name_zh: str
    deputies: int | None = None


@dataclass(frozen=True)
class RosterImported(AuditEvent):
    """A meeting's roster of deputies was imported."""

    action: ClassVar[str] = "roster.imported"
    meeting_id: int
    deputies: int


@dataclass(frozen=True)
class DeputyCheckedIn(AuditEvent):
    """A deputy (by number) was checked in at a meeting."""

    action: ClassVar[str] = "deputy.checked_in"
    meeting_id: int
    deputy: int


@dataclass(frozen=True)
class DeputyCheckedOut(AuditEvent):
    """A deputy's check-in was taken back."""

    action: ClassVar[str] = "deputy.checked_out"
    meeting_id: int
    deputy: int


# --- a vote before its rounds -----------------------------------------------------------------------


@dataclass(frozen=True)
class VoteCreated(AuditEvent):
    """A vote was created with its candidates and rules; ``voting demo``'s entry leaves ``training`` out."""

    action: ClassVar[str] = "vote.created"
    title_zh: str
    candidates: int
    rules: dict[str, Any]
    training: bool | None = None


@dataclass(frozen=True)
class VoteUpdated(AuditEvent):
    """A draft vote's candidates or rules were changed."""

    action: ClassVar[str] = "vote.updated"
    candidates: int
    rules: dict[str, Any]


@dataclass(frozen=True)
class VoteScrutineersNamed(AuditEvent):
    """The chief scrutineer and the scrutineers were named, by deputy number."""

    action: ClassVar[str] = "vote.scrutineers_named"
    chief: int
    members: tuple[int, ...]


@dataclass(frozen=True)
class CodeIssued(AuditEvent):
    """A deputy was issued a voting code."""

    action: ClassVar[str] = "code.issued"
    deputy: int


@dataclass(frozen=True)
class CodeReissued(AuditEvent):
    """A deputy was issued a new voting code; the old one no longer works."""

    action: ClassVar[str] = "code.reissued"
    deputy: int


@dataclass(frozen=True)
class CodeRevoked(AuditEvent):
    """A deputy's voting code was revoked."""

    action: ClassVar[str] = "code.revoked"
    deputy: int


@dataclass(frozen=True)
class VoteRulesLocked(AuditEvent):
    """The rules were fixed when the first round opened, with their SHA-256."""

    action: ClassVar[str] = "vote.rules_locked"
    rules: dict[str, Any]
    rules_digest: str


# --- rounds -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundOpened(AuditEvent):
    """A round opened: its kind, ballot, seats and attendance, which the recount of its ballot list takes."""

    action: ClassVar[str] = "round.opened"
    round: int
    kind: str
    projects: tuple[int, ...]
    seats: int
    deputy_count: int
    deputies_present: int


@dataclass(frozen=True)
class RoundPaperIssued(AuditEvent):
    """Deputies (by number) were given paper ballots in an open round."""

    action: ClassVar[str] = "round.paper_issued"
    round: int
    deputies: tuple[int, ...]


@dataclass(frozen=True)
class RoundClosed(AuditEvent):
    """A round closed: the ballots issued and returned (its hash is the round's head at close)."""

    action: ClassVar[str] = "round.closed"
    round: int
    ballots_issued: int
    ballots_returned: int


@dataclass(frozen=True)
class RoundSecrecyPending(AuditEvent):
    """A close's secrecy step was left for later (docs/secrecy.md), and why."""

    action: ClassVar[str] = "round.secrecy_pending"
    round: int
    reason: str


@dataclass(frozen=True)
class RoundSecrecyCompleted(AuditEvent):
    """A pending secrecy step was completed; the round can be counted."""

    action: ClassVar[str] = "round.secrecy_completed"
    round: int


@dataclass(frozen=True)
class PaperEntered(AuditEvent):
    """One clerk's entry of a batch of paper ballots (first or second)."""

    action: ClassVar[str] = "paper.entered"
    round: int
    batch: str
    entry: int
    ballots: int


@dataclass(frozen=True)
class PaperAccepted(AuditEvent):
    """A batch's two entries agreed and its ballots were counted in, with the clerks who entered it."""

    action: ClassVar[str] = "paper.accepted"
    round: int
    batch: str
    ballots: int
    clerks: tuple[str, ...]


@dataclass(frozen=True)
class RoundCounted(AuditEvent):
    """A round was counted: its whole result (``TallyResult.to_dict``), which a recount must give again."""

    action: ClassVar[str] = "round.counted"
    round: int
    result: dict[str, Any]


# --- the vote's end ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteDecided(AuditEvent):
    """The last count decided the vote, after this many rounds."""

    action: ClassVar[str] = "vote.decided"
    rounds: int


@dataclass(frozen=True)
class VotePublished(AuditEvent):
    """The result was published: its digests and those of every file fixed (none before files were fixed)."""

    action: ClassVar[str] = "vote.published"
    result_digest: str
    ballots_digest: str
    files: dict[str, str] | None = None
    read_out: dict[str, str] | None = None
    ballot_lines: dict[str, str] | None = None


@dataclass(frozen=True)
class VoteReset(AuditEvent):
    """A training vote was started over; its rounds were cleared (the log keeps them)."""

    action: ClassVar[str] = "vote.reset"
    rounds: int


@dataclass(frozen=True)
class DrillRun(AuditEvent):
    """A shipped drill was run from the console on a new training vote, and whether it went as promised."""

    action: ClassVar[str] = "drill.run"
    drill: str
    seed: int
    meeting_id: int
    passed: bool


EVENT_TYPES: tuple[type[AuditEvent], ...] = (
    BodyCreated,
    UserAdded,
    UserPasswordSet,
    MeetingCreated,
    RosterImported,
    DeputyCheckedIn,
    DeputyCheckedOut,
    VoteCreated,
    VoteUpdated,
    VoteScrutineersNamed,
    CodeIssued,
    CodeReissued,
    CodeRevoked,
    VoteRulesLocked,
    RoundOpened,
    RoundPaperIssued,
    RoundClosed,
    RoundSecrecyPending,
    RoundSecrecyCompleted,
    PaperEntered,
    PaperAccepted,
    RoundCounted,
    VoteDecided,
    VotePublished,
    VoteReset,
    DrillRun,
)
"""Every action the log records, in the order of a sitting: the closed set."""

EVENTS: Mapping[str, type[AuditEvent]] = types.MappingProxyType({kind.action: kind for kind in EVENT_TYPES})
"""Each event type by the action name the log stores."""


def parse(action: str, details: object) -> AuditEvent:
    """The event a stored entry records, from its ``action`` and ``details``; ``InvalidEvent`` if it is none."""
    kind = EVENTS.get(action)
    if kind is None:
        raise InvalidEvent(action, "no such action")
    return kind.from_details(details)


def stored_details(event: AuditEvent, *, training: bool) -> dict[str, Any]:
    """The details the log stores for an event: an entry about a training vote says so (docs/audit-log.md)."""
    found = event.details()
    return {**found, TRAINING: True} if training else found
