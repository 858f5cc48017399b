"""The hot paths' plain SQL (voting.store.raw): the lists of values fill the placeholders in order, on both databases."""

from __future__ import annotations

import pytest

from voting.store import raw
from voting.store.db import Database

NUMBERS = "WITH t(x) AS (VALUES (1), (2), (3), (4)) SELECT x FROM t WHERE "


def test_an_in_list_takes_a_whole_list_and_a_plain_placeholder_one_value(db: Database) -> None:
    with db.read() as session:
        assert raw.rows(session, NUMBERS + "x IN (?*) AND x > ? ORDER BY x", [1, 3, 4], [1]) == [(3,), (4,)]
        assert raw.rows(session, NUMBERS + "x > ? AND x IN (?*) ORDER BY x", [3], [1, 3, 4]) == [(4,)]
        assert raw.rows(session, NUMBERS + "x IN (?*) AND x IN (?*) ORDER BY x", [1, 2, 3], [2, 3, 4]) == [(2,), (3,)]


def test_an_empty_in_list_matches_nothing(db: Database) -> None:
    with db.read() as session:
        assert raw.rows(session, NUMBERS + "x IN (?*)", []) == []


def test_text_values_in_a_list(db: Database) -> None:
    with db.read() as session:
        found = raw.rows(session, "WITH t(x) AS (VALUES ('a'), ('b')) SELECT x FROM t WHERE x IN (?*)", ["b", "c"])
        assert found == [("b",)]


@pytest.mark.parametrize(
    ("sql", "lists"),
    [
        (NUMBERS + "x = ?", []),  # a placeholder left without a value
        (NUMBERS + "x = ?", [[1, 2]]),  # a value left without a placeholder
        (NUMBERS + "x IN (?*)", []),  # an IN list without its list
    ],
)
def test_lists_that_do_not_fit_the_placeholders_are_refused(db: Database, sql: str, lists: list[list[int]]) -> None:
    with db.read() as session, pytest.raises(ValueError, match="placeholders"):
        raw.rows(session, sql, *lists)
