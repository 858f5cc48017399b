"""Checking a verification bundle with no server, no database and nothing but Python's standard library.

``verify_bundle`` does all of it at once and returns the first discrepancy,
naming the file and line.  It imports only ``voting.domain`` and the standard
library, so that the bundle ships it, with the domain's modules, as its own
verifier (``verifier/verify.py``, ``voting.exports.standalone``): the auditor's
recount with bare Python is this very code, and says what ``voting
verify-bundle`` says.

What is checked, in this order (docs/audit-log.md, "What the hall hears"):

1. every round's ballot list has the SHA-256 the manifest records, reads as a
   ballot list, and recounts (``tally_counts``) to the manifest's stored result,
   key by key;
2. the rounds follow one another (``combine``) and give the vote's selected
   projects and vacant seats;
3. for a published vote: the published record agrees with the recount, its
   canonical JSON hashes to ``result_digest``, and the ballot lists,
   concatenated in round order, hash to ``ballots_digest`` (as
   ``voting.services.official.publish`` computed them);
4. ``audit.jsonl`` (``bundle_audit.check_audit``) is one unbroken hash chain
   that holds every head the auditor gives (``--head``), each round's
   ``audit_head_at_close`` (a ``round.closed`` entry with the round's ballot
   counts), the ``round.opened`` and ``round.counted`` entries agreeing with the
   manifest, and ends with ``audit_head_at_publication``, whose
   ``vote.published`` entry carries the same two digests and the digest of
   each ballot list's line hashes;
5. the log has as many entries as the manifest says; the published values
   given from outside the bundle match; every file is listed in the manifest,
   and in a published bundle every file is the one the publication entry fixed
   (``bundle_audit.check_files``: the forms, the announcements with the head
   read out as their last line, VERIFY.md, the verifier).

Any failure of a ballot list names the first line that differs from the list
exported, by the line hashes the manifest holds (and the publication fixed).
A reordered ballot list counts the same, but it is not the list that was
published: with its manifest hash left as it was it fails step 1, and with that
hash updated it fails ``ballots_digest`` in step 3.
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

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
from voting.domain.audit_chain import canonical_json, given_head
from voting.exports.bundle_audit import Discrepancy, as_json, check_audit, check_files, first_difference
from voting.exports.bundle_format import AUDIT, FORMAT, MANIFEST, first_changed_line, marks, sha256

__all__ = ["BundleCheck", "RoundCheck", "first_difference", "verify_bundle"]


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


def _numbers(text: str, line: int, name: str) -> frozenset[int]:
    numbers = []
    for token in text.split(" ") if text else []:
        if not (token.isascii() and token.isdigit()):
            raise Discrepancy(f"{name} line {line}: {token!r} is not a project number")
        numbers.append(int(token))
    if len(set(numbers)) != len(numbers):
        raise Discrepancy(f"{name} line {line}: a project is marked twice in one column")
    return frozenset(numbers)


def _full_counts(text: str, name: str, projects: frozenset[int]) -> dict[Marks, int]:
    """Approvals, opposes and abstains of an approve/oppose/abstain list (``read_ballot_list`` reads approvals only)."""
    rows = csv.reader(io.StringIO(text))
    header = next(rows)
    if header[:4] != ["ballot_id", "approvals", "opposes", "abstains"]:
        raise Discrepancy(f"{name} line 1: expected the header ballot_id,approvals,opposes,abstains")
    counts: Counter[Marks] = Counter()
    for row in rows:
        line = rows.line_num
        if len(row) < 4:
            raise Discrepancy(f"{name} line {line}: expected the columns opposes and abstains")
        try:
            marks = Marks(*(_numbers(cell, line, name) for cell in row[1:4]))
            marks.check_projects(projects)
        except DomainError as exc:
            raise Discrepancy(f"{name} line {line}: {exc}") from None
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
    heads: list[str] = field(default_factory=list)
    """The heads the auditor heard or saw (``--head``), each to be found in the log."""

    def read(self, name: str) -> bytes:
        try:
            return self.archive.read(name)
        except KeyError:
            raise Discrepancy(f"{self.label} holds no {name}") from None

    def run(self, expected: dict[str, str | None]) -> None:
        names = [info.filename for info in self.archive.infolist()]
        twice = next((n for n, count in Counter(names).items() if count > 1), None)
        if twice:
            raise Discrepancy(f"{self.label} holds {twice} more than once")
        try:
            manifest = json.loads(self.read(MANIFEST))
        except ValueError as exc:
            raise Discrepancy(f"{MANIFEST} is not JSON: {exc}") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise Discrepancy(f"{MANIFEST} is not a {FORMAT} manifest")
        try:
            self.check(manifest, expected)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise Discrepancy(f"{MANIFEST} is malformed: {type(exc).__name__} {exc}") from None

    def check(self, manifest: dict[str, Any], expected: dict[str, str | None]) -> None:
        vote = manifest["vote"]
        self.vote_id, self.title_zh = int(vote["id"]), str(vote["title_zh"])
        self.training, self.official = bool(vote["training"]), bool(vote["official"])
        try:
            rules = RuleSettings.from_dict(manifest["rules"])
        except DomainError as exc:
            raise Discrepancy(f"{MANIFEST}: the rules: {exc}") from None
        self.seats = rules.seats
        for round_ in manifest["rounds"]:
            self.recount(rules, round_)
        self.combine(rules, manifest)
        self.ballots_digest = sha256(b"".join(self.lists))
        if self.official:
            self.check_published(rules, manifest)
        published = check_audit(self, manifest, self.heads)
        if self.audit_entries != manifest["audit"]["entries"]:
            raise Discrepancy(
                f"{AUDIT} holds {self.audit_entries} entries, but {MANIFEST} says {manifest['audit']['entries']}"
            )
        self.check_expected(expected)
        check_files(self, manifest, published)

    def changed_line(self, name: str, data: bytes, round_: dict[str, Any]) -> str:
        """Where a ballot list that fails parts from the list exported, by the line hashes fixed with it."""
        line = first_changed_line(data, round_.get("ballot_lines") or [])
        return f"; line {line} of {name} is the first that differs from the list published" if line else ""

    def recount(self, rules: RuleSettings, round_: dict[str, Any]) -> None:
        number, name = round_["number"], round_["ballots_file"]
        data = self.read(name)
        digest = sha256(data)
        if digest != round_["ballots_sha256"]:
            raise Discrepancy(
                f"{name} has SHA-256 {digest}, but {MANIFEST} records {round_['ballots_sha256']}:"
                " the ballot list is not the one exported" + self.changed_line(name, data, round_)
            )
        self.lists.append(data)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise Discrepancy(f"{name} line {line}: not UTF-8 text") from None
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
            raise Discrepancy(f"{MANIFEST}: round {number}: {exc}") from None
        try:
            ballots = read_ballot_list(io.StringIO(text, newline=""), projects=projects)
            counts = ballots.counts
            if rules.ballot_style is BallotStyle.APPROVE_OPPOSE_ABSTAIN:
                counts = _full_counts(text, name, frozenset(projects))
            result = tally_counts(rules, spec, counts)
        except DomainError as exc:
            said = f"{name} {exc}" if isinstance(exc, InvalidBallotList) else f"{name}: {exc}"
            raise Discrepancy(said + self.changed_line(name, data, round_)) from None
        self.rounds.append(RoundCheck(number, str(round_["kind"]), name, spec.ballots_issued, result))
        found = first_difference(result.to_dict(), round_["result"])
        if found:
            path, ours, theirs = found
            raise Discrepancy(
                f"{name} recounts to {path} = {as_json(ours)}, but {MANIFEST} stores {as_json(theirs)} for round {number}"
                + self.changed_line(name, data, round_)
            )

    def combine(self, rules: RuleSettings, manifest: dict[str, Any]) -> None:
        try:
            combined = combine(rules.seats, manifest["projects"], [r.result for r in self.rounds])
        except DomainError as exc:
            raise Discrepancy(f"{MANIFEST}: the rounds do not follow one another: {exc}") from None
        self.selected, self.vacant = combined.selected, combined.vacant
        if list(combined.selected) != manifest["selected"]:
            raise Discrepancy(
                f"the rounds recounted select {as_json(list(combined.selected))}, but {MANIFEST} says"
                f" {as_json(manifest['selected'])}"
            )
        if combined.vacant != manifest["vacant"] or combined.decided != manifest["decided"]:
            raise Discrepancy(
                f"the rounds recounted leave {combined.vacant} seat(s) vacant"
                f" ({'decided' if combined.decided else 'not decided'}), but {MANIFEST} says {manifest['vacant']}"
                f" ({'decided' if manifest['decided'] else 'not decided'})"
            )

    def check_published(self, rules: RuleSettings, manifest: dict[str, Any]) -> None:
        published = manifest["published"]
        record = published["record"]
        self.audit_head_at_publication = published["audit_head_at_publication"]
        where = f"{MANIFEST}: the published record"
        if (
            record["vote_id"] != self.vote_id
            or record["training"] != self.training
            or record["title_zh"] != self.title_zh
        ):
            raise Discrepancy(f"{where} is of vote {record['vote_id']} (training {as_json(record['training'])})")
        try:
            record_rules = RuleSettings.from_dict(record["rules"])
        except DomainError as exc:
            raise Discrepancy(f"{where}'s rules: {exc}") from None
        if record_rules != rules:
            raise Discrepancy(f"{where}'s rules are not the manifest's rules")
        recounted = [{"number": r.number, "kind": r.kind, "result": r.result.to_dict()} for r in self.rounds]
        found = first_difference(recounted, record["rounds"])
        if found:
            path, ours, theirs = found
            raise Discrepancy(f"{where} says rounds{path} = {as_json(theirs)}, but the recount gives {as_json(ours)}")
        if record["selected"] != list(self.selected) or record["vacant"] != self.vacant:
            raise Discrepancy(
                f"{where} selects {as_json(record['selected'])} with {record['vacant']} vacant, but the recount"
                f" selects {as_json(list(self.selected))} with {self.vacant} vacant"
            )
        if self.ballots_digest != published["ballots_digest"]:
            names = ", ".join(r.ballots_file for r in self.rounds)
            where = "".join(
                self.changed_line(r["ballots_file"], data, r)
                for r, data in zip(manifest["rounds"], self.lists, strict=True)
            )
            raise Discrepancy(
                f"the ballot lists ({names}) hash to {self.ballots_digest}, but the published ballots_digest is"
                f" {published['ballots_digest']}{where}"
            )
        self.result_digest = sha256(canonical_json(record).encode("utf-8"))
        if self.result_digest != published["result_digest"]:
            raise Discrepancy(
                f"{where} hashes to {self.result_digest}, but the published result_digest is"
                f" {published['result_digest']}"
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
                raise Discrepancy(f"{self.label} holds no published {key} to compare with {given}: it is unpublished")
            given = given.strip().lower()
            if len(given) < 8 or not value.startswith(given):
                raise Discrepancy(f"the bundle's {key} is {value}, not the {given} given")

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
    heads: Sequence[str] = (),
) -> BundleCheck:
    """Recount and check a bundle; ok, or the first discrepancy.

    ``result_digest``, ``ballots_digest`` and ``audit_head`` (the head at
    publication) are the published values as the auditor has them from outside
    the bundle, if at all; each must match (a prefix of eight or more characters will do).
    ``heads`` are any heads the auditor heard or saw (the read-out form of
    ``short_head`` will do): each must be an entry's hash in the bundle's log.
    """
    label = os.path.basename(os.fspath(path))
    for head in heads:
        try:
            given_head(head)
        except ValueError as exc:
            return BundleCheck(False, str(exc))
    try:
        archive = zipfile.ZipFile(path)
    except OSError as exc:
        return BundleCheck(False, f"{label}: cannot read: {exc.strerror or exc}")
    except zipfile.BadZipFile:
        return BundleCheck(False, f"{label}: not a ZIP file")
    with archive:
        checker = _Checker(archive, label, heads=list(heads))
        expected = {"result_digest": result_digest, "ballots_digest": ballots_digest, "audit_head": audit_head}
        try:
            checker.run(expected)
        except Discrepancy as exc:
            return checker.result(False, str(exc))
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            return checker.result(False, f"{label}: unreadable: {exc}")
    return checker.result(True, "")
