"""Which characters of a tally sheet no installed font can draw (issue 15: rare characters).

A deputy's name may hold a character outside the CJK fonts' usual range, such as
𪚥 (U+2A6A5, CJK Extension B).  The PDF's font stack falls back from Noto CJK to
HanaMin A and B (Debian's fonts-hanazono, which covers Extension B and beyond;
``scripts/setup.sh`` installs it); a character that no installed font covers at
all would still print as an empty box (the .notdef glyph) on the signature line.
So at export the clerk is told which characters those are, and in which texts,
to correct them by hand on the signed paper or to install a font that has them.

Coverage is what fontconfig says of every installed font (``fc-list``'s charset,
the same data Pango chooses its fallback fonts by), read once per process:
``load`` reads it before a server's worker serves, because a gevent worker may
start a subprocess only from its event loop's thread (``pdf.load_renderer``).
"""

from __future__ import annotations

import bisect
import subprocess
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from voting.exports.sheet import TallySheet


@dataclass(frozen=True)
class Coverage:
    """The code points some installed font covers, as sorted, disjoint, inclusive ranges."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def covers(self, character: str) -> bool:
        point = ord(character)
        at = bisect.bisect_right(self.starts, point) - 1
        return at >= 0 and point <= self.ends[at]


def parse_charsets(lines: Iterable[str]) -> Coverage:
    """Coverage from fontconfig charsets, one font per line: hex code points and ranges (``20-7e 3000``)."""
    ranges: list[tuple[int, int]] = []
    for line in lines:
        for part in line.split():
            first, _, last = part.partition("-")
            ranges.append((int(first, 16), int(last or first, 16)))
    ranges.sort()
    merged: list[list[int]] = []
    for low, high in ranges:
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return Coverage(tuple(r[0] for r in merged), tuple(r[1] for r in merged))


@cache
def coverage() -> Coverage:
    """What the installed fonts cover, read from fontconfig once per process."""
    listed = subprocess.run(
        ["fc-list", "--format", "%{charset}\n"], capture_output=True, text=True, check=True, timeout=30
    )
    return parse_charsets(listed.stdout.splitlines())


def load() -> None:
    """Read the fonts' coverage now, from the thread that may start a subprocess (``pdf.load_renderer``)."""
    coverage()


@dataclass(frozen=True)
class MissingGlyph:
    character: str
    codepoint: str
    """As U+XXXX."""
    texts: tuple[str, ...]
    """The texts of the sheet it occurs in (a name, a title), in the order the sheet prints them."""


def printed_texts(sheet: TallySheet) -> list[str]:
    """The texts of a sheet that come from people: the meeting, the vote, the projects, the scrutineers."""
    texts = [sheet.meeting_zh, sheet.meeting_en, sheet.plenary_zh, sheet.title_zh, sheet.title_en]
    texts += [title for pair in sheet.titles.values() for title in pair]
    texts += [sheet.chief_scrutineer, *sheet.scrutineers]
    return [text for text in texts if text]


def missing_glyphs(sheet: TallySheet, fonts: Coverage | None = None) -> list[MissingGlyph]:
    """Each character of the sheet's texts that no installed font draws, with the texts it is in."""
    fonts = fonts or coverage()
    found: dict[str, list[str]] = {}
    for text in printed_texts(sheet):
        for character in text:
            if unicodedata.category(character) in ("Cc", "Zs", "Zl", "Zp") or fonts.covers(character):
                continue
            places = found.setdefault(character, [])
            if text not in places:
                places.append(text)
    return [MissingGlyph(c, f"U+{ord(c):04X}", tuple(texts)) for c, texts in found.items()]
