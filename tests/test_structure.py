"""The size a newcomer can read (issue 17, point 7): no module of voting/ over 400 lines, and no function over
60 lines unless a ``# long: <reason>`` comment on its ``def`` line, or just above it, says why it is one piece
(one table, one form, one read in the order a lock requires). And tests that share a helper find it in
``tests/support/`` (issue 17, point 6), not in another test module or a conftest."""

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


def suite_modules() -> list[Path]:
    return sorted(p for p in (ROOT / "tests").rglob("*.py") if p.name.startswith("test_") or p.name == "conftest.py")


def imported_tests(source: str) -> list[str]:
    """The ``test_*`` and ``conftest`` modules a module imports from (absolute or relative), by dotted name."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            names = [module] if node.module else [module + alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [n for n in names if n.split(".")[-1].startswith("test_") or n.split(".")[-1] == "conftest"]
    return found


@pytest.mark.parametrize("path", suite_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_test_module_imports_another_or_a_conftest(path: Path) -> None:
    found = imported_tests(path.read_text("utf-8"))
    assert not found, f"{path.relative_to(ROOT)} imports {found}: move what they share into tests/support/"


def test_the_check_sees_an_import_of_a_test_module_or_a_conftest() -> None:
    assert imported_tests("from tests.api.test_errors import CHANGES") == ["tests.api.test_errors"]
    assert imported_tests("from tests.conftest import worker") == ["tests.conftest"]
    assert imported_tests("from .test_secrecy import attacks") == [".test_secrecy"]
    assert imported_tests("from . import test_secrecy, support") == [".test_secrecy"]
    assert imported_tests("import tests.api.test_secrecy as secrecy") == ["tests.api.test_secrecy"]
    assert imported_tests("from tests.support.api import Api\nimport pytest_timeout") == []


def unexplained_imports(source: str) -> list[str]:
    """``name (line N)`` of each import inside a function with no comment beside it: on its line, or on the comment
    lines just above the run of imports it is in (a ``# noqa`` or ``# type:`` is no reason)."""
    lines = source.splitlines()

    def reason(line: str) -> bool:
        comments = [c.strip() for c in line.split("#")[1:]]
        return any(c and not c.startswith(("noqa", "type:")) for c in comments)

    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom):
                index = node.lineno - 1
                while not reason(lines[index]) and lines[index - 1].lstrip().startswith(("from ", "import ", "#")):
                    index -= 1
                if not reason(lines[index]):
                    found.append(f"{function.name} (line {node.lineno})")
    return found


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_an_import_inside_a_function_says_why(path: Path) -> None:
    """A cycle is broken by moving what both sides need where both can import it at the top (issue 17, point 4);
    an import left inside a function is there for a reason (gevent's patching, a heavy optional library, a command
    that must not load the store), written beside it."""
    found = unexplained_imports(path.read_text("utf-8"))
    assert not found, f"{path.relative_to(ROOT)}: import at the top, or say beside the import why not: {found}"


def test_the_check_sees_an_unexplained_import_inside_a_function() -> None:
    assert unexplained_imports("import os\n\ndef f():\n    import sys\n") == ["f (line 4)"]
    assert unexplained_imports("def f():\n    import sys  # noqa: F401\n") == ["f (line 2)"]
    assert unexplained_imports("def f():\n    import sys  # loaded late: heavy\n") == []
    assert unexplained_imports("def f():\n    import sys  # noqa: F401  # loaded for its side effect\n") == []
    assert unexplained_imports("def f():\n    # heavy, loaded late\n    import sys\n    from os import path\n") == []
    assert unexplained_imports("def f():\n    x = 1  # a comment\n    import sys\n") == ["f (line 3)"]
