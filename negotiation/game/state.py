"""The state of the game: where everything sits in the arrays, and what changes round by round."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from negotiation.game.agreements import Agreement
from negotiation.game.beliefs import Beliefs
from negotiation.game.packages import grid
from negotiation.game.records import Record
from negotiation.game.threats import ThreatRecord, ThreatState
from negotiation.scenario import Scenario
from negotiation.strategies.moves import Observation, Offer


@dataclass(frozen=True)
class Index:
    """Where each government and instrument sits in the game's arrays, with each instrument's bounds and grid."""

    gov_names: list[str]
    gov_index: dict[str, int]
    inst_names: list[str]
    inst_index: dict[str, int]
    lo: np.ndarray
    hi: np.ndarray
    grids: list[np.ndarray]
    _pairs: dict[frozenset, list[int]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, s: Scenario) -> Index:
        govs = [g.name for g in s.governments]
        insts = [i.name for i in s.instruments]
        return cls(
            gov_names=govs,
            gov_index={name: k for k, name in enumerate(govs)},
            inst_names=insts,
            inst_index={name: k for k, name in enumerate(insts)},
            lo=np.array([i.min for i in s.instruments], dtype=float),
            hi=np.array([i.max for i in s.instruments], dtype=float),
            grids=[grid(i.min, i.max, i.step) for i in s.instruments],
        )

    def pair_instruments(self, s: Scenario, a: str, b: str) -> list[int]:
        """Indices of the instruments between a and b, both directions (memoised: asked every offer)."""
        key = frozenset((a, b))
        idx = self._pairs.get(key)
        if idx is None:
            idx = self._pairs[key] = [k for k, i in enumerate(s.instruments) if {i.imposer, i.target} == key]
        return idx


@dataclass
class Talks:
    """Talks between a pair of governments: open or not, whose turn it is, the current episode's offers.

    An episode runs from when talks open (or resume after an agreement) until an agreement or a
    breakdown; its offers are kept apart from earlier episodes', so looking them up costs what the
    episode holds, not the whole run.
    """

    pair: tuple[str, str]
    open: bool
    opened_round: int | None  # when the current episode of talks began (None: not yet resumed)
    next_proposer: str
    deadline_rounds: int | None = None  # a deadline the parties announce for each episode
    offers: list[Offer] = field(default_factory=list)  # this episode's
    episodes: int = 0  # episodes begun so far
    held_round: int = -1  # the last round with an offer on the table
    agreed_round: int = -1  # the last round that ended in an agreement
    broken_until: int | None = None  # broken off: resume at this round

    def failed(self, round_: int) -> bool:
        """Were talks held this round without ending in an agreement?"""
        return self.held_round == round_ and self.agreed_round != round_

    def begin_episode(self, round_: int) -> None:
        self.opened_round = round_
        self.offers = []
        self.episodes += 1

    def end_episode(self) -> None:
        """An agreement or a breakdown ends the episode: the next one starts its clock and its record afresh."""
        self.opened_round = None
        self.offers = []

    def announced_deadline(self) -> int | None:
        """The round the parties set as this episode's deadline, if they set one."""
        if self.deadline_rounds is None or self.opened_round is None:
            return None
        return self.opened_round + self.deadline_rounds

    def offers_by(self, government: str) -> list[Offer]:
        return [o for o in self.offers if o.proposer == government]


@dataclass
class Counts:
    """Per-government tallies of a run: unilateral moves, violations committed and detected, and threats."""

    escalations: dict[str, int]
    de_escalations: dict[str, int]
    violations: dict[str, int]
    detected: dict[str, int]
    # -- coercion (issue 11): threats made, and how they ended
    threats_made: dict[str, int] = field(default_factory=dict)
    threats_carried_out: dict[str, int] = field(default_factory=dict)
    threats_walked_back: dict[str, int] = field(default_factory=dict)
    threats_lifted: dict[str, int] = field(default_factory=dict)
    # -- engagement and domestic politics (issue 11): contact from the state, officials' moves, influence
    state_calls: dict[str, int] = field(default_factory=dict)
    state_meetings: dict[str, int] = field(default_factory=dict)
    summits: dict[str, int] = field(default_factory=dict)
    summits_refused: dict[str, int] = field(default_factory=dict)
    official_moves: dict[str, int] = field(default_factory=dict)
    official_moves_refused: dict[str, int] = field(default_factory=dict)
    influence_shifts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def zero(cls, governments: list[str]) -> Counts:
        return cls(*(dict.fromkeys(governments, 0) for _ in dataclasses.fields(cls)))

    def items(self) -> list[tuple[str, dict[str, int]]]:
        return [(f.name, getattr(self, f.name)) for f in dataclasses.fields(self)]


