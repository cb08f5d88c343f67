"""Open disputes: how unsettled each pair's relations are, which is what moves markets' uncertainty.

A pair with coercive measures between them and no agreement is in open dispute (1); a truce or an
agreement close to its expiry leaves it half settled (0.5); an agreement with time to run settles
it (0). Talks broken off are an open dispute whatever else holds. A pending threat adds uncertainty on
top (issue 11): its publicity times the normalised size of the measure it threatens, until it is
carried out, walked back or lifted.
"""

from __future__ import annotations

from negotiation.game.protocol import Game

OPEN, HALF, SETTLED = 1.0, 0.5, 0.0


def measure(game: Game) -> None:
    """Set `state.disputes` for every pair with coercive measures between them."""
    state, p = game.state, game.economy.p
    names = game.index.gov_names
    out: dict[frozenset, float] = {}
    n = len(names)
    for i in range(n):
        for j in range(i + 1, n):
            if p.counterpart[i, j]:
                out[frozenset((names[i], names[j]))] = dispute(game, names[i], names[j])
    state.disputes = out
    state.epoch += 1


def dispute(game: Game, a: str, b: str) -> float:
    return settlement(game, a, b) + threat_tension(game, a, b)


def threat_tension(game: Game, a: str, b: str) -> float:
    """The uncertainty the pair's pending threats add: publicity x the measure's size on its instrument's range."""
    index, state = game.index, game.state
    total = 0.0
    for ts in state.pending_threats(a, b):
        k = index.inst_index[ts.threat.instrument]
        size = max(0.0, ts.threat.level - float(state.levels[k])) / float(index.hi[k] - index.lo[k])
        total += ts.threat.publicity * size
    return total


def settlement(game: Game, a: str, b: str) -> float:
    """How unsettled the pair's relations are by their agreements and talks: OPEN, HALF or SETTLED."""
    state = game.state
    talks = state.talks.get(frozenset((a, b)))
    if talks is not None and talks.broken_until is not None:
        return OPEN
    agreement = state.agreement_between(a, b)
    if agreement is None:
        return OPEN
    if agreement.interim or agreement.rounds_left(state.round) <= game.config.dynamics.renegotiate_before:
        return HALF
    return SETTLED
