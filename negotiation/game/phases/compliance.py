"""Phase 2: agreements are checked. Expiries snap back or extend; staged agreements' steps fall due
(each side implements its part, or quietly withholds it); hidden breaches may be detected; a side
may quietly break a commitment; honoured agreements rebuild trust."""

from __future__ import annotations

import numpy as np

from negotiation.game.agreements import Agreement, AgreementStatus
from negotiation.game.protocol import Game
from negotiation.game.records import Change, Detected, Expired, Extended, QuietBreach, StepImplemented, StepWithheld
from negotiation.scenario import CONCESSIONS, ExpiryRule, hostile_sign
from negotiation.strategies.moves import Observation, ObservationKind


def check(game: Game) -> None:
    state, gi = game.state, game.index.gov_index
    for a in state.agreements:
        if not a.in_force:
            continue
        if state.round >= a.expiry_round:
            expire(game, a)
            continue
        for party in a.parties:
            detect(game, a, party)
        if not a.in_force:
            continue
        due_steps(game, a)  # after detection: a step withheld now can be seen from the next round on
        for party in a.parties:
            maybe_violate(game, a, party)
        if not any(a.hidden_breaches.values()):
            for x, y in (a.parties, a.parties[::-1]):
                i, j = gi[x], gi[y]
                state.trust[i, j] = min(1.0, state.trust[i, j] + game.config.dynamics.trust_recovery)


def expire(game: Game, a: Agreement) -> None:
    """An agreement reaches its expiry: it runs on if it may be extended, else its levels snap back."""
    state = game.state
    if a.on_expiry is ExpiryRule.EXTEND and a.extensions_left > 0:
        a.extensions_left -= 1
        a.expiry_round += a.extension_rounds
        state.log.append(Extended(state.round, None, a.name, a.expiry_round))
        return
    a.status = AgreementStatus.EXPIRED
    changes = []
    for name, level in a.snap_back.items():
        k = game.index.inst_index[name]
        if state.levels[k] != level:
            changes.append(Change(name, float(state.levels[k]), level))
            state.levels[k] = level
            spec = game.config.instruments[k]
            state.news.append(Observation(state.round, spec.imposer, spec.target, ObservationKind.SNAP_BACK, name, spec.kind))
    state.log.append(Expired(state.round, None, a.name, tuple(changes)))


def due_steps(game: Game, a: Agreement) -> None:
    """A staged agreement's step falls due: each party implements its part, or quietly withholds it."""
    state = game.state
    for step in a.steps:
        if step.done or step.round > state.round:
            continue
        step.done = True
        for party in a.parties:
            implement(game, a, party, step.levels)
        a.committed.update(step.levels)


def implement(game: Game, a: Agreement, party: str, levels: dict[str, float]) -> None:
    state, index = game.state, game.index
    due = tuple(Change(name, float(state.levels[index.inst_index[name]]), level) for name, level in levels.items()
                if game.config.instrument(name).imposer == party and state.levels[index.inst_index[name]] != level)
    if not due:
        return
    if game.rng.random() < breach_chance(game, a, party):
        owed = {c.instrument for c in due if hostile(game, c.instrument) * (c.after - c.before) < 0}  # concessions owed
        a.hidden_breaches.setdefault(party, set()).update(owed)
        for name in owed:
            a.breached_round.setdefault(name, state.round)
        state.counts.violations[party] += 1
        state.log.append(StepWithheld(state.round, party, a.name, due, a.other(party)))
        return
    for c in due:
        state.levels[index.inst_index[c.instrument]] = c.after
    state.log.append(StepImplemented(state.round, party, a.name, due))


def breach_chance(game: Game, a: Agreement, party: str) -> float:
    """The chance a party quietly breaks a commitment this round: hawkish and distrustful sides more often.

    None for a government played by people (its strategy keeps commitments, or a person holds its leader's
    seat): only they decide to break one, in the open. The draw is still made, so the generator's stream is
    the same whoever sits where."""
    gov = game.governments[party]
    if gov.ratifier is not None or gov.strategy.keeps_commitments(gov.view):
        return 0.0
    gi = game.index.gov_index
    trust = game.state.trust[gi[party], gi[a.other(party)]]
    return game.config.dynamics.violation_rate * game.governments[party].readiness * (1.0 - trust)


