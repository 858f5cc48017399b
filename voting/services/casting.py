"""Casting an electronic ballot: the deputy's code, their marks, a receipt.

Secrecy (DESIGN section 4, docs/secrecy.md): the participation row (who) and
the ballot row (what) are written in one transaction and share nothing but
the round.  The receipt is an HMAC of the round, the code and the client's
idempotency key, so that a retry finds its ballot again without anything in
the database pointing from the deputy to it.  Nothing here is logged.

Group commit (docs/architecture.md): the casts that reach one server process
together are written by one of them in one transaction (``cast_batch``), so
that a batch pays for one durable commit.  Each cast of the batch is checked
on its own, in order of arrival, before anything is written: a refused ballot
refuses only itself.  The rows of the accepted ones are then inserted in an
order unrelated to arrival and to each other: participation by deputy id,
ballots by receipt.  Each caller is answered only after that commit.
"""

from __future__ import annotations

import base64
import hmac
import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from hashlib import sha256
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from voting.domain import DomainError, InvalidBallot, Marks, RuleSettings
from voting.domain.ballot_list import numbers_text
from voting.domain.lifecycle import RoundState
from voting.services.errors import Conflict, NotAuthenticated, NotFound
from voting.services.locks import lock_round
from voting.services.records import get, marks_of, rules_of
from voting.services.votes import code_hash, holder_of, normalise_code
from voting.store import raw
from voting.store.db import Database
from voting.store.group_commit import GroupCommit
from voting.store.models import Ballot, Deputy, Participation, Round, Vote

ELECTRONIC = "electronic"
PAPER = "paper"


@dataclass(frozen=True)
class Receipt:
    receipt: str
    round_number: int
    replayed: bool
    """True when this answers a retry of a ballot already recorded."""
    training: bool = False
    """A ballot of a training vote (演练), which counts for nothing: the deputy's page says so."""


def format_receipt(receipt: str) -> str:
    return "-".join(receipt[i : i + 4] for i in range(0, len(receipt), 4))


def parse_receipt(text: str) -> str:
    return text.upper().replace("-", "").replace(" ", "")


def electronic_receipt(secret: str, round_id: int, code: str, idempotency_key: str) -> str:
    message = f"receipt:{round_id}:{normalise_code(code)}:{idempotency_key}".encode()
    digest = hmac.new(secret.encode(), message, sha256).digest()
    return base64.b32encode(digest[:10]).decode("ascii")


def make_marks(approvals: Iterable[int], opposes: Iterable[int] = (), abstains: Iterable[int] = ()) -> Marks:
    """Marks from lists as a client sends them; a number given twice in one list is refused."""
    lists = {"approvals": list(approvals), "opposes": list(opposes), "abstains": list(abstains)}
    for name, numbers in lists.items():
        if len(set(numbers)) != len(numbers):
            raise InvalidBallot("duplicate_mark", f"a project is listed twice in {name}", field=name)
    return Marks(frozenset(lists["approvals"]), frozenset(lists["opposes"]), frozenset(lists["abstains"]))


def check_electronic(round_: Round, vote: Vote, marks: Marks) -> None:
    """An electronic ballot must be valid: the deputy is told, and nothing is recorded, so they can correct it."""
    check_marks(frozenset(round_.projects), round_.seats, rules_of(vote).ballot_style.value, marks)


def check_marks(projects: frozenset[int], seats: int, ballot_style: str, marks: Marks) -> None:
    marks.check_projects(projects)
    if ballot_style == "approve_only" and (marks.opposes or marks.abstains):
        raise InvalidBallot("style_mismatch", "this vote's ballots only approve", field="opposes")
    if not marks.is_valid(seats):
        raise InvalidBallot(
            "too_many_approvals",
            f"at most {seats} projects may be approved; this ballot approves {len(marks.approvals)}",
            field="approvals",
            seats=seats,
            approvals=len(marks.approvals),
        )


def cast_ballot(db: Database, *, secret: str, code: str, marks: Marks, idempotency_key: str) -> Receipt:
    """Record a deputy's ballot once; a retry with the same key gets the same receipt.

    Joins the batch of this process's group commit; returns (or raises) once
    the transaction that holds this ballot has committed.
    """
    return _committer(db).submit(CastRequest(secret, code, marks, idempotency_key))


