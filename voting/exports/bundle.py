"""The verification bundle: one ZIP from which anyone recounts a vote and checks its log, on any machine.

``write_bundle`` packs what a recount needs (``manifest.json``: the rules, each
counted round's attendance and stored result, the published record and its
hashes), every round's anonymous ballot list, the audit log, the tally sheet
in its three forms, the announcement and ``VERIFY.md``, the commands an
auditor runs (in Chinese and English, with this vote's numbers filled in).

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
import hashlib
import io
import itertools
import os
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from voting import __version__
from voting.domain import (
    BallotStyle,
    DomainError,
    InvalidBallotList,
    Marks,
    RoundSpec,
    RuleSettings,
    ShortfallPolicy,
    TallyResult,
    TiePolicy,
    combine,
    read_ballot_list,
    tally_counts,
)
from voting.domain.audit_chain import canonical_json, verify_chain

if TYPE_CHECKING:
    from sqlmodel import Session


FORMAT = "voting-bundle/1"
MANIFEST = "manifest.json"
VERIFY = "VERIFY.md"
AUDIT = "audit.jsonl"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every entry's timestamp: the earliest a ZIP can hold, so that the same content gives the same bytes."""


def ballots_file(number: int) -> str:
    return f"rounds/round-{number}-ballots.csv"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _marks(training: bool, official: bool) -> list[str]:
    return [m for m, on in (("TRAINING", training), ("UNOFFICIAL", not official)) if on]


def bundle_file_name(vote_id: int, *, training: bool, official: bool) -> str:
    """The bundle's file name, with the marks a tally sheet's name carries (``TallySheet.file_stem``)."""
    return "-".join([f"vote{vote_id}-bundle", *_marks(training, official)]) + ".zip"


# --- writing ---------------------------------------------------------------------------------------


def write_bundle(session: Session, vote_id: int) -> bytes:
    """The vote's verification bundle as ZIP bytes: deterministic entry order and timestamps.

    Raises ``Conflict`` (no_counted_round) while no round of the vote has been counted.
    """
    from sqlmodel import select

    from voting.domain.lifecycle import RoundState, VoteState
    from voting.exports.announcement import announcement_en, announcement_zh
    from voting.exports.csv_sheet import render_csv
    from voting.exports.pdf import render_pdf
    from voting.exports.xlsx import render_xlsx
    from voting.services import audit, publication
    from voting.services.errors import Conflict
    from voting.services.records import get_vote, rules_of
    from voting.services.reports import tally_sheet
    from voting.services.rounds import rounds_of
    from voting.services.votes import candidates_of
    from voting.store.models import AuditEntry

    vote = get_vote(session, vote_id)
    counted = [r for r in rounds_of(session, vote_id) if r.state == RoundState.COUNTED]
    if not counted:
        raise Conflict("no_counted_round", f"vote {vote_id} has no counted round yet: there is nothing to verify")
    published = vote.state == VoteState.PUBLISHED
    sheet = tally_sheet(session, vote_id)
    result = publication.vote_result(session, vote)
    assert result is not None

    lists = [(ballots_file(r.number), publication.ballot_list(session, r).encode("utf-8")) for r in counted]
    audit_lines = audit.export_lines(session)
    if published:
        # A published vote's log ends, in its bundle, with its publication: what was read out in the
        # hall is then the head `voting audit verify --file` prints, and the bundle no longer changes.
        head = session.exec(select(AuditEntry).where(AuditEntry.hash == vote.audit_head_at_publication)).first()
        if head is not None:  # else the log lost it: the whole log goes, and verify-bundle says so
            audit_lines = itertools.islice(audit_lines, head.seq)
    audit_data = "".join(audit_lines).encode("utf-8")

    stem = sheet.file_stem()
    others = [
        (f"tally-sheet/{stem}.pdf", render_pdf(sheet)),
        (f"tally-sheet/{stem}.xlsx", render_xlsx(sheet)),
        (f"tally-sheet/{stem}.csv", render_csv(sheet)),
        (
            f"tally-sheet/{stem.replace('tally-sheet', 'announcement-zh', 1)}.txt",
            announcement_zh(sheet).encode("utf-8"),
        ),
        (
            f"tally-sheet/{stem.replace('tally-sheet', 'announcement-en', 1)}.txt",
            announcement_en(sheet).encode("utf-8"),
        ),
    ]
    rules = rules_of(vote)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "made_by": f"voting {__version__}",
        "vote": {
            "id": vote_id,
            "title_zh": vote.title_zh,
            "title_en": vote.title_en,
            "training": vote.training,
            "state": vote.state,
            "official": published,
            "marks_zh": sheet.marks_zh,
            "marks_en": sheet.marks_en,
            "meeting_zh": sheet.meeting_zh,
            "date": sheet.date.isoformat(),
        },
        "rules": rules.to_dict(),
        "projects": [c.number for c in candidates_of(session, vote_id)],
        "rounds": [
            {
                "number": r.number,
                "kind": r.kind,
                "seats": r.seats,
                "projects": list(r.projects),
                "deputy_count": r.deputy_count,
                "deputies_present": r.deputies_present,
                "ballots_issued": r.ballots_issued,
                "result": r.result,
                "ballots_file": name,
                "ballots_sha256": sha256(data),
                "audit_head_at_close": r.audit_head_at_close,
            }
            for r, (name, data) in zip(counted, lists, strict=True)
        ],
        "selected": list(result.selected),
        "vacant": result.vacant,
        "decided": result.decided,
        "published": {
            "at": vote.published_at.isoformat() if vote.published_at else None,
            "record": publication.published_record(session, vote),
            "result_digest": vote.result_digest,
            "ballots_digest": vote.ballots_digest,
            "audit_head_at_publication": vote.audit_head_at_publication,
        }
        if published
        else None,
        "audit": {"file": AUDIT, "entries": audit_data.count(b"\n")},
    }
    bundle_name = bundle_file_name(vote_id, training=vote.training, official=published)
    verify_text = verify_md(manifest, bundle_name).encode("utf-8")
    manifest["files"] = [{"name": name, "sha256": sha256(data)} for name, data in [(VERIFY, verify_text), *others]]
    manifest_data = orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n"
    return _zip([(VERIFY, verify_text), (MANIFEST, manifest_data), *lists, (AUDIT, audit_data), *others])


