"""The log's records as sentences, for a reader.

`sentence(record, scenario)` tells the whole truth (the story and the log table); with a `viewer`
(a government in a seat), the other side's private values are simply not rendered, and
`visible(record, viewer)` says whether the viewer may see the record at all (a quiet breach is
known only to the side that broke).
"""

from __future__ import annotations

from functools import singledispatch

from negotiation.game.records import (
    Accepted,
    Acted,
    BreachNeverFound,
    CannotAccept,
    Change,
    Contact,
    Detected,
    Engaged,
    EventFired,
    Expired,
    Extended,
    InfluenceShifted,
    NoOffer,
    OfferMade,
    OfficialMoved,
    OfficialRefused,
    OfficialStopped,
    OpenBreach,
    QuietBreach,
    Ratified,
    Record,
    Rejected,
    Replaces,
    Signed,
    StepImplemented,
    StepWithheld,
    SummitRefused,
    TalksBrokeOff,
    TalksResumed,
    ThreatCarriedOut,
    ThreatLifted,
    ThreatMade,
    ThreatWalkedBack,
)
from negotiation.scenario import EventActor, EventKind, Role, Scenario, hostile_sign
from negotiation.story.words import agreement_name, change_text, day, label, level_text
from negotiation.strategies.moves import ThreatCondition


def visible(record: Record, viewer: str | None) -> bool:
    """May `viewer` (None: an omniscient reader) see this record?"""
    return viewer is None or record.visible_to(viewer)


def sees(viewer: str | None, who: str | None) -> bool:
    """Does `viewer` see `who`'s private values? (Everyone's, for an omniscient reader.)"""
    return viewer is None or viewer == who


@singledispatch
def sentence(record: Record, scenario: Scenario, viewer: str | None = None) -> str:
    raise TypeError(f"no sentence for {type(record).__name__}")


@sentence.register
def _(r: EventFired, s: Scenario, viewer: str | None = None) -> str:
    e = next(x for x in (*s.events, *s.injects) if x.name == r.event)
    title = (e.description or e.name.replace("_", " ")).rstrip(".")
    if e.kind is EventKind.SET_LEVEL:
        assert r.before is not None  # events.fire records the level a set_level event replaced
        return f"{title}: {change_text(s, Change(e.instrument, r.before, e.level))}{by_whom(r, s)}."
    if e.kind is EventKind.MARKET_SHOCK:
        direction, where = ("adds", "to") if e.stress > 0 else ("takes", "from")
        return f"{title}: it {direction} {abs(e.stress):.2f} {where} market stress (which then fades as usual)."
    if e.kind is EventKind.LEADERS_CALL and e.trust:
        return f"{title}. Trust between {e.between[0]} and {e.between[1]} rises by {e.trust:.2f}; talks are open."
    if e.kind is EventKind.MEETING:
        return f"{title}. Talks between {e.between[0]} and {e.between[1]} are open."
    if e.kind is EventKind.DEADLINE:
        return f"{title}." + (" An agreement is in force." if r.deal_in_force else " It passes without a deal.")
    return f"{title}."


def by_whom(r: EventFired, s: Scenario) -> str:
    """Who set the level (issue 11): an act of a government, or of no one."""
    if r.by is EventActor.AGENCY and r.agency is not None:
        official = next(o for o in s.officials if o.name == r.agency)
        return f" - a rule of {official.title or official.name}, an act of {r.actor}"
    if r.by is EventActor.COURT:
        return " - a court's ruling, no one's concession and no one's hostile act"
    if r.by is EventActor.MARKET:
        return " - the market's doing, no one's act"
    return f" - an act of {r.actor}" if r.actor else ""


@sentence.register
def _(r: Extended, s: Scenario, viewer: str | None = None) -> str:
    return f"The {agreement_name(r.agreement)} is extended to round {r.expiry_round} ({day(s, r.expiry_round)})."


@sentence.register
def _(r: Expired, s: Scenario, viewer: str | None = None) -> str:
    text = f"The {agreement_name(r.agreement)} expires"
    if not r.changes:
        return text + "."
    return text + ": levels snap back (" + "; ".join(change_text(s, c) for c in r.changes) + ")."


@sentence.register
def _(r: Detected, s: Scenario, viewer: str | None = None) -> str:
    return (f"{r.actor} detects {r.violator}'s violation of the {agreement_name(r.agreement)}; "
            f"the agreement is broken and {r.actor}'s trust falls to {r.trust:.2f}.")


@sentence.register
def _(r: QuietBreach, s: Scenario, viewer: str | None = None) -> str:
    return f"{r.actor} quietly breaks its commitment: {change_text(s, r.change)} (unseen by {r.victim} so far)."


