"""The phases of one round, in order (DESIGN.md, "One round, as data flows"): one module a phase.

Each phase is a function of the game (`negotiation.game.protocol.Game`); the model's `step()` is
the list of them. A new mechanism is a new phase module, not a new method on the model.
"""

from negotiation.game.phases import actions, compliance, economy, events, record, stances, start, talks, threats
from negotiation.game.protocol import Game

PHASES = (
    start.begin_round,  # the clock moves; last round's acts become this round's news
    events.fire,  # 1. scheduled and injected events
    compliance.check,  # 2. expiries, detections, quiet breaches, trust
    stances.update,  # 3. officials react to what counterparts did
    talks.negotiate,  # 4. offers, responses, ratification, signing
    actions.act,  # 5. unilateral moves on own instruments
    threats.resolve,  # 5b. threats due: lifted, carried out or walked back (issue 11)
    threats.announce,  # 5c. new threats announced (issue 11)
    economy.update,  # 6a. flows adjust, markets react
    record.record,  # 6b. the round's row of the table
)

__all__ = ["PHASES", "Game"]
