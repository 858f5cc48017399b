"""The files publication fixes: the tally sheet's forms, the announcements, and the bundle's own verifier.

``render_forms`` renders the five downloads from one ``TallySheet``: before
publication at each download (marked 未公布 / UNOFFICIAL), and once, at
publication, to be stored (``voting.services.official``) and served byte for
byte ever after.  ``verifier_files`` are the sources of the standard-library
verifier the bundle ships (``verifier/verify.py``): the domain's own pure
modules and the bundle checker, so that the recount the auditor runs with
nothing but Python is the very code of ``voting verify-bundle``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from voting.exports.sheet import TallySheet

KINDS = ("tally-sheet.pdf", "tally-sheet.xlsx", "tally-sheet.csv", "announcement-zh.txt", "announcement-en.txt")
"""The downloads, by the name they end in; ``announcement-*`` end, once published, with the head line."""

VERIFIER = "verifier"
"""The kind of the verifier's files, and the folder they are in inside the bundle."""

READ_OUT = {"announcement-zh.txt": "zh", "announcement-en.txt": "en"}
"""The forms whose stored bytes end with the publication's head (``bundle_format.head_line``), by language."""

_PACKAGE = Path(__file__).resolve().parent.parent
_VERIFIER_SOURCES = (
    "__init__.py",
    *(
        f"domain/{name}"
        for name in (
            "__init__.py",
            "audit_chain.py",
            "audit_event.py",
            "audit_events.py",
            "ballot.py",
            "ballot_list.py",
        )
    ),
    *(f"domain/{name}" for name in ("errors.py", "messages.py", "recount.py", "rules.py", "tally.py", "vote.py")),
    "exports/__init__.py",
    *(f"exports/{name}" for name in ("bundle_audit.py", "bundle_check.py", "bundle_format.py", "bundle_report.py")),
)
"""What ``voting.exports.standalone`` imports, transitively: the standard library and nothing else."""


@dataclass(frozen=True)
class Form:
    kind: str
    name: str
    """Its path in the verification bundle; its base name is the download's file name."""
    data: bytes


def form_name(sheet: TallySheet, kind: str) -> str:
    stem, ext = kind.rsplit(".", 1)
    return f"tally-sheet/{sheet.file_stem().replace('tally-sheet', stem, 1)}.{ext}"


def render_form(sheet: TallySheet, kind: str) -> Form:
    # The renderers load openpyxl: only when a form is rendered, so that ``voting verify-bundle``, which imports
    # this module's bundle, loads no such library (test_bundle.py, test_verifying_imports_no_database...).
    from voting.exports.announcement import announcement
    from voting.exports.csv_sheet import render_csv
    from voting.exports.pdf import render_pdf
    from voting.exports.xlsx import render_xlsx

    if kind == "tally-sheet.pdf":
        data = render_pdf(sheet)
    elif kind == "tally-sheet.xlsx":
        data = render_xlsx(sheet)
    elif kind == "tally-sheet.csv":
        data = render_csv(sheet)
    elif kind == "announcement-zh.txt":
        data = announcement(sheet, "zh").encode("utf-8")
    else:
        data = announcement(sheet, "en").encode("utf-8")
    return Form(kind, form_name(sheet, kind), data)


def render_forms(sheet: TallySheet) -> list[Form]:
    return [render_form(sheet, kind) for kind in KINDS]


def verifier_files() -> list[Form]:
    """The standard-library verifier: ``verifier/verify.py`` and the package modules it runs."""
    files = [Form(VERIFIER, f"{VERIFIER}/verify.py", (_PACKAGE / "exports" / "standalone.py").read_bytes())]
    files += [Form(VERIFIER, f"{VERIFIER}/voting/{p}", (_PACKAGE / p).read_bytes()) for p in _VERIFIER_SOURCES]
    return files
