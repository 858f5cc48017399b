"""The reads a whole hall makes at once: each deputy's ballot paper, every screen's turnout.

During a surge every deputy opens the ballot within seconds and a hundred
screens poll turnout every second or two; through the ORM each of these
requests cost several milliseconds of CPU, more than the cast itself.  Here
they are a few plain SQL statements each (``voting.store.raw``), answering
exactly what the ORM versions answered (docs/performance.md).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from voting.domain import RuleSettings
from voting.domain.audit_chain import short_head
from voting.domain.lifecycle import RoundState, VoteState
from voting.services.errors import Conflict, NotAuthenticated, NotFound
from voting.services.votes import code_hash
from voting.store import raw


def ballot_paper(session: Session, secret: str, code: str) -> dict[str, Any]:
    """The ballot of the round now open, for the deputy holding this code (``POST /api/v1/ballot``).

    ``participation`` says whether the deputy already takes part in this round: ``"electronic"`` when
    this code has voted in it, ``"paper"`` when a paper ballot was issued to them, else None; so the
    page says so as soon as the code is entered, not after the deputy has filled a ballot in.  It is
    read in the same statement as the round (no extra query on the hot path); who voted is not secret
    (DESIGN section 4), and nothing of what they chose is read.
    """
    holder = raw.rows(
        session, "SELECT vote_id, deputy_id, revoked FROM voting_code WHERE code_hash = ?", [code_hash(secret, code)]
    )
    if not holder or holder[0][2]:
        raise NotAuthenticated("invalid_code", "this voting code is not valid", field="code")
    vote_id, deputy_id = holder[0][0], holder[0][1]
    vote = raw.rows(session, "SELECT id, title_zh, title_en, training, rules FROM vote WHERE id = ?", [vote_id])
    if not vote:
        raise NotFound("not_found", f"no vote {vote_id}", what="vote", id=str(vote_id))
    _, title_zh, title_en, training, rules = vote[0]
    open_round = raw.rows(
        session,
        "SELECT number, kind, seats, projects,"
        " (SELECT channel FROM participation WHERE participation.round_id = round.id AND deputy_id = ?)"
        " FROM round WHERE vote_id = ? AND state = ?",
        [deputy_id, vote_id, RoundState.OPEN.value],
    )
    if not open_round:
        raise Conflict("round_not_open", "no round of this vote is open for voting")
    number, kind, seats, projects, participation = open_round[0]
    on_ballot = set(raw.json_value(projects))
    candidates = raw.rows(
        session,
        "SELECT number, title_zh, title_en, detail_zh, detail_en FROM candidate_project WHERE vote_id = ? ORDER BY number",
        [vote_id],
    )
    return {
        "vote_id": vote_id,
        "title_zh": title_zh,
        "title_en": title_en,
        "training": bool(training),
        "round_number": number,
        "kind": kind,
        "seats": seats,
        "participation": participation,
        "ballot_style": RuleSettings.from_dict(dict(raw.json_value(rules))).ballot_style.value,
        "projects": [
            {"number": c[0], "title_zh": c[1], "title_en": c[2], "detail_zh": c[3], "detail_en": c[4]}
            for c in candidates
            if c[0] in on_ballot
        ],
    }


def hall_view(session: Session, vote_id: int) -> dict[str, Any] | None:
    """The hall screen's view before publication; None once published (the caller adds the result)."""
    vote = raw.rows(session, "SELECT id, title_zh, title_en, training, state FROM vote WHERE id = ?", [vote_id])
    if not vote:
        raise NotFound("not_found", f"no vote {vote_id}", what="vote", id=str(vote_id))
    _, title_zh, title_en, training, state = vote[0]
    if state == VoteState.PUBLISHED:
        return None
    latest = raw.rows(
        session,
        "SELECT id, number, kind, state, audit_head_at_open, audit_head_at_close FROM round WHERE vote_id = ?"
        " ORDER BY number DESC LIMIT 1",
        [vote_id],
    )
    round_view: dict[str, Any] | None = None
    head: dict[str, Any] | None = None
    if latest:
        round_id, number, kind, round_state, at_open, at_close = latest[0]
        round_view = {"number": number, "kind": kind, "state": round_state}
        if round_state == RoundState.OPEN:
            head = hall_head("opened", number, at_open)
        elif round_state in (RoundState.CLOSED, RoundState.COUNTED):
            head = hall_head("closed", number, at_close)
        if round_state in (RoundState.OPEN, RoundState.CLOSED):
            counts = turnout_counts(session, round_id)
            round_view.update(ballots_issued=counts["ballots_issued"], ballots_returned=counts["ballots_returned"])
    return {
        "vote_id": vote_id,
        "title_zh": title_zh,
        "title_en": title_en,
        "training": bool(training),
        "state": state,
        "round": round_view,
        "selected": None,
        "vacant": None,
        "audit_head": head,
    }


def hall_head(moment: str, round_number: int | None, head: str | None) -> dict[str, Any] | None:
    """The audit head the hall screen shows: at the latest round's opening or close, then at publication.

    In the form read out (``short_head``) and whole, so that anyone in the hall
    can note it and later find it in the log (``voting audit verify --head``):
    a log cut short or rewritten before that moment no longer holds it.
    """
    if head is None:
        return None
    return {"moment": moment, "round_number": round_number, "hash": head, "read_out": short_head(head)}


def turnout_counts(session: Session, round_id: int) -> dict[str, Any]:
    """``voting.services.rounds.Turnout``'s fields: ballots issued against returned, never a partial tally."""
    found = raw.rows(
        session,
        "SELECT round.number, round.state, round.deputy_count, round.deputies_present, round.ballots_issued,"
        " vote.training FROM round JOIN vote ON vote.id = round.vote_id WHERE round.id = ?",
        [round_id],
    )
    if not found:
        raise NotFound("not_found", f"no round {round_id}", what="round", id=str(round_id))
    number, state, deputy_count, deputies_present, ballots_issued, training = found[0]
    counts = dict(
        raw.rows(session, "SELECT channel, count(*) FROM ballot WHERE round_id = ? GROUP BY channel", [round_id])
    )
    paper_issued = raw.rows(
        session, "SELECT count(*) FROM participation WHERE round_id = ? AND channel = ?", [round_id, "paper"]
    )[0][0]
    electronic = int(counts.get("electronic", 0))
    paper = int(counts.get("paper", 0))
    return {
        "round_number": number,
        "state": state,
        "deputy_count": deputy_count or 0,
        "deputies_present": deputies_present or 0,
        "ballots_issued": ballots_issued or 0,
        "ballots_returned": electronic + paper,
        "electronic": electronic,
        "paper_issued": int(paper_issued),
        "paper_entered": paper,
        "training": bool(training),
    }