def _zip(files: Sequence[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever system wrote it, so that the permissions below mean the same
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


# --- VERIFY.md -------------------------------------------------------------------------------------

KIND_WORDS = {
    "first": ("第一轮", "first round"),
    "tie_break": ("再次投票", "tie-break round"),
    "shortfall": ("另行票决", "shortfall round"),
    "revote": ("重新投票", "repeat round"),
}
RESULT_DIGEST_COMMAND = (
    "python3 -c \"import hashlib, json; r = json.load(open('manifest.json', encoding='utf-8'))['published']['record'];"
    " print(hashlib.sha256(json.dumps(r, sort_keys=True, separators=(',', ':'), ensure_ascii=False)"
    ".encode('utf-8')).hexdigest())\""
)


def tally_command(rules: dict[str, Any], round_: dict[str, Any]) -> str:
    """The ``voting tally`` command that recounts one round of the manifest by hand."""
    return " ".join(
        [
            "voting tally",
            round_["ballots_file"],
            f"--seats {round_['seats']}",
            f"--deputies {round_['deputy_count']}",
            f"--present {round_['deputies_present']}",
            f"--issued {round_['ballots_issued']}",
            f"--projects {','.join(str(p) for p in round_['projects'])}",
            f"--threshold-basis {rules['threshold_basis']}",
            f"--threshold-fraction {rules['threshold_fraction']}",
        ]
    )


def _expected(result: dict[str, Any]) -> tuple[str, str]:
    """What ``voting tally`` must print for a round, in words (zh, en)."""
    ballots = result["ballots"]
    approvals = ", ".join(f"{p['number']}: {p['approvals']}" for p in result["projects"])
    selected = ", ".join(str(n) for n in result["selected"]) or "—"
    runoff = result["runoff"]
    zh = (
        f"`ballots` 为 cast {ballots['cast']}、valid {ballots['valid']}、invalid {ballots['invalid']}；"
        f"`threshold` 为 {result['threshold']}；各项目赞成票（项目号: 票数）{approvals}；"
        f"`selected` 为 {selected}"
    )
    en = (
        f"`ballots` cast {ballots['cast']}, valid {ballots['valid']}, invalid {ballots['invalid']}; "
        f"`threshold` {result['threshold']}; approvals (project: votes) {approvals}; `selected` {selected}"
    )
    if runoff:
        numbers = ", ".join(str(n) for n in runoff["projects"])
        zh += f"；`runoff` 为 {runoff['reason']}（项目 {numbers}，{runoff['seats']} 个名额）"
        en += f"; `runoff` {runoff['reason']} (projects {numbers}, {runoff['seats']} seat(s))"
    return zh + "。", en + "."


def verify_md(manifest: dict[str, Any], bundle_name: str) -> str:
    """The auditor's instructions, in Chinese and English, with this vote's numbers and hashes filled in."""
    vote = manifest["vote"]
    rules = manifest["rules"]
    rounds = manifest["rounds"]
    published = manifest["published"]
    folder = bundle_name.removesuffix(".zip")
    marks = f"（{vote['marks_zh']} · {vote['marks_en']}）" if vote["marks_en"] else ""
    out: list[str] = [f"# 核验包 · Verification bundle: {vote['title_zh']}{marks}", ""]
    if vote["training"]:
        out += [
            "> **演练 · TRAINING**：本核验包来自演练票决，不是正式票决结果。",
            "> This bundle comes from a training vote (a drill); it is not the result of a real vote.",
            "",
        ]
    if not vote["official"]:
        out += [
            "> **未公布 · UNOFFICIAL**：导出本核验包时票决结果尚未公布；包内没有可与会场宣读值比对的公布哈希值。",
            "> The result had not been published when this bundle was made: it holds no published hashes"
            " to compare with those read out in the hall.",
            "",
        ]
    out += [
        f"票决编号 {vote['id']}，{vote['meeting_zh']}，{vote['date']}；由 {manifest['made_by']} 制作。",
        f"Vote {vote['id']} ({vote['title_en'] or vote['title_zh']}), {vote['date']}; made by {manifest['made_by']}.",
        "",
        "本文件说明审计人员如何在另一台计算机上，不借助服务器和数据库，重新计票并核验审计日志。",
        "This file tells an auditor how to recount the vote and verify its audit log on another machine,"
        " with no server and no database.",
        "",
        "## 内容 · Contents",
        "",
        "| 文件 · file | 内容 · what it holds |",
        "|---|---|",
        "| `manifest.json` | 票决办法、各轮应到/实到/发票数与存储的计票结果、公布记录与哈希值 · the rules,"
        " each round's attendance, ballots issued and stored count, the published record and its hashes |",
    ]
    out += [
        f"| `{r['ballots_file']}` | 第{r['number']}轮无记名选票清单 · round {r['number']}'s anonymous ballot list |"
        for r in rounds
    ]
    out += [
        "| `audit.jsonl` | 审计日志（每行一条，哈希链）· the audit log, one entry a line, hash-chained |",
        "| `tally-sheet/` | 计票结果报告单（PDF、XLSX、CSV）与宣读稿 · the tally sheet (PDF, XLSX, CSV) and"
        " the announcement |",
        "",
        "## 1. 安装 · Install",
        "",
        f"在任意装有 Python 3.11 或更新版本的计算机上，安装制作本包的 voting 软件包（{manifest['made_by']}），"
        "例如从其源代码目录安装：",
        f"On any machine with Python 3.11 or newer, install the voting package that made this bundle"
        f" ({manifest['made_by']}), for example from its source tree:",
        "",
        "```sh",
        "python3 -m venv voting-env",
        "voting-env/bin/pip install /path/to/voting",
        ". voting-env/bin/activate",
        "```",
        "",
        "## 2. 一条命令核验全部 · Verify everything with one command",
        "",
        f"在 `{bundle_name}` 所在目录运行：",
        f"In the folder that holds `{bundle_name}`, run:",
        "",
        "```sh",
        f"voting verify-bundle {bundle_name}",
        "```",
        "",
        "它重新计算每一轮、核对各文件的 SHA-256、公布的哈希值和审计日志，输出 PASS 与摘要（退出码 0），"
        "或 FAIL 与第一处不一致，指明文件和行（退出码 1）。"
        "加上 `--result-digest`、`--ballots-digest`、`--audit-head` 并填入会场宣读或报告单上印的值，它会一并比对。",
        "It recounts every round and checks every file's SHA-256, the published hashes and the audit log; it"
        " prints PASS and a summary (exit status 0), or FAIL and the first discrepancy, naming the file and"
        " line (exit status 1).  Give it `--result-digest`, `--ballots-digest` and `--audit-head` with the"
        " values read out in the hall or printed on the tally sheet, and it compares those too.",
        "",
        "## 3. 手工核验 · By hand",
        "",
        "解压，进入解压后的目录：",
        "Unpack the bundle and go into the folder:",
        "",
        "```sh",
        f"python3 -m zipfile -e {bundle_name} {folder}",
        f"cd {folder}",
        "```",
        "",
    ]
    if (
        rules["ballot_style"] != BallotStyle.APPROVE_ONLY.value
        or rules["tie_policy"] != TiePolicy.TIE_BREAK.value
        or rules["shortfall_policy"] != ShortfallPolicy.SHORTFALL_ROUND.value
    ):
        out += [
            "注意：`voting tally` 只读取赞成栏，并按“得票相等再次投票、不足另行票决”给出 `runoff`；"
            "本票决的办法与此不同，故手工核对 `ballots`、`threshold`、各项目赞成票和 `selected`。"
            "反对、弃权票数由 `voting verify-bundle` 核对。",
            "Note: `voting tally` reads only the approvals and names the `runoff` of the tie-break and"
            " shortfall-round policies; this vote's rules differ, so compare `ballots`, `threshold`, each"
            " project's approvals and `selected` by hand.  `voting verify-bundle` checks the opposes and"
            " abstains too.",
            "",
        ]
    for r in rounds:
        zh_kind, en_kind = KIND_WORDS.get(r["kind"], (r["kind"], r["kind"]))
        expect_zh, expect_en = _expected(r["result"])
        out += [
            f"### 第{r['number']}轮（{zh_kind}）· Round {r['number']} ({en_kind})",
            "",
            f"应到代表 {r['deputy_count']} 人，实到 {r['deputies_present']} 人，发出表决票 {r['ballots_issued']} 张，"
            f"应选 {r['seats']} 个项目。重新计票：",
            f"{r['deputy_count']} deputies, {r['deputies_present']} present, {r['ballots_issued']} ballots issued,"
            f" {r['seats']} seat(s).  Recount:",
            "",
            "```sh",
            tally_command(rules, r),
            "```",
            "",
            f"输出应与报告单和 `manifest.json` 中本轮的 `result` 一致：{expect_zh}",
            f"The output must agree with the tally sheet and with this round's `result` in `manifest.json`: {expect_en}",
            "",
        ]
    out += [
        "### 审计日志 · The audit log",
        "",
        "```sh",
        "voting audit verify --file audit.jsonl",
        "```",
        "",
        "应输出 `audit log OK`"
        + ("，其 head 即公布时的审计日志头哈希（本包中的日志止于公布）" if published else "")
        + "。再确认日志中有各轮结束时和公布时记下的头哈希（每条命令应找到一行）：",
        "It must print `audit log OK`"
        + (", and its head is the head at publication (the log in this bundle ends there)" if published else "")
        + ".  Then check that the log holds the head hashes fixed when each round closed"
        + (" and when the result was published" if published else "")
        + " (each command must find one line):",
        "",
        "```sh",
    ]
    out += [f'grep -n \'"hash":"{r["audit_head_at_close"]}"\' audit.jsonl' for r in rounds]
    if published:
        out.append(f'grep -n \'"hash":"{published["audit_head_at_publication"]}"\' audit.jsonl')
    out += ["```", ""]
    if published:
        lists = " ".join(r["ballots_file"] for r in rounds)
        out += [
            "### 公布的哈希值 · The published hashes",
            "",
            "选票清单按轮次顺序连接后的 SHA-256 即 `ballots_digest`；公布记录（`manifest.json` 的"
            " `published.record`）规范 JSON 的 SHA-256 即 `result_digest`（macOS 上用 `shasum -a 256` 代替 `sha256sum`）：",
            "The SHA-256 of the ballot lists concatenated in round order is `ballots_digest`; the SHA-256 of the"
            " canonical JSON of the published record (`published.record` in `manifest.json`) is `result_digest`"
            " (on macOS use `shasum -a 256` for `sha256sum`):",
            "",
            "```sh",
            f"cat {lists} | sha256sum",
            RESULT_DIGEST_COMMAND,
            "```",
            "",
        ]
    out += [
        "## 4. 比对 · What to compare",
        "",
    ]
    if published:
        out += [
            "上面的命令算出的哈希值（`voting verify-bundle` 也会打印）必须等于下表，并且必须与会场宣读的、"
            "计票结果报告单上印的完全一致。包内的计算只证明包自身前后一致；与包外公布值的比对才证明它就是公布的那一份。",
            "The hashes the commands above compute (`voting verify-bundle` prints them too) must be those below,"
            " and exactly those read out in the hall and printed on the tally sheet.  The checks inside the"
            " bundle only show that it agrees with itself; comparing with the values published outside it"
            " shows that it is the bundle of the published result.",
            "",
            "| 值 · value | |",
            "|---|---|",
            f"| 结果哈希 · `result_digest` | `{published['result_digest']}` |",
            f"| 选票清单哈希 · `ballots_digest` | `{published['ballots_digest']}` |",
            f"| 公布时审计日志头哈希 · `audit_head_at_publication` | `{published['audit_head_at_publication']}` |",
        ]
    else:
        out += [
            "本票决尚未公布，没有公布的哈希值；各轮结束时的审计日志头哈希应与报告单上印的一致。",
            "The vote is not published and has no published hashes; each round's audit head at its close"
            " must be the one printed on the tally sheet.",
            "",
            "| 值 · value | |",
            "|---|---|",
        ]
    out += [
        f"| 第{r['number']}轮结束时审计日志头哈希 · round {r['number']} `audit_head_at_close` |"
        f" `{r['audit_head_at_close']}` |"
        for r in rounds
    ]
    selected = "、".join(str(n) for n in manifest["selected"])
    out += [
        "",
        f"当选项目（按当选顺序）· Selected projects, in the order seats were won: {selected}"
        + (f"；空缺 {manifest['vacant']} 个 · {manifest['vacant']} vacant" if manifest["vacant"] else ""),
        "",
    ]
    return "\n".join(out)


# --- checking --------------------------------------------------------------------------------------


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
        return " ".join(_marks(self.training, self.official))


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
