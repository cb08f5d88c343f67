"""The clocks of talks: by when a pair of governments must agree."""

from __future__ import annotations

from negotiation.game.protocol import Game


def deadline(game: Game, a: str, b: str) -> int:
    """The round by which a and b must agree: an expiring agreement, a scheduled deadline, or the end."""
    now = game.state.round
    candidates = [game.rounds]
    agreement = game.state.agreement_between(a, b)
    if agreement is not None:
        candidates.append(agreement.expiry_round)
    candidates += game.agenda.deadlines(a, b, now)
    return max(now, min(candidates))
