"""Scenario drills (演练脚本) from the clerk console: list the shipped drills, run one on a fresh training vote.

A run is ``voting drill NAME`` done by the server itself: the same runner
(``voting.simulation.drill_run.run_drill``) plays the same script through the
same API routes, only sent through the application in this process
(``InProcessClient``) instead of over HTTP.  It creates a meeting of
simulated deputies and a training vote on it, never touches anything else,
and leaves the vote as the drill ends, for the trainer to open in the console
and on the hall screen.

The requests are made as the trainer, by a bearer token issued for the run
and revoked after it, and a second clerk's for paper ballots
(``voting.services.drills``).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from voting.services import drills
from voting.services.errors import Conflict, NotFound
from voting.simulation.drill import Drill, all_drills, load_drill, shipped_drills
from voting.simulation.drill_run import check, run_drill
from voting.simulation.transport import InProcessClient, RehearsalError
from voting.web import writing
from voting.web.api.access import READERS, WRITERS, current_actor, secret, session_limits, staff
from voting.web.api.fields import Text
from voting.web.api.parsing import Blueprint
from voting.web.i18n import language

blp = Blueprint("drills", __name__, url_prefix="/api/v1/drills", description="Scenario drills (演练脚本) for trainers")

DEFAULT_SEED = 1
"""As ``voting drill``'s ``--seed`` default: the same drill and seed, the same deputies doing the same."""
SEED = validate.Range(min=0, max=2**31 - 1)


class DrillSchema(Schema):
    name = Text(metadata={"description": "Pass to POST /api/v1/drills/{name}/run"})
    title_zh = Text()
    title_en = Text()
    expected_zh = Text(metadata={"description": "The promised outcome, in words (预期结果)"})
    expected_en = Text()
    deputies = fields.Integer(metadata={"description": "Simulated deputies on the drill's roster"})


class DrillRunInSchema(Schema):
    seed = fields.Integer(
        strict=True,
        load_default=DEFAULT_SEED,
        validate=SEED,
        metadata={"description": "Picks who is absent and who casts which ballot; never the outcome"},
    )


class DrillRunSchema(Schema):
    name = Text()
    vote_id = fields.Integer(metadata={"description": "The training vote, left as the drill ends"})
    meeting_id = fields.Integer()
    training = fields.Boolean(metadata={"description": "Always true: a drill runs only on a training vote (演练)"})
    seed = fields.Integer()
    passed = fields.Boolean(metadata={"description": "The vote ended as the drill promises"})
    problems = fields.List(Text(), metadata={"description": "Where it did not (empty when passed)"})
    expected_zh = Text()
    expected_en = Text()


def _listing(drill: Drill) -> dict[str, Any]:
    return {
        "name": drill.name,
        "title_zh": drill.title_zh,
        "title_en": drill.title_en,
        "expected_zh": drill.expected_zh,
        "expected_en": drill.expected_en,
        "deputies": drill.deputies,
    }


def _shipped(name: str) -> Drill:
    """A shipped drill by name; never a path (``load_drill`` would read any file)."""
    if name not in shipped_drills():
        raise NotFound("unknown_drill", field="name", name=name)
    return load_drill(name)


@blp.route("")
class Drills(MethodView):
    @blp.response(200, DrillSchema(many=True))
    @staff(READERS)
    def get(self) -> list[dict[str, Any]]:
        """The shipped drills, by name, each with the outcome it promises."""
        return [_listing(drill) for drill in all_drills()]


@blp.route("/<string(maxlength=60):name>/run")
class RunDrill(MethodView):
    @blp.arguments(DrillRunInSchema)
    @blp.response(201, DrillRunSchema)
    @staff(WRITERS)
    def post(self, data: dict[str, Any], name: str) -> dict[str, Any]:
        """Run a drill on a new meeting and training vote, as ``voting drill NAME`` does, and say if it went as promised."""
        actor = current_actor()
        drill = _shipped(name)
        key = secret()
        with writing() as db:
            tokens = drills.start_logins(db, actor, key, session_limits(), needs_paper=drill.needs_paper)
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        clients = [InProcessClient(app, token, language()) for token in tokens]  # a failure in the caller's words
        try:
            # No transaction is held here: every step is a request of its own, as over HTTP.
            report = run_drill(
                clients[0], drill, seed=data["seed"], second=clients[1] if len(clients) > 1 else None, say=_quiet
            )
        except RehearsalError as exc:
            raise Conflict("drill_failed", name=name, detail=str(exc)) from None
        finally:
            with writing() as db:
                drills.end_logins(db, key, tokens)
        problems = check(drill, report)
        with writing() as db:
            drills.record_run(
                db,
                actor,
                drill=drill.name,
                seed=report.seed,
                vote_id=report.vote_id,
                meeting_id=report.meeting_id,
                passed=not problems,
            )
        return {
            "name": drill.name,
            "vote_id": report.vote_id,
            "meeting_id": report.meeting_id,
            "training": True,
            "seed": report.seed,
            "passed": not problems,
            "problems": problems,
            "expected_zh": drill.expected_zh,
            "expected_en": drill.expected_en,
        }


def _quiet(_: str) -> None:
    pass
