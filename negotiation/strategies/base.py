"""The one strategy interface, its registry, and moves that many strategies share."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from negotiation.strategies.moves import Action, Offer, Response, ResponseKind
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

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.model_dump().items())
        return f"{self.name}({args})"


class TargetStrategy(Strategy):
    """A strategy that aims, each round, for a utility `target` along its concession path.

    It offers the furthest package that still gives it the target, and accepts what is at least as
    good as its own next offer; subclasses say how the target moves.
    """

    @abstractmethod
    def target(self, view: View, counterpart: str) -> float:
        """The utility to hold out for this round."""

    def propose(self, view: View, counterpart: str, rng: np.random.Generator) -> Offer | None:
        return offer_at(view, counterpart, self.target(view, counterpart), self.params.duration)

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


def offer_at(view: View, counterpart: str, target: float, duration: int) -> Offer | None:
    """The furthest package along the concession path that still gives us `target`.

    Only packages our own coalition would ratify and that beat our reservation value qualify
    (a negotiator does not offer what its own leader would refuse: Putnam's win-set).
    """
    path = view.path(counterpart)
    values = view.values(path)
    reservation = view.reservation(counterpart)
    ok = (values >= target - 1e-12) & (values > reservation) & view.ratifiable(counterpart, path)
    candidates = np.flatnonzero(ok)
    if len(candidates) == 0:
        return None
    return view.make_offer(counterpart, path[candidates[-1]], duration)


def accept_or_counter(view: View, offer: Offer, my_offer: Offer | None) -> Response:
    """AC_next (Baarslag et al. 2014): accept what is at least as good as our own next offer."""
    mine = view.offer_value(my_offer) if my_offer is not None else None
    theirs = view.offer_value(offer)
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

    def set(self, instrument: str, level: float, reason: str) -> Action:
        self.planned[instrument] = level
        action = Action(instrument, level, reason)
        self.actions.append(action)
        return action

    def retaliate(self, counterpart: str, kind: str | None, reason: str) -> Action | None:
        """Raise one of our instruments aimed at `counterpart` by one step, in kind where we can.

        In kind first (a tariff for a tariff), otherwise the instrument our government cares
        most about; never past the instrument's maximum.
        """
        view = self.view
        options = [i for i in view.own_instruments(counterpart) if self.level(i) < view.bounds(i)[1]]
        if not options:
            return None
        same = [i for i in options if view.kind(i) == kind]
        return self.raise_step((same or sorted(options, key=lambda i: -view.salience(i)))[0], reason)

    def raise_step(self, instrument: str, reason: str) -> Action | None:
        """Raise one of our instruments by one step (not above its maximum)."""
        level, hi = self.level(instrument), self.view.bounds(instrument)[1]
        if level >= hi:
            return None
        return self.set(instrument, min(level + self.view.step(instrument), hi), reason)

    def relent(self, instrument: str, reason: str) -> Action | None:
        """Lower one of our instruments by one step (not below its minimum)."""
        level, lo = self.level(instrument), self.view.bounds(instrument)[0]
        if level <= lo:
            return None
        return self.set(instrument, max(level - self.view.step(instrument), lo), reason)
