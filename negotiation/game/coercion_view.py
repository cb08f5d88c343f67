"""The coercion part of a government's view (issue 11): its threat policy and retaliation menu, the threats
pending between it and its counterparts, and what a measure would be worth.

A mixin of `view.GovernmentView`, kept apart so that each class stays small; it uses the view's
`_game`, `name`, `round`, `_coercion`, `instruments` and `status_quo`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from negotiation.strategies.moves import Threat, ThreatCondition

if TYPE_CHECKING:
    from negotiation.game.protocol import Game
    from negotiation.scenario import CoercionSpec


class CoercionView:
    """Threats and retaliation as one government's seat sees them (part of `strategies.View`)."""

    if TYPE_CHECKING:  # what the mixin uses of `view.GovernmentView`, which sets or defines each of them
        _game: Game
        name: str
        _coercion: CoercionSpec

        @property
        def round(self) -> int: ...
        def instruments(self, counterpart: str) -> list[str]: ...
        def status_quo(self, counterpart: str) -> np.ndarray: ...

    @property
    def menu(self):
        """Our retaliation menu (`RetaliationSpec`): rules, and how strongly readiness scales each answer."""
        return self._coercion.retaliation

    @property
    def threat_policy(self):
        """How we threaten (`ThreatsSpec`): propensity, publicity, lead time, audience cost, largest measure."""
        return self._coercion.threats

    def threats(self) -> tuple[Threat, ...]:
        """Threats pending between us and any counterpart, ours and theirs (threats are announced: no secrets)."""
        return tuple(t.threat for t in self._game.state.threats if t.pending and self.name in
                     (t.threat.threatener, t.threat.target))

    def credibility(self, threat: Threat) -> float:
        """The target's belief that `threat` will be carried out if its condition is not met."""
        return next(t.credibility for t in self._game.state.threats if t.threat == threat)

    def audience_cost(self, threat: Threat) -> float:
        """What walking `threat` back would cost the threatener's government, in utility."""
        return self._game.config.government(threat.threatener).coercion.threats.audience_cost * threat.publicity

    @property
    def decision_noise(self) -> float:
        return self._game.config.information.response_noise

    def what_if(self, counterpart: str, changes: list[dict[str, float]]) -> tuple[np.ndarray, np.ndarray]:
        """Our true utility, and our belief of `counterpart`'s, of the pair as it stands with each of `changes`
        made ({instrument: level}), valued as no deal: two arrays (len(changes),)."""
        names = self.instruments(counterpart)
        rows = np.repeat(self.status_quo(counterpart)[None, :], len(changes), axis=0)
        for r, change in enumerate(changes):
            for name, level in change.items():
                rows[r, names.index(name)] = level
        v = self._game.values
        mine = v.values(self.name, counterpart, rows, deal=False).governments[:, v.side(self.name, counterpart)]
        beliefs = self._game.state.beliefs.get((self.name, counterpart))
        if beliefs is None:
            return mine, np.full(len(rows), np.nan)
        return mine, beliefs.expected(v.hypotheses(self.name, counterpart, rows, deal=False)[1])

    def threat(self, counterpart: str, instrument: str, level: float, condition: ThreatCondition,
               condition_instrument: str | None = None, condition_level: float | None = None) -> Threat:
        """A threat to `counterpart`, dated `lead_rounds` ahead and as public as our policy says."""
        policy = self.threat_policy
        return Threat(self.name, counterpart, instrument, float(level), self.round, self.round + policy.lead_rounds,
                      condition, policy.publicity, condition_instrument,
                      None if condition_level is None else float(condition_level))
