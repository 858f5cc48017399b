"""Text that spreadsheets must show as text: the one home of the rules against formula injection.

A meeting name, a vote or project title or a deputy's name comes from people
and may begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return.
Excel and LibreOffice read such a value as a formula (``=HYPERLINK(...)``,
``=cmd|' /C calc'!A0``), so a sheet could show a computed value instead of the
name, or run something on the reader's machine.

- In an XLSX workbook every text cell is stored as a string (openpyxl would
  otherwise store a text beginning with ``=`` as a formula): ``text_cell``.
- In a CSV file meant for people every field beginning with one of those
  characters is prefixed with a single quote, as the OWASP "CSV injection"
  guidance recommends (``'=1+1`` reads back as the text ``'=1+1``, never as 2):
  ``csv_field``.  A reader who wants the name as entered drops that one leading
  quote.  The machine-read ballot list (DESIGN section 5) holds no such text and
  keeps its exact format.

Widths are measured here too (``display_width``): a Chinese character takes
about two of a spreadsheet's width units, a Latin letter one.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may take for the start of a formula (OWASP, "CSV injection")."""


def csv_field(value: Any) -> Any:
    """A CSV field for people: a text that a spreadsheet would read as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def text_cell(cell: Cell | MergedCell, value: Any) -> Cell | MergedCell:
    """Put ``value`` in ``cell``; a text is always a string cell, never a formula, whatever it begins with.

    The control characters that XLSX cannot hold at all (openpyxl refuses them) are
    shown as U+FFFD rather than failing the whole export.
    """
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def display_width(text: str) -> int:
    """The width of ``text`` in a spreadsheet's units: two for a wide (Chinese) character, one for others."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
