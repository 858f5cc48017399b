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
from dataclasses import dataclass
from hashlib import sha256

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from voting.domain import DomainError, InvalidBallot, Marks
from voting.domain.ballot_list import numbers_text
from voting.domain.lifecycle import RoundState
from voting.services.errors import Conflict, NotAuthenticated, NotFound
from voting.services.locks import lock_round
from voting.services.records import get, marks_of, rules_of
from voting.services.votes import code_hash, holder_of, normalise_code
from voting.store.db import Database
from voting.store.group_commit import GroupCommit
from voting.store.models import Ballot, Deputy, Participation, Round, Vote, VotingCode

ELECTRONIC = "electronic"
PAPER = "paper"


@dataclass(frozen=True)
class Receipt:
    receipt: str
    round_number: int
    replayed: bool
    """True when this answers a retry of a ballot already recorded."""


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
    rules = rules_of(vote)
    marks.check_projects(frozenset(round_.projects))
    if rules.ballot_style == "approve_only" and (marks.opposes or marks.abstains):
        raise InvalidBallot("style_mismatch", "this vote's ballots only approve", field="opposes")
    if not marks.is_valid(round_.seats):
        raise InvalidBallot(
            "too_many_approvals",
            f"at most {round_.seats} projects may be approved; this ballot approves {len(marks.approvals)}",
            field="approvals",
            seats=round_.seats,
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


def _cast_batch(session: Session, requests: Sequence[CastRequest]) -> list[Receipt | DomainError]:
    """Check every cast of the batch, then write the accepted ones; rows in an order that says nothing."""
    hashes = [code_hash(r.secret, r.code) for r in requests]
    holders = {
        row.code_hash: row
        for row in session.exec(select(VotingCode).where(col(VotingCode.code_hash).in_(set(hashes)))).all()
    }
    vote_ids = sorted({h.vote_id for h in holders.values()})
    votes = {v.id: v for v in session.exec(select(Vote).where(col(Vote.id).in_(vote_ids))).all()}
    rounds_of_vote: dict[int, list[Round]] = {vote_id: [] for vote_id in vote_ids}
    for round_ in session.exec(
        select(Round).where(col(Round.vote_id).in_(vote_ids)).order_by(col(Round.vote_id), col(Round.number))
    ).all():
        rounds_of_vote[round_.vote_id].append(round_)
    # The lock a close takes exclusively, in one order for every batch and process.
    open_rounds: dict[int, Round] = {}
    for round_ in sorted((r for rs in rounds_of_vote.values() for r in rs), key=lambda r: r.id or 0):
        if round_.state == RoundState.OPEN:
            assert round_.id is not None
            locked = lock_round(session, round_.id, exclusive=False)
            if locked.state == RoundState.OPEN:
                open_rounds[locked.vote_id] = locked
    deputy_ids = sorted({h.deputy_id for h in holders.values()})
    deputies = {d.id: d for d in session.exec(select(Deputy).where(col(Deputy.id).in_(deputy_ids))).all()}
    round_ids = sorted(r.id for r in open_rounds.values() if r.id is not None)
    # Participation before ballots: on PostgreSQL each statement sees the latest
    # commits, and a participation row is never committed without its ballot.
    done = {
        (p.round_id, p.deputy_id): p
        for p in session.exec(
            select(Participation).where(
                col(Participation.round_id).in_(round_ids), col(Participation.deputy_id).in_(deputy_ids)
            )
        ).all()
    }
    candidates: dict[str, Round] = {}
    for request, hashed in zip(requests, hashes, strict=True):
        holder = holders.get(hashed)
        if holder is not None:
            for round_ in rounds_of_vote[holder.vote_id]:
                assert round_.id is not None
                candidates[electronic_receipt(request.secret, round_.id, request.code, request.idempotency_key)] = (
                    round_
                )
    recorded = {
        b.receipt: b for b in session.exec(select(Ballot).where(col(Ballot.receipt).in_(list(candidates)))).all()
    }

    outcomes: list[Receipt | DomainError] = []
    new_ballots: dict[str, Ballot] = {}
    new_participation: dict[tuple[int, int], Participation] = {}
    for request, hashed in zip(requests, hashes, strict=True):
        try:
            outcomes.append(
                _check_one(
                    request,
                    holders.get(hashed),
                    votes,
                    rounds_of_vote,
                    open_rounds,
                    deputies,
                    done,
                    recorded,
                    new_ballots,
                    new_participation,
                )
            )
        except DomainError as exc:
            outcomes.append(exc)
    if new_participation:
        session.execute(insert(Participation), [p.model_dump() for _, p in sorted(new_participation.items())])
        session.execute(insert(Ballot), [b.model_dump() for _, b in sorted(new_ballots.items())])
    return outcomes


def _check_one(
    request: CastRequest,
    holder: VotingCode | None,
    votes: dict[int | None, Vote],
    rounds_of_vote: dict[int, list[Round]],
    open_rounds: dict[int, Round],
    deputies: dict[int | None, Deputy],
    done: dict[tuple[int, int], Participation],
    recorded: dict[str, Ballot],
    new_ballots: dict[str, Ballot],
    new_participation: dict[tuple[int, int], Participation],
) -> Receipt:
    """The checks of ``_cast``, in its order, against what the batch read and what it has accepted so far."""
    if holder is None or holder.revoked:
        raise NotAuthenticated("invalid_code", "this voting code is not valid", field="code")
    secret, code, marks, key = request.secret, request.code, request.marks, request.idempotency_key
    for round_ in rounds_of_vote[holder.vote_id]:
        assert round_.id is not None
        receipt = electronic_receipt(secret, round_.id, code, key)
        earlier = recorded.get(receipt) or new_ballots.get(receipt)
        if earlier is not None:
            return _replay((earlier, round_), marks)
    vote = votes[holder.vote_id]
    open_round = open_rounds.get(holder.vote_id)
    if open_round is None:
        raise Conflict("round_not_open", "no round of this vote is open for voting")
    assert open_round.id is not None
    deputy = deputies.get(holder.deputy_id)
    if deputy is None:
        raise NotFound("not_found", f"no deputy {holder.deputy_id}", what="deputy", id=str(holder.deputy_id))
    if not deputy.checked_in:
        raise Conflict("not_checked_in", "the deputy has not checked in")
    place = (open_round.id, holder.deputy_id)
    earlier_participation = done.get(place)
    if earlier_participation is not None and earlier_participation.channel == PAPER:
        raise Conflict("paper_ballot_issued", "a paper ballot was issued to this deputy for this round")
    if earlier_participation is not None or place in new_participation:
        raise Conflict("already_voted", "a ballot has already been cast with this code in this round")
    check_electronic(open_round, vote, marks)
    receipt = electronic_receipt(secret, open_round.id, code, key)
    new_participation[place] = Participation(round_id=open_round.id, deputy_id=holder.deputy_id, channel=ELECTRONIC)
    new_ballots[receipt] = Ballot(
        receipt=receipt,
        round_id=open_round.id,
        approvals=numbers_text(marks.approvals),
        opposes=numbers_text(marks.opposes),
        abstains=numbers_text(marks.abstains),
        channel=ELECTRONIC,
    )
    return Receipt(format_receipt(receipt), open_round.number, replayed=False)


def _open_round(session: Session, vote_id: int) -> Round:
    round_ = session.exec(select(Round).where(Round.vote_id == vote_id, Round.state == RoundState.OPEN)).first()
    if round_ is None:
        raise Conflict("round_not_open", "no round of this vote is open for voting")
    assert round_.id is not None
    return lock_round(session, round_.id, exclusive=False)


def _cast(session: Session, secret: str, code: str, marks: Marks, key: str) -> Receipt:
    holder = holder_of(session, secret, code)
    earlier = _recorded(session, secret, code, key, holder.vote_id)
    if earlier is not None:
        return _replay(earlier, marks)
    vote = get(session, Vote, holder.vote_id, what="vote")
    round_ = _open_round(session, holder.vote_id)
    if round_.state != RoundState.OPEN:
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
            return _replay(again, marks)
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
    return Receipt(format_receipt(receipt), round_.number, replayed=False)


def _recorded(session: Session, secret: str, code: str, key: str, vote_id: int) -> tuple[Ballot, Round] | None:
    """The ballot this code and key already recorded in any round of the vote, if any (a retry)."""
    for round_ in session.exec(select(Round).where(Round.vote_id == vote_id)).all():
        assert round_.id is not None
        ballot = session.get(Ballot, electronic_receipt(secret, round_.id, code, key))
        if ballot is not None:
            return ballot, round_
    return None


def _replay(earlier: tuple[Ballot, Round], marks: Marks) -> Receipt:
    ballot, round_ = earlier
    if marks_of(ballot) != marks:
        raise Conflict("idempotency_key_reused", "this idempotency key was used for a different ballot")
    return Receipt(format_receipt(ballot.receipt), round_.number, replayed=True)


def _after_race(session: Session, secret: str, code: str, marks: Marks, key: str) -> Receipt:
    holder = holder_of(session, secret, code)
    earlier = _recorded(session, secret, code, key, holder.vote_id)
    if earlier is not None:
        return _replay(earlier, marks)
    raise Conflict("already_voted", "a ballot has already been cast with this code in this round")
