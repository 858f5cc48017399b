"""A training scenario: the vote's rules, the deputies and how they behave, read from a small YAML or JSON file.

One parser reads both (PyYAML's ``safe_load``; JSON is YAML).  Everything is
checked as it comes in, and an error names the key at fault and the value, for
example ``behaviour.popularity[3]: must be a probability from 0 to 1, not 1.5``.
The keys, with their defaults::

    name: gongshu-2020            # default: the file's name
    description: ...              # free text
    deputies: 250                 # all deputies (全体代表)
    candidates: 12                # projects on the first ballot, numbered 1..candidates
    projects: [回迁安置项目, ...]  # optional names, one per candidate, for the table and chart
    rules: {seats: 10}            # RuleSettings.from_dict (voting/domain/rules.py); Gongshu 2020 by default
    behaviour:                    # the deputies in no bloc; one of:
      model: independent          #   popularity: [p1, ..., pC], each 0..1
      model: random_utility       #   utility: [u1, ..., uC]; noise: 1.0; k: 10 or {8: 0.2, 9: 0.3, 10: 0.5}
      model: replay               #   ballots: path/to/ballots.csv (DESIGN section 5; relative to the scenario file)
    blocs:                        # delegations with shared preferences (models.Bloc)
      - {name: ..., deputies: 40, cohesion: 0.8, behaviour: {...}}
    turnout: {absent: 0.04, late: 0.02}   # probabilities per deputy (models.Turnout)
    spoiled: 0.005                # rate of paper ballots with too many marks, in every round
    max_rounds: 10                # a vote still open after this many rounds counts as undecided
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml

from voting.domain.ballot_list import read_ballot_list
from voting.domain.errors import DomainError, InvalidRules
from voting.domain.rules import RuleSettings
from voting.simulation.models import Behaviour, Bloc, Independent, Population, RandomUtility, Replay, Turnout

T = TypeVar("T")

SCENARIO_KEYS = (
    "name",
    "description",
    "deputies",
    "candidates",
    "projects",
    "rules",
    "behaviour",
    "blocs",
    "turnout",
    "spoiled",
    "max_rounds",
)
MODEL_KEYS = {
    Independent.model: ("model", "popularity"),
    RandomUtility.model: ("model", "utility", "noise", "k"),
    Replay.model: ("model", "ballots"),
}
MAX_ROUNDS_LIMIT = 100


class InvalidScenario(DomainError):
    """A scenario that cannot be simulated; ``field`` is the path of the key at fault (``blocs[0].cohesion``)."""

    def __init__(self, key: str, detail: str, **params: Any) -> None:
        """``detail``: what is wrong with the key, in English, as a schema's field messages are (docs/architecture.md,
        "Errors"): written for the trainer editing the file, under the key's English name."""
        super().__init__("invalid_scenario", field=key, setting=key, detail=detail, **params)


