"""What happens in a run, as typed records: the game's log, one record per thing that happened.

Phases append records carrying the numbers (levels before and after, values, votes, trust);
`negotiation.story` renders them as sentences for a reader, and `data` gives the numbers as the
log table's `data` column. Nothing reads facts back out of a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import ClassVar

from negotiation.scenario import EventActor, EventKind
from negotiation.strategies.moves import ThreatCondition


class LogKind(str, Enum):
    EVENT = "event"
    OFFER = "offer"
    RESPONSE = "response"
    RATIFICATION = "ratification"
    AGREEMENT = "agreement"
    EXPIRY = "expiry"
    VIOLATION = "violation"
    DETECTION = "detection"
    ACTION = "action"
    TALKS = "talks"  # talks break off or resume
    NOTE = "note"
    THREAT = "threat"  # a threat announced, lifted, carried out or walked back (issue 11)
    ENGAGEMENT = "engagement"  # a call, meeting or summit that the state brought about (issue 11)
    DOMESTIC = "domestic"  # an official's own move, or a shift of influence inside a government (issue 11)


@dataclass(frozen=True)
class Change:
    """One instrument moving from one level to another."""

    instrument: str
    before: float
    after: float


@dataclass(frozen=True)
class Record:
    """One entry of the log: its round, its kind, who acted (if anyone), and the numbers behind it."""

    kind: ClassVar[LogKind]
    round: int
    actor: str | None

    @property
    def data(self) -> dict:
        """The numbers behind the entry, as the log table's `data` column (empty when there are none)."""
        return {}

    @property
    def private(self) -> bool:
        """Known only to its actor (a quiet breach, a note about one)?"""
        return False

    def visible_to(self, government: str) -> bool:
        return not self.private or self.actor == government


# -- events and agreements' clocks ----------------------------------------------------------


@dataclass(frozen=True)
class EventFired(Record):
    """A scheduled or injected event fired. `before` is the level a set_level event replaced;
    `deal_in_force` says, for a deadline, whether an agreement was in force when it passed."""

    kind: ClassVar[LogKind] = LogKind.EVENT
    event: str
    event_kind: EventKind
    before: float | None = None
    deal_in_force: bool | None = None
    by: EventActor | None = None  # set_level: who set it (the record's actor is the government, if it acted)
    agency: str | None = None  # ... and which of its officials, for an agency's rule

    @property
    def data(self) -> dict:
        out = {"event": self.event, "kind": self.event_kind.value}
        if self.by is not None:
            out["by"] = self.by.value
        if self.agency is not None:
            out["agency"] = self.agency
        return out


@dataclass(frozen=True)
class Extended(Record):
    kind: ClassVar[LogKind] = LogKind.EXPIRY
    agreement: str
    expiry_round: int

    @property
    def data(self) -> dict:
        return {"agreement": self.agreement}


@dataclass(frozen=True)
class Expired(Record):
    """An agreement reached its expiry; `changes` are the levels that snapped back (maybe none)."""

    kind: ClassVar[LogKind] = LogKind.EXPIRY
    agreement: str
    changes: tuple[Change, ...]

    @property
    def data(self) -> dict:
        return {"agreement": self.agreement, "snap_back": bool(self.changes)}


# -- compliance -----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuietBreach(Record):
    """The actor covertly pushed a committed instrument back up; the victim has not seen it."""

    kind: ClassVar[LogKind] = LogKind.VIOLATION
    agreement: str
    change: Change
    victim: str

    @property
    def data(self) -> dict:
        return {"agreement": self.agreement, "instrument": self.change.instrument}

    @property
    def private(self) -> bool:
        return True


@dataclass(frozen=True)
class OpenBreach(Record):
    """The actor's unilateral action broke its commitment; the agreement is void."""

    kind: ClassVar[LogKind] = LogKind.VIOLATION
    agreement: str

    @property
    def data(self) -> dict:
        return {"agreement": self.agreement}


