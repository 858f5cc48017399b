"""Benchmark: the result of a vote of 1,000,000 ballots, computed from the database (DESIGN section 6).

Run as ``.venv/bin/python loadtests/bench_count.py [--ballots 1000000] [--seed 2020]`` (SQLite in a
temporary file), or through ``scripts/with-postgres.sh ... --db postgres``.

A simulated citizens' consultation: the Gongshu 2020 demo vote (12 projects,
10 seats) with one closed round of a million voters, its ballots bulk-inserted
(``executemany`` on SQLite, ``COPY`` on PostgreSQL) with a per-project
popularity, about 1% blank and 0.5% invalid.  Then, timed:

- the count's core, ``rounds.ballot_counts`` (one ``GROUP BY`` in the
  database) and ``tally_counts``: the figure held against the target, under 2 s;
- the whole count transaction (``rounds._count``: lock, count, keep the
  result, audit entries, commit);
- the close's secrecy step on SQLite (``secrecy.compact_sqlite``: ``VACUUM``), apart;
- the vote's result as the API serves it (``publication.vote_result``);
- for comparison, the count as it was before: every ballot loaded through the
  ORM and tallied one by one (``--skip-orm`` leaves it out).

The result of the SQL count is checked against the ORM one.  A benchmark, not
a test: it prints figures and PASS or MISS, and exits non-zero only when the
two counts disagree.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text
from sqlmodel import select

from voting.domain import TallyResult, tally, tally_counts
from voting.services import bodies, publication, rounds
from voting.services.auth import Actor
from voting.services.demo import load_demo
from voting.services.records import get_vote, marks_of, rules_of
from voting.store import migrate, secrecy
from voting.store.db import Database
from voting.store.models import Ballot, Round, Vote

TARGET_S = 2.0


def ballots(count: int, seed: int) -> list[tuple[str, int, str, str, str, str]]:
    rng = random.Random(seed)
    popularity = [0.93, 0.9, 0.88, 0.85, 0.8, 0.78, 0.75, 0.7, 0.66, 0.6, 0.45, 0.3]
    rows: list[tuple[str, int, str, str, str, str]] = []
    seen: set[str] = set()
    while len(rows) < count:
        receipt = base64.b32encode(rng.randbytes(10)).decode("ascii")
        if receipt in seen:
            continue
        seen.add(receipt)
        roll = rng.random()
        if roll < 0.01:
            chosen: list[int] = []
        elif roll < 0.015:
            chosen = rng.sample(range(1, 13), 11)
        else:
            chosen = [n for n, p in enumerate(popularity, 1) if rng.random() < p][:10]
        rows.append((receipt, 0, " ".join(map(str, sorted(chosen))), "", "", "electronic"))
    return rows


def fill(db: Database, count: int, seed: int) -> int:
    """The demo vote with one closed round of ``count`` ballots; the round's id."""
    summary = load_demo(db)
    with db.write() as session:
        vote = session.get(Vote, summary.vote_id)
        assert vote is not None
        vote.state = "voting"
        vote.rules_digest = rules_of(vote).digest()
        session.add(vote)
        round_ = Round(
            vote_id=summary.vote_id,
            number=1,
            kind="first",
            state="closed",
            seats=10,
            projects=list(range(1, 13)),
            deputy_count=count,
            deputies_present=count,
            ballots_issued=count,
            opened_at=dt.datetime.now(dt.UTC),
            closed_at=dt.datetime.now(dt.UTC),
        )
        session.add(round_)
        session.flush()
        assert round_.id is not None
        round_id = round_.id
    # In key order: the B-tree fills page after page instead of splitting pages all over.
    rows = sorted((r[0], round_id, *r[2:]) for r in ballots(count, seed))
    raw_connection = db.engine.raw_connection()
    try:
        connection = raw_connection.driver_connection
        assert connection is not None
        if db.is_sqlite:
            connection.execute("PRAGMA synchronous=OFF")  # the fill only: a lost fill is simply made again
            connection.execute("BEGIN")
            connection.executemany(
                "INSERT INTO ballot (receipt, round_id, approvals, opposes, abstains, channel) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            connection.execute("COMMIT")
        else:
            with (
                connection.cursor() as cursor,
                cursor.copy(
                    "COPY ballot (receipt, round_id, approvals, opposes, abstains, channel) FROM STDIN"
                ) as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            connection.commit()
    finally:
        raw_connection.close()
    return round_id


def timed(label: str, work: object) -> tuple[float, object]:
    assert callable(work)
    started = time.perf_counter()
    value = work()
    elapsed = time.perf_counter() - started
    print(f"  {label:58} {elapsed:7.3f} s")
    return elapsed, value


def main() -> int:
    parser = argparse.ArgumentParser(prog="loadtests/bench_count.py")
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--skip-orm", action="store_true", help="leave out the old ORM count (slow)")
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="voting-bench-count-"))
    created: str | None = None
    if args.db == "postgres":
        server = os.environ.get("VOTING_TEST_POSTGRES_URL")
        if not server:
            sys.exit("--db postgres needs VOTING_TEST_POSTGRES_URL (run it through scripts/with-postgres.sh)")
        created = f"bench_count_{os.getpid()}"
        admin = Database(server).engine.execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{created}"'))
        url = server.replace("/postgres?", f"/{created}?", 1)
    else:
        url = f"sqlite:///{directory / 'count.sqlite3'}"
    print(
        f"bench_count: {args.ballots:,} ballots on {args.db}; {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, load {os.getloadavg()[0]:.2f}, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )
    db = Database(url)
    try:
        migrate.upgrade(db)
        _, round_id_value = timed("fill: bulk insert of the ballots", lambda: fill(db, args.ballots, args.seed))
        round_id = int(str(round_id_value))
        with db.read() as session:
            actor = Actor("bench", "clerk", bodies.default_body(session).id)

        def core() -> object:
            with db.read() as session:
                round_ = session.get(Round, round_id)
                assert round_ is not None
                vote = get_vote(session, round_.vote_id)
                counts = rounds.ballot_counts(session, round_id)
                return tally_counts(rules_of(vote), rounds.spec_of(round_), counts)

        core_s, sql_result = timed("count core: GROUP BY in the database + tally_counts", core)
        orm_result = None
        if not args.skip_orm:

            def orm() -> object:
                with db.read() as session:
                    round_ = session.get(Round, round_id)
                    assert round_ is not None
                    vote = get_vote(session, round_.vote_id)
                    loaded = session.exec(select(Ballot).where(Ballot.round_id == round_id)).all()
                    return tally(rules_of(vote), rounds.spec_of(round_), (marks_of(b) for b in loaded))

            _, orm_result = timed("before: every ballot through the ORM + tally", orm)

        def count() -> object:
            with db.write() as session:
                return rounds._count(session, round_id, actor)

        _, counted = timed("count transaction (rounds._count, committed)", count)
        if db.is_sqlite:
            timed(
                "the close's secrecy step (secrecy.compact_sqlite: VACUUM)",
                lambda: secrecy.compact_sqlite(db, vacuum=True),
            )

        def result() -> object:
            with db.read() as session:
                vote = session.get(Vote, session.get(Round, round_id).vote_id)  # type: ignore[union-attr]
                assert vote is not None
                return publication.vote_result(session, vote)

        timed("the vote's result from the database (publication.vote_result)", result)
        print(f"  count core under {TARGET_S:g} s: {'PASS' if core_s < TARGET_S else 'MISS'}")
        assert isinstance(counted, TallyResult)
        assert counted == sql_result
        if orm_result is not None and orm_result != sql_result:
            print("bench_count: the SQL count and the ORM count disagree", file=sys.stderr)
            return 1
        print(
            f"  selected {list(counted.selected)}, cast {counted.ballots.cast:,}, invalid {counted.ballots.invalid:,}"
        )
        return 0
    finally:
        db.dispose()
        shutil.rmtree(directory, ignore_errors=True)
        if created is not None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)'))


if __name__ == "__main__":
    sys.exit(main())
