"""The audit log is tamper-evident (DESIGN section 4): after a short real vote, its rows are changed,
removed, inserted and reordered straight in the database with SQL, as a database administrator could,
and both verifiers (GET /api/v1/audit/verify and ``voting audit verify``) name the first bad entry.
The exported JSON Lines file is checked the same way, with no database at all."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text

from tests.support.api import FIRST_BODY, Api, set_up
from tests.support.cli import voting
from voting.domain.audit_chain import GENESIS, canonical_json, entry_hash
from voting.store.db import Database

pytestmark = pytest.mark.slow  # each test publishes a vote (its forms rendered), some run the voting command

BROKEN = re.compile(r"audit log broken at entry (\d+): .*\((\d+) entries verified before it\)")
FIELDS = ("seq", "at", "actor", "role", "action", "vote_id", "details", "prev_hash", "hash")


@dataclass(frozen=True)
class Published:
    vote_id: int
    head: str
    """The vote's ``audit_head_at_publication``, as GET /api/v1/votes/{id} shows it."""
    entries: list[dict[str, Any]]
    """The log as GET /api/v1/audit lists it, right after publication."""

    def seq_of(self, action: str) -> int:
        seq: int = next(e["seq"] for e in self.entries if e["action"] == action)
        return seq


def short_vote(clerk: Api, deputy: Api) -> Published:
    """Five deputies, three projects, two seats: one round opened, cast, closed, counted and published."""
    vote = {
        "title_zh": "审计测试",
        "rules": {"seats": 2},
        "candidates": [{"number": n, "title_zh": f"项目{n}"} for n in (1, 2, 3)],
    }
    sitting = set_up(clerk, size=5, template=False, vote=vote)
    sitting.check_in(range(1, 6))
    sitting.issue_codes(range(1, 6))
    round_ = sitting.open_round()
    for number, approvals in zip(range(1, 6), [{1, 2}, {1, 2}, {1, 2}, {1}, {3}], strict=True):
        sitting.cast(deputy, number, approvals)
    result = sitting.close_and_count(round_["id"])["result"]
    assert result["selected"] == [1, 2]
    published = clerk.post(f"/api/v1/votes/{sitting.vote_id}/publish")
    head = clerk.get(f"/api/v1/votes/{sitting.vote_id}")["audit_head_at_publication"]
    assert head == published["audit_head_at_publication"]
    entries = clerk.get("/api/v1/audit")
    assert entries[-1]["action"] == "vote.published"
    assert entries[-1]["hash"] == head
    return Published(sitting.vote_id, head, entries)


def cli_first_bad(env: dict[str, str], *args: str) -> tuple[int, int]:
    """Run ``voting audit verify`` expecting a broken chain: (first bad entry, entries verified before it)."""
    done = voting("audit", "verify", *args, env=env)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert done.stdout == ""
    found = BROKEN.search(done.stderr)
    assert found, done.stderr
    return int(found.group(1)), int(found.group(2))


def cli_ok_head(env: dict[str, str], *args: str) -> tuple[int, str]:
    """Run ``voting audit verify`` expecting a whole chain: (entries, head)."""
    done = voting("audit", "verify", *args, env=env)
    assert done.returncode == 0, done.stderr
    found = re.fullmatch(r"audit log OK: (\d+) entries, head ([0-9a-f]{64})\n", done.stdout)
    assert found, done.stdout
    return int(found.group(1)), found.group(2)


def assert_broken_at(scrutineer: Api, cli_env: dict[str, str], seq: int) -> None:
    """Both verifiers of the stored log name entry ``seq`` as the first bad one."""
    check = scrutineer.get("/api/v1/audit/verify")
    assert check["ok"] is False, check
    assert check["first_bad"] == seq, check
    assert check["entries"] == seq - 1, check
    assert cli_first_bad(cli_env) == (seq, seq - 1)


# --- tampering with the stored log, in SQL ---------------------------------------------------------


def _rows(conn: Connection) -> list[dict[str, Any]]:
    result = conn.execute(text("SELECT * FROM audit_entry ORDER BY seq"))
    return [dict(row._mapping) for row in result]


def _insert(conn: Connection, row: dict[str, Any]) -> None:
    """A forged row, into the one body's chain that these tests tamper with (its log is the first body's)."""
    names = ", ".join(("body_id", *FIELDS))
    values = ", ".join(f":{name}" for name in ("body_id", *FIELDS))
    given = {"body_id": row.get("body_id", FIRST_BODY), **{k: row[k] for k in FIELDS}}
    conn.execute(text(f"INSERT INTO audit_entry ({names}) VALUES ({values})"), given)