@dataclass
class GameState:
    """Everything that changes during a run, apart from the economy's flows and stress."""

    round: int
    levels: np.ndarray  # every instrument's level
    trust: np.ndarray  # (n_gov, n_gov): trust of government g in h
    agreements: list[Agreement]
    talks: dict[frozenset, Talks]
    counts: Counts
    news: list[Observation] = field(default_factory=list)  # what governments see this round
    pending: list[Observation] = field(default_factory=list)  # what they will see next round
    log: list[Record] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # the per-round table
    round_start: np.ndarray | None = None  # the levels as the round began
    round_start_public: np.ndarray | None = None  # ... as everyone could see them
    disputes: dict[frozenset, float] = field(default_factory=dict)  # each pair's open dispute, 0 settled .. 1
    epoch: int = 0  # counts how often disputes were measured: what depends on them knows when to recompute
    beliefs: dict[tuple[str, str], Beliefs] = field(default_factory=dict)  # (g, h): what g believes of h
    # -- coercion (issue 11): threats announced (pending and done), each government's record, audience costs
    threats: list[ThreatState] = field(default_factory=list)
    threat_records: dict[str, ThreatRecord] = field(default_factory=dict)
    audience_costs: dict[int, float] = field(default_factory=dict)  # official index -> utility lost for good
    threat_version: int = 0  # counts changes to threats: what values depend on them knows when to recompute
    # -- engagement and domestic politics (issue 11)
    influence_version: int = 0  # counts shifts of influence: what government values depend on it knows when to recompute
    last_contact: dict[frozenset, int] = field(default_factory=dict)  # pair -> round of its last call, meeting or summit
    last_meeting: dict[frozenset, int] = field(default_factory=dict)  # pair -> round of its last ministerial meeting
    flare_ups: dict[frozenset, list[int]] = field(default_factory=dict)  # pair -> rounds of recent hostile acts
    # instrument -> (the level its government last set, the level officials' own moves left it at, refusal said)
    mandate_base: dict[int, tuple[float, float, bool]] = field(default_factory=dict)

    def pending_threats(self, a: str, b: str) -> list[ThreatState]:
        """The threats pending between a and b, in either direction, oldest first."""
        return [t for t in self.threats if t.pending and t.between(a, b)]

    def open_talks(self, a: str, b: str) -> None:
        """Open talks between a and b (new talks start with a proposing); reopened talks restart their clock."""
        talks = self.talks.get(frozenset((a, b)))
        if talks is None:
            talks = self.talks[frozenset((a, b))] = Talks((a, b), True, None, a)
            talks.begin_episode(self.round)
        elif not talks.open:
            talks.open = True
            talks.broken_until = None
            talks.begin_episode(self.round)

    def public_levels(self, index: Index) -> np.ndarray:
        """The levels as everyone can see them: a quiet breach not yet detected shows as the level committed."""
        out = self.levels.copy()
        for agreement in self.agreements:
            if agreement.in_force:
                for names in agreement.hidden_breaches.values():
                    for name in names:
                        out[index.inst_index[name]] = agreement.committed[name]
        return out

    def agreement_between(self, a: str, b: str) -> Agreement | None:
        pair = {a, b}
        for agreement in reversed(self.agreements):
            if agreement.in_force and set(agreement.parties) == pair:
                return agreement
        return None

    def talks_with(self, a: str, b: str) -> Talks:
        talks = self.talks.get(frozenset((a, b)))
        if talks is None:
            raise KeyError(f"no talks between {a} and {b}")
        return talks
