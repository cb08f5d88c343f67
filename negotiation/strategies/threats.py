"""Threats as a strategy makes them: when to announce one, what to threaten, whether to carry it out, and
whether to give in to one. Shared moves that every strategy uses unless it says otherwise.

- **When**: the counterpart just committed a hostile act, or talks just failed (unless the counterpart
  has just made a friendly move, such as a leaders' call), and then with chance `propensity` x an
  eagerness (by default the officials' readiness, so hawkish governments threaten more).
- **What** (Schelling 1966, "Arms and Influence": compellence needs a threat that hurts the other side
  and that one would carry out): among raises of our own instruments on the counterpart (up to
  `max_steps`, none committed under an agreement with it), the one we believe hurts it most among those
  we would carry out, counting the audience cost of backing down. A provocation sets the condition
  ("unless you lower it back"); failed talks set "unless we agree".
- **Carry out or walk back** (Fearon 1994, "Domestic Political Audiences and the Escalation of
  International Disputes", APSR 88(3)): carry out with the logistic chance of the measure's value to us
  (markets and all, valued as no deal) plus the audience cost, give or take the scenario's response
  noise: a public threat ties the leader's hands.
- **Give in**: the target meets a condition when that is worth more to it than the gamble of defying a
  threat as credible as it believes this one is.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from negotiation.strategies.moves import Observation, Threat, ThreatCondition, ThreatDecision
from negotiation.strategies.view import View

EPS = 1e-12
Pick = Callable[[View, str, np.random.Generator], "tuple[str, float] | None"]


def logistic(z: float) -> float:
    return 0.5 * (1.0 + float(np.tanh(0.5 * z)))


def provocation(view: View, counterpart: str) -> Observation | None:
    """The counterpart's latest hostile act against us in this round's news, if any."""
    hostile = [o for o in view.news() if o.actor == counterpart and o.kind.hostile]
    return hostile[-1] if hostile else None


def goodwill(view: View, counterpart: str) -> bool:
    """Did the counterpart just make a friendly move toward us (a leaders' call, a de-escalation, an agreement)?
    Failed talks right after one are no occasion for a threat."""
    return any(o.actor == counterpart and o.kind.friendly for o in view.news())


def candidates(view: View, counterpart: str) -> list[dict[str, float]]:
    """Measures we could threaten: raises of our instruments on `counterpart` by 1..max_steps steps, none committed."""
    agreement = view.agreement(counterpart)
    committed = agreement.committed if agreement is not None else {}
    out: list[dict[str, float]] = []
    for name in view.own_instruments(counterpart):
        if not view.coercive(name):
            continue  # raising a purchase commitment is a gift, not a threat
        if name in committed:
            continue  # raising it would break our agreement: not a threat but a breach
        now, top, step = view.level(name), view.bounds(name)[1], view.step(name)
        for s in range(1, view.threat_policy.max_steps + 1):
            level = min(top, now + s * step)
            if level <= now:
                break
            out.append({name: level})
            if level >= top:
                break
    return out


def coercive_measure(view: View, counterpart: str, rng: np.random.Generator | None = None) -> tuple[str, float] | None:
    """The credible measure we believe hurts `counterpart` most, or None if none would hurt it or be carried out."""
    options = candidates(view, counterpart)
    if not options:
        return None
    mine, theirs = view.what_if(counterpart, [{}] + options)
    policy = view.threat_policy
    credible = mine[1:] - mine[0] + policy.audience_cost * policy.publicity >= -EPS
    hurt = np.where(credible, theirs[0] - theirs[1:], -np.inf)
    best = int(np.argmax(hurt))
    if not credible[best] or hurt[best] <= EPS:
        return None
    ((name, level),) = options[best].items()
    return name, level


def random_measure(view: View, counterpart: str, rng: np.random.Generator) -> tuple[str, float] | None:
    """Any measure we could threaten, at random (the random baseline bluffs as readily as it means it)."""
    options = candidates(view, counterpart)
    if not options:
        return None
    ((name, level),) = options[int(rng.integers(len(options)))].items()
    return name, level


def make_threat(view: View, counterpart: str, rng: np.random.Generator, eagerness: float,
                on_failed_talks: bool = True, pick: Pick = coercive_measure) -> Threat | None:
    """A threat to `counterpart` this round, or None: see the module's "When" and "What"."""
    policy = view.threat_policy
    if policy.propensity <= 0 or any(t.threatener == view.name and t.target == counterpart for t in view.threats()):
        return None
    agreement = view.agreement(counterpart)
    if agreement is not None and agreement.signed_round == view.round:
        return None  # just settled
    act = provocation(view, counterpart)
    if act is None and not (on_failed_talks and view.talks_failed(counterpart) and not goodwill(view, counterpart)):
        return None
    if rng.random() >= policy.propensity * eagerness:
        return None
    measure = pick(view, counterpart, rng)
    if measure is None:
        return None
    instrument, level = measure
    if act is not None and act.instrument is not None and act.before is not None and view.level(act.instrument) > act.before:
        return view.threat(counterpart, instrument, level, ThreatCondition.LOWER, act.instrument, act.before)
    return view.threat(counterpart, instrument, level, ThreatCondition.AGREEMENT)


def decide(view: View, threat: Threat, rng: np.random.Generator, audience_weight: float = 1.0) -> ThreatDecision:
    """Carry out with chance logistic((value of the measure + weight x audience cost) / noise), else walk back."""
    mine, _ = view.what_if(threat.target, [{}, {threat.instrument: threat.level}])
    margin = float(mine[1] - mine[0]) + audience_weight * view.audience_cost(threat)
    chance = logistic(margin / view.decision_noise)
    return ThreatDecision.CARRY_OUT if rng.random() < chance else ThreatDecision.WALK_BACK


def meet_condition(view: View, threat: Threat) -> bool:
    """Give in when meeting the condition is worth at least the gamble of defying the threat (credibility c):
    U(lowered) >= c U(measure carried out) + (1 - c) U(as now), all valued as no deal."""
    if (threat.condition is not ThreatCondition.LOWER or threat.condition_instrument is None
            or threat.condition_level is None or threat.target != view.name):
        return False
    c = view.credibility(threat)
    mine, _ = view.what_if(threat.threatener, [{}, {threat.condition_instrument: threat.condition_level},
                                               {threat.instrument: threat.level}])
    return bool(mine[1] >= c * mine[2] + (1.0 - c) * mine[0] - EPS)
