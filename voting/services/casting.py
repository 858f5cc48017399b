"""Casting an electronic ballot: the deputy's code, their marks, a receipt.

Secrecy (DESIGN section 4, docs/secrecy.md): the participation row (who) and
the ballot row (what) are written in one transaction and share nothing but
the round.  The receipt is an HMAC of the round, the code and the client's
idempotency key, so that a retry finds its ballot again without anything in
the database pointing from the deputy to it.  Nothing here is logged.

Group commit (docs/architecture.md): the casts that reach one server process
together are written by one of them in one transaction
(``voting.services.cast_batch``), so that a batch pays for one durable
commit; each caller is answered only after that commit.  A batch that loses
a race on PostgreSQL does each cast again alone (``cast_one``, here).  Both
answer a retry by one rule, ``replay``.
"""

from __future__ import annotations

import base64
import hmac
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from hashlib import sha256

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from voting.domain import InvalidBallot, Marks
from voting.domain.ballot_list import numbers_text
from voting.domain.codes import forgiving
from voting.domain.lifecycle import RoundState
from voting.services.errors import Conflict
from voting.services.locks import lock_round
from voting.services.records import get, marks_of, rules_of
from voting.services.votes import holder_of
from voting.store import secrecy
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
    message = f"receipt:{round_id}:{forgiving(code)}:{idempotency_key}".encode()
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
            # The batch module builds on this one (receipts, checks, ``replay``): imported when first needed.
            from voting.services.cast_batch import cast_batch

            committer = _committers[db] = GroupCommit(lambda batch: cast_batch(db, batch))
        return committer


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
    write_casts(session, {(round_.id, holder.deputy_id)}, {receipt: (round_.id, marks)})
    return Receipt(format_receipt(receipt), round_.number, replayed=False, training=vote.training)


def write_casts(session: Session, participation: set[tuple[int, int]], ballots: dict[str, tuple[int, Marks]]) -> None:
    """Write accepted casts, round by round, into each round's staging tables (``store.secrecy``).

    Participation rows in deputy order, ballots in receipt order: within a
    batch neither follows the order of arrival.
    """
    for round_id in sorted({round_id for round_id, _ in participation}):
        secrecy.insert_cast_rows(
            session,
            round_id,
            [(round_id, deputy_id, ELECTRONIC) for r, deputy_id in sorted(participation) if r == round_id],
            [
                (receipt, r, numbers_text(m.approvals), numbers_text(m.opposes), numbers_text(m.abstains), ELECTRONIC)
                for receipt, (r, m) in sorted(ballots.items())
                if r == round_id
            ],
        )


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
