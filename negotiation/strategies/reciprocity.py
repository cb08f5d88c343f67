"""Reciprocity: answer like with like, in concessions and in actions."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from ..agreements import Action, Offer, Response
from .base import Moves, Strategy, StrategyParams, accept_or_counter, offer_at, register


class TitForTatParams(StrategyParams):
    opening: float = Field(
        0.2, ge=0, le=1, description="Share of the gap between best and reservation conceded in the first offer."
    )


@register
class TitForTat(Strategy):
    """Cooperate first, then do what the other side did last.

    In talks it opens with a concession of `opening` of its range and then matches the
    counterpart's total concession, measured in the counterpart's own utility (Faratin et al.'s
    "absolute tit-for-tat" imitative tactic). In actions it answers each hostile act (an
    escalation or a detected violation) with exactly one step of retaliation, in kind where it
    can, and takes one retaliatory step back for each de-escalation: punishment once, then a
    return to cooperation.

    Names: Tit For Tat. Axelrod (1984), "The Evolution of Cooperation"; Faratin, Sierra and
    Jennings (1998), "Negotiation decision functions for autonomous agents".
    """

    name = "tit_for_tat"
    Params = TitForTatParams
    reference = "Axelrod (1984), The Evolution of Cooperation; Faratin, Sierra & Jennings (1998)"
    stochastic = False
    concedes = True
    retaliates = True
    memory = "one move, plus its own outstanding retaliations"

    def __init__(self, params=None):
        super().__init__(params)
        self._retaliations: dict[str, list[str]] = {}

    def target(self, view, counterpart: str) -> float:
        path = view.path(counterpart)
        best = float(view.values(path[:1])[0])
        reservation = view.reservation(counterpart)
        received = view.offers_received(counterpart)
        their = 0.0
        if len(received) >= 2:
            first, last = received[0], received[-1]
            their = max(0.0, view.offer_value(first, counterpart) - view.offer_value(last, counterpart))
        conceded = self.params.opening * max(0.0, best - reservation) + their
        return best - conceded

    def propose(self, view, counterpart: str, rng: np.random.Generator) -> Offer | None:
        return offer_at(view, counterpart, self.target(view, counterpart), self.params.duration)

    def respond(self, view, offer: Offer, rng: np.random.Generator) -> Response:
        return accept_or_counter(view, offer, self.propose(view, offer.proposer, rng))

    def act(self, view, rng: np.random.Generator) -> list[Action]:
        moves = Moves(view)
        for news in view.news():
            outstanding = self._retaliations.setdefault(news.actor, [])
            if news.kind.hostile:
                move = moves.retaliate(news.actor, news.instrument_kind, f"tit for tat: {news.actor}'s {news.kind.value}")
                if move is not None:
                    outstanding.append(move.instrument)
            elif news.kind.friendly and outstanding:
                moves.relent(outstanding.pop(), f"tit for tat: back to cooperation after {news.actor}'s {news.kind.value}")
        return moves.actions
