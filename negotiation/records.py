"""What happens in a run, as records: observations governments react to, and the story log."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


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


class LogKind(str, Enum):
    EVENT = "event"
    OFFER = "offer"
    RESPONSE = "response"
    RATIFICATION = "ratification"
    AGREEMENT = "agreement"
    EXPIRY = "expiry"
    VIOLATION = "violation"
    DETECTION = "detection"
    ACTION = "action"
    NOTE = "note"


@dataclass(frozen=True)
class LogEntry:
    """One line of the run's story, with the data behind it for tables and the debrief."""

    round: int
    kind: LogKind
    text: str
    actor: str | None = None
    data: dict = field(default_factory=dict)
