"""The ``voting`` command: a thin shell over the services and the domain.

Results go to standard output, progress and errors to standard error; a
domain error becomes a message and exit status 1 in one place (``cli_common.refuse``).
``voting tally`` imports nothing but the domain, so that an auditor can
recount on a machine with no server and no database: every other command
imports what it needs (the store, the services, the exports, the web server)
in its own body.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from typing import Any

import click
import orjson

from voting.cli_common import BODY, body_id, fail, open_database, refuse, require_current
from voting.cli_staff import demo, platform, user
from voting.domain import DomainError, InvalidBallotList, ThresholdBasis
from voting.domain.audit_chain import ChainCheck, given_head, missing_heads, verify_chain
from voting.domain.recount import recount_file


@click.group()
@click.version_option(package_name="voting")
def main() -> None:
    """民生实事项目人大代表票决: deputies' vote on livelihood projects."""


main.add_command(demo)
main.add_command(user)
main.add_command(platform)


@main.group()
def db() -> None:
    """The database schema (Alembic migrations)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply the migrations up to REVISION."""
    # here, not at the top: `voting tally` loads the domain only (module docstring)
    from voting.store import migrate

    database = open_database()
    migrate.upgrade(database, revision)
    click.echo(f"database upgraded to {revision}: {database.engine.url.render_as_string(hide_password=True)}", err=True)


@db.command("revision")
@click.option("-m", "--message", required=True, help="What the migration does, as its file name will say.")
def db_revision(message: str) -> None:
    """Autogenerate a migration from the models (read and edit it before committing)."""
    # here, not at the top: `voting tally` loads the domain only (module docstring)
    from voting.store import migrate

    migrate.revision(open_database(), message)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="Worker processes (default: one per core).")
@click.option(
    "--threads",
    default=None,
    type=int,
    help="Native threads per worker, for the requests that do not run on its event loop (default: 16).",
)
def serve(host: str, port: int, workers: int | None, threads: int | None) -> None:
    """Run the web app under gunicorn, a production WSGI server."""
    # here, not at the top: `voting tally` loads the domain only (module docstring)
    from voting.web.server import THREADS, run

    require_current(open_database())
    count = workers or (os.cpu_count() or 1)
    per_worker = threads or THREADS
    click.echo(f"voting: serving on http://{host}:{port}/ with {count} workers of {per_worker} threads", err=True)
    run(host=host, port=port, workers=count, threads=per_worker)


@main.group()
def audit() -> None:
    """The tamper-evident audit log (docs/audit-log.md)."""


_head_option = click.option(
    "--head",
    "heads",
    multiple=True,
    callback=lambda _ctx, _param, value: _heads(value),
    help="A head read out or shown in the hall (16+ hex digits, spaces allowed); repeatable; each must be in the log.",
)


