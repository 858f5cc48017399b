"""The audit log's typed events (issue 17, point 5): each one's details are the log's, byte for byte.

``tests/data/audit-details.jsonl`` holds entries' details as the log stored them before its actions were
typed: one of each shape that the API tests and ``voting demo`` recorded on commit 25b01b7 (with and without
the training mark, and each optional key both ways), and three written from the code of that time, which
those runs do not reach: a secrecy step held up and completed later (PostgreSQL only), and the publication
entry of a vote published before its files were fixed (commits 02749c6 to 439a50e).  Every one must read
back into its event and be written again as the very same canonical JSON, so that old logs keep verifying
and old bundles keep checking.  ``body.created`` (issue 18) came after the actions were typed; its line is
written as its event writes it.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

from voting.domain.audit_chain import canonical_json
from voting.domain.audit_events import (
    EVENT_TYPES,
    EVENTS,
    TRAINING,
    AuditEvent,
    InvalidEvent,
    MeetingCreated,
    RoundOpened,
    VoteCreated,
    VotePublished,
    parse,
    stored_details,
)

STORED = [
    json.loads(line)
    for line in (Path(__file__).parents[1] / "data" / "audit-details.jsonl").read_text("utf-8").splitlines()
]


def test_the_stored_examples_cover_every_action() -> None:
    assert {example["action"] for example in STORED} == set(EVENTS)


@pytest.mark.parametrize("stored", STORED, ids=[f"{s['action']}-{i}" for i, s in enumerate(STORED)])
def test_a_stored_entry_reads_back_and_is_written_again_byte_for_byte(stored: dict[str, Any]) -> None:
    event = parse(stored["action"], stored["details"])
    assert type(event) is EVENTS[stored["action"]]
    again = stored_details(event, training=stored["details"].get(TRAINING) is True)
    assert canonical_json(again) == canonical_json(stored["details"])


@pytest.mark.parametrize("kind", EVENT_TYPES, ids=[kind.action for kind in EVENT_TYPES])
def test_every_event_type_round_trips(kind: type[AuditEvent]) -> None:
    """To details and back, and through the JSON the log stores, with the training mark or without."""
    examples = [parse(s["action"], s["details"]) for s in STORED if s["action"] == kind.action]
    assert examples
    for event in examples:
        assert kind.from_details(event.details()) == event
        # vote.created's own training key is the mark: a live vote's entry (or voting demo's, without it) has none
        for training in (bool(event.training),) if isinstance(event, VoteCreated) else (False, True):
            stored = json.loads(canonical_json(stored_details(event, training=training)))
            assert parse(kind.action, stored) == event
            assert stored.get(TRAINING, False) is training


def test_each_event_is_a_frozen_dataclass_named_after_its_action() -> None:
    assert len(EVENTS) == len(EVENT_TYPES)
    for kind in EVENT_TYPES:
        assert dataclasses.is_dataclass(kind)
        assert kind.__dataclass_params__.frozen  # type: ignore[attr-defined]
        words = re.split(r"[._]", kind.action)
        assert kind.__name__ == "".join(word.capitalize() for word in words), kind.action
        assert kind.__doc__
        assert "\n" not in kind.__doc__.strip(), f"{kind.action}: one line, for docs/audit-log.md's table"


def test_lists_are_tuples_in_the_event_and_lists_in_the_log() -> None:
    event = RoundOpened(round=1, kind="first", projects=(1, 2), seats=1, deputy_count=5, deputies_present=4)
    assert event.details()["projects"] == [1, 2]
    assert RoundOpened.from_details(event.details()).projects == (1, 2)


def test_an_absent_key_stays_absent() -> None:
    assert "deputies" not in MeetingCreated(meeting_id=1, name_zh="会议").details()
    assert TRAINING not in VoteCreated(title_zh="票决", candidates=3, rules={"seats": 1}).details()
    assert VotePublished(result_digest="a", ballots_digest="b").details() == {
        "result_digest": "a",
        "ballots_digest": "b",
    }


BAD: list[tuple[str, Any, str]] = [
    ("round.closed", {"round": 1, "ballots_issued": 3}, "lacks ballots_returned"),
    ("round.closed", {"round": 1, "ballots_issued": 3, "ballots_returned": 3, "by": "x"}, "no such detail as 'by'"),
    ("round.closed", {"round": "1", "ballots_issued": 3, "ballots_returned": 3}, "round is '1', not a whole number"),
    ("round.closed", {"round": True, "ballots_issued": 3, "ballots_returned": 3}, "round is True, not a whole number"),
    ("round.opened", {**RoundOpened(1, "first", (1,), 1, 2, 2).details(), "projects": [1, "2"]}, "a list of"),
    ("meeting.created", {"meeting_id": 1, "name_zh": "会", "deputies": None}, "deputies is None"),
    ("vote.published", {"result_digest": "a", "ballots_digest": "b", "files": {"x": 1}}, "an object of text"),
    ("vote.decided", {"rounds": 1, TRAINING: False}, "training is False, not true"),
    ("vote.created", {"title_zh": "票", "candidates": 1, "rules": {}, TRAINING: "yes"}, "true or false"),
    ("vote.counted", {"round": 1}, "no such action"),
    ("vote.reset", ["rounds", 1], "not a JSON object"),
]


@pytest.mark.parametrize(("action", "details", "says"), BAD, ids=[f"{a}-{s}" for a, _, s in BAD])
def test_details_no_version_wrote_are_refused_naming_the_key(action: str, details: Any, says: str) -> None:
    with pytest.raises(InvalidEvent, match=re.escape(says)) as caught:
        parse(action, details)
    assert str(caught.value).startswith(f"{action}: ")
    assert caught.value.action == action
