"""Purchase commitments (issue 11, item 6): a concession kind, costly to the buyer, verified with a lag, breakable."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import DEFAULT

from negotiation.game.model import TradeTalksModel
from negotiation.game.records import Detected, QuietBreach
from negotiation.scenario import load_scenario, parse_scenario
from negotiation.story import sentence
from negotiation.strategies import Strategy
from negotiation.strategies.moves import Action, Response


class Quiet(Strategy):
    """No offers, rejects everything, acts only as scripted."""

    name = "quiet"

    def __init__(self, script=None):
        super().__init__()
        self.script = script or {}

    def propose(self, view, counterpart, rng):
        return None

    def respond(self, view, offer, rng):
        return Response.reject()

    def act(self, view, rng):
        return list(self.script.get(view.round, []))


def with_purchases(data, *, lag: int, committed: float = 40.0):
    """B promises to buy $40bn a year of A's goods for ten rounds; a shortfall shows in the data after `lag` rounds."""
    data["instruments"].append({"name": "b_buys_a", "kind": "purchase_commitment", "imposer": "B", "target": "A",
                                "initial": committed, "min": 0, "max": 60, "step": 10})
    data["talks"] = []
    data["agreements"] = [{"name": "purchase_deal", "parties": ["A", "B"], "terms": {"b_buys_a": committed},
                           "expires_round": 10, "snap_back": {"b_buys_a": 0}}]
    data["dynamics"].update(violation_rate=1.0, detection=1.0, verification_lag=lag)
    data["officials"][1]["traits"] = {"hawkishness": 1.0, "patience": 0.0, "trust": 0.0}  # B breaks what it can
    data["officials"][0]["traits"] = {"hawkishness": 0.0, "patience": 1.0, "trust": 1.0}  # A never does
    data["officials"][1]["preferences"]["b_buys_a"] = {"ideal": 0, "salience": 1.0}  # buying costs B
    return parse_scenario(data, "tiny")


def test_a_purchase_shortfall_is_a_breach_detected_only_after_the_trade_data_lag(tiny_data):
    s = with_purchases(tiny_data, lag=3)
    m = TradeTalksModel(s, 0, strategies={"A": Quiet(), "B": Quiet()})
    for _ in range(6):
        m.step()
    breaches = [e for e in m.log if isinstance(e, QuietBreach)]
    assert breaches and breaches[0].change.after < breaches[0].change.before  # buying less is the hostile move
    first = breaches[0].round
    caught = [e for e in m.log if isinstance(e, Detected)]
    assert caught and caught[0].round == first + 3  # not before the shortfall shows in the data
    assert "purchases of A goods $40bn a year -> $30bn a year" in sentence(breaches[0], s)


def test_without_a_lag_a_shortfall_is_seen_at_once(tiny_data):
    s = with_purchases(tiny_data, lag=0)
    m = TradeTalksModel(s, 0, strategies={"A": Quiet(), "B": Quiet()})
    for _ in range(4):
        m.step()
    first = next(e.round for e in m.log if isinstance(e, QuietBreach))
    assert next(e.round for e in m.log if isinstance(e, Detected)) == first + 1


def test_raising_purchases_is_a_concession_and_cutting_them_an_escalation(tiny_data):
    s = with_purchases(tiny_data, lag=0)
    s = s.model_copy(update={"dynamics": s.dynamics.model_copy(update={"violation_rate": 0.0})})
    m = TradeTalksModel(s, 0, strategies={"A": Quiet(), "B": Quiet({2: [Action("b_buys_a", 50.0)], 4: [Action("b_buys_a", 30.0)]})})
    for _ in range(4):
        m.step()
    assert m.counts.de_escalations["B"] == 1 and m.counts.escalations["B"] == 1
    assert any(e.kind.value == "violation" and e.round == 4 for e in m.log)  # below the $40bn promised: in the open


def test_purchases_add_to_the_sellers_exports_in_the_run(tiny_data):
    s = with_purchases(tiny_data, lag=0)
    s = s.model_copy(update={"dynamics": s.dynamics.model_copy(update={"violation_rate": 0.0})})
    m = TradeTalksModel(s, 0, strategies={"A": Quiet(), "B": Quiet()})
    for _ in range(3):
        m.step()
    # A -> B, at B's 50% tariff (elasticity 1), plus B's $40bn of purchases, approached at speed 0.5 a round
    target = 50 / 1.5 + 40.0
    assert m.rows[-1]["flow_A_B"] == pytest.approx(target + (50 - target) * 0.5 ** 3)


def test_the_default_scenario_can_trade_purchases_for_tariff_relief():
    """In the June scenario China may buy US goods as part of a package; some runs' deals include it."""
    s = load_scenario(DEFAULT)
    assert s.instrument("cn_buys_us").kind == "purchase_commitment"
    bought = []
    for seed in range(4):
        m = TradeTalksModel(s, seed, rounds=12)
        m.run()
        bought.append(m.levels[m.inst_index["cn_buys_us"]])
    assert np.max(bought) > 0
