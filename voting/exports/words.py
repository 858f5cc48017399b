"""Sentences the forms of the tally sheet share (PDF, XLSX): the reconciliation, the next round,
the round's heading, and the status line; so the forms word the same facts alike.

Each is one gettext message (``voting.language``) rendered in the language asked for:
``zh`` or ``en``, the forms printing both side by side."""

from __future__ import annotations

import datetime as dt

from voting.exports.sheet import KIND_EN, KIND_ZH, RoundSheet, TallySheet
from voting.language import translations
from voting.localtime import for_people

WRAPPERS = (("“", "”"), ("「", "」"), ('"', '"'))
"""Quotes that may already wrap a whole title."""


def quoted(title: str) -> str:
    """A title in quotes, once: one already wholly in “” or 「」 is left as it is; quotes inside a title
    become the inner quotes ‘’ (第4号“‘阳光老人家’项目”, never ““阳光老人家”项目”)."""
    for opening, closing in WRAPPERS:
        inner = title[len(opening) : -len(closing)]
        if len(title) > 2 and title.startswith(opening) and title.endswith(closing) and closing not in inner:
            return title
    inner = title.replace("“", "‘").replace("”", "’")
    while inner.count('"') >= 2:
        inner = inner.replace('"', "‘", 1).replace('"', "’", 1)
    return f"“{inner}”"


def when(sheet: TallySheet, instant: dt.datetime, language: str) -> str:
    """An instant on the sitting's clock, zone named: 2020-01-08 07:00 北京时间."""
    return for_people(instant, sheet.time_zone, language)


def kind_name(kind: str, language: str) -> str:
    """A round's kind as people name it (再次投票, tie-break)."""
    return (KIND_ZH if language == "zh" else KIND_EN).get(kind, kind)


def round_heading(r: RoundSheet, language: str) -> str:
    heading = translations(language).gettext("Round %(number)s · %(kind)s")
    return heading % {"number": r.number, "kind": kind_name(r.kind, language)}


def reconciliation(r: RoundSheet, language: str) -> tuple[str, ...]:
    """The reconciliation in words: the equation when the counts add up, else each mismatch."""
    mismatches = r.mismatches(language)
    if mismatches:
        return mismatches
    _ = translations(language).gettext
    if r.paper_issued or r.paper:
        line = _(
            "%(issued)s ballots issued and %(returned)s returned, equal; valid %(valid)s plus invalid %(invalid)s"
            " make the ballots returned. Of those returned, %(electronic)s electronic and %(paper)s paper"
            " (%(paper_issued)s paper issued)."
        )
    else:
        line = _(
            "%(issued)s ballots issued and %(returned)s returned, equal; valid %(valid)s plus invalid %(invalid)s"
            " make the ballots returned. All %(electronic)s were electronic."
        )
    counts = {
        "issued": r.ballots_issued,
        "returned": r.ballots_returned,
        "valid": r.valid,
        "invalid": r.invalid,
        "electronic": r.electronic,
        "paper": r.paper,
        "paper_issued": r.paper_issued,
    }
    return (line % counts,)


def project(sheet: TallySheet, number: int, language: str) -> str:
    """第4号“‘阳光老人家’项目”: a project as every form names it, its title quoted once."""
    zh, en = sheet.titles.get(number, ("", ""))
    title = quoted(zh if language == "zh" else en or zh)
    return translations(language).gettext("No. %(number)s %(title)s") % {"number": number, "title": title}


def next_round(sheet: TallySheet, r: RoundSheet, language: str) -> str | None:
    """What the round calls for next, or None when it calls for nothing.

    In Chinese the projects are named with their titles, in English by number.
    """
    t, seats = translations(language), r.runoff_seats
    _ = t.gettext
    if r.runoff_reason == "tie":
        line = t.ngettext(
            "Next: a tie-break round among %(projects)s for %(seats)s seat.",
            "Next: a tie-break round among %(projects)s for %(seats)s seats.",
            seats,
        )
    elif r.runoff_reason == "shortfall":
        line = t.ngettext(
            "Next: a shortfall round among %(projects)s for %(seats)s seat.",
            "Next: a shortfall round among %(projects)s for %(seats)s seats.",
            seats,
        )
    elif r.runoff_reason == "void":
        line = t.ngettext(
            "Next: a repeat round among %(projects)s for %(seats)s seat.",
            "Next: a repeat round among %(projects)s for %(seats)s seats.",
            seats,
        )
    else:
        return None
    names = (
        project(sheet, n, language) if language == "zh" else _("No. %(number)s") % {"number": n}
        for n in r.runoff_projects
    )
    return line % {"projects": _(", ").join(names), "seats": seats}


def status(sheet: TallySheet, language: str) -> str:
    _ = translations(language).gettext
    if sheet.official:
        published = when(sheet, sheet.published_at, language) if sheet.published_at else ""
        line = _("The result on this sheet was published on %(when)s and is official.") % {"when": published}
    else:
        line = _("Exported before the result was published: not the official result.")
    if sheet.training:
        line = _("A training vote: its result has no effect. %(status)s") % {"status": line}
    return line


def title(sheet: TallySheet, language: str) -> str:
    """The form's title, marks included: 演练 for training, 未公布 before publication."""
    _ = translations(language).gettext
    name, marks = (sheet.title_zh if language == "zh" else sheet.title_en or sheet.title_zh), sheet.marks(language)
    if marks:
        return _("Tally sheet: %(title)s (%(marks)s)") % {"title": name, "marks": marks}
    return _("Tally sheet: %(title)s") % {"title": name}
