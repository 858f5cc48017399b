"""A published vote's result and hall view, served from each process's cache (the publication spike).

The cached answer must be the answer: the same JSON as the view computes and
serialises with no cache at all (``published.answer`` finding nothing, as for
a vote not published), for each of two votes with different results, for the
public and for staff alike, and never outliving the publication it was made
for (a training vote reset after publication is a draft again), on one host or
on two that share the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.support.api import Api, Sitting, roster_csv, set_up
from voting.web import create_app, get_db
from voting.web.api import published

pytestmark = pytest.mark.slow  # each test publishes votes (their forms rendered)


def vote_through(clerk: Api, deputy: Api, *, training: bool = False, first: int = 1) -> Sitting:
    """Twelve deputies vote: three in four approve projects ``first`` to ``first + 9``, the rest ``first`` and the next."""
    if training:  # a training vote has a meeting of its own
        meeting = clerk.post("/api/v1/meetings", {"name_zh": "演练会议", "date": "2020-01-18"}, 201)["id"]
        clerk.upload(f"/api/v1/meetings/{meeting}/roster", "roster.csv", roster_csv(12))
        created = clerk.post("/api/v1/votes/from-template", {"meeting_id": meeting, "training": True}, 201)
        sitting = Sitting(clerk, meeting, created["id"], clerk.get(f"/api/v1/meetings/{meeting}/deputies"))
    else:
        sitting = set_up(clerk, size=12, template=True)
    sitting.check_in(range(1, 13))
    return vote_again(sitting, deputy, first=first)


def vote_again(sitting: Sitting, deputy: Api, *, first: int = 1) -> Sitting:
    """Codes, a round, the twelve ballots, the count and the publication of a vote whose deputies are checked in."""
    clerk = sitting.clerk
    sitting.issue_codes(range(1, 13))
    round_id = sitting.open_round()["id"]
    for number in range(1, 13):
        sitting.cast(deputy, number, range(first, first + 10) if number % 4 else [first, first + 1])
    sitting.close_and_count(round_id)
    clerk.post(f"/api/v1/votes/{sitting.vote_id}/publish")
    return sitting


def uncached(monkeypatch: pytest.MonkeyPatch, api: Api, paths: Iterable[str]) -> dict[str, Any]:
    """Each answer as the view computes it when there is no cache: an independent path to the same JSON."""
    with monkeypatch.context() as patch:
        patch.setattr(published, "answer", lambda *_args, **_kwargs: None)
        return {path: api.get(path) for path in paths}


def test_the_cached_result_and_hall_view_are_the_computed_ones(
    clerk: Api, deputy: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    votes = [vote_through(clerk, deputy).vote_id, vote_through(clerk, deputy, first=3).vote_id]
    paths = [f"/api/v1/votes/{vote_id}/{view}" for vote_id in votes for view in ("result", "hall")]
    published._answers.clear()
    computed = uncached(monkeypatch, deputy, paths)
    assert not published._answers, "the uncached path kept an answer"
    for path in paths:
        assert deputy.get(path) == computed[path]  # computed and kept
        assert deputy.get(path) == computed[path]  # from the cache now
        assert clerk.get(path) == computed[path]  # staff get the same published answer
    assert len(published._answers) == len(paths), "an answer was not kept"
    # Official votes: kept for good, answered without a query (their publication is final).
    assert all(key[3:] == published.FINAL for key in published._answers)
    first, second = (computed[f"/api/v1/votes/{vote_id}/result"] for vote_id in votes)
    assert first["official"] is True
    assert first["selected"] == list(range(1, 11))
    assert second["selected"] == list(range(3, 13))
    first_hall, second_hall = (computed[f"/api/v1/votes/{vote_id}/hall"] for vote_id in votes)
    assert [p["number"] for p in first_hall["selected"]] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert [p["number"] for p in second_hall["selected"]] == list(range(3, 13))


def test_a_reset_training_vote_is_not_answered_from_the_cache(clerk: Api, deputy: Api) -> None:
    sitting = vote_through(clerk, deputy, training=True)
    path = f"/api/v1/votes/{sitting.vote_id}/result"
    published._answers.clear()  # another test's database, in this process, may have had a vote of the same id
    assert deputy.get(path)["official"] is True  # now cached
    kept = [key for key in published._answers if key[1:3] == ("result", sitting.vote_id)]
    assert kept
    assert all(key[3:] != published.FINAL for key in kept), "a training vote's answer kept for good"
    assert deputy.get(f"/api/v1/votes/{sitting.vote_id}/hall")["state"] == "published"
    clerk.post(f"/api/v1/votes/{sitting.vote_id}/reset")
    refused = deputy.get(path, status=404)
    assert refused["code"] == "not_found"
    assert deputy.get(f"/api/v1/votes/{sitting.vote_id}/hall")["state"] == "draft"


@contextmanager
def _host_cache(answers: dict[Any, bytes]) -> Iterator[None]:
    """This host's own answers while it serves: two apps in one test process, each with the cache of its own process."""
    kept = published._answers
    published._answers = answers
    try:
        yield
    finally:
        published._answers = kept


def test_two_hosts_answer_the_new_publication_of_a_reset_training_vote(
    app: Flask, clerk: Api, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two hosts on one database, each caching what it answered: after a reset and a different count, the new result."""
    monkeypatch.setenv("VOTING_INSTANCE_PATH", str(tmp_path / "second-host"))
    second = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test"})
    hosts: list[tuple[Api, dict[Any, bytes]]] = [(Api(app.test_client()), {}), (Api(second.test_client()), {})]
    try:
        sitting = vote_through(clerk, hosts[0][0], training=True)
        paths = [f"/api/v1/votes/{sitting.vote_id}/{view}" for view in ("result", "hall")]
        for host, answers in hosts:
            with _host_cache(answers):
                assert host.get(paths[0])["selected"] == list(range(1, 11))
                host.get(paths[1])
                assert len(answers) == 2, "this host kept no answer"
        clerk.post(f"/api/v1/votes/{sitting.vote_id}/reset")
        vote_again(sitting, hosts[1][0], first=3)
        computed = uncached(monkeypatch, hosts[0][0], paths)
        assert computed[paths[0]]["selected"] == list(range(3, 13))
        for host, answers in hosts:
            with _host_cache(answers):
                for path in paths:
                    assert host.get(path) == computed[path]  # the new publication, computed afresh
                    assert host.get(path) == computed[path]  # and now kept
    finally:
        get_db(second).dispose()
