"""The audit screen's sentences and docs/audit-log.md's table against the log's typed events (issue 17, point 5).

Every action has its sentence in both catalogs and no sentence is left for an action that is gone (issue 14,
point 7), each sentence asks only for details its event has, every event type is recorded somewhere, and the
table of actions in docs/audit-log.md is the definitions' own.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import fields
from pathlib import Path

import pytest

from voting.domain.audit_events import EVENT_TYPES, EVENTS

ROOT = Path(__file__).resolve().parents[1]
DEFINITIONS = ROOT / "voting" / "domain" / "audit_events.py"


def sentences(language: str) -> dict[str, str]:
    catalog = json.loads((ROOT / "static" / "i18n" / language / "console.json").read_text("utf-8"))
    return {k.removeprefix("audit.says."): v for k, v in catalog.items() if k.startswith("audit.says.")}


def screen_params() -> dict[str, set[str]]:
    """What the audit screen (``params`` in static/js/console/audit.js) fills a sentence with besides the details:
    each name and the details it is made from (``kind_name`` from ``kind``, ``seats`` from ``seats`` or ``rules``)."""
    script = (ROOT / "static" / "js" / "console" / "audit.js").read_text("utf-8")
    body = re.search(r"function params\(entry\) \{(.*?)\n\}", script, re.S)
    assert body, "audit.js has no params(entry)"
    made = {m[1]: set(re.findall(r"\bd\.(\w+)", m[2])) for m in re.finditer(r"^\s+(\w+): (.*),$", body[1], re.M)}
    assert {"kind_name", "role_name", "outcome", "seats"} <= set(made)
    return made


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_actions_with_sentences_are_the_event_types(language: str) -> None:
    said = sentences(language)
    assert set(said) == set(EVENTS), (
        f"{language}: no sentence for {sorted(set(EVENTS) - set(said))};"
        f" sentences for actions no event records: {sorted(set(said) - set(EVENTS))}"
    )


@pytest.mark.parametrize("language", ["zh", "en"])
def test_each_sentence_asks_only_for_its_events_details(language: str) -> None:
    made = screen_params()
    for action, text in sentences(language).items():
        own = {field.name for field in fields(EVENTS[action])}
        for name in re.findall(r"\{(\w+)\}", text):
            assert name in own or made.get(name, set()) & own, f"{language} audit.says.{action}: {{{name}}}"


def test_every_event_type_is_recorded_somewhere() -> None:
    """Each is named in a module that writes the log, so that the closed set holds no action nothing records."""
    named: set[str] = set()
    for path in (ROOT / "voting").rglob("*.py"):
        source = path.read_text("utf-8")
        if path != DEFINITIONS and "audit.record(" in source:
            named.update(n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name))
    assert sorted(kind.__name__ for kind in EVENT_TYPES if kind.__name__ not in named) == []


def actions_table() -> str:
    """docs/audit-log.md's table of actions, as the definitions give it."""
    rows = ["| action | details | what it records |", "|---|---|---|"]
    for kind in EVENT_TYPES:
        keys = ", ".join(f"`{f.name}`" + ("?" if f.default is None else "") for f in fields(kind))
        rows.append(f"| `{kind.action}` | {keys} | {(kind.__doc__ or '').strip().replace('``', '`')} |")
    return "\n".join(rows) + "\n"


def test_the_docs_table_of_actions_is_the_definitions() -> None:
    doc = (ROOT / "docs" / "audit-log.md").read_text("utf-8")
    start = doc.index("| action | details | what it records |")
    end = doc.index("\n\n", start) + 1
    assert doc[start:end] == actions_table(), "docs/audit-log.md's table of actions should read:\n" + actions_table()


def test_the_table_marks_keys_some_entries_lack() -> None:
    table = actions_table()
    assert "| `meeting.created` | `meeting_id`, `name_zh`, `deputies`? |" in table
