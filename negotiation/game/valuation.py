"""Valuing states and packages: officials' and governments' utilities, no-deal values, concession paths.

Values depend only on the levels and the market stress, so they are memoised on both:
strategies, ratification and the story ask about the same packages many times a round.
"""

from __future__ import annotations

import numpy as np

from negotiation.game.economy import Economy
from negotiation.game.packages import concession_path
from negotiation.game.preferences import Preferences
from negotiation.game.state import GameState, Index
from negotiation.scenario import Scenario
from negotiation.strategies.moves import Offer

CACHE_LIMIT = 50_000  # memoised valuations kept before the cache starts afresh


class Valuation:
    """What any state or package is worth to each official and government, now."""

    def __init__(self, scenario: Scenario, index: Index, prefs: Preferences, economy: Economy, state: GameState):
        self.config = scenario
        self.index = index
        self.prefs = prefs
        self.economy = economy
        self.state = state
        self._values: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        self._paths: dict[tuple, np.ndarray] = {}

    def package_utilities(self, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Officials' and governments' utilities of hypothetical level vectors (K, n_instr), valued as packages."""
        key = (levels.tobytes(), levels.shape, self.economy.stress)
        hit = self._values.get(key)
        if hit is None:
            off = self.prefs.officials(levels, self.economy.package_scores(levels))
            hit = (off, self.prefs.governments(off))
            if len(self._values) > CACHE_LIMIT:
                self._values.clear()
            self._values[key] = hit
        return hit[0].copy(), hit[1].copy()

    def value_at(self, levels: np.ndarray, stress: float) -> np.ndarray:
        """Governments' utilities of level vectors valued as packages at a given market stress (pure)."""
        scores = self.economy.scores(levels, self.economy.equilibrium_flows(levels), stress)
        return self.prefs.governments(self.prefs.officials(levels, scores))

    def current_utilities(self) -> tuple[np.ndarray, np.ndarray]:
        """Officials' and governments' utilities of the state as it is (today's flows, not long-run ones)."""
        levels = self.state.levels
        off = self.prefs.officials(levels, self.economy.current_scores(levels))
        return off, self.prefs.governments(off)

    def no_deal_levels(self, g: str, h: str) -> np.ndarray:
        """The levels if talks between g and h fail: any agreement between them snaps back."""
        levels = self.state.levels.copy()
        a = self.state.agreement_between(g, h)
        if a is not None:
            for name, level in a.snap_back.items():
                levels[self.index.inst_index[name]] = level
        return levels

    def reservation(self, g: str, h: str) -> float:
        """What g expects from no deal with h: its utility at the no-deal levels."""
        return float(self.package_utilities(self.no_deal_levels(g, h)[None, :])[1][0, self.index.gov_index[g]])

    def pair_instruments(self, a: str, b: str) -> list[int]:
        return self.index.pair_instruments(self.config, a, b)

    def offer_levels(self, offer: Offer) -> np.ndarray:
        """Every instrument's level if `offer` bound now."""
        levels = self.state.levels.copy()
        for name, level in offer.terms:
            levels[self.index.inst_index[name]] = level
        return levels

    def concession_path(self, g: str, h: str) -> np.ndarray:
        """g's concession path toward h; it depends only on the levels of instruments outside the pair."""
        idx = self.pair_instruments(g, h)
        base = self.state.levels.copy()
        base[idx] = self.index.lo[idx]
        key = (g, h, base.tobytes())
        path = self._paths.get(key)
        if path is None:
            evaluate = lambda lv: self.package_utilities(lv)[1]  # noqa: E731
            grids = [self.index.grids[k] for k in idx]
            gi = self.index.gov_index
            path = self._paths[key] = concession_path(base, idx, grids, evaluate, gi[g], gi[h])
        return path.copy()
