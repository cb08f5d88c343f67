"""Phase 4: where talks are open, the proposer offers a package; the responder accepts, rejects or
counters; an acceptance binds only if it beats no deal for both sides and both coalitions ratify it."""

from __future__ import annotations

import numpy as np

from negotiation.game.agreements import Agreement, AgreementStatus
from negotiation.game.protocol import Game
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
)
from negotiation.game.state import Talks
from negotiation.scenario import ExpiryRule
from negotiation.strategies.moves import Observation, ObservationKind, Offer, ResponseKind


def negotiate(game: Game) -> None:
    for talks in game.state.talks.values():
        if talks.open and active(game, talks):
            bargain(game, talks)


def active(game: Game, talks: Talks) -> bool:
    """Talks run unless an agreement that is not a truce still has more than a few rounds to go."""
    a = game.state.agreement_between(*talks.pair)
    return a is None or a.interim or a.rounds_left(game.state.round) <= game.config.dynamics.renegotiate_before


def bargain(game: Game, talks: Talks) -> None:
    """One round of talks: an offer, and a response (a counter-offer gets the proposer's reply)."""
    state = game.state
    if talks.opened_round is None:  # a new episode of talks after an agreement: the clock restarts
        talks.opened_round = state.round
    proposer = talks.next_proposer
    responder = talks.pair[1] if proposer == talks.pair[0] else talks.pair[0]
    talks.next_proposer = responder
    p_gov, r_gov = game.governments[proposer], game.governments[responder]
    offer = p_gov.strategy.propose(p_gov.view, responder, game.rng)
    if offer is None:
        state.log.append(NoOffer(state.round, proposer, responder))
        return
    check_offer(game, offer, proposer, responder)
    talks.offers.append(offer)
    talks.held_round = state.round
    state.log.append(offer_made(game, offer))
    response = r_gov.strategy.respond(r_gov.view, offer, game.rng)
    if response.kind is ResponseKind.ACCEPT:
        conclude(game, offer, accepter=responder)
    elif response.kind is ResponseKind.COUNTER and response.counter is not None:
        counter = response.counter
        check_offer(game, counter, responder, proposer)
        talks.offers.append(counter)
        state.log.append(offer_made(game, counter, counter=True))
        reply = p_gov.strategy.respond(p_gov.view, counter, game.rng)
        if reply.kind is ResponseKind.ACCEPT:
            conclude(game, counter, accepter=proposer)
        else:
            state.log.append(rejected(game, proposer, counter, "counter-offer"))
    else:
        state.log.append(rejected(game, responder, offer, "offer"))


def check_offer(game: Game, offer: Offer, proposer: str, responder: str) -> None:
    """A strategy's offer must come from its government, cover only the pair's instruments, and stay in bounds."""
    if (offer.proposer, offer.responder) != (proposer, responder):
        raise ValueError(f"{proposer}'s strategy returned an offer from {offer.proposer} to {offer.responder}")
    pair = {proposer, responder}
    for name, level in offer.terms:
        spec = game.config.instrument(name)
        if {spec.imposer, spec.target} != pair:
            raise ValueError(f"{proposer}'s offer covers {name}, which is not between {proposer} and {responder}")
        if not spec.min <= level <= spec.max:
            raise ValueError(f"{proposer}'s offer sets {name} to {level}, outside [{spec.min}, {spec.max}]")


def changes(game: Game, terms: tuple[tuple[str, float], ...]) -> tuple[Change, ...]:
    """The levels a package would move, from where they stand now."""
    levels, index = game.state.levels, game.index.inst_index
    return tuple(Change(name, float(levels[index[name]]), level) for name, level in terms if levels[index[name]] != level)


def offer_made(game: Game, offer: Offer, counter: bool = False) -> OfferMade:
    values = game.values.package_utilities(game.values.offer_levels(offer)[None, :])[1][0]
    gi = game.index.gov_index
    return OfferMade(
        game.state.round, offer.proposer, offer.responder, offer.terms, offer.duration, changes(game, offer.terms),
        counter,
        value_proposer=float(values[gi[offer.proposer]]),
        value_responder=float(values[gi[offer.responder]]),
        reservation_proposer=game.values.reservation(offer.proposer, offer.responder),
        reservation_responder=game.values.reservation(offer.responder, offer.proposer),
    )


def rejected(game: Game, who: str, offer: Offer, what: str) -> Rejected:
    levels = game.values.offer_levels(offer)
    value = float(game.values.package_utilities(levels[None, :])[1][0, game.index.gov_index[who]])
    return Rejected(game.state.round, who, what, value, game.values.reservation(who, offer.proposer))


def conclude(game: Game, offer: Offer, accepter: str) -> None:
    """An acceptance binds only if the package beats both sides' no-deal value and both ratify."""
    state, gi = game.state, game.index.gov_index
    levels = game.values.offer_levels(offer)
    values = game.values.package_utilities(levels[None, :])[1][0]
    reservations = {}
    for gov in (offer.responder, offer.proposer):
        other = offer.proposer if gov == offer.responder else offer.responder
        reservation = reservations[gov] = game.values.reservation(gov, other)
        if values[gi[gov]] <= reservation:
            state.log.append(CannotAccept(state.round, accepter, gov, float(values[gi[gov]]), reservation))
            return
    state.log.append(Accepted(state.round, accepter))
    votes = [game.governments[g].ratification(h, levels)
             for g, h in ((offer.responder, offer.proposer), (offer.proposer, offer.responder))]
    for v in votes:
        state.log.append(Ratified(state.round, v.government, v.ratified, v.support, v.leader_approves, v.opposed))
    if not all(v.ratified for v in votes):
        return
    sign(game, offer, levels, values, reservations)


def sign(game: Game, offer: Offer, levels: np.ndarray, values: np.ndarray, reservations: dict[str, float]) -> None:
    """The package binds: it supersedes any agreement between the pair and sets the levels."""
    state, index = game.state, game.index
    a, b = offer.proposer, offer.responder
    no_deal = game.values.no_deal_levels(a, b)
    old = state.agreement_between(a, b)
    if old is not None:
        old.status = AgreementStatus.SUPERSEDED
        for party, hidden in old.hidden_breaches.items():
            if hidden:
                state.log.append(BreachNeverFound(state.round, party, old.name))
    agreement = Agreement(
        name=f"round-{state.round} {a}-{b} agreement",
        parties=(a, b),
        terms=dict(offer.terms),
        signed_round=state.round,
        expiry_round=state.round + offer.duration,
        on_expiry=ExpiryRule.SNAP_BACK,
        snap_back={name: float(no_deal[index.inst_index[name]]) for name, _ in offer.terms},
    )
    state.agreements.append(agreement)
    talks = state.talks_with(a, b)
    talks.opened_round = None  # the next episode's clock starts when talks resume
    talks.agreed_round = state.round
    moved = changes(game, offer.terms)
    state.levels = levels.copy()
    # An agreement settles what came before it: neither side still answers earlier hostile acts.
    state.news = [o for o in state.news if not (o.kind.hostile and {o.actor, o.observer} == {a, b})]
    for x, y in ((a, b), (b, a)):
        state.pending.append(Observation(state.round, x, y, ObservationKind.AGREEMENT))
    state.log.append(Signed(
        state.round, None, agreement.name, (a, b), offer.terms, agreement.expiry_round, moved,
        values=tuple((g, float(values[index.gov_index[g]])) for g in (a, b)),
        reservations=tuple(reservations.items()),
    ))
    if old is not None:
        state.log.append(Replaces(state.round, None, old.name))
