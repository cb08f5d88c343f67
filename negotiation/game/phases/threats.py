"""Threats: governments announce dated measures with conditions, and at the date carry them out or walk them back.

Two phases, after the round's talks and acts. `resolve`: a threat that an agreement has settled,
or whose condition its target has met, is lifted (a success, at no cost); a target may give in and
meet a condition now; in its due round an unmet threat is carried out (a real escalation, seen as
hostile) or walked back, and walking back costs the threatener's leader an audience cost that
grows with the threat's publicity (Fearon 1994) and counts against its record. `announce`: each
strategy may threaten a counterpart; markets jump with the threat's size and publicity, and the
pending threat adds to the pair's uncertainty (`disputes.py`). A threat announced in round t with a
lead of L rounds is due in round t + L: the target hears of it at the start of round t + 1 and has
the talks and acts of rounds t + 1 .. t + L to meet it.

Credibility, the target's belief that a threat will be carried out, is the threatener's record by
Laplace's rule times the target's belief that the threatener would rather carry it out than pay
the audience cost (over its hypotheses about the threatener's values, with the logistic noise of
`information.response_noise`): Schelling's (1966) point that a threat coerces only as far as it
is believed.
"""

from __future__ import annotations

import numpy as np

from negotiation.game.beliefs import logistic
from negotiation.game.phases.actions import apply, grid_steps
from negotiation.game.phases.compliance import breach
from negotiation.game.protocol import Game
from negotiation.game.records import (
    Change,
    OpenBreach,
    ThreatCarriedOut,
    ThreatLifted,
    ThreatMade,
    ThreatWalkedBack,
)
from negotiation.game.threats import ThreatRecord, ThreatState, ThreatStatus
from negotiation.strategies.moves import Action, Observation, ObservationKind, Threat, ThreatCondition, ThreatDecision

# ----------------------------------------------------------------------------- the two phases


def resolve(game: Game) -> None:
    """Lift settled threats, let targets give in, and at the due round carry out or walk back the rest."""
    for ts in [t for t in game.state.threats if t.pending]:
        settle(game, ts)


def announce(game: Game) -> None:
    """After the round's acts, each government may announce a threat to each counterpart it holds measures on."""
    p, gi = game.economy.p, game.index.gov_index
    for gov in game.governments.values():
        for counterpart in game.index.gov_names:
            if counterpart != gov.name and (p.imposer[p.target == gi[counterpart]] == gi[gov.name]).any():
                threat = gov.strategy.threaten(gov.view, counterpart, game.rng)
                if threat is not None:
                    make(game, threat)


# ----------------------------------------------------------------------------- resolving


def settle(game: Game, ts: ThreatState) -> None:
    t, state = ts.threat, game.state
    if settled_by_agreement(game, t):
        lift(game, ts, by_agreement=True)
        return
    if t.condition is ThreatCondition.LOWER and not condition_met(game, t):
        target = game.governments[t.target]
        if target.strategy.meet_condition(target.view, t, game.rng):
            give_in(game, t)
    if state.round < t.due_round:
        refresh(game, ts)
    elif condition_met(game, t):
        lift(game, ts, by_agreement=False)
    else:
        threatener = game.governments[t.threatener]
        decision = threatener.strategy.decide(threatener.view, t, game.rng)
        (carry_out if decision is ThreatDecision.CARRY_OUT else walk_back)(game, ts)


def settled_by_agreement(game: Game, t: Threat) -> bool:
    """An agreement signed between the pair after the threat was made settles it."""
    a = game.state.agreement_between(t.threatener, t.target)
    return a is not None and a.signed_round > t.made_round


def condition_met(game: Game, t: Threat) -> bool:
    if t.condition is not ThreatCondition.LOWER or t.condition_instrument is None or t.condition_level is None:
        return False
    return float(game.state.levels[game.index.inst_index[t.condition_instrument]]) <= t.condition_level + 1e-9


def give_in(game: Game, t: Threat) -> None:
    """The target meets the condition now: it lowers its instrument (a de-escalation, seen as friendly)."""
    assert t.condition_instrument is not None and t.condition_level is not None
    apply(game, t.target, Action(t.condition_instrument, t.condition_level, f"to meet {t.threatener}'s condition"))


def refresh(game: Game, ts: ThreatState) -> None:
    """A pending threat's credibility moves with the state (and the threatener's record)."""
    value = credibility(game, ts.threat)
    if value != ts.credibility:
        ts.credibility = value
        game.state.threat_version += 1


def lift(game: Game, ts: ThreatState, by_agreement: bool) -> None:
    state, t = game.state, ts.threat
    ts.status = ThreatStatus.LIFTED
    state.threat_version += 1
    state.counts.threats_lifted[t.threatener] += 1
    state.log.append(ThreatLifted(state.round, t.threatener, t.target, t.publicity, t.instrument, by_agreement))


def carry_out(game: Game, ts: ThreatState) -> None:
    """The measure takes effect: an escalation the target sees as hostile (a breach, if it was committed)."""
    state, index, t = game.state, game.index, ts.threat
    k = index.inst_index[t.instrument]
    old = float(state.levels[k])
    new = max(old, t.level)
    ts.status = ThreatStatus.CARRIED_OUT
    state.threat_version += 1
    rec = record_of(game, t.threatener)
    rec.carried_out += 1
    state.counts.threats_carried_out[t.threatener] += 1
    state.log.append(ThreatCarriedOut(state.round, t.threatener, t.target, t.publicity, Change(t.instrument, old, new),
                                      (rec.carried_out, rec.walked_back)))
    if new == old:
        return
    state.levels[k] = new
    state.counts.escalations[t.threatener] += 1
    a = state.agreement_between(t.threatener, t.target)
    if a is not None and t.instrument in a.committed and new > a.committed[t.instrument]:
        breach(game, a, t.threatener, t.instrument, overt=True)
        state.log.append(OpenBreach(state.round, t.threatener, a.name))
        return
    spec = game.config.instruments[k]
    state.pending.append(Observation(state.round, t.threatener, t.target, ObservationKind.THREAT_CARRIED_OUT,
                                     t.instrument, spec.kind, steps=grid_steps(old, new, spec.step), before=old))


