"""The bundle's audit log and the files publication fixed: the second half of ``bundle_check``.

Trust runs from the head read out in the hall.  The hash chain fixes every
entry up to that head, so the publication entry (``vote.published``) is
trusted, and with it what it carries: the result and ballot-list digests, the
SHA-256 of every file rendered at publication (the tally sheet in its forms,
the announcements without their head line, VERIFY.md, the verifier), and a
digest of each ballot list's line hashes.  Nothing after that entry is read:
the log must end there.  ``manifest.json`` is trusted only where it agrees
with those entries and with the recount.  Each entry checked is read back
into its typed event (``voting.domain.audit_events``), the writer's own
definition: details that are not its action's are a discrepancy, named.

Standard library only, like all of the verifier the bundle ships (``voting.exports.forms.verifier_files``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from voting.domain.audit_chain import missing_heads, short_head, verify_chain
from voting.domain.audit_events import (
    AuditEvent,
    InvalidEvent,
    RoundClosed,
    RoundCounted,
    RoundOpened,
    VotePublished,
    VoteReset,
)
from voting.exports.bundle_format import AUDIT, MANIFEST, head_line, lines_digest, sha256

if TYPE_CHECKING:
    from voting.exports.bundle_check import RoundCheck, _Checker


class Discrepancy(Exception):
    """The first thing found wrong with a bundle, in words that name the file (and line or entry)."""


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


E = TypeVar("E", bound=AuditEvent)
R = TypeVar("R", RoundOpened, RoundCounted)


@dataclass(frozen=True)
class Published:
    """The vote's publication entry: where it is in the log, its hash, and what it fixed."""

    seq: int
    hash: str
    event: VotePublished


def first_difference(ours: Any, theirs: Any, path: str = "") -> tuple[str, Any, Any] | None:
    """The first key (in ``ours``'s order) where two JSON values differ: (path, ours, theirs), or None."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key in [*ours, *(k for k in theirs if k not in ours)]:
            if key not in ours or key not in theirs:
                return (f"{path}.{key}".lstrip("."), ours.get(key), theirs.get(key))
            found = first_difference(ours[key], theirs[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(ours, list) and isinstance(theirs, list):
        for index, (mine, other) in enumerate(zip(ours, theirs, strict=False)):
            label = f"No. {mine['number']}" if isinstance(mine, dict) and "number" in mine else str(index)
            found = first_difference(mine, other, f"{path}[{label}]")
            if found:
                return found
        if len(ours) != len(theirs):
            return (f"{path.lstrip('.')} (length)".lstrip(), len(ours), len(theirs))
        return None
    if ours != theirs or type(ours) is not type(theirs):
        return (path.lstrip("."), ours, theirs)
    return None


def audit_entries(checker: _Checker) -> list[dict[str, Any]]:
    entries = []
    for number, line in enumerate(checker.read(AUDIT).splitlines(), start=1):
        try:
            entry = json.loads(line)
        except ValueError:
            raise Discrepancy(f"{AUDIT} line {number}: not JSON") from None
        if not isinstance(entry, dict):
            raise Discrepancy(f"{AUDIT} line {number}: not a JSON object")
        entries.append(entry)
    return entries


def check_audit(checker: _Checker, manifest: dict[str, Any], heads: list[str]) -> Published | None:
    """The chain, each round's anchors, and the heads the auditor was given; the publication entry, if published."""
    entries = audit_entries(checker)
    chain = verify_chain(entries)
    if not chain.ok:
        raise Discrepancy(f"{AUDIT} line {chain.first_bad}: {chain.reason}")
    checker.audit_entries, checker.audit_head = chain.entries, chain.head
    missing = missing_heads((str(e["hash"]) for e in entries), heads)
    if missing:
        raise Discrepancy(
            f"the head {missing[0]} given is not in {AUDIT}'s chain: the log was cut short or rewritten,"
            " or this is not the bundle of the vote whose head it is"
        )
    log = _Log(entries, checker.vote_id)
    for round_, check in zip(manifest["rounds"], checker.rounds, strict=True):
        _check_round(log, round_, check)
    if not checker.official:
        _check_unpublished(log)
        return None
    return _check_publication(log, checker, manifest)


