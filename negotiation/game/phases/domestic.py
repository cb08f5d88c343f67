"""Phases 5a and 6b: domestic politics that moves (issue 11).

`officials_move`: an official who holds an instrument (the scenario's `mandates`) may move it one
grid step toward its ideal on its own, with chance `move_propensity` x its stance when raising
(x (1 - stance) when lowering), up to its mandate's steps from the level its government last
set; a move beyond the mandate, or past a commitment in force, needs the leader and is refused.
A move is an act of the government: the target sees it next round like any unilateral move and
may answer it, so a hostile act can start below the leader.

`shift_influence`: after events, influence inside a government moves toward the officials the
events vindicate, the expected-utility spirit of Bueno de Mesquita's models (BDM; KTAB): a market
fall vindicates those who weigh markets, a breach detected or talks breaking off the hawks (by
stance), a package failing at home those who opposed it. w <- (1 - rate) w + rate x v / sum(v).
Government utilities read the current influence; `state.influence_version` tells caches.
"""

from __future__ import annotations

import numpy as np

from negotiation.game.phases.actions import grid_steps
from negotiation.game.phases.events import learn
from negotiation.game.protocol import Game, OfficialLike
from negotiation.game.records import (
    Change,
    Detected,
    InfluenceShifted,
    OfficialMoved,
    OfficialRefused,
    OfficialStopped,
    Ratified,
    TalksBrokeOff,
)
from negotiation.scenario import Indicator, Mandate, hostile_sign
from negotiation.strategies.moves import Observation, ObservationKind

EPS = 1e-9
MARKETS, BREACH, TALKS, RATIFICATION = "a market fall", "a breach detected", "a breakdown of talks", "a deal failed at home"


# ----------------------------------------------------------------------------- officials' own moves


def officials_move(game: Game) -> None:
    spec = game.config.domestic
    if spec is None:
        return
    for official in game.officials:
        for mandate in official.spec.mandates:
            u = float(game.rng.random())  # one draw a mandate a round, whatever happens
            move(game, official, mandate, u, spec.move_propensity)


def move(game: Game, official: OfficialLike, mandate: Mandate, u: float, propensity: float) -> None:
    """The official's move on one instrument it holds, if its draw `u` says it acts."""
    state, index = game.state, game.index
    k = index.inst_index[mandate.instrument]
    inst = game.config.instruments[k]
    level = float(state.levels[k])
    base, seen, refused = state.mandate_base.get(k, (level, level, False))
    if level != seen:  # its government (or a deal, or a court) moved it: the mandate counts from there
        base, refused = level, False
    state.mandate_base[k] = (base, level, refused)
    ideal = float(game.values.prefs.ideal[official.index, k])
    if abs(ideal - level) < EPS:
        return
    up = ideal > level
    if u >= propensity * (official.stance if up else 1.0 - official.stance):
        return
    grid = index.grids[k]
    new = float(grid[grid > level + EPS][0] if up else grid[grid < level - EPS][-1])
    why = beyond(game, inst.name, base, new, mandate)
    if why is not None:
        if not refused:  # said once until the level moves again
            state.mandate_base[k] = (base, level, True)
            state.log.append(OfficialRefused(state.round, inst.imposer, official.name, inst.name, new, why))
            state.counts.official_moves_refused[inst.imposer] += 1
        return
    gov = game.governments[inst.imposer]
    consent = gov.strategy.allows_official_move(gov.view, official.name, inst.name, new)
    if consent is False:  # the players stopped it; the official may press again in a later round
        state.log.append(OfficialStopped(state.round, inst.imposer, official.name, inst.name, new))
        state.counts.official_moves_refused[inst.imposer] += 1
        return
    state.levels[k] = new
    state.mandate_base[k] = (base, new, False)
    escalate = hostile_sign(inst.kind) * (new - level) > 0
    (state.counts.escalations if escalate else state.counts.de_escalations)[inst.imposer] += 1
    state.counts.official_moves[inst.imposer] += 1
    state.log.append(OfficialMoved(state.round, inst.imposer, official.name, Change(inst.name, level, new), escalate,
                                   consented=consent is True))
    learn(game, inst.name, inst.imposer, inst.target, new, official.name)
    kind = ObservationKind.ESCALATION if escalate else ObservationKind.DEESCALATION
    state.pending.append(Observation(state.round, inst.imposer, inst.target, kind, inst.name, inst.kind,
                                     steps=grid_steps(level, new, inst.step), before=level))


