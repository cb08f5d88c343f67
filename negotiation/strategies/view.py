"""What a strategy may know and ask: the read-only window a government's seat has on the game.

A protocol, as NegMAS gives negotiators a read-only interface object: the game implements it
(`negotiation.game.view.GovernmentView`), and strategies are written against it alone.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from negotiation.strategies.moves import Observation, Offer


class View(Protocol):
    """One government's seat: time and talks, instruments as it sees them, and valuations of packages."""

    name: str

    @property
    def round(self) -> int: ...

    def counterparts(self) -> list[str]: ...

    def talks_opened(self, counterpart: str) -> int:
        """The round the current episode of talks began."""
        ...

    def deadline(self, counterpart: str) -> int: ...

    def talks_failed(self, counterpart: str) -> bool:
        """Did talks with `counterpart` this round end without agreement?"""
        ...

    def offers_received(self, counterpart: str) -> tuple[Offer, ...]: ...

    def offers_made(self, counterpart: str) -> tuple[Offer, ...]: ...

    def news(self) -> tuple[Observation, ...]:
        """What others did to this government since its last turn to act."""
        ...

    def trust(self, counterpart: str) -> float: ...

    @property
    def readiness(self) -> float:
        """Influence-weighted stance of the officials: 0 dovish .. 1 ready to retaliate."""
        ...

    @property
    def levels(self) -> np.ndarray: ...

    def level(self, instrument: str) -> float: ...

    def own_instruments(self, target: str | None = None) -> list[str]: ...

    def bounds(self, instrument: str) -> tuple[float, float]: ...

    def step(self, instrument: str) -> float: ...

    def kind(self, instrument: str) -> str: ...

    def salience(self, instrument: str) -> float: ...

    def path(self, counterpart: str) -> np.ndarray:
        """The concession path from our best package to the counterpart's."""
        ...

    def values(self, levels: np.ndarray, who: str | None = None) -> np.ndarray: ...

    def offer_value(self, offer: Offer, who: str | None = None) -> float: ...

    def reservation(self, counterpart: str, who: str | None = None) -> float: ...

    def ratifiable(self, counterpart: str, levels: np.ndarray) -> np.ndarray: ...

    def make_offer(self, counterpart: str, levels: np.ndarray, duration: int) -> Offer: ...
