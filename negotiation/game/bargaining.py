"""Bargaining analysis: the Pareto frontier, the Nash and Kalai-Smorodinsky points, the zone of
possible agreement, and how far a run's outcome fell from them.

The core functions are pure: they take two arrays of utilities (one entry per package) and a
disagreement point. `pair_analysis` builds those arrays for a pair of governments in a model by
valuing every package on the instruments' grids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike


def pareto_frontier(ua: np.ndarray, ub: np.ndarray) -> np.ndarray:
    """Indices of the packages no other package beats for both sides, sorted by ua ascending.

    Of packages with equal utilities only one is kept.
    """
    order = np.lexsort((-ub, -ua))  # ua descending, then ub descending
    frontier, best_b = [], -np.inf
    for k in order:
        if ub[k] > best_b:
            frontier.append(k)
            best_b = ub[k]
    return np.array(frontier[::-1], dtype=int)


def individually_rational(ua, ub, da: float, db: float) -> np.ndarray:
    """Packages both sides strictly prefer to no deal: the zone of possible agreement."""
    return (ua > da) & (ub > db)


def nash_point(ua: np.ndarray, ub: np.ndarray, da: float, db: float) -> int | None:
    """The package maximising the Nash product (ua - da)(ub - db) over the zone (Nash 1950); None if it is empty."""
    zone = individually_rational(ua, ub, da, db)
    if not zone.any():
        return None
    product = np.where(zone, (ua - da) * (ub - db), -np.inf)
    return int(np.argmax(product))


def kalai_smorodinsky_point(ua: np.ndarray, ub: np.ndarray, da: float, db: float) -> int | None:
    """The zone's package that gives both sides the largest equal share of their best gain.

    Kalai and Smorodinsky (1975): each side's gain over disagreement, as a share of the most it
    could gain anywhere in the zone; the point maximises the smaller of the two shares.
    """
    zone = individually_rational(ua, ub, da, db)
    if not zone.any():
        return None
    ia, ib = ua[zone].max(), ub[zone].max()
    share = np.minimum((ua - da) / (ia - da), (ub - db) / (ib - db))
    share = np.where(zone, share, -np.inf)
    best = share.max()
    ties = np.flatnonzero(share >= best - 1e-12)
    return int(ties[np.argmax((ua + ub)[ties])])  # among equal shares, the most joint welfare


def distance_to_frontier(point: tuple[float, float], ua: np.ndarray, ub: np.ndarray, frontier: np.ndarray) -> float:
    """Euclidean distance in utility space from `point` to the nearest frontier package (0 on it or beyond)."""
    pa, pb = point
    fa, fb = ua[frontier], ub[frontier]
    if ((pa >= fa - 1e-12) & (pb >= fb - 1e-12)).any():
        return 0.0
    return float(np.min(np.hypot(fa - pa, fb - pb)))


@dataclass(frozen=True)
class PairAnalysis:
    """The bargaining problem between two governments at one state of the game."""

    a: str
    b: str
    instruments: tuple[str, ...]
    packages: np.ndarray  # (K, m) levels of the pair's instruments, every combination of their grids
    ua: np.ndarray
    ub: np.ndarray
    da: float
    db: float
    frontier: np.ndarray
    nash: int | None
    ks: int | None
    evaluate: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = field(repr=False, compare=False, default=None)

    @property
    def zone_size(self) -> int:
        return int(individually_rational(self.ua, self.ub, self.da, self.db).sum())

    def point(self, k: int | None) -> tuple[float, float] | None:
        return None if k is None else (float(self.ua[k]), float(self.ub[k]))

    def terms(self, k: int | None) -> dict[str, float] | None:
        if k is None:
            return None
        return {n: float(level) for n, level in zip(self.instruments, self.packages[k])}

    def value(self, pair_levels: ArrayLike) -> tuple[float, float]:
        """Both sides' utility of the pair's instruments at `pair_levels` (m,), valued like the packages."""
        assert self.evaluate is not None, "this analysis was built without its valuation"  # pair_analysis sets it
        ua, ub = self.evaluate(np.asarray(pair_levels, dtype=float)[None, :])
        return float(ua[0]), float(ub[0])

    def outcome_metrics(self, point: tuple[float, float]) -> dict[str, float | None]:
        """How good an outcome (ua, ub) was: distance from the frontier and the Nash point, joint welfare."""
        nash = self.point(self.nash)
        return {
            "joint_welfare": point[0] + point[1],
            "frontier_distance": distance_to_frontier(point, self.ua, self.ub, self.frontier),
            "nash_distance": None if nash is None else float(np.hypot(point[0] - nash[0], point[1] - nash[1])),
            "nash_welfare": None if nash is None else nash[0] + nash[1],
            "zone_share": self.zone_size / len(self.ua),
        }


def pair_analysis(model, a: str, b: str) -> PairAnalysis:
    """Value every package between a and b at the model's current state.

    Instruments outside the pair stay at their current levels; each package is valued as a deal
    (markets settled), as the game values offers; disagreement is each side's reservation value
    (its utility if talks fail and any agreement between them snaps back).
    """
    v = model.values
    problem = v.problem(a, b)
    sa, sb = v.side(a, b), v.side(b, a)
    gov = v.table(a, b).governments
    ua, ub = gov[:, sa], gov[:, sb]
    da, db = v.reservation(a, b), v.reservation(b, a)
    shift = v.stress_shift(a, b, True)
    # Influence as it stands now: it shifts during a run (issue 11), and the analysis outlives this state.
    influence = [v.prefs.influence[problem.sides[s].gov, problem.sides[s].officials].copy() for s in (0, 1)]

    def evaluate(pair_levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        scores = problem.scores(pair_levels, shift)
        sides = [problem.values(s, problem.true[s], pair_levels, scores) for s in (0, 1)]
        g = [sides[s] @ influence[s] for s in (0, 1)]
        return g[sa], g[sb]

    return PairAnalysis(
        a=a,
        b=b,
        instruments=tuple(model.inst_names[k] for k in v.pair_instruments(a, b)),
        packages=problem.table,
        ua=ua,
        ub=ub,
        da=da,
        db=db,
        frontier=pareto_frontier(ua, ub),
        nash=nash_point(ua, ub, da, db),
        ks=kalai_smorodinsky_point(ua, ub, da, db),
        evaluate=evaluate,
    )


_CACHE: dict[tuple[str, str, str], PairAnalysis] = {}

# Prefixes of the summary metrics `run_metrics` adds.
METRICS = ("outcome_utility_", "joint_welfare_", "frontier_distance_", "nash_distance_", "nash_welfare_", "zone_share_")


def initial_analysis(model, a: str, b: str) -> PairAnalysis:
    """`pair_analysis` at the start of a run (round 0), which depends on the scenario alone: memoised."""
    if model.round != 0:
        raise ValueError("initial_analysis needs a model that has not stepped yet")
    key = (model.config.digest(), a, b)
    if key not in _CACHE:
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[key] = pair_analysis(model, a, b)
    return _CACHE[key]


def run_metrics(model, analyses: dict[tuple[str, str], PairAnalysis]) -> dict:
    """Summary metrics of a finished run for each pair: its final levels against the start's bargaining problem.

    The outcome is the pair's final levels, valued like the start's packages (other instruments
    as they were at the start, markets as a deal implies), so that it lies in the same utility
    space as the frontier and the Nash point.
    """
    out: dict = {}
    for (a, b), pa in analyses.items():
        point = pa.value(model.levels[model.values.pair_instruments(a, b)])
        tag = f"{a}_{b}"
        out[f"outcome_utility_{a}_in_{tag}"] = point[0]
        out[f"outcome_utility_{b}_in_{tag}"] = point[1]
        for key, value in pa.outcome_metrics(point).items():
            out[f"{key}_{tag}"] = value
    return out