@audit.command("verify")
@click.option("--file", "path", type=click.Path(dir_okay=False), help="An exported audit.jsonl; no database needed.")
@_head_option
@BODY
def audit_verify(path: str | None, heads: tuple[str, ...], body: str | None) -> None:
    """Check the hash chain, of the database or of an exported file; names the first bad entry, or a head not in it."""
    # here, not at the top: `voting tally` loads the domain only (module docstring)
    from voting.exports.bundle_report import chain_report

    check: ChainCheck
    if path is not None:
        hashes: list[str] = []

        def kept(entries: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
            for entry in entries:
                hashes.append(str(entry.get("hash")))
                yield entry

        check = verify_chain(kept(_jsonl(path)))
        missing = missing_heads(hashes[: check.entries], heads)
    else:
        # here, not at the top: `voting tally` loads the domain only (module docstring)
        from voting.services import audit as audit_log

        database = open_database()
        require_current(database)
        with database.read() as session:
            chosen = body_id(session, body)
            check = audit_log.verify(session, chosen)
            missing = audit_log.missing_heads(session, chosen, heads)
    status, message = chain_report(check, missing)
    if status:
        fail(message)
    click.echo(message)


def _heads(value: tuple[str, ...]) -> tuple[str, ...]:
    for head in value:
        try:
            given_head(head)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return value


def _jsonl(path: str) -> Iterator[dict[str, Any]]:
    try:
        with open(path, "rb") as stream:
            for number, line in enumerate(stream, start=1):
                try:
                    entry = orjson.loads(line)
                except orjson.JSONDecodeError:
                    fail(f"{path} line {number}: not JSON")
                if not isinstance(entry, dict):
                    fail(f"{path} line {number}: not a JSON object")
                yield entry
    except OSError as exc:
        fail(f"{path}: cannot read: {exc.strerror}")


@main.command("verify-bundle")
@click.argument("bundle", type=click.Path(dir_okay=False))
@click.option("--result-digest", help="The published result_digest as read out or printed (8+ leading characters).")
@click.option("--ballots-digest", help="The published ballots_digest as read out or printed (8+ leading characters).")
@click.option(
    "--audit-head", help="The audit log's head at publication as read out or printed (8+ leading characters)."
)
@_head_option
def verify_bundle(
    bundle: str, result_digest: str | None, ballots_digest: str | None, audit_head: str | None, heads: tuple[str, ...]
) -> None:
    """Recount a verification bundle and check its hashes and audit log: PASS, or FAIL and the first discrepancy.

    Needs no server and no database (VERIFY.md in the bundle says what it checks and how to do it by hand);
    the bundle's own ``verifier/verify.py`` runs the same check with Python alone and prints the same.
    """
    # here, not at the top: `voting tally` loads the domain only (module docstring)
    from voting.exports.bundle_check import verify_bundle
    from voting.exports.bundle_report import report

    check = verify_bundle(
        bundle, result_digest=result_digest, ballots_digest=ballots_digest, audit_head=audit_head, heads=heads
    )
    status, lines = report(check, bundle)
    for line in lines:
        click.echo(line)
    sys.exit(status)


@audit.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write here instead of standard output.")
@BODY
def audit_export(output: str | None, body: str | None) -> None:
    """Write the audit log as JSON Lines, one canonical JSON object per entry."""
    # here, not at the top: `voting tally` loads the domain only (module docstring)
    from voting.services import audit as audit_log

    database = open_database()
    require_current(database)
    with database.read() as session, click.open_file(output or "-", "w", encoding="utf-8") as out:
        count = 0
        for line in audit_log.export_lines(session, body_id(session, body)):
            out.write(line)
            count += 1
    click.echo(f"exported {count} audit entries", err=True)


@main.command("simulate")
@click.argument("scenario")
@click.option("--runs", default=1000, show_default=True, type=click.IntRange(min=1), help="Simulated votes.")
@click.option("--seed", default=1, show_default=True, type=click.IntRange(min=0), help="The same seed, the same votes.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Also write the distribution as JSON.")
@click.option(
    "--csv", "csv_path", type=click.Path(dir_okay=False), help="Also write it as CSV (measure,value,votes,share)."
)
@click.option(
    "--chart", "chart_path", type=click.Path(dir_okay=False), help="Also draw selection shares as an SVG chart."
)
def simulate_command(
    scenario: str, runs: int, seed: int, json_path: str | None, csv_path: str | None, chart_path: str | None
) -> None:
    """Run a training SCENARIO (a YAML/JSON file or a shipped name, e.g. gongshu-2020) RUNS times with the pure tally.

    Prints how often each project is selected, the rounds, tie-breaks and shortfall rounds, and the margin at the cut-off.
    """
    # here, not at the top: `voting tally` loads the domain only (module docstring)
    from voting.simulation import Distribution, load, simulate
    from voting.simulation.report import Progress, csv_text, svg_chart, table

    if chart_path is not None and not chart_path.lower().endswith(".svg"):
        raise click.BadParameter("the chart is drawn as SVG: name a .svg file", param_hint="--chart")
    try:
        loaded = load(scenario)
    except DomainError as exc:
        refuse(exc)
    outcomes = simulate(loaded, runs, seed, progress=Progress(sys.stderr, f"simulating {loaded.name}"))
    dist = Distribution.of(loaded, outcomes, seed)
    click.echo(table(dist), nl=False)
    for path, text in (
        (json_path, json.dumps(dist.to_dict(), ensure_ascii=False, indent=2) + "\n"),
        (csv_path, csv_text(dist)),
        (chart_path, svg_chart(dist)),
    ):
        if path is not None:
            try:
                with open(path, "w", encoding="utf-8", newline="") as out:
                    out.write(text)
            except OSError as exc:
                fail(f"{path}: cannot write: {exc.strerror}")


@main.command("rehearse")
@click.argument("scenario", default="gongshu-2020")
@click.option(
    "--url", default="http://127.0.0.1:8000", show_default=True, help="The server; nothing else is contacted."
)
@click.option("--user", required=True, help="Staff login (password: VOTING_PASSWORD or a prompt).")
@click.option("--second-user", help="A second clerk, for double entry of paper ballots (VOTING_SECOND_PASSWORD).")
@click.option("--deputies", type=click.IntRange(min=2), help="Simulated deputies (default: the scenario's).")
@click.option("--over", default=180.0, show_default=True, type=click.FloatRange(min=0), help="Seconds per round.")
@click.option("--seed", default=1, show_default=True, type=click.IntRange(min=0))
@click.option("--leave-open", is_flag=True, help="Leave the first round open for the clerks to close and count.")
@click.option("--max-rounds", type=click.IntRange(min=1), help="Stop after this many rounds.")
@click.option("--vote", "vote_id", type=int, help="Use this existing TRAINING vote (refused for a live one).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Also write what happened as JSON.")
def rehearse_cmd(**options: Any) -> None:
    """Drive a training vote (演练) on a running server as simulated deputies of SCENARIO, at a pace."""
    # here, not at the top: `voting tally` loads the domain only (module docstring)
    from voting.simulation.commands import rehearse_command

    sys.exit(rehearse_command(**options))


@main.command("drill")
@click.argument("name", required=False)
@click.option("--list", "listing", is_flag=True, help="List the shipped drills and their promised outcomes.")
@click.option(
    "--url", default="http://127.0.0.1:8000", show_default=True, help="The server; nothing else is contacted."
)
@click.option("--user", help="Staff login (password: VOTING_PASSWORD or a prompt).")
@click.option("--second-user", help="A second clerk, for double entry of paper ballots (VOTING_SECOND_PASSWORD).")
@click.option("--seed", default=1, show_default=True, type=click.IntRange(min=0), help="Who is absent, who casts what.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Also write the outcome as JSON.")
def drill_cmd(name: str | None, listing: bool, user: str | None, **options: Any) -> None:
    """Run the scenario drill NAME on a training vote and check it ends as promised (exit 1 if not)."""
    # here, not at the top: `voting tally` loads the domain only (module docstring)
    from voting.simulation import commands

    if listing:
        sys.exit(commands.list_drills())
    if name is None or user is None:
        raise click.UsageError("give a drill NAME and --user (or --list)")
    sys.exit(commands.drill_command(name=name, user=user, **options))


def _projects(value: str | None) -> list[int] | None:
    if value is None:
        return None
    try:
        return [int(part) for part in value.split(",")]
    except ValueError:
        raise click.BadParameter(f"expected comma-separated project numbers, not {value!r}") from None


@main.command("tally")
@click.argument("ballots_csv", type=click.Path(dir_okay=False))
@click.option("--seats", required=True, type=click.IntRange(min=1), help="Seats this round fills (K).")
@click.option("--deputies", required=True, type=click.IntRange(min=1), help="All deputies (N).")
@click.option("--candidates", type=click.IntRange(min=1), help="Highest project number (C); default: highest seen.")
@click.option("--issued", type=click.IntRange(min=0), help="Ballots issued (I); default: ballots cast.")
@click.option("--projects", "projects_text", help="This round's projects, comma-separated; default 1..C.")
@click.option("--present", type=click.IntRange(min=0), help="Deputies present; default: ballots issued.")
@click.option(
    "--threshold-basis",
    type=click.Choice([b.value for b in ThresholdBasis]),
    default=ThresholdBasis.ALL_DEPUTIES.value,
    show_default=True,
)
@click.option("--threshold-fraction", default="1/2", show_default=True, help="More than this fraction of the basis.")
def tally_command(
    ballots_csv: str,
    seats: int,
    deputies: int,
    candidates: int | None,
    issued: int | None,
    projects_text: str | None,
    present: int | None,
    threshold_basis: str,
    threshold_fraction: str,
) -> None:
    """Recount a round from its anonymous ballot list (DESIGN section 5); prints JSON."""
    try:
        output = recount_file(
            ballots_csv,
            seats=seats,
            deputies=deputies,
            candidates=candidates,
            issued=issued,
            projects=_projects(projects_text),
            present=present,
            threshold_basis=threshold_basis,
            threshold_fraction=threshold_fraction,
        )
    except OSError as exc:
        fail(f"{ballots_csv}: cannot read: {exc.strerror}")
    except InvalidBallotList as exc:
        refuse(exc, path=ballots_csv)
    except DomainError as exc:
        refuse(exc)
    click.echo(json.dumps(output, ensure_ascii=False))
