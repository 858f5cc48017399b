"""What a load run serves from: a fresh database, ``voting serve`` on one or more hosts, and Redis between them.

Each host is a ``voting serve`` of its own (its port, its instance folder, its
process group: what separate machines would have), all on one database and
with one secret key, so that a clerk's token and a deputy's code work on any
of them.  With more than one host the rate limits' counters live in a real
``redis-server`` (a private unix socket, nothing kept on disk) that every host
names in ``VOTING_RATELIMIT_STORAGE_URI``, as a deployment of several hosts
must; one host keeps them in its instance folder.  Several hosts on one SQLite
file work on one machine; separate machines need PostgreSQL.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import redis
import requests
from sqlalchemy import create_engine, text

from loadtests.report import Options

BIN = Path(sys.executable).parent
VOTING = str(BIN / "voting")
HOST = "127.0.0.1"
PASSWORD = secrets.token_urlsafe(16)
"""Every staff account's password in a load run (its databases are thrown away)."""
CLERKS = ("load-clerk", "load-clerk2")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _postgres_bindir() -> str:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not found:
        raise SystemExit("loadtests: PostgreSQL is not installed (scripts/setup.sh --test installs it)")
    return str(found[-1])


@contextlib.contextmanager
def _postgres(directory: Path) -> Iterator[str]:
    """A database of its own: in ``VOTING_TEST_POSTGRES_URL``'s server, or in a throwaway cluster (fsync on)."""
    given = os.environ.get("VOTING_TEST_POSTGRES_URL")
    if given:
        base = given
        stop = None
    else:
        bindir = _postgres_bindir()
        data = directory / "pg"
        data.mkdir()
        as_owner: list[str] = []
        if os.getuid() == 0:
            shutil.chown(directory, "postgres")
            shutil.chown(data, "postgres")
            as_owner = ["runuser", "-u", "postgres", "--"]
        quiet = {"stdout": subprocess.DEVNULL, "check": True}
        subprocess.run([*as_owner, f"{bindir}/initdb", "-D", str(data / "d"), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8"], **quiet)  # type: ignore[call-overload]  # fmt: skip
        options = f"-c listen_addresses='' -k {data} -c max_connections=300 -c synchronous_commit=on"
        subprocess.run([*as_owner, f"{bindir}/pg_ctl", "-D", str(data / "d"), "-l", str(data / "log"), "-w", "-o", options, "start"], **quiet)  # type: ignore[call-overload]  # fmt: skip
        base = f"postgresql+psycopg://postgres@/postgres?host={data}"

        def stop() -> None:
            subprocess.run([*as_owner, f"{bindir}/pg_ctl", "-D", str(data / "d"), "-m", "immediate", "stop"], stdout=subprocess.DEVNULL, check=False)  # fmt: skip

    name = f"load_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.replace("/postgres?", f"/{name}?", 1)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        if stop is not None:
            stop()


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A real redis-server of its own, on a private unix socket, with nothing kept on disk: its socket's path."""
    directory = tempfile.mkdtemp(prefix="voting-redis-")  # short: a socket path has at most 107 bytes
    socket_path = os.path.join(directory, "redis.sock")
    server = subprocess.Popen(
        ["redis-server", "--port", "0", "--unixsocket", socket_path, "--save", "", "--appendonly", "no"],
        cwd=directory,
        stdout=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(unix_socket_path=socket_path)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.02)
        client.close()
        yield socket_path
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)


@dataclass
class Stack:
    urls: list[str]
    """One address per host."""
    database_url: str
    env: dict[str, str]
    """The environment the hosts share (database, secret key, rate limits' storage); for the ``voting`` commands."""
    server_groups: list[int] = field(default_factory=list)
    """The process group of each host's ``voting serve`` (its master and workers), for their CPU time."""
    redis_socket: str | None = None
    """The hosts' shared Redis (only with more than one host)."""

    @property
    def url(self) -> str:
        """The first host: where the runner itself sets up and checks."""
        return self.urls[0]

    def cpu_seconds(self) -> float:
        """CPU time used so far by every host's processes."""
        return sum(group_cpu_seconds(group) for group in self.server_groups)


def group_cpu_seconds(group: int) -> float:
    """CPU time (user + system) used so far by the live processes of a process group, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group:  # pgrp
                total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def voting(stack_env: dict[str, str], *args: str) -> None:
    """One ``voting`` command on the run's database; a password it asks for is ``PASSWORD``."""
    subprocess.run([VOTING, *args], input=PASSWORD + "\n", text=True, env=stack_env, check=True, capture_output=True)


@contextlib.contextmanager
def serving(options: Options, directory: Path, log: Path) -> Iterator[Stack]:
    """``options.hosts`` hosts on a fresh database, with two clerks; stopped and removed on exit."""
    with contextlib.ExitStack() as cleanup:
        if options.db == "postgres":
            database_url = cleanup.enter_context(_postgres(directory))
        else:
            database_url = f"sqlite:///{directory / 'load.sqlite3'}"
        env = {**os.environ, "VOTING_DATABASE_URL": database_url, "VOTING_SECRET_KEY": secrets.token_hex(32)}
        env["VOTING_INSTANCE_PATH"] = str(directory / "instance")
        redis_socket = None
        if options.hosts > 1:
            redis_socket = cleanup.enter_context(redis_server())
            env["VOTING_RATELIMIT_STORAGE_URI"] = f"redis+unix://{redis_socket}"
        subprocess.run([VOTING, "db", "upgrade"], env=env, check=True, capture_output=True)
        for name in CLERKS:
            voting(env, "user", "add", name, "--role", "clerk")
        stack = Stack([], database_url, env, redis_socket=redis_socket)
        for host in range(options.hosts):
            own = {**env, "VOTING_INSTANCE_PATH": str(directory / f"instance-{host}")}
            url, group = cleanup.enter_context(_host(options, own, log))
            stack.urls.append(url)
            stack.server_groups.append(group)
        yield stack


@contextlib.contextmanager
def _host(options: Options, env: dict[str, str], log: Path) -> Iterator[tuple[str, int]]:
    """One ``voting serve`` in a process group of its own, once it answers ``/healthz``: its address and group."""
    port = _free_port()
    command = [VOTING, "serve", "--host", HOST, "--port", str(port)]
    if options.workers:
        command += ["--workers", str(options.workers)]
    if options.threads:
        command += ["--threads", str(options.threads)]
    with log.open("ab") as log_file:
        server = subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file, start_new_session=True
        )
    try:
        url = f"http://{HOST}:{port}"
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"voting serve did not start:\n{log.read_text('utf-8', errors='replace')[-3000:]}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            time.sleep(0.1)
        yield url, server.pid
    finally:
        _stop(server)


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
