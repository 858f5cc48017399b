"""Every piece of user-visible text exists in both languages, and the catalogs match the code that uses them.

The API's error catalogs are checked in tests/api/test_errors.py; here the
front end's page catalogs (static/i18n) and the server-rendered pages' gettext
catalogs (voting/web/translations).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "static" / "i18n"
TRANSLATIONS = ROOT / "voting" / "translations"
PAGES = sorted(path.stem for path in (I18N / "zh").glob("*.json"))
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def page_catalog(language: str, page: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((I18N / language / f"{page}.json").read_text("utf-8"))
    return data


@pytest.mark.parametrize("page", PAGES)
def test_each_page_catalog_has_the_same_keys_and_placeholders_in_both_languages(page: str) -> None:
    zh, en = page_catalog("zh", page), page_catalog("en", page)
    assert sorted(zh) == sorted(en)
    for key in zh:
        assert set(PLACEHOLDER.findall(zh[key])) == set(PLACEHOLDER.findall(en[key])), key
        assert zh[key].strip(), key
        assert en[key].strip(), key


def test_no_key_is_in_two_page_catalogs() -> None:
    """One obvious place for each text: a key in common.json is not repeated by a page, nor one page's by another."""
    seen: dict[str, str] = {}
    for page in PAGES:
        for key in page_catalog("zh", page):
            assert key not in seen, f"{key} in both {seen.get(key)}.json and {page}.json"
            seen[key] = page


@pytest.mark.slow  # pybabel in a subprocess
def test_the_gettext_template_matches_the_templates_and_chinese_translates_all_of_it(tmp_path: Path) -> None:
    extracted = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    done = subprocess.run(
        [pybabel, "extract", "-F", "voting/babel.cfg", "--no-location", "-o", extracted, "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    with extracted.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        kept = {message.id for message in read_po(handle) if message.id}
    assert wanted == kept, "run `make translations`"
    with (TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        chinese = {message.id: message.string for message in read_po(handle) if message.id}
    assert set(chinese) == wanted
    untranslated = [key for key, value in chinese.items() if not value]
    assert untranslated == []
