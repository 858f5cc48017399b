"""A real server shared by the tests of one module, and the ``voting`` client commands that drive it.

The drills and rehearsals talk to a running ``voting serve`` over HTTP only;
``run_client`` starts them with an environment that names no database at all,
so that a command reaching for one would fail.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.api import PASSWORD
from tests.support.cli import VOTING
from tests.support.databases import fresh_database
from tests.support.servers import Http, Server, add_staff, login, serving

CLERK, SECOND_CLERK = "trainer-li", "trainer-wang"
_numbers = itertools.count()


@dataclass
class Remote:
    server: Server
    clerk: Http
    second: Http
    directory: Path

    @property
    def url(self) -> str:
        return self.server.url


@contextmanager
def remote_server(db_kind: str, template: str, directory: Path) -> Iterator[Remote]:
    """``voting serve`` on a fresh database with two clerks, for a whole test module."""
    with fresh_database(db_kind, template, directory) as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VOTING_")}
        env.update(VOTING_DATABASE_URL=url, VOTING_INSTANCE_PATH=str(directory / "instance"))
        add_staff(env, CLERK, "clerk")
        add_staff(env, SECOND_CLERK, "clerk")
        add_staff(env, "live-clerk-zhou", "clerk")
        add_staff(env, "live-clerk-wu", "clerk")
        with serving(env, directory, workers=2) as server:
            yield Remote(server, login(server.url, CLERK), login(server.url, SECOND_CLERK), directory)


def run_client(remote: Remote, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``voting ARGS --url URL``, as a trainer runs it: passwords from the environment, no database named."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOTING_")}
    env.update(VOTING_PASSWORD=PASSWORD, VOTING_SECOND_PASSWORD=PASSWORD)
    return subprocess.run(
        [VOTING, *args, "--url", remote.url],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


def run_json(remote: Remote, *args: str, expect_status: int = 0) -> dict[str, Any]:
    """Run a client command with ``--json`` and return what it wrote; asserts the exit status."""
    path = remote.directory / f"out-{next(_numbers)}.json"
    done = run_client(remote, *args, "--json", str(path))
    assert done.returncode == expect_status, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    data["stdout"] = done.stdout
    return data


__all__ = ["CLERK", "SECOND_CLERK", "Remote", "login", "remote_server", "run_client", "run_json"]
