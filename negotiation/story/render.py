"""The run told as a story: sentences for the log, and the whole log as text a teacher can read aloud."""

from __future__ import annotations

import re

from typing import TYPE_CHECKING

from negotiation.strategies.moves import Action, ActionKind, Offer
from negotiation.game.agreements import Agreement
from negotiation.scenario.vocabulary import describe_level
from negotiation.game.records import LogEntry, LogKind
from negotiation.scenario import EventKind, EventSpec, InstrumentSpec, Scenario

if TYPE_CHECKING:  # pragma: no cover
    from negotiation.game.model import Ratification, TradeTalksModel

KIND_WORDS = {
    "tariff": "tariff",
    "mineral_export_control": "mineral export controls",
    "chip_export_control": "chip export controls",
    "visa_restriction": "visa restrictions",
}


def label(spec: InstrumentSpec) -> str:
    """'US tariff on China', 'China mineral export controls on US'."""
    return f"{spec.imposer} {KIND_WORDS.get(spec.kind, spec.kind.replace('_', ' '))} on {spec.target}"


def level_text(scenario: Scenario, name: str, level: float) -> str:
    spec = scenario.instrument(name)
    return describe_level(scenario.unit_of(spec.kind), float(level))


def change(model: TradeTalksModel, name: str, old: float, new: float) -> str:
    s = model.config
    return f"{label(s.instrument(name))} {level_text(s, name, old)} -> {level_text(s, name, new)}"


def date(model: TradeTalksModel, round_: int) -> str:
    return model.config.date_of(round_).strftime("%d %b %Y").lstrip("0")


def agreement_name(a: Agreement) -> str:
    return a.name.replace("_", " ")


def event_text(model: TradeTalksModel, e: EventSpec) -> str:
    title = e.description or e.name.replace("_", " ")
    if e.kind is EventKind.SET_LEVEL:
        k = model.inst_index[e.instrument]
        return f"{title.rstrip('.')}: {change(model, e.instrument, model.levels[k], e.level)}."
    if e.kind is EventKind.MARKET_SHOCK:
        direction = "adds" if e.stress > 0 else "takes"
        where = "to" if e.stress > 0 else "from"
        return f"{title.rstrip('.')}: it {direction} {abs(e.stress):.2f} {where} market stress (which then fades as usual)."
    if e.kind is EventKind.LEADERS_CALL and e.trust:
        return f"{title.rstrip('.')}. Trust between {e.between[0]} and {e.between[1]} rises by {e.trust:.2f}; talks are open."
    if e.kind is EventKind.MEETING:
        return f"{title.rstrip('.')}. Talks between {e.between[0]} and {e.between[1]} are open."
    return title.rstrip(".") + "."


def offer_data(model: TradeTalksModel, offer: Offer) -> dict:
    levels = model.offer_levels(offer)
    values = model.package_utilities(levels[None, :])[1][0]
    return {
        "terms": dict(offer.terms),
        "duration": offer.duration,
        "value_proposer": float(values[model.gov_index[offer.proposer]]),
        "value_responder": float(values[model.gov_index[offer.responder]]),
        "reservation_proposer": model.reservation(offer.proposer, offer.responder),
        "reservation_responder": model.reservation(offer.responder, offer.proposer),
    }


def offer_text(model: TradeTalksModel, offer: Offer, counter_offer: bool = False) -> str:
    d = offer_data(model, offer)
    moves = []
    for name, level in offer.terms:
        old = model.levels[model.inst_index[name]]
        if old != level:
            moves.append(change(model, name, old, level))
    what = "; ".join(moves) if moves else "keep every level as it is"
    verb = "counters" if counter_offer else "offers"
    weeks = offer.duration * model.config.calendar.round_days
    return (
        f"{offer.proposer} {verb}: {what}, for {offer.duration} rounds ({weeks} days). "
        f"Worth {d['value_proposer']:.3f} to {offer.proposer} (no deal {d['reservation_proposer']:.3f}) and "
        f"{d['value_responder']:.3f} to {offer.responder} (no deal {d['reservation_responder']:.3f})."
    )


