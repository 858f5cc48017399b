"""Helpers that speak to the API as clerks and deputies do."""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from flask import Flask
from flask.testing import FlaskClient

from voting.services import auth
from voting.services.demo import demo_roster
from voting.web import get_db

FIRST_BODY = 1
"""The body every database is made with (migration 0007): the one body of a single-body service."""
PASSWORD = "correct horse battery"


class Caller(Protocol):
    """What a sitting needs of a client: the Flask test client (``Api``) or real HTTP (``servers.Http``)."""

    def get(self, path: str, status: int = 200) -> Any: ...

    def post(self, path: str, body: Any = None, status: int = 200) -> Any: ...

    def put(self, path: str, body: Any = None, status: int = 200) -> Any: ...

    def delete(self, path: str, status: int = 204) -> Any: ...

    def upload(self, path: str, name: str, content: bytes, status: int = 201) -> Any: ...


@dataclass
class Api:
    """A test client speaking as one staff member (or as a deputy, with no token)."""

    client: FlaskClient
    token: str | None = None
    language: str = "zh"
    prefix: str = ""
    """The body's address before every path (``/b/<name>``); none for the default body."""

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept-Language": self.language}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def get(self, path: str, status: int = 200, **kwargs: Any) -> Any:
        response = self.client.get(self.prefix + path, headers=self._headers(kwargs.pop("headers", None)), **kwargs)
        assert response.status_code == status, response.get_data(as_text=True)
        return response.get_json() if response.is_json else response.get_data(as_text=True)

    def send(self, method: str, path: str, body: Any = None, status: int = 200, **kwargs: Any) -> Any:
        response = self.client.open(
            self.prefix + path, method=method, json=body, headers=self._headers(kwargs.pop("headers", None)), **kwargs
        )
        assert response.status_code == status, response.get_data(as_text=True)
        if not response.data:
            return None
        return response.get_json() if response.is_json else response.get_data(as_text=True)

    def post(self, path: str, body: Any = None, status: int = 200, **kwargs: Any) -> Any:
        return self.send("POST", path, body, status, **kwargs)

    def put(self, path: str, body: Any = None, status: int = 200, **kwargs: Any) -> Any:
        return self.send("PUT", path, body, status, **kwargs)

    def delete(self, path: str, status: int = 204) -> Any:
        return self.send("DELETE", path, status=status)

    def upload(self, path: str, name: str, content: bytes, status: int = 201) -> Any:
        """A multipart POST of one file in the field ``file``."""
        data = {"file": (io.BytesIO(content), name)}
        return self.post(path, data=data, content_type="multipart/form-data", status=status)


def make_user(app: Flask, name: str, role: str) -> str:
    """A staff account and a bearer token for it."""
    db = get_db(app)
    with db.write() as session:
        user = auth.add_user(session, name, role, PASSWORD, by=auth.Actor("test", "admin", FIRST_BODY))
        limits = auth.SessionLimits.of(app.config["SESSION_IDLE_MINUTES"], app.config["SESSION_MAX_HOURS"])
        return auth.issue_token(session, user, app.config["SECRET_KEY"], limits)


@dataclass
class Sitting:
    """A meeting with its roster, a vote on it, and the deputies' codes once issued."""

    clerk: Caller
    meeting_id: int
    vote_id: int
    deputies: list[dict[str, Any]]
    codes: dict[int, str] = field(default_factory=dict)
    """Deputy number -> voting code."""

    def check_in(self, numbers: Iterable[int]) -> None:
        for number in numbers:
            deputy = self.deputies[number - 1]
            self.clerk.put(
                f"/api/v1/meetings/{self.meeting_id}/deputies/{deputy['id']}/attendance", {"checked_in": True}
            )

    def issue_codes(self, numbers: Iterable[int]) -> None:
        for number in numbers:
            body = {"deputy_id": self.deputies[number - 1]["id"]}
            self.codes[number] = self.clerk.post(f"/api/v1/votes/{self.vote_id}/codes", body, 201)["code"]

    def open_round(self, status: int = 201) -> Any:
        return self.clerk.post(f"/api/v1/votes/{self.vote_id}/rounds", status=status)

    def cast(
        self, deputy: Caller, number: int, approvals: Iterable[int], status: int = 201, key: str | None = None
    ) -> Any:
        body = {
            "code": self.codes[number],
            "approvals": sorted(approvals),
            "idempotency_key": key or secrets.token_hex(8),
        }
        return deputy.post("/api/v1/ballots", body, status)

    def close_and_count(self, round_id: int) -> Any:
        self.clerk.post(f"/api/v1/rounds/{round_id}/close", {"confirm": True})
        return self.clerk.post(f"/api/v1/rounds/{round_id}/count")


def copied_by_hand(receipt: str) -> str:
    """A receipt as a deputy types it back: lower case, no dashes, 0 for O and 1 for I and for L."""
    return receipt.replace("-", "").lower().replace("o", "0").replace("i", "1").replace("l", "1")


def roster_csv(size: int) -> bytes:
    lines = ["编号,姓名,代表团"] + [f"{n},{name},{group}" for n, name, group in demo_roster(size)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def set_up(clerk: Caller, *, size: int = 250, template: bool = True, vote: dict[str, Any] | None = None) -> Sitting:
    meeting = clerk.post("/api/v1/meetings", {"name_zh": "测试区人大会议", "date": "2020-01-18"}, 201)
    mid = meeting["id"]
    imported = clerk.upload(f"/api/v1/meetings/{mid}/roster", "roster.csv", roster_csv(size))
    assert imported == {"imported": size}
    if template:
        created = clerk.post("/api/v1/votes/from-template", {"meeting_id": mid}, 201)
    else:
        created = clerk.post("/api/v1/votes", {"meeting_id": mid, **(vote or {})}, 201)
    deputies = clerk.get(f"/api/v1/meetings/{mid}/deputies")
    return Sitting(clerk, mid, created["id"], deputies)
