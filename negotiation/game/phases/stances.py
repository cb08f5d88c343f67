"""Phase 3: officials update their stances from what counterparts just did to their government."""

from __future__ import annotations

from negotiation.game.protocol import Game


def update(game: Game) -> None:
    news = game.state.news
    for gov in game.governments.values():
        mine = [o for o in news if o.observer == gov.name]
        hostile = sum(o.kind.hostile for o in mine)
        friendly = sum(o.kind.friendly for o in mine)
        for official in gov.officials:
            official.update_stance(hostile, friendly)