@sentence.register
def _(r: OpenBreach, s: Scenario, viewer: str | None = None) -> str:
    return f"That breaks {r.actor}'s commitment under the {agreement_name(r.agreement)}, which is now void."


@sentence.register
def _(r: BreachNeverFound, s: Scenario, viewer: str | None = None) -> str:
    return f"{r.actor}'s quiet breach of the {agreement_name(r.agreement)} is never discovered: the new agreement replaces it."


@sentence.register
def _(r: NoOffer, s: Scenario, viewer: str | None = None) -> str:
    return f"{r.actor} has no offer to make to {r.responder}."


@sentence.register
def _(r: OfferMade, s: Scenario, viewer: str | None = None) -> str:
    verb = "counters" if r.counter else "offers"
    days = r.duration * s.calendar.round_days
    if r.extends is not None:
        text = f"{r.actor} {verb} to extend the {agreement_name(r.extends)} as it is, for {r.duration} rounds ({days} days)."
    else:
        what = "; ".join(change_text(s, c) for c in r.changes) or "keep every level as it is"
        steps = f", in two steps {s.dynamics.staging_interval} rounds apart" if r.stages == 2 and r.changes else ""
        text = f"{r.actor} {verb}: {what}, for {r.duration} rounds ({days} days){steps}."
    worth = [f"{value:.3f} to {who} (no deal {reservation:.3f})"
             for who, value, reservation in ((r.actor, r.value_proposer, r.reservation_proposer),
                                             (r.responder, r.value_responder, r.reservation_responder))
             if sees(viewer, who)]
    return text + (f" Worth {' and '.join(worth)}." if worth else "") + alternative(r, s, viewer)


def alternative(r: OfferMade, s: Scenario, viewer: str | None) -> str:
    """Why a side would take a package worse for it than today's levels: what no deal would bring instead."""
    if not r.no_deal or r.extends is not None:
        return ""
    out = []
    for who, value, reservation in ((r.actor, r.value_proposer, r.reservation_proposer),
                                    (r.responder, r.value_responder, r.reservation_responder)):
        worse = [c for c in r.changes if s.instrument(c.instrument).target == who
                 and hostile_sign(s.instrument(c.instrument).kind) * (c.after - c.before) > 0]
        if not worse or value <= reservation:
            continue
        numbers = f", worth {reservation:.3f} to {who} against {value:.3f} for the package" if sees(viewer, who) else ""
        out.append(f" {who} would take a level worse than today's ({change_text(s, worse[0])}) because its best "
                   f"alternative is worse still: with no deal, {'; '.join(change_text(s, c) for c in r.no_deal)}"
                   f"{numbers}.")
    return "".join(out)


@sentence.register
def _(r: Accepted, s: Scenario, viewer: str | None = None) -> str:
    return f"{r.actor} accepts."


@sentence.register
def _(r: CannotAccept, s: Scenario, viewer: str | None = None) -> str:
    numbers = f" ({r.value:.3f} against {r.reservation:.3f})" if sees(viewer, r.government) else ""
    return f"{r.actor} cannot accept: the package is worth no more to {r.government} than no deal{numbers}."


@sentence.register
def _(r: Rejected, s: Scenario, viewer: str | None = None) -> str:
    mine = sees(viewer, r.actor)
    if r.value <= r.reservation:
        if not mine:
            return f"{r.actor} rejects the {r.what}: it is no better than no deal for it."
        return f"{r.actor} rejects the {r.what}: worth {r.value:.3f} to it, no better than no deal ({r.reservation:.3f})."
    if not mine:
        return f"{r.actor} rejects the {r.what}: {r.actor} holds out for more."
    return (f"{r.actor} rejects the {r.what}, though it beats no deal ({r.value:.3f} against {r.reservation:.3f}): "
            f"{r.actor} holds out for more.")


@sentence.register
def _(r: Ratified, s: Scenario, viewer: str | None = None) -> str:
    if r.ratified:
        tail = f"; {', '.join(r.opposed)} opposed" if r.opposed else ""
        return f"{r.actor} ratifies ({r.support:.0%} of influence in favour{tail})."
    why = reasons(r, viewer)
    if not r.leader_approves:
        leader = next(o for o in s.officials if o.government == r.actor and o.role is Role.LEADER)
        return f"{r.actor}'s leader ({leader.title or leader.name}) refuses to ratify{why}."
    return f"{r.actor} fails to ratify: only {r.support:.0%} of influence in favour ({', '.join(r.opposed)} opposed{why})."


