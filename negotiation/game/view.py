"""What a government may know: the read-only window its strategy (or a human seat) sees.

Values are private (DESIGN.md, "Time and information"): a government sees its own officials'
true values, and only its beliefs about a counterpart's (`beliefs.py`). The intent to comply is
private too: a counterpart's covert breach shows only once detected.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from negotiation.game.agreements import Agreement
from negotiation.game.clocks import deadline, horizon
from negotiation.game.coercion_view import CoercionView
from negotiation.game.protocol import Game
from negotiation.game.ratification import chance
from negotiation.strategies.moves import Observation, Offer


class GovernmentView(CoercionView):
    """Read-only access to the game from one government's seat (implements `strategies.View`).

    Read-only by convention, as NegMAS's negotiator interfaces are: Python cannot stop code from
    reaching through `_game`, so strategies must use only the public methods (the contract tests
    check that strategies behave; a strategy that mutates the game is a bug).
    """

    def __init__(self, game: Game, government: str):
        self._game = game
        self.name = government
        self._g = game.index.gov_index[government]
        self._coercion = game.config.government(government).coercion  # threats and the retaliation menu (issue 11)

    # -- time and talks ---------------------------------------------------------------------

    @property
    def round(self) -> int:
        return self._game.state.round

    def counterparts(self) -> list[str]:
        return [h for h in self._game.index.gov_names if h != self.name]

    def talks_opened(self, counterpart: str) -> int:
        """The round the current episode of talks began (talks restart their clock after each agreement)."""
        opened = self._game.state.talks_with(self.name, counterpart).opened_round
        return self.round if opened is None else opened

    def deadline(self, counterpart: str) -> int | None:
        """The round by which we must agree with `counterpart`, if the game gives one (see `clocks.py`)."""
        return deadline(self._game, self.name, counterpart)

    def horizon(self, counterpart: str) -> float:
        """How many rounds we expect this episode of talks to last from its opening (see `clocks.py`)."""
        return horizon(self._game, self.name, counterpart)

    def talks_failed(self, counterpart: str) -> bool:
        """Did talks with `counterpart` this round end without agreement? (False if none were held.)"""
        talks = self._game.state.talks.get(frozenset((self.name, counterpart)))
        return talks is not None and talks.failed(self.round)

    def offers_received(self, counterpart: str) -> tuple[Offer, ...]:
        """The counterpart's offers in the current episode of talks."""
        return tuple(self._game.state.talks_with(self.name, counterpart).offers_by(counterpart))

    def offers_made(self, counterpart: str) -> tuple[Offer, ...]:
        return tuple(self._game.state.talks_with(self.name, counterpart).offers_by(self.name))

    def agreement(self, counterpart: str) -> Agreement | None:
        """The agreement in force with `counterpart` (a copy, without the other side's secrets), if any."""
        a = self._game.state.agreement_between(self.name, counterpart)
        if a is None:
            return None
        return dataclasses.replace(a, terms=dict(a.terms), snap_back=dict(a.snap_back), hidden_breaches={},
                                   committed=dict(a.committed), steps=[dataclasses.replace(s) for s in a.steps])

    def expiring(self, counterpart: str) -> bool:
        """Is the agreement with `counterpart` close enough to its expiry to renew or renegotiate?"""
        a = self._game.state.agreement_between(self.name, counterpart)
        return a is not None and a.rounds_left(self.round) <= self._game.config.dynamics.renegotiate_before

    def stages(self, counterpart: str) -> int:
        """In how many steps we would implement an agreement with `counterpart`: two when trust is low."""
        return 2 if self.trust(counterpart) < self._game.config.dynamics.staging_trust else 1

    def news(self) -> tuple[Observation, ...]:
        """What others did to this government since its last turn to act."""
        return tuple(o for o in self._game.state.news if o.observer == self.name)

    def trust(self, counterpart: str) -> float:
        return float(self._game.state.trust[self._g, self._game.index.gov_index[counterpart]])

    @property
    def readiness(self) -> float:
        """Influence-weighted stance of the officials: 0 dovish .. 1 ready to retaliate."""
        return self._game.governments[self.name].readiness

    # -- instruments ------------------------------------------------------------------------

    @property
    def levels(self) -> np.ndarray:
        """Every instrument's level as this government sees it (see `level`)."""
        state, index = self._game.state, self._game.index
        out = state.levels.copy()
        for agreement in state.agreements:
            if agreement.in_force and self.name in agreement.parties:
                for name in agreement.hidden_breaches.get(agreement.other(self.name), ()):
                    out[index.inst_index[name]] = agreement.committed[name]
        out.flags.writeable = False
        return out

    def level(self, instrument: str) -> float:
        """An instrument's level as this government sees it: a counterpart's covert breach of an
        agreement shows as the committed level until it is detected."""
        return float(self.levels[self._game.index.inst_index[instrument]])

    def own_instruments(self, target: str | None = None) -> list[str]:
        return [
            i.name
            for i in self._game.config.instruments
            if i.imposer == self.name and (target is None or i.target == target)
        ]

    def _spec(self, instrument: str):
        return self._game.config.instruments[self._game.index.inst_index[instrument]]

    def bounds(self, instrument: str) -> tuple[float, float]:
        spec = self._spec(instrument)
        return spec.min, spec.max

    def step(self, instrument: str) -> float:
        return self._spec(instrument).step

    def kind(self, instrument: str) -> str:
        return self._spec(instrument).kind

    def coercive(self, instrument: str) -> bool:
        """Is it a measure held against the target (tariffs, controls), rather than a concession (purchases)?"""
        return bool(self._game.economy.p.coercive[self._game.index.inst_index[instrument]])

    def salience(self, instrument: str) -> float:
        """How much this government's officials, by influence, care about an instrument."""
        return self._game.values.prefs.gov_salience[self._g, self._game.index.inst_index[instrument]]

    # -- the packages with a counterpart ----------------------------------------------------

    def instruments(self, counterpart: str) -> list[str]:
        """The pair's instruments, in the order of a package's columns."""
        names = self._game.index.inst_names
        return [names[k] for k in self._game.values.pair_instruments(self.name, counterpart)]

    def packages(self, counterpart: str) -> np.ndarray:
        """Every package with `counterpart`: (K, m) levels of the pair's instruments (read-only)."""
        table = self._game.values.problem(self.name, counterpart).table
        table.flags.writeable = False
        return table

    def status_quo(self, counterpart: str) -> np.ndarray:
        """The pair's instruments' levels now, as this government sees them: (m,)."""
        return self.levels[self._game.values.pair_instruments(self.name, counterpart)].copy()

    def my_values(self, counterpart: str) -> np.ndarray:
        """Our true utility of every package (K,)."""
        return self._game.values.government_table(self.name, counterpart)

    def their_values(self, counterpart: str) -> np.ndarray:
        """What we believe every package is worth to `counterpart` (K,): expected over our hypotheses."""
        return self._game.values.believed_table(self.name, counterpart)

    def reservation(self, counterpart: str) -> float:
        """What we expect from no deal with `counterpart` (true, ours)."""
        return self._game.values.reservation(self.name, counterpart)

    def their_reservation(self, counterpart: str) -> float:
        """What we believe `counterpart` expects from no deal with us."""
        return self._game.values.believed_reservation(self.name, counterpart)

    def ratifiable(self, counterpart: str, rows: np.ndarray | None = None) -> np.ndarray:
        """Our forecast of the chance our own coalition ratifies each package (K,), or the packages in `rows`."""
        return self._game.values.ratification_forecast(self.name, counterpart, rows)

    def acceptance(self, counterpart: str) -> np.ndarray:
        """Our belief of the chance `counterpart` accepts and ratifies each package (K,)."""
        return self._game.values.acceptance_belief(self.name, counterpart)

    def value_of(self, offer: Offer) -> float:
        """Our true utility of an offer."""
        return self._game.values.offer_value(offer, self.name)

    def their_value_of(self, offer: Offer) -> float:
        """What we believe an offer is worth to the other party."""
        other = offer.responder if offer.proposer == self.name else offer.proposer
        return self._game.values.believed_offer_value(self.name, other, offer)

    def ratification_chance(self, offer: Offer) -> float:
        """Our forecast of the chance our own coalition ratifies an offer (any levels, not only the table's)."""
        v, team = self._game.values, self._game.governments[self.name].team
        other = offer.responder if offer.proposer == self.name else offer.proposer
        side = v.side(self.name, other)
        values = v.values(self.name, other, v.pair_levels(self.name, other, offer)[None, :]).officials[side]
        gains = values - v.no_deal(self.name, other).officials[side][0]
        influence = v.prefs.influence[team.index, list(team.members)]
        return float(chance(gains, influence, team.leader, team.threshold, self._game.config.information.ratification_noise)[0])

    def value_of_levels(self, counterpart: str, pair_levels: np.ndarray) -> float:
        """Our true utility of the pair's instruments at `pair_levels` (m,), as a deal."""
        v = self._game.values.values(self.name, counterpart, np.asarray(pair_levels, dtype=float)[None, :])
        return float(v.governments[0, self._game.values.side(self.name, counterpart)])

    def offer(self, counterpart: str, pair_levels: np.ndarray, duration: int, *, stages: int = 1,
              extends: str | None = None) -> Offer:
        """An offer to `counterpart` of the pair's instruments at `pair_levels` (m,)."""
        terms = tuple((name, float(level)) for name, level in zip(self.instruments(counterpart), pair_levels))
        return Offer(self.name, counterpart, terms, int(duration), self.round, stages, extends)
