"""``voting demo`` and ``voting user``: the way into the console for a newcomer and for the staff.

``voting demo`` ends with the console's address and the demo's staff accounts (two clerks, since paper
ballots are entered twice by two different clerks, and a scrutineer), each new password shown once;
run again, it changes no account.  ``voting user add`` makes another account, ``voting user password``
gives one a new password.  Registered on the ``voting`` group by ``voting.cli``; the helpers both use are ``voting.cli_common``'s.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib.resources import files
from typing import TYPE_CHECKING

import click

from voting.cli_common import BODY, body_id, open_database, refuse, require_current
from voting.domain import DomainError

if TYPE_CHECKING:
    from sqlmodel import Session


@click.command()
@click.option(
    "--url",
    default="http://127.0.0.1:8000/",
    show_default=True,
    help="Where the server will answer (`make run` passes its HOST and PORT): the console's address is printed.",
)
def demo(url: str) -> None:
    """Load the Gongshu 2020 meeting and vote with a roster of 250 deputies, and the staff accounts (idempotent).

    Ends with the console's address and, for each staff account made now, its name and random password on
    one line, shown this once; run again, it leaves existing accounts and their passwords as they are.
    """
    # here, not at the top: `voting tally` loads the domain only (voting.cli)
    from voting.services.demo import demo_staff, load_demo
    from voting.services.roster import SAMPLE

    database = open_database()
    require_current(database)
    summary = load_demo(database)
    state = "created" if summary.created else "already present"
    click.echo(
        f"Gongshu 2020 demo {state}: meeting {summary.meeting_id}, vote {summary.vote_id}, "
        f"{summary.deputies} deputies, {summary.candidates} candidates, {summary.seats} seats"
    )
    staff = demo_staff(database)
    sample = files("voting").joinpath(SAMPLE)
    click.echo(f"A sample roster to try the import with: {sample}.csv and {sample}.xlsx")
    click.echo("More accounts: voting user add NAME --role clerk|scrutineer|admin")
    if staff.existing:
        names = ", ".join(f"{name} ({role})" for name, role in staff.existing)
        click.echo(f"Staff accounts already there, passwords unchanged: {names}")
        click.echo("A forgotten password: voting user password NAME (asks for the new one)")
    click.echo(f"Console: {url.rstrip('/')}/console")
    if staff.made:
        click.echo("Staff accounts made now; each password is shown this once (paper ballots need both clerks):")
        for name, role, password in staff.made:
            click.echo(f"  {name} ({role}): {password}")


@click.group()
def user() -> None:
    """Staff accounts."""


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["admin", "clerk", "scrutineer"]))
@BODY
def user_add(name: str, role: str, body: str | None) -> None:
    """Create a staff account of a body; the password is read from a prompt, or from standard input when piped."""
    # here, not at the top: `voting tally` loads the domain only (voting.cli)
    from voting.services import auth

    password = _new_password()

    def add(session: Session) -> object:
        by = auth.Actor("voting user add", "admin", body_id(session, body))
        return auth.add_user(session, name, role, password, by=by)

    _change(add)
    click.echo(f"user {name} added with the role {role}")


@user.command("password")
@click.argument("name")
@BODY
def user_password(name: str, body: str | None) -> None:
    """Give a body's staff account a new password (asked for, or read from standard input when piped)."""
    # here, not at the top: `voting tally` loads the domain only (voting.cli)
    from voting.services import auth

    password = _new_password()

    def change(session: Session) -> object:
        by = auth.Actor("voting user password", "admin", body_id(session, body))
        return auth.set_password(session, name, password, by=by)

    _change(change)
    click.echo(f"user {name} has a new password")


@click.group()
def platform() -> None:
    """The service's administrator, and the bodies (人大) on it (DESIGN section 8)."""


@platform.command("admin")
@click.argument("name")
def platform_admin(name: str) -> None:
    """Create an account of the service's administrator, who belongs to no body (password as for `user add`)."""
    # here, not at the top: `voting tally` loads the domain only (voting.cli)
    from voting.services import auth

    password = _new_password()
    _change(lambda session: auth.add_platform_admin(session, name, password))
    click.echo(f"platform administrator {name} added")


@platform.command("body")
@click.argument("slug")
@click.option("--name-zh", required=True, help="The body's name in Chinese, as its forms print it")
@click.option("--name-en", default="", help="Its English name")
@click.option("--admin", required=True, help="The name of its first administrator (password as for `user add`)")
def platform_body(slug: str, name_zh: str, name_en: str, admin: str) -> None:
    """Set up a body, addressed at /b/SLUG/, with its first administrator."""
    # here, not at the top: `voting tally` loads the domain only (voting.cli)
    from voting.services import auth, bodies

    password = _new_password()
    by = auth.Actor("voting platform body", auth.Role.PLATFORM.value)
    _change(
        lambda session: bodies.create_body(
            session, slug=slug, name_zh=name_zh, name_en=name_en, admin=admin, password=password, by=by
        )
    )
    click.echo(f"body {slug} set up, with the administrator {admin}")


def _new_password() -> str:
    if sys.stdin.isatty():
        password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
        return password
    return sys.stdin.readline().rstrip("\n")


def _change(step: Callable[[Session], object]) -> None:
    """Run one change to the accounts in a write transaction; a refusal is the command's error message."""
    database = open_database()
    require_current(database)
    try:
        with database.write() as session:
            step(session)
    except DomainError as exc:
        refuse(exc)
