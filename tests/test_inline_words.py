"""Every word the server writes for people is a message of its one gettext catalog (issue 17): no Chinese
in a string literal of ``voting/`` outside docstrings, but in the few modules whose Chinese is data, not words.

A Chinese literal in Python is a sentence the catalog cannot see: ``make translations`` does not extract
it, and the English beside it drifts from it unseen."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

DATA = {
    "voting/services/demo.py": "the demo's meeting, projects and deputies are names, not words",
    "voting/services/roster.py": "the roster columns' Chinese names are what a clerk's spreadsheet says, read as data",
    "voting/simulation/sitting.py": "the simulated sitting's roster CSV is data for the import, as a clerk writes it",
    "voting/exports/bundle_format.py": "shipped inside the bundle's verifier, which runs on Python alone, without Babel",
    "voting/domain/messages.py": "an English message id quotes the roster header's columns (编号, 姓名) as a clerk writes them",
}
"""Modules whose Chinese is data, each with its reason."""
DATA_FOLDERS = {
    "voting/web/api/": "the OpenAPI descriptions are the API's reference, written in both languages beside the schema",
}


def literals_with_chinese(source: str) -> list[str]:
    """``line: text`` of each string literal holding Chinese; a bare string statement (a docstring, or the
    note under an assignment) is prose for the reader of the code, not a word the server writes."""
    tree = ast.parse(source)
    prose = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }
    return [
        f"{node.lineno}: {node.value}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in prose
        and HAN.search(node.value)
    ]


def words_modules() -> list[Path]:
    def is_data(path: Path) -> bool:
        name = path.relative_to(ROOT).as_posix()
        return name in DATA or any(name.startswith(folder) for folder in DATA_FOLDERS)

    return [path for path in sorted((ROOT / "voting").rglob("*.py")) if not is_data(path)]


@pytest.mark.parametrize("path", words_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_chinese_word_outside_the_catalog(path: Path) -> None:
    found = literals_with_chinese(path.read_text("utf-8"))
    assert not found, f"{path.relative_to(ROOT)}: make these messages of voting/translations (N_, gettext): {found}"


def test_the_check_sees_a_literal_and_not_a_docstring() -> None:
    source = '"""模块。"""\n\ndef f():\n    """函数。"""\n    return f"第{1}号"\n\nX = 1\n"""说明。"""\n'
    assert literals_with_chinese(source) == ["5: 第", "5: 号"]


@pytest.mark.parametrize("name", [*DATA, *DATA_FOLDERS])
def test_the_allowed_modules_exist(name: str) -> None:
    assert (ROOT / name).exists(), f"{name} is allowed Chinese literals but is gone: drop it from the list"
