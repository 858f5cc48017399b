"""The Gongshu 2020 demo: the real meeting and its 12 candidates, with a generated roster.

The candidates come from the 2020 Gongshu government work report (shipped as
``voting/data/gongshu-2020-candidates.json``); the 250 deputies are made up,
by a seeded generator, so that every demo database has the same roster.

The demo also makes the staff accounts a newcomer needs to get into the console
(``demo_staff``): two clerks, since paper ballots are entered twice by two
different clerks, and a scrutineer, each with a random password that is shown
once and never reset by running the demo again.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from sqlmodel import Session, func, select

from voting.domain.audit_events import MeetingCreated, VoteCreated
from voting.domain.rules import GONGSHU_2020
from voting.services import audit, auth, bodies
from voting.store.db import Database
from voting.store.models import CandidateProject, Deputy, Meeting, StaffUser, Vote

ROSTER_SIZE = 250
ROSTER_SEED = 2020
DELEGATIONS = (
    "米市巷街道",
    "湖墅街道",
    "小河街道",
    "和睦街道",
    "拱宸桥街道",
    "大关街道",
    "上塘街道",
    "祥符街道",
    "康桥街道",
    "半山街道",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文斌海燕晓东宁晨浩雪琳佳欣怡俊"
DEMO_STAFF = (("clerk-1", "clerk"), ("clerk-2", "clerk"), ("scrutineer-1", "scrutineer"))
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105  (an alphabet, not a password)
"""Lower-case letters and digits without the look-alikes (i, l, o, 0, 1), for a password copied by hand."""


def gongshu_2020() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(files("voting").joinpath("data/gongshu-2020-candidates.json").read_text("utf-8"))
    return data


def demo_roster(size: int = ROSTER_SIZE, seed: int = ROSTER_SEED) -> list[tuple[int, str, str]]:
    """(number, name, delegation) for ``size`` made-up deputies with distinct names."""
    rng = random.Random(seed)  # noqa: S311  (a reproducible made-up roster, not a secret)
    names: set[str] = set()
    roster = []
    for number in range(1, size + 1):
        while True:
            name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
            if name not in names:
                break
        names.add(name)
        roster.append((number, name, DELEGATIONS[(number - 1) * len(DELEGATIONS) // size]))
    return roster


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    meeting_id: int
    vote_id: int
    deputies: int
    candidates: int
    seats: int


def load_demo(db: Database, *, actor: str = "voting demo") -> DemoSummary:
    """Create the demo meeting and vote unless they exist; either way, say what is there."""
    data = gongshu_2020()
    with db.write() as session:
        meeting = session.exec(select(Meeting).where(Meeting.name_zh == data["meeting"]["name_zh"])).first()
        created = meeting is None
        if meeting is None:
            meeting = _create(session, data, actor)
        assert meeting.id is not None
        vote = session.exec(select(Vote).where(Vote.meeting_id == meeting.id)).one()
        assert vote.id is not None
        deputies = session.exec(select(func.count()).select_from(Deputy).where(Deputy.meeting_id == meeting.id)).one()
        candidates = session.exec(
            select(func.count()).select_from(CandidateProject).where(CandidateProject.vote_id == vote.id)
        ).one()
        return DemoSummary(created, meeting.id, vote.id, deputies, candidates, int(vote.rules["seats"]))


def _create(session: Session, data: dict[str, Any], actor: str) -> Meeting:
    info = data["meeting"]
    body = bodies.default_body(session)
    assert body.id is not None
    meeting = Meeting(
        body_id=body.id,
        name_zh=info["name_zh"],
        name_en=info["name_en"],
        plenary_zh=info["plenary_zh"],
        date=dt.date.fromisoformat(info["date"]),
    )
    session.add(meeting)
    session.flush()
    assert meeting.id is not None
    for number, name, delegation in demo_roster():
        session.add(Deputy(meeting_id=meeting.id, number=number, name=name, delegation=delegation))
    rules = GONGSHU_2020
    rules.check_candidates(len(data["candidates"]))
    vote = Vote(
        meeting_id=meeting.id,
        title_zh=data["poll"]["title_zh"],
        title_en=data["poll"]["title_en"],
        rules=rules.to_dict(),
    )
    session.add(vote)
    session.flush()
    assert vote.id is not None
    for c in data["candidates"]:
        session.add(
            CandidateProject(
                vote_id=vote.id,
                number=c["number"],
                title_zh=c["title_zh"],
                title_en=c.get("title_en", ""),
                detail_zh=c.get("detail_zh", ""),
                detail_en=c.get("detail_en", ""),
            )
        )
    by = auth.Actor(actor, "admin", meeting.body_id)
    audit.record(
        session, MeetingCreated(meeting_id=meeting.id, name_zh=meeting.name_zh, deputies=ROSTER_SIZE), actor=by
    )
    audit.record(
        session,
        VoteCreated(title_zh=vote.title_zh, candidates=len(data["candidates"]), rules=rules.to_dict()),
        actor=by,
        vote_id=vote.id,
    )
    return meeting


def new_password() -> str:
    """A random password of four groups of four (``k7dm-…``): about 79 bits, 19 characters, easy to copy."""
    groups = ("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


@dataclass(frozen=True)
class StaffAccounts:
    made: tuple[tuple[str, str, str], ...]
    """(name, role, password) of each account made now: the only time its password is seen."""
    existing: tuple[tuple[str, str], ...]
    """(name, role) of each demo account that was already there, left as it was."""


def demo_staff(db: Database, *, actor: str = "voting demo") -> StaffAccounts:
    """Make the demo's staff accounts that do not exist yet; never touch one that does."""
    made, existing = [], []
    with db.write() as session:
        body_id = bodies.default_body(session).id
        for name, role in DEMO_STAFF:
            user = session.exec(select(StaffUser).where(StaffUser.body_id == body_id, StaffUser.name == name)).first()
            if user is not None:
                existing.append((name, user.role))
                continue
            password = new_password()
            auth.add_user(session, name, role, password, by=auth.Actor(actor, "admin", body_id))
            made.append((name, role, password))
    return StaffAccounts(tuple(made), tuple(existing))
