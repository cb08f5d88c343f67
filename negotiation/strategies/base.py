"""The one strategy interface, its registry, and moves that many strategies share."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

import negotiation.strategies.retaliation as retaliation
import negotiation.strategies.threats as threats
from negotiation.strategies.moves import Action, Observation, Offer, Response, ResponseKind, Threat, ThreatDecision
from negotiation.strategies.view import View


class StrategyParams(BaseModel):
    """Typed, validated parameters of a strategy; unknown names are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)

    duration: int = Field(13, strict=True, ge=1, le=520, description="Rounds an offered agreement lasts.")


class Strategy(ABC):
    """How a government proposes, responds and acts. Sees only its View.

    Subclasses set `name`, `Params`, metadata and a literature `reference`, and are registered
    with `@register`. Everything random draws from the `rng` passed in (the model's generator).
    """

    name: ClassVar[str]
    Params: ClassVar[type[StrategyParams]] = StrategyParams
    reference: ClassVar[str] = ""
    stochastic: ClassVar[bool] = False
    concedes: ClassVar[bool] = True
    retaliates: ClassVar[bool] = True
    memory: ClassVar[str] = "none"

    def __init__(self, params: StrategyParams | None = None):
        self.params = params if params is not None else self.Params()

    @abstractmethod
    def propose(self, view: View, counterpart: str, rng: np.random.Generator) -> Offer | None:
        """The offer to make to `counterpart` this round, or None to make none."""

    @abstractmethod
    def respond(self, view: View, offer: Offer, rng: np.random.Generator) -> Response:
        """ACCEPT, REJECT or COUNTER (with an offer) to `offer`."""

    def act(self, view: View, rng: np.random.Generator) -> list[Action]:
        """Unilateral moves on the government's own instruments this round (none by default)."""
        return []

    # -- coercion (issue 11): threats; the shared moves are in `strategies/threats.py`

    def threaten(self, view: View, counterpart: str, rng: np.random.Generator) -> Threat | None:
        """A threat to announce to `counterpart` this round, or None (by default: as ready as our officials)."""
        return threats.make_threat(view, counterpart, rng, eagerness=view.readiness)

    def decide(self, view: View, threat: Threat, rng: np.random.Generator) -> ThreatDecision:
        """At its date, with its condition unmet: carry out our threat or walk it back (by its value and the audience cost)."""
        return threats.decide(view, threat, rng)

    def meet_condition(self, view: View, threat: Threat, rng: np.random.Generator) -> bool:
        """Give in to a threat against us (meet its condition now)? By default when that beats defying it."""
        return threats.meet_condition(view, threat)

    def allows_official_move(self, view: View, official: str, instrument: str, level: float) -> bool | None:
        """May `official` move `instrument` to `level` on its own, within its mandate? None: nobody is asked, the
        official acts (a bot's officials; the domestic phase draws whether they do). A person's seat is asked
        first and answers True or False (issue 15)."""
        return None

    def keeps_commitments(self, view: View) -> bool:
        """Does this government keep its commitments unless it decides otherwise in `act`? Bots may break them
        quietly, as their officials' traits draw (compliance); a person's seat is never broken for them."""
        return False

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.model_dump().items())
        return f"{self.name}({args})"


class TargetStrategy(Strategy):
    """A strategy that aims, each round, for a utility `target`, and offers the package the counterpart
    is believed to like best among those that give it the target (the trade-off tactic).

    It accepts what is at least as good as its own next offer (AC_next); near an agreement's expiry
    it offers to extend the agreement as it is when that serves it as well as a new package would;
    subclasses say how the target moves.
    """

    @abstractmethod
    def target(self, view: View, counterpart: str) -> float:
        """The utility to hold out for this round."""

    def propose(self, view: View, counterpart: str, rng: np.random.Generator) -> Offer | None:
        target = self.target(view, counterpart)
        offer = offer_at(view, counterpart, target, self.params.duration)
        return extension_or(view, counterpart, target, offer, self.params.duration)

    def respond(self, view: View, offer: Offer, rng: np.random.Generator) -> Response:
        return accept_or_counter(view, offer, self.propose(view, offer.proposer, rng))


STRATEGIES: dict[str, type[Strategy]] = {}


def register(cls: type[Strategy]) -> type[Strategy]:
    """Class decorator: make a strategy available to scenarios by its `name`."""
    if cls.name in STRATEGIES:
        raise ValueError(f"strategy name {cls.name!r} registered twice")
    STRATEGIES[cls.name] = cls
    return cls


def make_strategy(name: str, params: dict) -> Strategy:
    cls = STRATEGIES[name]
    return cls(cls.Params.model_validate(params))


# ----------------------------------------------------------------------------- shared moves


RATIFY_CHANCE = 0.5  # a negotiator offers only what its own coalition is more likely than not to ratify
TOP = 256  # packages tried first when looking for the best one that would pass at home


def eligible(view: View, counterpart: str, mask: np.ndarray | None = None) -> np.ndarray:
    """Indices of the packages we could offer (among `mask`): worth more to us than no deal, and likely to pass
    our own coalition (a negotiator does not offer what its own leader would refuse: Putnam's win-set)."""
    better = view.my_values(counterpart) > view.reservation(counterpart)
    rows = np.flatnonzero(better if mask is None else better & mask)
    return rows[view.ratifiable(counterpart, rows) >= RATIFY_CHANCE]


def best_value(view: View, counterpart: str) -> float:
    """Our utility of the best package we could offer (our reservation if there is none)."""
    mine = view.my_values(counterpart)
    reservation = view.reservation(counterpart)
    top = np.argpartition(-mine, min(TOP, len(mine) - 1))[:TOP]  # the forecast is costly: try the best packages first
    for rows in (top, np.arange(len(mine))):
        rows = rows[mine[rows] > reservation]
        passing = rows[view.ratifiable(counterpart, rows) >= RATIFY_CHANCE]
        if len(passing):
            return float(mine[passing].max())
    return reservation