class _Log:
    """The bundle's log as one vote's checks read it: an entry by its hash, and as its event."""

    def __init__(self, entries: list[dict[str, Any]], vote_id: int | None) -> None:
        self.entries, self.vote_id = entries, vote_id
        self.at = {entry["hash"]: index for index, entry in enumerate(entries)}

    def anchored(self, head: Any, moment: str) -> int:
        """Where the head fixed at ``moment`` is in the log."""
        if head not in self.at:
            raise Discrepancy(
                f"{AUDIT} does not hold the head hash {head} fixed when {moment}: the log was cut short or rewritten"
            )
        return self.at[head]

    def mine(self, entry: dict[str, Any], kind: type[E]) -> E | None:
        """The entry as its event, if it is this vote's and of that kind; a Discrepancy if its details are not."""
        if entry["vote_id"] != self.vote_id or entry["action"] != kind.action:
            return None
        try:
            return kind.from_details(entry.get("details"))
        except InvalidEvent as exc:
            raise Discrepancy(f"{AUDIT} entry {entry['seq']}: {exc}") from None

    def round_event(self, entries: Iterable[dict[str, Any]], kind: type[R], number: int) -> tuple[int, R] | None:
        """The first of ``entries`` that is this vote's event of that kind about round ``number``: (seq, event)."""
        for entry in entries:
            event = self.mine(entry, kind)
            if event is not None and event.round == number:
                return int(entry["seq"]), event
        return None


def _check_round(log: _Log, round_: dict[str, Any], check: RoundCheck) -> None:
    """The round's closing entry is the head the manifest names; its opening and count agree with the recount."""
    number = check.number
    closed_at = log.anchored(round_["audit_head_at_close"], f"round {number} closed")
    entry = log.entries[closed_at]
    where = f"{AUDIT} entry {entry['seq']}"
    closed = log.mine(entry, RoundClosed)
    if closed is None or closed.round != number:
        raise Discrepancy(
            f"{where}, whose hash {MANIFEST} gives as round {number}'s head at its close, is"
            f" {entry['action']} of vote {entry['vote_id']}, not round {number}'s closing"
        )
    if (closed.ballots_issued, closed.ballots_returned) != (check.ballots_issued, check.result.ballots.cast):
        raise Discrepancy(
            f"{where} (round {number} closed) records {closed.ballots_issued} ballots issued and"
            f" {closed.ballots_returned} returned, but {check.ballots_file} holds"
            f" {check.result.ballots.cast} with {check.ballots_issued} issued"
        )
    found_open = log.round_event(reversed(log.entries[:closed_at]), RoundOpened, number)
    if found_open is None:
        raise Discrepancy(f"{AUDIT} holds no round.opened entry of round {number} before its closing")
    seq, opened = found_open
    said: tuple[tuple[str, Any], ...] = (
        ("kind", opened.kind),
        ("projects", list(opened.projects)),
        ("seats", opened.seats),
        ("deputy_count", opened.deputy_count),
        ("deputies_present", opened.deputies_present),
    )
    for key, value in said:
        if value != round_[key]:
            raise Discrepancy(
                f"{AUDIT} entry {seq} (round {number} opened) records {key}"
                f" {as_json(value)}, but {MANIFEST} says {as_json(round_[key])}"
            )
    found_count = log.round_event(log.entries[closed_at + 1 :], RoundCounted, number)
    if found_count is None:
        raise Discrepancy(f"{AUDIT} holds no round.counted entry of round {number} after its closing")
    seq, counted = found_count
    found = first_difference(check.result.to_dict(), counted.result)
    if found:
        path, ours, theirs = found
        raise Discrepancy(
            f"{AUDIT} entry {seq} (round {number} counted) records {path} = {as_json(theirs)},"
            f" but {check.ballots_file} recounts to {as_json(ours)}"
        )


