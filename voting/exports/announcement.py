"""The announcement read in the hall (宣读稿), in the words the chair of a real sitting reads.

各位代表：根据总监票人报告，应到代表327人，实到314人，符合法定人数；发出表决票314张，收回314张，
发出的票数与收回票数相等，本次票决有效 (DESIGN section 1; Lishui 2025, Sipin 2023) — then each project's
approvals and rate, then the selected projects, then when the result was published (on the sitting's
clock, zone named).  A round is named once, and only when the vote has more than one (第2轮（再次投票）);
a title is quoted once (``words.quoted``).

Each sentence is one gettext message of the server's catalog (``voting.language``), English
message ids with their plurals as said (``ngettext``), the Chinese in the zh catalog; one function
writes both languages, so the two texts cannot drift apart sentence by sentence.
"""

from __future__ import annotations

from voting.exports.sheet import RoundSheet, TallySheet
from voting.exports.words import kind_name, project, when
from voting.language import translations


def _projects(sheet: TallySheet, numbers: tuple[int, ...], language: str) -> str:
    """No. 1 “A”, No. 2 “B” and No. 3 “C”; in Chinese 第1号“甲”、第2号“乙”、第3号“丙”."""
    _ = translations(language).gettext
    names = [project(sheet, n, language) for n in numbers]
    if len(names) < 2:
        return "".join(names)
    return _("%(projects)s and %(last)s") % {"projects": _(", ").join(names[:-1]), "last": names[-1]}


def _named_rounds(sheet: TallySheet) -> bool:
    """Rounds are named when there is more than one, or when the one counted calls for another."""
    return len(sheet.rounds) > 1 or any(r.runoff_reason for r in sheet.rounds)


def _round_name(r: RoundSheet, language: str) -> str:
    _ = translations(language).gettext
    if r.kind == "first":
        return _("Round %(number)s") % {"number": r.number}
    return _("Round %(number)s (%(kind)s)") % {"number": r.number, "kind": kind_name(r.kind, language)}


def _compare(r: RoundSheet, language: str) -> str:
    _ = translations(language).gettext
    if r.ballots_returned == r.ballots_issued:
        return _("as many as were issued")
    if r.ballots_returned < r.ballots_issued:
        return _("fewer than were issued")
    return _("more than were issued")


def _when(sheet: TallySheet, language: str) -> str | None:
    """The last line: when the result was published, or before publication when the last round closed."""
    _ = translations(language).gettext
    if sheet.published_at is not None:
        return _("Published %(when)s.") % {"when": when(sheet, sheet.published_at, language)}
    last = sheet.rounds[-1] if sheet.rounds else None
    if last is None or last.closed_at is None:
        return None
    return _("Round %(number)s closed %(when)s.") % {
        "number": last.number,
        "when": when(sheet, last.closed_at, language),
    }


def _report(sheet: TallySheet, r: RoundSheet, language: str) -> str:
    """The round's first sentence: who reports, the quorum, the ballots issued and returned."""
    t = translations(language)
    _ = t.gettext
    lead = _("%(round)s. ") % {"round": _round_name(r, language)} if _named_rounds(sheet) else ""
    line = _(
        "%(lead)sAccording to %(reporter)s report, of %(deputies)s %(present)s, %(quorum)s;"
        " %(issued)s and %(returned)s returned, %(compare)s: %(valid)s."
    )
    return line % {
        "lead": lead,
        "reporter": _("the chief scrutineer's") if sheet.chief_scrutineer else _("the scrutineers'"),
        "deputies": t.ngettext("%(count)s deputy", "%(count)s deputies", r.deputy_count) % {"count": r.deputy_count},
        "present": t.ngettext("%(count)s is present", "%(count)s are present", r.deputies_present)
        % {"count": r.deputies_present},
        "quorum": _("a quorum") if r.quorum else _("no quorum"),
        "issued": t.ngettext("%(count)s ballot was issued", "%(count)s ballots were issued", r.ballots_issued)
        % {"count": r.ballots_issued},
        "returned": r.ballots_returned,
        "compare": _compare(r, language),
        "valid": _("the vote is void") if r.void else _("the vote is valid"),
    }


