"""Importing a meeting's roster of deputies from CSV or XLSX.

All or nothing: every row is checked first, and if any is bad the report
lists every bad row and nothing is imported, so that a clerk fixes the file
once rather than finding half a roster in the system.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from openpyxl import load_workbook
from sqlmodel import Session, select

from voting.domain.audit_events import RosterImported
from voting.services import audit
from voting.services.auth import Actor
from voting.services.errors import InvalidInput
from voting.services.records import get
from voting.store.models import Deputy, Meeting

COLUMNS = {"number": ("number", "编号", "座号"), "name": ("name", "姓名"), "delegation": ("delegation", "代表团")}
MAX_NAME = 100
WHOLE = re.compile(r"([0-9]+)(?:\.0+)?")
"""A roster number: "12", or the "12.0" a spreadsheet may hand back."""


SAMPLE = "data/sample-roster"
"""The sample roster a trainer tries the import with (``.csv`` and ``.xlsx``, the same 30 made-up deputies)."""


def sample_roster(ext: str) -> bytes:
    """The shipped sample roster file, ``csv`` or ``xlsx``."""
    return files("voting").joinpath(f"{SAMPLE}.{ext}").read_bytes()


@dataclass(frozen=True)
class RosterRow:
    line: int
    number: int
    name: str
    delegation: str


@dataclass(frozen=True)
class RowProblem:
    row: int
    """The row in the file, the header being row 1."""
    field: str
    code: str
    """Worded as the message ``row.<code>`` (``voting.domain.messages``), with ``row`` and ``params``."""
    params: dict[str, Any]


def _cells_from_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("roster_not_utf8", field="file") from None
    return [row for row in csv.reader(io.StringIO(text, newline=""))]


def _cells_from_xlsx(data: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise InvalidInput("roster_unreadable", field="file") from None
    sheet = workbook.worksheets[0]
    rows = [["" if cell is None else str(cell).strip() for cell in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def read_roster(filename: str, data: bytes) -> tuple[list[RosterRow], list[RowProblem]]:
    """The rows of a roster file and the problems with them (the rows count only if there are none)."""
    if filename.lower().endswith(".xlsx"):
        cells = _cells_from_xlsx(data)
    elif filename.lower().endswith(".csv"):
        cells = _cells_from_csv(data)
    else:
        raise InvalidInput("roster_format", field="file")
    cells = [row for row in cells if any(cell.strip() for cell in row)]
    if any("\x00" in cell for row in cells for cell in row):  # PostgreSQL's text cannot hold one
        raise InvalidInput("roster_nul", field="file")
    if not cells:
        raise InvalidInput("roster_empty", field="file")
    header = [cell.strip().lower() for cell in cells[0]]
    index: dict[str, int] = {}
    for key, names in COLUMNS.items():
        for position, cell in enumerate(header):
            if cell in names:
                index[key] = position
    missing = [key for key in ("number", "name") if key not in index]
    if missing:
        raise InvalidInput(
            "roster_header",
            field="file",
            missing=missing[0],
        )
    return _rows(cells[1:], index)


def _rows(cells: Sequence[Sequence[str]], index: dict[str, int]) -> tuple[list[RosterRow], list[RowProblem]]:
    rows: list[RosterRow] = []
    problems: list[RowProblem] = []
    seen: dict[int, int] = {}

    def cell(row: Sequence[str], key: str) -> str:
        position = index.get(key)
        return row[position].strip() if position is not None and position < len(row) else ""

    for line, row in enumerate(cells, start=2):
        number_text, name, delegation = cell(row, "number"), cell(row, "name"), cell(row, "delegation")
        whole = WHOLE.fullmatch(number_text)
        number = int(whole.group(1)) if whole else None
        if number is None or number < 1:
            problems.append(RowProblem(line, "number", "bad_number", {"number": repr(number_text)}))
        elif number in seen:
            problems.append(RowProblem(line, "number", "duplicate_number", {"number": number, "other": seen[number]}))
        else:
            seen[number] = line
        if not name:
            problems.append(RowProblem(line, "name", "empty_name", {}))
        elif len(name) > MAX_NAME:
            problems.append(RowProblem(line, "name", "name_too_long", {"limit": MAX_NAME}))
        if number is not None and number >= 1 and name and len(name) <= MAX_NAME:
            rows.append(RosterRow(line, number, name, delegation[:100]))
    return rows, problems


def import_roster(
    session: Session, meeting_id: int, rows: Iterable[RosterRow], problems: list[RowProblem], *, by: Actor
) -> int:
    """Add the rows to the meeting's roster, or nothing if any row is bad or clashes with a deputy already there."""
    get(session, Meeting, meeting_id, what="meeting")  # NotFound unless the meeting exists
    existing = set(session.exec(select(Deputy.number).where(Deputy.meeting_id == meeting_id)).all())
    rows = list(rows)
    clashes = [
        RowProblem(row.line, "number", "number_taken", {"number": row.number}) for row in rows if row.number in existing
    ]
    if problems or clashes:
        report = sorted([*problems, *clashes], key=lambda p: (p.row, p.field))
        raise RosterRejected(report)
    for row in rows:
        session.add(Deputy(meeting_id=meeting_id, number=row.number, name=row.name, delegation=row.delegation))
    audit.record(session, RosterImported(meeting_id=meeting_id, deputies=len(rows)), actor=by)
    return len(rows)


class RosterRejected(InvalidInput):
    """A roster with bad rows: the report lists them all, and nothing was imported."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("roster_rejected", field="file", rows=len(problems))
        self.problems = problems