@dataclass(frozen=True)
class Detected(Record):
    """The actor (the victim) detected the violator's quiet breach; `trust` is the victim's trust after it."""

    kind: ClassVar[LogKind] = LogKind.DETECTION
    agreement: str
    violator: str
    trust: float

    @property
    def data(self) -> dict:
        return {"agreement": self.agreement, "violator": self.violator}


@dataclass(frozen=True)
class BreachNeverFound(Record):
    """The actor's quiet breach of an agreement was never discovered: a new agreement replaced it."""

    kind: ClassVar[LogKind] = LogKind.NOTE
    agreement: str

    @property
    def private(self) -> bool:
        return True


# -- talks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoOffer(Record):
    kind: ClassVar[LogKind] = LogKind.OFFER
    responder: str


@dataclass(frozen=True)
class OfferMade(Record):
    """The actor proposed (or countered with) a package; values are both sides' utilities of it."""

    kind: ClassVar[LogKind] = LogKind.OFFER
    responder: str
    terms: tuple[tuple[str, float], ...]
    duration: int
    changes: tuple[Change, ...]
    counter: bool
    value_proposer: float
    value_responder: float
    reservation_proposer: float
    reservation_responder: float
    stages: int = 1
    extends: str | None = None
    no_deal: tuple[Change, ...] = ()  # what would move with no deal instead: the sides' alternative (for the story)

    @property
    def data(self) -> dict:
        return {
            "terms": dict(self.terms),
            "duration": self.duration,
            "stages": self.stages,
            "extends": self.extends,
            "value_proposer": self.value_proposer,
            "value_responder": self.value_responder,
            "reservation_proposer": self.reservation_proposer,
            "reservation_responder": self.reservation_responder,
        }


@dataclass(frozen=True)
class Accepted(Record):
    kind: ClassVar[LogKind] = LogKind.RESPONSE


@dataclass(frozen=True)
class CannotAccept(Record):
    """The actor accepted, but the package is worth no more than no deal to `government`: it cannot bind."""

    kind: ClassVar[LogKind] = LogKind.RESPONSE
    government: str
    value: float
    reservation: float


@dataclass(frozen=True)
class Rejected(Record):
    """The actor rejected an offer (`what`: 'offer' or 'counter-offer') worth `value` to it."""

    kind: ClassVar[LogKind] = LogKind.RESPONSE
    what: str
    value: float
    reservation: float


@dataclass(frozen=True)
class Ratified(Record):
    """The actor government's coalition voted on a package (Putnam's second level).

    `values` holds each official's utility of the package and of no deal: why it voted as it did
    (private to the government, like every value). `leader_asked`: a person holds the leader's seat
    and cast its vote.
    """

    kind: ClassVar[LogKind] = LogKind.RATIFICATION
    ratified: bool
    support: float
    leader_approves: bool
    opposed: tuple[str, ...]
    leader: str = ""
    values: tuple[tuple[str, float, float], ...] = ()
    leader_asked: bool = False

    @property
    def data(self) -> dict:
        return {"support": self.support, "ratified": self.ratified, "opposed": list(self.opposed),
                "leader_approves": self.leader_approves,
                "values": {name: [value, no_deal] for name, value, no_deal in self.values},
                **({"leader_asked": True} if self.leader_asked else {})}


@dataclass(frozen=True)
class Signed(Record):
    """An agreement was signed. `changes` are the levels it moved at signature; a staged agreement's
    `announced` are the moves it commits to in all, the rest due in `step_round`; an extension
    (`extends`) renews an agreement as it is."""

    kind: ClassVar[LogKind] = LogKind.AGREEMENT
    agreement: str
    parties: tuple[str, str]
    terms: tuple[tuple[str, float], ...]
    expiry_round: int
    changes: tuple[Change, ...]
    values: tuple[tuple[str, float], ...]
    reservations: tuple[tuple[str, float], ...]
    announced: tuple[Change, ...] = ()
    step_round: int | None = None
    extends: str | None = None

    @property
    def data(self) -> dict:
        return {"agreement": self.agreement, "terms": dict(self.terms), "parties": list(self.parties),
                "values": dict(self.values), "reservations": dict(self.reservations),
                "staged": self.step_round is not None, "step_round": self.step_round, "extends": self.extends}


