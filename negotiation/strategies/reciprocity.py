"""Reciprocity: answer like with like, in concessions and in actions (Tit For Tat and its family)."""

from __future__ import annotations

import numpy as np
from pydantic import Field

import negotiation.strategies.threats as threats
from negotiation.strategies.base import Moves, StrategyParams, TargetStrategy, best_value, register
from negotiation.strategies.moves import Action, Observation, Offer, Response, Threat, ThreatDecision


class TitForTatParams(StrategyParams):
    opening: float = Field(
        0.2, ge=0, le=1, description="Share of the gap between best and reservation conceded in the first offer."
    )


@register
class TitForTat(TargetStrategy):
    """Cooperate first, then do what the other side did last.

    In talks it opens with a concession of `opening` of its range and then matches the
    counterpart's total concession, measured in the counterpart's own utility (Faratin et al.'s
    "absolute tit-for-tat" imitative tactic). In actions it answers each hostile act (an
    escalation, a detected violation or a threat carried out) with one answer from its
    retaliation menu (one step in kind by default, sized by its officials' readiness when the menu
    says so), and takes one retaliatory step back for each friendly act (a de-escalation, an
    agreement): punishment once, then a return to cooperation. It threatens only in answer to a
    hostile act, never to press in talks.

    Names: Tit For Tat. Axelrod (1984), "The Evolution of Cooperation"; Faratin, Sierra and
    Jennings (1998), "Negotiation decision functions for autonomous agents".
    """

    name = "tit_for_tat"
    Params = TitForTatParams
    params: TitForTatParams  # what __init__ builds from Params
    reference = "Axelrod (1984), The Evolution of Cooperation; Faratin, Sierra & Jennings (1998)"
    stochastic = False
    concedes = True
    retaliates = True
    memory = "the counterpart's last moves and concessions, and its own outstanding retaliations"

    def __init__(self, params=None):
        super().__init__(params)
        self._outstanding: dict[str, list[str]] = {}  # instruments raised in retaliation, per counterpart

    # -- talks ------------------------------------------------------------------------------

    def target(self, view, counterpart: str) -> float:
        best = best_value(view, counterpart)
        reservation = view.reservation(counterpart)
        received = view.offers_received(counterpart)
        their = 0.0
        if len(received) >= 2:
            first, last = received[0], received[-1]
            their = max(0.0, view.their_value_of(first) - view.their_value_of(last))
        conceded = self.params.opening * max(0.0, best - reservation) + their
        return best - conceded


    # -- actions ----------------------------------------------------------------------------

    def act(self, view, rng: np.random.Generator) -> list[Action]:
        moves = Moves(view)
        news = view.news()
        for item in news:
            outstanding = self._outstanding.setdefault(item.actor, [])
            if item.kind.hostile:
                self.punish(moves, item, outstanding, rng)
            elif item.kind.friendly and outstanding:
                moves.relent(outstanding.pop(), f"back to cooperation after {item.actor}'s {item.kind.value}")
        self.after_news(moves, news, rng)
        return moves.actions

    def punish(self, moves: Moves, item: Observation, outstanding: list[str], rng: np.random.Generator) -> None:
        """Answer one hostile act as the retaliation menu says (one step in kind by default)."""
        for move in moves.answer(item, f"tit for tat: {item.actor}'s {item.kind.value}", rng):
            outstanding.append(move.instrument)

    def after_news(self, moves: Moves, news: tuple[Observation, ...], rng: np.random.Generator) -> None:
        """A hook for variants that also move when nothing new happened."""

    def threaten(self, view, counterpart: str, rng: np.random.Generator) -> Threat | None:
        """Reciprocity threatens only to answer a hostile act ("undo it, or else"), not when talks fail."""
        return threats.make_threat(view, counterpart, rng, eagerness=view.readiness, on_failed_talks=False)


class ForgivingParams(TitForTatParams):
    generosity: float = Field(1 / 3, ge=0, le=1, description="Chance of letting a hostile act go unanswered.")


