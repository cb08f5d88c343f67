"""What a government may know: the read-only window its strategy (or a human seat) sees.

Preferences are common knowledge here, as in the bargaining models the analysis draws on
(Nash 1950); what stays private is the intent to comply, which shows only through violations
the other side detects.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from negotiation.game.agreements import Agreement
from negotiation.game.clocks import deadline
from negotiation.game.protocol import Game
from negotiation.strategies.moves import Observation, Offer


class GovernmentView:
    """Read-only access to the state of the game, from one government's seat (implements `strategies.View`).

    Read-only by convention, as NegMAS's negotiator interfaces are: Python cannot stop code from
    reaching through `_game`, so strategies must use only the public methods (the contract tests
    check that strategies behave; a strategy that mutates the game is a bug).
    """

    def __init__(self, game: Game, government: str):
        self._game = game
        self.name = government
        self._g = game.index.gov_index[government]

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

    def deadline(self, counterpart: str) -> int:
        return deadline(self._game, self.name, counterpart)

    def talks_failed(self, counterpart: str) -> bool:
        """Did talks with `counterpart` this round end without agreement? (False if none were held.)"""
        talks = self._game.state.talks.get(frozenset((self.name, counterpart)))
        return talks is not None and talks.failed(self.round)

    def offers_received(self, counterpart: str) -> tuple[Offer, ...]:
        """The counterpart's offers in the current episode of talks (since they opened or the last agreement)."""
        return self._episode(counterpart, counterpart)

    def offers_made(self, counterpart: str) -> tuple[Offer, ...]:
        return self._episode(counterpart, self.name)

    def _episode(self, counterpart: str, proposer: str) -> tuple[Offer, ...]:
        talks = self._game.state.talks_with(self.name, counterpart)
        start = self.talks_opened(counterpart)
        return tuple(o for o in talks.offers_by(proposer) if o.round >= start and o.round > talks.agreed_round)

    def agreement(self, counterpart: str) -> Agreement | None:
        """The agreement in force with `counterpart` (a copy), if any."""
        a = self._game.state.agreement_between(self.name, counterpart)
        if a is None:
            return None
        return dataclasses.replace(a, terms=dict(a.terms), snap_back=dict(a.snap_back), hidden_breaches={})

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
                    out[index.inst_index[name]] = agreement.terms[name]
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

    def salience(self, instrument: str) -> float:
        """How much this government's officials, by influence, care about an instrument."""
        return self._game.values.prefs.gov_salience[self._g, self._game.index.inst_index[instrument]]

    # -- valuing packages -------------------------------------------------------------------

    def path(self, counterpart: str) -> np.ndarray:
        """The concession path from our best package to the counterpart's (packages.py)."""
        path = self._game.values.concession_path(self.name, counterpart)
        path.flags.writeable = False
        return path

    def values(self, levels: np.ndarray, who: str | None = None) -> np.ndarray:
        """Utility of each row of levels to `who` (default: us), valued as a package."""
        g = self._g if who is None else self._game.index.gov_index[who]
        return self._game.values.package_utilities(np.atleast_2d(levels))[1][:, g]

    def offer_value(self, offer: Offer, who: str | None = None) -> float:
        return float(self.values(self._game.values.offer_levels(offer), who)[0])

    def reservation(self, counterpart: str, who: str | None = None) -> float:
        """What `who` (default: us) expects from no deal with `counterpart`."""
        me = self.name if who is None else who
        other = counterpart if who is None or who == self.name else self.name
        return self._game.values.reservation(me, other)

    def ratifiable(self, counterpart: str, levels: np.ndarray) -> np.ndarray:
        """Would our coalition ratify each row of `levels` (one package, or a batch)?"""
        return self._game.governments[self.name].ratifiable(counterpart, levels)

    def make_offer(self, counterpart: str, levels: np.ndarray, duration: int) -> Offer:
        """An offer to `counterpart` of the pair's instruments at `levels` (a full level vector)."""
        names = self._game.index.inst_names
        terms = tuple((names[k], float(levels[k])) for k in self._game.values.pair_instruments(self.name, counterpart))
        return Offer(self.name, counterpart, terms, int(duration), self.round)
