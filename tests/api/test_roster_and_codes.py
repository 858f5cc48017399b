"""Setting a sitting up through the API: the roster import (CSV and XLSX, all rows or none), check-in and
check-out, voting codes (issued only at check-in, once per round, re-issued, revoked, typed loosely) and
the lock on a vote's rules once its first round has opened."""

from __future__ import annotations

import io
import secrets
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from tests.support.api import Api, Sitting, set_up
from voting.services.roster import sample_roster

CANDIDATES = [{"number": n, "title_zh": f"项目{n}"} for n in (1, 2, 3)]
SMALL_VOTE: dict[str, Any] = {"title_zh": "代码测试", "rules": {"seats": 2}, "candidates": CANDIDATES}
"""Three projects, two seats; with a roster of 5 the threshold is 3 approvals."""


def new_meeting(clerk: Api) -> int:
    meeting_id: int = clerk.post("/api/v1/meetings", {"name_zh": "名册测试会议", "date": "2020-01-18"}, 201)["id"]
    return meeting_id


def upload(clerk: Api, meeting_id: int, data: bytes, filename: str, status: int = 201) -> Any:
    return clerk.post(
        f"/api/v1/meetings/{meeting_id}/roster",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        status=status,
    )


def roster(clerk: Api, meeting_id: int) -> list[tuple[int, str, str]]:
    return [(d["number"], d["name"], d["delegation"]) for d in clerk.get(f"/api/v1/meetings/{meeting_id}/deputies")]


def xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def problems(answer: dict[str, Any]) -> list[tuple[int, str, str]]:
    return [(p["row"], p["field"], p["code"]) for p in answer["rows"]]


# --- roster import -------------------------------------------------------------------------------------


def test_a_csv_roster_with_chinese_headers(clerk: Api) -> None:
    mid = new_meeting(clerk)
    text = "编号,姓名,代表团\n1,张伟,拱宸桥街道\n2,李娜,米市巷街道\n3,王芳,\n"
    assert upload(clerk, mid, text.encode("utf-8"), "名册.csv") == {"imported": 3}
    assert roster(clerk, mid) == [(1, "张伟", "拱宸桥街道"), (2, "李娜", "米市巷街道"), (3, "王芳", "")]
    meeting = clerk.get(f"/api/v1/meetings/{mid}")
    assert (meeting["deputy_count"], meeting["present"]) == (3, 0)
    assert not any(d["checked_in"] for d in clerk.get(f"/api/v1/meetings/{mid}/deputies"))


def test_a_csv_roster_with_english_headers_a_bom_and_other_column_order(clerk: Api) -> None:
    mid = new_meeting(clerk)
    text = "Name,Delegation,Number\nZhang Wei,Gongchenqiao,2\nLi Na,Mishixiang,1\n"
    assert upload(clerk, mid, text.encode("utf-8-sig"), "ROSTER.CSV") == {"imported": 2}
    assert roster(clerk, mid) == [(1, "Li Na", "Mishixiang"), (2, "Zhang Wei", "Gongchenqiao")]


def test_an_xlsx_roster(clerk: Api) -> None:
    mid = new_meeting(clerk)
    data = xlsx(
        [["编号", "姓名", "代表团"], [1, "张伟", "拱宸桥街道"], [2.0, "李娜", None], ["3", " 王芳 ", "湖墅街道"]]
    )
    assert upload(clerk, mid, data, "roster.xlsx") == {"imported": 3}
    assert roster(clerk, mid) == [(1, "张伟", "拱宸桥街道"), (2, "李娜", ""), (3, "王芳", "湖墅街道")]


def test_bad_rows_are_all_reported_and_nothing_is_imported(clerk: Api) -> None:
    mid = new_meeting(clerk)
    text = (
        "编号,姓名,代表团\n"
        "1,张伟,甲\n"  # row 2: good
        "一,李娜,乙\n"  # row 3: not a number
        "1,王芳,丙\n"  # row 4: the number of row 2 again
        "4,,丁\n"  # row 5: no name
        "5,刘洋,戊\n"  # row 6: good
        "0,,己\n"  # row 7: no positive number and no name
        "2.5,陈静,庚\n"  # row 8: not a whole number
    )
    refused = upload(clerk, mid, text.encode("utf-8"), "roster.csv", status=422)
    assert refused["code"] == "roster_rejected"
    assert refused["field"] == "file"
    assert problems(refused) == [
        (3, "number", "bad_number"),
        (4, "number", "duplicate_number"),
        (5, "name", "empty_name"),
        (7, "name", "empty_name"),
        (7, "number", "bad_number"),
        (8, "number", "bad_number"),
    ]
    assert all(p["message"] for p in refused["rows"])
    assert "6" in refused["message"]  # the count of bad rows, in the caller's language
    assert roster(clerk, mid) == []
    assert clerk.get(f"/api/v1/meetings/{mid}")["deputy_count"] == 0


