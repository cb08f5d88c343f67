"""Officials' preferences as arrays, and the utility they give a state.

An official's utility of a state, normalised to 0..1 so that runs and scenarios compare, is

    U = 1 - (sum_i s_i d_i ** c_i + sum_k w_k (1 - score_k) + lambda * leverage_lost) / (sum_i s_i + sum_k w_k + lambda)

with d_i = |x_i - ideal_i| / span_i the distance from the official's ideal on instrument i, s_i
its salience, c_i the instrument's curvature (1 linear, 2 quadratic: small moves off an ideal cost
little, large ones a lot, so intermediate levels can be compromises), score_k its government's
economic indicator k (0 worst, 1 best; see economy.py) weighted w_k, and `leverage_lost` how far,
on average over its government's counterparts, the counterpart's coercive measures exceed its own
(keeping leverage while the other side keeps theirs has value). A government's utility is its
officials' utilities weighted by influence.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from negotiation.scenario import INDICATORS, Scenario


@dataclass(frozen=True)
class Preferences:
    """A set of officials' preferences as arrays (every official of a scenario, or a belief about some)."""

    ideal: np.ndarray  # (n_off, n_instr)
    weight: np.ndarray  # (n_off, n_instr) salience / total
    indicator_weight: np.ndarray  # (n_off, n_ind) weight / total
    leverage: np.ndarray  # (n_off,) leverage weight / total
    gov_of: np.ndarray  # (n_off,) index of each official's government
    influence: np.ndarray  # (n_gov, n_off) each row sums to 1 over the government's officials
    gov_salience: np.ndarray  # (n_gov, n_instr) how much each government's officials, by influence, care

    @classmethod
    def compile(cls, s: Scenario) -> Preferences:
        govs = [g.name for g in s.governments]
        names = [i.name for i in s.instruments]
        n_off, n_instr = len(s.officials), len(names)
        ideal = np.zeros((n_off, n_instr))
        salience = np.zeros((n_off, n_instr))
        ind = np.zeros((n_off, len(INDICATORS)))
        leverage = np.array([o.leverage for o in s.officials], dtype=float)
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
        total = salience.sum(axis=1) + ind.sum(axis=1) + leverage
        influence /= influence.sum(axis=1, keepdims=True)
        return cls(
            ideal=ideal,
            weight=salience / total[:, None],
            indicator_weight=ind / total[:, None],
            leverage=leverage / total,
            gov_of=gov_of,
            influence=influence,
            gov_salience=influence @ salience,
        )

    def subset(self, officials: np.ndarray) -> Preferences:
        """The same preferences for some officials only (their influence columns kept)."""
        return replace(
            self,
            ideal=self.ideal[officials],
            weight=self.weight[officials],
            indicator_weight=self.indicator_weight[officials],
            leverage=self.leverage[officials],
            gov_of=self.gov_of[officials],
            influence=self.influence[:, officials],
        )


def distance(x: np.ndarray, ideal: np.ndarray, weight: np.ndarray, span: np.ndarray, curvature: np.ndarray) -> np.ndarray:
    """Weighted distance from ideals: x (..., m) against ideal, weight (n, m) -> (..., n)."""
    d = np.abs(x[..., None, :] - ideal) / span
    return (weight * d ** curvature).sum(axis=-1)


def utilities(dist: np.ndarray, shortfall: np.ndarray, leverage_lost: np.ndarray, prefs: Preferences) -> np.ndarray:
    """Officials' utilities from their distances (..., n), indicator shortfalls (..., n) and leverage lost (..., n)."""
    return 1.0 - dist - shortfall - prefs.leverage * leverage_lost
