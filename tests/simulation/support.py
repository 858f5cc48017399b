"""Scenarios for the simulation tests, built as the dicts a scenario file holds."""

from __future__ import annotations

from typing import Any

from voting.simulation.scenario import Scenario


def scenario_dict(**overrides: Any) -> dict[str, Any]:
    """A small valid scenario: 30 deputies, 5 candidates, 3 seats, independent approvals."""
    data: dict[str, Any] = {
        "name": "small",
        "deputies": 30,
        "candidates": 5,
        "rules": {"seats": 3},
        "behaviour": {"model": "independent", "popularity": [0.9, 0.8, 0.6, 0.4, 0.2]},
    }
    data.update(overrides)
    return data


def scenario(**overrides: Any) -> Scenario:
    return Scenario.from_dict(scenario_dict(**overrides))
