"""What every ``voting`` command shares: the one way to fail (a message and exit status 1), a domain error
worded for the reader, and the configured database, refused until it is migrated.

Its own module so that ``voting.cli`` and the commands it registers from ``voting.cli_staff`` both import it at
the top, rather than ``cli_staff`` reaching back into the module that imports it.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, NoReturn

import click

from voting.domain import DomainError

if TYPE_CHECKING:
    from sqlmodel import Session

    from voting.store.db import Database


def fail(message: str) -> NoReturn:
    click.echo(f"voting: {message}", err=True)
    sys.exit(1)


def refuse(exc: DomainError, *, path: str | None = None) -> NoReturn:
    """A refusal in the reader's language (the locale's: Chinese where it names Chinese), as the API words it."""
    # here, not at the top: the catalog (babel) is loaded only when a refusal is worded (voting.cli)
    from voting.language import reader_language, words_of

    text = words_of(exc, reader_language(os.environ))
    fail(f"{path}: {text}" if path else text)


def open_database() -> Database:
    """The configured database, as the web app opens it, without building the app."""
    # here, not at the top: `voting tally` loads the domain only (voting.cli)
    from voting import config
    from voting.store.db import Database

    return Database(config.load(config.instance_path())["DATABASE_URL"])


def require_current(db: Database) -> None:
    # here, not at the top: `voting tally` loads the domain only (voting.cli)
    from voting.store import migrate

    if not migrate.is_current(db):
        fail("the database is not at the newest migration: run `voting db upgrade` first")


BODY = click.option(
    "--body",
    "body",
    metavar="NAME",
    help="The body's short name (/b/NAME/); default: DEFAULT_BODY, else the first body.",
)


def body_id(session: Session, slug: str | None) -> int:
    """The body a command means: the one it names, else the default body, as an address without /b/ means."""
    # here, not at the top: `voting tally` loads the domain only (voting.cli)
    from voting import config
    from voting.services import bodies

    chosen = slug or config.load(config.instance_path())["DEFAULT_BODY"]
    try:
        found = bodies.default_body(session, chosen).id
    except DomainError as exc:  # a name no body has
        refuse(exc)
    assert found is not None
    return found