def _shift(conn: Connection, from_seq: int, by: int) -> None:
    """Renumber every entry from ``from_seq`` on by ``by``, in two steps so that no key clashes midway."""
    conn.execute(text("UPDATE audit_entry SET seq = -(seq + :by) WHERE seq >= :k"), {"by": by, "k": from_seq})
    conn.execute(text("UPDATE audit_entry SET seq = -seq WHERE seq < 0"))


def _hashed(row: dict[str, Any]) -> str:
    """The hash the system would give this row (details as the JSON value the chain hashes)."""
    return entry_hash({**row, "details": json.loads(row["details"])})


def _forged(seq: int, prev_hash: str, vote_id: int) -> dict[str, Any]:
    row = {
        "seq": seq,
        "at": "2020-01-18T09:30:00.000000+00:00",
        "actor": "clerk-li",
        "role": "clerk",
        "action": "code.issued",
        "vote_id": vote_id,
        "details": canonical_json({"deputy": 99}),
        "prev_hash": prev_hash,
    }
    row["hash"] = _hashed(row)
    return row


Tamper = Callable[[Connection, Published], int]
"""Changes the stored log; returns the sequence number the verifiers must name."""


def change_details(conn: Connection, vote: Published) -> int:
    """The count's result, rewritten to give project 3 more approvals."""
    seq = vote.seq_of("round.counted")
    (details,) = conn.execute(text("SELECT details FROM audit_entry WHERE seq = :s"), {"s": seq}).one()
    value = json.loads(details)
    for project in value["result"]["projects"]:
        if project["number"] == 3:
            project["approvals"] += 3
    conn.execute(text("UPDATE audit_entry SET details = :d WHERE seq = :s"), {"d": canonical_json(value), "s": seq})
    return seq


def change_actor(conn: Connection, vote: Published) -> int:
    seq = vote.seq_of("round.opened")
    conn.execute(text("UPDATE audit_entry SET actor = 'clerk-wang' WHERE seq = :s"), {"s": seq})
    return seq


def change_the_first_entry(conn: Connection, vote: Published) -> int:
    conn.execute(text("UPDATE audit_entry SET at = '2019-12-31T23:59:59.000000+00:00' WHERE seq = 1"))
    return 1


def change_the_last_entry(conn: Connection, vote: Published) -> int:
    seq = vote.seq_of("vote.published")
    conn.execute(text("UPDATE audit_entry SET role = 'admin' WHERE seq = :s"), {"s": seq})
    return seq


def change_and_rehash(conn: Connection, vote: Published) -> int:
    """The attacker also recomputes the changed entry's own hash: the chain breaks at the next entry."""
    seq = vote.seq_of("round.closed")
    row = next(r for r in _rows(conn) if r["seq"] == seq)
    row["details"] = canonical_json({**json.loads(row["details"]), "ballots_returned": 4})
    conn.execute(
        text("UPDATE audit_entry SET details = :d, hash = :h WHERE seq = :s"),
        {"d": row["details"], "h": _hashed(row), "s": seq},
    )
    return seq + 1


def delete_one(conn: Connection, vote: Published) -> int:
    seq = vote.seq_of("round.closed")
    conn.execute(text("DELETE FROM audit_entry WHERE seq = :s"), {"s": seq})
    return seq


def delete_and_renumber(conn: Connection, vote: Published) -> int:
    """The gap closed by renumbering the later entries, as an attacker would."""
    seq = vote.seq_of("code.issued")
    conn.execute(text("DELETE FROM audit_entry WHERE seq = :s"), {"s": seq})
    _shift(conn, seq + 1, -1)
    return seq


def insert_forged(conn: Connection, vote: Published) -> int:
    """A well-made forgery: chained to the entry before it and hashed as the system would; the later
    entries renumbered.  The forgery itself checks out; the chain breaks at the entry it displaced."""
    seq = vote.seq_of("round.opened")
    before = next(r for r in _rows(conn) if r["seq"] == seq - 1)
    _shift(conn, seq, 1)
    _insert(conn, _forged(seq, before["hash"], vote.vote_id))
    return seq + 1


def insert_forged_badly(conn: Connection, vote: Published) -> int:
    """A forgery that does not chain to the entry before it (the later entries renumbered)."""
    seq = vote.seq_of("round.opened")
    _shift(conn, seq, 1)
    _insert(conn, _forged(seq, GENESIS, vote.vote_id))
    return seq