def _mapping(value: Any, key: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidScenario(key, f"must be a mapping of keys to values, not {value!r}")
    return value


def _known(data: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for name in data:
        if name not in allowed:
            raise InvalidScenario(
                f"{where}{name}", f"unknown key {name!r} (expected one of {', '.join(allowed)})", value=str(name)
            )


def _integer(value: Any, key: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise InvalidScenario(key, f"must be a whole number {bound}, not {value!r}", value=repr(value))
    return value


def _real(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidScenario(key, f"must be a number, not {value!r}", value=repr(value))
    return float(value)


def _probability(value: Any, key: str, *, below_one: bool = False) -> float:
    number = _real(value, key)
    if not (0 <= number < 1 if below_one else 0 <= number <= 1):
        span = "from 0 to less than 1" if below_one else "from 0 to 1"
        raise InvalidScenario(key, f"must be a probability {span}, not {value!r}", value=repr(value))
    return number


def _per_project(value: Any, key: str, candidates: int, item: Callable[[Any, str], T]) -> tuple[T, ...]:
    if not isinstance(value, list):
        raise InvalidScenario(key, f"must be a list with one value per candidate ({candidates}), not {value!r}")
    if len(value) != candidates:
        raise InvalidScenario(key, f"must list one value per candidate ({candidates}), not {len(value)}")
    return tuple(item(v, f"{key}[{i}]") for i, v in enumerate(value))


def _k_weights(value: Any, key: str, candidates: int) -> tuple[tuple[int, float], ...]:
    """``k``: a whole number of approvals, or a mapping of numbers of approvals to relative weights."""
    if not isinstance(value, Mapping):
        return ((_integer(value, key, 0, candidates), 1.0),)
    weights: dict[int, float] = {}
    for raw, weight in value.items():
        where = f"{key}[{raw!r}]"
        k = int(raw) if isinstance(raw, str) and raw.isascii() and raw.isdigit() else raw  # JSON keys are text
        k = _integer(k, where, 0, candidates)
        if k in weights:
            raise InvalidScenario(where, f"{k} is given twice")
        weights[k] = _real(weight, where)
        if weights[k] < 0:
            raise InvalidScenario(where, f"a weight cannot be negative, not {weight!r}", value=repr(weight))
    if sum(weights.values()) <= 0:
        raise InvalidScenario(key, "needs at least one positive weight")
    return tuple(sorted(weights.items()))


def _behaviour(value: Any, key: str, *, candidates: int, seats: int, base: Path | None) -> Behaviour:
    data = _mapping(value, key)
    model = data.get("model")
    if model not in MODEL_KEYS:
        raise InvalidScenario(
            f"{key}.model", f"must be one of {', '.join(MODEL_KEYS)}, not {model!r}", value=repr(model)
        )
    _known(data, MODEL_KEYS[model], f"{key}.")
    if model == Independent.model:
        if "popularity" not in data:
            raise InvalidScenario(f"{key}.popularity", "is required by the independent model")
        return Independent(_per_project(data["popularity"], f"{key}.popularity", candidates, _probability))
    if model == RandomUtility.model:
        if "utility" not in data:
            raise InvalidScenario(f"{key}.utility", "is required by the random_utility model")
        noise = _real(data.get("noise", 1.0), f"{key}.noise")
        if noise <= 0:
            raise InvalidScenario(f"{key}.noise", f"must be more than 0, not {data['noise']!r}", value=repr(noise))
        return RandomUtility(
            utility=_per_project(data["utility"], f"{key}.utility", candidates, _real),
            noise=noise,
            k_weights=_k_weights(data.get("k", seats), f"{key}.k", candidates),
        )
    return _replay(data.get("ballots"), f"{key}.ballots", candidates=candidates, seats=seats, base=base)


def _replay(value: Any, key: str, *, candidates: int, seats: int, base: Path | None) -> Replay:
    if not isinstance(value, str) or not value:
        raise InvalidScenario(key, f"must name a ballots.csv file, not {value!r}", value=repr(value))
    path = (base / value) if base is not None else Path(value)
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            ballots = read_ballot_list(stream, candidates=candidates)
    except OSError as exc:
        raise InvalidScenario(key, f"cannot read {str(path)!r}: {exc.strerror}", value=value) from None
    except DomainError as exc:
        raise InvalidScenario(key, f"{str(path)!r}: {exc}", value=value) from None
    if ballots.cast == 0:
        raise InvalidScenario(key, f"{str(path)!r} holds no ballot to replay", value=value)
    return Replay.from_counts(ballots.counts, candidates=candidates, seats=seats)


def _blocs(value: Any, deputies: int, **context: Any) -> tuple[Bloc, ...]:
    if not isinstance(value, list):
        raise InvalidScenario("blocs", f"must be a list of blocs, not {value!r}")
    blocs = []
    for index, item in enumerate(value):
        key = f"blocs[{index}]"
        data = _mapping(item, key)
        _known(data, ("name", "deputies", "cohesion", "behaviour"), f"{key}.")
        for required in ("deputies", "behaviour"):
            if required not in data:
                raise InvalidScenario(f"{key}.{required}", "is required for a bloc")
        blocs.append(
            Bloc(
                name=str(data.get("name", f"bloc {index + 1}")),
                deputies=_integer(data["deputies"], f"{key}.deputies", 1),
                cohesion=_probability(data.get("cohesion", 1.0), f"{key}.cohesion"),
                behaviour=_behaviour(data["behaviour"], f"{key}.behaviour", **context),
            )
        )
    members = sum(bloc.deputies for bloc in blocs)
    if members > deputies:
        raise InvalidScenario("blocs", f"hold {members} deputies, more than the {deputies} there are", value=members)
    return tuple(blocs)


def _turnout(value: Any) -> Turnout:
    data = _mapping(value, "turnout")
    _known(data, ("absent", "late"), "turnout.")
    absent = _probability(data.get("absent", 0), "turnout.absent", below_one=True)
    late = _probability(data.get("late", 0), "turnout.late", below_one=True)
    if absent + late >= 1:
        raise InvalidScenario("turnout", f"absent + late must be less than 1, not {absent + late:g}")
    return Turnout(absent=absent, late=late)


def _rules(value: Any, candidates: int) -> RuleSettings:
    data = _mapping(value, "rules")
    try:
        rules = RuleSettings.from_dict(dict(data))
        rules.check_candidates(candidates)
    except InvalidRules as exc:
        raise InvalidScenario(f"rules.{exc.field}" if exc.field else "rules", exc.message) from None
    except TypeError as exc:  # a value of the wrong type that RuleSettings cannot even compare
        raise InvalidScenario("rules", str(exc)) from None
    return rules


@dataclass(frozen=True)
class Scenario:
    """What ``voting simulate`` runs: validated when made, immutable after."""

    name: str
    description: str
    deputies: int
    candidates: int
    project_names: tuple[str, ...]
    rules: RuleSettings
    population: Population
    turnout: Turnout
    spoiled: float
    max_rounds: int

    @property
    def projects(self) -> tuple[int, ...]:
        return tuple(range(1, self.candidates + 1))

    def project_name(self, number: int) -> str:
        return self.project_names[number - 1] if self.project_names else f"Project {number}"

    @classmethod
    def from_dict(cls, data: Any, *, name: str = "scenario", base: Path | None = None) -> Scenario:
        """Check and build a scenario; ``base`` is the folder that a replay's ``ballots`` path is relative to."""
        data = _mapping(data, "scenario")
        _known(data, SCENARIO_KEYS, "")
        deputies = _integer(data.get("deputies", 250), "deputies", 1)
        candidates = _integer(data.get("candidates", 12), "candidates", 2)
        rules = _rules(data.get("rules", {"seats": 10}), candidates)
        names: tuple[str, ...] = ()
        if "projects" in data:
            names = _per_project(data["projects"], "projects", candidates, lambda v, _: str(v))
        if "behaviour" not in data:
            raise InvalidScenario("behaviour", "is required: how the deputies choose (behaviour: {model: ...})")
        context: dict[str, Any] = {"candidates": candidates, "seats": rules.seats, "base": base}
        population = Population(
            deputies=deputies,
            behaviour=_behaviour(data["behaviour"], "behaviour", **context),
            blocs=_blocs(data.get("blocs", []), deputies, **context),
        )
        return cls(
            name=str(data.get("name", name)),
            description=str(data.get("description", "")).strip(),
            deputies=deputies,
            candidates=candidates,
            project_names=names,
            rules=rules,
            population=population,
            turnout=_turnout(data.get("turnout", {})),
            spoiled=_probability(data.get("spoiled", 0), "spoiled", below_one=True),
            max_rounds=_integer(data.get("max_rounds", 10), "max_rounds", 1, MAX_ROUNDS_LIMIT),
        )


def shipped() -> dict[str, Path]:
    """The example scenarios shipped in ``voting/simulation/scenarios/``, by name."""
    folder = resources.files("voting.simulation") / "scenarios"
    return {Path(entry.name).stem: Path(str(entry)) for entry in folder.iterdir() if entry.name.endswith(".yaml")}


def load(reference: str) -> Scenario:
    """A scenario from a YAML or JSON file, or by the name of a shipped one (``gongshu-2020``)."""
    path = Path(reference)
    if not path.is_file():
        examples = shipped()
        if reference not in examples:
            raise InvalidScenario(
                "scenario",
                f"{reference!r} is neither a file nor a shipped scenario ({', '.join(sorted(examples))})",
                value=reference,
            )
        path = examples[reference]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidScenario("scenario", f"cannot read {str(path)!r}: {exc}", value=reference) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidScenario("scenario", f"{str(path)!r} is neither YAML nor JSON: {exc}", value=reference) from None
    return Scenario.from_dict(data, name=path.stem, base=path.parent)
