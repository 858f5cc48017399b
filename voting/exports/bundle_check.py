"""Checking a verification bundle with no server and no database.

``verify_bundle`` does all of it at once and returns the first discrepancy,
naming the file and line.  It is pure: it imports only ``voting.domain``, the
standard library and orjson, so that ``voting verify-bundle`` needs no server
and no database.  ``write_bundle`` imports the services it reads from when it
is called, never at import time.

What is checked, in this order (each step trusts only what the steps before it
established; the hashes the hall heard are what ties the bundle to the world):

1. every round's ballot list has the SHA-256 the manifest records, reads as a
   ballot list, and recounts (``tally_counts``) to the manifest's stored result,
   key by key;
2. the rounds follow one another (``combine``) and give the vote's selected
   projects and vacant seats;
3. for a published vote: the published record agrees with the recount, its
   canonical JSON hashes to ``result_digest``, and the ballot lists,
   concatenated in round order, hash to ``ballots_digest`` (as
   ``voting.services.publication.publish`` computed them);
4. ``audit.jsonl`` is one unbroken hash chain that holds each round's
   ``audit_head_at_close`` (a ``round.closed`` entry with the round's ballot
   counts), the ``round.opened`` and ``round.counted`` entries agreeing with the
   manifest, and ``audit_head_at_publication``, whose ``vote.published`` entry
   carries the same two digests;
5. the log has as many entries as the manifest says, and the other files
   (tally sheets, announcements, VERIFY.md) have the SHA-256s it records.

A published vote's bundle carries the log up to its publication and no
further, so that ``voting audit verify --file audit.jsonl`` ends on the head
read out in the hall.

A reordered ballot list counts the same, but it is not the list that was
published: with its manifest hash left as it was it fails step 1, and with that
hash updated it fails ``ballots_digest`` in step 3.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from voting.domain import (
    BallotStyle,
    DomainError,
    InvalidBallotList,
    Marks,
    RoundSpec,
    RuleSettings,
    TallyResult,
    combine,
    read_ballot_list,
    tally_counts,
)
from voting.domain.audit_chain import canonical_json, verify_chain
from voting.exports.bundle_format import AUDIT, FORMAT, KIND_WORDS, MANIFEST, marks, sha256


@dataclass(frozen=True)
class RoundCheck:
    """One round as recounted from its ballot list."""

    number: int
    kind: str
    ballots_file: str
    ballots_issued: int
    result: TallyResult


@dataclass(frozen=True)
class BundleCheck:
    ok: bool
    problem: str
    """The first discrepancy, naming the file (and line or entry); empty when ``ok``."""
    vote_id: int | None = None
    title_zh: str = ""
    training: bool = False
    official: bool = False
    rounds: tuple[RoundCheck, ...] = ()
    """The rounds recounted, as far as the check got."""
    seats: int = 0
    selected: tuple[int, ...] = ()
    vacant: int = 0
    ballots_digest: str | None = None
    """Recomputed from the ballot lists."""
    result_digest: str | None = None
    """Recomputed from the published record (published bundles only)."""
    audit_head_at_publication: str | None = None
    audit_entries: int = 0
    audit_head: str | None = None

    @property
    def marks(self) -> str:
        return " ".join(marks(self.training, self.official))


class _Discrepancy(Exception):
    pass


def _json(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


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


def _details(entry: dict[str, Any]) -> dict[str, Any]:
    details = entry.get("details")
    return details if isinstance(details, dict) else {}


def _numbers(text: str, line: int, name: str) -> frozenset[int]:
    numbers = []
    for token in text.split(" ") if text else []:
        if not (token.isascii() and token.isdigit()):
            raise _Discrepancy(f"{name} line {line}: {token!r} is not a project number")
        numbers.append(int(token))
    if len(set(numbers)) != len(numbers):
        raise _Discrepancy(f"{name} line {line}: a project is marked twice in one column")
    return frozenset(numbers)


def _full_counts(text: str, name: str, projects: frozenset[int]) -> dict[Marks, int]:
    """Approvals, opposes and abstains of an approve/oppose/abstain list (``read_ballot_list`` reads approvals only)."""
    rows = csv.reader(io.StringIO(text))
    header = next(rows)
    if header[:4] != ["ballot_id", "approvals", "opposes", "abstains"]:
        raise _Discrepancy(f"{name} line 1: expected the header ballot_id,approvals,opposes,abstains")
    counts: Counter[Marks] = Counter()
    for row in rows:
        line = rows.line_num
        if len(row) < 4:
            raise _Discrepancy(f"{name} line {line}: expected the columns opposes and abstains")
        try:
            marks = Marks(*(_numbers(cell, line, name) for cell in row[1:4]))
            marks.check_projects(projects)
        except DomainError as exc:
            raise _Discrepancy(f"{name} line {line}: {exc}") from None
        counts[marks] += 1
    return dict(counts)


@dataclass
class _Checker:
    archive: zipfile.ZipFile
    label: str
    vote_id: int | None = None
    title_zh: str = ""
    training: bool = False
    official: bool = False
    seats: int = 0
    rounds: list[RoundCheck] = field(default_factory=list)
    lists: list[bytes] = field(default_factory=list)
    selected: tuple[int, ...] = ()
    vacant: int = 0
    ballots_digest: str | None = None
    result_digest: str | None = None
    audit_head_at_publication: str | None = None
    audit_entries: int = 0
    audit_head: str | None = None

    def read(self, name: str) -> bytes:
        try:
            return self.archive.read(name)
        except KeyError:
            raise _Discrepancy(f"{self.label} holds no {name}") from None

    def run(self, expected: dict[str, str | None]) -> None:
        names = [info.filename for info in self.archive.infolist()]
        twice = next((n for n, count in Counter(names).items() if count > 1), None)
        if twice:
            raise _Discrepancy(f"{self.label} holds {twice} more than once")
        try:
            manifest = orjson.loads(self.read(MANIFEST))
        except orjson.JSONDecodeError as exc:
            raise _Discrepancy(f"{MANIFEST} is not JSON: {exc}") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise _Discrepancy(f"{MANIFEST} is not a {FORMAT} manifest")
        try:
            self.check(manifest, expected)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _Discrepancy(f"{MANIFEST} is malformed: {type(exc).__name__} {exc}") from None

    def check(self, manifest: dict[str, Any], expected: dict[str, str | None]) -> None:
        vote = manifest["vote"]
        self.vote_id, self.title_zh = int(vote["id"]), str(vote["title_zh"])
        self.training, self.official = bool(vote["training"]), bool(vote["official"])
        try:
            rules = RuleSettings.from_dict(manifest["rules"])
        except DomainError as exc:
            raise _Discrepancy(f"{MANIFEST}: the rules: {exc}") from None
        self.seats = rules.seats
        for round_ in manifest["rounds"]:
            self.recount(rules, round_)
        self.combine(rules, manifest)
        self.ballots_digest = sha256(b"".join(self.lists))
        if self.official:
            self.check_published(rules, manifest)
        self.check_audit(manifest)
        if self.audit_entries != manifest["audit"]["entries"]:
            raise _Discrepancy(
                f"{AUDIT} holds {self.audit_entries} entries, but {MANIFEST} says {manifest['audit']['entries']}"
            )
        self.check_expected(expected)
        for entry in manifest["files"]:
            digest = sha256(self.read(entry["name"]))
            if digest != entry["sha256"]:
                raise _Discrepancy(
                    f"{entry['name']} has SHA-256 {digest}, but {MANIFEST} records {entry['sha256']}: it was altered"
                )

    def recount(self, rules: RuleSettings, round_: dict[str, Any]) -> None:
        number, name = round_["number"], round_["ballots_file"]
        data = self.read(name)
        digest = sha256(data)
        if digest != round_["ballots_sha256"]:
            raise _Discrepancy(
                f"{name} has SHA-256 {digest}, but {MANIFEST} records {round_['ballots_sha256']}:"
                " the ballot list is not the one exported"
            )
        self.lists.append(data)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise _Discrepancy(f"{name} line {line}: not UTF-8 text") from None
        projects = tuple(round_["projects"])
        try:
            spec = RoundSpec(
                projects=projects,
                seats=round_["seats"],
                deputy_count=round_["deputy_count"],
                deputies_present=round_["deputies_present"],
                ballots_issued=round_["ballots_issued"],
            )
        except DomainError as exc:
            raise _Discrepancy(f"{MANIFEST}: round {number}: {exc}") from None
        try:
            ballots = read_ballot_list(io.StringIO(text, newline=""), projects=projects)
            counts = ballots.counts
            if rules.ballot_style is BallotStyle.APPROVE_OPPOSE_ABSTAIN:
                counts = _full_counts(text, name, frozenset(projects))
            result = tally_counts(rules, spec, counts)
        except DomainError as exc:
            raise _Discrepancy(f"{name} {exc}" if isinstance(exc, InvalidBallotList) else f"{name}: {exc}") from None
        self.rounds.append(RoundCheck(number, str(round_["kind"]), name, spec.ballots_issued, result))
        found = first_difference(result.to_dict(), round_["result"])
        if found:
            path, ours, theirs = found
            raise _Discrepancy(
                f"{name} recounts to {path} = {_json(ours)}, but {MANIFEST} stores {_json(theirs)} for round {number}"
            )

    def combine(self, rules: RuleSettings, manifest: dict[str, Any]) -> None:
        try:
            combined = combine(rules.seats, manifest["projects"], [r.result for r in self.rounds])
        except DomainError as exc:
            raise _Discrepancy(f"{MANIFEST}: the rounds do not follow one another: {exc}") from None
        self.selected, self.vacant = combined.selected, combined.vacant
        if list(combined.selected) != manifest["selected"]:
            raise _Discrepancy(
                f"the rounds recounted select {_json(list(combined.selected))}, but {MANIFEST} says"
                f" {_json(manifest['selected'])}"
            )
        if combined.vacant != manifest["vacant"] or combined.decided != manifest["decided"]:
            raise _Discrepancy(
                f"the rounds recounted leave {combined.vacant} seat(s) vacant"
                f" ({'decided' if combined.decided else 'not decided'}), but {MANIFEST} says {manifest['vacant']}"
                f" ({'decided' if manifest['decided'] else 'not decided'})"
            )

    def check_published(self, rules: RuleSettings, manifest: dict[str, Any]) -> None:
        published = manifest["published"]
        record = published["record"]
        self.audit_head_at_publication = published["audit_head_at_publication"]
        where = f"{MANIFEST}: the published record"
        if record["vote_id"] != self.vote_id or record["training"] != self.training:
            raise _Discrepancy(f"{where} is of vote {record['vote_id']} (training {_json(record['training'])})")
        try:
            record_rules = RuleSettings.from_dict(record["rules"])
        except DomainError as exc:
            raise _Discrepancy(f"{where}'s rules: {exc}") from None
        if record_rules != rules:
            raise _Discrepancy(f"{where}'s rules are not the manifest's rules")
        recounted = [{"number": r.number, "kind": r.kind, "result": r.result.to_dict()} for r in self.rounds]
        found = first_difference(recounted, record["rounds"])
        if found:
            path, ours, theirs = found
            raise _Discrepancy(f"{where} says rounds{path} = {_json(theirs)}, but the recount gives {_json(ours)}")
        if record["selected"] != list(self.selected) or record["vacant"] != self.vacant:
            raise _Discrepancy(
                f"{where} selects {_json(record['selected'])} with {record['vacant']} vacant, but the recount"
                f" selects {_json(list(self.selected))} with {self.vacant} vacant"
            )
        if self.ballots_digest != published["ballots_digest"]:
            names = ", ".join(r.ballots_file for r in self.rounds)
            raise _Discrepancy(
                f"the ballot lists ({names}) hash to {self.ballots_digest}, but the published ballots_digest is"
                f" {published['ballots_digest']}"
            )
        self.result_digest = sha256(canonical_json(record).encode("utf-8"))
        if self.result_digest != published["result_digest"]:
            raise _Discrepancy(
                f"{where} hashes to {self.result_digest}, but the published result_digest is"
                f" {published['result_digest']}"
            )

    def audit_entries_of(self) -> list[dict[str, Any]]:
        entries = []
        for number, line in enumerate(self.read(AUDIT).splitlines(), start=1):
            try:
                entry = orjson.loads(line)
            except orjson.JSONDecodeError:
                raise _Discrepancy(f"{AUDIT} line {number}: not JSON") from None
            if not isinstance(entry, dict):
                raise _Discrepancy(f"{AUDIT} line {number}: not a JSON object")
            entries.append(entry)
        return entries

    def check_audit(self, manifest: dict[str, Any]) -> None:
        entries = self.audit_entries_of()
        chain = verify_chain(entries)
        if not chain.ok:
            raise _Discrepancy(f"{AUDIT} line {chain.first_bad}: {chain.reason}")
        self.audit_entries, self.audit_head = chain.entries, chain.head
        at = {entry["hash"]: index for index, entry in enumerate(entries)}

        def anchored(head: Any, moment: str) -> int:
            if head not in at:
                raise _Discrepancy(
                    f"{AUDIT} does not hold the head hash {head} fixed when {moment}: the log was cut short or rewritten"
                )
            return at[head]

        def mine(entry: dict[str, Any], action: str) -> bool:
            return bool(entry["vote_id"] == self.vote_id and entry["action"] == action)

        for round_, check in zip(manifest["rounds"], self.rounds, strict=True):
            number = check.number
            closed_at = anchored(round_["audit_head_at_close"], f"round {number} closed")
            closed = entries[closed_at]
            where = f"{AUDIT} entry {closed['seq']}"
            if not mine(closed, "round.closed") or _details(closed).get("round") != number:
                raise _Discrepancy(
                    f"{where}, whose hash {MANIFEST} gives as round {number}'s head at its close, is"
                    f" {closed['action']} of vote {closed['vote_id']}, not round {number}'s closing"
                )
            said = {k: _details(closed).get(k) for k in ("ballots_issued", "ballots_returned")}
            if said != {"ballots_issued": check.ballots_issued, "ballots_returned": check.result.ballots.cast}:
                raise _Discrepancy(
                    f"{where} (round {number} closed) records {said['ballots_issued']} ballots issued and"
                    f" {said['ballots_returned']} returned, but {check.ballots_file} holds"
                    f" {check.result.ballots.cast} with {check.ballots_issued} issued"
                )
            opened = next(
                (
                    e
                    for e in reversed(entries[:closed_at])
                    if mine(e, "round.opened") and _details(e).get("round") == number
                ),
                None,
            )
            if opened is None:
                raise _Discrepancy(f"{AUDIT} holds no round.opened entry of round {number} before its closing")
            for key in ("kind", "projects", "seats", "deputy_count", "deputies_present"):
                if key in _details(opened) and _details(opened)[key] != round_[key]:
                    raise _Discrepancy(
                        f"{AUDIT} entry {opened['seq']} (round {number} opened) records {key}"
                        f" {_json(_details(opened)[key])}, but {MANIFEST} says {_json(round_[key])}"
                    )
            counted = next(
                (
                    e
                    for e in entries[closed_at + 1 :]
                    if mine(e, "round.counted") and _details(e).get("round") == number
                ),
                None,
            )
            if counted is None:
                raise _Discrepancy(f"{AUDIT} holds no round.counted entry of round {number} after its closing")
            found = first_difference(check.result.to_dict(), _details(counted).get("result"))
            if found:
                path, ours, theirs = found
                raise _Discrepancy(
                    f"{AUDIT} entry {counted['seq']} (round {number} counted) records {path} = {_json(theirs)},"
                    f" but {check.ballots_file} recounts to {_json(ours)}"
                )
        if not self.official:
            return
        published = entries[anchored(self.audit_head_at_publication, f"vote {self.vote_id} was published")]
        where = f"{AUDIT} entry {published['seq']}"
        if not mine(published, "vote.published"):
            raise _Discrepancy(
                f"{where}, whose hash {MANIFEST} gives as the head at publication, is {published['action']}"
                f" of vote {published['vote_id']}, not vote {self.vote_id}'s publication"
            )
        for key, value in (("result_digest", self.result_digest), ("ballots_digest", self.ballots_digest)):
            if _details(published).get(key) != value:
                raise _Discrepancy(
                    f"{where} (vote published) carries {key} {_details(published).get(key)}, but the bundle's is {value}"
                )

    def check_expected(self, expected: dict[str, str | None]) -> None:
        """The hashes the auditor heard in the hall or read on the sheet, if given (a prefix of 8+ characters)."""
        ours = {
            "result_digest": self.result_digest,
            "ballots_digest": self.ballots_digest if self.official else None,
            "audit_head": self.audit_head_at_publication,
        }
        for key, given in expected.items():
            if given is None:
                continue
            value = ours[key]
            if value is None:
                raise _Discrepancy(f"{self.label} holds no published {key} to compare with {given}: it is unpublished")
            given = given.strip().lower()
            if len(given) < 8 or not value.startswith(given):
                raise _Discrepancy(f"the bundle's {key} is {value}, not the {given} given")

    def result(self, ok: bool, problem: str) -> BundleCheck:
        return BundleCheck(
            ok=ok,
            problem=problem,
            vote_id=self.vote_id,
            title_zh=self.title_zh,
            training=self.training,
            official=self.official,
            rounds=tuple(self.rounds),
            seats=self.seats,
            selected=self.selected,
            vacant=self.vacant,
            ballots_digest=self.ballots_digest,
            result_digest=self.result_digest,
            audit_head_at_publication=self.audit_head_at_publication,
            audit_entries=self.audit_entries,
            audit_head=self.audit_head,
        )


def verify_bundle(
    path: str | os.PathLike[str],
    *,
    result_digest: str | None = None,
    ballots_digest: str | None = None,
    audit_head: str | None = None,
) -> BundleCheck:
    """Recount and check a bundle; ok, or the first discrepancy.

    ``result_digest``, ``ballots_digest`` and ``audit_head`` (the head at
    publication) are the published values as the auditor has them from outside
    the bundle, if at all; each must match (a prefix of eight or more characters will do).
    """
    label = os.path.basename(os.fspath(path))
    try:
        archive = zipfile.ZipFile(path)
    except OSError as exc:
        return BundleCheck(False, f"{label}: cannot read: {exc.strerror or exc}")
    except zipfile.BadZipFile:
        return BundleCheck(False, f"{label}: not a ZIP file")
    with archive:
        checker = _Checker(archive, label)
        expected = {"result_digest": result_digest, "ballots_digest": ballots_digest, "audit_head": audit_head}
        try:
            checker.run(expected)
        except _Discrepancy as exc:
            return checker.result(False, str(exc))
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            return checker.result(False, f"{label}: unreadable: {exc}")
    return checker.result(True, "")


def summary_lines(check: BundleCheck) -> Iterator[str]:
    """What ``voting verify-bundle`` prints under PASS (or under FAIL, as far as it got)."""
    marks = f" [{check.marks}]" if check.marks else ""
    if check.vote_id is not None:
        yield f"vote {check.vote_id}: {check.title_zh}{marks}"
    for r in check.rounds:
        ballots = r.result.ballots
        line = (
            f"round {r.number} ({KIND_WORDS.get(r.kind, (r.kind, r.kind))[1]}): {ballots.cast} ballots of"
            f" {r.ballots_issued} issued ({ballots.valid} valid, {ballots.invalid} invalid), threshold"
            f" {r.result.threshold}; approvals "
            + ", ".join(f"{p.number}:{p.approvals}" for p in r.result.projects)
            + "; selected "
            + (", ".join(str(n) for n in r.result.ranked_selected) or "none")
        )
        if r.result.runoff:
            runoff = r.result.runoff
            line += f"; next: {runoff.reason.value} among {', '.join(map(str, runoff.projects))} for {runoff.seats}"
        yield line
    if check.rounds and check.ok:
        total = sum(r.result.ballots.cast for r in check.rounds)
        yield f"ballots recounted: {total} in {len(check.rounds)} round(s)"
        yield (
            f"selected ({len(check.selected)} of {check.seats} seats, in the order won): "
            + ", ".join(str(n) for n in check.selected)
            + (f"; {check.vacant} vacant" if check.vacant else "")
        )
    if check.ok:
        if check.official:
            yield f"result_digest             {check.result_digest}"
            yield f"ballots_digest            {check.ballots_digest}"
            yield f"audit_head_at_publication {check.audit_head_at_publication}"
            yield "compare these with the hashes read out in the hall and printed on the tally sheet"
        else:
            yield f"ballots digest (not published) {check.ballots_digest}"
            yield "UNOFFICIAL: the result was not published when the bundle was made; there are no published hashes"
        yield f"audit log: {check.audit_entries} entries, chain whole, head {check.audit_head}"