def beyond(game: Game, instrument: str, base: float, new: float, mandate: Mandate) -> str | None:
    """Why a move to `new` needs the leader (None: within the mandate)."""
    inst = game.config.instrument(instrument)
    agreement = game.state.agreement_between(inst.imposer, inst.target)
    committed = agreement.committed.get(instrument) if agreement is not None else None
    if committed is not None and hostile_sign(inst.kind) * (new - committed) > 0:
        return "it would break a commitment in force"
    if abs(new - base) < EPS:
        return None
    allowed = mandate.up if new > base else mandate.down
    if grid_steps(base, new, inst.step) > allowed:
        return f"beyond its mandate of {allowed} step{'s' if allowed != 1 else ''} without the leader"
    return None


# ----------------------------------------------------------------------------- influence


def shift_influence(game: Game) -> None:
    spec = game.config.domestic
    if spec is None:
        return
    if spec.influence_rate <= 0:
        return
    before = game.state.rows[-1]["market_stress"]  # last round's, recorded after this phase
    for gov, cause, vindication in causes(game, float(game.economy.stress) - before >= spec.market_fall - EPS):
        shift(game, gov, cause, vindication, spec.influence_rate)


def causes(game: Game, market_fall: bool) -> list[tuple[str, str, dict[str, float]]]:
    """This round's events that vindicate someone: (government, cause, official -> vindication)."""
    out: list[tuple[str, str, dict[str, float]]] = []
    state = game.state
    if market_fall:
        for gov in game.governments.values():
            out.append((gov.name, MARKETS, {o.name: o.spec.indicators.get(Indicator.MARKET_STRESS, 0.0) for o in gov.officials}))
    for record in reversed(state.log):
        if record.round != state.round:
            break
        if isinstance(record, Detected) and record.actor is not None:
            out.append((record.actor, BREACH, hawks(game, record.actor)))
        elif isinstance(record, TalksBrokeOff):
            out.extend((g, TALKS, hawks(game, g)) for g in record.pair)
        elif isinstance(record, Ratified) and not record.ratified and record.actor is not None:
            against = set(record.opposed) | ({record.leader} if not record.leader_approves else set())
            out.append((record.actor, RATIFICATION, {o.name: float(o.name in against)
                                                      for o in game.governments[record.actor].officials}))
    return out


def hawks(game: Game, government: str) -> dict[str, float]:
    return {o.name: o.stance for o in game.governments[government].officials}


def shift(game: Game, government: str, cause: str, vindication: dict[str, float], rate: float) -> None:
    """Move `rate` of the government's influence toward the vindicated, and say so."""
    gov = game.governments[government]
    v = np.array([vindication[o.name] for o in gov.officials], dtype=float)
    if v.sum() <= EPS:
        return
    prefs, g = game.values.prefs, gov.index
    members = [o.index for o in gov.officials]
    old = prefs.influence[g, members].copy()
    new = (1.0 - rate) * old + rate * v / v.sum()
    if np.abs(new - old).max() < EPS:
        return
    prefs.influence[g, members] = new
    prefs.gov_salience[g] = new @ salience(game)[members]
    for o, w in zip(gov.officials, new):
        o.weight = float(w)
    state = game.state
    state.influence_version += 1
    state.counts.influence_shifts[government] += 1
    shares = tuple((o.name, float(a), float(b)) for o, a, b in zip(gov.officials, old, new))
    state.log.append(InfluenceShifted(state.round, government, cause, shares))


def salience(game: Game) -> np.ndarray:
    """Every official's raw salience of every instrument (n_off, n_instr), as the scenario gives it."""
    s, names = game.config, game.index.inst_index
    out = np.zeros((len(s.officials), len(names)))
    for o, off in enumerate(s.officials):
        for name, pref in off.preferences.items():
            out[o, names[name]] = pref.salience
    return out
