"""Every refusal is worded once, by its code, in both languages: a scan of the package's source.

The words live in ``voting.domain.messages`` (English message ids) and the
server's gettext catalog (the Chinese).  A raise names a code and the values its
words need, never text of its own.  The codes are found by reading the source,
so that a new code without words, a raise that forgets a value its words use,
a message nobody raises any longer or English written at a raise fails here.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import voting
from voting.domain.messages import MESSAGES
from voting.language import translations
from voting.web.api.errors import HTTP_CODES

PACKAGE = Path(voting.__file__).parent
CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
SCHEMA_CODES = {
    "internal_error",
    "validation_error",
    "invalid_value",
    "missing_body",
    "json_too_deep",
    "number_too_long",
}
"""Codes the web layer answers for a request's shape, outside any raise of an error class."""
DOMAIN_ERRORS = {
    "InvalidRules",
    "InvalidBallot",
    "InvalidRound",
    "InvalidTransition",
    "NotFound",
    "Conflict",
    "PermissionDenied",
    "NotAuthenticated",
    "InvalidInput",
    "InvalidBallotList",
}
CODE_AT = {"InvalidBallotList": 1}
"""Error classes whose code is not their first argument: the position it stands at."""


@dataclass
class Raised:
    code: str
    where: str
    params: set[str] | None
    """The values the message may use; None when passed as ``**mapping`` (not known statically)."""


@dataclass
class Scan:
    raised: list[Raised] = field(default_factory=list)
    worded_at_raise: list[str] = field(default_factory=list)
    """Raises that pass text of their own beside the code."""
    unresolved: list[str] = field(default_factory=list)
    error_classes: set[str] = field(default_factory=set)
    self_coded: set[str] = field(default_factory=set)


def _trees() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield str(path.relative_to(PACKAGE.parent)), ast.parse(path.read_text("utf-8"), filename=str(path))


def _error_classes() -> set[str]:
    """``DomainError`` and every class in the package derived from it, by name."""
    bases: dict[str, set[str]] = {}
    for _, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {b.id if isinstance(b, ast.Name) else ast.unparse(b) for b in node.bases}
    found = {"DomainError"}
    while more := {name for name, parents in bases.items() if parents & found} - found:
        found |= more
    return found


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _params(call: ast.Call, *extra: str) -> set[str] | None:
    if any(k.arg is None for k in call.keywords):
        return None
    return {k.arg for k in call.keywords if k.arg is not None} - {"field", "frame"} | set(extra)


def _record(scan: Scan, call: ast.Call, code: str | None, where: str, *extra: str) -> None:
    """The code raised (None: passed on from an error caught) and the frame around it, if any."""
    params = _params(call, *extra)
    if code is not None:
        scan.raised.append(Raised(code, where, params))
    frame = next((k.value for k in call.keywords if k.arg == "frame"), None)
    if frame is not None:
        scan.raised.append(Raised(_literal(frame) or "?", where, None if params is None else params | {"problem"}))


def _scan_supers(scan: Scan, trees: list[tuple[str, ast.Module]]) -> set[int]:
    """The ``super().__init__`` calls of error classes that fix their own code (``RosterRejected``)."""
    seen: set[int] = set()
    for path, tree in trees:
        for cls in ast.walk(tree):
            if isinstance(cls, ast.ClassDef) and cls.name in scan.error_classes:
                for call in ast.walk(cls):
                    if isinstance(call, ast.Call) and ast.unparse(call.func) == "super().__init__":
                        seen.add(id(call))
                        code = _literal(call.args[0] if call.args else None)
                        if code is not None:  # otherwise it passes on the code its own caller chose
                            _record(scan, call, code, f"{path}:{call.lineno}")
                            scan.self_coded.add(cls.name)
    return seen