@dataclass(frozen=True)
class StepImplemented(Record):
    """The actor implemented its part of a staged agreement's later step."""

    kind: ClassVar[LogKind] = LogKind.AGREEMENT
    agreement: str
    changes: tuple[Change, ...]

    @property
    def data(self) -> dict:
        return {"agreement": self.agreement, "instruments": [c.instrument for c in self.changes]}


@dataclass(frozen=True)
class StepWithheld(Record):
    """The actor quietly did not implement its part of a step: `due` are the moves it owed."""

    kind: ClassVar[LogKind] = LogKind.VIOLATION
    agreement: str
    due: tuple[Change, ...]
    victim: str

    @property
    def data(self) -> dict:
        return {"agreement": self.agreement, "instruments": [c.instrument for c in self.due], "withheld": True}

    @property
    def private(self) -> bool:
        return True


@dataclass(frozen=True)
class TalksBrokeOff(Record):
    """Talks between the pair failed once too often and broke off, to resume at `resume_round`."""

    kind: ClassVar[LogKind] = LogKind.TALKS
    pair: tuple[str, str]
    resume_round: int

    @property
    def data(self) -> dict:
        return {"pair": list(self.pair), "resume_round": self.resume_round}


@dataclass(frozen=True)
class TalksResumed(Record):
    kind: ClassVar[LogKind] = LogKind.TALKS
    pair: tuple[str, str]

    @property
    def data(self) -> dict:
        return {"pair": list(self.pair)}


@dataclass(frozen=True)
class Replaces(Record):
    """The agreement just signed replaces an earlier one."""

    kind: ClassVar[LogKind] = LogKind.NOTE
    agreement: str


# -- unilateral actions ---------------------------------------------------------------------


@dataclass(frozen=True)
class Acted(Record):
    """The actor moved one of its own instruments (`escalate`: raised it), for `reason`."""

    kind: ClassVar[LogKind] = LogKind.ACTION
    change: Change
    escalate: bool
    reason: str
    answers: str | None = None  # the kind of hostile act a retaliation answers (issue 11)

    @property
    def data(self) -> dict:
        out = {"instrument": self.change.instrument, "from": self.change.before, "to": self.change.after,
               "kind": "escalate" if self.escalate else "de-escalate"}
        if self.answers is not None:
            out["answers"] = self.answers
        return out


# -- coercion (issue 11): threats ------------------------------------------------------------


@dataclass(frozen=True)
class ThreatEntry(Record):
    """A threat by the actor against `target`; a private one (publicity 0) is known to the pair alone."""

    kind: ClassVar[LogKind] = LogKind.THREAT
    target: str
    publicity: float

    def visible_to(self, government: str) -> bool:
        return self.publicity > 0 or government in (self.actor, self.target)


@dataclass(frozen=True)
class ThreatMade(ThreatEntry):
    """The actor announced a dated measure (`change`, due `due_round`) unless its condition is met.

    `credibility` is the target's belief that it will be carried out (private to the target);
    `audience_cost` what walking it back would cost the actor; `record` its (carried out, walked back).
    """

    change: Change
    due_round: int
    condition: ThreatCondition
    condition_change: Change | None  # LOWER: the target's instrument, from its level now to the level asked
    credibility: float
    audience_cost: float
    record: tuple[int, int]

    @property
    def data(self) -> dict:
        out = {"target": self.target, "instrument": self.change.instrument, "from": self.change.before,
               "to": self.change.after, "due_round": self.due_round, "condition": self.condition.value,
               "publicity": self.publicity, "credibility": self.credibility, "audience_cost": self.audience_cost,
               "record": list(self.record)}
        if self.condition_change is not None:
            out["condition_instrument"] = self.condition_change.instrument
            out["condition_level"] = self.condition_change.after
        return out


@dataclass(frozen=True)
class ThreatLifted(ThreatEntry):
    """The actor's threat is lifted: its condition was met (`by_agreement`: an agreement settled it)."""

    instrument: str
    by_agreement: bool

    @property
    def data(self) -> dict:
        return {"target": self.target, "instrument": self.instrument, "outcome": "lifted",
                "by_agreement": self.by_agreement}


