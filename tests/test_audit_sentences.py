"""Every action the system records in the audit log has its sentence on the audit screen, in both languages
(issue 14, point 7): the actions are read from the code that records them, so a new one without its
sentence fails here rather than showing its code to a scrutineer."""

from __future__ import annotations

import ast
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def recorded_actions() -> set[str]:
    """The ``action=`` of every ``audit.record(...)`` call under voting/ (a literal, or either side of an if)."""
    found: set[str] = set()
    for path in (ROOT / "voting").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"):
                continue
            for keyword in node.keywords:
                if keyword.arg == "action":
                    literals = [n.value for n in ast.walk(keyword.value) if isinstance(n, ast.Constant)]
                    assert literals, f"{path}:{node.lineno}: an action that is not a literal cannot be checked"
                    found.update(v for v in literals if isinstance(v, str))
    return found


def test_every_recorded_action_has_a_sentence_in_both_catalogs() -> None:
    actions = recorded_actions()
    assert {"round.opened", "vote.published", "code.reissued", "deputy.checked_out", "drill.run"} <= actions
    for language in ("zh", "en"):
        catalog = json.loads((ROOT / "static" / "i18n" / language / "console.json").read_text("utf-8"))
        missing = sorted(a for a in actions if f"audit.says.{a}" not in catalog)
        assert missing == [], f"{language}: no sentence for {missing}"
        stale = sorted(
            k for k in catalog if k.startswith("audit.says.") and k.removeprefix("audit.says.") not in actions
        )
        assert stale == [], f"{language}: sentences for actions nothing records: {stale}"
