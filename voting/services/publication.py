"""The result of a vote, its ballot lists, what publication (公告) fixes of them, and receipt checks.

One count feeds everything: the stored round results are what the API, the
pages and the exports show, and the ballot lists recount to exactly them.
Publishing itself (``voting.services.official.publish``) renders the official
files from the reports, which read the result here, so it lives above them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlmodel import Session, col, select

from voting.domain import BallotStyle, VoteResult, combine, format_ballot_list
from voting.domain.codes import RECEIPT_ALPHABET, spellings
from voting.domain.lifecycle import RoundState, VoteState
from voting.services.casting import format_receipt
from voting.services.errors import Conflict, NotFound
from voting.services.records import get_vote, marks_of, rules_of, stored_marks
from voting.services.rounds import rounds_of, stored_result
from voting.services.votes import candidates_of
from voting.store import raw
from voting.store.models import Ballot, Round, Vote


def vote_result(session: Session, vote: Vote) -> VoteResult | None:
    """The vote's result over its counted rounds, or None before any round is counted."""
    counted = [r for r in rounds_of(session, vote.id or 0) if r.state == RoundState.COUNTED]
    if not counted:
        return None
    projects = [c.number for c in candidates_of(session, vote.id or 0)]
    return combine(rules_of(vote).seats, projects, [stored_result(r) for r in counted])


class Stamp(NamedTuple):
    """What identifies a published result: when it was published and its digest; ``final`` unless a training vote."""

    published_at: str
    digest: str
    final: bool
    """An official vote's publication is final (no state follows it), so its answers never change; a training
    vote's reset takes it back to a draft."""


def publication_stamp(session: Session, vote_id: int) -> Stamp | None:
    """The vote's publication stamp, or None if it is not published.

    One small query, for the answers kept per process once a vote is published
    (``voting.web.api.published``): a reset training vote, published again, gets a new stamp.
    """
    found = raw.rows(session, "SELECT state, published_at, result_digest, training FROM vote WHERE id = ?", [vote_id])
    if not found or found[0][0] != VoteState.PUBLISHED:
        return None
    return Stamp(str(found[0][1]), str(found[0][2]), final=not found[0][3])


def ballot_list(session: Session, round_: Round) -> str:
    """The round's anonymous ballot list (DESIGN section 5), ordered by receipt: an order that reveals nothing."""
    if round_.state not in (RoundState.CLOSED, RoundState.COUNTED):
        raise Conflict("round_not_closed")
    ballots = session.exec(select(Ballot).where(Ballot.round_id == round_.id).order_by(col(Ballot.receipt))).all()
    aoa = rules_of(get_vote(session, round_.vote_id)).ballot_style is not BallotStyle.APPROVE_ONLY
    return format_ballot_list(((format_receipt(b.receipt), marks_of(b)) for b in ballots), with_opposes=aoa)


def published_record(session: Session, vote: Vote) -> dict[str, Any]:
    """What publication fixes: the result of every round and of the vote, hashed as one canonical JSON."""
    result = vote_result(session, vote)
    assert result is not None
    return {
        "vote_id": vote.id,
        "title_zh": vote.title_zh,
        "training": vote.training,
        "rules": vote.rules,
        "rounds": [{"number": r.number, "kind": r.kind, "result": r.result} for r in rounds_of(session, vote.id or 0)],
        "selected": list(result.selected),
        "vacant": result.vacant,
    }


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ReceiptCheck:
    receipt: str
    vote_id: int
    round_number: int
    approvals: list[int]
    opposes: list[int]
    abstains: list[int]
    valid: bool
    training: bool
    """A ballot of a training vote (演练), which counted for nothing."""


def check_receipt(session: Session, receipt_text: str, body_id: int) -> ReceiptCheck:
    """Once the vote is published, a deputy sees that their ballot is in the count as cast, at their body's address.

    The receipt as the deputy copied it: lower case, without dashes, 0 for O and 1 for I or L are
    forgiven (``voting.domain.codes``), as for voting codes.  Should a typed 1 fit two published
    receipts (one with I, one with L: about 1 in 10^24), neither is shown.  One plain query: every
    deputy checks a receipt in the minute after the result is announced (the publication spike).
    """
    candidates = spellings(receipt_text, RECEIPT_ALPHABET)
    shown = (
        raw.rows(
            session,
            "SELECT b.receipt, b.approvals, b.opposes, b.abstains, r.number, r.seats, v.id, v.training"
            " FROM ballot b JOIN round r ON r.id = b.round_id JOIN vote v ON v.id = r.vote_id"
            " JOIN meeting m ON m.id = v.meeting_id"
            " WHERE b.receipt IN (?*) AND v.state = ? AND m.body_id = ?",
            sorted(candidates),
            [VoteState.PUBLISHED.value, body_id],
        )
        if candidates
        else []
    )
    if len(shown) != 1:
        raise NotFound("receipt_not_found", field="receipt")
    receipt, approvals, opposes, abstains, round_number, seats, vote_id, training = shown[0]
    marks = stored_marks(approvals, opposes, abstains)
    return ReceiptCheck(
        receipt=format_receipt(receipt),
        vote_id=vote_id,
        round_number=round_number,
        approvals=sorted(marks.approvals),
        opposes=sorted(marks.opposes),
        abstains=sorted(marks.abstains),
        valid=marks.is_valid(seats),
        training=bool(training),
    )