@dataclass(frozen=True)
class ThreatCarriedOut(ThreatEntry):
    """The actor carried out its threat: `change` is the escalation."""

    change: Change
    record: tuple[int, int]

    @property
    def data(self) -> dict:
        return {"target": self.target, "instrument": self.change.instrument, "from": self.change.before,
                "to": self.change.after, "outcome": "carried out", "record": list(self.record)}


@dataclass(frozen=True)
class ThreatWalkedBack(ThreatEntry):
    """The actor walked its threat back: its leader pays `audience_cost` (the government's utility lost for good)."""

    instrument: str
    level: float
    audience_cost: float
    leader: str
    record: tuple[int, int]

    @property
    def data(self) -> dict:
        return {"target": self.target, "instrument": self.instrument, "outcome": "walked back",
                "audience_cost": self.audience_cost, "record": list(self.record)}


# -- engagement (issue 11): contact the state brought about -----------------------------------


class Contact(str, Enum):
    CALL = "call"  # the leaders speak
    MEETING = "meeting"  # ministers meet
    SUMMIT = "summit"  # the leaders meet


@dataclass(frozen=True)
class Engaged(Record):
    """The state brought the pair to contact: `pressure` is the hazard's sum and `causes` its terms."""

    kind: ClassVar[LogKind] = LogKind.ENGAGEMENT
    pair: tuple[str, str]
    contact: Contact
    pressure: float
    causes: tuple[tuple[str, float], ...]
    trust: float = 0.0  # added to each side's trust

    @property
    def data(self) -> dict:
        return {"pair": list(self.pair), "contact": self.contact.value, "pressure": self.pressure,
                "causes": dict(self.causes), "trust": self.trust}


@dataclass(frozen=True)
class SummitRefused(Record):
    """A summit came due but cannot be held: the pair's ministers have not met within the window."""

    kind: ClassVar[LogKind] = LogKind.ENGAGEMENT
    pair: tuple[str, str]
    last_meeting: int | None

    @property
    def data(self) -> dict:
        return {"pair": list(self.pair), "contact": "summit", "refused": True, "last_meeting": self.last_meeting}


# -- domestic politics (issue 11) ------------------------------------------------------------


@dataclass(frozen=True)
class OfficialMoved(Record):
    """One of the actor government's officials moved an instrument it holds, within its mandate.

    `consented`: its government's players were asked first and let it (a seat played by people)."""

    kind: ClassVar[LogKind] = LogKind.DOMESTIC
    official: str
    change: Change
    escalate: bool
    consented: bool = False

    @property
    def data(self) -> dict:
        return {"official": self.official, "instrument": self.change.instrument, "from": self.change.before,
                "to": self.change.after, **({"consented": True} if self.consented else {})}


@dataclass(frozen=True)
class OfficialStopped(Record):
    """An official would have moved an instrument within its mandate, and its government's players stopped it."""

    kind: ClassVar[LogKind] = LogKind.DOMESTIC
    official: str
    instrument: str
    level: float

    @property
    def data(self) -> dict:
        return {"official": self.official, "instrument": self.instrument, "level": self.level, "stopped": True}


@dataclass(frozen=True)
class OfficialRefused(Record):
    """An official would have moved an instrument it holds to `level`, but that needs its leader (`why`)."""

    kind: ClassVar[LogKind] = LogKind.DOMESTIC
    official: str
    instrument: str
    level: float
    why: str

    @property
    def data(self) -> dict:
        return {"official": self.official, "instrument": self.instrument, "level": self.level, "refused": self.why}


@dataclass(frozen=True)
class InfluenceShifted(Record):
    """Influence inside the actor government moved after `cause`: (official, before, after) shares."""

    kind: ClassVar[LogKind] = LogKind.DOMESTIC
    cause: str
    shares: tuple[tuple[str, float, float], ...]

    @property
    def data(self) -> dict:
        return {"cause": self.cause, "influence": {name: [before, after] for name, before, after in self.shares}}
