"""Bargaining analysis on small cases with answers worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from negotiation.game.bargaining import (
    distance_to_frontier,
    individually_rational,
    kalai_smorodinsky_point,
    nash_point,
    pair_analysis,
    pareto_frontier,
)
from negotiation.game.model import TradeTalksModel
from negotiation.results import run

X = np.linspace(0, 1, 1001)  # one issue: the share of a pie going to B


def test_symmetric_split_is_half_for_nash_and_ks():
    ua, ub = 1 - X, X
    assert X[nash_point(ua, ub, 0.0, 0.0)] == pytest.approx(0.5)
    assert X[kalai_smorodinsky_point(ua, ub, 0.0, 0.0)] == pytest.approx(0.5)


def test_nash_point_one_issue_by_hand():
    # maximise (1 - x - 0.2)(x - 0) -> derivative 0.8 - 2x = 0 -> x = 0.4
    assert X[nash_point(1 - X, X, 0.2, 0.0)] == pytest.approx(0.4)
    # Nash is invariant to rescaling a side's utility: B's utility doubled changes nothing
    assert X[nash_point(1 - X, 2 * X, 0.2, 0.0)] == pytest.approx(0.4)


def test_kalai_smorodinsky_equalises_shares_of_the_ideal_gain():
    # ua = 1 - x, ub = x^2, d = 0: ideal gains 1 and 1; equal shares when 1 - x = x^2 -> x = (sqrt 5 - 1)/2
    k = kalai_smorodinsky_point(1 - X, X**2, 0.0, 0.0)
    assert X[k] == pytest.approx((5**0.5 - 1) / 2, abs=1e-3)
    # and the Nash point differs: maximise (1 - x) x^2 -> x = 2/3
    assert X[nash_point(1 - X, X**2, 0.0, 0.0)] == pytest.approx(2 / 3, abs=1e-3)


def test_an_empty_zone_has_no_solution():
    assert nash_point(1 - X, X, 0.7, 0.7) is None
    assert kalai_smorodinsky_point(1 - X, X, 0.7, 0.7) is None
    assert not individually_rational(1 - X, X, 0.7, 0.7).any()


def test_pareto_frontier_drops_dominated_packages():
    ua = np.array([0.1, 0.5, 0.4, 0.9, 0.5, 0.2])
    ub = np.array([0.9, 0.5, 0.4, 0.1, 0.5, 0.2])
    frontier = pareto_frontier(ua, ub)
    assert sorted(map(tuple, np.c_[ua[frontier], ub[frontier]])) == [(0.1, 0.9), (0.5, 0.5), (0.9, 0.1)]
    assert distance_to_frontier((0.5, 0.5), ua, ub, frontier) == 0.0
    assert distance_to_frontier((0.4, 0.4), ua, ub, frontier) == pytest.approx(np.hypot(0.1, 0.1))


def test_pair_analysis_of_the_tiny_scenario(tiny):
    m = TradeTalksModel(tiny, seed=0)
    pa = pair_analysis(m, "A", "B")
    assert len(pa.ua) == 11 * 11  # two tariffs, 0..100 in steps of 10
    assert pa.da == pytest.approx(m.values.reservation("A", "B"))
    frontier = set(map(tuple, pa.packages[pa.frontier]))
    # each side wants its counterpart's tariff at 0; a package with b_tariff_a > 0 and a_tariff_b > 20 is dominated
    assert (50.0, 50.0) not in frontier
    assert pa.nash is not None
    na, nb = pa.point(pa.nash)
    assert na > pa.da and nb > pa.db


def test_summary_reports_bargaining_metrics(default_scenario):
    s = run(default_scenario.with_rounds(12), seed=1).summary
    assert s["frontier_distance_US_China"] >= 0
    assert s["joint_welfare_US_China"] == pytest.approx(
        s["outcome_utility_US_in_US_China"] + s["outcome_utility_China_in_US_China"]
    )
    assert 0 < s["zone_share_US_China"] < 1
