"""Casting a batch of ballots in one transaction: the group commit's writer (docs/architecture.md, "Group commit").

The casts that reach one server process together are written by one of them
in one transaction, so that a batch pays for one durable commit.  Each cast of
the batch is checked on its own, in order of arrival (``_check_one``: the
cast's only checks, on every path) with ``casting.replay`` for a retry,
before anything is written: a refused ballot refuses only itself.  The rows of
the accepted ones are then inserted in an order unrelated to arrival and to
each other: participation by deputy id, ballots by receipt (docs/secrecy.md).
A cast joins its process's batch here (``cast_ballot``), built on what a cast
is (``voting.services.casting``).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from voting.domain import BallotStyle, Channel, DomainError, Marks, RuleSettings
from voting.domain.ballot_list import numbers_text
from voting.domain.lifecycle import RoundState
from voting.services.casting import CastRequest, Receipt, check_marks, electronic_receipt, format_receipt, replay
from voting.services.errors import Conflict, NotAuthenticated, NotFound
from voting.services.records import stored_marks
from voting.services.votes import code_hash
from voting.store import group_commit, raw, secrecy
from voting.store.db import Database
from voting.store.group_commit import Gather, GroupCommit


def gather_casts_with(gather: Gather) -> None:
    """Set how this process gathers the casts of one batch: the server, in a gevent worker, gathers on its loop.

    The service's door to the group commit's setting, so that the server module, which alone knows gevent,
    configures the cast path without reaching into storage.
    """
    group_commit.gather_with(gather)


def cast_ballot(db: Database, *, secret: str, code: str, marks: Marks, idempotency_key: str) -> Receipt:
    """Record a deputy's ballot once; a retry with the same key gets the same receipt.

    Joins the batch of this process's group commit; returns (or raises) once
    the transaction that holds this ballot has committed.
    """
    return _committer(db).submit(CastRequest(secret, code, marks, idempotency_key))


_committers: weakref.WeakKeyDictionary[Database, GroupCommit[CastRequest, Receipt]] = weakref.WeakKeyDictionary()
_committers_lock = threading.Lock()


def _committer(db: Database) -> GroupCommit[CastRequest, Receipt]:
    with _committers_lock:
        committer = _committers.get(db)
        if committer is None:
            committer = _committers[db] = GroupCommit(lambda batch: cast_batch(db, batch))
        return committer


def cast_batch(db: Database, requests: Sequence[CastRequest]) -> list[Receipt | DomainError]:
    """Cast a batch of ballots in one transaction: each one's receipt, or the error that refused it.

    If the database refuses the batch's rows (on PostgreSQL, another process
    recorded one of these deputies a moment ago: the primary key of
    participation says so), each cast is tried again as a batch of its own,
    through the same checks (``_after_race``).
    """
    try:
        return _in_one_transaction(db, requests)
    except IntegrityError:
        return [_after_race(db, request) for request in requests]


def _in_one_transaction(db: Database, requests: Sequence[CastRequest]) -> list[Receipt | DomainError]:
    with db.write(serial=False) as session:
        return _cast_batch(session, requests)


def _after_race(db: Database, request: CastRequest) -> Receipt | DomainError:
    """One cast of a batch that lost a race, as a batch of one.

    The winner's rows were committed when the loser's insert failed, so this
    batch's look sees them: the loser is told ``already_voted``, or given its
    receipt again if the winner was the same cast sent twice (``replay``).
    """
    try:
        return _in_one_transaction(db, [request])[0]
    except IntegrityError:
        # Lost again: yet another request recorded this deputy between this batch's look and its write.
        return _already_voted()


def _already_voted() -> Conflict:
    return Conflict("already_voted")


@dataclass(frozen=True)
class _Round:
    id: int
    vote_id: int
    number: int
    state: str
    seats: int
    projects: frozenset[int]


@dataclass
class _Batch:
    """What a batch read before checking its casts, and what it has accepted so far."""

    hashes: list[str]
    """The code hash of each cast, in the batch's order (each HMAC computed once a batch)."""
    receipts: dict[tuple[int, int], str]
    """(cast's place in the batch, round id) -> its receipt in that round, for each round of its vote."""
    holders: dict[str, tuple[int, int, bool]]
    """code hash -> (vote id, deputy id, revoked)."""
    styles: dict[int, BallotStyle]
    """vote id -> ballot style."""
    training: dict[int, bool]
    """vote id -> a training vote?"""
    rounds_of_vote: dict[int, list[_Round]]
    open_rounds: dict[int, _Round]
    """vote id -> its open round, read under the lock."""
    checked_in: dict[int, bool]
    done: dict[tuple[int, int], str]
    """(round id, deputy id) -> channel, of the participation already recorded."""
    recorded: dict[str, Marks]
    """receipt -> marks, of the ballots already recorded under any receipt this batch could replay."""
    new_ballots: dict[str, tuple[int, Marks]] = field(default_factory=dict)
    new_participation: set[tuple[int, int]] = field(default_factory=set)