def reasons(r: Ratified, viewer: str | None) -> str:
    """Why the opponents voted no: the package against no deal for each (private to their own government)."""
    if not sees(viewer, r.actor):
        return ""
    # An official may vote no on a package that beats no deal: domestic politics (the vote's shock) outweighed
    # a small gain. Said, so that a refusal never reads as a contradiction.
    def why(name: str, value: float, no_deal: float) -> str:
        if value <= no_deal:
            return ""
        return ", the player's decision" if r.leader_asked and name == r.leader else ", a gain too thin to carry at home"

    shown = [f"{name} {value:.3f} against {no_deal:.3f} with no deal{why(name, value, no_deal)}"
             for name, value, no_deal in r.values if name in r.opposed or (name == r.leader and not r.leader_approves)]
    return "; worth " + "; ".join(shown) if shown else ""


@sentence.register
def _(r: Signed, s: Scenario, viewer: str | None = None) -> str:
    a, b = r.parties
    until = f"round {r.expiry_round} ({day(s, r.expiry_round)})"
    if r.extends is not None:
        return f"{a} and {b} extend the {agreement_name(r.extends)} as it is, now in force until {until}."
    head = f"Agreement signed between {a} and {b}, in force until {until}"
    if r.step_round is not None:
        now = "; ".join(change_text(s, c) for c in r.changes) or "nothing moves yet"
        rest = "; ".join(change_text(s, c) for c in r.announced)
        return (f"{head}, in two steps: announced {rest}; implemented now {now}; the rest due in round "
                f"{r.step_round} ({day(s, r.step_round)}).")
    if not r.changes:
        return head + ": every level stays where it is, now as a commitment."
    return head + ": " + "; ".join(change_text(s, c) for c in r.changes) + "."


@sentence.register
def _(r: StepImplemented, s: Scenario, viewer: str | None = None) -> str:
    return f"{r.actor} implements its second step of the {agreement_name(r.agreement)}: " \
           + "; ".join(change_text(s, c) for c in r.changes) + "."


@sentence.register
def _(r: StepWithheld, s: Scenario, viewer: str | None = None) -> str:
    owed = "; ".join(f"{label(s.instrument(c.instrument))} stays at {level_text(s, c.instrument, c.before)} instead of "
                     f"{level_text(s, c.instrument, c.after)}" for c in r.due)
    return f"{r.actor} quietly withholds its second step of the {agreement_name(r.agreement)}: {owed} (unseen by {r.victim} so far)."


@sentence.register
def _(r: TalksBrokeOff, s: Scenario, viewer: str | None = None) -> str:
    a, b = r.pair
    return f"Talks between {a} and {b} break off; they may resume in round {r.resume_round} ({day(s, r.resume_round)})."


@sentence.register
def _(r: TalksResumed, s: Scenario, viewer: str | None = None) -> str:
    a, b = r.pair
    return f"Talks between {a} and {b} resume."


@sentence.register
def _(r: Replaces, s: Scenario, viewer: str | None = None) -> str:
    return f"It replaces the {agreement_name(r.agreement)}."


@sentence.register
def _(r: Acted, s: Scenario, viewer: str | None = None) -> str:
    verb = "raises" if r.change.after > r.change.before else "lowers"
    what = change_text(s, r.change).replace(f"{r.actor} ", "its ", 1)
    why = f" ({r.reason})" if r.reason else ""
    return f"{r.actor} {verb} {what}{why}."


# -- coercion (issue 11): threats ------------------------------------------------------------


@sentence.register
def _(r: ThreatMade, s: Scenario, viewer: str | None = None) -> str:
    if r.condition is ThreatCondition.LOWER and r.condition_change is not None:
        c = r.condition_change
        unless = (f"unless {r.target} lowers its {label(s.instrument(c.instrument)).split(' ', 1)[1]} to "
                  f"{level_text(s, c.instrument, c.after)}")
    else:
        unless = f"unless {r.actor} and {r.target} reach an agreement"
    text = (f"{r.actor} threatens {r.target}: {unless} by round {r.due_round} ({day(s, r.due_round)}), "
            f"{change_text(s, r.change)}.")
    if r.publicity < 1:
        text += f" The threat is {'private' if r.publicity == 0 else 'only partly public'} (publicity {r.publicity:.2f})."
    if sees(viewer, r.target):
        carried, walked = r.record
        text += (f" {r.target} believes it with credibility {r.credibility:.2f} ({r.actor} has carried out "
                 f"{carried} threats and walked back {walked}).")
    if sees(viewer, r.actor) and r.audience_cost > 0:
        text += f" Walking it back would cost {r.actor} {r.audience_cost:.3f} of utility."
    return text


