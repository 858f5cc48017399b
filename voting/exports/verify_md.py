"""VERIFY.md: what an auditor reads first, in Chinese and English, with this vote's numbers filled in.

The text is the template ``templates/VERIFY.md.j2``; this module works out
what it fills in (the commands to run, what each recount must print).

Every step works with Python 3.11 alone, through the verifier the bundle ships
(``verifier/verify.py``, ``voting.exports.standalone``); the ``voting`` package
does the same where it is installed.  A published vote's VERIFY.md is rendered
at publication, before the publication's audit entry exists, and its digest is
in that entry: so it cannot name the head read out in the hall; it tells the
auditor where to find it and how to compare it.
"""

from __future__ import annotations

from typing import Any

from voting.domain import (
    BallotStyle,
    ShortfallPolicy,
    TiePolicy,
)
from voting.exports.bundle_format import HEAD_LINES, KIND_WORDS
from voting.exports.templating import render
from voting.language import translations

VERIFIER_SCRIPT = "verifier/verify.py"
LAST_ENTRY_COMMAND = (
    "python3 -c \"import json; e = json.loads(open('audit.jsonl', encoding='utf-8').read().splitlines()[-1]);"
    " print(e['action'], e['hash']); [print(d, n) for n, d in e['details']['files'].items()]\""
)

RESULT_DIGEST_COMMAND = (
    "python3 -c \"import hashlib, json; r = json.load(open('manifest.json', encoding='utf-8'))['published']['record'];"
    " print(hashlib.sha256(json.dumps(r, sort_keys=True, separators=(',', ':'), ensure_ascii=False)"
    ".encode('utf-8')).hexdigest())\""
)


def tally_command(rules: dict[str, Any], round_: dict[str, Any]) -> str:
    """The command that recounts one round of the manifest by hand, with the bundle's own verifier."""
    return " ".join(
        [
            f"python3 {VERIFIER_SCRIPT} tally",
            round_["ballots_file"],
            f"--seats {round_['seats']}",
            f"--deputies {round_['deputy_count']}",
            f"--present {round_['deputies_present']}",
            f"--issued {round_['ballots_issued']}",
            f"--projects {','.join(str(p) for p in round_['projects'])}",
            f"--threshold-basis {rules['threshold_basis']}",
            f"--threshold-fraction {rules['threshold_fraction']}",
        ]
    )


def expected(result: dict[str, Any], language: str) -> str:
    """What ``voting tally`` must print for a round, in ``language``: the manifest's keys as printed, in words."""
    _ = translations(language).gettext
    ballots = result["ballots"]
    line = _(
        "`ballots` cast %(cast)s, valid %(valid)s, invalid %(invalid)s; `threshold` %(threshold)s;"
        " approvals (project: votes) %(approvals)s; `selected` %(selected)s"
    ) % {
        **ballots,
        "threshold": result["threshold"],
        "approvals": ", ".join(f"{p['number']}: {p['approvals']}" for p in result["projects"]),
        "selected": ", ".join(str(n) for n in result["selected"]) or "—",
    }
    runoff = result["runoff"]
    if runoff:
        line += _("; `runoff` %(reason)s (projects %(projects)s, %(seats)s seat(s))") % {
            **runoff,
            "projects": ", ".join(str(n) for n in runoff["projects"]),
        }
    return _("%(clause)s.") % {"clause": line}


def verify_md(manifest: dict[str, Any], bundle_name: str) -> str:
    """The auditor's instructions, in Chinese and English, with this vote's numbers and hashes filled in."""
    rules = manifest["rules"]
    rounds = []
    for r in manifest["rounds"]:
        kind_zh, kind_en = KIND_WORDS.get(r["kind"], (r["kind"], r["kind"]))
        rounds.append(
            {
                **r,
                "kind_zh": kind_zh,
                "kind_en": kind_en,
                "expect_zh": expected(r["result"], "zh"),
                "expect_en": expected(r["result"], "en"),
                "tally_command": tally_command(rules, r),
            }
        )
    return render(
        "VERIFY.md.j2",
        vote=manifest["vote"],
        made_by=manifest["made_by"],
        published=manifest["published"],
        rounds=rounds,
        selected=[str(n) for n in manifest["selected"]],
        vacant=manifest["vacant"],
        bundle_name=bundle_name,
        folder=bundle_name.removesuffix(".zip"),
        verifier=VERIFIER_SCRIPT,
        # ``verify.py tally`` names the runoff of the default policies and reads approvals only.
        other_rules=(
            rules["ballot_style"] != BallotStyle.APPROVE_ONLY.value
            or rules["tie_policy"] != TiePolicy.TIE_BREAK.value
            or rules["shortfall_policy"] != ShortfallPolicy.SHORTFALL_ROUND.value
        ),
        head_line_zh=HEAD_LINES["zh"].format(short="…"),
        head_line_en=HEAD_LINES["en"].format(short="…"),
        last_entry_command=LAST_ENTRY_COMMAND,
        result_digest_command=RESULT_DIGEST_COMMAND,
    )
