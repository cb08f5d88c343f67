"""Agreements in force: their commitments, expiry and record of compliance."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from negotiation.scenario import ExpiryRule


class AgreementStatus(str, Enum):
    IN_FORCE = "in force"
    EXPIRED = "expired"
    BROKEN = "broken"
    SUPERSEDED = "superseded"


@dataclass
class Agreement:
    """An accepted offer in force, with its commitments, expiry and record of compliance."""

    name: str
    parties: tuple[str, str]
    terms: dict[str, float]
    signed_round: int
    expiry_round: int
    on_expiry: ExpiryRule = ExpiryRule.SNAP_BACK
    snap_back: dict[str, float] = field(default_factory=dict)
    extension_rounds: int = 0
    extensions_left: int = 0
    interim: bool = False  # a truce: talks go on while it is in force
    status: AgreementStatus = AgreementStatus.IN_FORCE
    breached_by: str | None = None
    # instruments a party has covertly pushed above its commitment, not yet detected
    hidden_breaches: dict[str, set[str]] = field(default_factory=dict)

    @property
    def in_force(self) -> bool:
        return self.status is AgreementStatus.IN_FORCE

    def rounds_left(self, round_: int) -> int:
        return self.expiry_round - round_

    def other(self, party: str) -> str:
        return self.parties[1] if party == self.parties[0] else self.parties[0]
