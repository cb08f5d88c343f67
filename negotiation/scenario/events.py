"""Events: what the scenario schedules or an instructor injects, one class per kind.

`EventSpec` is a union tagged by `kind`: pydantic picks the class from the `kind` key, so each
kind carries only the fields it uses and a field of another kind is an unknown field. Every
event has a name, a `round` or a `date` (injects may have neither: an instructor fires them),
a description and a basis.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from negotiation.scenario.fields import Basis, Change, Name, Number, Spec
from negotiation.scenario.vocabulary import EventActor, EventKind

Pair = tuple[Name, Name]


class _Event(Spec):
    """The fields every kind of event has."""

    name: Name
    kind: EventKind
    round: int | None = Field(None, strict=True, ge=1)
    date: dt.date | None = None
    description: str = ""
    basis: Basis

    @model_validator(mode="after")
    def _round_or_date(self) -> _Event:
        if self.round is not None and self.date is not None:
            raise ValueError("give round or date, not both")
        return self


class LeadersCall(_Event):
    """The pair's leaders speak: talks between them open and their trust moves by `trust`."""

    kind: Literal[EventKind.LEADERS_CALL]
    between: Pair
    trust: Change | None = Field(None, description="Added to each side's trust in the other (kept within 0..1).")


class Meeting(_Event):
    """Ministers or negotiators meet: talks between the pair open."""

    kind: Literal[EventKind.MEETING]
    between: Pair


class SetLevel(_Event):
    """A ruling or decree sets an instrument's level (a court suspending tariffs, a new control).

    `actor` says who: by default the instrument's imposer (its government, by decree); `agency` an
    official of the imposer (named in `agency`) acting for its government; a `court` or the `market`
    is no one's act. A government's or agency's change is seen by the target like any unilateral
    move (a raise is hostile and may be answered); a court's cut is neither a concession nor hostile.
    """

    kind: Literal[EventKind.SET_LEVEL]
    instrument: str
    level: Number = Field(description="The instrument's new level, within its bounds.")
    actor: EventActor = Field(EventActor.GOVERNMENT, description="Who sets the level: government (default: the "
                              "instrument's imposer, by decree), agency (one of its officials), court or market.")
    agency: Name | None = Field(None, description="For actor agency: the imposer's official whose rule it is.")

    @model_validator(mode="after")
    def _agency_named(self) -> SetLevel:
        if (self.actor is EventActor.AGENCY) != (self.agency is not None):
            raise ValueError("name the official in `agency` exactly when actor is agency")
        return self


class MarketShock(_Event):
    """Market stress jumps by `stress` (or eases, if it is negative), then fades as usual."""

    kind: Literal[EventKind.MARKET_SHOCK]
    stress: Change = Field(description="Added to market stress (a negative shock eases it).")


class Deadline(_Event):
    """The negotiators' horizon for the pair; if it passes without a deal, market stress rises by `stress`."""

    kind: Literal[EventKind.DEADLINE]
    between: Pair
    stress: Change | None = Field(
        None, description="Added to market stress if the deadline passes with no agreement in force."
    )


EVENT_CLASSES: dict[EventKind, type[_Event]] = {
    EventKind.LEADERS_CALL: LeadersCall,
    EventKind.MEETING: Meeting,
    EventKind.SET_LEVEL: SetLevel,
    EventKind.MARKET_SHOCK: MarketShock,
    EventKind.DEADLINE: Deadline,
}

EventSpec = Annotated[LeadersCall | Meeting | SetLevel | MarketShock | Deadline, Field(discriminator="kind")]

# Every field any kind has, in a stable order: the shape an event had when one class held all kinds.
# The actor fields (issue 11) are left out when at their defaults, so older scenarios keep their hash.
ACTOR_FIELDS = {"actor": EventActor.GOVERNMENT.value, "agency": None}
EVENT_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(f for cls in EVENT_CLASSES.values() for f in cls.model_fields
                                                    if f not in ACTOR_FIELDS))


def flat_event(dumped: dict) -> dict:
    """An event's dump with every kind's fields, null where its kind has none.

    Scenario digests hash events in this shape, so a scenario keeps the hash that transcripts,
    briefs and manifests written before events had one class per kind recorded for it.
    """
    kept = {k: v for k, v in dumped.items() if not (k in ACTOR_FIELDS and v == ACTOR_FIELDS[k])}
    return {**dict.fromkeys(EVENT_FIELDS), **kept}
