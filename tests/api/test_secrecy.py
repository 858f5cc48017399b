"""Secrecy (DESIGN section 4): with the whole database and the logs after a vote, nobody can tell
which ballot is whose better than chance.

The attacker here knows more than any real one: the exact order in which the
deputies cast (as if they had watched the hall), every table and column, the
database files byte by byte (SQLite) or every row's physical position and
writing transaction (PostgreSQL ``ctid`` and ``xmin``), and the server's log.
A control run shows the same attacks do link deputies to ballots while the
round is still open, so the test can fail; after the close they must not.
"""

from __future__ import annotations

import logging
import random
from typing import Any

import pytest
from sqlalchemy import text

from tests.support.api import Api, Sitting, set_up
from tests.support.linking import CHANCE_BOUND, DEPUTIES, attacks, cast_all
from voting.store.db import Database

Voted = tuple[Sitting, dict[int, str], dict[str, Any]]


@pytest.fixture
def voted(clerk: Api, deputy: Api) -> tuple[Sitting, dict[int, str], dict[str, Any]]:
    rng = random.Random(20200118)
    sitting = set_up(clerk, size=DEPUTIES)
    sitting.check_in(range(1, DEPUTIES + 1))
    sitting.issue_codes(range(1, DEPUTIES + 1))
    round_ = sitting.open_round()
    truth = cast_all(sitting, deputy, rng)
    return sitting, truth, round_


def test_storage_links_ballots_while_the_round_is_open(voted: Voted, db: Database, database_url: str) -> None:
    """The control: before the close the attacks work, so the test below can fail."""
    _, truth, _ = voted
    linked = attacks(db, database_url, list(truth.values()), truth)
    assert max(linked.values()) > DEPUTIES // 2, linked


def test_nothing_links_a_deputy_to_a_ballot_after_the_close(
    voted: Voted, clerk: Api, db: Database, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sitting, truth, round_ = voted
    sitting.close_and_count(round_["id"])
    clerk.post(f"/api/v1/votes/{sitting.vote_id}/publish")
    receipts = list(truth.values())

    linked = attacks(db, database_url, receipts, truth)
    assert all(count <= CHANCE_BOUND for count in linked.values()), linked

    with db.read() as session:
        # No column anywhere holds a receipt or a ballot's content beside a deputy.
        ballot_columns = set(session.execute(text("SELECT * FROM ballot LIMIT 1")).keys())
        participation_columns = set(session.execute(text("SELECT * FROM participation LIMIT 1")).keys())
        assert ballot_columns & participation_columns == {"round_id", "channel"}
        audit_text = " ".join(session.execute(text("SELECT details FROM audit_entry")).scalars())
    assert not any(r in audit_text for r in receipts)
    codes = [c.replace("-", "") for c in sitting.codes.values()]
    logged = caplog.text.replace("-", "")
    assert not any(r in logged for r in receipts)
    assert not any(c in logged for c in codes)
