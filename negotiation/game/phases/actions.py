"""Phase 5: governments take unilateral actions on their own instruments (retaliation, goodwill)."""

from __future__ import annotations

import math

from negotiation.game.phases.compliance import breach
from negotiation.game.protocol import Game
from negotiation.game.records import Acted, Change, OpenBreach
from negotiation.scenario import hostile_sign
from negotiation.strategies.moves import Action, Observation, ObservationKind


def act(game: Game) -> None:
    """Every government plans its moves on the same state, then the moves are carried out in order."""
    planned: list[tuple[str, Action]] = []
    for gov in game.governments.values():
        for action in gov.strategy.act(gov.view, game.rng):
            planned.append((gov.name, action))
    for actor, action in planned:
        apply(game, actor, action)


def apply(game: Game, actor: str, action: Action) -> None:
    """Set the instrument; an escalation past a commitment breaks the agreement in the open."""
    state, index = game.state, game.index
    k = index.inst_index.get(action.instrument)
    if k is None or game.config.instruments[k].imposer != actor:
        raise ValueError(f"{actor}'s strategy acted on {action.instrument!r}, which {actor} does not impose")
    if not index.lo[k] <= action.level <= index.hi[k]:
        raise ValueError(f"{actor}'s strategy set {action.instrument} to {action.level}, outside its bounds")
    old = float(state.levels[k])
    if action.level == old:
        return
    sign = hostile_sign(game.config.instruments[k].kind)
    escalate = sign * (action.level - old) > 0  # the hostile move: a control up, purchases down
    spec = game.config.instruments[k]
    state.levels[k] = action.level
    counts = state.counts.escalations if escalate else state.counts.de_escalations
    counts[actor] += 1
    state.log.append(Acted(state.round, actor, Change(spec.name, old, action.level), escalate, action.reason, action.answers))
    a = state.agreement_between(actor, spec.target)
    if escalate and a is not None and spec.name in a.committed and sign * (action.level - a.committed[spec.name]) > 0:
        # One act, one grievance: the target sees a violation, not also an escalation.
        breach(game, a, actor, spec.name, overt=True)
        state.log.append(OpenBreach(state.round, actor, a.name))
        return
    kind = ObservationKind.ESCALATION if escalate else ObservationKind.DEESCALATION
    state.pending.append(Observation(state.round, actor, spec.target, kind, spec.name, spec.kind,
                                     steps=grid_steps(old, action.level, spec.step), before=old))


def grid_steps(before: float, after: float, step: float) -> int:
    """How many grid steps a move spans (a partial step at a bound counts as one): the size of an act."""
    return max(1, math.ceil(abs(after - before) / step - 1e-9))
