"""Phase 1: scheduled and injected events fire (calls, meetings, rulings, market shocks, deadlines).

A level set by an event is an act of someone (issue 11, "shocks are acts"): the imposer's
government or one of its agencies acts like any unilateral move (the target sees it, may answer
it, and learns from it what the actor wants; a raise out of the blue costs the target's trust), a
court or the market acts for no one (the target sees a ruling, neither hostile nor a concession).
Either way every government's values and reservation values follow the new level.
"""

from __future__ import annotations

import numpy as np

from negotiation.game.phases.actions import grid_steps
from negotiation.game.phases.compliance import breach
from negotiation.game.protocol import Game
from negotiation.game.records import EventFired, OpenBreach
from negotiation.scenario import EventKind, EventSpec, SetLevel, hostile_sign
from negotiation.strategies.moves import Observation, ObservationKind


def fire(game: Game) -> None:
    for event in game.agenda.take(game.state.round):
        apply(game, event)


def apply(game: Game, e: EventSpec) -> None:
    """Carry out one event and log it (with the level it replaced, or whether a deadline found a deal)."""
    state, gi = game.state, game.index.gov_index
    before: float | None = None
    deal: bool | None = None
    if e.kind in (EventKind.LEADERS_CALL, EventKind.MEETING):
        a, b = e.between
        if e.kind is EventKind.LEADERS_CALL:
            boost = e.trust if e.trust is not None else 0.0
            for x, y in ((a, b), (b, a)):
                i, j = gi[x], gi[y]
                state.trust[i, j] = min(1.0, max(0.0, state.trust[i, j] + boost))
                state.news.append(Observation(state.round, x, y, ObservationKind.GOODWILL))
        else:
            state.last_meeting[frozenset((a, b))] = state.round
        state.last_contact[frozenset((a, b))] = state.round
        state.open_talks(a, b)
    elif e.kind is EventKind.SET_LEVEL:
        before, broken = set_level(game, e)
        spec = game.config.instrument(e.instrument)
        actor = spec.imposer if e.actor.acts_for_government else None
        state.log.append(EventFired(state.round, actor, e.name, e.kind, before, None, e.actor, e.agency))
        if broken is not None:  # told after the act, as a unilateral move's breach is
            state.log.append(OpenBreach(state.round, spec.imposer, broken))
        return
    elif e.kind is EventKind.MARKET_SHOCK:
        game.economy.shock(e.stress)
    elif e.kind is EventKind.DEADLINE:
        deal = state.agreement_between(*e.between) is not None
        if not deal and e.stress:
            game.economy.shock(e.stress)
    state.log.append(EventFired(state.round, None, e.name, e.kind, before, deal))


def set_level(game: Game, e: SetLevel) -> tuple[float, str | None]:
    """Set the level and let the target see who did it; returns the level replaced, and the name of the
    agreement the act broke (an act of the imposer's government past its commitment), if any."""
    state, index = game.state, game.index
    k = index.inst_index[e.instrument]
    spec = game.config.instruments[k]
    old = float(state.levels[k])
    state.levels[k] = e.level
    if e.level == old:
        return old, None
    imposer, target = spec.imposer, spec.target
    if not e.actor.acts_for_government:
        state.news.append(Observation(state.round, imposer, target, ObservationKind.RULING, spec.name, spec.kind,
                                      steps=grid_steps(old, e.level, spec.step), before=old))
        return old, None
    sign = hostile_sign(spec.kind)
    escalate = sign * (e.level - old) > 0
    (state.counts.escalations if escalate else state.counts.de_escalations)[imposer] += 1
    learn(game, spec.name, imposer, target, e.level, e.agency)
    a = state.agreement_between(imposer, target)
    if escalate and a is not None and spec.name in a.committed and sign * (e.level - a.committed[spec.name]) > 0:
        breach(game, a, imposer, spec.name, overt=True)  # trust falls, the agreement is void, the target sees it
        return old, a.name
    if escalate:  # a decree out of the blue: the target trusts the imposer less, as after a breach
        i, j = index.gov_index[target], index.gov_index[imposer]
        state.trust[i, j] = max(0.0, state.trust[i, j] - game.config.dynamics.trust_penalty)
    kind = ObservationKind.ESCALATION if escalate else ObservationKind.DEESCALATION
    state.news.append(Observation(state.round, imposer, target, kind, spec.name, spec.kind,
                                  steps=grid_steps(old, e.level, spec.step), before=old))
    return old, None


def learn(game: Game, instrument: str, actor: str, observer: str, level: float, official: str | None) -> None:
    """The observer updates its beliefs about the actor from a level the actor (or its `official`) chose itself."""
    beliefs = game.state.beliefs.get((observer, actor))
    if beliefs is None:
        return
    k = game.index.inst_index[instrument]
    idx = game.values.pair_instruments(observer, actor)
    position = None
    if official is not None:
        g = game.index.gov_index[actor]
        members = [o.index for o in game.officials if game.index.gov_index[o.spec.government] == g]
        position = members.index(next(o.index for o in game.officials if o.name == official))
    span = float(game.index.hi[k] - game.index.lo[k]) or 1.0
    beliefs.observe_act(idx.index(k), level, np.asarray(game.index.grids[k], dtype=float), span, position)