def hostile(game: Game, instrument: str) -> int:
    """+1 where raising the instrument is the hostile move, -1 where lowering it is (purchases)."""
    return hostile_sign(game.config.instrument(instrument).kind)


def beyond(game: Game, a: Agreement, instrument: str) -> bool:
    """Is the instrument past its commitment, in the hostile direction?"""
    level = game.state.levels[game.index.inst_index[instrument]]
    return hostile(game, instrument) * (level - a.committed[instrument]) > 0


def visible_yet(game: Game, a: Agreement, instrument: str) -> bool:
    """A shortfall in purchases shows only once the trade data are out, `verification_lag` rounds later."""
    if game.config.instrument(instrument).kind not in CONCESSIONS:
        return True
    return game.state.round - a.breached_round.get(instrument, game.state.round) >= game.config.dynamics.verification_lag


def detect(game: Game, a: Agreement, party: str) -> None:
    """The other side may notice a hidden breach that is still in place (and already visible in the data)."""
    state, index = game.state, game.index
    hidden = [i for i in a.hidden_breaches.get(party, set()) if beyond(game, a, i)]
    for mended in a.hidden_breaches.get(party, set()) - set(hidden):
        a.breached_round.pop(mended, None)
    a.hidden_breaches[party] = set(hidden)
    hidden = [i for i in hidden if visible_yet(game, a, i)]
    if not hidden:
        return
    if game.rng.random() < game.config.dynamics.detection:
        victim = a.other(party)
        breach(game, a, party, sorted(hidden)[0], overt=False)
        trust = float(state.trust[index.gov_index[victim], index.gov_index[party]])
        state.log.append(Detected(state.round, victim, a.name, party, trust))


def maybe_violate(game: Game, a: Agreement, party: str) -> None:
    """A side may quietly move one of its committed instruments a step the hostile way (drawn from traits):
    a control or tariff back up, purchases down."""
    state, index = game.state, game.index
    other = a.other(party)
    if game.rng.random() >= breach_chance(game, a, party):
        return
    idx = game.values.pair_instruments(party, other)
    names = [index.inst_names[k] for k in idx]
    now = state.levels[idx]
    signs = np.array([hostile(game, n) for n in names])
    room = np.where(signs > 0, index.hi[idx] - now, now - index.lo[idx])
    options = [j for j, name in enumerate(names) if name in a.committed and game.config.instrument(name).imposer == party
               and room[j] > 0]
    if not options:
        return
    trials = np.repeat(now[None, :], len(options), axis=0)
    for row, j in enumerate(options):
        step = game.config.instruments[idx[j]].step
        trials[row, j] = min(index.hi[idx[j]], max(index.lo[idx[j]], now[j] + signs[j] * step))
    side = game.values.side(party, other)
    value = game.values.values(party, other, np.vstack([now[None, :], trials])).governments[:, side]
    gain = value[1:] - value[0]
    best = int(np.argmax(gain))
    if gain[best] <= 0:
        return
    name, k = names[options[best]], idx[options[best]]
    old = float(state.levels[k])
    state.levels[k] = trials[best, options[best]]
    a.hidden_breaches.setdefault(party, set()).add(name)
    a.breached_round.setdefault(name, state.round)  # the data show the shortfall from when it began
    state.counts.violations[party] += 1
    state.log.append(QuietBreach(state.round, party, a.name, Change(name, old, float(state.levels[k])), other))


def breach(game: Game, a: Agreement, party: str, instrument: str, overt: bool) -> None:
    """`party` broke `a` (detected, or in the open): trust falls, the agreement is void, the victim sees it."""
    state, gi = game.state, game.index.gov_index
    victim = a.other(party)
    i, j = gi[victim], gi[party]
    state.trust[i, j] = max(0.0, state.trust[i, j] - game.config.dynamics.trust_penalty)
    a.status = AgreementStatus.BROKEN
    a.breached_by = party
    state.counts.detected[party] += 1
    if overt:
        state.counts.violations[party] += 1
    kind = game.config.instrument(instrument).kind
    target = state.news if not overt else state.pending
    target.append(Observation(state.round, party, victim, ObservationKind.VIOLATION, instrument, kind,
                              before=a.committed.get(instrument)))
