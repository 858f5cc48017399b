"""The exports' Jinja2 templates (``voting/exports/templates/``): the tally sheet's HTML page and the prose exports.

One environment for them all: HTML templates are escaped, text and Markdown
ones are not (they are read as written, and a title may hold ``<`` or ``&``);
an unknown name in a template is an error, never an empty string.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("voting.exports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, **context: Any) -> str:
    """The template ``name`` rendered with ``context``."""
    return environment().get_template(name).render(**context)
