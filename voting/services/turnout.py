"""The hall's turnout: ballots issued against returned while a round runs, never a partial tally.

Every screen in the hall polls it every second or two during a sitting, so it
is read in plain SQL (``voting.store.raw``): a handful of counts, nothing of
what anyone chose.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from voting.domain import Channel
from voting.services.errors import NotFound
from voting.store import raw


@dataclass(frozen=True)
class Turnout:
    round_number: int
    state: str
    deputy_count: int
    deputies_present: int
    ballots_issued: int
    ballots_returned: int
    electronic: int
    paper_issued: int
    paper_entered: int
    training: bool
    """The round of a training vote (演练): the hall screen and the console say so."""


def turnout(session: Session, round_id: int) -> Turnout:
    """Ballots issued against returned, as the hall screen shows them: never a partial tally."""
    found = raw.rows(
        session,
        "SELECT round.number, round.state, round.deputy_count, round.deputies_present, round.ballots_issued,"
        " vote.training FROM round JOIN vote ON vote.id = round.vote_id WHERE round.id = ?",
        [round_id],
    )
    if not found:
        raise NotFound("not_found", what="round", id=str(round_id))
    number, state, deputy_count, deputies_present, ballots_issued, training = found[0]
    counts = dict(
        raw.rows(session, "SELECT channel, count(*) FROM ballot WHERE round_id = ? GROUP BY channel", [round_id])
    )
    paper_issued = raw.rows(
        session,
        "SELECT count(*) FROM participation WHERE round_id = ? AND channel = ?",
        [round_id, Channel.PAPER.value],
    )[0][0]
    electronic = int(counts.get(Channel.ELECTRONIC, 0))
    paper = int(counts.get(Channel.PAPER, 0))
    return Turnout(
        round_number=number,
        state=state,
        deputy_count=deputy_count or 0,
        deputies_present=deputies_present or 0,
        ballots_issued=ballots_issued or 0,
        ballots_returned=electronic + paper,
        electronic=electronic,
        paper_issued=int(paper_issued),
        paper_entered=paper,
        training=bool(training),
    )
