"""One word for each thing on every page, in the API's messages and on the tally sheet (issue 14.8,
DESIGN section 2, docs/architecture.md "One vocabulary")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voting.exports.sheet import KIND_EN, KIND_ZH

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "static" / "i18n"
WORDED = [
    *sorted(I18N.glob("*/*.json")),
    *sorted((ROOT / "voting" / "web" / "catalogs").glob("*.json")),
    *sorted((ROOT / "voting" / "translations").glob("*/LC_MESSAGES/messages.po")),
    *sorted((ROOT / "voting" / "web" / "templates").glob("*.html")),
    *sorted((ROOT / "static").glob("*.html")),
]
REJECTED = {
    "表决码": "投票码",
    "表决二维码": "投票二维码",
    "同票再投": "再次投票",
    "差额补投": "另行票决",
    "再次投票（票数相等）": "再次投票",
}
"""Words once used for the same thing as another, and the one kept."""


def catalog(language: str, name: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((I18N / language / f"{name}.json").read_text("utf-8"))
    return data


@pytest.mark.parametrize("path", WORDED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_or_message_uses_a_rejected_word(path: Path) -> None:
    text = path.read_text("utf-8")
    for word, kept in REJECTED.items():
        assert word not in text, f"{path.name} says {word}: the word is {kept}"


def test_the_round_kinds_are_named_once_in_the_common_catalog_as_on_the_tally_sheet() -> None:
    for language, words in (("zh", KIND_ZH), ("en", KIND_EN)):
        common = catalog(language, "common")
        assert {kind: common[f"round.kind.{kind}"] for kind in words} == words
        for kind in ("tie_break", "shortfall", "revote"):
            assert f"round.why.{kind}" in common
        for page in sorted(p.stem for p in (I18N / language).glob("*.json") if p.stem != "common"):
            own = [key for key in catalog(language, page) if any(key.endswith(f"kind.{kind}") for kind in words)]
            assert own == [], f"{language}/{page}.json names round kinds itself: {own}"


def test_the_shared_words_are_in_the_common_catalog() -> None:
    zh, en = catalog("zh", "common"), catalog("en", "common")
    assert (zh["term.voting_code"], zh["term.receipt"]) == ("投票码", "回执码")
    assert (en["term.voting_code"], en["term.receipt"]) == ("Voting code", "Receipt")
