"""Scenario drills (演练脚本) from the clerk console: list the shipped drills, run one on a fresh training vote.

A run is ``voting drill NAME`` done by the server itself: the same runner
(``voting.simulation.drill.run_drill``) plays the same script through the
same API routes, only sent through the application in this process
(``InProcessClient``) instead of over HTTP.  It creates a meeting of
simulated deputies and a training vote on it, never touches anything else,
and leaves the vote as the drill ends, for the trainer to open in the console
and on the hall screen.

The requests are made as the trainer, by a bearer token issued for the run
and revoked after it, so that the audit log names the trainer for every step.
Paper ballots are entered twice by two clerks: the second entry is made as
``drill-second-clerk``, a clerk account made on first need whose random
password is thrown away (nobody can log in as it), again with a token for
the run alone.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import current_app
from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlmodel import Session, select

from voting.domain.audit_events import DrillRun
from voting.services import audit, auth
from voting.services.auth import Actor, Role
from voting.services.errors import Conflict, NotFound
from voting.simulation.drill import Drill, all_drills, check, load_drill, run_drill, shipped_drills
from voting.simulation.rehearsal import InProcessClient, RehearsalError
from voting.store.models import StaffUser
from voting.web.api.access import secret, session_limits, staff, writer, writing
from voting.web.api.fields import Text
from voting.web.api.parsing import Blueprint
from voting.web.i18n import language

blp = Blueprint("drills", __name__, url_prefix="/api/v1/drills", description="Scenario drills (演练脚本) for trainers")

SECOND_CLERK = "drill-second-clerk"
"""The simulated second clerk who makes the second entry of a drill's paper ballots."""
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
        raise NotFound("unknown_drill", f"no shipped drill is named {name!r}", field="name", name=name)
    return load_drill(name)


def _second_clerk(db: Session, by: Actor) -> StaffUser:
    user = db.exec(select(StaffUser).where(StaffUser.name == SECOND_CLERK)).first()
    if user is None:
        user = auth.add_user(db, SECOND_CLERK, Role.CLERK.value, secrets.token_urlsafe(32), by=by)
    if not user.active or user.role != Role.CLERK:
        raise Conflict(
            "drill_second_clerk",
            f"the account {SECOND_CLERK} enters a drill's paper ballots a second time; it must be an active clerk",
            name=SECOND_CLERK,
        )
    return user


@blp.route("")
class Drills(MethodView):
    @blp.response(200, DrillSchema(many=True))
    def get(self) -> list[dict[str, Any]]:
        """The shipped drills, by name, each with the outcome it promises."""
        staff()
        return [_listing(drill) for drill in all_drills()]


@blp.route("/<string(maxlength=60):name>/run")
class RunDrill(MethodView):
    @blp.arguments(DrillRunInSchema)
    @blp.response(201, DrillRunSchema)
    def post(self, data: dict[str, Any], name: str) -> dict[str, Any]:
        """Run a drill on a new meeting and training vote, as ``voting drill NAME`` does, and say if it went as promised."""
        actor = writer()
        drill = _shipped(name)
        key = secret()
        with writing() as db:
            user = db.exec(select(StaffUser).where(StaffUser.name == actor.name)).one()
            tokens = [auth.issue_token(db, user, key, session_limits())]
            if drill.needs_paper:
                tokens.append(auth.issue_token(db, _second_clerk(db, actor), key, session_limits()))
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        clients = [InProcessClient(app, token, language()) for token in tokens]  # a failure in the caller's words
        try:
            # No transaction is held here: every step is a request of its own, as over HTTP.
            report = run_drill(
                clients[0], drill, seed=data["seed"], second=clients[1] if len(clients) > 1 else None, say=_quiet
            )
        except RehearsalError as exc:
            raise Conflict(
                "drill_failed", f"the drill {name} could not be played: {exc}", name=name, detail=str(exc)
            ) from None
        finally:
            with writing() as db:
                for token in tokens:
                    auth.log_out(db, auth.keyed_hash(key, token))
        problems = check(drill, report)
        with writing() as db:
            audit.record(
                db,
                DrillRun(drill=drill.name, seed=report.seed, meeting_id=report.meeting_id, passed=not problems),
                actor=actor,
                vote_id=report.vote_id,
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
