"""The address of a body (人大) on a service that runs many: ``/b/<name>/…``, its short name first.

A WSGI middleware moves the prefix into ``SCRIPT_NAME``, as a reverse proxy that
mounted one copy of the app per body would: the routes are the same for every
body, ``url_for`` and the pages' links carry the prefix, and the request names
its body in the environ (``BODY``).  An address without the prefix means the
default body (``DEFAULT_BODY``, else the first), so that a service of one body
keeps every address it had before bodies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from voting.services.bodies import SLUG

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

PREFIX = re.compile(rf"/b/({SLUG.pattern})(?=/|$)")
"""``/b/`` and a short name, as ``voting.services.bodies.SLUG`` has it (the one home of the rule)."""
BODY = "voting.body"
"""Where the middleware leaves the short name the address gave, for ``voting.web.request_body``."""


class BodyAddress:
    """Mounts every body's address on the one app."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path: str = environ.get("PATH_INFO", "")
        found = PREFIX.match(path)
        if found is not None:
            environ[BODY] = found.group(1)
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + found.group(0)
            environ["PATH_INFO"] = path[found.end() :] or "/"
        return self.app(environ, start_response)


def install(app: Any) -> None:
    """Put the middleware in front of the app, outermost, so that it reads the path as it was sent."""
    app.wsgi_app = BodyAddress(app.wsgi_app)
