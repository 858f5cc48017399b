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

from functools import cache
from importlib.resources import files

from babel.support import Translations

CATALOG = files("voting").joinpath("translations")


@cache
def translations(language: str) -> Translations:
    """The compiled catalog of ``language`` (``zh`` or ``en``); missing, an error, never English in its place."""
    found = Translations.load(str(CATALOG), locales=[language])
    if not isinstance(found, Translations):
        raise RuntimeError(f"no compiled gettext catalog for {language!r} in {CATALOG}: run `make translations`")
    return found


def N_(message: str) -> str:
    """Marks an English message id for ``make translations`` (pybabel extracts ``N_`` by default) where it is
    looked up later, in the language asked for."""
    return message


def in_language(words: dict[str, str], language: str) -> dict[str, str]:
    """A dictionary of marked message ids (``N_``), each value in ``language``."""
    _ = translations(language).gettext
    return {code: _(text) for code, text in words.items()}
