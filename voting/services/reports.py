"""Building the tally sheet from what is stored: the one source of every export."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from voting.domain import Channel, TallyResult
from voting.domain.audit_chain import GENESIS
from voting.domain.lifecycle import RoundState, VoteState
from voting.domain.rate import vote_rate
from voting.exports.sheet import ProjectLine, RoundSheet, TallySheet
from voting.services.publication import vote_result
from voting.services.records import get, get_vote, rules_of
from voting.services.rounds import rounds_of, stored_result
from voting.services.votes import candidates_of
from voting.store.models import AuditEntry, Ballot, Deputy, Meeting, Participation, Round, Scrutineer


def tally_sheet(session: Session, vote_id: int, *, time_zone: str) -> TallySheet:
    """The vote's tally sheet; ``time_zone`` is the sitting's (the ``TIME_ZONE`` setting), for the times it prints."""
    vote = get_vote(session, vote_id)
    meeting = get(session, Meeting, vote.meeting_id, what="meeting")
    rules = rules_of(vote)
    titles = {c.number: (c.title_zh, c.title_en) for c in candidates_of(session, vote_id)}
    counted = [r for r in rounds_of(session, vote_id) if r.state == RoundState.COUNTED]
    result = vote_result(session, vote)
    chief, members = _scrutineers(session, vote_id)
    body_chain = select(AuditEntry.hash).where(AuditEntry.body_id == meeting.body_id)
    head = session.exec(body_chain.order_by(col(AuditEntry.seq).desc()).limit(1)).first()
    return TallySheet(
        meeting_zh=meeting.name_zh,
        meeting_en=meeting.name_en,
        plenary_zh=meeting.plenary_zh,
        date=meeting.date,
        vote_id=vote_id,
        title_zh=vote.title_zh,
        title_en=vote.title_en,
        training=vote.training,
        official=vote.state == VoteState.PUBLISHED,
        published_at=vote.published_at,
        rules=rules,
        rounds=tuple(_round_sheet(session, r, stored_result(r), titles) for r in counted),
        selected=result.selected if result else (),
        vacant=result.vacant if result else 0,
        decided=bool(result and result.decided),
        result_digest=vote.result_digest,
        ballots_digest=vote.ballots_digest,
        audit_head_at_publication=vote.audit_head_at_publication,
        audit_head=head or GENESIS,
        chief_scrutineer=chief,
        scrutineers=members,
        titles=titles,
        time_zone=time_zone,
    )


def _scrutineers(session: Session, vote_id: int) -> tuple[str, tuple[str, ...]]:
    rows = session.exec(
        select(Deputy.name, Scrutineer.chief)
        .join(Scrutineer, col(Scrutineer.deputy_id) == col(Deputy.id))
        .where(Scrutineer.vote_id == vote_id)
        .order_by(col(Deputy.number))
    ).all()
    chief = next((name for name, is_chief in rows if is_chief), "")
    return chief, tuple(name for name, is_chief in rows if not is_chief)


def _round_sheet(
    session: Session, round_: Round, result: TallyResult, titles: dict[int, tuple[str, str]]
) -> RoundSheet:
    by_channel = dict(
        session.exec(
            select(Ballot.channel, func.count()).where(Ballot.round_id == round_.id).group_by(col(Ballot.channel))
        ).all()
    )
    paper_issued = session.exec(
        select(func.count())
        .select_from(Participation)
        .where(Participation.round_id == round_.id, Participation.channel == Channel.PAPER)
    ).one()
    present = round_.deputies_present or 0
    return RoundSheet(
        number=round_.number,
        kind=round_.kind,
        seats=round_.seats,
        deputy_count=round_.deputy_count or 0,
        deputies_present=present,
        ballots_issued=round_.ballots_issued or 0,
        ballots_returned=result.ballots.cast,
        valid=result.ballots.valid,
        invalid=result.ballots.invalid,
        electronic=by_channel.get(Channel.ELECTRONIC, 0),
        paper=by_channel.get(Channel.PAPER, 0),
        paper_issued=paper_issued,
        void=result.void,
        quorum=True,  # a round opens only with quorum (services.rounds.open_round)
        threshold=result.threshold,
        projects=tuple(
            ProjectLine(
                number=p.number,
                title_zh=titles.get(p.number, ("", ""))[0],
                title_en=titles.get(p.number, ("", ""))[1],
                approvals=p.approvals,
                opposes=p.opposes,
                abstains=p.abstains,
                no_choice=p.no_choice,
                status=p.status.value,
                rate=vote_rate(p.approvals, present),
            )
            for p in result.projects
        ),
        selected=result.ranked_selected,
        runoff_reason=result.runoff.reason.value if result.runoff else None,
        runoff_projects=result.runoff.projects if result.runoff else (),
        runoff_seats=result.runoff.seats if result.runoff else 0,
        vacant=result.vacant,
        closed_at=round_.closed_at,
        audit_head_at_close=round_.audit_head_at_close,
    )
