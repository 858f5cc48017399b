"""Casting an electronic ballot: the deputy's code, their marks, a receipt.

Secrecy (DESIGN section 4, docs/secrecy.md): the participation row (who) and
the ballot row (what) are written in one transaction and share nothing but
the round.  The receipt is an HMAC of the round, the code and the client's
idempotency key, so that a retry finds its ballot again without anything in
the database pointing from the deputy to it.  Nothing here is logged.

Group commit (docs/architecture.md): the casts that reach one server process
together are written by one of them in one transaction
(``voting.services.cast_batch``, the only place the cast's checks are made),
so that a batch pays for one durable commit; each caller is answered only
after that commit.  This module holds what a cast is (its request, its
receipt, the validity of its marks, the answer to a retry); the batch, which
checks and writes casts with these, is where a cast joins its process's batch
(``cast_batch.cast_ballot``).
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from hashlib import sha256

from voting.domain import BallotStyle, InvalidBallot, Marks
from voting.domain.codes import forgiving
from voting.services.errors import Conflict


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
            raise InvalidBallot("duplicate_mark", field=name)
    return Marks(frozenset(lists["approvals"]), frozenset(lists["opposes"]), frozenset(lists["abstains"]))


def check_marks(projects: frozenset[int], seats: int, style: BallotStyle, marks: Marks) -> None:
    """An electronic ballot must be valid: the deputy is told, and nothing is recorded, so they can correct it."""
    marks.check_projects(projects)
    marks.check_style(style)
    if not marks.is_valid(seats):
        raise InvalidBallot(
            "too_many_approvals",
            field="approvals",
            seats=seats,
            approvals=len(marks.approvals),
        )


@dataclass(frozen=True)
class CastRequest:
    secret: str
    code: str
    marks: Marks
    idempotency_key: str


def replay(receipt: str, round_number: int, still_open: bool, earlier: Marks, marks: Marks, training: bool) -> Receipt:
    """The answer to a cast whose code and key already recorded a ballot (a retry, or a second thought).

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
            field="idempotency_key",
            round=round_number,
        )
    if earlier != marks:
        raise Conflict("idempotency_key_reused")
    return Receipt(format_receipt(receipt), round_number, replayed=True, training=training)
