"""The result and the hall view carry what the rules decided, ready to show: the round each seat was won in
and every rate (票决率), so that no page recomputes a rule.  The figures are worked by hand."""

from __future__ import annotations

from tests.support.api import Api, set_up

COMMON = set(range(1, 9))


def test_the_result_gives_each_seat_its_round_and_every_rate_as_read_out(clerk: Api, deputy: Api) -> None:
    # The Gongshu rules (10 seats of 12) for 10 deputies, 7 present: a project needs 6 approvals.
    sitting = set_up(clerk, size=10)
    present = range(1, 8)
    sitting.check_in(present)
    sitting.issue_codes(present)
    first = sitting.open_round()
    # Everyone approves 1-8; then {9,10} x3, {9,11} x3, {10,11} x1: 9 has 6, 10 and 11 have 4, 12 none.
    for number, extra in zip(present, [{9, 10}] * 3 + [{9, 11}] * 3 + [{10, 11}], strict=True):
        sitting.cast(deputy, number, COMMON | extra)
    sitting.close_and_count(first["id"])
    # Nine seats filled: a shortfall round among 10, 11 and 12 for the last one. 11 wins with 6, 10 has 1.
    shortfall = sitting.open_round()
    assert (shortfall["kind"], shortfall["projects"], shortfall["seats"]) == ("shortfall", [10, 11, 12], 1)
    for number in present:
        sitting.cast(deputy, number, {11} if number <= 6 else {10})
    sitting.close_and_count(shortfall["id"])
    clerk.post(f"/api/v1/votes/{sitting.vote_id}/publish")

    result = deputy.get(f"/api/v1/votes/{sitting.vote_id}/result")
    assert result["selected"] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11]
    # 7 of 7: 100.00%; 6 of 7: 85.714...%; 4 of 7: 57.142...%; 1 of 7: 14.285...%, rounded half up.
    assert [r["rates"] for r in result["rounds"]] == [
        {**{str(n): "100.00%" for n in COMMON}, "9": "85.71%", "10": "57.14%", "11": "57.14%", "12": "0.00%"},
        {"10": "14.29%", "11": "85.71%", "12": "0.00%"},
    ]
    seats = [(s["number"], s["round_number"], s["round_kind"], s["approvals"], s["rate"]) for s in result["seats_won"]]
    assert seats == [
        *((n, 1, "first", 7, "100.00%") for n in sorted(COMMON)),
        (9, 1, "first", 6, "85.71%"),
        (11, 2, "shortfall", 6, "85.71%"),  # its count in the round that gave it the seat, not round 1's 4
    ]
    hall = deputy.get(f"/api/v1/votes/{sitting.vote_id}/hall")
    assert [(s["number"], s["round_number"], s["approvals"], s["rate"]) for s in hall["selected"]] == [
        (number, round_number, approvals, rate) for number, round_number, _, approvals, rate in seats
    ]
    assert {s["title_zh"] for s in hall["selected"]} == {s["title_zh"] for s in result["seats_won"]}


def test_a_round_not_yet_counted_has_no_rates(clerk: Api) -> None:
    sitting = set_up(clerk, size=10)
    sitting.check_in(range(1, 8))
    sitting.open_round()
    result = clerk.get(f"/api/v1/votes/{sitting.vote_id}/result")
    assert [r["rates"] for r in result["rounds"]] == [None]
    assert result["seats_won"] == []