def swap_contents(conn: Connection, vote: Published) -> int:
    """Two entries exchange everything but their sequence numbers."""
    first, second = vote.seq_of("round.opened"), vote.seq_of("round.closed")
    rows = {r["seq"]: r for r in _rows(conn)}
    assignments = ", ".join(f"{name} = :{name}" for name in FIELDS if name != "seq")
    conn.execute(text("UPDATE audit_entry SET hash = 'swapping' WHERE seq = :s"), {"s": first})
    for target, source in ((second, first), (first, second)):
        values = {name: rows[source][name] for name in FIELDS if name != "seq"}
        conn.execute(text(f"UPDATE audit_entry SET {assignments} WHERE seq = :target"), {**values, "target": target})
    return first


def swap_seq(conn: Connection, vote: Published) -> int:
    """Two adjacent entries exchange their sequence numbers (so their order)."""
    seq = vote.seq_of("round.closed")
    conn.execute(text("UPDATE audit_entry SET seq = -1 WHERE seq = :s"), {"s": seq})
    conn.execute(text("UPDATE audit_entry SET seq = :s WHERE seq = :n"), {"s": seq, "n": seq + 1})
    conn.execute(text("UPDATE audit_entry SET seq = :n WHERE seq = -1"), {"n": seq + 1})
    return seq


TAMPERS: list[Tamper] = [
    change_details,
    change_actor,
    change_the_first_entry,
    change_the_last_entry,
    change_and_rehash,
    delete_one,
    delete_and_renumber,
    insert_forged,
    insert_forged_badly,
    swap_contents,
    swap_seq,
]


def test_an_untampered_log_verifies(clerk: Api, deputy: Api, scrutineer: Api, cli_env: dict[str, str]) -> None:
    vote = short_vote(clerk, deputy)
    check = scrutineer.get("/api/v1/audit/verify")
    assert check == {"ok": True, "entries": len(vote.entries), "head": vote.head, "first_bad": None, "reason": ""}
    assert cli_ok_head(cli_env) == (len(vote.entries), vote.head)
    assert [e["seq"] for e in vote.entries] == list(range(1, len(vote.entries) + 1))
    for path in ("/api/v1/audit/verify", "/api/v1/audit/export", "/api/v1/audit"):
        assert deputy.get(path, status=401)["code"] == "not_authenticated"


@pytest.mark.parametrize("tamper", TAMPERS, ids=lambda t: t.__name__)
def test_tampering_in_the_database_is_named(
    clerk: Api, deputy: Api, scrutineer: Api, db: Database, cli_env: dict[str, str], tamper: Tamper
) -> None:
    vote = short_vote(clerk, deputy)
    assert scrutineer.get("/api/v1/audit/verify")["ok"] is True
    with db.engine.begin() as conn:
        expected = tamper(conn, vote)
    assert 1 <= expected <= len(vote.entries)
    assert_broken_at(scrutineer, cli_env, expected)


def test_a_fully_rechained_forgery_is_caught_by_the_published_head(
    clerk: Api, deputy: Api, scrutineer: Api, db: Database, cli_env: dict[str, str]
) -> None:
    """An attacker who recomputes every later hash leaves a chain that checks out on its own: what gives
    them away is the head fixed at publication, which no longer appears in the log, and verification says so."""
    vote = short_vote(clerk, deputy)
    seq = vote.seq_of("round.opened")
    with db.engine.begin() as conn:
        rows = _rows(conn)
        conn.execute(text("DELETE FROM audit_entry WHERE seq >= :s"), {"s": seq})
        previous = rows[seq - 2]["hash"]
        forged = _forged(seq, previous, vote.vote_id)
        _insert(conn, forged)
        previous = forged["hash"]
        for row in rows[seq - 1 :]:
            row = {**row, "seq": row["seq"] + 1, "prev_hash": previous}
            row["hash"] = _hashed(row)
            _insert(conn, row)
            previous = row["hash"]
    check = scrutineer.get("/api/v1/audit/verify")
    assert check["ok"] is False
    assert check["first_bad"] is None
    assert check["entries"] == len(vote.entries) + 1  # a whole chain ...
    assert "recorded when round 1 of vote" in check["reason"]  # ... that lost the head fixed at the close
    assert_cli_not_whole(cli_env)
    shown = clerk.get(f"/api/v1/votes/{vote.vote_id}")["audit_head_at_publication"]
    assert shown == vote.head
    assert check["head"] != shown
    assert shown not in {e["hash"] for e in scrutineer.get("/api/v1/audit")}


