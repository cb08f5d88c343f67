"""Beliefs: what one government thinks another's officials want, learnt from what it sees.

A government knows its own officials' values. About each counterpart it holds a set of
hypotheses ("types"), each a full set of the counterpart's officials' preferences and influence,
drawn around the counterpart's true values with the scenario's noises, equally likely at first.
It updates their probabilities by Bayes' rule from every offer the counterpart makes (a
Boltzmann-rational proposer: a package is offered with probability proportional to
exp(beta x its utility)) and every response it gives to our offers (acceptance with a logistic
probability in the package's value over no deal). This is the Bayesian opponent model of
Hindriks and Tykhonov (2008), as surveyed by Baarslag et al. (2016), "Learning about the
opponent in automated bilateral negotiation", Autonomous Agents and Multi-Agent Systems 30(5).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from negotiation.game.pairs import OfficialArrays
from negotiation.game.preferences import Preferences
from negotiation.scenario import InformationSpec


def logistic(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


class Beliefs:
    """One government's hypotheses about one counterpart: their preference arrays and log-probabilities."""

    def __init__(self, truth: Preferences, officials: np.ndarray, government: int, idx: np.ndarray,
                 info: InformationSpec, span: np.ndarray, lo: np.ndarray, rng: np.random.Generator):
        """Hypotheses about `officials` (of `government`) over the pair's instruments `idx` (span, lo: theirs)."""
        t, n = info.types, len(officials)
        true = truth.subset(officials)
        true = replace(true, ideal=true.ideal[:, idx], weight=true.weight[:, idx])
        shape = (t,) + true.weight.shape
        weight = true.weight * rng.lognormal(0.0, info.salience_noise, shape) if info.salience_noise else np.broadcast_to(true.weight, shape)
        ind_shape = (t,) + true.indicator_weight.shape
        indicator = true.indicator_weight * (rng.lognormal(0.0, info.salience_noise, ind_shape) if info.salience_noise else 1.0)
        leverage = true.leverage * (rng.lognormal(0.0, info.salience_noise, (t, n)) if info.salience_noise else 1.0)
        total = weight.sum(-1) + np.broadcast_to(indicator, ind_shape).sum(-1) + np.broadcast_to(leverage, (t, n))
        # The mix of what an official cares about is uncertain, not how much of its attention the pair's
        # instruments and the economy take in all: rescale each hypothesis to the true total.
        true_total = true.weight.sum(-1) + true.indicator_weight.sum(-1) + true.leverage
        total = np.where(total > 0, total / np.where(true_total > 0, true_total, 1.0), 1.0)
        ideal = true.ideal + (rng.normal(0.0, info.ideal_noise, shape) * span if info.ideal_noise else 0.0)
        ideal = np.clip(ideal, lo, lo + span)
        influence = true.influence[government] * (rng.lognormal(0.0, info.influence_noise, (t, n)) if info.influence_noise else 1.0)
        self.prefs = OfficialArrays(
            ideal=np.broadcast_to(ideal, shape).copy(),
            weight=np.broadcast_to(weight, shape) / total[..., None],
            indicator_weight=np.broadcast_to(indicator, ind_shape) / total[..., None],
            leverage=np.broadcast_to(leverage, (t, n)) / total,
        )
        self.influence = np.broadcast_to(influence, (t, n)) / np.broadcast_to(influence, (t, n)).sum(-1, keepdims=True)
        self.log_p = np.zeros(t)
        self.version = 0  # counts updates, so that what depends on the probabilities knows when to recompute
        self.beta = info.offer_rationality
        self.tau = info.response_noise
        self._normalised_table: np.ndarray | None = None  # the last table an offer was observed against
        self._log_norm = np.zeros(t)

    @property
    def probabilities(self) -> np.ndarray:
        w = np.exp(self.log_p - self.log_p.max())
        return w / w.sum()

    def government_values(self, official_values: np.ndarray) -> np.ndarray:
        """Each hypothesis's government utility from its officials' (K, T, n) -> (K, T)."""
        weighted = official_values * self.influence
        n = weighted.shape[-1]
        if n >= 8:  # numpy sums eight or more terms pairwise
            return weighted.sum(-1)
        # fewer than eight: numpy adds them one after another, as this does, without the strided pass
        total = weighted[..., 0].copy()
        for i in range(1, n):
            total += weighted[..., i]
        return total

    def observe_offer(self, offered: np.ndarray, table: np.ndarray) -> None:
        """Bayes' rule after the counterpart offers a package worth `offered` (T,) to each hypothesis,
        `table` (K, T) being what every package is worth to each."""
        if table is not self._normalised_table:  # the same table (held, so its id stays its own): the same sum
            z = self.beta * table
            top = z.max(axis=0)
            self._normalised_table, self._log_norm = table, top + np.log(np.exp(z - top).sum(axis=0))
        log_norm = self._log_norm
        self.log_p = self.log_p + self.beta * offered - log_norm
        self.log_p -= self.log_p.max()
        self.version += 1

    def observe_response(self, accepted: bool, value: np.ndarray, reservation: np.ndarray) -> None:
        """Bayes' rule after the counterpart accepts or rejects a package worth `value` (T,) against no deal."""
        p = np.clip(logistic((value - reservation) / self.tau), 1e-9, 1 - 1e-9)
        self.log_p = self.log_p + np.log(p if accepted else 1.0 - p)
        self.log_p -= self.log_p.max()
        self.version += 1

    def observe_act(self, j: int, level: float, grid: np.ndarray, span: float, official: int | None = None) -> None:
        """Bayes' rule after the counterpart itself (or its `official`, by position among its officials) sets
        the pair's instrument `j` to `level` (issue 11: a decree or an agency's rule reveals what it wants).

        A Boltzmann choice over the instrument's grid, as for offers: a level is the likelier the less it
        costs the actor, salience x distance from its ideal (the government's: by influence).
        """
        ideal, weight = self.prefs.ideal[..., j], self.prefs.weight[..., j]  # (T, n)
        if official is None:
            ideal, weight = (ideal * self.influence).sum(-1), (weight * self.influence).sum(-1)
        else:
            ideal, weight = ideal[:, official], weight[:, official]
        z = -self.beta * weight[:, None] * np.abs(grid[None, :] - ideal[:, None]) / span  # (T, G)
        top = z.max(axis=1)
        log_norm = top + np.log(np.exp(z - top[:, None]).sum(axis=1))
        chosen = -self.beta * weight * np.abs(level - ideal) / span
        self.log_p = self.log_p + chosen - log_norm
        self.log_p -= self.log_p.max()
        self.version += 1

    def expected(self, values: np.ndarray) -> np.ndarray:
        """Values (K, T) averaged over the hypotheses by their probabilities: (K,)."""
        return values @ self.probabilities
