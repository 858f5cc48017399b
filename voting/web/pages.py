"""The pages: the overview a newcomer lands on after ``make run`` (server-rendered), and the front end's pages in static/."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, send_from_directory, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from voting.services import meetings, votes
from voting.web import STATIC_DIR, reading, request_body
from voting.web.api.access import public
from voting.web.i18n import LANGUAGES, page_language, remember_language
from voting.web.loop import on_event_loop

bp = Blueprint("pages", __name__)


@bp.get("/")
@public
def index() -> ResponseReturnValue:
    with reading() as session:
        body = request_body()
        all_meetings = meetings.all_meetings(session, body)
        all_votes = votes.all_votes(session, body)
        by_vote = votes.candidates_by_vote(session)
    states = {
        "draft": _("Being prepared"),
        "voting": _("Voting under way"),
        "decided": _("Decided, not yet published"),
        "published": _("Published"),
    }
    return render_template(
        "index.html", meetings=all_meetings, votes=all_votes, candidates=by_vote, states=states, lang=page_language()
    )


@bp.get("/lang/<language>")
@public
def switch_language(language: str) -> ResponseReturnValue:
    """The home page's language switch without script: the same ``lang`` cookie the front end's switch sets."""
    if language not in LANGUAGES:
        abort(404)
    return remember_language(redirect(url_for("pages.index")), language)


def static_page(name: str) -> ResponseReturnValue:
    """One of the front end's pages in static/, never cached, so that a deputy's phone never shows yesterday's page."""
    response = send_from_directory(STATIC_DIR, name, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/ballot")
@public
def ballot() -> ResponseReturnValue:
    """The deputy's ballot page; ``?code=`` from the QR code on the slip fills in the code."""
    return static_page("ballot.html")


@bp.get("/hall")
@public
def hall() -> ResponseReturnValue:
    """The hall screen for the projector, ``?vote=ID``: turnout live, the result once published."""
    return static_page("hall.html")


@bp.get("/console")
@public
def console() -> ResponseReturnValue:
    """The clerks' console after login; scrutineers see the same screens read-only, with the audit log."""
    return static_page("console.html")


@bp.get("/results")
@public
def results() -> ResponseReturnValue:
    """The public results page, ``?vote=ID``, once the vote is published."""
    return static_page("results.html")


@bp.get("/receipt")
@public
def receipt() -> ResponseReturnValue:
    """Where a deputy checks a receipt against the published ballot list."""
    return static_page("receipt.html")


@bp.get("/favicon.ico")
@public
def favicon() -> ResponseReturnValue:
    """The icon for what names none (the API's browsable page, a JSON answer opened in a tab): the pages'
    own SVG, so that no page logs a failed request for it."""
    return send_from_directory(STATIC_DIR, "favicon.svg", mimetype="image/svg+xml", max_age=86400)


@bp.get("/healthz")
@public
@on_event_loop
def health() -> ResponseReturnValue:
    """Liveness, and the trivial endpoint the load tests measure the server's own ceiling on."""
    return jsonify(status="ok")
