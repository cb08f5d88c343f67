"""Properties that hold for any seed and any reasonable setting (Hypothesis)."""

from __future__ import annotations

import copy

import numpy as np
import yaml
from conftest import DEFAULT, EXAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotiation.game.model import TradeTalksModel
from negotiation.game.records import Signed
from negotiation.scenario import parse_scenario

RAW = yaml.safe_load(DEFAULT.read_text())

variants = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 2**32 - 1),
        "us": st.sampled_from(["time_concession", "tit_for_tat"]),
        "china": st.sampled_from(["time_concession", "tit_for_tat"]),
        "violation_rate": st.floats(0, 1),
        "detection": st.floats(0, 1),
        "hawkishness": st.floats(0, 1),
        "trust": st.floats(0, 1),
        "elasticity": st.floats(0.1, 8),
    }
)


def build(v: dict):
    data = copy.deepcopy(RAW)
    data["calendar"]["rounds"] = 14
    data["governments"][0]["strategy"] = {"name": v["us"]}
    data["governments"][1]["strategy"] = {"name": v["china"]}
    data["dynamics"]["violation_rate"] = v["violation_rate"]
    data["dynamics"]["detection"] = v["detection"]
    data["economy"]["tariff_elasticity"] = v["elasticity"]
    for official in data["officials"]:
        official["traits"]["hawkishness"] = v["hawkishness"]
        official["traits"]["trust"] = v["trust"]
    return parse_scenario(data, "property")


class Audited(TradeTalksModel):
    """Checks every signature against utilities recomputed apart from the gate being tested."""

    def _sign(self, offer, levels, values, reservations):
        a, b = offer.proposer, offer.responder
        stress = self.economy.stress
        deal = self.value_at(levels[None, :], stress)[0]  # uncached, outside the acceptance gate
        for g, h in ((a, b), (b, a)):
            no_deal = self.value_at(self.no_deal_levels(g, h)[None, :], stress)[0]
            assert deal[self.gov_index[g]] > no_deal[self.gov_index[g]], f"{g} bound below its reservation value"
        super()._sign(offer, levels, values, reservations)


def play(scenario, seed):
    m = Audited(scenario, seed)
    m.run()
    return m


# Each example plays whole games: the quick loop tries 8, CI (`--run-slow`) 25; see conftest.py.
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(variants)
def test_levels_and_indicators_stay_in_bounds(v):
    s = build(v)
    m = play(s, v["seed"])
    lo = np.array([i.min for i in s.instruments])
    hi = np.array([i.max for i in s.instruments])
    for row in m.rows:
        levels = np.array([row[f"level_{i.name}"] for i in s.instruments])
        assert (levels >= lo).all() and (levels <= hi).all()
        assert 0.0 <= row["market_stress"] <= 1.0
        for key, value in row.items():
            if key.startswith(("trust_", "stance_")):
                assert 0.0 <= value <= 1.0
            if key.startswith("utility_"):
                assert 0.0 <= value <= 1.0
            if key.startswith("flow_"):
                assert value >= 0.0


@SETTINGS
@given(variants)
def test_no_government_accepts_a_package_below_its_reservation_value(v):
    m = play(build(v), v["seed"])
    for e in m.log:
        if isinstance(e, Signed):
            for gov, value in e.data["values"].items():
                assert value > e.data["reservations"][gov], e


@SETTINGS
@given(variants)
def test_the_same_seed_gives_identical_tables(v):
    s = build(v)
    a, b = play(s, v["seed"]), play(s, v["seed"])
    assert a.rows == b.rows
    assert a.log == b.log


def test_another_seed_gives_another_run(default_scenario):
    """Violations and retaliation are drawn at random: seed 2's run is not seed 1's."""
    assert play(default_scenario, 1).rows != play(default_scenario, 2).rows