def test_bad_rows_in_an_xlsx_file_are_reported_by_row(clerk: Api) -> None:
    mid = new_meeting(clerk)
    data = xlsx([["number", "name"], [1, "张伟"], [None, "李娜"], [1, "王芳"], [3, None]])
    refused = upload(clerk, mid, data, "roster.xlsx", status=422)
    assert problems(refused) == [
        (3, "number", "bad_number"),
        (4, "number", "duplicate_number"),
        (5, "name", "empty_name"),
    ]
    assert roster(clerk, mid) == []


def test_a_number_already_on_the_roster_is_reported(clerk: Api) -> None:
    mid = new_meeting(clerk)
    upload(clerk, mid, "编号,姓名\n1,张伟\n2,李娜\n".encode(), "first.csv")
    refused = upload(clerk, mid, "编号,姓名\n3,王芳\n2,刘洋\n".encode(), "more.csv", status=422)
    assert refused["code"] == "roster_rejected"
    assert problems(refused) == [(3, "number", "number_taken")]
    assert roster(clerk, mid) == [(1, "张伟", ""), (2, "李娜", "")]
    assert upload(clerk, mid, "编号,姓名\n3,王芳\n".encode(), "more.csv") == {"imported": 1}
    assert [number for number, _, _ in roster(clerk, mid)] == [1, 2, 3]


@pytest.mark.parametrize("filename", ["roster.txt", "roster.xls", "roster", "roster.csv.exe"])
def test_a_file_that_is_neither_csv_nor_xlsx_is_refused(clerk: Api, filename: str) -> None:
    mid = new_meeting(clerk)
    refused = upload(clerk, mid, "编号,姓名\n1,张伟\n".encode(), filename, status=422)
    assert (refused["code"], refused["field"]) == ("roster_format", "file")
    assert roster(clerk, mid) == []


def test_a_damaged_xlsx_or_a_csv_that_is_not_utf8_is_refused(clerk: Api) -> None:
    mid = new_meeting(clerk)
    assert upload(clerk, mid, b"not a zip file", "roster.xlsx", status=422)["code"] == "roster_unreadable"
    assert upload(clerk, mid, "编号,姓名\n1,张伟\n".encode("gbk"), "roster.csv", status=422)["code"] == (
        "roster_not_utf8"
    )
    assert upload(clerk, mid, "序号,名字\n1,张伟\n".encode(), "roster.csv", status=422)["code"] == "roster_header"
    assert roster(clerk, mid) == []


# --- attendance ------------------------------------------------------------------------------------------


def attendance(sitting: Sitting, number: int, checked_in: bool, status: int = 200) -> Any:
    deputy_id = sitting.deputies[number - 1]["id"]
    path = f"/api/v1/meetings/{sitting.meeting_id}/deputies/{deputy_id}/attendance"
    return sitting.clerk.put(path, {"checked_in": checked_in}, status)


def test_check_in_and_out(clerk: Api) -> None:
    sitting = set_up(clerk, size=5, template=False, vote=SMALL_VOTE)
    assert attendance(sitting, 2, True)["checked_in"] is True
    twice = attendance(sitting, 2, True, status=409)
    assert (twice["code"], twice["params"]["deputy"]) == ("attendance_unchanged", 2)
    assert clerk.get(f"/api/v1/meetings/{sitting.meeting_id}")["present"] == 1
    assert attendance(sitting, 2, False)["checked_in"] is False
    assert attendance(sitting, 2, False, status=409)["code"] == "attendance_unchanged"
    assert clerk.get(f"/api/v1/meetings/{sitting.meeting_id}")["present"] == 0

    other = set_up(clerk, size=2, template=False, vote=SMALL_VOTE)
    stranger = other.deputies[0]["id"]
    path = f"/api/v1/meetings/{sitting.meeting_id}/deputies/{stranger}/attendance"
    assert clerk.put(path, {"checked_in": True}, 422)["code"] == "deputy_not_in_meeting"
    assert not clerk.get(f"/api/v1/meetings/{other.meeting_id}/deputies")[0]["checked_in"]


