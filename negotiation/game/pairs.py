"""One pair's bargaining problem: its packages and the terms of utility a package can move.

Valuation is pair-local (DESIGN.md, "Scale"): a package between g and h sets only the pair's
instruments, so only the two governments' officials' values change, and only through the pair's
instruments, the pair's trade flows, the controls between them, their leverage on each other and
the stress the package implies. Everything else is a constant of the base state, computed once.
The cost of valuing a package is then independent of how many governments the scenario has.

`PairProblem.values` is exact: for any package it equals the utility of the whole state with the
package in place, trade at its long-run response and stress as the package implies (a test
checks this against `full_utilities`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from negotiation.game.economy import IND, EconomyParams, direct_flows, long_run_flows, trade_of
from negotiation.game.preferences import Preferences
from negotiation.scenario import Indicator

STRESS = IND[Indicator.MARKET_STRESS]
_SERIAL = itertools.count()  # tells a rebuilt problem from the one it replaced


@dataclass(frozen=True)
class OfficialArrays:
    """Preference arrays of some officials over one pair's instruments (optionally with leading hypothesis dimensions).

    `rest` is each official's (constant) distance over every other instrument at the base state;
    it shifts all of a pair's values alike, so hypotheses about a counterpart leave it at 0.
    """

    ideal: np.ndarray  # (..., n, m)
    weight: np.ndarray  # (..., n, m)
    indicator_weight: np.ndarray  # (..., n, n_ind)
    leverage: np.ndarray  # (..., n)
    rest: np.ndarray | float = 0.0  # (..., n)


def pressure_matrix(p: EconomyParams, levels: np.ndarray) -> np.ndarray:
    """P[..., a, b]: the mean normalised level of the coercive measures a holds on b (0 where it holds none)."""
    n_gov = len(p.scale)
    mean = np.zeros((len(p.lo), n_gov * n_gov))
    cells = p.imposer * n_gov + p.target
    mean[np.flatnonzero(p.coercive), cells[p.coercive]] = 1.0 / p.coercion_count.ravel()[cells[p.coercive]]
    return (p.normalised(levels) @ mean).reshape(levels.shape[:-1] + (n_gov, n_gov))


def leverage_lost(p: EconomyParams, levels: np.ndarray) -> np.ndarray:
    """For each government, how far its counterparts' pressure on it exceeds its own on them, on average: (..., n_gov)."""
    pm = pressure_matrix(p, levels)
    lost = np.maximum(0.0, np.swapaxes(pm, -1, -2) - pm) * p.counterpart  # lost[g, c] = max(0, P[c, g] - P[g, c])
    return lost.sum(axis=-1) / np.maximum(p.counterpart.sum(axis=1), 1)


@dataclass
class Side:
    """One government of the pair, as the pair sees it: the constant parts of its indicators."""

    gov: int
    partner: int
    officials: np.ndarray  # indices of its officials in the scenario
    balance_rest: float  # $bn, flows with others at the base
    volume_rest: float
    scale: float
    has_trade: bool
    exposure_rest: np.ndarray  # (2,) uncapped, from controls others hold on it
    leverage_rest: float  # summed over its other counterparts
    n_counterparts: int


