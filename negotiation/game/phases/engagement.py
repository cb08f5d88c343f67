"""Phase 2b: contact from the state (issue 11, "engagement"): leaders' calls, ministerial meetings, summits.

With the scenario's `engagement` block, each pair of counterparts faces a pressure for contact
(`pressure`: flare-ups, market stress, a coming deadline, trust, silence) and a leaders' call, a
ministerial meeting and a summit each come with chance 1 - exp(-cadence x pressure), one draw of
the model's generator per pair and kind a round whatever the pressure, so that runs stay
reproducible and a change of pressure changes only the outcome of the draw. A call lifts trust
both ways, is seen as goodwill (it softens stances and stays retaliation) and opens talks; a
meeting opens talks; a summit, only after a ministerial meeting of its own, lifts trust more. No
contact comes within `gap` rounds of the last (a scheduled call, say).
"""

from __future__ import annotations

import math

from negotiation.game.protocol import Game
from negotiation.game.records import Contact, Engaged, SummitRefused
from negotiation.scenario import EngagementSpec
from negotiation.strategies.moves import Observation, ObservationKind


def arise(game: Game) -> None:
    spec = game.config.engagement
    if spec is None:
        return
    for a, b in counterpart_pairs(game):
        remember_flare_ups(game, a, b, spec)
        causes = pressure(game, a, b, spec)
        total = sum(v for _, v in causes)
        draws = game.rng.random(3)  # call, meeting, summit: always three, so the stream does not depend on the state
        pair = frozenset((a, b))
        last = game.state.last_contact.get(pair)
        if last is not None and game.state.round - last < spec.gap:
            continue
        for contact, cadence, u in ((Contact.CALL, spec.calls, draws[0]), (Contact.MEETING, spec.meetings, draws[1]),
                                    (Contact.SUMMIT, spec.summits, draws[2])):
            if u < 1.0 - math.exp(-cadence * total):
                engage(game, a, b, contact, total, causes, spec)
                break


def counterpart_pairs(game: Game) -> list[tuple[str, str]]:
    """Every pair of governments holding measures against each other, in the scenario's order."""
    names, p = game.index.gov_names, game.economy.p
    return [(g, h) for i, g in enumerate(names) for j, h in enumerate(names) if i < j and p.counterpart[i, j]]


def remember_flare_ups(game: Game, a: str, b: str, spec: EngagementSpec) -> None:
    """Note this round's hostile acts between the pair, and forget those older than the memory."""
    state = game.state
    rounds = state.flare_ups.setdefault(frozenset((a, b)), [])
    rounds.extend(state.round for o in state.news if o.kind.hostile and {o.actor, o.observer} == {a, b})
    rounds[:] = [r for r in rounds if r > state.round - spec.memory]


def pressure(game: Game, a: str, b: str, spec: EngagementSpec) -> list[tuple[str, float]]:
    """The terms of the pair's pressure for contact, by cause (all non-negative)."""
    state, gi = game.state, game.index.gov_index
    pair = frozenset((a, b))
    floor = game.config.economy.stress.floor
    since = state.round - state.last_contact.get(pair, 0)
    trust = 0.5 * (state.trust[gi[a], gi[b]] + state.trust[gi[b], gi[a]])
    return [
        ("base", spec.base),
        ("flare-ups", spec.flare_up * len(state.flare_ups.get(pair, []))),
        ("market stress", spec.stress * max(0.0, game.economy.stress - floor)),
        ("deadline", spec.deadline * deadline_near(game, a, b, spec.deadline_window)),
        ("trust", spec.trust * float(trust)),
        ("silence", spec.silence * min(1.0, since / spec.silence_rounds)),
    ]


def deadline_near(game: Game, a: str, b: str, window: int) -> bool:
    """Is a deadline for the pair (scheduled or announced), its agreement's expiry or a threat due within `window` rounds?"""
    state, now = game.state, game.state.round
    due = list(game.agenda.deadlines(a, b, now))
    agreement = state.agreement_between(a, b)
    if agreement is not None:
        due.append(agreement.expiry_round)
    talks = state.talks.get(frozenset((a, b)))
    announced = talks.announced_deadline() if talks is not None else None
    if announced is not None:
        due.append(announced)
    due.extend(t.threat.due_round for t in state.pending_threats(a, b))
    return any(now <= r <= now + window for r in due)


def engage(game: Game, a: str, b: str, contact: Contact, total: float, causes: list[tuple[str, float]],
           spec: EngagementSpec) -> None:
    """Hold the contact: trust, goodwill and open talks, as the contact brings; a summit needs a meeting first."""
    state, gi = game.state, game.index.gov_index
    pair = frozenset((a, b))
    if contact is Contact.SUMMIT:
        met = state.last_meeting.get(pair)
        if met is None or state.round - met > spec.summit_window:
            state.log.append(SummitRefused(state.round, None, (a, b), met))
            for g in (a, b):
                state.counts.summits_refused[g] += 1
            return
    boost = {Contact.CALL: spec.call_trust, Contact.SUMMIT: spec.summit_trust}.get(contact, 0.0)
    for x, y in ((a, b), (b, a)):
        if boost:
            state.trust[gi[x], gi[y]] = min(1.0, state.trust[gi[x], gi[y]] + boost)
            state.news.append(Observation(state.round, x, y, ObservationKind.GOODWILL))
    counts = {Contact.CALL: state.counts.state_calls, Contact.MEETING: state.counts.state_meetings,
              Contact.SUMMIT: state.counts.summits}[contact]
    for g in (a, b):
        counts[g] += 1
    if contact is Contact.MEETING:
        state.last_meeting[pair] = state.round
    elif contact is Contact.SUMMIT:
        del state.last_meeting[pair]  # the next summit needs a meeting of its own
    state.last_contact[pair] = state.round
    state.open_talks(a, b)
    state.log.append(Engaged(state.round, None, (a, b), contact, total, tuple(causes), boost))
