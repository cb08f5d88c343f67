"""The Mesa agents: governments and the officials inside them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from negotiation.scenario import GovernmentSpec, OfficialSpec, Role
from negotiation.strategies import Strategy
from negotiation.game.view import GovernmentView

if TYPE_CHECKING:  # pragma: no cover
    from negotiation.game.model import TradeTalksModel


class Official(mesa.Agent):
    """A person or body inside a government, with a role, an influence weight, preferences and traits.

    The official's stance (0 dovish .. 1 hawkish) starts at its hawkishness and moves with what
    counterparts do: hostile acts harden it, friendly ones soften it, impatient officials
    faster; between acts it relaxes back toward the trait.
    """

    def __init__(self, model: TradeTalksModel, spec: OfficialSpec, index: int):
        super().__init__(model)
        self.spec = spec
        self.name = spec.name
        self.government = spec.government
        self.role = spec.role
        self.index = index
        self.stance = spec.traits.hawkishness

    @property
    def is_leader(self) -> bool:
        return self.role is Role.LEADER

    def update_stance(self, hostile: int, friendly: int) -> None:
        """React to this round's hostile and friendly acts against the official's government."""
        d = self.model.config.dynamics
        traits = self.spec.traits
        stance = self.stance + d.stance_reactivity * (1 - traits.patience) * (hostile - friendly)
        stance += d.stance_relaxation * (traits.hawkishness - stance)
        self.stance = min(1.0, max(0.0, stance))


class Government(mesa.Agent):
    """A state actor: owns instruments, has officials, a strategy, and a read-only view of the game."""

    def __init__(self, model: TradeTalksModel, spec: GovernmentSpec, strategy: Strategy, index: int):
        super().__init__(model)
        self.spec = spec
        self.name = spec.name
        self.index = index
        self.strategy = strategy
        self.officials: list[Official] = []
        self.view = GovernmentView(model, spec.name)

    @property
    def leader(self) -> Official:
        return next(o for o in self.officials if o.is_leader)
