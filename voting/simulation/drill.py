"""Scenario drills (演练脚本): scripted training votes with a promised outcome, run against a server.

A drill is a small YAML file in ``voting/simulation/drills/``: who checks in,
and for each round exactly which ballots are cast, electronically or on
paper, plus what happens on the way (spoiled paper ballots, ballots found
in the box that were never issued, the electronic path failing mid-round).
It says what the trainer should see, in words (``expected_zh``,
``expected_en``) and as checks a machine can make (``expect``).  ``voting
drill NAME`` runs it (``voting.simulation.drill_run``) through the same
client as ``voting rehearse`` and compares the server's count with the
promise; the clerk console's ``POST /api/v1/drills/{name}/run``
(``voting.web.api.drills``) runs the very same ``run_drill`` and ``check``,
only with the requests sent through the application in-process
(``InProcessClient``) instead of over HTTP.  The keys::

    name: tie-at-cutoff
    title_zh / title_en: the drill's title
    expected_zh / expected_en: the outcome promised, in words
    deputies: 20                 # simulated deputies on the roster
    present: 20                  # how many check in (default: all); the seed picks which
    vote: {template: gongshu-2020}            # or {candidates: 5, rules: {seats: 3, ...}}
    rounds:                      # one script per round, in order
      - electronic: [{count: 8, approvals: "1-10"}, ...]   # ballots cast with voting codes
        electronic_fails: true   # then every deputy who has not voted gets a paper ballot
        paper: [{count: 2, approvals: "1-12"}]            # paper ballots (issued, then entered twice)
        extra_paper: [{count: 1, approvals: "1-10"}]      # found in the box, never issued
    expect:
      open_refused: no_quorum    # the first round may not open (error code), or:
      rounds: [{kind: first, runoff: tie, tied: [10, 11], selected: [...], void: false,
                ballots: {cast: 20, valid: 20, invalid: 0}, electronic: 20, paper: 0,
                code_refused: paper_ballot_issued}, ...]
      selected: [1, 2, ...]      # the vote's selected projects (any order)
      decided: true

``approvals`` is a list of project numbers or a text such as ``"1-8 10 11"``.
The seed decides only which deputies are absent and who casts which scripted
ballot, never the count: a drill's outcome is the same for every seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from voting.simulation.sitting import GONGSHU_TEMPLATE
from voting.simulation.transport import RehearsalError

DRILL_KEYS = (
    "name",
    "title_zh",
    "title_en",
    "expected_zh",
    "expected_en",
    "deputies",
    "present",
    "vote",
    "rounds",
    "expect",
)
ROUND_KEYS = ("electronic", "electronic_fails", "paper", "extra_paper")
ROUND_EXPECT_KEYS = (
    "kind",
    "runoff",
    "tied",
    "selected",
    "void",
    "ballots",
    "electronic",
    "paper",
    "code_refused",
)
EXPECT_KEYS = ("open_refused", "rounds", "selected", "decided", "vacant")


class InvalidDrill(RehearsalError):
    """A drill file that cannot be run; the message names the key at fault."""


def parse_projects(value: Any, key: str) -> tuple[int, ...]:
    """``[1, 2, 3]`` or ``"1-8 10 11"`` (commas allowed too) as project numbers."""
    if isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return tuple(value)
    if not isinstance(value, str):
        raise InvalidDrill(f"{key}: expected project numbers, not {value!r}")
    found: list[int] = []
    for part in value.replace(",", " ").split():
        low, _, high = part.partition("-")
        try:
            found.extend(range(int(low), int(high or low) + 1))
        except ValueError:
            raise InvalidDrill(f"{key}: {part!r} is neither a number nor a range like 1-8") from None
    return tuple(found)


@dataclass(frozen=True)
class Group:
    count: int
    approvals: tuple[int, ...]


@dataclass(frozen=True)
class RoundScript:
    electronic: tuple[Group, ...] = ()
    electronic_fails: bool = False
    paper: tuple[Group, ...] = ()
    extra_paper: tuple[Group, ...] = ()

    @property
    def voters(self) -> int:
        return sum(g.count for g in self.electronic + self.paper)


@dataclass(frozen=True)
class Drill:
    name: str
    title_zh: str
    title_en: str
    expected_zh: str
    expected_en: str
    deputies: int
    present: int
    template: str | None
    candidates: int
    rules: dict[str, Any] | None
    rounds: tuple[RoundScript, ...]
    expect: dict[str, Any]

    @property
    def needs_paper(self) -> bool:
        return any(r.paper or r.extra_paper or r.electronic_fails for r in self.rounds)


def _groups(value: Any, key: str) -> tuple[Group, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InvalidDrill(f"{key}: expected a list of {{count, approvals}}, not {value!r}")
    groups = []
    for index, item in enumerate(value):
        where = f"{key}[{index}]"
        if not isinstance(item, dict) or set(item) - {"count", "approvals"}:
            raise InvalidDrill(f"{where}: expected {{count: N, approvals: ...}}, not {item!r}")
        count = item.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise InvalidDrill(f"{where}.count: expected a whole number of at least 1, not {count!r}")
        groups.append(Group(count, parse_projects(item.get("approvals", []), f"{where}.approvals")))
    return tuple(groups)


def _known(data: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise InvalidDrill(f"{where}: unknown key {sorted(unknown)[0]!r} (expected one of {', '.join(allowed)})")


def parse_drill(data: Any, *, name: str) -> Drill:
    """Check a drill as read from its file."""
    if not isinstance(data, dict):
        raise InvalidDrill(f"{name}: a drill is a mapping of keys to values")
    _known(data, DRILL_KEYS, name)
    for required in ("title_zh", "expected_zh", "expected_en", "deputies", "expect"):
        if required not in data:
            raise InvalidDrill(f"{name}: {required} is required")
    deputies = data["deputies"]
    if isinstance(deputies, bool) or not isinstance(deputies, int) or not 2 <= deputies <= 1000:
        raise InvalidDrill(f"{name}.deputies: expected a whole number from 2 to 1000, not {deputies!r}")
    present = data.get("present", deputies)
    if isinstance(present, bool) or not isinstance(present, int) or not 0 <= present <= deputies:
        raise InvalidDrill(f"{name}.present: expected a whole number from 0 to {deputies}, not {present!r}")
    vote = data.get("vote", {"template": GONGSHU_TEMPLATE})
    if not isinstance(vote, dict) or set(vote) - {"template", "candidates", "rules"}:
        raise InvalidDrill(f"{name}.vote: expected {{template: ...}} or {{candidates: N, rules: {{...}}}}")
    template = vote.get("template")
    candidates = int(vote.get("candidates", 12))
    rounds = []
    for index, item in enumerate(data.get("rounds") or []):
        where = f"{name}.rounds[{index}]"
        if not isinstance(item, dict):
            raise InvalidDrill(f"{where}: expected a mapping, not {item!r}")
        _known(item, ROUND_KEYS, where)
        script = RoundScript(
            electronic=_groups(item.get("electronic"), f"{where}.electronic"),
            electronic_fails=bool(item.get("electronic_fails", False)),
            paper=_groups(item.get("paper"), f"{where}.paper"),
            extra_paper=_groups(item.get("extra_paper"), f"{where}.extra_paper"),
        )
        if script.voters > present:
            raise InvalidDrill(f"{where}: {script.voters} ballots scripted, but only {present} deputies are present")
        rounds.append(script)
    expect = data["expect"]
    if not isinstance(expect, dict):
        raise InvalidDrill(f"{name}.expect: expected a mapping")
    _known(expect, EXPECT_KEYS, f"{name}.expect")
    for index, item in enumerate(expect.get("rounds", [])):
        _known(item, ROUND_EXPECT_KEYS, f"{name}.expect.rounds[{index}]")
    return Drill(
        name=str(data.get("name", name)),
        title_zh=str(data["title_zh"]),
        title_en=str(data.get("title_en", "")),
        expected_zh="".join(str(data["expected_zh"]).split()),  # folded lines join without spaces
        expected_en=str(data["expected_en"]).strip(),
        deputies=deputies,
        present=present,
        template=template if template is not None or "rules" in vote else GONGSHU_TEMPLATE,
        candidates=candidates,
        rules=vote.get("rules"),
        rounds=tuple(rounds),
        expect=expect,
    )


def shipped_drills() -> dict[str, Path]:
    """The drills shipped in ``voting/simulation/drills/``, by name."""
    folder = resources.files("voting.simulation") / "drills"
    return {Path(e.name).stem: Path(str(e)) for e in folder.iterdir() if e.name.endswith(".yaml")}


def load_drill(reference: str) -> Drill:
    """A shipped drill by name, or a drill file."""
    path = Path(reference)
    if not path.is_file():
        drills = shipped_drills()
        if reference not in drills:
            raise InvalidDrill(
                f"{reference!r} is neither a drill file nor a shipped drill ({', '.join(sorted(drills))})"
            )
        path = drills[reference]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InvalidDrill(f"{path}: cannot read the drill: {exc}") from None
    return parse_drill(data, name=path.stem)


LIBRARY_ORDER = (
    "gongshu-baseline",
    "tie-at-cutoff",
    "tie-break-ties-again",
    "shortfall",
    "invalid-paper",
    "failed-quorum",
    "more-returned-than-issued",
    "electronic-fails",
)
"""The order a trainer meets the drills in (the issue's): the baseline first, then what goes wrong."""


def _place(name: str) -> tuple[int, str]:
    return (LIBRARY_ORDER.index(name) if name in LIBRARY_ORDER else len(LIBRARY_ORDER), name)


def all_drills() -> list[Drill]:
    """The shipped drills in the library's order (any not named there after them, by name)."""
    return [load_drill(str(path)) for name, path in sorted(shipped_drills().items(), key=lambda i: _place(i[0]))]
