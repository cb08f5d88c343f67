"""The invariants over many seeds of every shipped scenario (slow: run with --run-slow; CI does)."""

from __future__ import annotations

import pytest
from conftest import SCENARIOS

from negotiation.game.model import TradeTalksModel
from negotiation.game.records import Signed
from negotiation.scenario import load_scenario

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_invariants_hold_for_a_hundred_seeds(path):
    s = load_scenario(path)
    lo = {i.name: i.min for i in s.instruments}
    hi = {i.name: i.max for i in s.instruments}
    outcomes = set()
    for seed in range(100):
        m = TradeTalksModel(s, seed)
        m.run()
        assert len(m.rows) == s.calendar.rounds + 1
        for row in m.rows:
            for name in lo:
                assert lo[name] <= row[f"level_{name}"] <= hi[name]
            assert 0 <= row["market_stress"] <= 1
        for e in m.log:
            if isinstance(e, Signed):
                for gov, value in e.data["values"].items():
                    assert value > e.data["reservations"][gov]
        outcomes.add(repr(m.rows[-1]))
    assert len(outcomes) > 1, "a hundred seeds all ended alike: is randomness reaching the model?"
