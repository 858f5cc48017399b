"""The pages: the overview a newcomer lands on after ``make run`` (server-rendered), and the front end's pages in static/."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, send_from_directory, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlmodel import col, select

from voting.store.models import CandidateProject, Meeting, Vote
from voting.web import STATIC_DIR, get_db
from voting.web.i18n import LANGUAGES, page_language, remember_language
from voting.web.loop import on_event_loop

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    with get_db(current_app).read() as session:
        meetings = session.exec(select(Meeting).order_by(col(Meeting.date).desc())).all()
        votes = session.exec(select(Vote).order_by(col(Vote.id))).all()
        candidates = session.exec(
            select(CandidateProject).order_by(col(CandidateProject.vote_id), col(CandidateProject.number))
        ).all()
    by_vote: dict[int, list[CandidateProject]] = {}
    for candidate in candidates:
        by_vote.setdefault(candidate.vote_id, []).append(candidate)
    states = {
        "draft": _("Being prepared"),
        "voting": _("Voting under way"),
        "decided": _("Decided, not yet published"),
        "published": _("Published"),
    }
    return render_template(
        "index.html", meetings=meetings, votes=votes, candidates=by_vote, states=states, lang=page_language()
    )


@bp.get("/lang/<language>")
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
def ballot() -> ResponseReturnValue:
    """The deputy's ballot page; ``?code=`` from the QR code on the slip fills in the code."""
    return static_page("ballot.html")


@bp.get("/hall")
def hall() -> ResponseReturnValue:
    """The hall screen for the projector, ``?vote=ID``: turnout live, the result once published."""
    return static_page("hall.html")


@bp.get("/console")
def console() -> ResponseReturnValue:
    """The clerks' console after login; scrutineers see the same screens read-only, with the audit log."""
    return static_page("console.html")


@bp.get("/results")
def results() -> ResponseReturnValue:
    """The public results page, ``?vote=ID``, once the vote is published."""
    return static_page("results.html")


@bp.get("/receipt")
def receipt() -> ResponseReturnValue:
    """Where a deputy checks a receipt against the published ballot list."""
    return static_page("receipt.html")


@bp.get("/favicon.ico")
def favicon() -> ResponseReturnValue:
    """The icon for what names none (the API's browsable page, a JSON answer opened in a tab): the pages'
    own SVG, so that no page logs a failed request for it."""
    return send_from_directory(STATIC_DIR, "favicon.svg", mimetype="image/svg+xml", max_age=86400)


@bp.get("/healthz")
@on_event_loop
def health() -> ResponseReturnValue:
    """Liveness, and the trivial endpoint the load tests measure the server's own ceiling on."""
    return jsonify(status="ok")
