"""Officials' and governments' utilities, normalised to 0..1 so runs and scenarios compare.

An official's utility of a state is

    U = 1 - (sum_i s_i |x_i - ideal_i| / range_i + sum_k w_k (1 - score_k)) / (sum_i s_i + sum_k w_k)

where x_i is instrument i's level, s_i its salience to the official, and score_k the
government's indicator k (0 worst, 1 best; see economy.py) weighted w_k. A government's utility
is its officials' utilities weighted by influence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negotiation.scenario.vocabulary import INDICATORS
from negotiation.scenario import Scenario


@dataclass(frozen=True)
class Preferences:
    """Everyone's preferences as arrays, so that many candidate states score in one call."""

    ideal: np.ndarray  # (n_off, n_instr)
    weight: np.ndarray  # (n_off, n_instr) salience / range / total weight
    indicator_weight: np.ndarray  # (n_off, n_ind) weight / total weight
    gov_of: np.ndarray  # (n_off,) index of each official's government
    influence: np.ndarray  # (n_gov, n_off) each row sums to 1
    gov_salience: np.ndarray  # (n_gov, n_instr) how much each government's officials, by influence, care

    @classmethod
    def compile(cls, s: Scenario) -> Preferences:
        govs = [g.name for g in s.governments]
        names = [i.name for i in s.instruments]
        span = np.array([i.max - i.min for i in s.instruments], dtype=float)
        n_off, n_instr = len(s.officials), len(names)
        ideal = np.zeros((n_off, n_instr))
        salience = np.zeros((n_off, n_instr))
        ind = np.zeros((n_off, len(INDICATORS)))
        influence = np.zeros((len(govs), n_off))
        gov_of = np.zeros(n_off, dtype=int)
        for o, off in enumerate(s.officials):
            for name, pref in off.preferences.items():
                ideal[o, names.index(name)] = pref.ideal
                salience[o, names.index(name)] = pref.salience
            for indicator, w in off.indicators.items():
                ind[o, INDICATORS.index(indicator)] = w
            gov_of[o] = govs.index(off.government)
            influence[gov_of[o], o] = off.influence
        total = salience.sum(axis=1) + ind.sum(axis=1)
        influence /= influence.sum(axis=1, keepdims=True)
        return cls(
            ideal=ideal,
            weight=salience / span / total[:, None],
            indicator_weight=ind / total[:, None],
            gov_of=gov_of,
            influence=influence,
            gov_salience=influence @ salience,
        )

    def officials(self, levels: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Officials' utilities: levels (..., n_instr), scores (..., n_gov, n_ind) -> (..., n_off)."""
        distance = (np.abs(levels[..., None, :] - self.ideal) * self.weight).sum(axis=-1)
        shortfall = ((1.0 - scores[..., self.gov_of, :]) * self.indicator_weight).sum(axis=-1)
        return 1.0 - distance - shortfall

    def governments(self, official_utilities: np.ndarray) -> np.ndarray:
        """Governments' utilities from officials' (..., n_off) -> (..., n_gov)."""
        return official_utilities @ self.influence.T