def rejection_text(model: TradeTalksModel, who: str, offer: Offer, what: str) -> str:
    """Why a side says no: the offer is worth no more than no deal, or it holds out for more."""
    other = offer.proposer
    levels = model.offer_levels(offer)
    value = float(model.package_utilities(levels[None, :])[1][0, model.gov_index[who]])
    reservation = model.reservation(who, other)
    if value <= reservation:
        return f"{who} rejects the {what}: worth {value:.3f} to it, no better than no deal ({reservation:.3f})."
    return (f"{who} rejects the {what}, though it beats no deal ({value:.3f} against {reservation:.3f}): "
            f"{who} holds out for more.")


_FIRST_VALUE = re.compile(r"(\d\.\d{3}) to (\S+) \(no deal \d\.\d{3}\) and ")
_SECOND_VALUE = re.compile(r" and (\d\.\d{3}) to (\S+) \(no deal \d\.\d{3}\)")
_HOLD_OUT = re.compile(r"^(\S+) rejects the (.*?), though it beats no deal \(\d\.\d{3} against \d\.\d{3}\): ")
_NO_BETTER = re.compile(r"^(\S+) rejects the (.*?): worth \d\.\d{3} to it, no better than no deal \(\d\.\d{3}\)\.")
_NO_MORE = re.compile(r"worth no more to (\S+) than no deal \(\d\.\d{3} against \d\.\d{3}\)")


def hide_values(text: str, me: str) -> str:
    """A story line as `me` may read it when each side's values are private: others' numbers removed."""

    keep_mine = lambda m: m.group(0) if m.group(2) == me else ""  # noqa: E731
    text = _FIRST_VALUE.sub(keep_mine, text)
    text = _SECOND_VALUE.sub(keep_mine, text)
    text = _HOLD_OUT.sub(lambda m: m.group(0) if m.group(1) == me else f"{m.group(1)} rejects the {m.group(2)}: ", text)
    text = _NO_BETTER.sub(lambda m: m.group(0) if m.group(1) == me else
                          f"{m.group(1)} rejects the {m.group(2)}: it is no better than no deal for it.", text)
    return _NO_MORE.sub(lambda m: m.group(0) if m.group(1) == me else f"worth no more to {m.group(1)} than no deal", text)


def ratification_text(model: TradeTalksModel, vote: Ratification) -> str:
    gov = model.governments[vote.government]
    leader = gov.leader.spec.title or gov.leader.name
    if vote.ratified:
        tail = f"; {', '.join(vote.opposed)} opposed" if vote.opposed else ""
        return f"{vote.government} ratifies ({vote.support:.0%} of influence in favour{tail})."
    if not vote.leader_approves:
        return f"{vote.government}'s leader ({leader}) refuses to ratify."
    return f"{vote.government} fails to ratify: only {vote.support:.0%} of influence in favour ({', '.join(vote.opposed)} opposed)."


def action_text(model: TradeTalksModel, actor: str, action: Action, old: float, kind: ActionKind) -> str:
    verb = "raises" if kind is ActionKind.ESCALATE else "lowers"
    what = change(model, action.instrument, old, action.level).replace(f"{actor} ", "its ", 1)
    why = f" ({action.reason})" if action.reason else ""
    return f"{actor} {verb} {what}{why}."


def render(scenario: Scenario, log: list[LogEntry]) -> str:
    """The whole log as Markdown: one section per round that had something happen."""
    lines = [f"# {scenario.title}"]
    current = None
    for entry in log:
        if entry.round != current:
            current = entry.round
            when = scenario.date_of(entry.round).strftime("%d %b %Y").lstrip("0")
            lines += ["", f"## Round {entry.round} ({when})", ""]
        bullet = "-" if entry.kind is not LogKind.NOTE else "  -"
        lines.append(f"{bullet} {entry.text}")
    return "\n".join(lines).strip() + "\n"