@sentence.register
def _(r: ThreatLifted, s: Scenario, viewer: str | None = None) -> str:
    why = "the agreement signed settles it" if r.by_agreement else f"{r.target} has met its condition"
    return f"{r.actor} lifts its threat against {r.target} ({label(s.instrument(r.instrument))}): {why}."


@sentence.register
def _(r: ThreatCarriedOut, s: Scenario, viewer: str | None = None) -> str:
    if r.change.after == r.change.before:
        return f"{r.actor}'s threat against {r.target} falls due; {label(s.instrument(r.change.instrument))} is already there."
    return f"{r.actor} carries out its threat against {r.target}: {change_text(s, r.change)}."


@sentence.register
def _(r: ThreatWalkedBack, s: Scenario, viewer: str | None = None) -> str:
    what = f"{label(s.instrument(r.instrument))} to {level_text(s, r.instrument, r.level)}"
    carried, walked = r.record
    text = f"{r.actor} walks back its threat against {r.target} ({what}): its record is now {carried} carried out, {walked} walked back"
    if r.audience_cost > 0:
        text += f", and {r.leader} pays an audience cost ({r.audience_cost:.3f} of {r.actor}'s utility, for good)"
    return text + "."


# -- engagement and domestic politics (issue 11) ----------------------------------------------


CONTACT_WORDS = {Contact.CALL: "The leaders of {a} and {b} speak by phone",
                 Contact.MEETING: "Ministers of {a} and {b} meet",
                 Contact.SUMMIT: "The leaders of {a} and {b} meet at a summit"}


@sentence.register
def _(r: Engaged, s: Scenario, viewer: str | None = None) -> str:
    a, b = r.pair
    top = [name for name, value in sorted(r.causes, key=lambda c: -c[1]) if value > 0][:2]
    why = f", brought on by {' and '.join(top)}" if top else ""
    text = CONTACT_WORDS[r.contact].format(a=a, b=b) + why + "."
    if r.trust:
        text += f" Trust rises by {r.trust:.2f} each way."
    return text + " Talks are open."


@sentence.register
def _(r: SummitRefused, s: Scenario, viewer: str | None = None) -> str:
    a, b = r.pair
    return f"A summit between {a} and {b} is mooted but cannot be held before their ministers have met."


def official_title(s: Scenario, name: str) -> str:
    official = next(o for o in s.officials if o.name == name)
    return official.title or official.name


@sentence.register
def _(r: OfficialMoved, s: Scenario, viewer: str | None = None) -> str:
    if r.consented:
        return (f"{official_title(s, r.official)} moves within its mandate, with the consent of {r.actor}'s players: "
                f"{change_text(s, r.change)} (an act of {r.actor}).")
    return (f"{official_title(s, r.official)} moves on its own, within its mandate: {change_text(s, r.change)} "
            f"(an act of {r.actor}).")


def held_back(r: OfficialStopped | OfficialRefused, s: Scenario, viewer: str | None, why: str) -> str:
    """An official's move that did not happen: the other side sees only that nothing moved."""
    if not sees(viewer, r.actor or ""):
        return f"{r.actor} keeps {label(s.instrument(r.instrument))} where it is."
    return (f"{official_title(s, r.official)} would take {label(s.instrument(r.instrument))} to "
            f"{level_text(s, r.instrument, r.level)}{why}.")


@sentence.register
def _(r: OfficialStopped, s: Scenario, viewer: str | None = None) -> str:
    return held_back(r, s, viewer, f" within its mandate; {r.actor}'s players stopped it")


@sentence.register
def _(r: OfficialRefused, s: Scenario, viewer: str | None = None) -> str:
    return held_back(r, s, viewer, f", but that needs the leader: {r.why}")


@sentence.register
def _(r: InfluenceShifted, s: Scenario, viewer: str | None = None) -> str:
    # As shown, to two places: a share whose shown value does not move is left out ("Trump 0.39 to 0.39" told
    # nothing), and only a shown gain counts as a shift toward someone.
    moved = [(name, before, after) for name, before, after in r.shares if round(before, 2) != round(after, 2)]
    up = [name for *_, name in sorted(((round(after - before, 2), after - before, name)
                                       for name, before, after in moved if after > before), reverse=True)]
    text = f"The balance inside {r.actor} shifts {'' if moved else 'slightly '}after {r.cause}"
    if up:
        text += f", toward {' and '.join(up[:2])}"
    if moved and sees(viewer, r.actor or ""):
        text += " (" + ", ".join(f"{name} {before:.2f} to {after:.2f}" for name, before, after in moved) + ")"
    return text + "."
