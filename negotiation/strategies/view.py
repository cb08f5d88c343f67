"""What a strategy may know and ask: the read-only window a government's seat has on the game.

A protocol, as NegMAS gives negotiators a read-only interface object: the game implements it
(`negotiation.game.view.GovernmentView`), and strategies are written against it alone. Values are
private: a seat knows its own side's true values and only its beliefs about a counterpart's.

Packages with a counterpart are rows of `packages(counterpart)`: levels of the pair's instruments
(`instruments(counterpart)`), every combination of their grids; the value arrays below are indexed
like them.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from negotiation.strategies.moves import Observation, Offer, Threat, ThreatCondition


class View(Protocol):
    """One government's seat: time and talks, instruments as it sees them, and values of packages."""

    name: str

    # -- time and talks
    @property
    def round(self) -> int: ...

    def counterparts(self) -> list[str]: ...

    def talks_opened(self, counterpart: str) -> int:
        """The round the current episode of talks began."""
        ...

    def deadline(self, counterpart: str) -> int | None:
        """The round by which we must agree, if the game gives one."""
        ...

    def horizon(self, counterpart: str) -> float:
        """How many rounds we expect this episode to last from its opening (to the deadline, or by discounting)."""
        ...

    def talks_failed(self, counterpart: str) -> bool:
        """Did talks with `counterpart` this round end without agreement?"""
        ...

    def offers_received(self, counterpart: str) -> tuple[Offer, ...]: ...

    def offers_made(self, counterpart: str) -> tuple[Offer, ...]: ...

    def agreement(self, counterpart: str) -> Any:
        """The agreement in force with `counterpart` (name, terms, expiry_round, ...), or None."""
        ...

    def expiring(self, counterpart: str) -> bool:
        """Is the agreement with `counterpart` close enough to its expiry to renew or renegotiate?"""
        ...

    def stages(self, counterpart: str) -> int:
        """In how many steps we would implement an agreement with `counterpart` (2 when trust is low)."""
        ...

    def news(self) -> tuple[Observation, ...]:
        """What others did to this government since its last turn to act."""
        ...

    def trust(self, counterpart: str) -> float: ...

    @property
    def readiness(self) -> float:
        """Influence-weighted stance of the officials: 0 dovish .. 1 ready to retaliate."""
        ...

    # -- instruments
    @property
    def levels(self) -> np.ndarray: ...

    def level(self, instrument: str) -> float: ...

    def own_instruments(self, target: str | None = None) -> list[str]: ...

    def bounds(self, instrument: str) -> tuple[float, float]: ...

    def step(self, instrument: str) -> float: ...

    def kind(self, instrument: str) -> str: ...

    def coercive(self, instrument: str) -> bool:
        """A measure held against the target (raising it is hostile), not a concession such as purchases."""
        ...

    def salience(self, instrument: str) -> float: ...

    # -- packages and their values
    def instruments(self, counterpart: str) -> list[str]: ...

    def packages(self, counterpart: str) -> np.ndarray: ...

    def status_quo(self, counterpart: str) -> np.ndarray: ...

    def my_values(self, counterpart: str) -> np.ndarray:
        """Our true utility of every package."""
        ...

    def their_values(self, counterpart: str) -> np.ndarray:
        """What we believe every package is worth to the counterpart."""
        ...

    def reservation(self, counterpart: str) -> float:
        """Our utility of no deal."""
        ...

    def their_reservation(self, counterpart: str) -> float: ...

    def ratifiable(self, counterpart: str, rows: np.ndarray | None = None) -> np.ndarray:
        """Our forecast of the chance our own coalition ratifies each package (or the packages in `rows`)."""
        ...

    def acceptance(self, counterpart: str) -> np.ndarray:
        """Our belief of the chance the counterpart accepts and ratifies each package."""
        ...

    def value_of(self, offer: Offer) -> float: ...

    def their_value_of(self, offer: Offer) -> float: ...

    def offer(self, counterpart: str, pair_levels: np.ndarray, duration: int, *, stages: int = 1,
              extends: str | None = None) -> Offer: ...

    # -- coercion (issue 11): threats and the retaliation menu
    @property
    def menu(self) -> Any:
        """Our scenario's retaliation menu: `rules` (each with `answers`, `using`, `proportion`, `caps`) and
        `stance_weight`, how strongly our officials' readiness scales every answer (0: not at all)."""
        ...

    @property
    def threat_policy(self) -> Any:
        """How our government threatens: `propensity`, `publicity`, `lead_rounds`, `audience_cost`, `max_steps`."""
        ...

    def threats(self) -> tuple[Threat, ...]:
        """Threats pending between us and any counterpart, ours and theirs."""
        ...

    def credibility(self, threat: Threat) -> float:
        """The chance the target believes the threat will be carried out if its condition is not met."""
        ...

    def audience_cost(self, threat: Threat) -> float:
        """What walking back `threat` would cost the threatener's government in utility (its leader pays it)."""
        ...

    @property
    def decision_noise(self) -> float:
        """The spread of a decision's value no one foresees (the scenario's response noise)."""
        ...

    def what_if(self, counterpart: str, changes: list[dict[str, float]]) -> tuple[np.ndarray, np.ndarray]:
        """Our true utility, and our belief of the counterpart's, of the pair's instruments as they stand with
        each of `changes` ({instrument: level}) made, with no deal between us: two arrays (len(changes),)."""
        ...

    def threat(self, counterpart: str, instrument: str, level: float, condition: ThreatCondition,
               condition_instrument: str | None = None, condition_level: float | None = None) -> Threat:
        """A threat to `counterpart`, dated and as public as our policy says."""
        ...
