"""A random baseline: what a strategy must beat to show it does anything at all."""

from __future__ import annotations

import numpy as np
from pydantic import Field

import negotiation.strategies.threats as threats
from negotiation.strategies.base import Moves, Strategy, StrategyParams, eligible, register
from negotiation.strategies.moves import Action, Offer, Response, ResponseKind, Threat, ThreatDecision


class RandomParams(StrategyParams):
    accept_probability: float = Field(0.5, ge=0, le=1, description="Chance of accepting an offer worth more than no deal.")
    act_probability: float = Field(0.1, ge=0, le=1, description="Chance each round of moving one own instrument one step.")


@register
class RandomBaseline(Strategy):
    """Offers a random package worth more than no deal, accepts at random, moves at random.

    Its random moves raise an instrument with chance 1/2, shifted toward raising by its officials'
    readiness as far as the retaliation menu's stance_weight says. It threatens at random (with
    its policy's propensity, half the time), any measure, carries threats out or walks them back
    as a coin falls, and gives in to one with its acceptance probability.

    Names: Random. The baseline player of Axelrod's tournaments (Axelrod 1980, "Effective
    choice in the prisoner's dilemma", Journal of Conflict Resolution 24) and of the
    automated-negotiation competitions.
    """

    name = "random"
    Params = RandomParams
    params: RandomParams  # what __init__ builds from Params
    reference = "Axelrod (1980), Journal of Conflict Resolution 24(1): 3-25"
    stochastic = True
    concedes = True
    retaliates = False
    memory = "none"

    def propose(self, view, counterpart: str, rng: np.random.Generator) -> Offer | None:
        candidates = np.flatnonzero(eligible(view, counterpart))
        if len(candidates) == 0:
            return None
        return view.offer(counterpart, view.packages(counterpart)[rng.choice(candidates)], self.params.duration)

    def respond(self, view, offer: Offer, rng: np.random.Generator) -> Response:
        if view.value_of(offer) > view.reservation(offer.proposer) and rng.random() < self.params.accept_probability:
            return Response.accept()
        mine = self.propose(view, offer.proposer, rng)
        return Response(ResponseKind.COUNTER, mine) if mine is not None else Response.reject()

    def act(self, view, rng: np.random.Generator) -> list[Action]:
        moves = Moves(view)
        own = view.own_instruments()
        if own and rng.random() < self.params.act_probability:
            name = own[int(rng.integers(len(own)))]
            if rng.random() < 0.5 + view.menu.stance_weight * (view.readiness - 0.5):
                moves.raise_step(name, "at random")
            else:
                moves.relent(name, "at random")
        return moves.actions

    def threaten(self, view, counterpart: str, rng: np.random.Generator) -> Threat | None:
        return threats.make_threat(view, counterpart, rng, eagerness=0.5, pick=threats.random_measure)

    def decide(self, view, threat: Threat, rng: np.random.Generator) -> ThreatDecision:
        return ThreatDecision.CARRY_OUT if rng.random() < 0.5 else ThreatDecision.WALK_BACK

    def meet_condition(self, view, threat: Threat, rng: np.random.Generator) -> bool:
        return threat.condition_instrument is not None and rng.random() < self.params.accept_probability