def test_a_truncated_log_no_longer_reaches_the_published_head(
    clerk: Api, deputy: Api, scrutineer: Api, db: Database, cli_env: dict[str, str]
) -> None:
    vote = short_vote(clerk, deputy)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE seq > :s"), {"s": len(vote.entries) - 2})
    check = scrutineer.get("/api/v1/audit/verify")
    assert check["ok"] is False
    assert check["entries"] == len(vote.entries) - 2  # what is left is a whole chain ...
    assert check["head"] == vote.entries[-3]["hash"]
    assert "published" in check["reason"]  # ... without the head fixed at publication
    assert_cli_not_whole(cli_env)
    shown = clerk.get(f"/api/v1/votes/{vote.vote_id}")["audit_head_at_publication"]
    assert shown == vote.head
    assert check["head"] != shown
    assert shown not in {e["hash"] for e in scrutineer.get("/api/v1/audit")}


def assert_cli_not_whole(cli_env: dict[str, str]) -> None:
    result = voting("audit", "verify", env=cli_env)
    assert result.returncode == 1
    assert "audit log not whole" in result.stderr
    assert "recorded when" in result.stderr


# --- the exported file -----------------------------------------------------------------------------


def test_the_exported_file_verifies_and_every_alteration_is_named(
    clerk: Api, deputy: Api, scrutineer: Api, cli_env: dict[str, str], tmp_path: Path
) -> None:
    vote = short_vote(clerk, deputy)
    exported = tmp_path / "audit.jsonl"
    done = voting("audit", "export", "-o", str(exported), env=cli_env)
    assert done.returncode == 0, done.stderr
    assert f"exported {len(vote.entries)} audit entries" in done.stderr
    assert exported.read_text("utf-8") == scrutineer.get("/api/v1/audit/export")
    lines = exported.read_text("utf-8").splitlines(keepends=True)
    assert [json.loads(line) for line in lines] == vote.entries
    assert cli_ok_head(cli_env, "--file", str(exported)) == (len(vote.entries), vote.head)

    def broken(altered: list[str], name: str) -> tuple[int, int]:
        path = tmp_path / name
        path.write_text("".join(altered), encoding="utf-8")
        return cli_first_bad(cli_env, "--file", str(path))

    counted = vote.seq_of("round.counted")
    entry = json.loads(lines[counted - 1])
    entry["details"]["result"]["selected"] = [1, 3]
    changed = [*lines[: counted - 1], canonical_json(entry) + "\n", *lines[counted:]]
    assert broken(changed, "changed.jsonl") == (counted, counted - 1)

    opened = vote.seq_of("round.opened")
    entry = json.loads(lines[opened - 1])
    entry["actor"] = "clerk-wang"
    assert broken([*lines[: opened - 1], canonical_json(entry) + "\n", *lines[opened:]], "actor.jsonl") == (
        opened,
        opened - 1,
    )

    closed = vote.seq_of("round.closed")
    assert broken([*lines[: closed - 1], *lines[closed:]], "dropped.jsonl") == (closed, closed - 1)

    swapped = list(lines)
    swapped[opened - 1], swapped[closed - 1] = swapped[closed - 1], swapped[opened - 1]
    assert broken(swapped, "swapped.jsonl") == (opened, opened - 1)

    # A forged line slipped in without renumbering: well chained and hashed, it passes as entry `opened`,
    # and the genuine entry after it, which repeats that sequence number, is named.
    forged = _forged(opened, json.loads(lines[opened - 2])["hash"], vote.vote_id)
    forged_line = canonical_json({**forged, "details": json.loads(forged["details"])}) + "\n"
    inserted = [*lines[: opened - 1], forged_line, *lines[opened - 1 :]]
    assert broken(inserted, "inserted.jsonl") == (opened + 1, opened)

    # A truncated file is a whole chain, but its head is not the one fixed at publication.
    truncated = tmp_path / "truncated.jsonl"
    truncated.write_text("".join(lines[:-2]), encoding="utf-8")
    count, head = cli_ok_head(cli_env, "--file", str(truncated))
    assert count == len(vote.entries) - 2
    assert head != clerk.get(f"/api/v1/votes/{vote.vote_id}")["audit_head_at_publication"]


def test_audit_verify_looks_for_the_heads_heard_in_the_stored_log(
    clerk: Api, deputy: Api, cli_env: dict[str, str]
) -> None:
    """``voting audit verify --head H`` (repeatable): each head read out or shown in the hall must be in the log."""
    vote = short_vote(clerk, deputy)
    heard = " ".join(vote.head[i : i + 4] for i in range(0, 16, 4))
    opened = next(e["hash"] for e in vote.entries if e["action"] == "round.opened")
    assert cli_ok_head(cli_env, "--head", heard, "--head", opened.upper()) == (len(vote.entries), vote.head)
    never = "fedc ba98 7654 3210"
    done = voting("audit", "verify", "--head", heard, "--head", never, env=cli_env)
    assert done.returncode == 1
    assert f"audit log does not hold the head {never}: it was cut short or rewritten" in done.stderr
