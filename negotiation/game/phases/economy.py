"""Phase 6a: trade flows move toward their long-run level and markets react to the round's moves."""

from __future__ import annotations

from negotiation.game import disputes
from negotiation.game.protocol import Game


def update(game: Game) -> None:
    disputes.measure(game)  # after this round's deals and breakdowns
    game.economy.step(game.state.round_start, game.state.levels, sum(game.state.disputes.values()))
