"""Shared fixtures: the shipped scenarios, and a tiny scenario small enough to compute by hand."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
DEFAULT = ROOT / "scenarios" / "june_2025_call.yaml"


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", help="also run tests marked slow")


EXAMPLES = 8  # how many examples each property test tries: 8 in the quick loop, 25 with --run-slow (CI)


def pytest_configure(config):
    global EXAMPLES
    EXAMPLES = 25 if config.getoption("--run-slow") else 8


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


TINY = {
    "schema_version": 2,
    "name": "tiny",
    "title": "Two governments, one official each",
    "sources": [{"id": "test", "title": "hand-made for the tests"}],
    "calendar": {"start": "2025-01-01", "round_days": 7, "rounds": 10},
    "governments": [
        {"name": "A", "strategy": {"name": "tit_for_tat"}},
        {"name": "B", "strategy": {"name": "tit_for_tat"}},
    ],
    "officials": [
        {
            "name": "Alice",
            "government": "A",
            "role": "leader",
            "influence": 1.0,
            "traits": {"hawkishness": 0.5, "patience": 0.5, "trust": 0.5},
            "preferences": {"a_tariff_b": {"ideal": 20, "salience": 1.0}, "b_tariff_a": {"ideal": 0, "salience": 1.0}},
            "indicators": {"trade_balance": 1.0},
        },
        {
            "name": "Bob",
            "government": "B",
            "role": "leader",
            "influence": 1.0,
            "traits": {"hawkishness": 0.5, "patience": 0.5, "trust": 0.5},
            "preferences": {"a_tariff_b": {"ideal": 0, "salience": 1.0}, "b_tariff_a": {"ideal": 20, "salience": 1.0}},
            "indicators": {"trade_volume": 1.0},
        },
    ],
    "instruments": [
        {"name": "a_tariff_b", "kind": "tariff", "imposer": "A", "target": "B", "initial": 50, "min": 0, "max": 100, "step": 10},
        {"name": "b_tariff_a", "kind": "tariff", "imposer": "B", "target": "A", "initial": 50, "min": 0, "max": 100, "step": 10},
    ],
    "talks": [{"between": ["A", "B"], "first_proposer": "A"}],
    "economy": {
        "trade": [{"exporter": "B", "importer": "A", "value": 100}, {"exporter": "A", "importer": "B", "value": 50}],
        "tariff_elasticity": 1.0,
        "adjustment_speed": 0.5,
        "stress": {"initial": 0.2, "floor": 0.0, "pressure": {"tariff": 0.2}, "uncertainty": 0.0, "speed": 0.5,
                   "jump": 0.5},
    },
    # Common knowledge and no surprises at home, unless a test says otherwise: outcomes stay hand-computable.
    "information": {"types": 1, "salience_noise": 0.0, "ideal_noise": 0.0, "influence_noise": 0.0,
                    "offer_rationality": 10.0, "response_noise": 0.05, "ratification_noise": 0.0},
    "dynamics": {
        "violation_rate": 0.0,
        "detection": 1.0,
        "trust_penalty": 0.2,
        "trust_recovery": 0.0,
        "stance_reactivity": 0.2,
        "stance_relaxation": 0.0,
        "renegotiate_before": 2,
        "impatience": 0.05,
        "breakdown": 0.0,
        "cooling_off": 4,
        "staging_trust": 0.0,
        "staging_interval": 2,
    },
}


def official(name: str, government: str, role: str = "minister", influence: float = 1.0, **fields) -> dict:
    """An official's data for the tiny scenario, with middling traits unless given."""
    data = {
        "name": name,
        "government": government,
        "role": role,
        "influence": influence,
        "traits": {"hawkishness": 0.5, "patience": 0.5, "trust": 0.5},
    }
    data.update(fields)
    return data


@pytest.fixture
def tiny_data() -> dict:
    """A fresh, mutable copy of the tiny scenario's data."""
    return copy.deepcopy(TINY)


@pytest.fixture
def tiny(tiny_data):
    from negotiation.scenario import parse_scenario

    return parse_scenario(tiny_data, "tiny")


@pytest.fixture(scope="session")
def default_scenario():
    from negotiation.scenario import load_scenario

    return load_scenario(DEFAULT)
