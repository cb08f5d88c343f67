"""The clocks of talks: by when a pair must agree, or, with no deadline, how long a party expects talks to last.

Nothing here reads the run's last round: a simulation twice as long plays its first rounds the same.
Every episode of talks has a deadline when an agreement between the pair expires, a deadline event
is scheduled, or the parties announced one; without any, time pressure comes from each side's
discounting (its officials' patience) and the risk that talks break off (Rubinstein 1982).
"""

from __future__ import annotations

from negotiation.game.protocol import Game


def deadline(game: Game, a: str, b: str) -> int | None:
    """The round by which a and b must agree, if the game gives one."""
    now = game.state.round
    candidates = game.agenda.deadlines(a, b, now)
    agreement = game.state.agreement_between(a, b)
    if agreement is not None:
        candidates.append(agreement.expiry_round)
    talks = game.state.talks.get(frozenset((a, b)))
    announced = talks.announced_deadline() if talks is not None else None
    if announced is not None:
        candidates.append(announced)
    return max(now, min(candidates)) if candidates else None


def discount(game: Game, government: str) -> float:
    """The government's per-round discount: its officials' (1 - impatience x (1 - patience)), by influence."""
    gov = game.governments[government]
    d = game.config.dynamics.impatience
    return float(sum(o.weight * (1.0 - d * (1.0 - o.spec.traits.patience)) for o in gov.officials))


def horizon(game: Game, g: str, h: str) -> float:
    """How many rounds g expects this episode of talks with h to last, from its opening.

    To the deadline if there is one; otherwise the mean life of talks that g discounts at its rate
    and that break off with the scenario's chance each round: 1 / (1 - discount x (1 - breakdown)).
    """
    talks = game.state.talks_with(g, h)
    opened = game.state.round if talks.opened_round is None else talks.opened_round
    due = deadline(game, g, h)
    if due is not None:
        return float(max(1, due - opened + 1))
    keep = discount(game, g) * (1.0 - game.config.dynamics.breakdown)
    return 1.0 / max(1e-9, 1.0 - keep)