def _check_unpublished(log: _Log) -> None:
    """An unpublished bundle's vote has no publication in the log, but for one a training reset undid."""
    published_anyway = None
    for entry in log.entries:
        if log.mine(entry, VotePublished):
            published_anyway = entry
        elif log.mine(entry, VoteReset):
            published_anyway = None
    if published_anyway is not None:
        raise Discrepancy(
            f"{AUDIT} entry {published_anyway['seq']} records vote {log.vote_id}'s publication, but"
            f" {MANIFEST} calls the bundle unpublished: it would escape the checks of what publication fixed"
        )


def _check_publication(log: _Log, checker: _Checker, manifest: dict[str, Any]) -> Published:
    """The log ends with the vote's publication, which carries the bundle's digests and line hashes."""
    index = log.anchored(checker.audit_head_at_publication, f"vote {checker.vote_id} was published")
    entry = log.entries[index]
    where = f"{AUDIT} entry {entry['seq']}"
    published = log.mine(entry, VotePublished)
    if published is None:
        raise Discrepancy(
            f"{where}, whose hash {MANIFEST} gives as the head at publication, is {entry['action']}"
            f" of vote {entry['vote_id']}, not vote {checker.vote_id}'s publication"
        )
    if index != len(log.entries) - 1:
        raise Discrepancy(
            f"{AUDIT} goes on past {where}, the publication: a bundle's log ends with the head read out in the hall"
        )
    for key, carried, value in (
        ("result_digest", published.result_digest, checker.result_digest),
        ("ballots_digest", published.ballots_digest, checker.ballots_digest),
    ):
        if carried != value:
            raise Discrepancy(f"{where} (vote published) carries {key} {carried}, but the bundle's is {value}")
    lines = published.ballot_lines or {}
    for round_ in manifest["rounds"] if lines else ():  # none in a vote published before lines were fixed
        name = round_["ballots_file"]
        if lines_digest(round_["ballot_lines"]) != lines.get(name):
            raise Discrepancy(
                f"{MANIFEST}'s line hashes of {name} are not those fixed at publication ({where}): it was altered"
            )
    return Published(int(entry["seq"]), str(entry["hash"]), published)


def check_files(checker: _Checker, manifest: dict[str, Any], published: Published | None) -> None:
    """Every file is listed; a published bundle's files are those fixed at publication; then the manifest's SHA-256s."""
    listed = {entry["name"]: entry["sha256"] for entry in manifest["files"]}
    known = {MANIFEST, AUDIT, *(r["ballots_file"] for r in manifest["rounds"]), *listed}
    extra = next((info.filename for info in checker.archive.infolist() if info.filename not in known), None)
    if extra is not None:
        raise Discrepancy(f"{extra} is in the bundle, but {MANIFEST} does not list it")
    if published is not None and published.event.files is not None:  # else published before files were fixed
        where = f"{AUDIT} entry {published.seq} (vote published)"
        fixed, read_out = published.event.files, published.event.read_out or {}
        for name, digest in fixed.items():
            if name not in listed:
                raise Discrepancy(f"{MANIFEST} does not list {name}, which {where} fixed")
            body = data = checker.read(name)
            if name in read_out:
                line = head_line(read_out[name], short_head(published.hash))
                if not data.endswith(line):
                    raise Discrepancy(
                        f"{name} does not end with the head read out in the hall,"
                        f" {short_head(published.hash)} ({where})"
                    )
                body = data[: -len(line)]
            if sha256(body) != digest:
                raise Discrepancy(
                    f"{name} has SHA-256 {sha256(body)}, but {where} records {digest}: it is not the file published"
                )
        unfixed = next((name for name in listed if name not in fixed), None)
        if unfixed is not None:
            raise Discrepancy(f"{unfixed} is listed in {MANIFEST}, but {where} fixed no such file")
    for name, recorded in listed.items():
        digest = sha256(checker.read(name))
        if digest != recorded:
            raise Discrepancy(f"{name} has SHA-256 {digest}, but {MANIFEST} records {recorded}: it was altered")
