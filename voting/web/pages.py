"""Server-rendered pages: the overview a newcomer lands on after ``make run``, the deputy's ballot page, the hall screen."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, send_from_directory
from flask.typing import ResponseReturnValue
from sqlmodel import col, select

from voting.store.models import CandidateProject, Meeting, Vote
from voting.web import STATIC_DIR, get_db

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
    return render_template("index.html", meetings=meetings, votes=votes, candidates=by_vote)


@bp.get("/ballot")
def ballot() -> ResponseReturnValue:
    """The deputy's ballot page (static/ballot.html); ``?code=`` from the QR code on the slip fills in the code."""
    response = send_from_directory(STATIC_DIR, "ballot.html", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/hall")
def hall() -> ResponseReturnValue:
    """The hall screen for the projector (static/hall.html), ``?vote=ID``: turnout live, the result once published."""
    response = send_from_directory(STATIC_DIR, "hall.html", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def health() -> ResponseReturnValue:
    """Liveness, and the trivial endpoint the load tests measure the server's own ceiling on."""
    return jsonify(status="ok")
