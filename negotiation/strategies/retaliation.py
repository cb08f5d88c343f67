"""Retaliation menus: which of a government's instruments answer which hostile acts, how much, up to where.

A scenario gives each government rules (`View.menu`): the hostile acts a rule answers (an
instrument kind, 'violation', 'threat' for a threat carried out, or 'any'), the government's
instrument kinds that answer, in order of preference, a proportion (steps of answer per step of
provocation) and caps (an answering instrument is not raised past its cap; the next kind in the
list answers instead). Proportionate reciprocity is Axelrod's (1984, "The Evolution of
Cooperation"): answer in measure, so that a spiral can stop; caps and the switch of instrument
are how real governments stop matching one measure and answer with another.

An act no rule answers gets the default answer: one step, in kind where the government can, else
on the instrument it cares most about. Every answer, whatever the strategy, is scaled by the
officials' readiness (their influence-weighted stance) through the menu's `stance_weight`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from negotiation.strategies.moves import Observation, ObservationKind
from negotiation.strategies.view import View

ANY, VIOLATION, THREAT = "any", "violation", "threat"
EPS = 1e-9


def act_kinds(item: Observation) -> tuple[str, ...]:
    """What a hostile act counts as, most specific first: a violation or a threat carried out, then its instrument's kind."""
    head = {ObservationKind.VIOLATION: (VIOLATION,), ObservationKind.THREAT_CARRIED_OUT: (THREAT,)}.get(item.kind, ())
    return head + ((item.instrument_kind,) if item.instrument_kind else ())


def rule_for(menu: Any, kinds: tuple[str, ...]) -> Any | None:
    """The rule that answers an act of these kinds: the first rule naming the most specific kind, else 'any'."""
    for kind in kinds + (ANY,):
        for rule in menu.rules:
            if kind in rule.answers:
                return rule
    return None


def intensity(readiness: float, stance_weight: float) -> float:
    """How strongly to answer: 1 at readiness 0.5, from 1 - stance_weight (fully dovish) to 1 + stance_weight."""
    return max(0.0, 1.0 + stance_weight * (2.0 * readiness - 1.0))


def whole(size: float, rng: np.random.Generator) -> int:
    """An answer's size as whole steps: a fractional part is one more step with that chance (no draw when whole)."""
    n = math.floor(size + EPS)
    if size - n > EPS and rng.random() < size - n:
        n += 1
    return n


def cap(view: View, rule: Any, instrument: str) -> float:
    """How high `rule` lets an instrument go in retaliation: its cap (by name, else by kind), at most its maximum."""
    top = view.bounds(instrument)[1]
    limit = rule.caps.get(instrument, rule.caps.get(view.kind(instrument)))
    return top if limit is None else min(top, limit)


def choose(view: View, level: Callable[[str], float], counterpart: str, rule: Any) -> tuple[str, float] | None:
    """The instrument that answers next under `rule`, and how high it may go: the first kind in `using` below its cap."""
    own = {view.kind(name): name for name in view.own_instruments(counterpart) if view.coercive(name)}
    for kind in rule.using:
        name = own.get(kind)
        if name is not None and level(name) < cap(view, rule, name) - EPS:
            return name, cap(view, rule, name)
    return None


def default_choice(view: View, level: Callable[[str], float], counterpart: str, kind: str | None) -> str | None:
    """Without a rule: in kind where we can (a tariff for a tariff), else the coercive instrument we care most
    about (raising a purchase commitment would be a gift, not an answer)."""
    options = [name for name in view.own_instruments(counterpart)
               if view.coercive(name) and level(name) < view.bounds(name)[1]]
    if not options:
        return None
    same = [name for name in options if view.kind(name) == kind]
    return (same or sorted(options, key=lambda name: -view.salience(name)))[0]
