"""VERIFY.md: what an auditor reads first, in Chinese and English, with this vote's numbers filled in.

Every step works with Python 3.11 alone, through the verifier the bundle ships
(``verifier/verify.py``, ``voting.exports.standalone``); the ``voting`` package
does the same where it is installed.  A published vote's VERIFY.md is rendered
at publication, before the publication's audit entry exists, and its digest is
in that entry: so it cannot name the head read out in the hall; it tells the
auditor where to find it and how to compare it.
"""

from __future__ import annotations

from typing import Any

from voting.domain import (
    BallotStyle,
    ShortfallPolicy,
    TiePolicy,
)
from voting.exports.bundle_format import HEAD_LINES, KIND_WORDS

VERIFIER_SCRIPT = "verifier/verify.py"
LAST_ENTRY_COMMAND = (
    "python3 -c \"import json; e = json.loads(open('audit.jsonl', encoding='utf-8').read().splitlines()[-1]);"
    " print(e['action'], e['hash']); [print(d, n) for n, d in e['details']['files'].items()]\""
)

RESULT_DIGEST_COMMAND = (
    "python3 -c \"import hashlib, json; r = json.load(open('manifest.json', encoding='utf-8'))['published']['record'];"
    " print(hashlib.sha256(json.dumps(r, sort_keys=True, separators=(',', ':'), ensure_ascii=False)"
    ".encode('utf-8')).hexdigest())\""
)


