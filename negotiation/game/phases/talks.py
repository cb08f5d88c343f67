"""Phase 4: where talks are open, the proposer offers a package; the responder accepts, rejects or
counters. Each side learns from what the other offers and answers (its beliefs, `beliefs.py`). An
acceptance binds only if the package beats no deal for both sides by their true values and both
coalitions ratify it; failed talks may break off for a while."""

from __future__ import annotations

import numpy as np

from negotiation.game.agreements import Agreement, AgreementStatus, Step
from negotiation.game.protocol import Game
from negotiation.game.ratification import RatificationRequest, vote
from negotiation.game.records import (
    Accepted,
    BreachNeverFound,
    CannotAccept,
    Change,
    NoOffer,
    OfferMade,
    Ratified,
    Rejected,
    Replaces,
    Signed,
    TalksBrokeOff,
    TalksResumed,
)
from negotiation.game.state import Talks
from negotiation.scenario import ExpiryRule
from negotiation.strategies.moves import Observation, ObservationKind, Offer, ResponseKind


def negotiate(game: Game) -> None:
    for talks in game.state.talks.values():
        resume(game, talks)
        if talks.open and active(game, talks):
            bargain(game, talks)


def resume(game: Game, talks: Talks) -> None:
    """Broken-off talks resume once their cooling-off is over."""
    state = game.state
    if not talks.open and talks.broken_until is not None and state.round >= talks.broken_until:
        state.open_talks(*talks.pair)
        state.log.append(TalksResumed(state.round, None, talks.pair))


def active(game: Game, talks: Talks) -> bool:
    """Talks run unless an agreement that is not a truce still has more than a few rounds to go."""
    a = game.state.agreement_between(*talks.pair)
    return a is None or a.interim or a.rounds_left(game.state.round) <= game.config.dynamics.renegotiate_before


def bargain(game: Game, talks: Talks) -> None:
    """One round of talks: an offer, and a response (a counter-offer gets the proposer's reply)."""
    state = game.state
    if talks.opened_round is None:  # a new episode of talks after an agreement: the clock restarts
        talks.begin_episode(state.round)
    proposer = talks.next_proposer
    responder = talks.pair[1] if proposer == talks.pair[0] else talks.pair[0]
    talks.next_proposer = responder
    p_gov, r_gov = game.governments[proposer], game.governments[responder]
    offer = p_gov.strategy.propose(p_gov.view, responder, game.rng)
    if offer is None:
        state.log.append(NoOffer(state.round, proposer, responder))
        return
    if not table_offer(game, talks, offer, proposer, responder):
        return
    response = r_gov.strategy.respond(r_gov.view, offer, game.rng)
    learn_response(game, offer, accepted=response.kind is ResponseKind.ACCEPT)
    if response.kind is ResponseKind.ACCEPT:
        conclude(game, offer, accepter=responder)
    elif response.kind is ResponseKind.COUNTER and response.counter is not None:
        counter = response.counter
        if not table_offer(game, talks, counter, responder, proposer, counter=True):
            return
        reply = p_gov.strategy.respond(p_gov.view, counter, game.rng)
        learn_response(game, counter, accepted=reply.kind is ResponseKind.ACCEPT)
        if reply.kind is ResponseKind.ACCEPT:
            conclude(game, counter, accepter=proposer)
        else:
            state.log.append(rejected(game, proposer, counter, "counter-offer"))
    else:
        state.log.append(rejected(game, responder, offer, "offer"))
    if talks.failed(state.round):
        maybe_break_off(game, talks)


def table_offer(game: Game, talks: Talks, offer: Offer, proposer: str, responder: str, counter: bool = False) -> bool:
    """Check an offer, put it on the table, and let the other side learn from it."""
    check_offer(game, offer, proposer, responder)
    talks.offers.append(offer)
    talks.held_round = game.state.round
    game.state.log.append(offer_made(game, offer, counter=counter))
    learn_offer(game, offer)
    return True


def check_offer(game: Game, offer: Offer, proposer: str, responder: str) -> None:
    """A strategy's offer must come from its government, cover exactly the pair's instruments, and stay in bounds."""
    if (offer.proposer, offer.responder) != (proposer, responder):
        raise ValueError(f"{proposer}'s strategy returned an offer from {offer.proposer} to {offer.responder}")
    names = [game.index.inst_names[k] for k in game.values.pair_instruments(proposer, responder)]
    if [name for name, _ in offer.terms] != names:
        raise ValueError(f"{proposer}'s offer must set exactly the pair's instruments, in order: {', '.join(names)}")
    for name, level in offer.terms:
        spec = game.config.instrument(name)
        if not spec.min <= level <= spec.max:
            raise ValueError(f"{proposer}'s offer sets {name} to {level}, outside [{spec.min}, {spec.max}]")
    if offer.stages not in (1, 2) or offer.duration < 1:
        raise ValueError(f"{proposer}'s offer has {offer.stages} stages and a duration of {offer.duration}")
    if offer.extends is not None:
        a = game.state.agreement_between(proposer, responder)
        if a is None or a.name != offer.extends:
            raise ValueError(f"{proposer}'s offer extends {offer.extends!r}, which is not in force between them")