def _cast_batch(session: Session, requests: Sequence[CastRequest]) -> list[Receipt | DomainError]:
    """Check every cast of the batch, then write the accepted ones; rows in an order that says nothing.

    Plain SQL (``voting.store.raw``): eight statements a batch however many
    casts it holds, where the ORM spent more time than the database.
    """
    batch = _read(session, requests)
    outcomes: list[Receipt | DomainError] = []
    for index, request in enumerate(requests):
        try:
            outcomes.append(_check_one(index, request, batch))
        except DomainError as exc:
            outcomes.append(exc)
    _write(session, batch.new_participation, batch.new_ballots)
    return outcomes


# long: the batch's eight reads, one after another in the order the lock and PostgreSQL's visibility require
def _read(session: Session, requests: Sequence[CastRequest]) -> _Batch:
    hashes = [code_hash(r.secret, r.code) for r in requests]
    holders = {
        row[0]: (row[1], row[2], bool(row[3]))
        for row in raw.rows(
            session,
            "SELECT code_hash, vote_id, deputy_id, revoked FROM voting_code WHERE code_hash IN (?*)",
            sorted(set(hashes)),
        )
    }
    vote_ids = sorted({vote_id for vote_id, _, _ in holders.values()})
    votes = raw.rows(session, "SELECT id, rules, training FROM vote WHERE id IN (?*)", vote_ids)
    styles = {row[0]: RuleSettings.from_dict(dict(raw.json_value(row[1]))).ballot_style for row in votes}
    training = {row[0]: bool(row[2]) for row in votes}
    rounds_of_vote: dict[int, list[_Round]] = {vote_id: [] for vote_id in vote_ids}
    for row in raw.rows(
        session,
        "SELECT id, vote_id, number, state, seats, projects FROM round WHERE vote_id IN (?*) ORDER BY vote_id, number",
        vote_ids,
    ):
        rounds_of_vote[row[1]].append(_round(row))
    # The lock a close takes exclusively (voting.services.locks), in one order for every batch and process.
    open_ids = sorted(r.id for rs in rounds_of_vote.values() for r in rs if r.state == RoundState.OPEN)
    open_rounds: dict[int, _Round] = {}
    if open_ids:
        for row in raw.rows(
            session,
            "SELECT id, vote_id, number, state, seats, projects FROM round WHERE id IN (?*) ORDER BY id",
            open_ids,
            lock=True,
        ):
            if row[3] == RoundState.OPEN:
                open_rounds[row[1]] = _round(row)
    deputy_ids = sorted({deputy_id for _, deputy_id, _ in holders.values()})
    checked_in = {
        row[0]: bool(row[1])
        for row in raw.rows(session, "SELECT id, checked_in FROM deputy WHERE id IN (?*)", deputy_ids)
    }
    round_ids = sorted(r.id for r in open_rounds.values())
    # Participation before ballots: on PostgreSQL each statement sees the latest
    # commits, and a participation row is never committed without its ballot.
    done: dict[tuple[int, int], str] = {}
    if round_ids:
        for row in raw.rows(
            session,
            "SELECT round_id, deputy_id, channel FROM participation WHERE round_id IN (?*) AND deputy_id IN (?*)",
            round_ids,
            deputy_ids,
        ):
            done[(row[0], row[1])] = row[2]
    receipts = {
        (index, round_.id): electronic_receipt(request.secret, round_.id, request.code, request.idempotency_key)
        for index, request in enumerate(requests)
        if (holder := holders.get(hashes[index])) is not None
        for round_ in rounds_of_vote[holder[0]]
    }
    recorded = {
        row[0]: stored_marks(row[1], row[2], row[3])
        for row in raw.rows(
            session,
            "SELECT receipt, approvals, opposes, abstains FROM ballot WHERE receipt IN (?*)",
            sorted(set(receipts.values())),
        )
    }
    return _Batch(hashes, receipts, holders, styles, training, rounds_of_vote, open_rounds, checked_in, done, recorded)


