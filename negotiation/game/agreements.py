"""Agreements in force: their commitments, staged implementation, expiry and record of compliance."""

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
class Step:
    """A later step of a staged agreement: the levels due at a round."""

    round: int
    levels: dict[str, float]
    done: bool = False


@dataclass
class Agreement:
    """An accepted offer in force: announced terms (the final levels), the levels committed so far, and what is still due.

    A staged agreement commits part of each move at signing and the rest at its steps' rounds;
    `committed` holds what each party must have implemented by now, `terms` what it announced.
    """

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
    # instruments a party has covertly kept or pushed above its commitment, not yet detected
    hidden_breaches: dict[str, set[str]] = field(default_factory=dict)
    committed: dict[str, float] = field(default_factory=dict)  # due by now; the terms unless staged
    breached_round: dict[str, int] = field(default_factory=dict)  # when each hidden breach began
    steps: list[Step] = field(default_factory=list)
    extends: str | None = None  # the agreement this one renewed as it was

    def __post_init__(self) -> None:
        if not self.committed:
            self.committed = dict(self.terms)

    @property
    def in_force(self) -> bool:
        return self.status is AgreementStatus.IN_FORCE

    @property
    def staged(self) -> bool:
        return bool(self.steps)

    def rounds_left(self, round_: int) -> int:
        return self.expiry_round - round_

    def other(self, party: str) -> str:
        return self.parties[1] if party == self.parties[0] else self.parties[0]
