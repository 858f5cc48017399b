"""The server's words in the language the caller names, through its one gettext catalog.

Every sentence the server writes (an error's message, the exports' forms,
the home page) is a message of one catalog, ``voting/translations`` (English
message ids, Chinese translations, ``make translations``).  It belongs to no
layer: the forms are rendered outside any request (at publication, into a
bundle, by a command), most of them in both languages at once, and the
command line words its errors too, so they take Babel's ``Translations`` for
the language they are told, never Flask-Babel's request locale; the pages
read the same catalog through Flask-Babel.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any

from babel.support import Translations

from voting.domain.errors import DomainError
from voting.domain.messages import worded

CATALOG = files("voting").joinpath("translations")


@cache
def translations(language: str) -> Translations:
    """The compiled catalog of ``language`` (``zh`` or ``en``); missing, an error, never English in its place."""
    found = Translations.load(str(CATALOG), locales=[language])
    if not isinstance(found, Translations):
        raise RuntimeError(f"no compiled gettext catalog for {language!r} in {CATALOG}: run `make translations`")
    return found


def error_message(code: str, params: Mapping[str, Any], language: str, *, frame: str | None = None) -> str:
    """An error's words in ``language``: its code's message (``voting.domain.messages``) from the catalog."""
    return worded(code, params, translations(language).gettext, frame=frame)


def words_of(error: DomainError, language: str) -> str:
    """A refusal in ``language``, as every front end (the API, the command line) words it."""
    return error_message(error.code, error.params, language, frame=error.frame)


def reader_language(environ: Mapping[str, str]) -> str:
    """The language of a command's reader, from the locale as gettext reads it (``LANGUAGE``, ``LC_ALL``,
    ``LC_MESSAGES``, ``LANG``): Chinese where it names Chinese, else English, the language of a shell
    without a locale (``C``, ``POSIX``), the usual one of a server's."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def in_language(words: dict[str, str], language: str) -> dict[str, str]:
    """A dictionary of marked message ids (``N_``), each value in ``language``."""
    _ = translations(language).gettext
    return {code: _(text) for code, text in words.items()}
