"""Headers every response carries: no framing, no sniffing, scripts only from this server, no caching of
API answers; and the session cookie's ``Secure`` flag.

One policy for every page, the browsable API's included: its Swagger UI is started by a script file
(voting/web/templates/swagger_ui.html, static/js/api-docs.js) and styles only through the CSSOM."""

from __future__ import annotations

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed cookie, ``Secure`` whenever the request came over HTTPS (``SESSION_COOKIE_SECURE``: null).

    Behind a TLS proxy the request is HTTPS when the proxy says so in
    ``X-Forwarded-Proto`` and gunicorn trusts it (``FORWARDED_ALLOW_IPS``,
    docs/operations.md); ``SESSION_COOKIE_SECURE=true`` marks it ``Secure`` always.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        setting = app.config["SESSION_COOKIE_SECURE"]
        return request.is_secure if setting is None else bool(setting)


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookie()
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        # Behind that many proxies, the caller's address and scheme are the ones the nearest proxies
        # append to X-Forwarded-For and X-Forwarded-Proto: the rate limits then count per deputy's
        # network again, not all against the proxy.  Never set without a proxy: the headers are forgeable.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if request.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        if response.status_code == 204:
            response.headers.pop("Content-Type", None)
        return response