# -- learning -------------------------------------------------------------------------------


def learn_offer(game: Game, offer: Offer) -> None:
    """The responder updates its beliefs about the proposer from the package it offered."""
    beliefs = game.state.beliefs.get((offer.responder, offer.proposer))
    if beliefs is None:
        return
    levels = game.values.pair_levels(offer.responder, offer.proposer, offer)
    _, offered = game.values.hypotheses(offer.responder, offer.proposer, levels[None, :])
    _, table = game.values.hypotheses_table(offer.responder, offer.proposer)
    beliefs.observe_offer(offered[0], table)


def learn_response(game: Game, offer: Offer, accepted: bool) -> None:
    """The proposer updates its beliefs about the responder from its answer."""
    beliefs = game.state.beliefs.get((offer.proposer, offer.responder))
    if beliefs is None:
        return
    levels = game.values.pair_levels(offer.proposer, offer.responder, offer)
    _, value = game.values.hypotheses(offer.proposer, offer.responder, levels[None, :])
    _, reservation = game.values.hypotheses_no_deal(offer.proposer, offer.responder)
    beliefs.observe_response(accepted, value[0], reservation)


def maybe_break_off(game: Game, talks: Talks) -> None:
    """After a failed round, talks break off with the scenario's chance, to resume after a cooling-off."""
    d, state = game.config.dynamics, game.state
    if d.breakdown > 0 and game.rng.random() < d.breakdown:
        talks.open = False
        talks.end_episode()
        talks.broken_until = state.round + d.cooling_off
        state.log.append(TalksBrokeOff(state.round, None, talks.pair, talks.broken_until))


# -- what goes in the log -------------------------------------------------------------------


def changes(game: Game, terms: tuple[tuple[str, float], ...]) -> tuple[Change, ...]:
    """The levels a package would move, from where everyone sees them now (an unseen breach stays unseen)."""
    levels, index = game.state.public_levels(game.index), game.index.inst_index
    return tuple(Change(name, float(levels[index[name]]), level) for name, level in terms if levels[index[name]] != level)


def offer_made(game: Game, offer: Offer, counter: bool = False) -> OfferMade:
    v = game.values
    p, r = offer.proposer, offer.responder
    return OfferMade(
        game.state.round, p, r, offer.terms, offer.duration, changes(game, offer.terms), counter,
        value_proposer=v.offer_value(offer, p),
        value_responder=v.offer_value(offer, r),
        reservation_proposer=v.reservation(p, r),
        reservation_responder=v.reservation(r, p),
        stages=offer.stages,
        extends=offer.extends,
        no_deal=no_deal_changes(game, p, r),
    )


def no_deal_changes(game: Game, a: str, b: str) -> tuple[Change, ...]:
    """The levels that would move if a and b made no deal (an agreement between them snapping back), from where
    everyone sees them now: each side's alternative to the package, for the story to name."""
    public, true, names = game.state.public_levels(game.index), game.state.levels, game.index.inst_names
    after = game.values.no_deal_levels(a, b)
    return tuple(Change(names[k], float(public[k]), float(after[k])) for k in game.values.pair_instruments(a, b)
                 if after[k] != true[k])


def rejected(game: Game, who: str, offer: Offer, what: str) -> Rejected:
    other = offer.proposer if who == offer.responder else offer.responder
    return Rejected(game.state.round, who, what, game.values.offer_value(offer, who), game.values.reservation(who, other))


# -- concluding -----------------------------------------------------------------------------


def conclude(game: Game, offer: Offer, accepter: str) -> None:
    """An acceptance binds only if the package beats both sides' no-deal value (true values) and both ratify."""
    state, v = game.state, game.values
    values, reservations = {}, {}
    for gov in (offer.responder, offer.proposer):
        other = offer.proposer if gov == offer.responder else offer.responder
        values[gov], reservations[gov] = v.offer_value(offer, gov), v.reservation(gov, other)
        if values[gov] <= reservations[gov]:
            state.log.append(CannotAccept(state.round, accepter, gov, values[gov], reservations[gov]))
            return
    state.log.append(Accepted(state.round, accepter))
    votes = [ratify(game, g, h, offer) for g, h in ((offer.responder, offer.proposer), (offer.proposer, offer.responder))]
    if all(votes):
        sign(game, offer, values, reservations)


