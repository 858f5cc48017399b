"""A published vote's result and hall view, served from each process's cache (the publication spike).

The cached answer must be the answer: the same JSON as computed afresh, for
the public and for staff alike, and never outliving the publication it was
made for (a training vote reset after publication is a draft again).
"""

from __future__ import annotations

from typing import Any

from tests.support.api import Api, Sitting, roster_csv, set_up
from voting.web.api import published


def vote_through(clerk: Api, deputy: Api, *, training: bool = False) -> Sitting:
    if training:  # a training vote has a meeting of its own
        meeting = clerk.post("/api/v1/meetings", {"name_zh": "演练会议", "date": "2020-01-18"}, 201)["id"]
        clerk.upload(f"/api/v1/meetings/{meeting}/roster", "roster.csv", roster_csv(12))
        created = clerk.post("/api/v1/votes/from-template", {"meeting_id": meeting, "training": True}, 201)
        sitting = Sitting(clerk, meeting, created["id"], clerk.get(f"/api/v1/meetings/{meeting}/deputies"))
    else:
        sitting = set_up(clerk, size=12, template=True)
    sitting.check_in(range(1, 13))
    sitting.issue_codes(range(1, 13))
    round_id = sitting.open_round()["id"]
    for number in range(1, 13):
        sitting.cast(deputy, number, range(1, 11) if number % 4 else [1, 2])
    sitting.close_and_count(round_id)
    clerk.post(f"/api/v1/votes/{sitting.vote_id}/publish")
    return sitting


def fresh(api: Api, path: str) -> Any:
    published._answers.clear()
    return api.get(path)


def test_the_cached_result_and_hall_view_are_the_computed_ones(clerk: Api, deputy: Api) -> None:
    sitting = vote_through(clerk, deputy)
    for path in (f"/api/v1/votes/{sitting.vote_id}/result", f"/api/v1/votes/{sitting.vote_id}/hall"):
        computed = fresh(deputy, path)
        assert deputy.get(path) == computed  # from the cache now
        assert clerk.get(path) == computed  # staff get the same published answer
        assert published._answers, "the answer was not kept"
    result = deputy.get(f"/api/v1/votes/{sitting.vote_id}/result")
    assert result["official"] is True
    assert result["selected"] == list(range(1, 11))
    hall = deputy.get(f"/api/v1/votes/{sitting.vote_id}/hall")
    assert [p["number"] for p in hall["selected"]] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]


def test_a_reset_training_vote_is_not_answered_from_the_cache(clerk: Api, deputy: Api) -> None:
    sitting = vote_through(clerk, deputy, training=True)
    path = f"/api/v1/votes/{sitting.vote_id}/result"
    assert deputy.get(path)["official"] is True  # now cached
    assert deputy.get(f"/api/v1/votes/{sitting.vote_id}/hall")["state"] == "published"
    clerk.post(f"/api/v1/votes/{sitting.vote_id}/reset")
    refused = deputy.get(path, status=404)
    assert refused["code"] == "not_found"
    assert deputy.get(f"/api/v1/votes/{sitting.vote_id}/hall")["state"] == "draft"