def choose(view: View, counterpart: str, target: float) -> int | None:
    """The trade-off tactic (Faratin, Sierra and Jennings 2002): among the packages that give us at least
    `target`, the one we believe the counterpart likes best (ties: the one we like best). None if none."""
    mine, theirs = view.my_values(counterpart), view.their_values(counterpart)
    candidates = eligible(view, counterpart, mine >= target - 1e-12)
    if len(candidates) == 0:
        return None
    return int(candidates[np.lexsort((-mine[candidates], -theirs[candidates]))[0]])


def offer_at(view: View, counterpart: str, target: float, duration: int) -> Offer | None:
    """Our offer for a target: the chosen package, staged if we trust the counterpart too little to move at once."""
    k = choose(view, counterpart, target)
    if k is None:
        return None
    return view.offer(counterpart, view.packages(counterpart)[k], duration, stages=view.stages(counterpart))


def extension_or(view: View, counterpart: str, target: float, offer: Offer | None, duration: int) -> Offer | None:
    """Near an agreement's expiry, offer to extend it as it is when that meets our target and we believe the
    counterpart likes it at least as much as our package; otherwise the package."""
    agreement = view.agreement(counterpart)
    if agreement is None or not view.expiring(counterpart):
        return offer
    as_is = view.status_quo(counterpart)
    extension = view.offer(counterpart, as_is, duration, extends=agreement.name)
    worth = view.value_of(extension)
    if worth < target - 1e-12 or worth <= view.reservation(counterpart):
        return offer
    if offer is not None and view.their_value_of(extension) < view.their_value_of(offer):
        return offer
    return extension


def accept_or_counter(view: View, offer: Offer, my_offer: Offer | None) -> Response:
    """AC_next (Baarslag et al. 2014): accept what is at least as good as our own next offer."""
    mine = view.value_of(my_offer) if my_offer is not None else None
    theirs = view.value_of(offer)
    if theirs > view.reservation(offer.proposer) and (mine is None or theirs >= mine - 1e-12):
        return Response.accept()
    if my_offer is not None:
        return Response(ResponseKind.COUNTER, my_offer)
    return Response.reject()


class Moves:
    """The unilateral moves a strategy plans in one round, each step counted from the last.

    Two retaliations in one round on the same instrument raise it two steps, not one.
    """

    def __init__(self, view: View):
        self.view = view
        self.planned: dict[str, float] = {}
        self.actions: list[Action] = []

    def level(self, instrument: str) -> float:
        return self.planned.get(instrument, self.view.level(instrument))

    def set(self, instrument: str, level: float, reason: str, answers: str | None = None) -> Action:
        self.planned[instrument] = level
        action = Action(instrument, level, reason, answers)
        self.actions.append(action)
        return action

    def retaliate(self, counterpart: str, kind: str | None, reason: str, rule=None,
                  answers: str | None = None) -> Action | None:
        """Raise one of our instruments aimed at `counterpart` by one step.

        Under a retaliation `rule`, the first kind in its `using` list still below its cap (never past it);
        without one, in kind where we can (a tariff for a tariff), otherwise the instrument our government
        cares most about, never past the instrument's maximum.
        """
        if rule is None:
            name = retaliation.default_choice(self.view, self.level, counterpart, kind)
            return None if name is None else self.raise_step(name, reason, answers)
        chosen = retaliation.choose(self.view, self.level, counterpart, rule)
        if chosen is None:
            return None
        name, top = chosen
        return self.set(name, min(self.level(name) + self.view.step(name), top), reason, answers)

    def answer(self, item: Observation, reason: str, rng: np.random.Generator, times: float = 1.0) -> list[Action]:
        """Answer a hostile act as our retaliation menu says, `times` over, scaled by our officials' readiness.

        A rule answers `proportion` steps per step of the act (one step without a rule); the answer is
        scaled by `retaliation.intensity` (1 when the menu's stance_weight is 0) and made whole at random.
        """
        view = self.view
        kinds = retaliation.act_kinds(item)
        rule = retaliation.rule_for(view.menu, kinds)
        size = (rule.proportion * item.steps if rule is not None else 1.0) * times
        out: list[Action] = []
        for _ in range(retaliation.whole(size * retaliation.intensity(view.readiness, view.menu.stance_weight), rng)):
            move = self.retaliate(item.actor, item.instrument_kind, reason, rule, kinds[0] if kinds else None)
            if move is not None:
                out.append(move)
        return out

    def press(self, counterpart: str, reason: str, rng: np.random.Generator) -> list[Action]:
        """Pressure after failed talks: steps on the instrument we care most about, as many as our readiness says."""
        steps = retaliation.whole(retaliation.intensity(self.view.readiness, self.view.menu.stance_weight), rng)
        moves = [self.retaliate(counterpart, None, reason) for _ in range(steps)]
        return [m for m in moves if m is not None]

    def raise_step(self, instrument: str, reason: str, answers: str | None = None) -> Action | None:
        """Raise one of our instruments by one step (not above its maximum)."""
        level, hi = self.level(instrument), self.view.bounds(instrument)[1]
        if level >= hi:
            return None
        return self.set(instrument, min(level + self.view.step(instrument), hi), reason, answers)

    def relent(self, instrument: str, reason: str) -> Action | None:
        """Lower one of our instruments by one step (not below its minimum)."""
        level, lo = self.level(instrument), self.view.bounds(instrument)[0]
        if level <= lo:
            return None
        return self.set(instrument, max(level - self.view.step(instrument), lo), reason)