def cast_one(db: Database, request: CastRequest) -> Receipt:
    """One cast in a transaction of its own: the path a batch falls back on after a race."""
    try:
        with db.write(serial=False) as session:
            return _cast(session, request.secret, request.code, request.marks, request.idempotency_key)
    except IntegrityError:
        # A concurrent request with the same code won the race; say what it did.
        with db.read() as session:
            return _after_race(session, request.secret, request.code, request.marks, request.idempotency_key)


@dataclass(frozen=True)
class CastRequest:
    secret: str
    code: str
    marks: Marks
    idempotency_key: str


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
    participation says so), every cast is done again on its own, which tells
    the loser of the race what happened.
    """
    try:
        with db.write(serial=False) as session:
            outcomes = _cast_batch(session, requests)
    except IntegrityError:
        return [_one_or_error(db, request) for request in requests]
    return outcomes


def _one_or_error(db: Database, request: CastRequest) -> Receipt | DomainError:
    try:
        return cast_one(db, request)
    except DomainError as exc:
        return exc


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
    styles: dict[int, str]
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
    if batch.new_participation:
        raw.execute_many(
            session,
            "INSERT INTO participation (round_id, deputy_id, channel) VALUES (?, ?, ?)",
            [(round_id, deputy_id, ELECTRONIC) for round_id, deputy_id in sorted(batch.new_participation)],
        )
        raw.execute_many(
            session,
            "INSERT INTO ballot (receipt, round_id, approvals, opposes, abstains, channel) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    receipt,
                    round_id,
                    numbers_text(marks.approvals),
                    numbers_text(marks.opposes),
                    numbers_text(marks.abstains),
                    ELECTRONIC,
                )
                for receipt, (round_id, marks) in sorted(batch.new_ballots.items())
            ],
        )
    return outcomes


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
    styles = {row[0]: RuleSettings.from_dict(dict(raw.json_value(row[1]))).ballot_style.value for row in votes}
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
        row[0]: Marks(_numbers(row[1]), _numbers(row[2]), _numbers(row[3]))
        for row in raw.rows(
            session,
            "SELECT receipt, approvals, opposes, abstains FROM ballot WHERE receipt IN (?*)",
            sorted(set(receipts.values())),
        )
    }
    return _Batch(hashes, receipts, holders, styles, training, rounds_of_vote, open_rounds, checked_in, done, recorded)


def _round(row: Any) -> _Round:
    return _Round(row[0], row[1], row[2], row[3], row[4], frozenset(raw.json_value(row[5])))


def _numbers(text: str) -> frozenset[int]:
    return frozenset(int(part) for part in text.split()) if text else frozenset()


def _check_one(index: int, request: CastRequest, batch: _Batch) -> Receipt:
    """The checks of ``_cast``, in its order, against what the batch read and what it has accepted so far."""
    holder = batch.holders.get(batch.hashes[index])
    if holder is None or holder[2]:
        raise NotAuthenticated("invalid_code", "this voting code is not valid", field="code")
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
        raise Conflict("round_not_open", "no round of this vote is open for voting")
    checked_in = batch.checked_in.get(deputy_id)
    if checked_in is None:
        raise NotFound("not_found", f"no deputy {deputy_id}", what="deputy", id=str(deputy_id))
    if not checked_in:
        raise Conflict("not_checked_in", "the deputy has not checked in")
    place = (open_round.id, deputy_id)
    channel = batch.done.get(place)
    if channel == PAPER:
        raise Conflict("paper_ballot_issued", "a paper ballot was issued to this deputy for this round")
    if channel is not None or place in batch.new_participation:
        raise Conflict("already_voted", "a ballot has already been cast with this code in this round")
    check_marks(open_round.projects, open_round.seats, batch.styles[vote_id], marks)
    receipt = batch.receipts[(index, open_round.id)]
    batch.new_participation.add(place)
    batch.new_ballots[receipt] = (open_round.id, marks)
    return Receipt(format_receipt(receipt), open_round.number, replayed=False, training=batch.training[vote_id])


def _open_round(session: Session, vote_id: int) -> Round | None:
    """The vote's open round, held in share mode (a close waits for this transaction), or None."""
    round_ = session.exec(select(Round).where(Round.vote_id == vote_id, Round.state == RoundState.OPEN)).first()
    if round_ is None:
        return None
    assert round_.id is not None
    locked = lock_round(session, round_.id, exclusive=False)
    return locked if locked.state == RoundState.OPEN else None