def tally_command(rules: dict[str, Any], round_: dict[str, Any]) -> str:
    """The command that recounts one round of the manifest by hand, with the bundle's own verifier."""
    return " ".join(
        [
            f"python3 {VERIFIER_SCRIPT} tally",
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


# long: one document, written out line by line (to be rendered from a template)
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
        "| `tally-sheet/` | 计票结果报告单（PDF、XLSX、CSV）与宣读稿（公布后末行为宣读的审计日志头哈希）· the tally"
        " sheet (PDF, XLSX, CSV) and the announcements (once published, ending with the audit head read out) |",
        "| `verifier/` | 只需 Python 标准库的核验程序（`verifier/verify.py`）及其所用的本系统模块 · a verifier that needs"
        " nothing but Python's standard library (`verifier/verify.py`), with the modules of this system it runs |",
        "",
        "## 1. 准备 · What you need",
        "",
        "任意装有 Python 3.11 或更新版本的计算机，无需安装任何软件包。解压，进入解压后的目录：",
        "Any machine with Python 3.11 or newer; nothing to install.  Unpack the bundle and go into the folder:",
        "",
        "```sh",
        f"python3 -m zipfile -e {bundle_name} {folder}",
        f"cd {folder}",
        "```",
        "",
        "## 2. 一条命令核验全部 · Verify everything with one command",
        "",
        "```sh",
        f"python3 {VERIFIER_SCRIPT} ../{bundle_name}",
        "```",
        "",
        "它重新计算每一轮、核对审计日志的哈希链、公布的哈希值和每个文件的 SHA-256，输出 PASS 与摘要（退出码 0），"
        "或 FAIL 与第一处不一致，指明文件和行（退出码 1）。"
        '加上 `--head "xxxx xxxx xxxx xxxx"`（可重复），填入会场宣读的、宣读稿末行的或会场屏幕上所示的审计日志头哈希，'
        "它会确认每一个都在日志中；加上 `--result-digest`、`--ballots-digest` 并填入报告单上印的值，它会一并比对。"
        f"装有本系统（{manifest['made_by']}）的计算机上，`voting verify-bundle {bundle_name}` 做同样的核验，输出相同。",
        "It recounts every round and checks the audit log's hash chain, the published hashes and every file's"
        " SHA-256; it prints PASS and a summary (exit status 0), or FAIL and the first discrepancy, naming the"
        ' file and line (exit status 1).  Give it `--head "xxxx xxxx xxxx xxxx"` (repeatable) with each audit'
        " head read out in the hall, shown on the hall screen or printed as the announcement's last line, and it"
        " checks that the log holds each; give it `--result-digest` and `--ballots-digest` with the values printed"
        f" on the tally sheet, and it compares those too.  Where the system ({manifest['made_by']}) is installed,"
        f" `voting verify-bundle {bundle_name}` does the same check and prints the same.",
        "",
        "## 3. 手工核验 · By hand",
        "",
        "以下各步在解压后的目录中进行，结果应与上一步一致。",
        "Each step below runs in the unpacked folder, and must agree with the step above.",
        "",
    ]
    if (
        rules["ballot_style"] != BallotStyle.APPROVE_ONLY.value
        or rules["tie_policy"] != TiePolicy.TIE_BREAK.value
        or rules["shortfall_policy"] != ShortfallPolicy.SHORTFALL_ROUND.value
    ):
        out += [
            "注意：`verify.py tally`（与 `voting tally` 相同）只读取赞成栏，并按“得票相等再次投票、不足另行票决”给出 `runoff`；"
            "本票决的办法与此不同，故手工核对 `ballots`、`threshold`、各项目赞成票和 `selected`。"
            "反对、弃权票数由第2步的核验程序核对。",
            "Note: `verify.py tally` (like `voting tally`) reads only the approvals and names the `runoff` of the tie-break and"
            " shortfall-round policies; this vote's rules differ, so compare `ballots`, `threshold`, each"
            " project's approvals and `selected` by hand.  The verifier of step 2 checks the opposes and"
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
        f"python3 {VERIFIER_SCRIPT} audit audit.jsonl",
        "```",
        "",
        "应输出 `audit log OK`"
        + (
            "，其 head 即公布时的审计日志头哈希（本包中的日志止于公布），其前16位应与会场宣读的一致"
            if published
            else ""
        )
        + '；加上 `--head "…"` 填入会场宣读或屏幕所示的值，它确认这些头哈希都在链中。'
        "再确认日志中有各轮结束时记下的头哈希（每条命令应找到一行）：",
        "It must print `audit log OK`"
        + (
            ", and its head is the head at publication (the log in this bundle ends there), whose first 16 hex"
            " digits are those read out in the hall"
            if published
            else ""
        )
        + '; with `--head "…"` and the values read out or shown on the hall screen it checks that the chain holds'
        " them.  Then check that the log holds the head hashes fixed when each round closed (each command must"
        " find one line):",
        "",
        "```sh",
    ]
    out += [f'grep -n \'"hash":"{r["audit_head_at_close"]}"\' audit.jsonl' for r in rounds]
    out += ["```", ""]
    if published:
        lists = " ".join(r["ballots_file"] for r in rounds)
        zh_line, en_line = (HEAD_LINES[lang].format(short="…") for lang in ("zh", "en"))
        out += [
            "### 公布的哈希值与文件 · The published hashes and files",
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
            "日志的最后一条是公布记录（`vote.published`）：其哈希即会场宣读的头哈希，其中记有公布时生成的每个文件"
            "（报告单各格式、宣读稿、本文件、核验程序）的 SHA-256。下面第一条命令列出这些值，第二条算出包内文件的值，"
            f"两者应逐一相同；宣读稿的最后一行（“{zh_line}” / “{en_line}”）及其前的空行不计入其 SHA-256，"
            "这一行应与会场宣读的一致：",
            "The log's last entry is the publication (`vote.published`): its hash is the head read out in the hall,"
            " and it records the SHA-256 of every file made at publication (the tally sheet's forms, the"
            " announcements, this file, the verifier).  The first command below lists those, the second computes"
            f" the bundle's; they must be the same, file by file.  An announcement's last line (\"{en_line}\")"
            " and the blank line before it are not part of its SHA-256; that line must be what was read out:",
            "",
            "```sh",
            LAST_ENTRY_COMMAND,
            "find VERIFY.md tally-sheet verifier -type f ! -name '*announcement-*' ! -path '*__pycache__*' | sort | xargs sha256sum",
            'for f in tally-sheet/*announcement-*.txt; do head -n -2 "$f" | sha256sum; tail -n 1 "$f"; done',
            "```",
            "",
        ]
    out += [
        "## 4. 比对 · What to compare",
        "",
    ]
    if published:
        out += [
            "上面的命令算出的哈希值（第2步的核验程序也会打印）必须等于下表，并且必须与计票结果报告单上印的完全一致；"
            "公布时的审计日志头哈希必须与会场宣读的、宣读稿末行的和会场屏幕上所示的一致。"
            "包内的计算只证明包自身前后一致；与包外公布值的比对才证明它就是公布的那一份。",
            "The hashes the commands above compute (the verifier of step 2 prints them too) must be those below,"
            " and exactly those printed on the tally sheet; the audit head at publication must be the one read out"
            " in the hall, printed as the announcement's last line and shown on the hall screen.  The checks inside"
            " the bundle only show that it agrees with itself; comparing with the values published outside it"
            " shows that it is the bundle of the published result.",
            "",
            "| 值 · value | |",
            "|---|---|",
            f"| 结果哈希 · `result_digest` | `{published['result_digest']}` |",
            f"| 选票清单哈希 · `ballots_digest` | `{published['ballots_digest']}` |",
            "| 公布时审计日志头哈希 · `audit_head_at_publication` | 会场宣读，见宣读稿末行与 `audit.jsonl` 最后一条"
            " · read out in the hall: the announcement's last line, the last entry of `audit.jsonl` |",
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