@register
class ForgivingTitForTat(TitForTat):
    """Tit For Tat that lets a share of hostile acts go unanswered, so a spiral can die out.

    Names: Generous Tit For Tat. Nowak and Sigmund (1992), "Tit for tat in heterogeneous
    populations", Nature 355; the forgiving strategies of Axelrod's tournaments.
    """

    name = "forgiving_tit_for_tat"
    Params = ForgivingParams
    params: ForgivingParams  # what __init__ builds from Params
    reference = "Nowak & Sigmund (1992), Nature 355: 250-253"
    stochastic = True

    def punish(self, moves, item, outstanding, rng) -> None:
        if rng.random() >= self.params.generosity:
            super().punish(moves, item, outstanding, rng)


@register
class GradualEscalation(TitForTat):
    """Punish the n-th hostile act with n steps, then calm down one step a round back to cooperation.

    Talks as Tit For Tat. Each new hostile act by a counterpart is answered with as many steps
    as that counterpart has committed hostile acts so far (1, 2, 3 ...); in every round with
    nothing new from it, one step of the punishment is taken back until none is left.

    Names: Gradual. Beaufils, Delahaye and Mathieu (1997), "Our meeting with gradual, a good
    strategy for the iterated prisoner's dilemma", Artificial Life V.
    """

    name = "gradual"
    reference = "Beaufils, Delahaye & Mathieu (1997), Artificial Life V: 202-209"
    memory = "the count of the counterpart's hostile acts, and its own outstanding punishment"

    def __init__(self, params=None):
        super().__init__(params)
        self._offences: dict[str, int] = {}

    def punish(self, moves, item, outstanding, rng) -> None:
        n = self._offences[item.actor] = self._offences.get(item.actor, 0) + 1
        for move in moves.answer(item, f"gradual: offence {n} by {item.actor}", rng, times=n):
            outstanding.append(move.instrument)

    def act(self, view, rng: np.random.Generator) -> list[Action]:
        moves = Moves(view)
        news = view.news()
        hostile_from = {item.actor for item in news if item.kind.hostile}
        for item in news:
            if item.kind.hostile:
                self.punish(moves, item, self._outstanding.setdefault(item.actor, []), rng)
        for actor, outstanding in self._outstanding.items():
            if actor not in hostile_from and outstanding:
                moves.relent(outstanding.pop(), f"gradual: calming down toward {actor}")
        return moves.actions


@register
class Grudger(TitForTat):
    """Cooperate until the first hostile act, then never again: no more talks, every act answered.

    Names: Grudger, grim trigger. Friedman (1971), "A non-cooperative equilibrium for
    supergames", Review of Economic Studies 38; Axelrod (1984).
    """

    name = "grudger"
    reference = "Friedman (1971), Review of Economic Studies 38(1): 1-12; Axelrod (1984)"
    memory = "whether the counterpart has ever been hostile"

    def __init__(self, params=None):
        super().__init__(params)
        self._grudges: set[str] = set()

    def propose(self, view, counterpart, rng) -> Offer | None:
        return None if counterpart in self._grudges else super().propose(view, counterpart, rng)

    def respond(self, view, offer, rng) -> Response:
        return Response.reject() if offer.proposer in self._grudges else super().respond(view, offer, rng)

    def act(self, view, rng: np.random.Generator) -> list[Action]:
        moves = Moves(view)
        for item in view.news():
            if item.kind.hostile:
                self._grudges.add(item.actor)
                moves.answer(item, f"grudger: {item.actor} is not forgiven", rng)
        return moves.actions

    def decide(self, view, threat: Threat, rng: np.random.Generator) -> ThreatDecision:
        """A threat against a counterpart it holds a grudge against is always carried out."""
        if threat.target in self._grudges:
            return ThreatDecision.CARRY_OUT
        return super().decide(view, threat, rng)

    def meet_condition(self, view, threat: Threat, rng: np.random.Generator) -> bool:
        return threat.threatener not in self._grudges and super().meet_condition(view, threat, rng)