def walk_back(game: Game, ts: ThreatState) -> None:
    """The threat is dropped: the threatener's leader pays the audience cost, for good, and its record suffers."""
    state, t = game.state, ts.threat
    ts.status = ThreatStatus.WALKED_BACK
    state.threat_version += 1
    rec = record_of(game, t.threatener)
    rec.walked_back += 1
    state.counts.threats_walked_back[t.threatener] += 1
    cost = audience_cost(game, t)
    team = game.governments[t.threatener].team
    leader = team.members[team.leader]
    weight = float(game.values.prefs.influence[team.index, leader])
    if cost > 0:
        state.audience_costs[leader] = state.audience_costs.get(leader, 0.0) + cost / weight
    state.log.append(ThreatWalkedBack(state.round, t.threatener, t.target, t.publicity, t.instrument, t.level, cost,
                                      team.names[team.leader], (rec.carried_out, rec.walked_back)))


# ----------------------------------------------------------------------------- announcing


def make(game: Game, t: Threat) -> None:
    """Put a threat on record: markets jump with its size and publicity, and the target hears of it next round."""
    check_threat(game, t)
    state, index = game.state, game.index
    k = index.inst_index[t.instrument]
    old = float(state.levels[k])
    ts = ThreatState(t, credibility(game, t))
    state.threats.append(ts)
    state.threat_version += 1
    state.counts.threats_made[t.threatener] += 1
    game.economy.shock(game.economy.p.stress_jump * t.publicity * (t.level - old) / float(index.hi[k] - index.lo[k]))
    rec = record_of(game, t.threatener)
    condition = None
    if t.condition_instrument is not None and t.condition_level is not None:
        now = float(state.levels[index.inst_index[t.condition_instrument]])
        condition = Change(t.condition_instrument, now, t.condition_level)
    state.log.append(ThreatMade(state.round, t.threatener, t.target, t.publicity, Change(t.instrument, old, t.level),
                                t.due_round, t.condition, condition, ts.credibility, audience_cost(game, t),
                                (rec.carried_out, rec.walked_back)))
    spec = game.config.instruments[k]
    state.pending.append(Observation(state.round, t.threatener, t.target, ObservationKind.THREAT, t.instrument, spec.kind))


def check_threat(game: Game, t: Threat) -> None:
    """A strategy's threat must raise one of its own instruments on the target, date it ahead, and ask something real."""
    spec = game.config.instruments[game.index.inst_index[t.instrument]] if t.instrument in game.index.inst_index else None
    if spec is None or (spec.imposer, spec.target) != (t.threatener, t.target):
        raise ValueError(f"{t.threatener}'s threat uses {t.instrument!r}, which it does not impose on {t.target}")
    now = float(game.state.levels[game.index.inst_index[t.instrument]])
    if not now < t.level <= spec.max:
        raise ValueError(f"{t.threatener}'s threat sets {t.instrument} to {t.level}: it must raise it, within {spec.max}")
    if t.due_round <= game.state.round or not 0 <= t.publicity <= 1:
        raise ValueError(f"{t.threatener}'s threat is due in round {t.due_round} with publicity {t.publicity}")
    if t.condition is ThreatCondition.LOWER:
        cond = game.config.instrument(t.condition_instrument) if t.condition_instrument in game.index.inst_index else None
        if cond is None or (cond.imposer, cond.target) != (t.target, t.threatener) or t.condition_level is None \
                or not cond.min <= t.condition_level <= cond.max:
            raise ValueError(f"{t.threatener}'s threat asks {t.target} to lower {t.condition_instrument!r}, "
                             f"which is not {t.target}'s instrument on {t.threatener} (or the level is out of bounds)")


# ----------------------------------------------------------------------------- credibility and costs


def record_of(game: Game, government: str) -> ThreatRecord:
    """A government's record of threats, starting from the scenario's record before the run."""
    records = game.state.threat_records
    if government not in records:
        prior = game.config.government(government).coercion.threats.record
        records[government] = ThreatRecord(prior.carried_out, prior.walked_back)
    return records[government]


def audience_cost(game: Game, t: Threat) -> float:
    """What walking `t` back costs the threatener's government, in utility: its policy's cost x the publicity."""
    return game.config.government(t.threatener).coercion.threats.audience_cost * t.publicity


def credibility(game: Game, t: Threat) -> float:
    """The target's belief that `t` is carried out if its condition is unmet: record x believed resolve."""
    return record_of(game, t.threatener).laplace * resolve_belief(game, t)


def resolve_belief(game: Game, t: Threat) -> float:
    """The target's belief that the threatener prefers carrying out to backing down: over its hypotheses of the
    threatener's values, logistic((value of the measure + audience cost) / response noise)."""
    g, h = t.target, t.threatener
    beliefs = game.state.beliefs.get((g, h))
    if beliefs is None:
        return 1.0
    v = game.values
    idx = v.pair_instruments(g, h)
    rows = np.repeat(game.state.levels[idx][None, :], 2, axis=0)
    rows[1, idx.index(game.index.inst_index[t.instrument])] = t.level
    _, gov = v.hypotheses(g, h, rows, deal=False)  # (2, T): the threatener's value under each hypothesis
    margin = gov[1] - gov[0] + audience_cost(game, t)
    return float(beliefs.expected(logistic(margin / game.config.information.response_noise)[None, :])[0])
