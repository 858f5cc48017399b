"""What the verifiers print: ``voting verify-bundle`` and ``voting audit verify``, and the bundle's ``verifier/verify.py``.

One text for both, so that the auditor with bare Python reads what the one
with the package installed reads.  Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterator

from voting.domain.audit_chain import ChainCheck, short_head
from voting.exports.bundle_check import BundleCheck
from voting.exports.bundle_format import KIND_WORDS


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
            yield f"read out in the hall      {short_head(check.audit_head_at_publication or '')}"
            yield (
                "compare the head with the one read out in the hall (the announcement's last line, the hall screen)"
                " and the digests with those printed on the tally sheet"
            )
        else:
            yield f"ballots digest (not published) {check.ballots_digest}"
            yield "UNOFFICIAL: the result was not published when the bundle was made; there are no published hashes"
        yield f"audit log: {check.audit_entries} entries, chain whole, head {check.audit_head}"


def report(check: BundleCheck, bundle: str) -> tuple[int, list[str]]:
    """What ``voting verify-bundle`` and ``verifier/verify.py`` print, and their exit status: one text for both."""
    if check.ok:
        marks = f" [{check.marks}]" if check.marks else ""
        first = f"PASS: {bundle}{marks}"
    else:
        first = f"FAIL: {bundle}: {check.problem}"
    return (0 if check.ok else 1), [first, *(f"  {line}" for line in summary_lines(check))]


def chain_report(check: ChainCheck, missing: list[str]) -> tuple[int, str]:
    """``voting audit verify``'s verdict on a chain and the heads given (``audit_chain.missing_heads``)."""
    if not check.ok and check.first_bad is None:
        return 1, f"audit log not whole: {check.reason} ({check.entries} entries verified as a chain)"
    if not check.ok:
        return 1, (
            f"audit log broken at entry {check.first_bad}: {check.reason} ({check.entries} entries verified before it)"
        )
    if missing:
        return 1, (
            f"audit log does not hold the head {missing[0]}: it was cut short or rewritten before that head"
            f" ({check.entries} entries, head {check.head})"
        )
    return 0, f"audit log OK: {check.entries} entries, head {check.head}"
