"""A database made before bodies becomes its first body (migration 0007), on SQLite and PostgreSQL.

Its meetings, staff accounts and audit log are the first body's; the chain is
unchanged and still verifies, the staff still log in, and nothing changes for a
user of the one body.  The data is written as the code of that time wrote it
(SQL against the 0006 schema), since today's models no longer fit it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import text

from tests.support.api import FIRST_BODY, PASSWORD, Api
from tests.support.databases import fresh_database
from voting.domain.audit_chain import GENESIS, canonical_json, entry_hash
from voting.store import migrate
from voting.store.db import Database
from voting.web import create_app

BEFORE = "0006_frozen"


def _chain(count: int) -> list[dict[str, Any]]:
    """``count`` entries of a valid chain, as the audit writer of that time made them."""
    entries: list[dict[str, Any]] = []
    for seq in range(1, count + 1):
        fields: dict[str, Any] = {
            "seq": seq,
            "at": dt.datetime(2020, 1, 18, 1, seq, tzinfo=dt.UTC).isoformat(timespec="microseconds"),
            "actor": "admin",
            "role": "admin",
            "action": "meeting.created" if seq == 1 else "deputy.checked_in",
            "vote_id": None,
            "details": {"meeting_id": 1} if seq == 1 else {"meeting_id": 1, "deputy": seq},
            "prev_hash": entries[-1]["hash"] if entries else GENESIS,
        }
        entries.append({**fields, "hash": entry_hash(fields)})
    return entries


@pytest.fixture
def before_bodies(db_kind: str, tmp_path: Path) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A database at 0006 with a meeting, an administrator and three audit entries; then upgraded to the newest."""
    with fresh_database(db_kind, None, tmp_path) as url:
        db = Database(url)
        migrate.upgrade(db, BEFORE)
        entries = _chain(3)
        with db.write() as session:
            session.execute(
                text("INSERT INTO meeting (name_zh, name_en, plenary_zh, date) VALUES ('拱墅区人大', '', '', :d)"),
                {"d": dt.date(2020, 1, 18)},
            )
            session.execute(
                text(
                    "INSERT INTO staff_user (name, role, password_hash, active, created_at) "
                    "VALUES ('admin', 'admin', :h, :a, :c)"
                ),
                {"h": PasswordHasher().hash(PASSWORD), "a": True, "c": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)},
            )
            for e in entries:
                session.execute(
                    text(
                        "INSERT INTO audit_entry (seq, at, actor, role, action, vote_id, details, prev_hash, hash) "
                        "VALUES (:seq, :at, :actor, :role, :action, :vote_id, :details, :prev_hash, :hash)"
                    ),
                    {**e, "details": canonical_json(e["details"])},
                )
        migrate.upgrade(db)
        db.dispose()
        yield url, entries


def test_the_data_becomes_the_first_body(before_bodies: tuple[str, list[dict[str, Any]]]) -> None:
    url, entries = before_bodies
    db = Database(url)
    try:
        assert migrate.is_current(db)
        with db.read() as session:
            bodies = session.execute(text("SELECT id, slug FROM body")).all()
            assert [tuple(b) for b in bodies] == [(FIRST_BODY, "default")]
            for table in ("meeting", "staff_user", "audit_entry"):
                owners = session.execute(text(f"SELECT DISTINCT body_id FROM {table}")).scalars().all()
                assert owners == [FIRST_BODY], table
            kept = session.execute(text("SELECT seq, hash FROM audit_entry ORDER BY seq")).all()
            assert [tuple(k) for k in kept] == [(e["seq"], e["hash"]) for e in entries]
    finally:
        db.dispose()


def test_nothing_changes_for_the_one_bodys_staff(
    before_bodies: tuple[str, list[dict[str, Any]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, entries = before_bodies
    monkeypatch.setenv("VOTING_INSTANCE_PATH", str(tmp_path / "instance"))
    app: Flask = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test"})
    try:
        client = app.test_client()
        login = client.post("/api/v1/auth/login", json={"name": "admin", "password": PASSWORD})
        assert login.status_code == 200, login.get_data(as_text=True)
        admin = Api(client, login.get_json()["token"])
        assert [m["name_zh"] for m in admin.get("/api/v1/meetings")] == ["拱墅区人大"]
        check = admin.get("/api/v1/audit/verify")
        assert (check["ok"], check["entries"]) == (True, len(entries))
        made = admin.post("/api/v1/meetings", {"name_zh": "第二次会议", "date": "2021-01-18"}, 201)
        log = admin.get("/api/v1/audit")
        assert [e["seq"] for e in log] == [1, 2, 3, 4]  # the chain goes on from where it was
        assert log[-1]["prev_hash"] == entries[-1]["hash"]
        assert json.loads(json.dumps(log[-1]["details"]))["meeting_id"] == made["id"]
    finally:
        app.extensions["voting.db"].dispose()
