"""The verification bundle's own verifier, for a machine with Python 3.11 and nothing else.

Shipped in every bundle as ``verifier/verify.py``, beside the modules it runs
(``verifier/voting/``: the domain's pure modules and the bundle checker, copied
from the package that made the bundle; ``voting.exports.forms.verifier_files``).
It is a second front end, with the standard library's ``argparse``, to the very
code behind ``voting verify-bundle``, ``voting tally`` and ``voting audit verify
--file``, and prints what they print::

    python3 verifier/verify.py BUNDLE.zip [--head H]... [--result-digest D] [--ballots-digest D] [--audit-head H]
    python3 verifier/verify.py tally rounds/round-1-ballots.csv --seats K --deputies N ...
    python3 verifier/verify.py audit audit.jsonl [--head H]...

It checks the bundle, not itself: an auditor who doubts the copy in the bundle
compares it with the package's published source, or uses their own ``voting``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

if __name__ == "__main__":  # run as verifier/verify.py: the modules beside it, never an installed package
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.dont_write_bytecode = True  # and leave the unpacked bundle as it was

from voting.domain.audit_chain import given_head, missing_heads, verify_chain
from voting.domain.errors import DomainError, InvalidBallotList
from voting.domain.recount import recount_file
from voting.exports.bundle_check import verify_bundle
from voting.exports.bundle_report import chain_report, report


def _head(text: str) -> str:
    try:
        given_head(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _projects(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated project numbers, not {text!r}") from None


def _entries(path: str, hashes: list[str]) -> Iterator[dict[str, Any]]:
    with open(path, "rb") as stream:
        for number, line in enumerate(stream, start=1):
            try:
                entry = json.loads(line)
            except ValueError:
                raise ValueError(f"{path} line {number}: not JSON") from None
            if not isinstance(entry, dict):
                raise ValueError(f"{path} line {number}: not a JSON object")
            hashes.append(str(entry.get("hash")))
            yield entry


def _bundle(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="verify.py", description="Recount a verification bundle and check it.")
    parser.add_argument("bundle")
    parser.add_argument("--head", dest="heads", action="append", default=[], type=_head)
    parser.add_argument("--result-digest")
    parser.add_argument("--ballots-digest")
    parser.add_argument("--audit-head")
    args = parser.parse_args(argv)
    check = verify_bundle(
        args.bundle,
        result_digest=args.result_digest,
        ballots_digest=args.ballots_digest,
        audit_head=args.audit_head,
        heads=args.heads,
    )
    status, lines = report(check, args.bundle)
    print("\n".join(lines))
    return status


def _tally(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="verify.py tally", description="Recount one round from its ballot list.")
    parser.add_argument("ballots_csv")
    for option in ("--seats", "--deputies", "--candidates", "--issued", "--present"):
        parser.add_argument(option, type=int, required=option in ("--seats", "--deputies"))
    parser.add_argument("--projects", type=_projects)
    parser.add_argument("--threshold-basis", default="all_deputies")
    parser.add_argument("--threshold-fraction", default="1/2")
    args = vars(parser.parse_args(argv))
    path = args.pop("ballots_csv")
    return _guarded(path, lambda: (0, json.dumps(recount_file(path, **args), ensure_ascii=False)))


def _audit(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="verify.py audit", description="Check an audit log's hash chain.")
    parser.add_argument("file")
    parser.add_argument("--head", dest="heads", action="append", default=[], type=_head)
    args = parser.parse_args(argv)
    hashes: list[str] = []

    def verdict() -> tuple[int, str]:
        check = verify_chain(_entries(args.file, hashes))
        return chain_report(check, missing_heads(hashes[: check.entries], args.heads))

    return _guarded(args.file, verdict)


def _guarded(path: str, work: Callable[[], tuple[int, str]]) -> int:
    """Print the work's output, or its failure as ``voting`` words it (on standard error); the exit status."""
    try:
        status, text = work()
    except OSError as exc:
        status, text = 1, f"{path}: cannot read: {exc.strerror}"
    except InvalidBallotList as exc:
        status, text = 1, f"{path}: {exc}"
    except (DomainError, ValueError) as exc:  # a bad ballot list or rule; a log line that is not a JSON object
        status, text = 1, str(exc)
    if status:
        print(f"verify.py: {text}", file=sys.stderr)
    else:
        print(text)
    return status


def main(argv: list[str]) -> int:
    if argv[:1] == ["tally"]:
        return _tally(argv[1:])
    if argv[:1] == ["audit"]:
        return _audit(argv[1:])
    return _bundle(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
