"""A random baseline: what a strategy must beat to show it does anything at all."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from negotiation.strategies.moves import Action, Offer, Response, ResponseKind
from negotiation.strategies.base import Moves, Strategy, StrategyParams, eligible, register


class RandomParams(StrategyParams):
    accept_probability: float = Field(0.5, ge=0, le=1, description="Chance of accepting an offer worth more than no deal.")
    act_probability: float = Field(0.1, ge=0, le=1, description="Chance each round of moving one own instrument one step.")


@register
class RandomBaseline(Strategy):
    """Offers a random package worth more than no deal, accepts at random, moves at random.

    Names: Random. The baseline player of Axelrod's tournaments (Axelrod 1980, "Effective
    choice in the prisoner's dilemma", Journal of Conflict Resolution 24) and of the
    automated-negotiation competitions.
    """

    name = "random"
    Params = RandomParams
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
            if rng.random() < 0.5:
                moves.raise_step(name, "at random")
            else:
                moves.relent(name, "at random")
        return moves.actions
