"""Reading the anonymous ballot list that auditors recount from (DESIGN section 5).

``ballots.csv``: UTF-8 (a BOM allowed), header ``ballot_id,approvals`` and
perhaps more columns, which the tally ignores; ``approvals`` holds the
approved projects' numbers separated by single spaces, empty for a blank
ballot.  Any bad line stops the read with an error naming it (line 1 is the
header), so that a recount never rests on part of a file.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from voting.domain.ballot import Marks
from voting.domain.errors import InvalidBallotList

HEADER = ("ballot_id", "approvals")


@dataclass(frozen=True)
class BallotList:
    counts: dict[Marks, int]
    """How many ballots say each thing; what ``tally_counts`` takes."""
    cast: int
    projects: tuple[int, ...]
    """The projects on the round's ballot the list was checked against."""


def _parse_approvals(text: str, line: int) -> Marks:
    numbers: set[int] = set()
    if text:
        for token in text.split(" "):
            if not (token.isascii() and token.isdigit()):
                raise InvalidBallotList(line, f"{token!r} is not a project number", code="not_a_number")
            number = int(token)
            if number in numbers:
                raise InvalidBallotList(line, f"project {number} is approved twice", code="duplicate_number")
            numbers.add(number)
    return Marks(frozenset(numbers))


def read_ballot_list(
    lines: Iterable[str], *, candidates: int | None = None, projects: Sequence[int] | None = None
) -> BallotList:
    """Read and check a ballot list.

    ``candidates`` defaults to the highest project number seen and ``projects``
    (this round's ballot) to 1..candidates, as ``voting tally`` fixes them.
    Raises ``InvalidBallotList`` naming the first bad line.
    """
    rows = csv.reader(lines)
    try:
        header = next(rows)
    except StopIteration:
        raise InvalidBallotList(
            1, "the file is empty; expected the header ballot_id,approvals", code="bad_header"
        ) from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InvalidBallotList(1, f"unreadable: {exc}", code="unreadable") from None
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    if tuple(header[:2]) != HEADER:
        raise InvalidBallotList(
            1, f"expected the header ballot_id,approvals, found {','.join(header)!r}", code="bad_header"
        )

    # Each distinct approvals text is parsed once, and remembered with the first
    # line it stood on, so that a number out of range can still name a line.
    first_line: dict[str, int] = {}
    texts: Counter[str] = Counter()
    seen_ids: set[str] = set()
    failure: InvalidBallotList | None = None
    while True:
        line = rows.line_num + 1  # where this row starts: a quoted field may span lines
        try:
            row = next(rows)
        except StopIteration:
            break
        except (csv.Error, UnicodeDecodeError) as exc:
            failure = InvalidBallotList(line, f"unreadable: {exc}", code="unreadable")
            break
        if len(row) < 2:
            failure = InvalidBallotList(line, "expected two columns, ballot_id and approvals", code="missing_column")
            break
        ballot_id, text = row[0], row[1]
        if not ballot_id:
            failure = InvalidBallotList(line, "the ballot_id is empty", code="empty_ballot_id")
            break
        if ballot_id in seen_ids:
            failure = InvalidBallotList(line, f"ballot_id {ballot_id!r} appears twice", code="duplicate_ballot_id")
            break
        seen_ids.add(ballot_id)
        if text not in first_line:
            first_line[text] = line
        texts[text] += 1

    parsed: dict[str, Marks] = {}
    for text, at in sorted(first_line.items(), key=lambda item: item[1]):
        try:
            parsed[text] = _parse_approvals(text, at)
        except InvalidBallotList as exc:
            if failure is None or exc.line < failure.line:
                failure = exc
            break

    highest = max((max(m.approvals) for m in parsed.values() if m.approvals), default=0)
    count = candidates if candidates is not None else highest
    on_ballot = tuple(sorted(projects)) if projects is not None else tuple(range(1, count + 1))
    allowed = frozenset(on_ballot)
    for text, marks in parsed.items():
        stray = marks.approvals - allowed
        at = first_line[text]
        if stray and (failure is None or at < failure.line):
            number = min(stray)
            if not 1 <= number <= count:
                failure = InvalidBallotList(at, f"project {number} is out of range 1..{count}", code="out_of_range")
            else:
                failure = InvalidBallotList(at, f"project {number} is not on this round's ballot", code="not_on_ballot")
    if failure is not None:
        raise failure

    counts: Counter[Marks] = Counter()
    for text, n in texts.items():
        counts[parsed[text]] += n
    return BallotList(counts=dict(counts), cast=sum(texts.values()), projects=on_ballot)


def numbers_text(numbers: frozenset[int]) -> str:
    """Project numbers as the ballot list writes them: ascending, single spaces."""
    return " ".join(str(n) for n in sorted(numbers))


def format_ballot_list(ballots: Iterable[tuple[str, Marks]], *, with_opposes: bool = False) -> str:
    """Write a ballot list in the fixed format, in the order given (the caller chooses one that reveals nothing).

    ``with_opposes`` adds the columns ``opposes`` and ``abstains`` for the
    approve/oppose/abstain style; the tally reads only ``approvals``.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*HEADER, "opposes", "abstains"] if with_opposes else HEADER)
    for ballot_id, marks in ballots:
        row = [ballot_id, numbers_text(marks.approvals)]
        if with_opposes:
            row += [numbers_text(marks.opposes), numbers_text(marks.abstains)]
        writer.writerow(row)
    return out.getvalue()
