"""read_ballot_list: the fixed ballots.csv format of DESIGN section 5, and errors that name the line."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from voting.domain import InvalidBallotList, Marks, read_ballot_list
from voting.domain.ballot_list import BallotList


def read(text: str, **kwargs: object) -> BallotList:
    return read_ballot_list(io.StringIO(text), **kwargs)  # type: ignore[arg-type]


def fails(text: str, **kwargs: object) -> InvalidBallotList:
    with pytest.raises(InvalidBallotList) as info:
        read(text, **kwargs)
    return info.value


def m(*numbers: int) -> Marks:
    return Marks.approving(*numbers)


# --- good lists ----------------------------------------------------------------------------------------------


def test_plain_list() -> None:
    ballots = read("ballot_id,approvals\nb1,1 2\nb2,3\nb3,2 1\n")
    assert ballots.cast == 3
    # "1 2" and "2 1" are the same ballot, counted together.
    assert ballots.counts == {m(1, 2): 2, m(3): 1}
    # Candidates default to the highest number seen, the round's ballot to 1..that.
    assert ballots.projects == (1, 2, 3)


def test_header_with_bom() -> None:
    ballots = read("\ufeffballot_id,approvals\nb1,1\n")
    assert ballots.counts == {m(1): 1}


def test_bom_only_allowed_at_the_start_of_the_header() -> None:
    error = fails("ballot_id,\ufeffapprovals\nb1,1\n")
    assert (error.line, error.code) == (1, "bad_header")


def test_no_trailing_newline_and_crlf() -> None:
    assert read("ballot_id,approvals\r\nb1,1 2\r\nb2,2").counts == {m(1, 2): 1, m(2): 1}


@pytest.mark.parametrize(
    "header", ["approvals,ballot_id", "id,approvals", "ballot_id", "", "Ballot_ID,approvals", "ballot_id;approvals"]
)
def test_wrong_header_is_line_1(header: str) -> None:
    error = fails(f"{header}\nb1,1\n")
    assert error.line == 1
    assert error.code == "bad_header"
    assert error.field == "ballots"
    assert error.params["line"] == 1
    assert str(error).startswith("line 1:")


def test_empty_file_is_line_1() -> None:
    error = fails("")
    assert (error.line, error.code) == (1, "empty_ballot_list")


def test_extra_columns_are_ignored() -> None:
    ballots = read("ballot_id,approvals,channel,note\nb1,1 2,paper,x\nb2,2,electronic,\nb3,3\n")
    assert ballots.counts == {m(1, 2): 1, m(2): 1, m(3): 1}
    assert ballots.cast == 3


def test_blank_ballot() -> None:
    ballots = read("ballot_id,approvals\nb1,\nb2,1\nb3,\n", candidates=4)
    assert ballots.counts == {Marks(frozenset()): 2, m(1): 1}
    assert ballots.cast == 3
    assert ballots.projects == (1, 2, 3, 4)


def test_only_blank_ballots_and_no_candidates_means_no_projects() -> None:
    ballots = read("ballot_id,approvals\nb1,\nb2,\n")
    assert ballots.counts == {Marks(frozenset()): 2}
    assert ballots.projects == ()


def test_header_only() -> None:
    ballots = read("ballot_id,approvals\n", candidates=12)
    assert (ballots.cast, ballots.counts, ballots.projects) == (0, {}, tuple(range(1, 13)))


def test_interning_counts_identical_ballots() -> None:
    rows = [f"b{i},{'1 2 3' if i % 3 else '4'}" for i in range(300)]
    ballots = read("ballot_id,approvals\n" + "\n".join(rows) + "\n")
    assert ballots.cast == 300
    assert ballots.counts == {m(1, 2, 3): 200, m(4): 100}
    assert sum(ballots.counts.values()) == ballots.cast


def test_invalid_over_approved_ballot_is_still_read() -> None:
    # The list holds invalid ballots too; the tally, not the reader, decides validity.
    ballots = read("ballot_id,approvals\nb1,1 2 3 4 5\n")
    assert ballots.counts == {m(1, 2, 3, 4, 5): 1}


def test_leading_zero_is_the_same_number() -> None:
    assert read("ballot_id,approvals\nb1,01 2\n").counts == {m(1, 2): 1}


def test_candidates_and_projects() -> None:
    ballots = read("ballot_id,approvals\nb1,3\nb2,5\n", candidates=6, projects=[5, 3])
    assert ballots.projects == (3, 5)
    assert ballots.counts == {m(3): 1, m(5): 1}


def test_quoted_fields() -> None:
    ballots = read('ballot_id,approvals\n"b,1","1 2"\n')
    assert ballots.counts == {m(1, 2): 1}


# --- bad lines ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("approvals", ["a", "1 x", "1,5", "-1", "1.5", "1  2", " 1", "1 ", "١", "²"])
def test_non_number(approvals: str) -> None:
    # Line 1 header, line 2 good, line 3 bad.
    text = f'ballot_id,approvals\nb1,1\nb2,"{approvals}"\nb3,2\n'
    error = fails(text)
    assert error.line == 3
    assert error.code == "not_a_number"
    assert "line 3" in str(error)


def test_duplicate_number_in_a_ballot() -> None:
    error = fails("ballot_id,approvals\nb1,1 2\nb2,3 1 3\n")
    assert (error.line, error.code) == (3, "duplicate_number")


def test_duplicate_ballot_id() -> None:
    error = fails("ballot_id,approvals\nb1,1\nb2,2\nb3,3\nb2,4\n")
    assert (error.line, error.code) == (5, "duplicate_ballot_id")


def test_empty_ballot_id() -> None:
    error = fails("ballot_id,approvals\nb1,1\n,2\n")
    assert (error.line, error.code) == (3, "empty_ballot_id")


@pytest.mark.parametrize("row", ["b2", "", "b2 1"])
def test_missing_column(row: str) -> None:
    error = fails(f"ballot_id,approvals\nb1,1\n{row}\nb3,2\n")
    assert (error.line, error.code) == (3, "missing_column")


def test_out_of_range_with_candidates() -> None:
    error = fails("ballot_id,approvals\nb1,1 12\nb2,1 13\n", candidates=12)
    assert (error.line, error.code) == (3, "out_of_range")


def test_zero_is_out_of_range() -> None:
    error = fails("ballot_id,approvals\nb1,1\nb2,0 1\n")
    assert (error.line, error.code) == (3, "out_of_range")


def test_out_of_range_names_the_first_line_with_that_ballot() -> None:
    # The same bad text on lines 3 and 5 is reported at line 3, the first one.
    error = fails("ballot_id,approvals\nb1,1\nb2,1 9\nb3,2\nb4,1 9\n", candidates=4)
    assert error.line == 3


def test_out_of_range_reports_the_earliest_line_of_several() -> None:
    error = fails("ballot_id,approvals\nb1,1\nb2,7\nb3,2\nb4,6\n", candidates=5)
    assert error.line == 3
    error = fails("ballot_id,approvals\nb1,1\nb2,6\nb3,2\nb4,7\n", candidates=5)
    assert error.line == 3


def test_project_not_on_the_rounds_ballot() -> None:
    # Tie-break round between 3 and 4 of 12: project 5 is in range but not on this ballot.
    error = fails("ballot_id,approvals\nb1,3\nb2,4\nb3,5\n", candidates=12, projects=[3, 4])
    assert (error.line, error.code) == (4, "not_on_ballot")


def test_not_on_ballot_without_candidates() -> None:
    # Candidates default to the highest number seen (5), so 5 is in range but not on the ballot [3, 4].
    error = fails("ballot_id,approvals\nb1,3\nb2,5\n", projects=[3, 4])
    assert (error.line, error.code) == (3, "not_on_ballot")


# --- the earliest bad line wins -------------------------------------------------------------------------------


def test_earliest_bad_line_wins_out_of_range_before_duplicate_id() -> None:
    # Line 3: out of range; line 5: duplicate id.  The out-of-range check runs after the read, yet line 3 wins.
    text = "ballot_id,approvals\nb1,1\nb2,1 9\nb3,2\nb1,3\n"
    error = fails(text, candidates=5)
    assert (error.line, error.code) == (3, "out_of_range")


def test_earliest_bad_line_wins_duplicate_id_before_out_of_range() -> None:
    text = "ballot_id,approvals\nb1,1\nb1,2\nb3,2\nb4,9\n"
    error = fails(text, candidates=5)
    assert (error.line, error.code) == (3, "duplicate_ballot_id")


def test_earliest_bad_line_wins_non_number_before_missing_column() -> None:
    text = "ballot_id,approvals\nb1,1\nb2,x\nb3\n"
    error = fails(text)
    assert (error.line, error.code) == (3, "not_a_number")


def test_earliest_bad_line_wins_empty_id_before_non_number() -> None:
    text = "ballot_id,approvals\nb1,1\n,2\nb3,x\n"
    error = fails(text)
    assert (error.line, error.code) == (3, "empty_ballot_id")


def test_earliest_bad_line_wins_out_of_range_before_non_number() -> None:
    text = "ballot_id,approvals\nb1,1\nb2,9\nb3,x\n"
    error = fails(text, candidates=5)
    assert (error.line, error.code) == (3, "out_of_range")


def test_earliest_bad_line_wins_non_number_before_out_of_range() -> None:
    text = "ballot_id,approvals\nb1,1\nb2,x\nb3,9\n"
    error = fails(text, candidates=5)
    assert (error.line, error.code) == (3, "not_a_number")


def test_earliest_bad_line_wins_duplicate_number_before_not_on_ballot() -> None:
    text = "ballot_id,approvals\nb1,3\nb2,3 3\nb3,5\n"
    error = fails(text, candidates=5, projects=[3, 4])
    assert (error.line, error.code) == (3, "duplicate_number")
    text = "ballot_id,approvals\nb1,3\nb2,5\nb3,3 3\n"
    error = fails(text, candidates=5, projects=[3, 4])
    assert (error.line, error.code) == (3, "not_on_ballot")


def test_a_bad_text_seen_first_on_a_good_line_cannot_be() -> None:
    # A text is either good or bad wherever it stands; a repeated bad text is reported where it first appears,
    # even when a different bad line comes between its two appearances.
    text = "ballot_id,approvals\nb1,1\nb2,1 1\nb3,x\nb4,1 1\n"
    error = fails(text)
    assert (error.line, error.code) == (3, "duplicate_number")


def test_nothing_is_returned_when_a_line_is_bad() -> None:
    # A bad last line stops the whole read: no partial result.
    rows = "".join(f"b{i},1 2\n" for i in range(1000))
    error = fails("ballot_id,approvals\n" + rows + "b1000,1 x\n")
    assert error.line == 1002


# --- unreadable input and line numbers ------------------------------------------------------------------------


def test_unreadable_line_is_named() -> None:
    # A bare carriage return inside an unquoted field is not CSV.
    error = fails("ballot_id,approvals\nb1,1\nb2,1\r2\n")
    assert (error.line, error.code) == (3, "unreadable")


def test_undecodable_line_is_named() -> None:
    def lines() -> Iterator[str]:
        yield "ballot_id,approvals\n"
        yield "b1,1\n"
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")

    with pytest.raises(InvalidBallotList) as info:
        read_ballot_list(lines())
    assert (info.value.line, info.value.code) == (3, "unreadable")


def test_line_numbers_count_lines_not_rows() -> None:
    # A quoted ballot_id spanning lines 2-3 is legal CSV; the bad row after it stands on line 4.
    error = fails('ballot_id,approvals\n"b\n1",1\nb2,x\n')
    assert (error.line, error.code) == (4, "not_a_number")
    error = fails('ballot_id,approvals\n"b\n1",1\nb2,1\n"b\n1",2\n')
    assert (error.line, error.code) == (5, "duplicate_ballot_id")
