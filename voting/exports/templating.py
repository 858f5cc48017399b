"""The exports' Jinja2 templates (``voting/exports/templates/``): the tally sheet's HTML page and the prose exports.

One environment per language, alike but for its words: HTML templates are
escaped, text and Markdown ones are not (they are read as written, and a
title may hold ``<`` or ``&``); an unknown name in a template is an error,
never an empty string.  A template's words are messages of the server's one
catalog (``voting.language``) through Jinja's i18n extension: ``_``,
``ngettext`` and ``{% trans %}`` in the environment's language, and ``en``,
``en_ngettext`` in English, for the pages that print the English beside the
Chinese (the tally sheet).  Each language is installed in its own
environment, once, rather than on a shared one at each render, so that two
sheets rendered at once, on two threads, never read each other's language.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from voting.language import translations


@cache
def environment(language: str) -> Environment:
    """The environment whose templates speak ``language`` (``zh`` or ``en``), English at hand beside it."""
    env = Environment(
        loader=PackageLoader("voting.exports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # The new style: a message's values are named arguments, formatted after it is translated and escaped.
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    english = env if language == "en" else environment("en")
    env.globals.update(en=english.globals["gettext"], en_ngettext=english.globals["ngettext"])
    return env


def render(name: str, language: str = "zh", **context: Any) -> str:
    """The template ``name`` rendered with ``context``, its words in ``language`` (Chinese first)."""
    return environment(language).get_template(name).render(**context)
