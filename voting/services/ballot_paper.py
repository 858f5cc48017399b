"""The deputy's ballot paper: the ballot of the round now open, for the code the deputy enters.

During a surge every deputy opens the ballot within seconds, so it is read in
a few plain SQL statements (``voting.store.raw``) rather than through the ORM,
answering exactly what the ORM did.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from voting.domain import RuleSettings
from voting.domain.lifecycle import RoundState
from voting.services.errors import Conflict, NotAuthenticated, NotFound
from voting.services.votes import code_hash
from voting.store import raw


def ballot_paper(session: Session, secret: str, code: str) -> dict[str, Any]:
    """The ballot of the round now open, for the deputy holding this code (``POST /api/v1/ballot``).

    ``participation`` says whether the deputy already takes part in this round: ``"electronic"`` when
    this code has voted in it, ``"paper"`` when a paper ballot was issued to them, else None; so the
    page says so as soon as the code is entered, not after the deputy has filled a ballot in.  It is
    read in the same statement as the round (no extra query for the deputy); who voted is not secret
    (DESIGN section 4), and nothing of what they chose is read.
    """
    holder = raw.rows(
        session, "SELECT vote_id, deputy_id, revoked FROM voting_code WHERE code_hash = ?", [code_hash(secret, code)]
    )
    if not holder or holder[0][2]:
        raise NotAuthenticated("invalid_code", field="code")
    vote_id, deputy_id = holder[0][0], holder[0][1]
    vote = raw.rows(session, "SELECT id, title_zh, title_en, training, rules FROM vote WHERE id = ?", [vote_id])
    if not vote:
        raise NotFound("not_found", what="vote", id=str(vote_id))
    _, title_zh, title_en, training, rules = vote[0]
    open_round = raw.rows(
        session,
        "SELECT number, kind, seats, projects,"
        " (SELECT channel FROM participation WHERE participation.round_id = round.id AND deputy_id = ?)"
        " FROM round WHERE vote_id = ? AND state = ?",
        [deputy_id, vote_id, RoundState.OPEN.value],
    )
    if not open_round:
        raise Conflict("round_not_open")
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
