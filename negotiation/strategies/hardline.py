"""Hard line: hold out for the best package and turn up the pressure when talks fail."""

from __future__ import annotations

import numpy as np
from pydantic import Field

import negotiation.strategies.threats as threats
from negotiation.strategies.base import Moves, Strategy, StrategyParams, best_value, offer_at, register
from negotiation.strategies.moves import Action, Offer, Response, ResponseKind, Threat, ThreatDecision


class HardLineParams(StrategyParams):
    tolerance: float = Field(0.0, ge=0, le=1, description="How far below its best package an offer may fall and be accepted.")
    pressure: bool = Field(True, description="Escalate one step in every round whose talks fail.")


@register
class HardLine(Strategy):
    """Offer only the best package, accept only what comes within `tolerance` of it, escalate on failure.

    Every hostile act is answered (as the retaliation menu says) with steps that are never taken
    back, and with `pressure` on, every round of talks that ends without agreement costs the
    counterpart one more step (as many as its officials' readiness says, when the menu scales
    answers), on the instrument the government cares most about, up to its maximum. It threatens
    whenever its policy allows, always carries its threats out and never gives in to one.

    Names: hard-line or "Hardliner" agents of the ANAC competitions (Baarslag et al. 2012,
    "The first automated negotiating agents competition", New Trends in Agent-Based Complex
    Automated Negotiations); coercive bargaining (Schelling 1966, "Arms and Influence").
    """

    name = "hard_line"
    Params = HardLineParams
    params: HardLineParams  # what __init__ builds from Params
    reference = "Baarslag et al. (2012), ANAC 2010; Schelling (1966), Arms and Influence"
    stochastic = False
    concedes = False
    retaliates = True
    memory = "none"

    def propose(self, view, counterpart: str, rng: np.random.Generator) -> Offer | None:
        return offer_at(view, counterpart, best_value(view, counterpart), self.params.duration)

    def respond(self, view, offer: Offer, rng: np.random.Generator) -> Response:
        best = best_value(view, offer.proposer)
        value = view.value_of(offer)
        if value >= best - self.params.tolerance - 1e-12 and value > view.reservation(offer.proposer):
            return Response.accept()
        mine = self.propose(view, offer.proposer, rng)
        return Response(ResponseKind.COUNTER, mine) if mine is not None else Response.reject()

    def act(self, view, rng: np.random.Generator) -> list[Action]:
        moves = Moves(view)
        for item in view.news():
            if item.kind.hostile:
                moves.answer(item, f"hard line: {item.actor}'s {item.kind.value}", rng)
        if self.params.pressure:
            for counterpart in view.counterparts():
                if view.talks_failed(counterpart):
                    moves.press(counterpart, f"hard line: pressure after failed talks with {counterpart}", rng)
        return moves.actions

    def threaten(self, view, counterpart: str, rng: np.random.Generator) -> Threat | None:
        return threats.make_threat(view, counterpart, rng, eagerness=1.0)

    def decide(self, view, threat: Threat, rng: np.random.Generator) -> ThreatDecision:
        return ThreatDecision.CARRY_OUT

    def meet_condition(self, view, threat: Threat, rng: np.random.Generator) -> bool:
        return False
