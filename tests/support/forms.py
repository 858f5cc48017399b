"""The tally sheet's forms as a download and read back: the exports' tests and the browser's "same numbers" test
read them alike (the PDF through poppler's pdftotext, the CSV through csv)."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Download:
    body: bytes
    content_type: str
    disposition: str

    @property
    def filename(self) -> str:
        found = re.fullmatch(r'attachment; filename="([^"]+)"', self.disposition)
        assert found, self.disposition
        return found.group(1)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def pdf_text(body: bytes, tmp_path: Path) -> list[str]:
    """The PDF's text page by page, as pdftotext reads it in content order (-raw)."""
    path = tmp_path / "sheet.pdf"
    path.write_bytes(body)
    done = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    pages = done.stdout.decode("utf-8").split("\f")
    if not pages[-1].strip():
        pages.pop()  # pdftotext ends every page with a form feed
    return pages


def flat(text: str) -> str:
    """Text with every run of whitespace as one space (lines of a PDF wrap where they will)."""
    return " ".join(text.split())


def csv_rows(download: Download) -> list[dict[str, str]]:
    assert download.body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(download.body[3:].decode("utf-8"))))
