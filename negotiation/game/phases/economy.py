"""Phase 6a: trade flows move toward their long-run level and markets react to the round's moves."""

from __future__ import annotations

from negotiation.game import disputes
from negotiation.game.protocol import Game


def update(game: Game) -> None:
    disputes.measure(game)  # after this round's deals and breakdowns
    state = game.state
    # start.begin_round, the round's first phase, sets both
    assert state.round_start is not None and state.round_start_public is not None
    # Trade moves with the levels as they are; markets with the levels as they can see them (a quiet breach is unseen).
    game.economy.step(state.round_start, state.levels, sum(state.disputes.values()),
                      seen=(state.round_start_public, state.public_levels(game.index)))