def _cast(session: Session, secret: str, code: str, marks: Marks, key: str) -> Receipt:
    holder = holder_of(session, secret, code)
    vote = get(session, Vote, holder.vote_id, what="vote")
    earlier = _recorded(session, secret, code, key, holder.vote_id)
    round_ = _open_round(session, holder.vote_id)
    if earlier is not None:
        return _replay(earlier, round_, marks, vote.training)
    if round_ is None:
        raise Conflict("round_not_open", "no round of this vote is open for voting")
    assert round_.id is not None
    deputy = get(session, Deputy, holder.deputy_id, what="deputy")
    if not deputy.checked_in:
        raise Conflict("not_checked_in", "the deputy has not checked in")
    done = session.get(Participation, (round_.id, holder.deputy_id))
    if done is not None:
        if done.channel == PAPER:
            raise Conflict("paper_ballot_issued", "a paper ballot was issued to this deputy for this round")
        # On PostgreSQL each statement sees the latest commits: the request this
        # one retries may have committed since the look-up above.  Its ballot and
        # participation rows were committed together, so it is visible now.
        again = _recorded(session, secret, code, key, holder.vote_id)
        if again is not None:
            return _replay(again, round_, marks, vote.training)
        raise Conflict("already_voted", "a ballot has already been cast with this code in this round")
    check_electronic(round_, vote, marks)
    receipt = electronic_receipt(secret, round_.id, code, key)
    session.add(Participation(round_id=round_.id, deputy_id=holder.deputy_id, channel=ELECTRONIC))
    session.add(
        Ballot(
            receipt=receipt,
            round_id=round_.id,
            approvals=numbers_text(marks.approvals),
            opposes=numbers_text(marks.opposes),
            abstains=numbers_text(marks.abstains),
            channel=ELECTRONIC,
        )
    )
    session.flush()
    return Receipt(format_receipt(receipt), round_.number, replayed=False, training=vote.training)


def _recorded(session: Session, secret: str, code: str, key: str, vote_id: int) -> tuple[Ballot, Round] | None:
    """The ballot this code and key already recorded in any round of the vote, if any (a retry)."""
    for round_ in session.exec(select(Round).where(Round.vote_id == vote_id)).all():
        assert round_.id is not None
        ballot = session.get(Ballot, electronic_receipt(secret, round_.id, code, key))
        if ballot is not None:
            return ballot, round_
    return None


def replay(receipt: str, round_number: int, still_open: bool, earlier: Marks, marks: Marks, training: bool) -> Receipt:
    """The answer to a cast whose code and key already recorded a ballot: one rule, for a batch and for ``cast_one``.

    While that ballot's round is open, a retry of it gets its receipt again (a
    phone on the hall's Wi-Fi that lost the answer), and other marks under the
    same key are refused.  Once the round has closed, the answer carries no
    receipt and is the same whatever marks are sent: otherwise whoever holds
    the code and the key (a buyer who dictated the key) could have the server
    confirm the ballot (docs/secrecy.md).  The same refusal stops a key used
    in an earlier round from being answered, in the next round, with that
    round's receipt.
    """
    if not still_open:
        raise Conflict(
            "idempotency_key_spent",
            f"a ballot with this code and key was recorded in round {round_number}, which has closed",
            field="idempotency_key",
            round=round_number,
        )
    if earlier != marks:
        raise Conflict("idempotency_key_reused", "this idempotency key was used for a different ballot")
    return Receipt(format_receipt(receipt), round_number, replayed=True, training=training)


def _replay(earlier: tuple[Ballot, Round], open_round: Round | None, marks: Marks, training: bool) -> Receipt:
    ballot, round_ = earlier
    still_open = open_round is not None and open_round.id == round_.id
    return replay(ballot.receipt, round_.number, still_open, marks_of(ballot), marks, training)


def _after_race(session: Session, secret: str, code: str, marks: Marks, key: str) -> Receipt:
    holder = holder_of(session, secret, code)
    earlier = _recorded(session, secret, code, key, holder.vote_id)
    if earlier is not None:
        training = get(session, Vote, holder.vote_id, what="vote").training
        return _replay(earlier, _open_round(session, holder.vote_id), marks, training)
    raise Conflict("already_voted", "a ballot has already been cast with this code in this round")