def scan_raised_codes() -> Scan:
    """Every error code the package can raise, read from its source, with the values each raise gives."""
    scan = Scan(error_classes=_error_classes())
    trees = list(_trees())
    supers = _scan_supers(scan, trees)
    for path, tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or id(node) in supers:
                continue
            callee = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            where = f"{path}:{node.lineno}"
            if callee == "RowProblem":  # a roster's bad row, worded as ``row.<code>`` with its row
                given = node.args[3] if len(node.args) > 3 else None
                keys = {_literal(k) for k in given.keys} if isinstance(given, ast.Dict) else set()
                scan.raised.append(Raised(f"row.{_literal(node.args[2])}", where, {str(k) for k in keys} | {"row"}))
            if callee not in scan.error_classes or callee in scan.self_coded:
                continue
            at = CODE_AT.get(str(callee), 0)
            code_node = node.args[at] if len(node.args) > at else None
            if len(node.args) > at + 1:
                scan.worded_at_raise.append(f"{where}: {ast.unparse(node)[:100]}")
            code = _literal(code_node)
            if code is not None:
                _record(scan, node, code, where, *(("line",) if at else ()))
            elif isinstance(code_node, ast.Attribute) and code_node.attr == "code":  # ``exc.code``: passed on
                _record(scan, node, None, where)  # raised elsewhere already; its frame, if any, is new
            else:
                scan.unresolved.append(f"{where}: {ast.unparse(node)[:100]}")
    return scan


def placeholders(template: str) -> set[str]:
    return set(PLACEHOLDER.findall(template))


def chinese(code: str) -> str:
    return translations("zh").gettext(MESSAGES[code])


def raised_codes() -> set[str]:
    return {r.code for r in scan_raised_codes().raised}


def test_the_source_scan_finds_the_error_classes_and_codes() -> None:
    scan = scan_raised_codes()
    assert scan.error_classes >= DOMAIN_ERRORS | {"DomainError", "RosterRejected", "InvalidScenario"}
    codes = {r.code for r in scan.raised}
    # Codes from each layer, so that a scan that misses a kind of call cannot pass unnoticed.
    assert {
        "invalid_seats",  # domain rules
        "too_many_approvals",  # casting
        "invalid_vote_transition",  # lifecycle
        "not_on_ballot",  # InvalidBallotList(line, code)
        "roster_rejected",  # RosterRejected's super().__init__
        "invalid_scenario",  # InvalidScenario's super().__init__
        "ballot_in_batch",  # a frame
        "row.number_taken",  # a roster's bad row
        "csrf_failed",  # the web layer
        "forbidden",  # auth.require
    } <= codes
    assert len(codes) > 80
    assert not scan.unresolved, "error codes the scan cannot read; give them a literal code:\n" + "\n".join(
        scan.unresolved
    )


def test_a_raise_names_a_code_and_values_never_words_of_its_own() -> None:
    assert scan_raised_codes().worded_at_raise == []


def test_every_code_raised_has_words_in_english_and_chinese() -> None:
    codes = raised_codes() | set(HTTP_CODES.values()) | SCHEMA_CODES
    assert sorted(codes - set(MESSAGES)) == []
    untranslated = sorted(code for code in codes if not CJK.search(chinese(code)))
    assert untranslated == [], "run `make translations` and translate them in voting/translations/zh"


def test_no_words_are_kept_for_a_code_nothing_raises() -> None:
    assert sorted(set(MESSAGES) - raised_codes() - set(HTTP_CODES.values()) - SCHEMA_CODES) == []


def test_every_placeholder_of_a_message_is_given_by_each_raise_of_its_code() -> None:
    problems = []
    for raised in scan_raised_codes().raised:
        if raised.params is None or raised.code not in MESSAGES:
            continue
        for language, words in (("en", MESSAGES[raised.code]), ("zh", chinese(raised.code))):
            wanted = placeholders(words)
            if not wanted <= raised.params:
                problems.append(f"{raised.where} {raised.code} ({language}) lacks {sorted(wanted - raised.params)}")
    assert not problems, "\n".join(problems)


def test_both_languages_use_the_same_values() -> None:
    differ = {code: words for code, words in MESSAGES.items() if placeholders(words) != placeholders(chinese(code))}
    assert differ == {}
    assert all(words.strip() and "{" not in words for words in MESSAGES.values())
