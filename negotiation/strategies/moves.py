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
    answers: str | None = None  # the kind of hostile act this move answers (retaliation), if any


class ObservationKind(str, Enum):
    """What a government sees another do to it."""

    ESCALATION = "escalation"  # raised an instrument aimed at the observer
    DEESCALATION = "de-escalation"  # lowered one
    VIOLATION = "violation"  # broke a commitment, and the observer detected it
    AGREEMENT = "agreement"  # signed a package with the observer
    GOODWILL = "goodwill"  # a leaders' call or similar gesture
    SNAP_BACK = "snap-back"  # an agreement lapsed and its levels snapped back (scheduled, not hostile)
    # -- coercion (issue 11)
    THREAT = "threat"  # announced a dated measure with a condition (words, not yet an act)
    THREAT_CARRIED_OUT = "threat carried out"  # carried out a threatened measure: an escalation
    # -- shocks (issue 11)
    RULING = "ruling"  # a court (or the market) moved one of the actor's instruments: no one's act, neither side

    @property
    def hostile(self) -> bool:
        return self in (ObservationKind.ESCALATION, ObservationKind.VIOLATION, ObservationKind.THREAT_CARRIED_OUT)

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
    # -- coercion (issue 11): how big the act was, for proportionate answers and conditions to undo it
    steps: int = 1  # grid steps the instrument moved (a partial step at a bound counts as one)
    before: float | None = None  # the instrument's level before the act (for a violation: the committed level)


# ----------------------------------------------------------------------------- coercion (issue 11)


class ThreatCondition(str, Enum):
    """What the target must do for a threat to be lifted (Schelling's compellence: do this, or else)."""

    AGREEMENT = "agreement"  # sign an agreement with the threatener before the due round
    LOWER = "lower"  # lower one of its instruments to at most a level by the due round


class ThreatDecision(str, Enum):
    """What the threatener does at the due round when the condition is not met."""

    CARRY_OUT = "carry out"
    WALK_BACK = "walk back"


@dataclass(frozen=True)
class Threat:
    """A dated measure announced with a condition: `threatener` raises `instrument` (aimed at `target`)
    to `level` at `due_round` unless the condition is met; `publicity` (0 private .. 1 fully public)
    sets the audience cost of walking it back (Fearon 1994)."""

    threatener: str
    target: str
    instrument: str
    level: float
    made_round: int
    due_round: int
    condition: ThreatCondition
    publicity: float
    condition_instrument: str | None = None  # LOWER: the target's instrument to lower ...
    condition_level: float | None = None  # ... to at most this level