def test_a_late_check_in_is_issued_a_ballot_in_the_open_round(clerk: Api, deputy: Api) -> None:
    sitting = set_up(clerk, size=5, template=False, vote=SMALL_VOTE)
    sitting.check_in(range(1, 4))
    sitting.issue_codes(range(1, 4))
    opened = sitting.open_round()
    assert (opened["deputies_present"], opened["ballots_issued"]) == (3, 3)
    attendance(sitting, 5, True)
    round_ = clerk.get(f"/api/v1/rounds/{opened['id']}")
    assert (round_["deputies_present"], round_["ballots_issued"]) == (4, 4)
    assert deputy.get(f"/api/v1/rounds/{opened['id']}/turnout")["ballots_issued"] == 4
    assert [d["number"] for d in clerk.get(f"/api/v1/rounds/{opened['id']}/not-voted")] == [1, 2, 3, 5]
    sitting.issue_codes([5])
    for number in (1, 2, 3, 5):
        sitting.cast(deputy, number, {1, 2})
    result = sitting.close_and_count(opened["id"])["result"]
    assert result["ballots"]["cast"] == 4
    assert result["void"] is False


def test_leaving_and_coming_back_does_not_issue_a_second_ballot(clerk: Api, clerk2: Api, deputy: Api) -> None:
    """A deputy who steps out of the hall and back in holds one ballot, not two: otherwise ballots issued
    grows past the deputies who could vote, and an extra ballot in the box would no longer void the round."""
    sitting = set_up(clerk, size=5, template=False, vote=SMALL_VOTE)
    sitting.check_in(range(1, 5))
    sitting.issue_codes(range(1, 5))
    opened = sitting.open_round()
    path = f"/api/v1/rounds/{opened['id']}"

    def counts() -> tuple[int, int]:
        round_ = clerk.get(path)
        return round_["deputies_present"], round_["ballots_issued"]

    sitting.cast(deputy, 1, {1})
    clerk.post(f"{path}/paper", {"deputies": [3]})
    for number in (1, 3):  # 1 has voted, 3 holds a paper ballot: each keeps it while out
        attendance(sitting, number, False)
        assert counts() == (4, 4)
        attendance(sitting, number, True)
        assert counts() == (4, 4)
    attendance(sitting, 2, False)  # 2 has not voted, and cannot while out
    assert counts() == (3, 3)
    assert sitting.cast(deputy, 2, {2}, status=409)["code"] == "not_checked_in"
    attendance(sitting, 2, True)
    assert counts() == (4, 4)
    assert sitting.cast(deputy, 1, {2}, status=409)["code"] == "already_voted"
    sitting.cast(deputy, 2, {2})
    sitting.cast(deputy, 4, {2})
    assert deputy.get(f"{path}/turnout")["ballots_returned"] == 3
    # Two paper ballots come out of the box for the one handed out: more returned than issued.
    pile = {"ballots": [{"approvals": [1]}, {"approvals": [1]}]}
    clerk.put(f"{path}/paper-batches/X/entries/1", pile)
    clerk2.put(f"{path}/paper-batches/X/entries/2", pile)
    clerk.post(f"{path}/paper-batches/X/accept")
    result = sitting.close_and_count(opened["id"])["result"]
    assert result["ballots"]["cast"] == 5
    assert result["void"] is True


def test_a_checked_out_deputy_cannot_vote_until_checked_in_again(clerk: Api, deputy: Api) -> None:
    sitting = set_up(clerk, size=5, template=False, vote=SMALL_VOTE)
    sitting.check_in(range(1, 5))
    sitting.issue_codes(range(1, 5))
    opened = sitting.open_round()
    attendance(sitting, 4, False)
    assert sitting.cast(deputy, 4, {1}, status=409)["code"] == "not_checked_in"
    assert [d["number"] for d in clerk.get(f"/api/v1/rounds/{opened['id']}/not-voted")] == [1, 2, 3]
    attendance(sitting, 4, True)
    assert sitting.cast(deputy, 4, {1})["round_number"] == 1


