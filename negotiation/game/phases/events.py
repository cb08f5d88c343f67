"""Phase 1: scheduled and injected events fire (calls, meetings, rulings, market shocks, deadlines)."""

from __future__ import annotations

from negotiation.game.protocol import Game
from negotiation.game.records import EventFired
from negotiation.scenario import EventKind, EventSpec
from negotiation.strategies.moves import Observation, ObservationKind


def fire(game: Game) -> None:
    for event in game.agenda.take(game.state.round):
        apply(game, event)


def apply(game: Game, e: EventSpec) -> None:
    """Carry out one event and log it (with the level it replaced, or whether a deadline found a deal)."""
    state, gi = game.state, game.index.gov_index
    before: float | None = None
    deal: bool | None = None
    if e.kind in (EventKind.LEADERS_CALL, EventKind.MEETING):
        a, b = e.between
        if e.kind is EventKind.LEADERS_CALL:
            boost = e.trust if e.trust is not None else 0.0
            for x, y in ((a, b), (b, a)):
                i, j = gi[x], gi[y]
                state.trust[i, j] = min(1.0, max(0.0, state.trust[i, j] + boost))
                state.news.append(Observation(state.round, x, y, ObservationKind.GOODWILL))
        state.open_talks(a, b)
    elif e.kind is EventKind.SET_LEVEL:
        k = game.index.inst_index[e.instrument]
        before = float(state.levels[k])
        state.levels[k] = e.level
    elif e.kind is EventKind.MARKET_SHOCK:
        game.economy.shock(e.stress)
    elif e.kind is EventKind.DEADLINE:
        deal = state.agreement_between(*e.between) is not None
        if not deal and e.stress:
            game.economy.shock(e.stress)
    state.log.append(EventFired(state.round, None, e.name, e.kind, before, deal))
