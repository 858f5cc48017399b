"""Real servers for the tests that need them: ``voting serve`` (gunicorn) on a loopback port.

``serving(env, log_dir, workers=...)`` starts the installed console script
against the test's database (the ``cli_env`` fixture's environment), waits
until ``GET /healthz`` answers and stops it afterwards.  The server runs in a
session of its own, so that ``Server.kill`` can SIGKILL the whole process
group, gunicorn's master and workers together, as a crash would.

``Http`` speaks to such a server as ``tests.support.api.Api`` speaks to the
test client, and ``set_up_remote`` is ``support.set_up`` over real HTTP.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from sqlmodel import col, func, select

from tests.support.api import PASSWORD
from tests.support.cli import VOTING
from voting.store.db import Database
from voting.store.models import Ballot, Participation

HOST = "127.0.0.1"
START_TIMEOUT = 90.0
"""How long a real server may take to answer /healthz: on two cores busy with the rest of the suite, four gunicorn
workers importing the app took up to 30 s; a server that never starts still fails, it only fails later."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _live_members(pgid: int) -> list[int]:
    """Processes of the group that are still running (a zombie waiting to be reaped holds nothing)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...; comm may hold spaces, so split after its closing parenthesis.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            alive.append(int(entry.name))
    return alive


@dataclass
class Server:
    """One ``voting serve`` process group."""

    env: dict[str, str]
    log_path: Path
    workers: int
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace") if self.log_path.exists() else ""

    def start(self) -> None:
        """Start the server (on the same port as before, after a restart) and wait until it answers."""
        fixed = self.port != 0
        for _attempt in range(3):
            if not fixed:
                self.port = free_port()
            with self.log_path.open("ab") as log:
                self.process = subprocess.Popen(
                    [VOTING, "serve", "--host", HOST, "--port", str(self.port), "--workers", str(self.workers)],
                    env=self.env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            if self._wait_ready():
                return
            # Another program took the free port between the probe and gunicorn's bind: try another.
            if fixed or "Address already in use" not in self.log():
                break
        raise RuntimeError(f"voting serve did not start on port {self.port}:\n{self.log()[-4000:]}")

    def _wait_ready(self) -> bool:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            with suppress(requests.RequestException):
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return True
            time.sleep(0.05)
        self.kill()
        return False

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, as a crash or a power cut would stop them."""
        if self.process is None:
            return
        pgid = self.process.pid  # start_new_session: the master leads its own process group
        with suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        self.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _live_members(pgid) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not _live_members(pgid), f"workers of {pgid} survived SIGKILL"

    def stop(self) -> None:
        """Shut down gracefully (SIGTERM), or kill if that takes too long."""
        if self.process is None:
            return
        if self.process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        self.kill()


@contextmanager
def serving(env: dict[str, str], log_dir: Path, *, workers: int, name: str = "server") -> Iterator[Server]:
    """``voting serve --workers N`` on a free loopback port, answering /healthz; stopped on exit."""
    server = Server(env, log_dir / f"{name}.log", workers)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def add_staff(env: dict[str, str], name: str, role: str) -> None:
    """A staff account made as an administrator makes one: ``voting user add`` with the password piped in."""
    done = subprocess.run(
        [VOTING, "user", "add", name, "--role", role],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


@dataclass
class Http:
    """Requests to a real server as one staff member (with a bearer token) or as a deputy (without)."""

    url: str
    token: str | None = None
    session: requests.Session = field(default_factory=requests.Session)

    def send(self, method: str, path: str, body: Any = None, status: int = 200, **kwargs: Any) -> Any:
        headers = {"Accept-Language": "en"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        response = self.session.request(method, self.url + path, json=body, headers=headers, timeout=30, **kwargs)
        assert response.status_code == status, f"{method} {path}: {response.status_code} {response.text}"
        if response.headers.get("Content-Type", "").startswith("application/json"):
            return response.json()
        return response.text

    def get(self, path: str, status: int = 200) -> Any:
        return self.send("GET", path, status=status)

    def post(self, path: str, body: Any = None, status: int = 200, **kwargs: Any) -> Any:
        return self.send("POST", path, body, status, **kwargs)

    def put(self, path: str, body: Any = None, status: int = 200) -> Any:
        return self.send("PUT", path, body, status)

    def delete(self, path: str, status: int = 204) -> Any:
        return self.send("DELETE", path, status=status)

    def upload(self, path: str, name: str, content: bytes, status: int = 201) -> Any:
        """A multipart POST of one file in the field ``file``."""
        return self.send("POST", path, status=status, files={"file": (name, content)})


def login(url: str, name: str) -> Http:
    answer = Http(url).post("/api/v1/auth/login", {"name": name, "password": PASSWORD})
    return Http(url, token=answer["token"])


def round_rows(db: Database, round_id: int) -> tuple[int, int]:
    """(ballot rows, participation rows) of a round, read straight from the database."""
    with db.read() as session:
        ballots = session.exec(select(func.count()).select_from(Ballot).where(col(Ballot.round_id) == round_id)).one()
        participations = session.exec(
            select(func.count()).select_from(Participation).where(col(Participation.round_id) == round_id)
        ).one()
    return ballots, participations
