"""The phases of one round, in order (DESIGN.md, "One round, as data flows"): one module a phase.

Each phase is a function of the game (`negotiation.game.protocol.Game`); the model's `step()` is
the list of them. A new mechanism is a new phase module, not a new method on the model.
"""

from negotiation.game.phases import (
    actions,
    compliance,
    domestic,
    economy,
    engagement,
    events,
    record,
    stances,
    start,
    talks,
    threats,
)
from negotiation.game.protocol import Game

PHASES = (
    start.begin_round,  # the clock moves; last round's acts become this round's news
    events.fire,  # 1. scheduled and injected events
    compliance.check,  # 2. expiries, detections, quiet breaches, trust
    engagement.arise,  # 2b. calls, meetings and summits the state brings about (issue 11)
    stances.update,  # 3. officials react to what counterparts did
    talks.negotiate,  # 4. offers, responses, ratification, signing
    actions.act,  # 5. unilateral moves on own instruments
    domestic.officials_move,  # 5a. officials move the instruments they hold, within their mandates (issue 11)
    threats.resolve,  # 5b. threats due: lifted, carried out or walked back (issue 11)
    threats.announce,  # 5c. new threats announced (issue 11)
    economy.update,  # 6a. flows adjust, markets react
    domestic.shift_influence,  # 6a'. influence inside governments moves toward those events vindicate (issue 11)
    record.record,  # 6b. the round's row of the table
)

__all__ = ["PHASES", "Game"]
