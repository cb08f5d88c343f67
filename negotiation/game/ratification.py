"""Ratification: a package binds a government only if its leader and enough of its influence back it.

The second level of Putnam's (1988) two-level game: officials vote by their own utilities of the
package against no deal, weighted by influence; a human in the leader's seat casts the leader's vote.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from negotiation.game.valuation import Valuation
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
    """A government's coalition vote on a package."""

    government: str
    ratified: bool
    support: float
    leader_approves: bool
    opposed: tuple[str, ...]


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


def ratifiable(values: Valuation, team: Team, h: str, levels: np.ndarray) -> np.ndarray:
    """For each row of levels (K, n_instr), would the team ratify it? (a forecast by utilities, vectorised)

    A human leader is asked only when a package is concluded, so the forecast assumes the leader
    votes by utility.
    """
    rows = np.atleast_2d(levels)
    off = values.package_utilities(rows)[0]
    no_deal = values.package_utilities(values.no_deal_levels(team.government, h)[None, :])[0][0]
    members = list(team.members)
    approve = off[:, members] > no_deal[members]
    support = approve @ values.prefs.influence[team.index, members]
    return approve[:, team.leader] & (support >= team.threshold - THRESHOLD_SLACK)


def vote(values: Valuation, team: Team, h: str, levels: np.ndarray, ratifier: Ratifier | None = None) -> Ratification:
    """The team's officials vote by influence: the leader must approve and support reach the threshold.

    A ratifier (a human leader) casts the leader's vote; the other officials still vote by their utilities.
    """
    g = team.government
    both = np.stack([np.asarray(levels, dtype=float), values.no_deal_levels(g, h)])
    off = values.package_utilities(both)[0]
    approves = {name: bool(off[0, k] > off[1, k]) for k, name in zip(team.members, team.names)}
    leader = team.names[team.leader]
    if ratifier is not None:
        approves[leader] = bool(ratifier(request(values, team, h, both, off)))
    support, opposed = 0.0, []
    for k, name in zip(team.members, team.names):
        if approves[name]:
            support += values.prefs.influence[team.index, k]
        else:
            opposed.append(name)
    ok = approves[leader] and support >= team.threshold - THRESHOLD_SLACK
    return Ratification(g, ok, float(support), approves[leader], tuple(opposed))


def request(values: Valuation, team: Team, h: str, both: np.ndarray, off: np.ndarray) -> RatificationRequest:
    influence = values.prefs.influence[team.index]
    return RatificationRequest(
        team.government, h, both[0].copy(), both[1].copy(),
        values={name: (float(off[0, k]), float(off[1, k])) for k, name in zip(team.members, team.names)},
        influence={name: float(influence[k]) for k, name in zip(team.members, team.names)},
        threshold=team.threshold,
    )