def _round(row: Any) -> _Round:
    return _Round(row[0], row[1], row[2], row[3], row[4], frozenset(raw.json_value(row[5])))


def _check_one(index: int, request: CastRequest, batch: _Batch) -> Receipt:
    """One cast's checks, against what the batch read and what it has accepted so far."""
    holder = batch.holders.get(batch.hashes[index])
    if holder is None or holder[2]:
        raise NotAuthenticated("invalid_code", field="code")
    vote_id, deputy_id, _ = holder
    marks = request.marks
    for round_ in batch.rounds_of_vote[vote_id]:
        receipt = batch.receipts[(index, round_.id)]
        earlier = batch.recorded.get(receipt)
        if earlier is None and receipt in batch.new_ballots:
            earlier = batch.new_ballots[receipt][1]
        if earlier is not None:
            still_open = round_.id == getattr(batch.open_rounds.get(vote_id), "id", None)
            return replay(receipt, round_.number, still_open, earlier, marks, batch.training[vote_id])
    open_round = batch.open_rounds.get(vote_id)
    if open_round is None:
        raise Conflict("round_not_open")
    checked_in = batch.checked_in.get(deputy_id)
    if checked_in is None:
        raise NotFound("not_found", what="deputy", id=str(deputy_id))
    if not checked_in:
        raise Conflict("not_checked_in")
    place = (open_round.id, deputy_id)
    channel = batch.done.get(place)
    if channel == Channel.PAPER:
        raise Conflict("paper_ballot_issued")
    if channel is not None or place in batch.new_participation:
        raise _already_voted()
    check_marks(open_round.projects, open_round.seats, batch.styles[vote_id], marks)
    receipt = batch.receipts[(index, open_round.id)]
    batch.new_participation.add(place)
    batch.new_ballots[receipt] = (open_round.id, marks)
    return Receipt(format_receipt(receipt), open_round.number, replayed=False, training=batch.training[vote_id])


def _write(session: Session, participation: set[tuple[int, int]], ballots: dict[str, tuple[int, Marks]]) -> None:
    """Write the accepted casts, round by round, into each round's staging tables (``store.secrecy``).

    Participation rows in deputy order, ballots in receipt order: within a
    batch neither follows the order of arrival.
    """
    electronic = Channel.ELECTRONIC
    for round_id in sorted({round_id for round_id, _ in participation}):
        secrecy.insert_cast_rows(
            session,
            round_id,
            [(round_id, deputy_id, electronic) for r, deputy_id in sorted(participation) if r == round_id],
            [
                (receipt, r, numbers_text(m.approvals), numbers_text(m.opposes), numbers_text(m.abstains), electronic)
                for receipt, (r, m) in sorted(ballots.items())
                if r == round_id
            ],
        )
