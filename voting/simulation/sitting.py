"""A training vote (演练) on a server, as the clerks run it: its simulated deputies, their check-in and codes, its rounds.

``voting rehearse`` and ``voting drill`` both drive a server through a
``Sitting``, which speaks to a ``Transport`` (``voting.simulation.transport``):
the same requests over HTTP or in process.  The hall is checked in, and given
its voting codes, in one request each (as a clerk prints a sheet of slips);
every ballot is cast on its own, through the deputies' cast path.

Nothing here creates, or touches, anything but a training vote: a vote
created here is asked for with ``training: true`` and checked to be one, and
an existing vote is used only after the server says it is a training vote
(``NotTraining`` otherwise).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from voting import localtime
from voting.simulation.transport import RehearsalError, Transport

GONGSHU_TEMPLATE = "gongshu-2020"

Say = Callable[[str], None]


def quiet(_: str) -> None:
    pass


class NotTraining(RehearsalError):
    """The vote is a live one (or the server did not make a training vote): refused."""


def roster_csv(size: int) -> bytes:
    """A roster of ``size`` simulated deputies, numbered from 1, in four delegations."""
    lines = ["编号,姓名,代表团"]
    lines += [f"{n},模拟代表{n:04d},演练第{(n - 1) * 4 // size + 1}代表团" for n in range(1, size + 1)]
    return ("\n".join(lines) + "\n").encode("utf-8")


@dataclass
class Sitting:
    """A training vote on the server and its simulated deputies, as a clerk (and a second clerk) runs it."""

    client: Transport
    meeting_id: int
    vote_id: int
    deputies: dict[int, int]
    """Deputy number -> deputy id."""
    say: Say = quiet
    second: Transport | None = None
    """A second clerk, for the second entry of paper ballots (double entry)."""
    present: set[int] = field(default_factory=set)
    """The deputies checked in."""
    codes: dict[int, str] = field(default_factory=dict)
    batches: int = 0

    @property
    def vote_path(self) -> str:
        return f"/api/v1/votes/{self.vote_id}"

    def vote(self) -> dict[str, Any]:
        answer: dict[str, Any] = self.client.get(self.vote_path)
        return answer

    def _attend(self, numbers: Sequence[int], checked_in: bool) -> None:
        """One request for them all (a retry of it changes nothing more: those already so are left alone)."""
        if numbers:
            body = {"deputy_ids": [self.deputies[n] for n in numbers], "checked_in": checked_in}
            self.client.put(f"/api/v1/meetings/{self.meeting_id}/attendance", body)
        if checked_in:
            self.present.update(numbers)
        else:
            self.present.difference_update(numbers)

    def check_in(self, numbers: Iterable[int]) -> int:
        """Check these deputies in (those already in stay in)."""
        wanted = [n for n in numbers if n not in self.present]
        self._attend(wanted, True)
        return len(wanted)

    def attendance(self, numbers: Iterable[int]) -> int:
        """Exactly these deputies checked in: the others are checked out."""
        wanted = set(numbers)
        self._attend(sorted(self.present - wanted), False)
        self.check_in(sorted(wanted))
        return len(wanted)

    def issue_codes(self, numbers: Iterable[int]) -> int:
        """Voting codes for these deputies, in one request (as a clerk prints a sheet of slips)."""
        wanted = list(numbers)
        if wanted:
            body = {"deputy_ids": [self.deputies[n] for n in wanted]}
            for number, answer in zip(wanted, self.client.post(f"{self.vote_path}/codes/batch", body), strict=True):
                self.codes[number] = answer["code"]
        return len(wanted)

    def open_round(self) -> dict[str, Any]:
        answer: dict[str, Any] = self.client.post(f"{self.vote_path}/rounds")
        return answer

    def cast(self, number: int, approvals: Iterable[int]) -> dict[str, Any]:
        """Deputy ``number`` casts with their code; sent again with the same key after a connection error."""
        body = {
            "code": self.codes[number],
            "approvals": sorted(approvals),
            "idempotency_key": secrets.token_hex(12),
        }
        answer: dict[str, Any] = self.client.request("POST", "/api/v1/ballots", body, retry=True)
        return answer

    def issue_paper(self, round_id: int, numbers: Sequence[int] | None = None) -> int:
        body = {} if numbers is None else {"deputies": list(numbers)}
        issued: int = self.client.post(f"/api/v1/rounds/{round_id}/paper", body)["issued"]
        return issued

    def enter_paper(self, round_id: int, ballots: Sequence[Sequence[int]]) -> int:
        """One batch of paper ballots, entered by this clerk and the second, then accepted."""
        if self.second is None:
            raise RehearsalError("paper ballots are entered twice, by two clerks: give a second clerk (--second-user)")
        self.batches += 1
        batch = f"drill-{self.batches}"
        path = f"/api/v1/rounds/{round_id}/paper-batches/{batch}"
        body = {"ballots": [{"approvals": sorted(b)} for b in ballots]}
        self.client.put(f"{path}/entries/1", body)
        self.second.put(f"{path}/entries/2", body)
        accepted: int = self.client.post(f"{path}/accept")["ballots"]
        return accepted

    def close_and_count(self, round_id: int) -> dict[str, Any]:
        self.client.post(f"/api/v1/rounds/{round_id}/close", {"confirm": True})
        answer: dict[str, Any] = self.client.post(f"/api/v1/rounds/{round_id}/count")
        return answer

    def turnout(self, round_id: int) -> dict[str, Any]:
        answer: dict[str, Any] = self.client.get(f"/api/v1/rounds/{round_id}/turnout")
        return answer

    def result(self) -> dict[str, Any]:
        answer: dict[str, Any] = self.client.get(f"{self.vote_path}/result")
        return answer


def _training(vote: dict[str, Any]) -> None:
    if vote.get("training") is not True:
        raise NotTraining(
            f"vote {vote.get('id')} is a live vote, not a training vote (演练): rehearsals and drills never touch it"
        )


def create_sitting(
    client: Transport,
    *,
    title: str,
    deputies: int,
    template: str | None = GONGSHU_TEMPLATE,
    candidates: Sequence[str] = (),
    rules: dict[str, Any] | None = None,
    say: Say = quiet,
    second: Transport | None = None,
) -> Sitting:
    """A meeting of ``deputies`` simulated deputies and a training vote on it: from the template, or as given."""
    # Dated on the sitting's clock, which the server names: at 07:00 in Beijing a UTC machine's date is yesterday.
    today = localtime.local(dt.datetime.now(dt.UTC), client.get("/api/v1/time-zone")["time_zone"]).date()
    meeting = client.post(
        "/api/v1/meetings",
        {"name_zh": f"演练：{title}", "name_en": f"Training: {title}", "date": today.isoformat()},
    )
    mid = meeting["id"]
    # The training vote first, so that the meeting holds one before anything else is recorded about it:
    # the audit log marks the roster's import and the check-ins as training too.
    if template is not None:
        vote = client.post("/api/v1/votes/from-template", {"meeting_id": mid, "template": template, "training": True})
    else:
        body = {
            "meeting_id": mid,
            "title_zh": f"演练：{title}",
            "title_en": f"Training: {title}",
            "training": True,
            "rules": rules or {"seats": 10},
            "candidates": [{"number": n, "title_zh": name} for n, name in enumerate(candidates, start=1)],
        }
        vote = client.post("/api/v1/votes", body)
    _training(vote)
    imported = client.request(
        "POST", f"/api/v1/meetings/{mid}/roster", files={"file": ("roster.csv", roster_csv(deputies), "text/csv")}
    )["imported"]
    roster = client.get(f"/api/v1/meetings/{mid}/deputies")
    say(
        f"meeting {mid}: {imported} simulated deputies; training vote {vote['id']} ({len(vote['candidates'])} projects)"
    )
    return Sitting(client, mid, vote["id"], {d["number"]: d["id"] for d in roster}, say=say, second=second)


def attach_sitting(client: Transport, vote_id: int, *, say: Say = quiet, second: Transport | None = None) -> Sitting:
    """An existing training vote (made by a clerk in the console); a live vote is refused before anything is done."""
    vote = client.get(f"/api/v1/votes/{vote_id}")
    _training(vote)
    mid = vote["meeting_id"]
    live = [v["id"] for v in client.get("/api/v1/votes") if v["meeting_id"] == mid and v["training"] is not True]
    if live:
        # Attendance belongs to the meeting: checking simulated deputies in would change the live vote's counts.
        raise NotTraining(
            f"training vote {vote_id} shares meeting {mid} with live vote {live[0]}: a rehearsal would change "
            "the live vote's attendance; rehearse on a meeting of its own"
        )
    roster = client.get(f"/api/v1/meetings/{mid}/deputies")
    say(f"training vote {vote_id} on meeting {mid} ({len(roster)} deputies)")
    return Sitting(
        client,
        mid,
        vote_id,
        {d["number"]: d["id"] for d in roster},
        say=say,
        second=second,
        present={d["number"] for d in roster if d["checked_in"]},
    )


def describe(round_: dict[str, Any]) -> str:
    """One line on a counted round, as the hall would hear it in brief."""
    result = round_["result"]
    ballots = result["ballots"]
    line = (
        f"round {round_['number']} ({round_['kind']}): cast {ballots['cast']}, valid {ballots['valid']}, "
        f"invalid {ballots['invalid']} of {round_['ballots_issued']} issued"
    )
    if result["void"]:
        return line + "; VOID (more ballots returned than issued)"
    line += f"; selected {result['selected'] or '-'}"
    runoff = result["runoff"]
    if runoff:
        line += f"; next: {runoff['reason']} among {runoff['projects']} for {runoff['seats']} seat(s)"
    return line