# --- voting codes ----------------------------------------------------------------------------------------


def issue(sitting: Sitting, number: int, status: int = 201, *, reissue: bool = False) -> Any:
    body = {"deputy_id": sitting.deputies[number - 1]["id"], "reissue": reissue}
    return sitting.clerk.post(f"/api/v1/votes/{sitting.vote_id}/codes", body, status)


def revoke(sitting: Sitting, number: int, status: int = 204) -> Any:
    deputy_id = sitting.deputies[number - 1]["id"]
    path = f"/api/v1/votes/{sitting.vote_id}/codes/{deputy_id}"
    return sitting.clerk.delete(path, status)


def cast_with(deputy: Api, code: str, approvals: list[int], status: int = 201, key: str | None = None) -> Any:
    body = {"code": code, "approvals": approvals, "idempotency_key": key or secrets.token_hex(8)}
    return deputy.post("/api/v1/ballots", body, status)


def test_codes_only_for_checked_in_deputies(clerk: Api) -> None:
    sitting = set_up(clerk, size=5, template=False, vote=SMALL_VOTE)
    refused = issue(sitting, 1, status=409)
    assert (refused["code"], refused["params"]["deputy"]) == ("not_checked_in", 1)
    sitting.check_in([1])
    code = issue(sitting, 1)["code"]
    assert len(code.replace("-", "")) == 10
    other = set_up(clerk, size=2, template=False, vote=SMALL_VOTE)
    stranger = clerk.post(f"/api/v1/votes/{sitting.vote_id}/codes", {"deputy_id": other.deputies[0]["id"]}, 422)
    assert stranger["code"] == "deputy_not_in_meeting"
    assert clerk.post(f"/api/v1/votes/{sitting.vote_id}/codes", {"deputy_id": 99999}, 404)["code"] == "not_found"


def test_a_code_works_once_per_round(clerk: Api, deputy: Api) -> None:
    sitting = set_up(clerk, size=5, template=False, vote=SMALL_VOTE)
    sitting.check_in(range(1, 5))
    sitting.issue_codes(range(1, 5))
    assert deputy.post("/api/v1/ballot", {"code": sitting.codes[1]}, 409)["code"] == "round_not_open"
    assert sitting.cast(deputy, 1, {1}, status=409)["code"] == "round_not_open"
    opened = sitting.open_round()
    first = sitting.cast(deputy, 1, {1}, key="key-0001")
    assert (first["round_number"], first["replayed"]) == (1, False)
    retry = sitting.cast(deputy, 1, {1}, status=200, key="key-0001")
    assert retry == {**first, "replayed": True}
    assert sitting.cast(deputy, 1, {2}, status=409, key="key-0002")["code"] == "already_voted"
    assert sitting.cast(deputy, 1, {2}, status=409, key="key-0001")["code"] == "idempotency_key_reused"
    assert deputy.get(f"/api/v1/rounds/{opened['id']}/turnout")["ballots_returned"] == 1


def test_reissuing_revokes_the_old_code(clerk: Api, deputy: Api) -> None:
    sitting = set_up(clerk, size=5, template=False, vote=SMALL_VOTE)
    sitting.check_in(range(1, 5))
    sitting.issue_codes(range(1, 5))
    sitting.open_round()
    old = sitting.codes[1]
    # Issuing again is refused while the printed slip works: only a reissue (a lost slip) voids it.
    held = issue(sitting, 1, 409)
    assert (held["code"], held["params"]["deputy"]) == ("code_held", 1)
    assert deputy.post("/api/v1/ballot", {"code": old})["round_number"] == 1
    new = issue(sitting, 1, reissue=True)["code"]
    assert new != old
    assert deputy.post("/api/v1/ballot", {"code": old}, 401)["code"] == "invalid_code"
    assert cast_with(deputy, old, [1], status=401)["code"] == "invalid_code"
    assert deputy.post("/api/v1/ballot", {"code": new})["round_number"] == 1
    assert cast_with(deputy, new, [1])["round_number"] == 1
    assert cast_with(deputy, old, [1], status=401)["code"] == "invalid_code"
    actions = [e["action"] for e in clerk.get(f"/api/v1/audit?vote_id={sitting.vote_id}")]
    assert actions.count("code.issued") == 4
    assert actions.count("code.reissued") == 1