def round_lines(sheet: TallySheet, r: RoundSheet, language: str) -> list[str]:
    """One round, as the chair reads it."""
    t = translations(language)
    _ = t.gettext
    lines = [_report(sheet, r, language)]
    if r.void:
        lines.append(_("Under the rules of the vote, it is held again."))
        return lines
    lines[0] += t.ngettext(
        " Of the ballots returned, %(valid)s is valid and %(invalid)s invalid.",
        " Of the ballots returned, %(valid)s are valid and %(invalid)s invalid.",
        r.valid,
    ) % {"valid": r.valid, "invalid": r.invalid}
    lines.append(_("The count is as follows:"))
    last = len(r.projects) - 1
    for i, p in enumerate(r.projects):
        clause = t.ngettext(
            "%(project)s: %(count)s approval, %(rate)s",
            "%(project)s: %(count)s approvals, %(rate)s",
            p.approvals,
        ) % {"project": project(sheet, p.number, language), "count": p.approvals, "rate": p.rate_text}
        lines.append((_("%(clause)s.") if i == last else _("%(clause)s;")) % {"clause": clause})
    if _named_rounds(sheet):
        if r.selected:
            lines.append(
                _("Selected in this round: %(projects)s.") % {"projects": _projects(sheet, r.selected, language)}
            )
        else:
            lines.append(_("No project is selected in this round."))
    seats = {"seats": r.runoff_seats, "projects": _projects(sheet, r.runoff_projects, language)}
    if r.runoff_reason == "tie":
        lines.append(
            t.ngettext(
                "%(projects)s are tied: the deputies vote again on them for %(seats)s seat.",
                "%(projects)s are tied: the deputies vote again on them for %(seats)s seats.",
                r.runoff_seats,
            )
            % seats
        )
    elif r.runoff_reason == "shortfall":
        lines.append(
            t.ngettext(
                "Too few projects are selected: a shortfall round among those not selected fills %(seats)s seat.",
                "Too few projects are selected: a shortfall round among those not selected fills %(seats)s seats.",
                r.runoff_seats,
            )
            % seats
        )
    if r.vacant:
        lines.append(
            t.ngettext(
                "Under the rules of the vote, %(seats)s seat stays vacant.",
                "Under the rules of the vote, %(seats)s seats stay vacant.",
                r.vacant,
            )
            % {"seats": r.vacant}
        )
    return lines


def announcement(sheet: TallySheet, language: str) -> str:
    """The whole text to read out, in ``language``: the address, round by round, the selected projects, the time."""
    t = translations(language)
    _ = t.gettext
    title, marks = (sheet.title_zh if language == "zh" else sheet.title_en or sheet.title_zh), sheet.marks(language)
    if marks:
        heading = _("%(title)s: the count as read in the hall (%(marks)s)") % {"title": title, "marks": marks}
    else:
        heading = _("%(title)s: the count as read in the hall") % {"title": title}
    paragraphs = [heading, _("Fellow deputies,")]
    paragraphs += ["\n".join(round_lines(sheet, r, language)) for r in sheet.rounds]
    if sheet.decided:
        count = len(sheet.selected)
        decided = t.ngettext(
            "As the vote decided, %(count)s project is selected: %(projects)s.",
            "As the vote decided, %(count)s projects are selected: %(projects)s.",
            count,
        ) % {"count": count, "projects": _projects(sheet, sheet.selected, language)}
        if sheet.vacant:
            decided += t.ngettext(" %(seats)s seat stays vacant.", " %(seats)s seats stay vacant.", sheet.vacant) % {
                "seats": sheet.vacant
            }
        paragraphs.append(decided)
    last = _when(sheet, language)
    if last:
        paragraphs.append(last)
    return "\n\n".join(paragraphs) + "\n"
