"""A hall behind one address (its Wi-Fi's NAT): one guesser among the deputies stops nobody (issue 16.4).

A real ``voting serve`` with two worker processes, everyone on 127.0.0.1: a
guesser sends wrong codes to opening and casting, each on a new connection so
that both workers answer some, while twenty deputies open and cast their
ballots.  Every deputy gets a receipt, and the guesser gets exactly the limit's
five 401s in all (one budget for both endpoints and both processes), then 429s.
The same server also shows the session cookie marked Secure behind a TLS proxy
on the same host (issue 16.5), which needs gunicorn and cannot be shown in-process.
"""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.api import PASSWORD, Sitting, set_up
from tests.support.servers import add_staff, login, serving

pytestmark = pytest.mark.slow  # a real server with two workers

DEPUTIES = 20


def _guess(url: str, number: int) -> int:
    body: dict[str, Any]
    if number % 2:
        path, body = "/api/v1/ballot", {"code": f"AAAAA-{number:05d}"}
    else:
        path = "/api/v1/ballots"
        body = {"code": f"AAAAA-{number:05d}", "approvals": [1], "idempotency_key": secrets.token_hex(8)}
    response = requests.post(url + path, json=body, headers={"Connection": "close"}, timeout=30)
    return response.status_code


def test_one_guesser_does_not_stop_the_hall_on_two_workers(cli_env: dict[str, str], tmp_path: Path) -> None:
    env = {**cli_env, "VOTING_CODE_GUESS_LIMIT": "5 per minute; 50 per hour"}
    add_staff(env, "clerk-hall", "clerk")
    with serving(env, tmp_path, workers=2) as server:
        clerk = login(server.url, "clerk-hall")
        # (16.5, on the same server) a TLS proxy on this host says the request came over HTTPS: the cookie is Secure.
        proxied = requests.post(
            server.url + "/api/v1/auth/login",
            json={"name": "clerk-hall", "password": PASSWORD},
            headers={"X-Forwarded-Proto": "https", "Connection": "close"},
            timeout=30,
        )
        assert "; Secure" in proxied.headers["Set-Cookie"]
        assert (
            "Secure"
            not in clerk.session.post(
                server.url + "/api/v1/auth/login", json={"name": "clerk-hall", "password": PASSWORD}, timeout=30
            ).headers["Set-Cookie"]
        )
        sitting: Sitting = set_up(clerk, size=DEPUTIES)
        sitting.check_in(range(1, DEPUTIES + 1))
        sitting.issue_codes(range(1, DEPUTIES + 1))
        sitting.open_round()
        clerk.session.close()  # no idle keep-alive connection for the shutdown to wait for
        answers: Counter[int] = Counter(_guess(server.url, number) for number in range(12))
        assert answers == {401: 5, 429: 7}  # one budget, already spent before the deputies come

        stop = threading.Event()

        def keep_guessing() -> None:
            number = 100
            while not stop.is_set():
                answers[_guess(server.url, number)] += 1
                number += 1

        guesser = threading.Thread(target=keep_guessing)
        guesser.start()
        try:
            for number in range(1, DEPUTIES + 1):
                opened = requests.post(
                    server.url + "/api/v1/ballot",
                    json={"code": sitting.codes[number]},
                    headers={"Connection": "close"},
                    timeout=30,
                )
                assert opened.status_code == 200, opened.text
                cast = requests.post(
                    server.url + "/api/v1/ballots",
                    json={"code": sitting.codes[number], "approvals": [1, 2], "idempotency_key": secrets.token_hex(8)},
                    headers={"Connection": "close"},
                    timeout=30,
                )
                assert cast.status_code == 201, cast.text
        finally:
            stop.set()
            guesser.join(timeout=30)
        assert answers[401] == 5
        assert answers[429] > 12
        assert set(answers) == {401, 429}
