"""The Mesa model: one round of the trade talks, phase by phase (DESIGN.md, "One round")."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import mesa
import numpy as np

from negotiation.story import render as narrative
from negotiation.game.agents import Government, Official
from negotiation.strategies.moves import Action, ActionKind, Offer, ResponseKind
from negotiation.game.agreements import Agreement, AgreementStatus
from negotiation.game.economy import Economy, EconomyParams
from negotiation.game.packages import concession_path, grid
from negotiation.game.preferences import Preferences
from negotiation.game.records import LogEntry, LogKind
from negotiation.strategies.moves import Observation, ObservationKind
from negotiation.scenario import EventKind, EventSpec, ExpiryRule, Scenario
from negotiation.strategies import Strategy, make_strategy


@dataclass
class Talks:
    """Talks between a pair of governments: open or not, whose turn it is, the offers made."""

    pair: tuple[str, str]
    open: bool
    opened_round: int | None  # when the current episode of talks began (None: not yet resumed)
    next_proposer: str
    offers: list[Offer] = field(default_factory=list)
    held_round: int = -1  # the last round with an offer on the table
    agreed_round: int = -1  # the last round that ended in an agreement

    def failed(self, round_: int) -> bool:
        """Were talks held this round without ending in an agreement?"""
        return self.held_round == round_ and self.agreed_round != round_

    def offers_by(self, government: str) -> list[Offer]:
        return [o for o in self.offers if o.proposer == government]


@dataclass(frozen=True)
class Ratification:
    """A government's coalition vote on a package (the second level of Putnam's two-level game)."""

    government: str
    ratified: bool
    support: float
    leader_approves: bool
    opposed: tuple[str, ...]


@dataclass(frozen=True)
class RatificationRequest:
    """What a human leader is asked to ratify: the package, and what it is worth to each official."""

    government: str
    counterpart: str
    levels: np.ndarray  # every instrument's level if the package binds
    no_deal: np.ndarray  # every instrument's level if it does not
    values: dict[str, tuple[float, float]]  # official -> (utility of the package, of no deal)
    influence: dict[str, float]  # official -> share of the government's influence
    threshold: float  # share of influence that must back the package


Ratifier = Callable[[RatificationRequest], bool]


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
        self.round = 0
        s = scenario

        self.gov_names = [g.name for g in s.governments]
        self.gov_index = {name: k for k, name in enumerate(self.gov_names)}
        self.inst_names = [i.name for i in s.instruments]
        self.inst_index = {name: k for k, name in enumerate(self.inst_names)}
        self.levels = np.array([i.initial for i in s.instruments], dtype=float)
        self.lo = np.array([i.min for i in s.instruments], dtype=float)
        self.hi = np.array([i.max for i in s.instruments], dtype=float)
        self.grids = [grid(i.min, i.max, i.step) for i in s.instruments]

        self.prefs = Preferences.compile(s)
        self.economy = Economy(EconomyParams.compile(s), s.economy.stress.initial)
        salience = np.zeros((len(s.officials), len(self.inst_names)))
        for o, off in enumerate(s.officials):
            for name, pref in off.preferences.items():
                salience[o, self.inst_index[name]] = pref.salience
        self.gov_salience = self.prefs.influence @ salience  # (n_gov, n_instr)

        overrides = strategies or {}
        # Human leaders (the terminal game): government -> the callable that casts its leader's vote.
        self.ratifiers: dict[str, Ratifier] = dict(ratifiers or {})
        self.governments: dict[str, Government] = {}
        for k, g in enumerate(s.governments):
            strategy = overrides.get(g.name) or make_strategy(g.strategy.name, g.strategy.params)
            self.governments[g.name] = Government(self, g, strategy, k)
        self.officials: list[Official] = []
        for k, o in enumerate(s.officials):
            official = Official(self, o, k)
            self.officials.append(official)
            self.governments[o.government].officials.append(official)

        # Trust of government g in h starts at g's officials' trust trait, by influence.
        trust_trait = np.array([o.traits.trust for o in s.officials])
        self.trust = np.repeat((self.prefs.influence @ trust_trait)[:, None], len(self.gov_names), axis=1)
        np.fill_diagonal(self.trust, 1.0)

        self.agreements: list[Agreement] = [
            Agreement(
                name=a.name,
                parties=a.parties,
                terms=dict(a.terms),
                signed_round=0,
                expiry_round=s.expiry_round(a),
                on_expiry=a.on_expiry,
                snap_back=dict(a.snap_back),
                extension_rounds=a.extension_rounds,
                extensions_left=a.max_extensions,
                interim=a.interim,
            )
            for a in s.agreements
        ]
        self.talks: dict[frozenset, Talks] = {
            frozenset(t.between): Talks(t.between, t.open, 1, t.first_proposer) for t in s.talks
        }
        self.agenda: dict[int, list[EventSpec]] = {}
        for e in s.events:
            self.agenda.setdefault(s.event_round(e), []).append(e)
        self._injected: list[EventSpec] = []

        self.news: list[Observation] = []
        self._pending: list[Observation] = []
        self.log: list[LogEntry] = []
        self.rows: list[dict] = []
        self._paths: dict[tuple, np.ndarray] = {}
        self._values: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        self._pairs: dict[frozenset, list[int]] = {}
        # Mesa 3.3 counts agent ids in a class-level dict keyed by model, which keeps every model
        # alive forever (a leak of ~0.4 MB a run in long sweeps; Mesa 3.5 no longer has it). All our
        # agents exist by now, so the counter can go.
        ids = getattr(mesa.Agent, "_ids", None)
        if isinstance(ids, dict):
            ids.pop(self, None)
        self.initial_levels = self.levels.copy()
        self.initial_stress = self.economy.stress
        self.counts = {
            key: dict.fromkeys(self.gov_names, 0) for key in ("escalations", "de_escalations", "violations", "detected")
        }
        self._record()

    # ================================================================== one round

    def step(self) -> None:
        """Play one round: the phases of DESIGN.md, in order."""
        self.round += 1
        before = self.levels.copy()
        self.news, self._pending = self._pending, []
        self._fire_events()
        self._check_agreements()
        self._update_stances()
        self._negotiate()
        self._act()
        self.economy.step(before, self.levels)
        self._record()
        if self.round >= self.rounds:
            self.running = False

    def run(self) -> None:
        while self.running and self.round < self.rounds:
            self.step()

    # ------------------------------------------------------------------ 1. events

    def inject(self, name: str) -> EventSpec:
        """Fire one of the scenario's injects at the start of the next round (an instructor's move)."""
        event = next((e for e in self.config.injects if e.name == name), None)
        if event is None:
            known = ", ".join(e.name for e in self.config.injects) or "(none)"
            raise KeyError(f"unknown inject {name!r}; this scenario offers: {known}")
        self._injected.append(event)
        return event

    def _fire_events(self) -> None:
        events = self.agenda.get(self.round, []) + self._injected
        self._injected = []
        for event in events:
            self._apply_event(event)

    def _apply_event(self, e: EventSpec) -> None:
        d = narrative.event_text(self, e)
        if e.kind in (EventKind.LEADERS_CALL, EventKind.MEETING):
            a, b = e.between
            if e.kind is EventKind.LEADERS_CALL:
                boost = e.trust if e.trust is not None else 0.0
                for x, y in ((a, b), (b, a)):
                    i, j = self.gov_index[x], self.gov_index[y]
                    self.trust[i, j] = min(1.0, max(0.0, self.trust[i, j] + boost))
                    self.news.append(Observation(self.round, x, y, ObservationKind.GOODWILL))
            self._open_talks(a, b)
        elif e.kind is EventKind.SET_LEVEL:
            k = self.inst_index[e.instrument]
            self.levels[k] = e.level
        elif e.kind is EventKind.MARKET_SHOCK:
            self.economy.shock(e.stress)
        elif e.kind is EventKind.DEADLINE:
            if self.agreement_between(*e.between) is None:
                d += " It passes without a deal."
                if e.stress:
                    self.economy.shock(e.stress)
            else:
                d += " An agreement is in force."
        self.say(LogKind.EVENT, d, data={"event": e.name, "kind": e.kind.value})

    def _open_talks(self, a: str, b: str) -> None:
        talks = self.talks.get(frozenset((a, b)))
        if talks is None:
            self.talks[frozenset((a, b))] = Talks((a, b), True, self.round, a)
        elif not talks.open:
            talks.open = True
            talks.opened_round = self.round

    # ------------------------------------------------------------------ 2. agreements

    def _check_agreements(self) -> None:
        d = self.config.dynamics
        for a in self.agreements:
            if not a.in_force:
                continue
            if self.round >= a.expiry_round:
                self._expire(a)
                continue
            for party in a.parties:
                self._detect(a, party)
            if not a.in_force:
                continue
            for party in a.parties:
                self._maybe_violate(a, party)
            if not any(a.hidden_breaches.values()):
                for x, y in (a.parties, a.parties[::-1]):
                    i, j = self.gov_index[x], self.gov_index[y]
                    self.trust[i, j] = min(1.0, self.trust[i, j] + d.trust_recovery)

    def _expire(self, a: Agreement) -> None:
        if a.on_expiry is ExpiryRule.EXTEND and a.extensions_left > 0:
            a.extensions_left -= 1
            a.expiry_round += a.extension_rounds
            self.say(LogKind.EXPIRY, f"The {narrative.agreement_name(a)} is extended to round {a.expiry_round} "
                     f"({narrative.date(self, a.expiry_round)}).", data={"agreement": a.name})
            return
        a.status = AgreementStatus.EXPIRED
        changes = []
        for name, level in a.snap_back.items():
            k = self.inst_index[name]
            if self.levels[k] != level:
                changes.append(narrative.change(self, name, self.levels[k], level))
                self.levels[k] = level
                spec = self.config.instruments[k]
                self.news.append(Observation(self.round, spec.imposer, spec.target, ObservationKind.SNAP_BACK, name, spec.kind))
        text = f"The {narrative.agreement_name(a)} expires"
        text += (": levels snap back (" + "; ".join(changes) + ")." if changes else ".")
        self.say(LogKind.EXPIRY, text, data={"agreement": a.name, "snap_back": bool(changes)})

    def _detect(self, a: Agreement, party: str) -> None:
        """The other side may notice a hidden breach that is still in place."""
        hidden = [i for i in a.hidden_breaches.get(party, set()) if self.levels[self.inst_index[i]] > a.terms[i]]
        a.hidden_breaches[party] = set(hidden)
        if not hidden:
            return
        if self.rng.random() < self.config.dynamics.detection:
            victim = a.other(party)
            self._breach(a, party, sorted(hidden)[0], overt=False)
            self.say(LogKind.DETECTION, f"{victim} detects {party}'s violation of the {narrative.agreement_name(a)}; "
                     f"the agreement is broken and {victim}'s trust falls to {self.trust[self.gov_index[victim], self.gov_index[party]]:.2f}.",
                     actor=victim, data={"agreement": a.name, "violator": party})

    def _maybe_violate(self, a: Agreement, party: str) -> None:
        """A side may quietly push one of its committed instruments back up (drawn from traits)."""
        d = self.config.dynamics
        other = a.other(party)
        g, h = self.gov_index[party], self.gov_index[other]
        chance = d.violation_rate * self.readiness(party) * (1.0 - self.trust[g, h])
        if self.rng.random() >= chance:
            return
        options = [name for name in a.terms if self.config.instrument(name).imposer == party
                   and self.levels[self.inst_index[name]] < self.hi[self.inst_index[name]]]
        if not options:
            return
        trials = np.repeat(self.levels[None, :], len(options), axis=0)
        for row, name in enumerate(options):
            k = self.inst_index[name]
            trials[row, k] = min(self.hi[k], self.levels[k] + self.config.instruments[k].step)
        gain = self.package_utilities(trials)[1][:, g] - self.package_utilities(self.levels[None, :])[1][0, g]
        best = int(np.argmax(gain))
        if gain[best] <= 0:
            return
        name = options[best]
        k = self.inst_index[name]
        old = self.levels[k]
        self.levels[k] = trials[best, k]
        a.hidden_breaches.setdefault(party, set()).add(name)
        self.counts["violations"][party] += 1
        self.say(LogKind.VIOLATION, f"{party} quietly breaks its commitment: {narrative.change(self, name, old, self.levels[k])} "
                 f"(unseen by {other} so far).", actor=party, data={"agreement": a.name, "instrument": name})

    def _breach(self, a: Agreement, party: str, instrument: str, overt: bool) -> None:
        d = self.config.dynamics
        victim = a.other(party)
        i, j = self.gov_index[victim], self.gov_index[party]
        self.trust[i, j] = max(0.0, self.trust[i, j] - d.trust_penalty)
        a.status = AgreementStatus.BROKEN
        a.breached_by = party
        self.counts["detected"][party] += 1
        if overt:
            self.counts["violations"][party] += 1
        kind = self.config.instrument(instrument).kind
        target = self.news if not overt else self._pending
        target.append(Observation(self.round, party, victim, ObservationKind.VIOLATION, instrument, kind))

    # ------------------------------------------------------------------ 3. officials

    def _update_stances(self) -> None:
        for gov in self.governments.values():
            mine = [o for o in self.news if o.observer == gov.name]
            hostile = sum(o.kind.hostile for o in mine)
            friendly = sum(o.kind.friendly for o in mine)
            for official in gov.officials:
                official.update_stance(hostile, friendly)

    def readiness(self, government: str) -> float:
        gov = self.governments[government]
        return float(sum(self.prefs.influence[gov.index, o.index] * o.stance for o in gov.officials))

    # ------------------------------------------------------------------ 4. talks

    def _negotiate(self) -> None:
        for talks in self.talks.values():
            if talks.open and self._talks_active(talks):
                self._bargain(talks)

    def _talks_active(self, talks: Talks) -> bool:
        a = self.agreement_between(*talks.pair)
        return a is None or a.interim or a.rounds_left(self.round) <= self.config.dynamics.renegotiate_before

    def _bargain(self, talks: Talks) -> None:
        if talks.opened_round is None:  # a new episode of talks after an agreement: the clock restarts
            talks.opened_round = self.round
        proposer = talks.next_proposer
        responder = talks.pair[1] if proposer == talks.pair[0] else talks.pair[0]
        talks.next_proposer = responder
        p_gov, r_gov = self.governments[proposer], self.governments[responder]
        offer = p_gov.strategy.propose(p_gov.view, responder, self.rng)
        if offer is None:
            self.say(LogKind.OFFER, f"{proposer} has no offer to make to {responder}.", actor=proposer)
            return
        self._check_offer(offer, proposer, responder)
        talks.offers.append(offer)
        talks.held_round = self.round
        self.say(LogKind.OFFER, narrative.offer_text(self, offer), actor=proposer, data=narrative.offer_data(self, offer))
        response = r_gov.strategy.respond(r_gov.view, offer, self.rng)
        if response.kind is ResponseKind.ACCEPT:
            self._conclude(offer, accepter=responder)
        elif response.kind is ResponseKind.COUNTER and response.counter is not None:
            counter = response.counter
            self._check_offer(counter, responder, proposer)
            talks.offers.append(counter)
            self.say(LogKind.OFFER, narrative.offer_text(self, counter, counter_offer=True), actor=responder,
                     data=narrative.offer_data(self, counter))
            reply = p_gov.strategy.respond(p_gov.view, counter, self.rng)
            if reply.kind is ResponseKind.ACCEPT:
                self._conclude(counter, accepter=proposer)
            else:
                self.say(LogKind.RESPONSE, narrative.rejection_text(self, proposer, counter, "counter-offer"), actor=proposer)
        else:
            self.say(LogKind.RESPONSE, narrative.rejection_text(self, responder, offer, "offer"), actor=responder)

    def _check_offer(self, offer: Offer, proposer: str, responder: str) -> None:
        if (offer.proposer, offer.responder) != (proposer, responder):
            raise ValueError(f"{proposer}'s strategy returned an offer from {offer.proposer} to {offer.responder}")
        pair = {proposer, responder}
        for name, level in offer.terms:
            spec = self.config.instrument(name)
            if {spec.imposer, spec.target} != pair:
                raise ValueError(f"{proposer}'s offer covers {name}, which is not between {proposer} and {responder}")
            if not spec.min <= level <= spec.max:
                raise ValueError(f"{proposer}'s offer sets {name} to {level}, outside [{spec.min}, {spec.max}]")

    def _conclude(self, offer: Offer, accepter: str) -> None:
        """An acceptance binds only if the package beats both sides' no-deal value and both ratify."""
        levels = self.offer_levels(offer)
        values = self.package_utilities(levels[None, :])[1][0]
        reservations = {}
        for gov in (offer.responder, offer.proposer):
            reservation = reservations[gov] = self.reservation(gov, offer.proposer if gov == offer.responder else offer.responder)
            if values[self.gov_index[gov]] <= reservation:
                self.say(LogKind.RESPONSE, f"{accepter} cannot accept: the package is worth no more to {gov} than no deal "
                         f"({values[self.gov_index[gov]]:.3f} against {reservation:.3f}).", actor=accepter)
                return
        self.say(LogKind.RESPONSE, f"{accepter} accepts.", actor=accepter)
        votes = [self.ratification(g, h, levels) for g, h in ((offer.responder, offer.proposer), (offer.proposer, offer.responder))]
        for vote in votes:
            self.say(LogKind.RATIFICATION, narrative.ratification_text(self, vote), actor=vote.government,
                     data={"support": vote.support, "ratified": vote.ratified, "opposed": list(vote.opposed),
                           "leader_approves": vote.leader_approves})
        if not all(v.ratified for v in votes):
            return
        self._sign(offer, levels, values, reservations)

    def _sign(self, offer: Offer, levels: np.ndarray, values: np.ndarray, reservations: dict[str, float]) -> None:
        a, b = offer.proposer, offer.responder
        no_deal = self.no_deal_levels(a, b)
        old = self.agreement_between(a, b)
        if old is not None:
            old.status = AgreementStatus.SUPERSEDED
            for party, hidden in old.hidden_breaches.items():
                if hidden:
                    self.say(LogKind.NOTE, f"{party}'s quiet breach of the {narrative.agreement_name(old)} is never "
                             f"discovered: the new agreement replaces it.", actor=party)
        agreement = Agreement(
            name=f"round-{self.round} {a}-{b} agreement",
            parties=(a, b),
            terms=dict(offer.terms),
            signed_round=self.round,
            expiry_round=self.round + offer.duration,
            on_expiry=ExpiryRule.SNAP_BACK,
            snap_back={name: float(no_deal[self.inst_index[name]]) for name, _ in offer.terms},
        )
        self.agreements.append(agreement)
        talks = self.talks_with(a, b)
        talks.opened_round = None  # the next episode's clock starts when talks resume
        talks.agreed_round = self.round
        changes = []
        for name, level in offer.terms:
            k = self.inst_index[name]
            if self.levels[k] != level:
                changes.append(narrative.change(self, name, self.levels[k], level))
        self.levels = levels.copy()
        # An agreement settles what came before it: neither side still answers earlier hostile acts.
        self.news = [o for o in self.news if not (o.kind.hostile and {o.actor, o.observer} == {a, b})]
        for x, y in ((a, b), (b, a)):
            self._pending.append(Observation(self.round, x, y, ObservationKind.AGREEMENT))
        self.say(LogKind.AGREEMENT, f"Agreement signed between {a} and {b}, in force until round {agreement.expiry_round} "
                 f"({narrative.date(self, agreement.expiry_round)})" + (": " + "; ".join(changes) + "." if changes else
                 ": every level stays where it is, now as a commitment."),
                 data={"agreement": agreement.name, "terms": dict(offer.terms), "parties": [a, b],
                       "values": {g: float(values[self.gov_index[g]]) for g in (a, b)},
                       "reservations": reservations})
        if old is not None:
            self.say(LogKind.NOTE, f"It replaces the {narrative.agreement_name(old)}.")

    # ------------------------------------------------------------------ 5. actions

    def _act(self) -> None:
        planned: list[tuple[str, Action]] = []
        for gov in self.governments.values():
            for action in gov.strategy.act(gov.view, self.rng):
                planned.append((gov.name, action))
        for actor, action in planned:
            self._apply_action(actor, action)

    def _apply_action(self, actor: str, action: Action) -> None:
        k = self.inst_index.get(action.instrument)
        if k is None or self.config.instruments[k].imposer != actor:
            raise ValueError(f"{actor}'s strategy acted on {action.instrument!r}, which {actor} does not impose")
        if not self.lo[k] <= action.level <= self.hi[k]:
            raise ValueError(f"{actor}'s strategy set {action.instrument} to {action.level}, outside its bounds")
        old = float(self.levels[k])
        if action.level == old:
            return
        kind = ActionKind.ESCALATE if action.level > old else ActionKind.DEESCALATE
        spec = self.config.instruments[k]
        self.levels[k] = action.level
        self.counts["escalations" if kind is ActionKind.ESCALATE else "de_escalations"][actor] += 1
        self.say(LogKind.ACTION, narrative.action_text(self, actor, action, old, kind), actor=actor,
                 data={"instrument": spec.name, "from": old, "to": action.level, "kind": kind.value})
        a = self.agreement_between(actor, spec.target)
        if kind is ActionKind.ESCALATE and a is not None and spec.name in a.terms and action.level > a.terms[spec.name]:
            # One act, one grievance: the target sees a violation, not also an escalation.
            self._breach(a, actor, spec.name, overt=True)
            self.say(LogKind.VIOLATION, f"That breaks {actor}'s commitment under the {narrative.agreement_name(a)}, "
                     f"which is now void.", actor=actor, data={"agreement": a.name})
            return
        obs = ObservationKind.ESCALATION if kind is ActionKind.ESCALATE else ObservationKind.DEESCALATION
        self._pending.append(Observation(self.round, actor, spec.target, obs, spec.name, spec.kind))

    # ================================================================== valuation

    def package_utilities(self, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Officials' and governments' utilities of hypothetical level vectors (K, n_instr).

        Values depend only on the levels and the current market stress, so they are memoised on
        both: strategies, ratification and the narrative ask about the same packages many times.
        """
        key = (levels.tobytes(), levels.shape, self.economy.stress)
        hit = self._values.get(key)
        if hit is None:
            off = self.prefs.officials(levels, self.economy.package_scores(levels))
            hit = (off, self.prefs.governments(off))
            if len(self._values) > 50_000:
                self._values.clear()
            self._values[key] = hit
        return hit[0].copy(), hit[1].copy()

    def value_at(self, levels: np.ndarray, stress: float) -> np.ndarray:
        """Governments' utilities of level vectors valued as packages at a given market stress (pure)."""
        scores = self.economy.scores(levels, self.economy.equilibrium_flows(levels), stress)
        return self.prefs.governments(self.prefs.officials(levels, scores))

    def current_utilities(self) -> tuple[np.ndarray, np.ndarray]:
        off = self.prefs.officials(self.levels, self.economy.current_scores(self.levels))
        return off, self.prefs.governments(off)

    def agreement_between(self, a: str, b: str) -> Agreement | None:
        pair = {a, b}
        for agreement in reversed(self.agreements):
            if agreement.in_force and set(agreement.parties) == pair:
                return agreement
        return None

    def no_deal_levels(self, g: str, h: str) -> np.ndarray:
        """The levels if talks between g and h fail: any agreement between them snaps back."""
        levels = self.levels.copy()
        a = self.agreement_between(g, h)
        if a is not None:
            for name, level in a.snap_back.items():
                levels[self.inst_index[name]] = level
        return levels

    def reservation(self, g: str, h: str) -> float:
        """What g expects from no deal with h: its utility at the no-deal levels."""
        return float(self.package_utilities(self.no_deal_levels(g, h)[None, :])[1][0, self.gov_index[g]])

    def ratifiable(self, g: str, h: str, levels: np.ndarray) -> np.ndarray:
        """For each row of levels (K, n_instr), would g's coalition ratify it? (vectorised `ratification`)

        A forecast by utilities: a human leader (`ratifiers`) is asked only when a package is concluded.
        """
        gov = self.governments[g]
        rows = np.atleast_2d(levels)
        off = self.package_utilities(rows)[0]
        no_deal = self.package_utilities(self.no_deal_levels(g, h)[None, :])[0][0]
        members = [o.index for o in gov.officials]
        approve = off[:, members] > no_deal[members]
        support = approve @ self.prefs.influence[gov.index, members]
        leader = members.index(gov.leader.index)
        return approve[:, leader] & (support >= gov.spec.ratification_threshold - 1e-12)

    def ratification(self, g: str, h: str, levels: np.ndarray) -> Ratification:
        """g's officials vote by influence: the leader must approve and support reach the threshold.

        If g has a ratifier (a human leader), it casts the leader's vote; the other officials still
        vote by their utilities. `_conclude` has already checked the package beats no deal.
        """
        both = np.stack([np.asarray(levels, dtype=float), self.no_deal_levels(g, h)])
        off = self.package_utilities(both)[0]
        gov = self.governments[g]
        approves = {o.name: bool(off[0, o.index] > off[1, o.index]) for o in gov.officials}
        if g in self.ratifiers:
            approves[gov.leader.name] = bool(self.ratifiers[g](self._request(g, h, both, off)))
        support, opposed = 0.0, []
        for o in gov.officials:
            if approves[o.name]:
                support += self.prefs.influence[gov.index, o.index]
            else:
                opposed.append(o.name)
        leader_ok = approves[gov.leader.name]
        ok = leader_ok and support >= gov.spec.ratification_threshold - 1e-12
        return Ratification(g, ok, float(support), leader_ok, tuple(opposed))

    def _request(self, g: str, h: str, both: np.ndarray, off: np.ndarray) -> RatificationRequest:
        gov = self.governments[g]
        return RatificationRequest(
            g, h, both[0].copy(), both[1].copy(),
            values={o.name: (float(off[0, o.index]), float(off[1, o.index])) for o in gov.officials},
            influence={o.name: float(self.prefs.influence[gov.index, o.index]) for o in gov.officials},
            threshold=gov.spec.ratification_threshold,
        )

    def pair_instruments(self, a: str, b: str) -> list[int]:
        """Indices of the instruments between a and b, both directions (memoised: asked every offer)."""
        key = frozenset((a, b))
        idx = self._pairs.get(key)
        if idx is None:
            idx = self._pairs[key] = [k for k, i in enumerate(self.config.instruments) if {i.imposer, i.target} == key]
        return idx

    def concession_path(self, g: str, h: str) -> np.ndarray:
        """g's concession path toward h; it depends only on the levels of instruments outside the pair."""
        idx = self.pair_instruments(g, h)
        base = self.levels.copy()
        base[idx] = self.lo[idx]
        key = (g, h, base.tobytes())
        path = self._paths.get(key)
        if path is None:
            evaluate = lambda lv: self.package_utilities(lv)[1]  # noqa: E731
            path = concession_path(base, idx, [self.grids[k] for k in idx], evaluate, self.gov_index[g], self.gov_index[h])
            self._paths[key] = path
        return path.copy()

    def make_offer(self, g: str, h: str, levels: np.ndarray, duration: int) -> Offer:
        terms = tuple((self.inst_names[k], float(levels[k])) for k in self.pair_instruments(g, h))
        return Offer(g, h, terms, int(duration), self.round)

    def offer_levels(self, offer: Offer) -> np.ndarray:
        levels = self.levels.copy()
        for name, level in offer.terms:
            levels[self.inst_index[name]] = level
        return levels

    def talks_with(self, a: str, b: str) -> Talks:
        talks = self.talks.get(frozenset((a, b)))
        if talks is None:
            raise KeyError(f"no talks between {a} and {b}")
        return talks

    def deadline(self, a: str, b: str) -> int:
        """The round by which a and b must agree: an expiring agreement, a scheduled deadline, or the end."""
        candidates = [self.rounds]
        agreement = self.agreement_between(a, b)
        if agreement is not None:
            candidates.append(agreement.expiry_round)
        for r, events in self.agenda.items():
            if r >= self.round and any(e.kind is EventKind.DEADLINE and set(e.between) == {a, b} for e in events):
                candidates.append(r)
        return max(self.round, min(candidates))

    # ================================================================== records

    def say(self, kind: LogKind, text: str, actor: str | None = None, data: dict | None = None) -> None:
        self.log.append(LogEntry(self.round, kind, text, actor, data or {}))

    def _record(self) -> None:
        off, gov = self.current_utilities()
        row: dict = {"round": self.round, "date": self.config.date_of(max(self.round, 1)).isoformat()}
        for name, level in zip(self.inst_names, self.levels):
            row[f"level_{name}"] = float(level)
        for f, flow in enumerate(self.config.economy.trade):
            row[f"flow_{flow.exporter}_{flow.importer}"] = float(self.economy.flows[f])
        for name, balance in zip(self.gov_names, self.economy.balance()):
            row[f"balance_{name}"] = float(balance)
        row["market_stress"] = self.economy.stress
        for i, a in enumerate(self.gov_names):
            for j, b in enumerate(self.gov_names):
                if i != j:
                    row[f"trust_{a}_{b}"] = float(self.trust[i, j])
        for name, u in zip(self.gov_names, gov):
            row[f"utility_{name}"] = float(u)
        for official, u in zip(self.officials, off):
            row[f"utility_{official.name}"] = float(u)
        for official in self.officials:
            row[f"stance_{official.name}"] = float(official.stance)
        in_force = [a for a in self.agreements if a.in_force]
        row["agreements_in_force"] = len(in_force)
        row["agreements"] = "; ".join(f"{a.name} (to round {a.expiry_round})" for a in in_force)
        self.rows.append(row)

    def snapshot_agreements(self) -> list[Agreement]:
        return [dataclasses.replace(a, terms=dict(a.terms), snap_back=dict(a.snap_back), hidden_breaches={}) for a in self.agreements]
