"""The schema as the migrations make it: agrees with the models, and enforces what must not rest on code alone."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.support.api import FIRST_BODY
from voting.store import migrate, secrecy
from voting.store.db import Database
from voting.store.models import Ballot, Deputy, Meeting, Participation, Round, Vote


def test_migrations_match_the_models(db: Database) -> None:
    assert migrate.differences(db) == []
    assert migrate.is_current(db)


def test_a_database_without_migrations_is_not_current(tmp_path) -> None:  # type: ignore[no-untyped-def]
    empty = Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert not migrate.is_current(empty)
    assert migrate.differences(empty) != []
    empty.dispose()


def _round(db: Database) -> tuple[int, int]:
    with db.write() as session:
        meeting = Meeting(body_id=FIRST_BODY, name_zh="测试会议", date=dt.date(2020, 1, 18))
        session.add(meeting)
        session.flush()
        assert meeting.id is not None
        deputy = Deputy(meeting_id=meeting.id, number=1, name="王伟")
        vote = Vote(meeting_id=meeting.id, title_zh="测试票决", rules={"seats": 1})
        session.add_all([deputy, vote])
        session.flush()
        assert vote.id is not None
        assert deputy.id is not None
        round_ = Round(vote_id=vote.id, number=1, seats=1, projects=[1, 2])
        session.add(round_)
        session.flush()
        assert round_.id is not None
        return round_.id, deputy.id


def test_one_participation_per_deputy_per_round_is_a_database_constraint(db: Database) -> None:
    round_id, deputy_id = _round(db)
    with db.write() as session:
        session.add(Participation(round_id=round_id, deputy_id=deputy_id, channel="electronic"))
    with pytest.raises(IntegrityError), db.write() as session:
        session.add(Participation(round_id=round_id, deputy_id=deputy_id, channel="paper"))
    with db.read() as session:
        count = session.execute(text("SELECT count(*) FROM participation")).scalar_one()
    assert count == 1


def test_a_failed_write_leaves_nothing_half_written(db: Database) -> None:
    round_id, deputy_id = _round(db)
    with db.write() as session:
        session.add(Participation(round_id=round_id, deputy_id=deputy_id, channel="electronic"))
    with pytest.raises(IntegrityError), db.write() as session:
        session.add(Ballot(receipt="R-second", round_id=round_id, approvals="1", channel="electronic"))
        session.flush()
        session.add(Participation(round_id=round_id, deputy_id=deputy_id, channel="electronic"))
    with db.read() as session:
        assert session.execute(text("SELECT count(*) FROM ballot")).scalar_one() == 0


def test_ballot_and_participation_share_no_column_but_the_round(db: Database) -> None:
    ballot_columns = set(Ballot.__table__.columns.keys())  # type: ignore[attr-defined]
    participation_columns = set(Participation.__table__.columns.keys())  # type: ignore[attr-defined]
    assert ballot_columns & participation_columns == {"round_id", "channel"}
    assert not any(fk.column.table.name == "participation" for fk in Ballot.__table__.foreign_keys)  # type: ignore[attr-defined]


def test_sqlite_is_durable_and_waits_for_locks(db: Database, db_kind: str) -> None:
    if db_kind != "sqlite":
        with db.read() as session:
            assert session.execute(text("SHOW synchronous_commit")).scalar_one() == "on"
        return
    with db.read() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert session.execute(text("PRAGMA synchronous")).scalar_one() == 2  # FULL
        assert session.execute(text("PRAGMA busy_timeout")).scalar_one() >= 5000
        assert session.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    with db.read() as session:
        rowid_tables = (
            session.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                    " AND name IN ('ballot', 'participation') AND sql LIKE '%WITHOUT ROWID%'"
                )
            )
            .scalars()
            .all()
        )
    assert sorted(rowid_tables) == ["ballot", "participation"]


def test_an_open_rounds_staging_tables_keep_the_constraint_and_are_not_the_schemas(db: Database) -> None:
    """On PostgreSQL casts write into the round's staging tables (voting.store.secrecy): one ballot per deputy still."""
    round_id, deputy_id = _round(db)
    with db.write() as session:
        secrecy.open_staging(session, round_id)
    assert migrate.differences(db) == []
    with db.write() as session:
        secrecy.insert_cast_rows(session, round_id, [(round_id, deputy_id, "electronic")], [])
    with pytest.raises(IntegrityError), db.write() as session:
        secrecy.insert_cast_rows(session, round_id, [(round_id, deputy_id, "electronic")], [])
    with db.read() as session:
        assert session.execute(text("SELECT count(*) FROM participation")).scalar_one() == 1
