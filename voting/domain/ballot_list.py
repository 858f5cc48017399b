"""Reading the anonymous ballot list that auditors recount from (DESIGN section 5).

``ballots.csv``: UTF-8 (a BOM allowed), header ``ballot_id,approvals`` and
perhaps more columns, which the tally ignores; ``approvals`` holds the
approved projects' numbers separated by single spaces, empty for a blank
ballot.  Any bad line stops the read with an error naming it (line 1 is the
header), so that a recount never rests on part of a file.
"""

from __future__ import annotations

import bisect
import csv
import io
import itertools
import operator
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

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


def _parse_approvals(text: str, line: Callable[[], int]) -> Marks:
    """The marks of one approvals text; ``line`` says where it first stood, asked only for an error."""
    numbers: set[int] = set()
    if text:
        for token in text.split(" "):
            if not (token.isascii() and token.isdigit()):
                raise InvalidBallotList(line(), "not_a_number", token=repr(token))
            number = int(token)
            if number in numbers:
                raise InvalidBallotList(line(), "duplicate_number", project=number)
            numbers.add(number)
    return Marks(frozenset(numbers))


@dataclass(frozen=True)
class _Rows:
    """What a pass over the rows found: each row's id and approvals text, where rows start, a row that stopped it."""

    ids: list[str]
    texts: list[str]
    jumps: list[tuple[int, int]]
    """(row index, line) from which rows start further down than one line each (a quoted field spanned lines)."""
    failure: InvalidBallotList | None

    def line_of(self, index: int) -> int:
        """The line row ``index`` starts on (the header is line 1, the first row line 2)."""
        at = bisect.bisect_right(self.jumps, (index, sys.maxsize)) - 1
        if at < 0:
            return index + 2
        jump_index, jump_line = self.jumps[at]
        return jump_line + (index - jump_index)

    def first_line(self, text: str) -> int:
        """The line an approvals text first stands on (looked up only for an error)."""
        return self.line_of(self.texts.index(text))

    def first_bad_id(self) -> InvalidBallotList | None:
        """An empty or repeated ballot_id, the earliest; checked in bulk, since a valid list has none."""
        if self.ids and self.ids[0] and all(map(operator.lt, self.ids, itertools.islice(self.ids, 1, None))):
            return None  # strictly ascending, as the export writes them: none empty, none repeated
        unique = set(self.ids)
        empty = self.ids.index("") if "" in unique else None
        repeated = None
        if len(unique) != len(self.ids):
            seen: set[str] = set()
            for index, ballot_id in enumerate(self.ids):
                if ballot_id in seen:
                    repeated = index
                    break
                seen.add(ballot_id)
        if empty is not None and (repeated is None or empty < repeated):
            return InvalidBallotList(self.line_of(empty), "empty_ballot_id")
        if repeated is not None:
            ballot_id = self.ids[repeated]
            return InvalidBallotList(self.line_of(repeated), "duplicate_ballot_id", ballot_id=repr(ballot_id))
        return None


def _scan(rows: Any) -> _Rows:
    """One tight pass over the rows, checking nothing it can check in bulk afterwards.

    This loop is most of a million-ballot recount's time (docs/performance.md).
    """
    ids: list[str] = []
    texts: list[str] = []
    id_append = ids.append
    text_append = texts.append
    jumps: list[tuple[int, int]] = []
    end = 1  # the line the previous row ended on
    start = 2
    try:
        for index, row in enumerate(rows):
            start = end + 1
            end = rows.line_num
            if end != start:
                jumps.append((index + 1, end + 1))
            id_append(row[0])
            text_append(row[1])
    except IndexError:
        del ids[len(texts) :]
        return _Rows(
            ids,
            texts,
            jumps,
            InvalidBallotList(start, "missing_column"),
        )
    except (csv.Error, UnicodeDecodeError) as exc:
        return _Rows(ids, texts, jumps, InvalidBallotList(end + 1, "unreadable", detail=str(exc)))
    return _Rows(ids, texts, jumps, None)


def _stray(parsed: dict[str, Marks], allowed: frozenset[int], count: int, rows: _Rows) -> InvalidBallotList | None:
    """The first approvals text (in the order of first appearance) naming a project not on this round's ballot."""
    stray_text = next((text for text, marks in parsed.items() if not marks.approvals <= allowed), None)
    if stray_text is None:
        return None
    number = min(parsed[stray_text].approvals - allowed)
    line = rows.first_line(stray_text)
    if not 1 <= number <= count:
        return InvalidBallotList(line, "out_of_range", project=number, candidates=count)
    return InvalidBallotList(line, "not_on_ballot", project=number)


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
        raise InvalidBallotList(1, "empty_ballot_list") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InvalidBallotList(1, "unreadable", detail=str(exc)) from None
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    if tuple(header[:2]) != HEADER:
        raise InvalidBallotList(1, "bad_header", found=repr(",".join(header)))

    scanned = _scan(rows)
    failures = [f for f in (scanned.failure, scanned.first_bad_id()) if f is not None]
    # Each distinct approvals text is parsed once, in the order of first appearance,
    # so that the first bad one is also the one on the earliest line.
    tally_of_texts = Counter(scanned.texts)  # in the order of first appearance
    parsed: dict[str, Marks] = {}
    for text in tally_of_texts:
        try:
            parsed[text] = _parse_approvals(text, partial(scanned.first_line, text))
        except InvalidBallotList as exc:
            failures.append(exc)
            break

    highest = max((max(m.approvals) for m in parsed.values() if m.approvals), default=0)
    count = candidates if candidates is not None else highest
    on_ballot = tuple(sorted(projects)) if projects is not None else tuple(range(1, count + 1))
    stray = _stray(parsed, frozenset(on_ballot), count, scanned)
    if stray is not None:
        failures.append(stray)
    if failures:
        raise min(failures, key=lambda failure: failure.line)

    counts: Counter[Marks] = Counter()
    for text, n in tally_of_texts.items():
        counts[parsed[text]] += n
    return BallotList(counts=dict(counts), cast=len(scanned.texts), projects=on_ballot)


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
