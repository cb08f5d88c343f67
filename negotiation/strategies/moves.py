"""The moves of the game as a strategy sees them: offers, responses, unilateral actions, and the
observations of what others did."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class Offer:
    """A package of target levels for instruments of both sides, with a duration in rounds.

    `stages` 2 implements it in two steps (half of each move at signing, the rest `interval` rounds
    later); `extends` names an agreement in force that the offer renews as it is, with a new clock.
    """

    proposer: str
    responder: str
    terms: tuple[tuple[str, float], ...]  # (instrument, level), in the scenario's instrument order
    duration: int
    round: int = 0  # when it was made
    stages: int = 1
    extends: str | None = None

    @property
    def levels(self) -> dict[str, float]:
        return dict(self.terms)


class ResponseKind(str, Enum):
    ACCEPT = "accept"
    REJECT = "reject"
    COUNTER = "counter"


@dataclass(frozen=True)
class Response:
    kind: ResponseKind
    counter: Offer | None = None

    @classmethod
    def accept(cls) -> Response:
        return cls(ResponseKind.ACCEPT)

    @classmethod
    def reject(cls) -> Response:
        return cls(ResponseKind.REJECT)


class ActionKind(str, Enum):
    ESCALATE = "escalate"
    DEESCALATE = "de-escalate"
    HOLD = "hold"


@dataclass(frozen=True)
class Action:
    """A unilateral move: set one of the government's own instruments to a new level."""

    instrument: str
    level: float
    reason: str = ""


class ObservationKind(str, Enum):
    """What a government sees another do to it."""

    ESCALATION = "escalation"  # raised an instrument aimed at the observer
    DEESCALATION = "de-escalation"  # lowered one
    VIOLATION = "violation"  # broke a commitment, and the observer detected it
    AGREEMENT = "agreement"  # signed a package with the observer
    GOODWILL = "goodwill"  # a leaders' call or similar gesture
    SNAP_BACK = "snap-back"  # an agreement lapsed and its levels snapped back (scheduled, not hostile)

    @property
    def hostile(self) -> bool:
        return self in (ObservationKind.ESCALATION, ObservationKind.VIOLATION)

    @property
    def friendly(self) -> bool:
        return self in (ObservationKind.DEESCALATION, ObservationKind.AGREEMENT, ObservationKind.GOODWILL)


@dataclass(frozen=True)
class Observation:
    round: int
    actor: str
    observer: str
    kind: ObservationKind
    instrument: str | None = None
    instrument_kind: str | None = None
