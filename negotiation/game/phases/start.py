"""Start of a round: the clock moves on, what was done last round becomes news, disputes are taken stock of."""

from __future__ import annotations

from negotiation.game import disputes
from negotiation.game.protocol import Game


def begin_round(game: Game) -> None:
    state = game.state
    state.round += 1
    state.round_start = state.levels.copy()
    state.round_start_public = state.public_levels(game.index)
    state.news, state.pending = state.pending, []
    disputes.measure(game)
