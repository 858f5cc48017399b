"""Which language to answer in, and the catalogs of user-visible text.

Simplified Chinese first, English on request: a ``lang`` cookie set by the
pages' switch wins, then ``Accept-Language``, then Chinese.  The catalogs
(``voting/web/catalogs/*.json``) are the one place for the text; the API
words its error messages from them by the error's code.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from string import Formatter
from typing import Any

from flask import request

LANGUAGES = ("zh", "en")
DEFAULT = "zh"


@cache
def catalog(language: str) -> dict[str, str]:
    data: dict[str, str] = json.loads(files("voting.web").joinpath(f"catalogs/{language}.json").read_text("utf-8"))
    return data


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
