"""The bundle's audit log and the files publication fixed: the second half of ``bundle_check``.

Trust runs from the head read out in the hall.  The hash chain fixes every
entry up to that head, so the publication entry (``vote.published``) is
trusted, and with it what it carries: the result and ballot-list digests, the
SHA-256 of every file rendered at publication (the tally sheet in its forms,
the announcements without their head line, VERIFY.md, the verifier), and a
digest of each ballot list's line hashes.  Nothing after that entry is read:
the log must end there.  ``manifest.json`` is trusted only where it agrees
with those entries and with the recount.

Standard library only, like all of the verifier the bundle ships (``voting.exports.forms.verifier_files``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from voting.domain.audit_chain import missing_heads, short_head, verify_chain
from voting.exports.bundle_format import AUDIT, MANIFEST, head_line, lines_digest, sha256

if TYPE_CHECKING:
    from voting.exports.bundle_check import _Checker


class Discrepancy(Exception):
    """The first thing found wrong with a bundle, in words that name the file (and line or entry)."""


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def details(entry: dict[str, Any]) -> dict[str, Any]:
    found = entry.get("details")
    return found if isinstance(found, dict) else {}


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


# long: the chain, each round's anchors and the publication; to be split by step once the audit entries are typed
# events (issue 17, point 5, which rewrites these reads)
def check_audit(checker: _Checker, manifest: dict[str, Any], heads: list[str]) -> dict[str, Any] | None:
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
    at = {entry["hash"]: index for index, entry in enumerate(entries)}

    def anchored(head: Any, moment: str) -> int:
        if head not in at:
            raise Discrepancy(
                f"{AUDIT} does not hold the head hash {head} fixed when {moment}: the log was cut short or rewritten"
            )
        return at[head]

    def mine(entry: dict[str, Any], action: str) -> bool:
        return bool(entry["vote_id"] == checker.vote_id and entry["action"] == action)

    for round_, check in zip(manifest["rounds"], checker.rounds, strict=True):
        number = check.number
        closed_at = anchored(round_["audit_head_at_close"], f"round {number} closed")
        closed = entries[closed_at]
        where = f"{AUDIT} entry {closed['seq']}"
        if not mine(closed, "round.closed") or details(closed).get("round") != number:
            raise Discrepancy(
                f"{where}, whose hash {MANIFEST} gives as round {number}'s head at its close, is"
                f" {closed['action']} of vote {closed['vote_id']}, not round {number}'s closing"
            )
        said = {k: details(closed).get(k) for k in ("ballots_issued", "ballots_returned")}
        if said != {"ballots_issued": check.ballots_issued, "ballots_returned": check.result.ballots.cast}:
            raise Discrepancy(
                f"{where} (round {number} closed) records {said['ballots_issued']} ballots issued and"
                f" {said['ballots_returned']} returned, but {check.ballots_file} holds"
                f" {check.result.ballots.cast} with {check.ballots_issued} issued"
            )
        opened = next(
            (e for e in reversed(entries[:closed_at]) if mine(e, "round.opened") and details(e).get("round") == number),
            None,
        )
        if opened is None:
            raise Discrepancy(f"{AUDIT} holds no round.opened entry of round {number} before its closing")
        for key in ("kind", "projects", "seats", "deputy_count", "deputies_present"):
            if key in details(opened) and details(opened)[key] != round_[key]:
                raise Discrepancy(
                    f"{AUDIT} entry {opened['seq']} (round {number} opened) records {key}"
                    f" {as_json(details(opened)[key])}, but {MANIFEST} says {as_json(round_[key])}"
                )
        counted = next(
            (e for e in entries[closed_at + 1 :] if mine(e, "round.counted") and details(e).get("round") == number),
            None,
        )
        if counted is None:
            raise Discrepancy(f"{AUDIT} holds no round.counted entry of round {number} after its closing")
        found = first_difference(check.result.to_dict(), details(counted).get("result"))
        if found:
            path, ours, theirs = found
            raise Discrepancy(
                f"{AUDIT} entry {counted['seq']} (round {number} counted) records {path} = {as_json(theirs)},"
                f" but {check.ballots_file} recounts to {as_json(ours)}"
            )
    if not checker.official:
        published_anyway = None
        for entry in entries:  # a training vote reset after its publication is unpublished again
            if mine(entry, "vote.published") or mine(entry, "vote.reset"):
                published_anyway = entry if entry["action"] == "vote.published" else None
        if published_anyway is not None:
            raise Discrepancy(
                f"{AUDIT} entry {published_anyway['seq']} records vote {checker.vote_id}'s publication, but"
                f" {MANIFEST} calls the bundle unpublished: it would escape the checks of what publication fixed"
            )
        return None
    index = anchored(checker.audit_head_at_publication, f"vote {checker.vote_id} was published")
    published = entries[index]
    where = f"{AUDIT} entry {published['seq']}"
    if not mine(published, "vote.published"):
        raise Discrepancy(
            f"{where}, whose hash {MANIFEST} gives as the head at publication, is {published['action']}"
            f" of vote {published['vote_id']}, not vote {checker.vote_id}'s publication"
        )
    if index != len(entries) - 1:
        raise Discrepancy(
            f"{AUDIT} goes on past {where}, the publication: a bundle's log ends with the head read out in the hall"
        )
    for key, value in (("result_digest", checker.result_digest), ("ballots_digest", checker.ballots_digest)):
        if details(published).get(key) != value:
            raise Discrepancy(
                f"{where} (vote published) carries {key} {details(published).get(key)}, but the bundle's is {value}"
            )
    lines: dict[str, Any] = details(published).get("ballot_lines") or {}
    for round_ in manifest["rounds"] if lines else ():  # none in a vote published before lines were fixed
        name = round_["ballots_file"]
        if lines_digest(round_["ballot_lines"]) != lines.get(name):
            raise Discrepancy(
                f"{MANIFEST}'s line hashes of {name} are not those fixed at publication ({where}): it was altered"
            )
    return published


def check_files(checker: _Checker, manifest: dict[str, Any], published: dict[str, Any] | None) -> None:
    """Every file is listed; a published bundle's files are those fixed at publication; then the manifest's SHA-256s."""
    listed = {entry["name"]: entry["sha256"] for entry in manifest["files"]}
    known = {MANIFEST, AUDIT, *(r["ballots_file"] for r in manifest["rounds"]), *listed}
    extra = next((info.filename for info in checker.archive.infolist() if info.filename not in known), None)
    if extra is not None:
        raise Discrepancy(f"{extra} is in the bundle, but {MANIFEST} does not list it")
    if published is not None and "files" in details(published):  # else published before files were fixed
        where = f"{AUDIT} entry {published['seq']} (vote published)"
        fixed, read_out = details(published).get("files", {}), details(published).get("read_out", {})
        for name, digest in fixed.items():
            if name not in listed:
                raise Discrepancy(f"{MANIFEST} does not list {name}, which {where} fixed")
            body = data = checker.read(name)
            if name in read_out:
                line = head_line(read_out[name], short_head(published["hash"]))
                if not data.endswith(line):
                    raise Discrepancy(
                        f"{name} does not end with the head read out in the hall,"
                        f" {short_head(published['hash'])} ({where})"
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
