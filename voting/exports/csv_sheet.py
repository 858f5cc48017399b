"""The tally sheet as CSV: one table, one row per (round, project), for Excel and for programs.

UTF-8 with a byte-order mark (so that Excel opens the Chinese correctly), comma
separated, CRLF line ends, a single header row and nothing else: no preamble, so
that ``csv.DictReader`` (after the BOM) and Excel both read it as one table.
The round's attendance and reconciliation numbers are repeated on each of its
rows, so every row stands alone.  Columns:

- ``vote_id``; ``training`` and ``official`` (1 or 0: a training vote; a
  published result; the file name carries TRAINING / UNOFFICIAL too);
- per round: ``round`` (1, 2, …), ``kind`` (first, tie_break, shortfall,
  revote) and ``kind_zh``, ``seats``, ``deputy_count`` (应到), ``deputies_present``
  (实到), ``ballots_issued``, ``ballots_returned``, ``valid``, ``invalid``,
  ``electronic``, ``paper`` (paper ballots returned), ``paper_issued``,
  ``void`` (1 or 0), ``threshold`` (the fewest approvals that pass),
  ``reconciled`` (1 when issued = returned = valid + invalid = electronic + paper),
  ``next_round`` (tie, shortfall, void, or empty) and ``next_round_seats``;
- per project: ``number``, ``title_zh``, ``title_en``, ``approvals``,
  ``opposes``, ``abstains``, ``no_choice`` (the last three are 0 on an
  approve-only ballot), ``rate`` (票决率, approvals over deputies present, as the
  hall hears it: ``56.52%``), ``status`` (selected, tied, not_selected,
  below_threshold) and ``status_zh``, ``rank`` (the order it was selected in
  this round, most approved first, or empty), ``in_next_round`` (1 or 0);
- for the vote: ``vote_rank`` (its place among the vote's selected projects, in
  the order the seats were won, or empty); ``published_at``, when the result was
  published, in ISO 8601 on the sitting's clock with its offset
  (``2020-01-08T07:00:00+08:00``: a program reads the instant, a person the local
  date), or empty before publication.

Whole numbers are written as digits, so a reader converts them with ``int``.
A text field that a spreadsheet would take for a formula (it begins with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return: a title such as ``=1+1``) is
written with a single quote before it (``'=1+1``), as the OWASP "CSV injection"
guidance recommends (``spreadsheet.csv_field``); drop that one quote to get the
text as entered.
"""

from __future__ import annotations

import csv
import io

from voting.exports.sheet import KIND_ZH, STATUS_ZH, TallySheet
from voting.exports.spreadsheet import csv_field
from voting.localtime import local_iso

COLUMNS = (
    "vote_id",
    "training",
    "official",
    "round",
    "kind",
    "kind_zh",
    "seats",
    "deputy_count",
    "deputies_present",
    "ballots_issued",
    "ballots_returned",
    "valid",
    "invalid",
    "electronic",
    "paper",
    "paper_issued",
    "void",
    "threshold",
    "reconciled",
    "next_round",
    "next_round_seats",
    "number",
    "title_zh",
    "title_en",
    "approvals",
    "opposes",
    "abstains",
    "no_choice",
    "rate",
    "status",
    "status_zh",
    "rank",
    "in_next_round",
    "vote_rank",
    "published_at",
)


def render_csv(sheet: TallySheet) -> bytes:
    """The sheet as CSV bytes: UTF-8 with a BOM, one row per (round, project)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    vote_rank = {n: i for i, n in enumerate(sheet.selected, start=1)}
    published_at = local_iso(sheet.published_at, sheet.time_zone) if sheet.published_at else ""
    for r in sheet.rounds:
        rank = {n: i for i, n in enumerate(r.selected, start=1)}
        reconciled = not r.mismatches_zh
        for p in r.projects:
            writer.writerow(
                csv_field(value)
                for value in (
                    sheet.vote_id,
                    int(sheet.training),
                    int(sheet.official),
                    r.number,
                    r.kind,
                    KIND_ZH.get(r.kind, r.kind),
                    r.seats,
                    r.deputy_count,
                    r.deputies_present,
                    r.ballots_issued,
                    r.ballots_returned,
                    r.valid,
                    r.invalid,
                    r.electronic,
                    r.paper,
                    r.paper_issued,
                    int(r.void),
                    r.threshold,
                    int(reconciled),
                    r.runoff_reason or "",
                    r.runoff_seats if r.runoff_reason else "",
                    p.number,
                    p.title_zh,
                    p.title_en,
                    p.approvals,
                    p.opposes,
                    p.abstains,
                    p.no_choice,
                    p.rate_text,
                    p.status,
                    STATUS_ZH.get(p.status, p.status),
                    rank.get(p.number, ""),
                    int(p.number in r.runoff_projects),
                    vote_rank.get(p.number, "") if p.status == "selected" else "",
                    published_at,
                )
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
