"""Time-based concession: concede toward the reservation value as the deadline nears."""

from __future__ import annotations

import numpy as np
from pydantic import Field

import negotiation.strategies.threats as threats
from negotiation.strategies.base import Moves, StrategyParams, TargetStrategy, best_value, register
from negotiation.strategies.moves import Action, Threat, ThreatDecision


class TimeConcessionParams(StrategyParams):
    exponent: float = Field(
        1.0,
        gt=0,
        le=100,
        description="Concession curve: below 1 Boulware (holds out, concedes late), 1 linear, "
        "above 1 Conceder (concedes early).",
    )
    initial: float = Field(0.0, ge=0, lt=1, description="Share of the range conceded in the first offer.")
    retaliate: bool = Field(True, description="Answer hostile acts, with the chance set by the officials' stance.")


@register
class TimeConcession(TargetStrategy):
    """Concede on a time-dependent curve between the best package and the reservation value.

    The target is u(t) = best - a(t) (best - reservation), with
    a(t) = k + (1 - k) (t / T) ** (1 / e): t the rounds since this episode of talks opened, T the
    episode's horizon (to its deadline: an agreement's expiry, a scheduled or announced deadline;
    without one, the mean life of talks under the government's discount and the risk of breakdown),
    k the initial concession and e the exponent. It offers the package it believes the counterpart
    likes best among those meeting the target, accepts what is at least as good as its own next
    offer, and answers hostile acts with the probability given by its officials' stance (each answer
    as its retaliation menu sizes it). Walking back a threat is a concession: it weighs the audience
    cost of backing down by min(1, 1 / e), so Conceders walk threats back more often than Boulware.

    Names: Boulware (e < 1), linear (e = 1), Conceder (e > 1). Faratin, Sierra and Jennings
    (1998), "Negotiation decision functions for autonomous agents", Robotics and Autonomous
    Systems 24(3-4).
    """

    name = "time_concession"
    Params = TimeConcessionParams
    params: TimeConcessionParams  # what __init__ builds from Params
    reference = "Faratin, Sierra & Jennings (1998), Robotics and Autonomous Systems 24(3-4)"
    stochastic = True
    concedes = True
    retaliates = True
    memory = "none"

    def target(self, view, counterpart: str) -> float:
        t = view.round - view.talks_opened(counterpart) + 1
        p = self.params
        alpha = p.initial + (1 - p.initial) * min(1.0, t / view.horizon(counterpart)) ** (1.0 / p.exponent)
        best = best_value(view, counterpart)
        return best - alpha * (best - view.reservation(counterpart))


    def act(self, view, rng: np.random.Generator) -> list[Action]:
        moves = Moves(view)
        if not self.params.retaliate:
            return moves.actions
        for news in view.news():
            if news.kind.hostile and rng.random() < view.readiness:
                moves.answer(news, f"in answer to {news.actor}'s {news.kind.value}", rng)
        return moves.actions

    def decide(self, view, threat: Threat, rng: np.random.Generator) -> ThreatDecision:
        return threats.decide(view, threat, rng, audience_weight=min(1.0, 1.0 / self.params.exponent))


class BoulwareParams(TimeConcessionParams):
    exponent: float = Field(0.3, gt=0, le=1, description="Below 1: holds out and concedes late.")


@register
class Boulware(TimeConcession):
    """Time-based concession that holds out until close to the deadline (exponent 0.3 by default).

    Names: Boulware. Faratin, Sierra and Jennings (1998); after Lemuel Boulware's take-it-or-
    leave-it bargaining at General Electric (Raiffa 1982, "The Art and Science of Negotiation").
    """

    name = "boulware"
    Params = BoulwareParams


class ConcederParams(TimeConcessionParams):
    exponent: float = Field(3.0, ge=1, le=100, description="Above 1: concedes early.")


@register
class Conceder(TimeConcession):
    """Time-based concession that gives ground early (exponent 3 by default).

    Names: Conceder. Faratin, Sierra and Jennings (1998).
    """

    name = "conceder"
    Params = ConcederParams