def test_a_revoked_code_cannot_cast(clerk: Api, deputy: Api) -> None:
    sitting = set_up(clerk, size=5, template=False, vote=SMALL_VOTE)
    sitting.check_in(range(1, 5))
    sitting.issue_codes(range(1, 5))
    opened = sitting.open_round()
    assert revoke(sitting, 2) is None
    assert cast_with(deputy, sitting.codes[2], [1], status=401)["code"] == "invalid_code"
    assert deputy.post("/api/v1/ballot", {"code": sitting.codes[2]}, 401)["code"] == "invalid_code"
    assert revoke(sitting, 2, status=409)["code"] == "no_active_code"
    assert deputy.get(f"/api/v1/rounds/{opened['id']}/turnout")["ballots_returned"] == 0
    # A lost slip: a new code, and the deputy votes.
    fresh = issue(sitting, 2)["code"]
    assert cast_with(deputy, fresh, [1])["round_number"] == 1
    # Revoked after voting: the ballot stands, the code is dead.
    revoke(sitting, 2)
    assert cast_with(deputy, fresh, [2], status=401)["code"] == "invalid_code"
    assert deputy.get(f"/api/v1/rounds/{opened['id']}/turnout")["ballots_returned"] == 1
    assert "code.revoked" in [e["action"] for e in clerk.get(f"/api/v1/audit?vote_id={sitting.vote_id}")]


def code_with(sitting: Sitting, number: int, characters: str) -> str:
    """Re-issue deputy ``number``'s code until it holds every one of ``characters`` (a code is random)."""
    for _ in range(2000):
        code: str = issue(sitting, number, reissue=True)["code"]
        if all(c in code for c in characters):
            return code
    raise AssertionError(f"no code with {characters!r} in 2000 tries")


def test_codes_are_read_as_deputies_type_them(clerk: Api, deputy: Api) -> None:
    sitting = set_up(clerk, size=5, template=False, vote=SMALL_VOTE)
    sitting.check_in(range(1, 5))
    sitting.open_round()
    code = code_with(sitting, 1, "01")
    plain = code.replace("-", "")
    typed = [
        plain,
        code.lower(),
        " ".join(plain[i : i + 2] for i in range(0, 10, 2)),
        code.replace("0", "O"),
        code.replace("0", "o").replace("1", "l"),
        code.replace("1", "I"),
        f"  {code.lower()} ",
    ]
    for variant in typed:
        assert deputy.post("/api/v1/ballot", {"code": variant})["round_number"] == 1, variant
    # Typed differently on a retry, the code still finds the same ballot.
    first = cast_with(deputy, typed[4], [1, 2], key="retry-key-1")
    assert cast_with(deputy, code, [1, 2], status=200, key="retry-key-1") == {**first, "replayed": True}
    assert cast_with(deputy, typed[1], [3], status=409)["code"] == "already_voted"
    # One character wrong is not the code.
    wrong = ("2" if plain[0] != "2" else "3") + plain[1:]
    assert deputy.post("/api/v1/ballot", {"code": wrong}, 401)["code"] == "invalid_code"


def test_the_same_code_works_again_in_the_tie_break_round(clerk: Api, deputy: Api) -> None:
    sitting = set_up(clerk, size=5, template=False, vote=SMALL_VOTE)
    sitting.check_in(range(1, 6))
    sitting.issue_codes(range(1, 6))
    first = sitting.open_round()
    for number, chosen in zip(range(1, 6), [{1, 2}, {1, 3}, {1, 2}, {1, 3}, {2, 3}], strict=True):
        sitting.cast(deputy, number, chosen)
    result = sitting.close_and_count(first["id"])["result"]
    assert result["selected"] == [1]
    assert result["runoff"] == {"reason": "tie", "projects": [2, 3], "seats": 1}
    tie_break = sitting.open_round()
    assert tie_break["kind"] == "tie_break"
    assert [p["number"] for p in deputy.post("/api/v1/ballot", {"code": sitting.codes[1]})["projects"]] == [2, 3]
    assert sitting.cast(deputy, 1, {1}, status=422)["code"] == "project_not_on_ballot"
    for number in range(1, 6):
        cast = sitting.cast(deputy, number, {2} if number <= 3 else {3})
        assert (cast["round_number"], cast["replayed"]) == (2, False)
    assert sitting.cast(deputy, 1, {2}, status=409)["code"] == "already_voted"
    second = sitting.close_and_count(tie_break["id"])["result"]
    assert second["selected"] == [2]
    assert clerk.get(f"/api/v1/votes/{sitting.vote_id}/result")["selected"] == [1, 2]


