"""Start of a round: the clock moves on, and what was done last round becomes news."""

from __future__ import annotations

from negotiation.game.protocol import Game


def begin_round(game: Game) -> None:
    state = game.state
    state.round += 1
    state.round_start = state.levels.copy()
    state.news, state.pending = state.pending, []
