"""Which language to answer in, and the catalogs of user-visible text.

Simplified Chinese first, English on request: a ``lang`` cookie set by the
pages' switch wins, then ``Accept-Language``, then Chinese.  The API words
its error messages from the JSON catalogs (``voting/web/catalogs/*.json``)
by the error's code; the server-rendered pages (the home page) use gettext
through Flask-Babel, from the server's one catalog ``voting/translations/``
(English message ids, compiled by ``make translations``).
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from string import Formatter
from typing import Any

from flask import Flask, request
from flask_babel import Babel
from werkzeug.wrappers import Response

LANGUAGES = ("zh", "en")
DEFAULT = "zh"


@cache
def catalog(language: str) -> dict[str, str]:
    data: dict[str, str] = json.loads(files("voting.web").joinpath(f"catalogs/{language}.json").read_text("utf-8"))
    return data


COOKIE_AGE = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    Babel(app, default_locale=DEFAULT, locale_selector=page_language, default_translation_directories="../translations")


def remember_language(response: Response, chosen: str) -> Response:
    """The same cookie as the front end's switch (static/js/i18n.js), so every page and the API agree."""
    response.set_cookie("lang", chosen, max_age=COOKIE_AGE, samesite="Lax")
    return response


def page_language() -> str:
    """A page's language: the ``lang`` cookie (the switch on every page), else Chinese.

    As the front end's pages choose (static/js/i18n.js), so that the home page never shows English
    while the ballot page shows Chinese: the browser's Accept-Language words only the API's messages.
    """
    chosen = request.cookies.get("lang")
    return chosen if chosen in LANGUAGES else DEFAULT


def language() -> str:
    chosen = request.cookies.get("lang")
    if chosen in LANGUAGES:
        return chosen
    best = request.accept_languages.best_match(LANGUAGES, default=DEFAULT)
    return best if best in LANGUAGES else DEFAULT


class _Lenient(Formatter):
    """Leaves a placeholder as written when a value is missing, rather than failing."""

    def get_value(self, key: int | str, args: Any, kwargs: Any) -> Any:
        if isinstance(key, str) and key not in kwargs:
            return "{" + key + "}"
        return super().get_value(key, args, kwargs)


def text(key: str, language: str, fallback: str = "", **params: Any) -> str:
    template = catalog(language).get(key)
    if template is None:
        return fallback or key
    return _Lenient().format(template, **params)
