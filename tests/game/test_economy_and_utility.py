"""Hand-computed checks of the economy and the utilities, on the tiny scenario (see conftest.py)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import official

from negotiation.game.economy import (
    IND,
    Economy,
    EconomyParams,
    exposures,
    implied_stress,
    long_run_flows,
    scores,
    trade_of,
)
from negotiation.game.model import TradeTalksModel
from negotiation.game.preferences import Preferences
from negotiation.game.valuation import full_utilities
from negotiation.scenario import parse_scenario
from negotiation.scenario.vocabulary import Indicator


@pytest.fixture
def economy(tiny):
    return Economy(EconomyParams.compile(tiny), tiny.economy.stress.initial, np.array([50.0, 50.0]))


def test_long_run_flows_follow_the_elasticity(economy):
    # elasticity 1: a 50% tariff divides the flow by 1.5; 100% halves it (flows: B -> A taxed by A, A -> B by B).
    flows = long_run_flows(economy.p, np.array([50.0, 100.0]))
    assert flows == pytest.approx([100 / 1.5, 50 / 2.0])


def test_flows_close_a_share_of_the_gap_each_round(economy):
    levels = np.array([50.0, 50.0])
    economy.step(levels, levels, disputes=0.0)
    # speed 0.5: halfway from the baseline (100, 50) to the long-run (66.67, 33.33)
    assert economy.flows == pytest.approx([100 - 0.5 * (100 - 100 / 1.5), 50 - 0.5 * (50 - 50 / 1.5)])
    assert economy.balance() == pytest.approx([economy.flows[1] - economy.flows[0], economy.flows[0] - economy.flows[1]])


def test_stress_moves_toward_what_the_state_implies_and_jumps_on_escalation(tiny_data):
    tiny_data["economy"]["stress"] = {"initial": 0.2, "floor": 0.1, "pressure": {"tariff": 0.2}, "uncertainty": 0.05,
                                      "speed": 0.5, "jump": 0.5}
    e = Economy(EconomyParams.compile(parse_scenario(tiny_data, "tiny")), 0.2, np.array([50.0, 50.0]))
    # implied: floor 0.1 + 0.2 x (0.5 + 0.5 normalised tariffs) + 0.05 x 1 open dispute = 0.35
    assert implied_stress(e.p, np.array([50.0, 50.0]), 1.0) == pytest.approx(0.35)
    e.step(np.array([50.0, 50.0]), np.array([60.0, 50.0]), disputes=1.0)
    # half the gap to the implied 0.1 + 0.2 x 1.1 + 0.05 = 0.37, plus the jump 0.5 x 0.1 of a range escalated
    assert e.stress == pytest.approx(0.2 + 0.5 * (0.37 - 0.2) + 0.5 * 0.1)
    before = e.stress
    e.step(np.array([60.0, 50.0]), np.array([40.0, 30.0]), disputes=0.0)  # de-escalation: no jump, a lower target
    assert e.stress == pytest.approx(before + 0.5 * (0.1 + 0.2 * 0.7 - before))
    e.shock(5.0)
    assert e.stress == 1.0


def test_indicator_scores(economy):
    scores = economy.current_scores(np.array([50.0, 50.0]))  # baseline flows: A imports 100, exports 50
    a, b = scores
    assert a[IND[Indicator.TRADE_BALANCE]] == pytest.approx(0.5 + 0.5 * (-50 / 150))
    assert b[IND[Indicator.TRADE_BALANCE]] == pytest.approx(0.5 + 0.5 * (50 / 150))
    assert a[IND[Indicator.TRADE_VOLUME]] == pytest.approx(1.0)
    assert a[IND[Indicator.MARKET_STRESS]] == pytest.approx(0.8)
    assert a[IND[Indicator.INDUSTRY_EXPOSURE]] == 1.0


def with_minerals(tiny_data, **effect):
    tiny_data["instruments"].append(
        {"name": "b_minerals_a", "kind": "mineral_export_control", "imposer": "B", "target": "A", "initial": 0, "max": 3}
    )
    tiny_data["economy"]["control_effects"] = {
        "mineral_export_control": {"indicator": "industry_exposure", "per_level": 0.4, **effect}}
    return parse_scenario(tiny_data, "tiny")


def test_controls_weigh_on_the_targets_indicator(tiny_data):
    p = EconomyParams.compile(with_minerals(tiny_data))
    assert exposures(p, np.array([0.0, 0.0, 2.0]))[0, 0] == pytest.approx(0.8)  # A is the target
    assert exposures(p, np.array([0.0, 0.0, 2.0]))[1, 0] == 0.0
    assert exposures(p, np.array([0.0, 0.0, 3.0]))[0, 0] == 1.0  # 1.2 exposure is capped at 1


def test_supply_falls_fast_under_a_throttle_and_recovers_in_part_when_eased(tiny_data):
    p = EconomyParams.compile(with_minerals(tiny_data, fall=0.8, recovery=0.25))
    e = Economy(p, 0.0, np.array([50.0, 50.0, 0.0]))
    tight, eased = np.array([50.0, 50.0, 2.0]), np.array([50.0, 50.0, 0.0])
    e.step(tight, tight, 0.0)  # supply 1 -> toward 0.2: 80% of the gap at once
    assert e.supply[2] == pytest.approx(1 - 0.8 * 0.8)
    assert e.current_scores(tight)[0, IND[Indicator.INDUSTRY_EXPOSURE]] == pytest.approx(1 - 0.8 * 0.8)
    e.step(tight, eased, 0.0)  # eased: only a quarter of the way back each round
    assert e.supply[2] == pytest.approx(0.36 + 0.25 * (1 - 0.36))


def test_a_control_costs_its_imposer_its_exports_to_the_target(tiny_data):
    tiny_data["instruments"].append(
        {"name": "a_chips_b", "kind": "chip_export_control", "imposer": "A", "target": "B", "initial": 0, "max": 3})
    tiny_data["economy"]["control_effects"] = {
        "chip_export_control": {"indicator": "technology_exposure", "per_level": 0.1, "export_cost": 0.05}}
    p = EconomyParams.compile(parse_scenario(tiny_data, "tiny"))
    flows = long_run_flows(p, np.array([0.0, 0.0, 2.0]))  # flows: B -> A, A -> B
    assert flows == pytest.approx([100.0, 50.0 * (1 - 2 * 0.05)])  # A's exports to B lose 10%


def test_effective_tariffs_the_baseline_tariff_and_diversion_by_hand(tiny_data):
    tiny_data["instruments"][0]["coverage"] = 0.5  # A's tariff reaches half of B's exports
    tiny_data["economy"]["trade"][0]["base_tariff"] = 20.0  # B's goods already paid 20% in the baseline
    tiny_data["economy"]["diversion"] = 0.25
    p = EconomyParams.compile(parse_scenario(tiny_data, "tiny"))
    direct = long_run_flows(p, np.array([50.0, 0.0]))
    price = (1 + 0.2 + 0.25) / (1 + 0.2)  # 50% on half the goods: 25% effective, on top of 20%
    assert direct[0] == pytest.approx(100 * price ** -1.0)
    trade = trade_of(p, direct)  # a quarter of the lost direct trade still arrives through third countries
    assert trade[0] == pytest.approx(direct[0] + 0.25 * (100 - direct[0])) and trade[1] == pytest.approx(50.0)


def test_a_purchase_commitment_adds_to_the_sellers_exports_and_costs_the_buyer(tiny_data):
    tiny_data["instruments"].append({"name": "b_buys_a", "kind": "purchase_commitment", "imposer": "B", "target": "A",
                                     "initial": 0, "max": 40, "step": 10})
    tiny_data["economy"]["purchase_premium"] = 0.1
    p = EconomyParams.compile(parse_scenario(tiny_data, "tiny"))
    levels = np.array([0.0, 0.0, 20.0])
    flows = long_run_flows(p, levels)
    assert flows == pytest.approx([100.0, 50.0 + 20.0])  # B buys $20bn a year more of A's goods
    sc = scores(p, flows, exposures(p, levels), 0.0, levels)
    assert sc[1, IND[Indicator.TRADE_BALANCE]] == pytest.approx(0.5 + 0.5 * (100 - 70 - 0.1 * 20) / 150)  # the premium
    assert sc[0, IND[Indicator.TRADE_BALANCE]] == pytest.approx(0.5 + 0.5 * (70 - 100) / 150)


def test_official_utility_by_hand_with_curvature_and_leverage(tiny_data):
    tiny_data["instruments"][0]["curvature"] = 2.0  # A's tariff on B: quadratic loss
    tiny_data["officials"][0]["leverage"] = 1.0  # Alice weighs leverage like an instrument
    s = parse_scenario(tiny_data, "tiny")
    prefs = Preferences.compile(s)
    econ = Economy(EconomyParams.compile(s), 0.2, np.array([30.0, 50.0]))
    curvature = np.array([i.curvature for i in s.instruments])
    levels = np.array([30.0, 50.0])  # A presses B at 0.3 of its range, B presses A at 0.5
    flows = long_run_flows(econ.p, levels)
    off, gov = full_utilities(prefs, econ, curvature, levels, flows, 0.2)
    balance_a = 0.5 + 0.5 * ((flows[1] - flows[0]) / 150)
    distance_a = ((30 - 20) / 100) ** 2 + abs(50 - 0) / 100
    leverage_lost_a = 0.5 - 0.3  # B's pressure on A exceeds A's on B
    total_a = 1.0 + 1.0 + 1.0 + 1.0  # two saliences, one indicator weight, the leverage weight
    assert off[0] == pytest.approx(1 - (distance_a + (1 - balance_a) + leverage_lost_a) / total_a)
    volume_b = (flows[0] + flows[1]) / 150
    assert off[1] == pytest.approx(1 - (((30 - 0) / 100) ** 2 + abs(50 - 20) / 100 + (1 - volume_b)) / 3)  # curvature 2 for Bob too
    assert gov == pytest.approx(off)  # one official each


def test_government_utility_weighs_officials_by_influence(tiny_data):
    tiny_data["officials"].append(official("Anna", "A", influence=3.0, preferences={"a_tariff_b": {"ideal": 100, "salience": 1.0}}))
    s = parse_scenario(tiny_data, "tiny")
    m = TradeTalksModel(s, 0)
    off, gov = m.values.current_utilities()
    assert off[2] == pytest.approx(1 - abs(50 - 100) / 100)  # Anna cares only about A's tariff, now at 50
    assert gov[0] == pytest.approx(0.25 * off[0] + 0.75 * off[2])


def test_a_package_is_valued_pair_locally_exactly_as_the_whole_state(default_scenario):
    """Pair-local valuation (the cost of a package independent of the scenario's size) loses nothing."""
    m = TradeTalksModel(default_scenario, 3)
    for _ in range(3):
        m.step()
    v = m.values
    problem = v.problem("US", "China")
    rows = problem.table[np.random.default_rng(0).choice(len(problem.table), 40)]
    pair = v.values("US", "China", rows)
    off, gov = v.package_utilities(problem.full(rows), ("US", "China"))
    for side in (0, 1):
        assert pair.officials[side] == pytest.approx(off[:, problem.sides[side].officials])
        assert pair.governments[:, side] == pytest.approx(gov[:, problem.sides[side].gov])
    # No deal is a lottery over the pair's pending threats (issue 11), each carried out with its credibility.
    expected = 0.0
    pending = m.state.pending_threats("US", "China")
    for carried in itertools.product((False, True), repeat=len(pending)):
        levels = v.no_deal_levels("US", "China")
        chance = 1.0
        for ts, yes in zip(pending, carried):
            k = m.inst_index[ts.threat.instrument]
            levels[k] = max(levels[k], ts.threat.level) if yes else levels[k]
            chance *= ts.credibility if yes else 1 - ts.credibility
        no_deal = v.package_utilities(levels[None, :], ("US", "China"), deal=False)[1]
        expected += chance * no_deal[0, m.gov_index["US"]]
    assert v.reservation("US", "China") == pytest.approx(expected)


def test_a_deal_calms_markets_so_officials_who_weigh_them_prefer_it(default_scenario):
    """Market stress enters every choice: the same levels are worth more to a market-minded official as a deal."""
    m = TradeTalksModel(default_scenario, 1)
    v = m.values
    now = m.levels[v.pair_instruments("US", "China")][None, :]
    deal, no_deal = v.values("US", "China", now, deal=True), v.values("US", "China", now, deal=False)
    bessent = list(m.governments["US"].team.names).index("Bessent")  # market stress weight 0.8
    assert deal.officials[0][0, bessent] > no_deal.officials[0][0, bessent]
    greer = list(m.governments["US"].team.names).index("Greer")  # no weight on markets
    assert deal.officials[0][0, greer] == pytest.approx(no_deal.officials[0][0, greer])
