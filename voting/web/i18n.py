"""Which language to answer in, and the catalogs of user-visible text.

Simplified Chinese first, English on request: a ``lang`` cookie set by the
pages' switch wins, then ``Accept-Language``, then Chinese.  The API's error
messages and the server-rendered pages (the home page) both come from the
server's one gettext catalog (``voting/translations/``, English message ids,
``make translations``): the errors by their code (``voting.language``), the
pages through Flask-Babel.
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel
from werkzeug.wrappers import Response

LANGUAGES = ("zh", "en")
DEFAULT = "zh"


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
