"""The exports' words in the language the caller names, through the server's one gettext catalog.

The tally sheet's forms and the announcement are rendered outside any
request (at publication, into a bundle, by a command), most of them in both
languages at once, so they take Babel's ``Translations`` for the language they
are told, never Flask-Babel's request locale.  The catalog is the server
pages' (``voting/web/translations``, English message ids, ``make
translations``), which extracts ``voting/exports`` as well.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from babel.support import Translations

CATALOG = files("voting").joinpath("web", "translations")


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
