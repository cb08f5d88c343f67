"""Threats in the game's state: each announced threat, its status and credibility, and each government's record.

A threat's credibility is the target's belief that it will be carried out if its condition is not
met: the threatener's record, by Laplace's rule of succession, (carried out + 1) / (carried out +
walked back + 2), times the target's belief that the threatener would rather carry it out than pay
the audience cost of backing down (`phases/threats.py` computes it). No deal between the pair is
then a lottery over the pair's pending threats, each carried out with its credibility
(`valuation.py`), so a credible threat lowers the target's reservation value and makes concessions
worth more to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from negotiation.strategies.moves import Threat


class ThreatStatus(str, Enum):
    PENDING = "pending"
    LIFTED = "lifted"  # its condition was met (or an agreement settled it): a success, at no cost
    CARRIED_OUT = "carried out"
    WALKED_BACK = "walked back"


@dataclass
class ThreatState:
    """An announced threat as the game keeps it: its terms, the target's credibility of it, its status."""

    threat: Threat
    credibility: float
    status: ThreatStatus = ThreatStatus.PENDING

    @property
    def pending(self) -> bool:
        return self.status is ThreatStatus.PENDING

    def between(self, a: str, b: str) -> bool:
        return {self.threat.threatener, self.threat.target} == {a, b}


@dataclass
class ThreatRecord:
    """A government's record of threats: the evidence its credibility is learnt from."""

    carried_out: int = 0
    walked_back: int = 0

    @property
    def laplace(self) -> float:
        """Laplace's rule of succession: the chance its next threat is carried out, on its record alone."""
        return (self.carried_out + 1) / (self.carried_out + self.walked_back + 2)


def lottery(pending: list[ThreatState], names: list[str], row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """No deal as a lottery over the pair's pending threats: rows (2^n, m) of the pair's levels, with their chances.

    Each threat is carried out (its instrument raised to the threatened level, if not already above
    it) with its credibility, independently of the others.
    """
    rows, weights = [np.asarray(row, dtype=float)], [1.0]
    for ts in pending:
        j = names.index(ts.threat.instrument)
        carried = [r.copy() for r in rows]
        for r in carried:
            r[j] = max(r[j], ts.threat.level)
        c = ts.credibility
        weights = [w * (1.0 - c) for w in weights] + [w * c for w in weights]
        rows = rows + carried
    return np.array(rows), np.array(weights)
