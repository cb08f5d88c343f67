"""What the phases, the views and the agents may use of the game: the model, seen structurally.

The Mesa model implements this protocol; the phases, the strategies' view and the agents are
written against it, so that none of them imports the model (no import cycle, not even for types).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from negotiation.game.agenda import Agenda
from negotiation.game.economy import Economy
from negotiation.game.ratification import Ratifier, Team
from negotiation.game.state import GameState, Index
from negotiation.game.valuation import Valuation
from negotiation.scenario import OfficialSpec, Scenario
from negotiation.strategies import Strategy
from negotiation.strategies.view import View


class OfficialLike(Protocol):
    name: str
    index: int
    spec: OfficialSpec
    weight: float  # share of the government's influence
    stance: float

    def update_stance(self, hostile: int, friendly: int) -> None: ...


class GovernmentLike(Protocol):
    name: str
    index: int
    strategy: Strategy
    view: View
    team: Team
    ratifier: Ratifier | None

    @property
    def officials(self) -> Sequence[OfficialLike]: ...

    @property
    def readiness(self) -> float: ...


class Game(Protocol):
    """The game as its phases see it: configuration, state, valuation, economy, agents and randomness."""

    config: Scenario
    index: Index
    state: GameState
    values: Valuation
    economy: Economy
    agenda: Agenda
    rng: np.random.Generator
    rounds: int
    governments: Mapping[str, GovernmentLike]
    officials: Sequence[OfficialLike]  # in the scenario's order
