"""The ``voting`` command, run as the installed console script, as a clerk or auditor would."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask

from tests.support.cli import VOTING, voting
from voting.web import create_app

pytestmark = pytest.mark.slow  # each test runs the installed voting command

EXAMPLES = json.loads((Path(__file__).parent / "data" / "tally-examples.json").read_text("utf-8"))


def tally(tmp_path: Path, csv_text: str, *args: str, encoding: str = "utf-8") -> subprocess.CompletedProcess[str]:
    path = tmp_path / "ballots.csv"
    path.write_text(csv_text, encoding=encoding)
    return voting("tally", str(path), *args)


@pytest.mark.parametrize("case", EXAMPLES["cases"], ids=lambda case: case["name"])
def test_tally_worked_examples(tmp_path: Path, case: dict[str, Any]) -> None:
    result = tally(tmp_path, case["ballots_csv"], *case["args"])
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    for key, expected in case["expected"].items():
        assert output[key] == expected, key


@pytest.mark.parametrize("case", EXAMPLES["bad_input"], ids=lambda case: case["name"])
def test_tally_bad_input_names_the_line(tmp_path: Path, case: dict[str, Any]) -> None:
    result = tally(tmp_path, case["ballots_csv"], *case["args"])
    assert result.returncode != 0
    assert result.stdout == ""
    assert f"line {case['bad_line']}:" in result.stderr


def test_tally_accepts_a_bom_and_more_columns(tmp_path: Path) -> None:
    csv_text = "ballot_id,approvals,note\nA,1 2,x\nB,2,\nC,,blank\n"
    result = tally(tmp_path, csv_text, "--seats", "1", "--deputies", "5", "--candidates", "3", encoding="utf-8-sig")
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["ballots"] == {"cast": 3, "valid": 2, "invalid": 1}
    assert [p["approvals"] for p in output["projects"]] == [0, 1, 0]
    assert output["threshold"] == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "line 1:"),
        (b"id,choices\nA,1\n", "line 1:"),
        (b"ballot_id,approvals\nA,1\n\xff\xfe,2\n", "line 3: not UTF-8"),
    ],
    ids=["empty file", "wrong header", "not UTF-8"],
)
def test_tally_refuses_unreadable_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "ballots.csv"
    path.write_bytes(content)
    result = voting("tally", str(path), "--seats", "1", "--deputies", "3")
    assert result.returncode == 1
    assert result.stdout == ""
    assert message in result.stderr


def test_a_refusal_is_worded_in_the_readers_language(tmp_path: Path) -> None:
    """The locale names Chinese: the refusal is the API's Chinese words for the same code; else English."""
    path = tmp_path / "ballots.csv"
    path.write_text("ballot_id,approvals\nA,1 9\n", encoding="utf-8")
    args = ("tally", str(path), "--seats", "1", "--deputies", "3", "--candidates", "5")
    chinese = voting(*args, locale="zh_CN.UTF-8")
    assert (chinese.returncode, chinese.stderr) == (1, f"voting: {path}: 第 2 行：项目编号 9 超出 1..5 的范围\n")
    english = voting(*args)
    assert (english.returncode, english.stderr) == (1, f"voting: {path}: line 2: project 9 is out of range 1..5\n")


def test_tally_of_a_missing_file_fails_cleanly(tmp_path: Path) -> None:
    result = voting("tally", str(tmp_path / "nowhere.csv"), "--seats", "1", "--deputies", "3")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "cannot read" in result.stderr


def test_tally_with_the_threshold_on_deputies_present(tmp_path: Path) -> None:
    # 10 deputies, 6 present: more than half of those present is 4, of all deputies 6.
    csv_text = "ballot_id,approvals\n" + "".join(f"B{i},1\n" for i in range(4)) + "B4,2\nB5,2\n"
    common = ["--seats", "1", "--deputies", "10", "--candidates", "2"]
    by_all = json.loads(tally(tmp_path, csv_text, *common).stdout)
    by_present = json.loads(tally(tmp_path, csv_text, *common, "--threshold-basis", "deputies_present").stdout)
    assert (by_all["threshold"], by_all["selected"]) == (6, [])
    assert (by_present["threshold"], by_present["selected"]) == (4, [1])


def test_demo_is_idempotent(cli_env: dict[str, str]) -> None:
    assert voting("db", "upgrade", env=cli_env).returncode == 0
    first = voting("demo", env=cli_env)
    second = voting("demo", env=cli_env)
    assert first.returncode == 0, first.stderr
    assert "created" in first.stdout
    assert "250 deputies, 12 candidates, 10 seats" in first.stdout
    assert second.returncode == 0, second.stderr
    assert "already present" in second.stdout
    assert "250 deputies, 12 candidates, 10 seats" in second.stdout


