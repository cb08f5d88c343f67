"""What happens in a run, as records: the story log."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


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
