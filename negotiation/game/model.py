"""The Mesa model: the game's parts put together, and one round as the list of its phases."""

from __future__ import annotations

from collections.abc import Mapping

import mesa
import numpy as np

from negotiation.game import disputes
from negotiation.game.agenda import Agenda
from negotiation.game.agents import Government, Official
from negotiation.game.agreements import Agreement
from negotiation.game.beliefs import Beliefs
from negotiation.game.economy import Economy, EconomyParams
from negotiation.game.phases import PHASES
from negotiation.game.phases.record import record
from negotiation.game.preferences import Preferences
from negotiation.game.ratification import Ratifier, Team
from negotiation.game.records import Record
from negotiation.game.state import Counts, GameState, Index, Talks
from negotiation.game.valuation import Valuation
from negotiation.game.view import GovernmentView
from negotiation.scenario import EventSpec, Scenario
from negotiation.strategies import Strategy, make_strategy
from negotiation.strategies.moves import Observation


class TradeTalksModel(mesa.Model):
    """Governments and officials negotiating over tariffs and export controls, round by round.

    A run is fully determined by its scenario, its seed and any strategy overrides: every random
    draw comes from `self.rng`, the model's one generator.
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int = 0,
        *,
        rounds: int | None = None,
        strategies: dict[str, Strategy] | None = None,
        ratifiers: Mapping[str, Ratifier] | None = None,
    ):
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
        super().__init__(rng=int(seed))
        # `config`, not `scenario`: Mesa 3.5's Model has a `scenario` property of its own.
        self.config = scenario
        self.seed = int(seed)
        self.rounds = scenario.calendar.rounds if rounds is None else int(rounds)
        self.index = Index.of(scenario)
        self.prefs = Preferences.compile(scenario)
        self.economy = Economy(EconomyParams.compile(scenario), scenario.economy.stress.initial,
                               np.array([i.initial for i in scenario.instruments], dtype=float))
        self.state = initial_state(scenario, self.index, self.prefs)
        teams = {g.name: Team.of(scenario, g.name) for g in scenario.governments}
        self.values = Valuation(scenario, self.index, self.prefs, self.economy, self.state, teams)
        self.agenda = Agenda(scenario)
        self.governments: dict[str, Government] = {}
        self.officials: list[Official] = []
        # Human leaders (the terminal game): government -> the callable that casts its leader's vote.
        self._seat_agents(strategies or {}, ratifiers or {}, teams)
        self.state.beliefs = initial_beliefs(self)
        disputes.measure(self)
        self.initial_levels = self.state.levels.copy()
        self.initial_stress = self.economy.stress
        record(self)

    def _seat_agents(self, overrides: dict[str, Strategy], ratifiers: Mapping[str, Ratifier], teams: dict[str, Team]) -> None:
        s = self.config
        for k, g in enumerate(s.governments):
            strategy = overrides.get(g.name) or make_strategy(g.strategy.name, g.strategy.params)
            gov = Government(self, g, strategy, k, teams[g.name], ratifiers.get(g.name))
            self.governments[g.name] = gov
            gov.view = GovernmentView(self, g.name)
        for k, o in enumerate(s.officials):
            weight = self.prefs.influence[self.index.gov_index[o.government], k]
            official = Official(self, o, k, weight, s.dynamics)
            self.officials.append(official)
            self.governments[o.government].officials.append(official)
        # Mesa 3.3 counts agent ids in a class-level dict keyed by model, which keeps every model
        # alive forever (a leak of ~0.4 MB a run in long sweeps; Mesa 3.5 no longer has it). There is
        # no public way to release it; all our agents exist by now, so the entry can go.
        ids = getattr(mesa.Agent, "_ids", None)
        if isinstance(ids, dict):
            ids.pop(self, None)

    # ================================================================== one round

    def step(self) -> None:
        """Play one round: the phases of DESIGN.md, in order."""
        for phase in PHASES:
            phase(self)
        if self.state.round >= self.rounds:
            self.running = False

    def run(self) -> None:
        while self.running and self.state.round < self.rounds:
            self.step()

    def inject(self, name: str) -> EventSpec:
        """Fire one of the scenario's injects at the start of the next round (an instructor's move)."""
        return self.agenda.inject(name)

    # ================================================================== read-only views of the state

    @property
    def round(self) -> int:
        return self.state.round

    @property
    def levels(self) -> np.ndarray:
        return self.state.levels

    @property
    def trust(self) -> np.ndarray:
        return self.state.trust

    @property
    def agreements(self) -> list[Agreement]:
        return self.state.agreements

    @property
    def talks(self) -> dict[frozenset, Talks]:
        return self.state.talks

    @property
    def news(self) -> list[Observation]:
        return self.state.news

    @property
    def counts(self) -> Counts:
        return self.state.counts

    @property
    def log(self) -> list[Record]:
        return self.state.log

    @property
    def rows(self) -> list[dict]:
        return self.state.rows

    @property
    def gov_names(self) -> list[str]:
        return self.index.gov_names

    @property
    def gov_index(self) -> dict[str, int]:
        return self.index.gov_index

    @property
    def inst_names(self) -> list[str]:
        return self.index.inst_names

    @property
    def inst_index(self) -> dict[str, int]:
        return self.index.inst_index

    @property
    def grids(self) -> list[np.ndarray]:
        return self.index.grids


def initial_state(s: Scenario, index: Index, prefs: Preferences) -> GameState:
    """The state at round 0: the scenario's levels, agreements in force and talks; trust from traits."""
    # Trust of government g in h starts at g's officials' trust trait, by influence.
    trust_trait = np.array([o.traits.trust for o in s.officials])
    trust = np.repeat((prefs.influence @ trust_trait)[:, None], len(index.gov_names), axis=1)
    np.fill_diagonal(trust, 1.0)
    agreements = [
        Agreement(
            name=a.name, parties=a.parties, terms=dict(a.terms), signed_round=0, expiry_round=s.expiry_round(a),
            on_expiry=a.on_expiry, snap_back=dict(a.snap_back), extension_rounds=a.extension_rounds,
            extensions_left=a.max_extensions, interim=a.interim,
        )
        for a in s.agreements
    ]
    talks = {}
    for t in s.talks:
        talks[frozenset(t.between)] = Talks(t.between, t.open, None, t.first_proposer, t.deadline_rounds)
        if t.open:
            talks[frozenset(t.between)].begin_episode(1)
    return GameState(
        round=0,
        levels=np.array([i.initial for i in s.instruments], dtype=float),
        trust=trust,
        agreements=agreements,
        talks=talks,
        counts=Counts.zero(index.gov_names),
    )


def initial_beliefs(game: TradeTalksModel) -> dict[tuple[str, str], Beliefs]:
    """Every government's first guesses about each counterpart it holds measures with (drawn from the one generator)."""
    s, index, p = game.config, game.index, game.economy.p
    out = {}
    names = index.gov_names
    for i, g in enumerate(names):
        for h in names[i + 1:]:
            if not p.counterpart[i, index.gov_index[h]]:
                continue
            idx = np.array(game.values.pair_instruments(g, h), dtype=int)
            for observer, other in ((g, h), (h, g)):
                officials = np.flatnonzero(game.prefs.gov_of == index.gov_index[other])
                out[(observer, other)] = Beliefs(game.prefs, officials, index.gov_index[other], idx, s.information,
                                                 p.span[idx], p.lo[idx], game.rng)
    return out
