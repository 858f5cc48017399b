"""The bodies scenario: many congresses' sittings in the same window, on one service of one or more hosts.

Each body is made as a platform's operator would: ``voting platform body``
with its first administrator, who adds its two clerks (``voting user add
--body``); its sitting is set up through its own address (``/b/<name>``) by
``loadtests.sitting.set_up``.  The deputies' phones and the screens each belong
to one body and one host (``loadtests.locustfile.OnHost``).  After the surge,
per body: every receipt it gave is counted exactly once in its own ballot list
and in no other body's, its rows match, and its own audit log verifies.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from loadtests.checks import verify_audit, verify_round
from loadtests.report import Options, Report
from loadtests.scenarios import receipts_of, surge
from loadtests.sitting import Plan, login, parallel, set_up
from loadtests.stack import CLERKS, PASSWORD, Stack, voting


def slug(index: int) -> str:
    return f"load{index + 1:02d}"


def make_bodies(stack: Stack, count: int) -> list[str]:
    """``count`` bodies, each with its administrator and its two clerks: their addresses (``/b/<name>``)."""

    def make(index: int) -> str:
        name = slug(index)
        voting(stack.env, "platform", "body", name, "--name-zh", f"负载测试第{index + 1}人大", "--admin", "load-admin")
        for clerk in CLERKS:
            voting(stack.env, "user", "add", clerk, "--role", "clerk", "--body", name)
        return f"/b/{name}"

    return parallel(make, range(count), workers=2)  # the commands hash passwords: two cores


def run_bodies(report: Report, options: Options, stack: Stack, plan_file: Path) -> None:
    prefixes = make_bodies(stack, options.bodies)
    plans = parallel(
        lambda prefix: set_up(stack.url, PASSWORD, deputies=options.deputies, prefix=prefix), prefixes, workers=2
    )
    Plan.save_all(plans, plan_file)
    # As many phones in every body on every host: what ``OnHost`` spreads evenly.
    share = options.bodies * options.hosts
    everyone = options.deputies * options.bodies
    phones = max(share, min(options.deputy_users, everyone) // share * share)
    phase = surge(report, options, stack, plan_file, deputy_users=phones)
    lists: dict[str, Counter[str]] = {}
    for plan in plans:
        clerk = login(stack.url + plan.prefix, CLERKS[0], PASSWORD)
        mine = receipts_of(phase, 1, plan.prefix)
        lists[plan.prefix] = verify_round(report, stack, clerk, plan, mine, plan.prefix)
        verify_audit(report, clerk, f"{plan.prefix}: its audit log verifies")
    elsewhere = [
        (receipt, other)
        for prefix in lists
        for receipt in receipts_of(phase, 1, prefix)
        for other, listed in lists.items()
        if other != prefix and receipt in listed
    ]
    report.check(
        "no body's receipt is in another body's ballot list",
        not elsewhere,
        f"{len(phase.receipts)} receipts over {len(lists)} bodies" + (f"; e.g. {elsewhere[:3]}" if elsewhere else ""),
    )
