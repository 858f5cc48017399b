"""VERIFY.md: what an auditor reads first, in Chinese and English, with this vote's numbers filled in."""

from __future__ import annotations

from typing import Any

from voting.domain import (
    BallotStyle,
    ShortfallPolicy,
    TiePolicy,
)
from voting.exports.bundle_format import KIND_WORDS

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