def test_demo_on_an_unmigrated_database_says_what_to_do(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOTING_")}
    env.update(VOTING_DATABASE_URL=f"sqlite:///{tmp_path / 'blank.sqlite3'}", VOTING_INSTANCE_PATH=str(tmp_path))
    result = voting("demo", env=env)
    assert result.returncode == 1
    assert "voting db upgrade" in result.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_serve_answers_over_http_with_the_demo(cli_env: dict[str, str]) -> None:
    assert voting("demo", env=cli_env).returncode == 0
    port = _free_port()
    server = subprocess.Popen(
        [VOTING, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
                break
            except (requests.ConnectionError, requests.Timeout):  # still starting (on a busy machine, slowly)
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert health.json() == {"status": "ok"}
        page = requests.get(f"http://127.0.0.1:{port}/", timeout=30)
        assert page.status_code == 200
        assert "回迁安置项目" in page.text
        assert "2020年拱墅区政府民生实事项目票决" in page.text
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert "gunicorn" in stderr.lower()
    assert f"http://127.0.0.1:{port}/" in stderr


def _accounts(output: str) -> dict[str, tuple[str, str]]:
    """The demo's account lines: ``  NAME (ROLE): PASSWORD`` -> {name: (role, password)}."""
    found = re.findall(r"^  (\S+) \((\w+)\): (\S+)$", output, flags=re.MULTILINE)
    return {name: (role, password) for name, role, password in found}


def _logs_in(app: Flask, name: str, password: str) -> bool:
    response = app.test_client().post("/api/v1/auth/login", json={"name": name, "password": password})
    return response.status_code == 200


def test_demo_ends_with_the_console_and_each_staff_account_once(cli_env: dict[str, str], tmp_path: Path) -> None:
    assert voting("db", "upgrade", env=cli_env).returncode == 0
    first = voting("demo", "--url", "http://hall.example:8000/", env=cli_env)
    assert first.returncode == 0, first.stderr
    made = _accounts(first.stdout)
    roles = sorted(role for role, _ in made.values())
    assert roles.count("clerk") >= 2
    assert roles.count("scrutineer") >= 1
    passwords = [password for _, password in made.values()]
    assert len(set(passwords)) == len(passwords)
    assert all(len(password) >= 12 for password in passwords)
    lines = first.stdout.splitlines()
    # It ends with the console's address, then one line per account made.
    assert lines[-len(made) - 2] == "Console: http://hall.example:8000/console"
    assert set(_accounts("\n".join(lines[-len(made) :]))) == set(made)

    second = voting("demo", env=cli_env)
    assert second.returncode == 0, second.stderr
    assert _accounts(second.stdout) == {}
    assert not any(password in second.stdout for password in passwords)
    assert "passwords unchanged" in second.stdout
    assert "voting user add NAME" in second.stdout
    assert "voting user password NAME" in second.stdout
    assert second.stdout.splitlines()[-1] == "Console: http://127.0.0.1:8000/console"

    app = create_app({"TESTING": True, "DATABASE_URL": cli_env["VOTING_DATABASE_URL"], "SECRET_KEY": "test"})
    try:
        for name, (_, password) in made.items():
            assert _logs_in(app, name, password), name  # unchanged by the second run
        name, (_, old) = next(iter(made.items()))
        assert voting("user", "password", name, env=cli_env, input="a new password for the hall\n").returncode == 0
        assert not _logs_in(app, name, old)
        assert _logs_in(app, name, "a new password for the hall")
        missing = voting("user", "password", "nobody", env=cli_env, input="a new password for the hall\n")
        assert missing.returncode == 1
        assert "There is no user named nobody." in missing.stderr
    finally:
        app.extensions["voting.db"].dispose()


def test_the_platform_sets_up_a_body_whose_accounts_and_log_are_its_own(cli_env: dict[str, str]) -> None:
    """`voting platform admin|body`, then a body's account and its own chain, by `--body`."""
    assert voting("db", "upgrade", env=cli_env).returncode == 0
    secret = "a platform password for the province\n"
    assert voting("platform", "admin", "root", env=cli_env, input=secret).returncode == 0
    made = voting("platform", "body", "xiaohe", "--name-zh", "小河", "--admin", "admin-b", env=cli_env, input=secret)
    assert (made.returncode, made.stdout) == (0, "body xiaohe set up, with the administrator admin-b\n"), made.stderr
    added = voting("user", "add", "clerk-b", "--role", "clerk", "--body", "xiaohe", env=cli_env, input=secret)
    assert added.returncode == 0, added.stderr
    own = voting("audit", "verify", "--body", "xiaohe", env=cli_env)
    assert own.returncode == 0, own.stderr
    assert "3 entries" in own.stdout  # body.created, its administrator, its clerk: nothing of the first body
    first = voting("audit", "verify", env=cli_env)
    assert first.returncode == 0, first.stderr
    assert "3 entries" not in first.stdout
    unknown = voting("audit", "verify", "--body", "nowhere", env=cli_env)
    assert (unknown.returncode, unknown.stderr) == (1, "voting: There is no body named nowhere.\n")
