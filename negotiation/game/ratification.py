"""Ratification: a package binds a government only if its leader and enough of its influence back it.

The second level of Putnam's (1988) two-level game. Each official votes for a package if it is
worth more to it than no deal, give or take a shock of domestic politics no one foresees exactly
(`information.ratification_noise`): so a proposer can only forecast its own coalition's vote, and
misjudge the other side's, whose values it knows only as beliefs. A human in the leader's seat
casts the leader's vote.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr  # the normal CDF (Mesa loads scipy already)

from negotiation.scenario import Role, Scenario

THRESHOLD_SLACK = 1e-12  # support equal to the threshold passes despite rounding


@dataclass(frozen=True)
class Team:
    """A government's officials as ratification sees them: who votes, with what weight, who leads."""

    government: str
    index: int
    members: tuple[int, ...]  # the officials' indices, in the scenario's order
    names: tuple[str, ...]
    leader: int  # position of the leader within `members`
    threshold: float

    @classmethod
    def of(cls, s: Scenario, government: str) -> Team:
        members = [(k, o) for k, o in enumerate(s.officials) if o.government == government]
        leader = next(i for i, (_, o) in enumerate(members) if o.role is Role.LEADER)
        return cls(
            government=government,
            index=[g.name for g in s.governments].index(government),
            members=tuple(k for k, _ in members),
            names=tuple(o.name for _, o in members),
            leader=leader,
            threshold=s.government(government).ratification_threshold,
        )


@dataclass(frozen=True)
class Ratification:
    """A government's coalition vote on a package: each official's value of it and of no deal, and its vote."""

    government: str
    ratified: bool
    support: float
    leader_approves: bool
    opposed: tuple[str, ...]
    values: tuple[tuple[str, float, float], ...] = ()  # (official, value of the package, of no deal)


@dataclass(frozen=True)
class RatificationRequest:
    """What a human leader is asked to ratify: the package, and what it is worth to each official."""

    government: str
    counterpart: str
    levels: np.ndarray  # every instrument's level if the package binds
    no_deal: np.ndarray  # every instrument's level if it does not
    values: dict[str, tuple[float, float]]  # official -> (utility of the package, of no deal)
    influence: dict[str, float]  # official -> share of the government's influence
    threshold: float  # share of influence that must back the package


Ratifier = Callable[[RatificationRequest], bool]


def approval(gain: np.ndarray, noise: float) -> np.ndarray:
    """Chance an official votes for a package worth `gain` more to it than no deal."""
    if noise <= 0:
        return (gain > 0).astype(float)
    return ndtr(gain / noise)


def chance(gain: np.ndarray, influence: np.ndarray, leader: int, threshold: float, noise: float) -> np.ndarray:
    """Chance a coalition ratifies: gains (..., n) over no deal, influence (..., n) -> (...,).

    The leader must approve and the support (influence of those for) reach the threshold; support
    is approximated as normal with the votes' mean and variance (exact when there is no noise).
    """
    p = approval(gain, noise)
    mean = (p * influence).sum(-1)
    sd = np.sqrt((influence ** 2 * p * (1 - p)).sum(-1))
    margin = mean - threshold + THRESHOLD_SLACK
    enough = np.where(sd > 1e-9, ndtr(margin / np.maximum(sd, 1e-9)), (margin >= 0).astype(float))
    return p[..., leader] * enough


def vote(team: Team, values: np.ndarray, no_deal: np.ndarray, influence: np.ndarray, noise: float = 0.0,
         rng: np.random.Generator | None = None, ask: Callable[[], bool] | None = None) -> Ratification:
    """The coalition's vote: each official's value (n,) against no deal (n,), plus a shock of domestic politics.

    With no noise (or no generator) the vote is what the values say; `ask` (a human leader) casts
    the leader's vote instead.
    """
    if noise > 0 and rng is not None:
        shock = rng.normal(0.0, noise, len(team.members))
    else:
        shock = np.zeros(len(team.members))
    approves = list(values - no_deal + shock > 0)
    if ask is not None:
        approves[team.leader] = bool(ask())
    support = float(sum(w for w, yes in zip(influence, approves) if yes))
    opposed = tuple(name for name, yes in zip(team.names, approves) if not yes)
    ok = bool(approves[team.leader]) and support >= team.threshold - THRESHOLD_SLACK
    detail = tuple((name, float(v), float(n)) for name, v, n in zip(team.names, values, no_deal))
    return Ratification(team.government, ok, support, bool(approves[team.leader]), opposed, detail)
