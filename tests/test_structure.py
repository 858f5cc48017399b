"""The size a newcomer can read (issue 17, point 7): no module of voting/ over 400 lines, and no function over
60 lines unless a ``# long: <reason>`` comment on its ``def`` line, or just above it, says why it is one piece
(one table, one form, one read in the order a lock requires)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULE_LINES = 400
FUNCTION_LINES = 60
REASON = "# long:"


def modules() -> list[Path]:
    return sorted((ROOT / "voting").rglob("*.py"))


def has_reason(lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The reason on the ``def`` line, or in the comment lines just above it (and above its decorators)."""
    if REASON in lines[node.lineno - 1]:
        return True
    index = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 2
    while index >= 0 and lines[index].lstrip().startswith("#"):
        if lines[index].lstrip().startswith(REASON):
            return True
        index -= 1
    return False


def long_functions(source: str) -> list[str]:
    """``name (N lines)`` of each function over the limit without its reason."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > FUNCTION_LINES and not has_reason(lines, node):
                found.append(f"{node.name} ({length} lines, from line {node.lineno})")
    return found


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_stays_under_400_lines(path: Path) -> None:
    count = len(path.read_text("utf-8").splitlines())
    assert count <= MODULE_LINES, f"{path.relative_to(ROOT)} has {count} lines: split it by what it does"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_long_function_says_why(path: Path) -> None:
    found = long_functions(path.read_text("utf-8"))
    assert not found, f"{path.relative_to(ROOT)}: split by step, or write '{REASON} <reason>' beside the def: {found}"


def test_the_check_sees_a_long_function_and_its_reason() -> None:
    body = "".join(f"    x = {n}\n" for n in range(FUNCTION_LINES))
    assert long_functions(f"def f():\n{body}") == [f"f ({FUNCTION_LINES + 1} lines, from line 1)"]
    assert long_functions(f"def f():  {REASON} one table\n{body}") == []
    assert long_functions(f"{REASON} one table\n@decorated\ndef f():\n{body}") == []
    assert long_functions(f"{REASON} one table\n\ndef f():\n{body}") != []  # a blank line parts it from its def
    assert long_functions(f"def f():\n{body[: -len(body) // FUNCTION_LINES]}") == []
