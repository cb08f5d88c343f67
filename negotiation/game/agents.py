"""The Mesa agents: governments and the officials inside them."""

from __future__ import annotations

import mesa

from negotiation.game.ratification import Ratifier, Team
from negotiation.scenario import DynamicsSpec, GovernmentSpec, OfficialSpec, Role
from negotiation.strategies import Strategy
from negotiation.strategies.view import View


class Official(mesa.Agent):
    """A person or body inside a government, with a role, an influence weight, preferences and traits.

    The official's stance (0 dovish .. 1 hawkish) starts at its hawkishness and moves with what
    counterparts do: hostile acts harden it, friendly ones soften it, impatient officials
    faster; between acts it relaxes back toward the trait.
    """

    def __init__(self, model: mesa.Model, spec: OfficialSpec, index: int, weight: float, dynamics: DynamicsSpec):
        super().__init__(model)
        self.spec = spec
        self.name = spec.name
        self.government = spec.government
        self.role = spec.role
        self.index = index
        self.weight = weight  # share of the government's influence
        self.stance = spec.traits.hawkishness
        self._dynamics = dynamics

    @property
    def is_leader(self) -> bool:
        return self.role is Role.LEADER

    def update_stance(self, hostile: int, friendly: int) -> None:
        """React to this round's hostile and friendly acts against the official's government."""
        d = self._dynamics
        traits = self.spec.traits
        stance = self.stance + d.stance_reactivity * (1 - traits.patience) * (hostile - friendly)
        stance += d.stance_relaxation * (traits.hawkishness - stance)
        self.stance = min(1.0, max(0.0, stance))


class Government(mesa.Agent):
    """A state actor: owns instruments, has officials, a strategy, and a read-only view of the game."""

    def __init__(self, model: mesa.Model, spec: GovernmentSpec, strategy: Strategy, index: int, team: Team,
                 ratifier: Ratifier | None = None):
        super().__init__(model)
        self.spec = spec
        self.name = spec.name
        self.index = index
        self.strategy = strategy
        self.team = team
        self.ratifier = ratifier  # a human in the leader's seat casts the leader's vote
        self.officials: list[Official] = []
        self.view: View  # set by the model once the view exists

    @property
    def leader(self) -> Official:
        return next(o for o in self.officials if o.is_leader)

    @property
    def readiness(self) -> float:
        """Influence-weighted stance of the officials: 0 dovish .. 1 ready to retaliate."""
        return float(sum(o.weight * o.stance for o in self.officials))
