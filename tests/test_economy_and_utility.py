"""Hand-computed checks of the economy and the utilities, on the tiny scenario (see conftest.py)."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import official

from negotiation.game.economy import IND, Economy, EconomyParams
from negotiation.scenario.vocabulary import Indicator
from negotiation.game.preferences import Preferences
from negotiation.scenario import parse_scenario


@pytest.fixture
def economy(tiny):
    return Economy(EconomyParams.compile(tiny), tiny.economy.stress.initial)


def test_equilibrium_flows_follow_the_elasticity(economy):
    # elasticity 1: a 50% tariff divides the flow by 1.5; 100% halves it.
    flows = economy.equilibrium_flows(np.array([50.0, 100.0]))
    assert flows == pytest.approx([100 / 1.5, 50 / 2.0])


def test_flows_close_a_share_of_the_gap_each_round(economy):
    levels = np.array([50.0, 50.0])
    economy.step(levels, levels)
    # speed 0.5: halfway from the baseline (100, 50) to the long-run (66.67, 33.33)
    assert economy.flows == pytest.approx([100 - 0.5 * (100 - 100 / 1.5), 50 - 0.5 * (50 - 50 / 1.5)])
    assert economy.balance() == pytest.approx([economy.flows[1] - economy.flows[0], economy.flows[0] - economy.flows[1]])


def test_stress_jumps_on_escalation_and_eases_on_de_escalation(economy):
    economy.step(np.array([50.0, 50.0]), np.array([60.0, 50.0]))
    # 0.2 faded by 10%, plus jump 0.5 x 0.1 of the range escalated
    assert economy.stress == pytest.approx(0.2 * 0.9 + 0.5 * 0.1)
    before = economy.stress
    economy.step(np.array([60.0, 50.0]), np.array([40.0, 30.0]))
    assert economy.stress == pytest.approx(before * 0.9 - 0.25 * 0.4)
    economy.shock(5.0)
    assert economy.stress == 1.0


def test_indicator_scores(economy):
    scores = economy.current_scores(np.array([50.0, 50.0]))  # baseline flows: A imports 100, exports 50
    a, b = scores
    assert a[IND[Indicator.TRADE_BALANCE]] == pytest.approx(0.5 + 0.5 * (-50 / 150))
    assert b[IND[Indicator.TRADE_BALANCE]] == pytest.approx(0.5 + 0.5 * (50 / 150))
    assert a[IND[Indicator.TRADE_VOLUME]] == pytest.approx(1.0)
    assert a[IND[Indicator.MARKET_STRESS]] == pytest.approx(0.8)
    assert a[IND[Indicator.INDUSTRY_EXPOSURE]] == 1.0


def test_controls_weigh_on_the_targets_indicator(tiny_data):
    tiny_data["instruments"].append(
        {"name": "b_minerals_a", "kind": "mineral_export_control", "imposer": "B", "target": "A", "initial": 2, "max": 3}
    )
    tiny_data["economy"]["control_effects"] = {"mineral_export_control": {"indicator": "industry_exposure", "per_level": 0.4}}
    s = parse_scenario(tiny_data, "tiny")
    economy = Economy(EconomyParams.compile(s), 0.0)
    scores = economy.current_scores(np.array([0.0, 0.0, 2.0]))
    assert scores[0, IND[Indicator.INDUSTRY_EXPOSURE]] == pytest.approx(1 - 0.8)  # A is the target
    assert scores[1, IND[Indicator.INDUSTRY_EXPOSURE]] == 1.0
    capped = economy.current_scores(np.array([0.0, 0.0, 3.0]))
    assert capped[0, IND[Indicator.INDUSTRY_EXPOSURE]] == 0.0  # 1.2 exposure is capped at 1


def test_official_utility_by_hand(tiny, economy):
    prefs = Preferences.compile(tiny)
    levels = np.array([50.0, 50.0])
    scores = economy.package_scores(levels)  # long-run flows 66.67 and 33.33
    u = prefs.officials(levels, scores)
    balance_a = 0.5 + 0.5 * ((100 / 3 - 200 / 3) / 150)
    distance_a = abs(50 - 20) / 100 + abs(50 - 0) / 100
    assert u[0] == pytest.approx(1 - (distance_a + (1 - balance_a)) / 3)
    volume_b = (100 / 1.5 + 50 / 1.5) / 150
    assert u[1] == pytest.approx(1 - (0.5 + 0.3 + (1 - volume_b)) / 3)
    # at every official's ideal with perfect indicators, utility is exactly 1
    assert prefs.officials(np.array([20.0, 0.0]), np.ones((2, 5)))[0] == pytest.approx(1.0)


def test_government_utility_weighs_officials_by_influence(tiny_data):
    tiny_data["officials"].append(official("Anna", "A", influence=3.0, preferences={"a_tariff_b": {"ideal": 100, "salience": 1.0}}))
    s = parse_scenario(tiny_data, "tiny")
    prefs = Preferences.compile(s)
    levels = np.array([60.0, 0.0])
    off = prefs.officials(levels, np.ones((2, 5)))
    assert off[2] == pytest.approx(1 - 0.4)  # Anna: |60 - 100| / 100
    assert prefs.governments(off)[0] == pytest.approx(0.25 * off[0] + 0.75 * off[2])