class PairProblem:
    """The pair (g, h) at a base state (every level outside the pair fixed)."""

    def __init__(self, p: EconomyParams, idx: list[int], grids: list[np.ndarray], g: int, h: int,
                 base: np.ndarray, prefs: Preferences, curvature: np.ndarray):
        self.p = p
        self.idx = np.array(idx, dtype=int)
        self.grids = grids
        self.g, self.h = g, h
        self.base = base.copy()
        self.curvature = curvature
        self.flows = np.flatnonzero(((p.exporter == g) & (p.importer == h)) | ((p.exporter == h) & (p.importer == g)))
        position = {int(i): j for j, i in enumerate(self.idx)}
        self.flow_tariff = np.array([position.get(int(p.tariff_of[f]), -1) for f in self.flows], dtype=int)
        # positions (within the pair) of the coercive measures each side holds on the other
        self.held = tuple(np.array([j for j, i in enumerate(self.idx) if p.imposer[i] == a and p.coercive[i]], dtype=int)
                          for a in (g, h))
        outside = np.ones(len(base), dtype=bool)
        outside[self.idx] = False
        self.outside = outside
        self.pressure_rest = float((p.normalised(base) * p.pressure)[outside].sum())
        lr = trade_of(p, long_run_flows(p, base))  # the trade each flow carries, at the base
        self.flow_cost = p.cost[np.ix_(self.flows, self.idx)]  # (n_pair_flows, m)
        self.flow_purchases = p.purchases[np.ix_(self.flows, self.idx)]
        officials = {gov: np.flatnonzero(prefs.gov_of == gov) for gov in (g, h)}
        self.sides = (self._side(g, h, officials[g], lr), self._side(h, g, officials[h], lr))
        self.true = tuple(self._arrays(prefs, officials[gov]) for gov in (g, h))
        self._table: np.ndarray | None = None
        self.serial = next(_SERIAL)

    def _arrays(self, prefs: Preferences, officials: np.ndarray) -> OfficialArrays:
        """A side's true preferences over the pair's instruments, with the rest of its distance as a constant."""
        out = self.outside
        d = np.abs(self.base[out] - prefs.ideal[officials][:, out]) / self.p.span[out]
        rest = (prefs.weight[officials][:, out] * d ** self.curvature[out]).sum(-1)
        return OfficialArrays(prefs.ideal[officials][:, self.idx], prefs.weight[officials][:, self.idx],
                              prefs.indicator_weight[officials], prefs.leverage[officials], rest)

    def _side(self, gov: int, partner: int, officials: np.ndarray, lr: np.ndarray) -> Side:
        p = self.p
        rest_flows = np.ones(len(lr), dtype=bool)
        rest_flows[self.flows] = False
        sign = p.sign[gov]
        exposure = np.zeros(2)
        for i in np.flatnonzero((p.slot >= 0) & (p.target == gov) & self.outside):
            exposure[p.slot[i]] += p.per_level[i] * self.base[i]
        pm = pressure_matrix(p, self.base)
        others = p.counterpart[gov].copy()
        others[partner] = False
        lev = float((np.maximum(0.0, pm[:, gov] - pm[gov, :]) * others).sum())
        rest_premium = float((self.base * p.premium[gov])[self.outside].sum())  # purchases from third countries
        return Side(gov, partner, officials, float((sign * lr)[rest_flows].sum()) - rest_premium,
                    float((np.abs(sign) * lr)[rest_flows].sum()), float(p.scale[gov]), bool(p.has_trade[gov]),
                    exposure, lev, max(1, int(p.counterpart[gov].sum())))

    # -- the packages -----------------------------------------------------------------------

    @property
    def table(self) -> np.ndarray:
        """Every package: (K, m) levels of the pair's instruments, one row per combination of grid points."""
        if self._table is None:
            # itertools.product's order (the last instrument varies fastest), without a Python tuple per package
            mesh = np.meshgrid(*[np.asarray(g, dtype=float) for g in self.grids], indexing="ij")
            self._table = np.stack(mesh, axis=-1).reshape(-1, len(self.idx))
        return self._table

    def full(self, pair_levels: np.ndarray) -> np.ndarray:
        """Whole level vectors with the pair's instruments at `pair_levels`: (K, n_instr)."""
        out = np.repeat(self.base[None, :], len(pair_levels), axis=0)
        out[:, self.idx] = pair_levels
        return out

    # -- indicators -------------------------------------------------------------------------

    def pair_flows(self, pair_levels: np.ndarray) -> np.ndarray:
        """Long-run trade between the pair for packages (K, n_pair_flows): direct flows plus what diversion delivers."""
        p, f = self.p, self.flows
        effective = pair_levels * p.coverage[self.idx]
        tariff = np.where(self.flow_tariff >= 0, effective[..., np.maximum(self.flow_tariff, 0)], 0.0)
        direct = direct_flows(p.baseline[f], p.base[f], p.elasticity, tariff, pair_levels @ self.flow_cost.T,
                              pair_levels @ self.flow_purchases.T)
        return direct + p.diversion * np.maximum(0.0, p.baseline[f] - direct)

    def _pressure(self, normalised: np.ndarray, s: int) -> np.ndarray:
        held = self.held[s]
        return normalised[..., held].mean(axis=-1) if len(held) else np.zeros(normalised.shape[:-1])

    def scores(self, pair_levels: np.ndarray, stress_shift: float) -> np.ndarray:
        """Both sides' indicator scores for packages: (K, 2, n_ind); stress as the package implies.

        `stress_shift` is the implied stress of everything outside the pair's instruments: the floor,
        the other measures' pressure and the uncertainty of open disputes (see `Valuation`).
        """
        p = self.p
        lr = self.pair_flows(pair_levels)  # (K, n_pair_flows)
        normalised = (pair_levels - p.lo[self.idx]) / p.span[self.idx]
        stress = np.minimum(np.maximum(stress_shift + (normalised * p.pressure[self.idx]).sum(-1), 0.0), 1.0)
        out = np.empty(pair_levels.shape[:-1] + (2, len(IND)))
        for s, side in enumerate(self.sides):
            sign = p.sign[side.gov, self.flows]
            premium = pair_levels @ p.premium[side.gov, self.idx]
            balance = (side.balance_rest + lr @ sign - premium) / side.scale
            volume = (side.volume_rest + lr @ np.abs(sign)) / side.scale
            exposure = np.broadcast_to(side.exposure_rest, pair_levels.shape[:-1] + (2,)).copy()
            for j, i in enumerate(self.idx):
                if p.slot[i] >= 0 and p.target[i] == side.gov:
                    exposure[..., p.slot[i]] += p.per_level[i] * pair_levels[..., j]
            exposure = np.minimum(exposure, 1.0)
            out[..., s, IND[Indicator.TRADE_BALANCE]] = 0.5 + 0.5 * np.maximum(np.minimum(balance, 1.0), -1.0)
            out[..., s, IND[Indicator.TRADE_VOLUME]] = np.minimum(volume, 1.0) if side.has_trade else 1.0
            out[..., s, STRESS] = 1.0 - stress
            out[..., s, IND[Indicator.INDUSTRY_EXPOSURE]] = 1.0 - exposure[..., 0]
            out[..., s, IND[Indicator.TECHNOLOGY_EXPOSURE]] = 1.0 - exposure[..., 1]
        return out

    def leverage_lost(self, pair_levels: np.ndarray, s: int) -> np.ndarray:
        """Side s's average lost leverage over its counterparts, with the pair at `pair_levels`: (K,)."""
        side = self.sides[s]
        normalised = (pair_levels - self.p.lo[self.idx]) / self.p.span[self.idx]
        own, theirs = self._pressure(normalised, s), self._pressure(normalised, 1 - s)
        return (side.leverage_rest + np.maximum(0.0, theirs - own)) / side.n_counterparts

    # -- values -----------------------------------------------------------------------------

    def table_distance(self, prefs: OfficialArrays) -> np.ndarray:
        """Officials' distances from their ideals for every package of the table: (K, ..., n).

        Distance is a sum over instruments, so each instrument's share is computed on its own grid
        and the shares are added over the table's product of grids (cheaper than valuing K rows).
        """
        span, curvature = self.p.span[self.idx], self.curvature[self.idx]
        lead = prefs.ideal.shape[:-1]  # (..., n)
        m = len(self.idx)
        total = np.zeros(tuple(len(g) for g in self.grids) + lead)
        for j, grid in enumerate(self.grids):
            share = prefs.weight[..., j] * (np.abs(grid.reshape((-1,) + (1,) * len(lead)) - prefs.ideal[..., j])
                                            / span[j]) ** curvature[j]  # (G_j, ..., n)
            total = total + share.reshape((1,) * j + (len(grid),) + (1,) * (m - j - 1) + lead)
        return total.reshape((-1,) + lead) + prefs.rest

    def values(self, s: int, prefs: OfficialArrays, pair_levels: np.ndarray, scores: np.ndarray,
               distance: np.ndarray | None = None) -> np.ndarray:
        """Utilities of side s's officials (or of hypotheses about them) for packages.

        prefs arrays (..., n, m) -> (K, ..., n); `scores` is `self.scores(pair_levels, shift)`; `distance`
        may pass `self.table_distance(prefs)` when `pair_levels` is the table.
        """
        span = self.p.span[self.idx]
        lead = prefs.ideal.ndim - 2  # hypothesis dimensions
        K = pair_levels.shape[0]
        if distance is None:
            x = pair_levels.reshape((K,) + (1,) * (lead + 1) + (len(self.idx),))  # (K, ..., 1, m)
            d = np.abs(x - prefs.ideal) / span
            distance = prefs.rest + (prefs.weight * d ** self.curvature[self.idx]).sum(-1)  # (K, ..., n)
        weights = prefs.indicator_weight  # (..., n, n_ind)
        shortfall = ((1.0 - scores[:, s, :]) @ weights.reshape(-1, weights.shape[-1]).T).reshape(distance.shape)
        lev = self.leverage_lost(pair_levels, s).reshape((K,) + (1,) * (lead + 1))
        return 1.0 - distance - shortfall - prefs.leverage * lev
