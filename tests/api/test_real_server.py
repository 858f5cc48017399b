"""What only the real server shows (issue 16, points 6 and 7): ``voting serve`` (gunicorn, gevent).

Under gunicorn a request's body is read by a different path than the test
client's (``voting.web.loop.Dispatch`` reads it on the event loop for the
requests that run in a thread), and gunicorn itself answers and logs a
request it cannot parse.  So: hostile JSON to a request on the loop (the
cast) and to one in a thread (the login) is refused with a code; a request
line carrying a voting code is refused and logged without it; no answer
names the server software; and the server's whole log holds no value sent.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import requests

from tests.support.servers import HOST, serving

pytestmark = pytest.mark.slow  # a real server

SENTINEL = "SENTI-NEL42"
BODIES = {
    "nested 1,000 deep": ("[" * 1000 + "]" * 1000, "json_too_deep"),
    "a 5,000-digit integer": ('{"code": ' + "9" * 5000 + "}", "number_too_long"),
    "a NUL in a text": (
        '{"name": "a\\u0000' + SENTINEL + '", "password": "p\\u0000' + SENTINEL + '", "code": "x"}',
        "",
    ),
    "no body": ("", "missing_body"),
}


def test_the_real_server_refuses_hostile_input_names_no_software_and_logs_no_value(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    with serving(cli_env, tmp_path, workers=1) as server:
        page = requests.get(f"{server.url}/", timeout=10)
        assert page.status_code == 200
        assert "Server" not in page.headers, page.headers
        for path in ("/api/v1/ballots", "/api/v1/auth/login"):
            for what, (body, code) in BODIES.items():
                answer = requests.post(
                    server.url + path, data=body.encode(), headers={"Content-Type": "application/json"}, timeout=10
                )
                assert 400 <= answer.status_code < 500, f"{path} with {what}: {answer.status_code} {answer.text}"
                assert "Server" not in answer.headers
                assert answer.json()["code"] == (code or answer.json()["code"]), f"{path} with {what}: {answer.text}"
        with socket.create_connection((HOST, server.port), timeout=10) as raw:
            raw.sendall(f"GET /ballot?code={SENTINEL} HTTP/1.1 trailing\r\nHost: x\r\n\r\n".encode())
            refused = raw.recv(4096).decode("latin-1")
        assert refused.startswith("HTTP/1.1 400"), refused
        log = server.log()
        server.kill()  # a SIGTERM would wait out gunicorn's graceful timeout; nothing here needs it
    assert "Invalid request (the request is not logged)" in log
    assert SENTINEL not in log
