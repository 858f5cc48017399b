"""Scenario files: checked as they are read, each error naming the key at fault and its value."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.simulation.support import scenario, scenario_dict
from voting.domain import DomainError, RuleSettings
from voting.simulation.models import Independent, RandomUtility, Replay, Turnout
from voting.simulation.scenario import InvalidScenario, Scenario, load, shipped

BLOC = {"name": "east", "deputies": 10, "cohesion": 0.5, "behaviour": {"model": "independent", "popularity": [0.5] * 5}}


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"color": "red"}, "color", "unknown key 'color'"),
        ({"deputies": 0}, "deputies", "whole number of at least 1, not 0"),
        ({"deputies": True}, "deputies", "not True"),
        ({"deputies": "250"}, "deputies", "not '250'"),
        ({"candidates": 1}, "candidates", "not 1"),
        ({"rules": {"seats": 5}}, "rules.seats", "Seats (5) must be fewer than candidates (5)"),
        (
            {"rules": {"seats": 3, "tie_policy": "coin"}},
            "rules.tie_policy",
            "must be one of tie_break, leave_vacant, not coin",
        ),
        ({"rules": {"seats": 3, "threshold_fraction": "3/2"}}, "rules.threshold_fraction", "between 0 and 1"),
        ({"rules": {"seat": 3}}, "rules.seat", "Unknown rule setting seat"),
        ({"rules": [3]}, "rules", "must be a mapping"),
        ({"projects": ["a", "b"]}, "projects", "one value per candidate (5), not 2"),
        ({"behaviour": None}, "behaviour", "must be a mapping"),
        ({"behaviour": {"model": "coin"}}, "behaviour.model", "independent, random_utility, replay, not 'coin'"),
        ({"behaviour": {"model": "independent"}}, "behaviour.popularity", "is required"),
        (
            {"behaviour": {"model": "independent", "popularity": [0.5, 0.5, 0.5, 1.5, 0.5]}},
            "behaviour.popularity[3]",
            "probability from 0 to 1, not 1.5",
        ),
        (
            {"behaviour": {"model": "independent", "popularity": [0.5] * 4}},
            "behaviour.popularity",
            "one value per candidate (5), not 4",
        ),
        (
            {"behaviour": {"model": "independent", "popularity": [0.5] * 5, "k": 3}},
            "behaviour.k",
            "unknown key 'k'",
        ),
        (
            {"behaviour": {"model": "random_utility", "utility": [1, 2, 3, 4, "x"]}},
            "behaviour.utility[4]",
            "must be a number, not 'x'",
        ),
        (
            {"behaviour": {"model": "random_utility", "utility": [1] * 5, "noise": 0}},
            "behaviour.noise",
            "more than 0",
        ),
        (
            {"behaviour": {"model": "random_utility", "utility": [1] * 5, "k": 6}},
            "behaviour.k",
            "from 0 to 5, not 6",
        ),
        (
            {"behaviour": {"model": "random_utility", "utility": [1] * 5, "k": {2: 1, 9: 1}}},
            "behaviour.k[9]",
            "from 0 to 5, not 9",
        ),
        (
            {"behaviour": {"model": "random_utility", "utility": [1] * 5, "k": {2: -1}}},
            "behaviour.k[2]",
            "cannot be negative",
        ),
        (
            {"behaviour": {"model": "random_utility", "utility": [1] * 5, "k": {2: 0}}},
            "behaviour.k",
            "at least one positive weight",
        ),
        ({"behaviour": {"model": "replay"}}, "behaviour.ballots", "must name a ballots.csv file, not None"),
        ({"blocs": {"east": 1}}, "blocs", "must be a list"),
        ({"blocs": [{**BLOC, "cohesion": 2}]}, "blocs[0].cohesion", "not 2"),
        ({"blocs": [{**BLOC, "members": 3}]}, "blocs[0].members", "unknown key 'members'"),
        ({"blocs": [{"deputies": 3}]}, "blocs[0].behaviour", "is required"),
        ({"blocs": [BLOC, {**BLOC, "deputies": 21}]}, "blocs", "hold 31 deputies, more than the 30"),
        (
            {"blocs": [{**BLOC, "behaviour": {"model": "independent", "popularity": [2] * 5}}]},
            "blocs[0].behaviour.popularity[0]",
            "not 2",
        ),
        ({"turnout": {"absent": 1}}, "turnout.absent", "from 0 to less than 1, not 1"),
        ({"turnout": {"absent": 0.6, "late": 0.4}}, "turnout", "absent + late must be less than 1"),
        ({"turnout": {"early": 0.1}}, "turnout.early", "unknown key"),
        ({"spoiled": -0.1}, "spoiled", "not -0.1"),
        ({"spoiled": float("nan")}, "spoiled", "must be a number"),
        ({"max_rounds": 0}, "max_rounds", "from 1 to 100, not 0"),
    ],
)
def test_a_bad_value_is_refused_naming_its_key(overrides: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(InvalidScenario) as caught:
        scenario(**overrides)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert words in str(caught.value)
    assert isinstance(caught.value, DomainError)


def test_a_missing_behaviour_is_refused() -> None:
    data = scenario_dict()
    del data["behaviour"]
    with pytest.raises(InvalidScenario, match=r"^behaviour: is required"):
        Scenario.from_dict(data)


def test_a_scenario_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(InvalidScenario, match=r"^scenario: must be a mapping"):
        Scenario.from_dict([1, 2])


def test_defaults_are_gongshu_2020_sizes_and_rules() -> None:
    built = Scenario.from_dict({"behaviour": {"model": "random_utility", "utility": [0] * 12}})
    assert (built.deputies, built.candidates, built.rules) == (250, 12, RuleSettings(seats=10))
    assert built.turnout == Turnout(0.0, 0.0)
    assert (built.spoiled, built.max_rounds, built.name) == (0.0, 10, "scenario")
    behaviour = built.population.behaviour
    assert isinstance(behaviour, RandomUtility)
    assert behaviour.k_weights == ((10, 1.0),)  # by default every deputy approves as many as there are seats
    assert built.project_name(3) == "Project 3"


def test_yaml_and_json_files_read_alike(tmp_path: Path) -> None:
    data = scenario_dict(
        behaviour={"model": "random_utility", "utility": [3, 2, 1, 0, 0], "k": {1: 1, 3: 2}},
        blocs=[BLOC],
        turnout={"absent": 0.1, "late": 0.05},
    )
    (tmp_path / "s.json").write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    from_json, from_yaml = load(str(tmp_path / "s.json")), load(str(tmp_path / "s.yaml"))
    assert from_json == from_yaml  # JSON's keys of k are text, YAML's numbers: both mean the same
    behaviour = from_json.population.behaviour
    assert isinstance(behaviour, RandomUtility)
    assert behaviour.k_weights == ((1, 1.0), (3, 2.0))
    assert from_json.population.blocs[0].behaviour == Independent((0.5,) * 5)


def test_a_file_takes_its_name_from_the_file_unless_it_names_itself(tmp_path: Path) -> None:
    data = scenario_dict()
    del data["name"]
    (tmp_path / "my-town.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    assert load(str(tmp_path / "my-town.yaml")).name == "my-town"


def test_unreadable_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("deputies: [1, 2\n", encoding="utf-8")
    with pytest.raises(InvalidScenario, match="is neither YAML nor JSON"):
        load(str(tmp_path / "broken.yaml"))
    with pytest.raises(
        InvalidScenario, match=r"'no-such-town' is neither a file nor a shipped scenario \(.*gongshu-2020"
    ):
        load("no-such-town")


def test_the_shipped_scenarios_load() -> None:
    examples = shipped()
    assert {"gongshu-2020", "town-close-call", "city-delegations"} <= set(examples)
    for name in examples:
        loaded = load(name)
        assert loaded.name == name
    gongshu = load("gongshu-2020")
    assert (gongshu.deputies, gongshu.candidates, gongshu.rules.seats) == (250, 12, 10)
    assert gongshu.project_name(12) == "医疗设施提升项目"


def test_a_replay_reads_its_ballot_list_beside_the_scenario(tmp_path: Path) -> None:
    (tmp_path / "ballots.csv").write_text("ballot_id,approvals\nA,1 2\nB,1 2\nC,3 4 5 1\nD,\n", encoding="utf-8")
    data = scenario_dict(behaviour={"model": "replay", "ballots": "ballots.csv"})
    (tmp_path / "replay.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    behaviour = load(str(tmp_path / "replay.yaml")).population.behaviour
    assert isinstance(behaviour, Replay)
    assert sorted(zip((sorted(m.approvals) for m in behaviour.marks), behaviour.counts, strict=True)) == [
        ([], 1),
        ([1, 2], 2),
        ([1, 3, 4, 5], 1),
    ]


def test_a_bad_ballot_list_is_refused_naming_its_line(tmp_path: Path) -> None:
    (tmp_path / "ballots.csv").write_text("ballot_id,approvals\nA,1 2\nB,1 9\n", encoding="utf-8")
    with pytest.raises(InvalidScenario, match=r"^behaviour\.ballots: .*line 3: project 9 is out of range 1\.\.5"):
        Scenario.from_dict(scenario_dict(behaviour={"model": "replay", "ballots": "ballots.csv"}), base=tmp_path)
    with pytest.raises(InvalidScenario, match=r"^behaviour\.ballots: cannot read"):
        Scenario.from_dict(scenario_dict(behaviour={"model": "replay", "ballots": "nowhere.csv"}), base=tmp_path)
    (tmp_path / "empty.csv").write_text("ballot_id,approvals\n", encoding="utf-8")
    with pytest.raises(InvalidScenario, match="holds no ballot to replay"):
        Scenario.from_dict(scenario_dict(behaviour={"model": "replay", "ballots": "empty.csv"}), base=tmp_path)
