"""What ``voting rehearse`` and ``voting drill`` do, behind their options (voting/cli.py).

Passwords come from the environment (``VOTING_PASSWORD``, and
``VOTING_SECOND_PASSWORD`` for the second clerk) or from a prompt, never from
an argument, which other users of the machine could read in the process list.
"""

from __future__ import annotations

import json
import os
import sys

import click

from voting.domain import DomainError
from voting.language import reader_language, translations, words_of
from voting.simulation.drill import Drill, all_drills, load_drill
from voting.simulation.drill_run import check, run_drill
from voting.simulation.rehearsal import rehearse, with_deputies
from voting.simulation.scenario import load
from voting.simulation.transport import Client, RehearsalError, login

PASSWORD_ENV = "VOTING_PASSWORD"  # noqa: S105  (the name of a variable, not a password)
SECOND_PASSWORD_ENV = "VOTING_SECOND_PASSWORD"  # noqa: S105


def _say(line: str) -> None:
    click.echo(line)


def _password(env: str, user: str) -> str:
    password = os.environ.get(env)
    if password:
        return password
    if not sys.stdin.isatty():
        raise RehearsalError(f"no password for {user}: set {env} or run in a terminal to be asked")
    typed: str = click.prompt(f"Password for {user}", hide_input=True, err=True)
    return typed


def _clients(url: str, user: str, second_user: str | None) -> tuple[Client, Client | None]:
    client = login(url, user, _password(PASSWORD_ENV, user))
    second = login(url, second_user, _password(SECOND_PASSWORD_ENV, second_user)) if second_user else None
    return client, second


def _write_json(path: str | None, data: object) -> None:
    if path is not None:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=2)


def rehearse_command(
    *,
    scenario: str,
    url: str,
    user: str,
    second_user: str | None,
    deputies: int | None,
    over: float,
    seed: int,
    leave_open: bool,
    max_rounds: int | None,
    vote_id: int | None,
    json_path: str | None,
) -> int:
    try:
        loaded = with_deputies(load(scenario), deputies)
        client, second = _clients(url, user, second_user)
        done = rehearse(
            client,
            loaded,
            seed=seed,
            over=over,
            leave_open=leave_open,
            max_rounds=max_rounds,
            vote_id=vote_id,
            second=second,
            say=_say,
        )
    except RehearsalError as exc:
        click.echo(f"voting: {exc}", err=True)
        return 1
    except DomainError as exc:
        click.echo(f"voting: {words_of(exc, reader_language(os.environ))}", err=True)
        return 1
    _write_json(json_path, done.to_dict())
    return 0


def expected(drill: Drill, language: str) -> str:
    """The outcome the drill promises, in ``language``, as the trainer reads it before and after the run."""
    outcome = drill.expected_zh if language == "zh" else drill.expected_en
    return translations(language).gettext("Expected: %(outcome)s") % {"outcome": outcome}


def list_drills() -> int:
    for drill in all_drills():
        click.echo(f"{drill.name}: {drill.title_zh} / {drill.title_en}")
        click.echo(f"  {expected(drill, 'zh')}")
        click.echo(f"  {expected(drill, 'en')}")
    return 0


def drill_command(*, name: str, url: str, user: str, second_user: str | None, seed: int, json_path: str | None) -> int:
    try:
        drill = load_drill(name)
        client, second = _clients(url, user, second_user)
        click.echo(f"drill {drill.name}: {drill.title_zh} / {drill.title_en} (seed {seed})")
        report = run_drill(client, drill, seed=seed, second=second, say=_say)
    except RehearsalError as exc:
        click.echo(f"voting: {exc}", err=True)
        return 1
    click.echo(expected(drill, "zh"))
    click.echo(expected(drill, "en"))
    problems = check(drill, report)
    data = report.to_dict()
    data["problems"] = problems
    _write_json(json_path, data)
    if problems:
        click.echo(f"MISMATCH: drill {drill.name} did not go as promised:")
        for problem in problems:
            click.echo(f"  {problem}")
        return 1
    click.echo(f"OK: drill {drill.name} went as promised (vote {report.vote_id})")
    return 0