# --- the rules lock --------------------------------------------------------------------------------------


def test_the_rules_change_in_draft_and_lock_when_the_first_round_opens(clerk: Api) -> None:
    sitting = set_up(clerk, size=5, template=False, vote=SMALL_VOTE)
    path = f"/api/v1/votes/{sitting.vote_id}"
    assert clerk.get(path)["rules_digest"] is None
    changed = clerk.send("PATCH", path, {"rules": {"seats": 1, "threshold_basis": "deputies_present"}})
    assert (changed["rules"]["seats"], changed["rules"]["threshold_basis"]) == (1, "deputies_present")
    four = [{"number": n, "title_zh": f"新项目{n}"} for n in (1, 2, 3, 4)]
    changed = clerk.send("PATCH", path, {"candidates": four, "rules": {"seats": 3}})
    assert [c["title_zh"] for c in changed["candidates"]] == ["新项目1", "新项目2", "新项目3", "新项目4"]
    assert changed["rules"]["seats"] == 3
    assert changed["rules"]["threshold_basis"] == "all_deputies"  # new rules replace the old ones whole
    assert changed["state"] == "draft"

    sitting.check_in(range(1, 4))
    opened = sitting.open_round()
    assert (opened["seats"], opened["projects"]) == (3, [1, 2, 3, 4])
    locked = clerk.get(path)
    assert locked["state"] == "voting"
    assert locked["rules_digest"]
    for patch in ({"rules": {"seats": 2}}, {"candidates": four[:3]}, {}):
        refused = clerk.send("PATCH", path, patch, status=409)
        assert refused["code"] == "rules_locked", patch
    assert clerk.get(path) == locked
    actions = [e["action"] for e in clerk.get(f"/api/v1/audit?vote_id={sitting.vote_id}")]
    assert actions.count("vote.updated") == 2
    assert actions.index("vote.rules_locked") < actions.index("round.opened")


def test_seats_must_be_fewer_than_candidates(clerk: Api) -> None:
    sitting = set_up(clerk, size=5, template=False, vote=SMALL_VOTE)
    path = f"/api/v1/votes/{sitting.vote_id}"
    for patch in ({"rules": {"seats": 3}}, {"rules": {"seats": 4}}, {"candidates": CANDIDATES[:2]}):
        refused = clerk.send("PATCH", path, patch, status=422)
        assert (refused["code"], refused["field"]) == ("seats_not_fewer_than_candidates", "seats"), patch
    assert clerk.get(path)["rules"]["seats"] == 2
    assert len(clerk.get(path)["candidates"]) == 3
    created = clerk.post(
        "/api/v1/votes", {**SMALL_VOTE, "meeting_id": sitting.meeting_id, "rules": {"seats": 3}}, status=422
    )
    assert created["code"] == "seats_not_fewer_than_candidates"
    assert (created["params"]["seats"], created["params"]["candidates"]) == (3, 3)
    assert [v["id"] for v in clerk.get("/api/v1/votes")] == [sitting.vote_id]


def test_the_shipped_sample_rosters_import_as_the_same_deputies(clerk: Api) -> None:
    """The sample files a trainer finds in the package (voting/data/) and on the console's import screen."""
    imported = []
    for ext in ("csv", "xlsx"):
        response = clerk.client.get(f"/api/v1/meetings/roster-sample.{ext}")
        assert response.status_code == 200
        assert response.data == sample_roster(ext)
        assert response.headers["Content-Disposition"] == f'attachment; filename="sample-roster.{ext}"'
        mid = new_meeting(clerk)
        assert upload(clerk, mid, response.data, f"sample-roster.{ext}") == {"imported": 30}
        imported.append(roster(clerk, mid))
    assert imported[0] == imported[1]
    assert all(name and delegation for _, name, delegation in imported[0])
    book = load_workbook(io.BytesIO(sample_roster("xlsx")))
    assert [c.data_type for row in book.active.iter_rows() for c in row if isinstance(c.value, str)].count("f") == 0
