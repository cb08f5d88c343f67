"""Valuing states and packages: true values for each government's own side, beliefs for the other.

Packages are valued pair by pair (`pairs.PairProblem`): a pair's table of packages is built once
for a base state and kept until a level outside the pair that touches either government changes.
A package is valued as it would stand: trade at its long-run response, and market stress as the
package implies, with the pair's dispute settled (a deal) or not (no deal), so that markets enter
every choice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from negotiation.game.beliefs import logistic
from negotiation.game.economy import (
    Economy,
    exposure_from,
    exposures,
    implied_stress,
    long_run_flows,
    scores,
    trade_of,
)
from negotiation.game.pairs import PairProblem, leverage_lost
from negotiation.game.preferences import Preferences
from negotiation.game.ratification import Team, chance
from negotiation.game.state import GameState, Index
from negotiation.game.threats import lottery
from negotiation.scenario import Scenario
from negotiation.strategies.moves import Offer

T = TypeVar("T")

@dataclass(frozen=True)
class PairValues:
    """Every package of a pair valued by both sides' officials (true values) and governments."""

    officials: tuple[np.ndarray, np.ndarray]  # (K, n_side) for each side, in the pair's order
    governments: np.ndarray  # (K, 2)


class Valuation:
    """What any state or package is worth, now, to each official and government."""

    def __init__(self, scenario: Scenario, index: Index, prefs: Preferences, economy: Economy, state: GameState,
                 teams: dict[str, Team]):
        self.config = scenario
        self.teams = teams
        self.noise = scenario.information.ratification_noise
        self.index = index
        self.prefs = prefs
        self.economy = economy
        self.state = state
        self.curvature = np.array([i.curvature for i in scenario.instruments], dtype=float)
        self._problems: dict[frozenset, tuple[bytes, PairProblem]] = {}
        self._touching: dict[frozenset, np.ndarray] = {}
        self._tables: dict[frozenset, tuple[tuple, PairValues]] = {}  # the latest table of each pair
        self._believed: dict[tuple[str, str], tuple[tuple, tuple[np.ndarray, np.ndarray]]] = {}
        self._scores: dict[frozenset, tuple[tuple, np.ndarray]] = {}  # the latest table scores of each pair
        self._memo: dict[tuple, object] = {}  # answers valid while the state's levels, disputes and agreements hold
        self._context: tuple = ()

    def _cached(self, key: tuple, compute: Callable[[], T]) -> T:
        """Memoise an answer on the state it depends on: levels, disputes (their epoch), agreements in force and threats."""
        state = self.state
        context = (state.levels.tobytes(), state.epoch, state.threat_version, state.influence_version,
                   tuple((a.name, a.expiry_round, a.status) for a in state.agreements if a.in_force))
        if context != self._context:
            self._memo.clear()
            self._context = context
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[return-value]

    # -- pairs ------------------------------------------------------------------------------

    def order(self, g: str, h: str) -> tuple[int, int]:
        """The pair's governments in their canonical order (by index), as `PairProblem` sides."""
        a, b = self.index.gov_index[g], self.index.gov_index[h]
        return (a, b) if a < b else (b, a)

    def side(self, g: str, h: str) -> int:
        """Which side of the (g, h) problem is g: 0 or 1."""
        return 0 if self.index.gov_index[g] < self.index.gov_index[h] else 1

    def pair_instruments(self, a: str, b: str) -> list[int]:
        return self.index.pair_instruments(self.config, a, b)

    def problem(self, g: str, h: str) -> PairProblem:
        """The pair's problem at the current base (rebuilt only when a level it depends on has changed)."""
        key = frozenset((g, h))
        touching = self._touching.get(key)
        if touching is None:  # the levels outside the pair that touch either government: fixed by the scenario
            a, b = self.order(g, h)
            p = self.economy.p
            mask = ((p.imposer == a) | (p.target == a) | (p.imposer == b) | (p.target == b))
            mask[self.pair_instruments(g, h)] = False
            touching = self._touching[key] = np.flatnonzero(mask)
        signature = self.state.levels[touching].tobytes()
        hit = self._problems.get(key)
        if hit is None or hit[0] != signature:
            a, b = self.order(g, h)
            idx = self.pair_instruments(g, h)
            grids = [self.index.grids[k] for k in idx]
            problem = PairProblem(self.economy.p, idx, grids, a, b, self.state.levels, self.prefs, self.curvature)
            self._problems[key] = hit = (signature, problem)
        return hit[1]

    def stress_shift(self, g: str, h: str, deal: bool) -> float:
        """Implied stress of everything but the pair's measures, with the pair's dispute settled or not."""
        return self._cached(("shift", frozenset((g, h)), deal), lambda: self._stress_shift(g, h, deal))

    def _stress_shift(self, g: str, h: str, deal: bool) -> float:
        problem = self.problem(g, h)
        p = self.economy.p
        disputes = self.state.disputes
        own = disputes.get(frozenset((g, h)), 0.0)
        others = sum(disputes.values()) - own
        pressure = float((p.normalised(self.state.levels) * p.pressure)[problem.outside].sum())
        return p.stress_floor + pressure + p.stress_uncertainty * (others + (0.0 if deal else 1.0))

    def values(self, g: str, h: str, pair_levels: np.ndarray, deal: bool = True, whole_table: bool = False) -> PairValues:
        """Both sides' true values of packages (K, m) of the pair's instruments (`whole_table`: they are its table)."""
        problem = self.problem(g, h)
        sc = self.table_scores(g, h, deal) if whole_table else problem.scores(pair_levels, self.stress_shift(g, h, deal))
        officials = tuple(problem.values(s, problem.true[s], pair_levels, sc,
                                         problem.table_distance(problem.true[s]) if whole_table else None) for s in (0, 1))
        governments = np.stack([officials[s] @ self.prefs.influence[problem.sides[s].gov, problem.sides[s].officials]
                                for s in (0, 1)], axis=-1)
        return PairValues(officials, governments)  # type: ignore[arg-type]

    def table_scores(self, g: str, h: str, deal: bool) -> np.ndarray:
        """Both sides' indicator scores for every package of the pair's table (shared by true values and beliefs)."""
        problem = self.problem(g, h)
        shift = self.stress_shift(g, h, deal)
        key = (problem.serial, shift)
        hit = self._scores.get(frozenset((g, h)))
        if hit is None or hit[0] != key:
            hit = self._scores[frozenset((g, h))] = (key, problem.scores(problem.table, shift))
        return hit[1]

    def table(self, g: str, h: str) -> PairValues:
        """Both sides' true values of every package in the pair's table (memoised)."""
        problem = self.problem(g, h)
        pair = frozenset((g, h))
        key = (problem.serial, self.stress_shift(g, h, True), self.state.influence_version)
        hit = self._tables.get(pair)
        if hit is None or hit[0] != key:
            hit = self._tables[pair] = (key, self.values(g, h, problem.table, deal=True, whole_table=True))
        return hit[1]

    def government_table(self, g: str, h: str) -> np.ndarray:
        """g's true utility of every package with h: (K,)."""
        return self.table(g, h).governments[:, self.side(g, h)]

    # -- no deal ----------------------------------------------------------------------------

    def no_deal_levels(self, g: str, h: str) -> np.ndarray:
        """Every level if talks between g and h fail: any agreement between them snaps back."""
        levels = self.state.levels.copy()
        a = self.state.agreement_between(g, h)
        if a is not None:
            for name, level in a.snap_back.items():
                levels[self.index.inst_index[name]] = level
        return levels

    def no_deal(self, g: str, h: str) -> PairValues:
        """Both sides' true values of no deal (one row): the expected values over the pair's pending threats."""
        idx = self.pair_instruments(g, h)

        def compute() -> PairValues:
            rows, weights = no_deal_lottery(self, g, h, self.no_deal_levels(g, h)[idx])
            v = self.values(g, h, rows, deal=False)
            if weights is None:
                return v
            officials = ((weights @ v.officials[0])[None, :], (weights @ v.officials[1])[None, :])
            return PairValues(officials, (weights @ v.governments)[None, :])

        return self._cached(("no deal", frozenset((g, h))), compute)

    def reservation(self, g: str, h: str) -> float:
        """What g expects from no deal with h: its utility at the no-deal levels, markets unsettled."""
        return float(self.no_deal(g, h).governments[0, self.side(g, h)])

    def pair_levels(self, g: str, h: str, offer: Offer) -> np.ndarray:
        """The pair's levels (m,) if `offer` bound: its terms, in the pair's instrument order."""
        terms = dict(offer.terms)
        return np.array([terms[self.index.inst_names[k]] for k in self.pair_instruments(g, h)], dtype=float)

    def offer_value(self, offer: Offer, who: str) -> float:
        """`who`'s true utility of an offer (as a deal)."""
        g, h = offer.proposer, offer.responder
        v = self.values(g, h, self.pair_levels(g, h, offer)[None, :])
        return float(v.governments[0, self.side(who, h if who == g else g)])

    def ratification_forecast(self, g: str, h: str, rows: np.ndarray | None = None) -> np.ndarray:
        """g's forecast of the chance its own coalition ratifies packages with h: true values, uncertain votes.

        For every package in the pair's table (K,), or only for the table's `rows`.
        """
        s, team = self.side(g, h), self.teams[g]
        officials = self.table(g, h).officials[s]
        if rows is not None:
            officials = officials[rows]
        gains = officials - self.no_deal(g, h).officials[s][0]
        influence = self.prefs.influence[team.index, list(team.members)]
        return chance(gains, influence, team.leader, team.threshold, self.noise)

    # -- beliefs ----------------------------------------------------------------------------

    def hypotheses(self, g: str, h: str, pair_levels: np.ndarray, deal: bool = True,
                   whole_table: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """What each of g's hypotheses about h says packages are worth to h's officials (K, T, n) and to h (K, T)."""
        beliefs = self.state.beliefs[(g, h)]
        problem = self.problem(g, h)
        sc = self.table_scores(g, h, deal) if whole_table else problem.scores(pair_levels, self.stress_shift(g, h, deal))
        distance = problem.table_distance(beliefs.prefs) if whole_table else None
        off = problem.values(self.side(h, g), beliefs.prefs, pair_levels, sc, distance)
        return off, beliefs.government_values(off)

    def hypotheses_table(self, g: str, h: str) -> tuple[np.ndarray, np.ndarray]:
        """`hypotheses` for every package in the pair's table (memoised)."""
        problem = self.problem(g, h)
        key = (problem.serial, self.stress_shift(g, h, True))
        hit = self._believed.get((g, h))
        if hit is None or hit[0] != key:
            hit = self._believed[(g, h)] = (key, self.hypotheses(g, h, problem.table, whole_table=True))
        return hit[1]

    def hypotheses_no_deal(self, g: str, h: str) -> tuple[np.ndarray, np.ndarray]:
        """What each hypothesis says no deal is worth to h's officials (T, n) and to h (T,)."""
        idx = self.pair_instruments(g, h)

        def compute() -> tuple[np.ndarray, np.ndarray]:
            rows, weights = no_deal_lottery(self, g, h, self.no_deal_levels(h, g)[idx])
            off, gov = self.hypotheses(g, h, rows, deal=False)
            if weights is None:
                return off[0], gov[0]
            return np.tensordot(weights, off, axes=1), weights @ gov

        return self._cached(("hypotheses no deal", g, h), compute)

    def believed_table(self, g: str, h: str) -> np.ndarray:
        """What g believes every package is worth to h (K,)."""
        beliefs = self.state.beliefs[(g, h)]
        return self._cached(("believed", g, h, beliefs.version), lambda: beliefs.expected(self.hypotheses_table(g, h)[1]))

    def believed_reservation(self, g: str, h: str) -> float:
        return float(self.state.beliefs[(g, h)].expected(self.hypotheses_no_deal(g, h)[1][None, :])[0])

    def believed_offer_value(self, g: str, h: str, offer: Offer) -> float:
        """What g believes `offer` (between g and h) is worth to h."""
        _, gov = self.hypotheses(g, h, self.pair_levels(g, h, offer)[None, :])
        return float(self.state.beliefs[(g, h)].expected(gov)[0])

    def acceptance_belief(self, g: str, h: str) -> np.ndarray:
        """g's belief of the chance h accepts and ratifies each package (K,), over g's hypotheses about h."""
        beliefs, team = self.state.beliefs[(g, h)], self.teams[h]

        def each() -> np.ndarray:  # (K, T): the chance under each hypothesis
            off, gov = self.hypotheses_table(g, h)
            off_nd, gov_nd = self.hypotheses_no_deal(g, h)
            accept = logistic((gov - gov_nd) / beliefs.tau)
            return accept * chance(off - off_nd, beliefs.influence, team.leader, team.threshold, self.noise)

        return self._cached(("acceptance", g, h), each) @ beliefs.probabilities

    # -- whole states -----------------------------------------------------------------------

    def package_utilities(self, levels: np.ndarray, pair: tuple[str, str] | None = None,
                          deal: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Every official's and government's utility of whole level vectors (K, n_instr) as they would stand.

        Trade at its long-run response and stress as the levels imply, with `pair`'s dispute settled
        (a deal) or open (no deal); other pairs' disputes as they are. For a package between a pair
        this equals the pair-local valuation (`values`), at the cost of valuing everything.
        """
        p = self.economy.p
        levels = np.atleast_2d(levels)
        disputes = dict(self.state.disputes)
        if pair is not None:
            disputes[frozenset(pair)] = 0.0 if deal else 1.0
        stress = implied_stress(p, levels, sum(disputes.values()))
        return full_utilities(self.prefs, self.economy, self.curvature, levels, trade_of(p, long_run_flows(p, levels)), stress)

    # -- the state as it is -----------------------------------------------------------------

    def current_utilities(self) -> tuple[np.ndarray, np.ndarray]:
        """Officials' and governments' utilities of the state as it is (today's flows and stress), less the
        audience costs leaders have paid for threats walked back (issue 11)."""
        levels, econ, prefs = self.state.levels, self.economy, self.prefs
        off, gov = full_utilities(prefs, econ, self.curvature, levels, trade_of(econ.p, econ.flows), econ.stress,
                                  exposure_from(econ.p, 1.0 - econ.supply))
        if self.state.audience_costs:
            off = off.copy()
            for k, cost in self.state.audience_costs.items():
                off[k] -= cost
            gov = off @ prefs.influence.T
        return off, gov

    def implied_stress(self) -> float:
        return float(implied_stress(self.economy.p, self.state.levels, sum(self.state.disputes.values())))


def full_utilities(prefs: Preferences, econ: Economy, curvature: np.ndarray, levels: np.ndarray,
                   trade: np.ndarray, stress: float | np.ndarray,
                   exposure: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every official's and government's utility of whole states: levels (..., n_instr) -> (..., n_off), (..., n_gov).

    `trade` is what each flow carries (direct and diverted); `exposure` defaults to the long-run one.
    """
    p = econ.p
    d = np.abs(levels[..., None, :] - prefs.ideal) / p.span
    dist = (prefs.weight * d ** curvature).sum(-1)
    exposure = exposures(p, levels) if exposure is None else exposure
    sc = scores(p, trade, exposure, stress, levels)[..., prefs.gov_of, :]
    shortfall = ((1.0 - sc) * prefs.indicator_weight).sum(-1)
    lev = leverage_lost(p, levels)[..., prefs.gov_of]
    off = 1.0 - dist - shortfall - prefs.leverage * lev
    return off, off @ prefs.influence.T


# -- coercion (issue 11): threats in no deal ----------------------------------------------------


def no_deal_lottery(v: Valuation, g: str, h: str, row: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """No deal's rows of the pair's levels (R, m) and their chances; (row[None], None) with no threat pending."""
    pending = v.state.pending_threats(g, h)
    if not pending:
        return row[None, :], None
    names = [v.index.inst_names[k] for k in v.pair_instruments(g, h)]
    return lottery(pending, names, row)