def ratify(game: Game, g: str, h: str, offer: Offer) -> bool:
    """g's coalition votes on the offer; the vote, with each official's reasons, goes in the log."""
    v, gov = game.values, game.governments[g]
    team = gov.team
    levels = v.pair_levels(g, h, offer)[None, :]
    side = v.side(g, h)
    values = v.values(g, h, levels).officials[side][0]
    no_deal = v.no_deal(g, h).officials[side][0]
    influence = v.prefs.influence[team.index, list(team.members)]
    ask = None
    if gov.ratifier is not None:
        ask = lambda: gov.ratifier(request(game, g, h, offer, values, no_deal, influence))  # noqa: E731
    result = vote(team, values, no_deal, influence, game.config.information.ratification_noise, game.rng, ask)
    game.state.log.append(Ratified(game.state.round, g, result.ratified, result.support, result.leader_approves,
                                   result.opposed, team.names[team.leader], result.values, ask is not None))
    return result.ratified


def request(game: Game, g: str, h: str, offer: Offer, values: np.ndarray, no_deal: np.ndarray,
            influence: np.ndarray) -> RatificationRequest:
    """What a human leader is shown: the package's levels, no deal's, and every official's values."""
    team = game.governments[g].team
    levels = game.state.levels.copy()
    for name, level in offer.terms:
        levels[game.index.inst_index[name]] = level
    return RatificationRequest(
        g, h, levels, game.values.no_deal_levels(g, h),
        values={name: (float(a), float(b)) for name, a, b in zip(team.names, values, no_deal)},
        influence={name: float(w) for name, w in zip(team.names, influence)},
        threshold=team.threshold,
    )


def first_step(game: Game, offer: Offer) -> dict[str, float]:
    """A staged agreement's first step: half of each move, on the instrument's grid, rounded toward where it stands."""
    out = {}
    for name, level in offer.terms:
        k = game.index.inst_index[name]
        now = float(game.state.levels[k])
        grid = game.index.grids[k]
        half = now + (level - now) / 2
        on_grid = grid[np.argmin(np.abs(grid - half) + (np.abs(grid - now) > np.abs(half - now) + 1e-9) * 1e9)]
        out[name] = float(on_grid) if (level - now) * (on_grid - now) >= 0 and abs(on_grid - now) <= abs(level - now) else level
    return out


def sign(game: Game, offer: Offer, values: dict[str, float], reservations: dict[str, float]) -> None:
    """The package binds: it supersedes any agreement between the pair and sets (or starts moving) the levels."""
    state, index, d = game.state, game.index, game.config.dynamics
    a, b = offer.proposer, offer.responder
    no_deal = game.values.no_deal_levels(a, b)
    old = state.agreement_between(a, b)
    if old is not None:
        old.status = AgreementStatus.SUPERSEDED
        for party, hidden in old.hidden_breaches.items():
            if hidden:
                state.log.append(BreachNeverFound(state.round, party, old.name))
    terms = dict(offer.terms)
    staged = offer.stages == 2 and offer.extends is None
    now = first_step(game, offer) if staged else terms
    step_round = state.round + d.staging_interval if staged else None
    agreement = Agreement(
        name=old.name if offer.extends is not None and old is not None else f"round-{state.round} {a}-{b} agreement",
        parties=(a, b),
        terms=terms,
        signed_round=state.round,
        expiry_round=state.round + offer.duration,
        on_expiry=ExpiryRule.SNAP_BACK,
        snap_back=dict(old.snap_back) if offer.extends is not None and old is not None
        else {name: float(no_deal[index.inst_index[name]]) for name, _ in offer.terms},
        interim=bool(old.interim) if offer.extends is not None and old is not None else False,
        committed=dict(now),
        steps=[Step(step_round, terms)] if staged and step_round is not None else [],
        extends=offer.extends,
    )
    state.agreements.append(agreement)
    talks = state.talks_with(a, b)
    talks.end_episode()  # the next episode's clock starts when talks resume
    talks.agreed_round = state.round
    announced = changes(game, offer.terms)
    moved = changes(game, tuple(now.items()))
    for name, level in now.items():
        state.levels[index.inst_index[name]] = level
    # An agreement settles what came before it: neither side still answers earlier hostile acts.
    state.news = [o for o in state.news if not (o.kind.hostile and {o.actor, o.observer} == {a, b})]
    for x, y in ((a, b), (b, a)):
        state.pending.append(Observation(state.round, x, y, ObservationKind.AGREEMENT))
    state.log.append(Signed(
        state.round, None, agreement.name, (a, b), offer.terms, agreement.expiry_round, moved,
        values=tuple((g, values[g]) for g in (a, b)),
        reservations=tuple((g, reservations[g]) for g in (b, a)),
        announced=announced if staged else (),
        step_round=step_round,
        extends=offer.extends,
    ))
    if old is not None and offer.extends is None:
        state.log.append(Replaces(state.round, None, old.name))
