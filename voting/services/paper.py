"""Paper ballots entered by clerks, twice, before they count (DESIGN section 3, clerk).

Two clerks enter the same batch independently, ballot by ballot in the order
of the pile; the batch counts only when both entries agree.  Until then the
differences are listed by position, for the clerks to look at the paper
under the scrutineers' eyes and correct their entry.  A paper ballot is
recorded as it is: one approving too many projects is counted invalid.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from voting.domain import BallotStyle, Channel, Marks
from voting.domain.audit_events import PaperAccepted, PaperEntered
from voting.domain.ballot_list import numbers_text
from voting.domain.errors import InvalidBallot
from voting.domain.lifecycle import RoundState
from voting.services import audit
from voting.services.auth import WRITERS, Actor, require
from voting.services.casting import make_marks
from voting.services.errors import Conflict, InvalidInput
from voting.services.locks import lock_round
from voting.services.records import get_round, get_vote, rules_of
from voting.store.models import Ballot, PaperEntry

MAX_BATCH = 1000


@dataclass(frozen=True)
class Difference:
    position: int
    """1-based place in the pile."""
    first: dict[str, list[int]] | None
    second: dict[str, list[int]] | None


def _marks(round_projects: frozenset[int], style: BallotStyle, items: list[dict[str, Any]]) -> list[Marks]:
    marks = []
    for position, item in enumerate(items, start=1):
        try:
            m = make_marks(item.get("approvals", ()), item.get("opposes", ()), item.get("abstains", ()))
            m.check_projects(round_projects)
            m.check_style(style)
        except InvalidBallot as exc:
            raise InvalidBallot(
                exc.code, field="ballots", frame="ballot_in_batch", position=position, **exc.params
            ) from None
        marks.append(m)
    return marks


def _canonical(m: Marks) -> dict[str, list[int]]:
    return {"approvals": sorted(m.approvals), "opposes": sorted(m.opposes), "abstains": sorted(m.abstains)}


def enter_batch(
    session: Session, round_id: int, batch: str, entry: int, items: list[dict[str, Any]], *, by: Actor
) -> PaperEntry:
    """Record (or correct) one clerk's entry of a batch; the other entry must be another clerk's."""
    require(by, WRITERS)
    round_ = get_round(session, round_id)
    if round_.state not in (RoundState.OPEN, RoundState.CLOSED):
        raise Conflict("round_not_accepting_paper")
    if entry not in (1, 2):
        raise InvalidInput("invalid_entry", field="entry")
    if not 1 <= len(items) <= MAX_BATCH:
        raise InvalidInput("batch_size", field="ballots")
    rules = rules_of(get_vote(session, round_.vote_id))
    marks = _marks(frozenset(round_.projects), rules.ballot_style, items)
    rows = {
        e.entry: e
        for e in session.exec(
            select(PaperEntry).where(PaperEntry.round_id == round_id, PaperEntry.batch == batch)
        ).all()
    }
    if any(e.accepted for e in rows.values()):
        raise Conflict("batch_accepted", batch=batch)
    other = rows.get(3 - entry)
    if other is not None and other.clerk == by.name:
        raise Conflict("same_clerk", batch=batch)
    row = rows.get(entry) or PaperEntry(round_id=round_id, batch=batch, entry=entry, clerk=by.name, ballots=[])
    row.clerk = by.name
    row.ballots = [_canonical(m) for m in marks]
    session.add(row)
    audit.record(
        session,
        PaperEntered(round=round_.number, batch=batch, entry=entry, ballots=len(marks)),
        actor=by,
        vote_id=round_.vote_id,
    )
    return row


def differences(session: Session, round_id: int, batch: str) -> tuple[list[PaperEntry], list[Difference]]:
    entries = list(
        session.exec(
            select(PaperEntry)
            .where(PaperEntry.round_id == round_id, PaperEntry.batch == batch)
            .order_by(col(PaperEntry.entry))
        ).all()
    )
    if len(entries) < 2:
        return entries, []
    first, second = entries[0].ballots, entries[1].ballots
    diffs = [
        Difference(i + 1, first[i] if i < len(first) else None, second[i] if i < len(second) else None)
        for i in range(max(len(first), len(second)))
        if i >= len(first) or i >= len(second) or first[i] != second[i]
    ]
    return entries, diffs


def accept_batch(session: Session, round_id: int, batch: str, *, by: Actor) -> int:
    """Count a batch whose two entries agree: its ballots join the round's, each under a random receipt."""
    require(by, WRITERS)
    round_ = lock_round(session, round_id, exclusive=True)
    entries, diffs = differences(session, round_id, batch)
    if not entries:
        raise Conflict("no_batch", batch=batch)
    if any(e.accepted for e in entries):
        raise Conflict("batch_accepted", batch=batch)
    if len(entries) < 2:
        raise Conflict(
            "second_entry_missing",
            batch=batch,
        )
    if diffs:
        raise Conflict(
            "entries_differ",
            batch=batch,
            differences=len(diffs),
            first=diffs[0].position,
        )
    if round_.state not in (RoundState.OPEN, RoundState.CLOSED):
        raise Conflict("round_not_accepting_paper")
    for item in entries[0].ballots:
        session.add(
            Ballot(
                receipt=base64.b32encode(secrets.token_bytes(10)).decode("ascii"),
                round_id=round_id,
                approvals=numbers_text(frozenset(item["approvals"])),
                opposes=numbers_text(frozenset(item["opposes"])),
                abstains=numbers_text(frozenset(item["abstains"])),
                channel=Channel.PAPER,
            )
        )
    for entry in entries:
        entry.accepted = True
        session.add(entry)
    audit.record(
        session,
        PaperAccepted(
            round=round_.number, batch=batch, ballots=len(entries[0].ballots), clerks=tuple(e.clerk for e in entries)
        ),
        actor=by,
        vote_id=round_.vote_id,
    )
    return len(entries[0].ballots)
