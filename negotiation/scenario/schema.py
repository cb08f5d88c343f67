"""The scenario format: pydantic models of every part of a scenario file, and its JSON Schema.

A scenario sets a run's starting conditions: the calendar, governments and their officials,
instruments, agreements in force, scheduled events, each government's strategy, the economy's
baseline and the behavioural dynamics. Every number in a shipped scenario carries a `basis`
entry naming its source (an id from `sources`) or saying `assumption: <why>`. Loading lives in
`loading.py`, the cross-field checks in `checks.py`, the events in `events.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from negotiation.scenario.coercion import CoercionSpec
from negotiation.scenario.events import EventSpec, flat_event
from negotiation.scenario.fields import Basis, Count, Name, NonNegative, Number, Positive, Spec, Unit
from negotiation.scenario.politics import DomesticSpec, EngagementSpec, Mandate
from negotiation.scenario.vocabulary import UNITS, ExpiryRule, Indicator, Role

SCHEMA_VERSION = 2
MAX_GRID = 1000  # steps per instrument: offers and the bargaining analysis walk the grid
MAX_PACKAGES = 200_000  # packages between one pair (the product of its instruments' grids): the pair's table
MAX_ROUNDS = 10_000  # rounds of one game, from the file or from --rounds (checks.rounds_problems)


class Source(Spec):
    id: Name
    title: str
    url: str | None = None
    location: str | None = Field(None, description="A file path, for a source shipped with the project.")
    published: dt.date | None = None


class Calendar(Spec):
    start: dt.date = Field(ge=dt.date(1900, 1, 1), le=dt.date(2200, 12, 31))
    round_days: int = Field(7, strict=True, ge=1, le=366)
    rounds: int = Field(26, strict=True, ge=1, le=MAX_ROUNDS)
    basis: Basis


class StrategySpec(Spec):
    name: str
    params: dict[str, Any] = Field(default_factory=dict)


class GovernmentSpec(Spec):
    name: Name
    title: str | None = None
    strategy: StrategySpec
    ratification_threshold: Unit = Field(
        0.5, description="Share of the government's influence that must back a package, leader included."
    )
    # -- coercion (issue 11): threats and the retaliation menu (scenario/coercion.py); defaults: off, neutral
    coercion: CoercionSpec = Field(default_factory=CoercionSpec)
    basis: Basis


class Traits(Spec):
    hawkishness: Unit = Field(description="Propensity to escalate, retaliate and break commitments.")
    patience: Unit = Field(
        description="How slowly the official's stance reacts to what the other side does, and how little it "
        "discounts the future (its per-round discount is 1 - dynamics.impatience x (1 - patience)).")
    trust: Unit = Field(description="Initial trust in the counterpart governments.")


class Preference(Spec):
    ideal: Number
    salience: NonNegative


class Statement(Spec):
    quote: str = Field(min_length=1)
    source: Name
    context: str | None = None


class OfficialSpec(Spec):
    name: Name
    government: Name
    role: Role
    title: str | None = None
    influence: Positive
    traits: Traits
    preferences: dict[str, Preference] = Field(default_factory=dict)
    indicators: dict[Indicator, NonNegative] = Field(default_factory=dict)
    leverage: NonNegative = Field(
        0.0, description="Weight on keeping leverage: on not lowering the government's coercive measures against a "
        "counterpart below the counterpart's against it (on the same footing as saliences).")
    statements: tuple[Statement, ...] = ()
    # -- domestic politics (issue 11): the instruments the official holds and may move on its own
    mandates: tuple[Mandate, ...] = ()
    basis: Basis


class KindSpec(Spec):
    """A further instrument kind a scenario declares (its levels run on the 0-3 scale by default)."""

    name: Name
    unit: str = "level"
    description: str | None = None


class InstrumentSpec(Spec):
    name: Name
    kind: str
    imposer: Name
    target: Name
    initial: Number
    min: Number = 0.0
    max: Number
    step: Positive = 1.0
    coverage: Unit = Field(
        1.0, description="Economy (tariffs): share of the target's exports to the imposer the tariff reaches; the rest "
        "is exempt, so the effective tariff is level x coverage.")
    curvature: Annotated[float, Field(strict=True, ge=0.5, le=4, allow_inf_nan=False)] = Field(
        1.0, description="How an official's loss grows with the distance from its ideal on this instrument: "
        "1 linear, 2 quadratic (small moves off an ideal cost little, large ones a lot).")
    description: str | None = None
    basis: Basis


class AgreementSpec(Spec):
    name: Name
    parties: tuple[Name, Name]
    signed: dt.date | None = None
    terms: dict[str, Number] = Field(min_length=1)
    expires_round: int | None = Field(None, strict=True, ge=1)
    expires_date: dt.date | None = None
    on_expiry: ExpiryRule = ExpiryRule.SNAP_BACK
    snap_back: dict[str, Number] = Field(default_factory=dict)
    extension_rounds: Count = 0
    max_extensions: Count = 0
    interim: bool = Field(False, description="A truce: talks on a full deal go on while it is in force.")
    description: str | None = None
    basis: Basis

    @model_validator(mode="after")
    def _one_expiry(self) -> AgreementSpec:
        if (self.expires_round is None) == (self.expires_date is None):
            raise ValueError("give exactly one of expires_round or expires_date")
        return self


class TalksSpec(Spec):
    between: tuple[Name, Name]
    open: bool = Field(True, description="Open from the first round; otherwise a meeting or call opens them.")
    first_proposer: Name
    deadline_rounds: int | None = Field(
        None, strict=True, ge=1, le=520,
        description="A deadline the parties announce for each episode of talks, in rounds after it opens.")
    basis: Basis


class TradeFlow(Spec):
    exporter: Name
    importer: Name
    value: Annotated[float, Field(strict=True, ge=0, le=100_000, allow_inf_nan=False)] = Field(
        description="Annual goods flow at zero additional tariff, billions of US dollars.")
    base_tariff: Annotated[float, Field(strict=True, ge=0, le=500, allow_inf_nan=False)] = Field(
        0.0, description="The average tariff (percent) already paid in the baseline year: an additional tariff t "
        "raises prices by (1 + base + t) / (1 + base).")
    initial: Annotated[float, Field(strict=True, ge=0, le=100_000, allow_inf_nan=False)] | None = Field(
        None, description="The flow at the start ($bn a year), where it has already moved from `value`; default `value`.")


class ControlEffect(Spec):
    indicator: Indicator
    per_level: Unit = Field(description="Share of the indicator lost per level of the control.")
    export_cost: Unit = Field(
        0.0, description="What the control costs its imposer: the share of its exports to the target lost per level.")
    fall: Unit = Field(1.0, description="Supply: share of the gap to a tighter control's supply closed per round.")
    recovery: Unit = Field(1.0, description="Supply: share of the gap closed per round when the control is eased.")


class StressSpec(Spec):
    """Market stress (0 calm .. 1 panic): it moves toward the stress the state implies, plus surprises.

    Implied stress = floor + sum over instruments of pressure[kind] x normalised level
    + uncertainty x open disputes (pairs with a deadline near, talks broken off or a breach
    unanswered), capped at 1. So each package implies its own stress.
    """

    initial: Unit
    floor: Unit = Field(description="The stress of calm markets, with no measure in force.")
    pressure: dict[str, NonNegative] = Field(description="Stress per unit of normalised level, by instrument kind.")
    uncertainty: NonNegative = Field(description="Stress per open dispute between a pair.")
    speed: Unit = Field(description="Share of the gap to the implied stress that closes each round.")
    jump: NonNegative = Field(description="Extra stress per unit of normalised escalation in a round (surprise).")


class EconomySpec(Spec):
    trade: tuple[TradeFlow, ...] = Field(min_length=1)
    tariff_elasticity: Annotated[float, Field(strict=True, gt=0, le=20, allow_inf_nan=False)]
    adjustment_speed: Annotated[float, Field(strict=True, gt=0, le=1, allow_inf_nan=False)]
    stress: StressSpec
    control_effects: dict[str, ControlEffect] = Field(default_factory=dict)
    diversion: Unit = Field(
        0.0, description="Share of the fall in a direct flow that still reaches the importer through third countries "
        "(it counts in both sides' trade and balance, not in the direct flow).")
    purchase_premium: Unit = Field(
        0.0, description="Purchase commitments: share of their value the buyer loses by buying from the seller rather "
        "than where it would have (their cost to the buyer, beside the imports they add).")
    basis: Basis


class InformationSpec(Spec):
    """What governments know of each other: their own officials' values, and beliefs about the rest.

    Each government holds `types` hypotheses about each counterpart's officials, drawn around the
    counterpart's true values with the noises below, equally likely at first, and updates them
    by Bayes' rule from the offers and responses it sees (DESIGN.md, "Time and information").
    """

    types: int = Field(strict=True, ge=1, le=64, description="Hypotheses each government holds about each counterpart.")
    salience_noise: Annotated[float, Field(strict=True, ge=0, le=2, allow_inf_nan=False)] = Field(
        description="Relative spread (log-normal sd) of a counterpart's saliences and indicator weights in the prior.")
    ideal_noise: Unit = Field(description="Spread (sd) of a counterpart's ideals in the prior, as a share of each span.")
    influence_noise: Annotated[float, Field(strict=True, ge=0, le=2, allow_inf_nan=False)] = Field(
        description="Relative spread of a counterpart's officials' influence in the prior (who has a say).")
    offer_rationality: Annotated[float, Field(strict=True, gt=0, le=1000, allow_inf_nan=False)] = Field(
        description="How sharply an offer reveals its proposer's values: the beta of a Boltzmann likelihood.")
    response_noise: Annotated[float, Field(strict=True, gt=0, le=1, allow_inf_nan=False)] = Field(
        description="How noisily a response reveals values: the scale of a logistic likelihood of acceptance.")
    ratification_noise: Unit = Field(
        description="Spread (sd) of each official's vote on a package, in utility: domestic politics no one "
        "foresees exactly, not even the proposer.")
    basis: Basis


class DynamicsSpec(Spec):
    violation_rate: Unit = Field(description="Chance a fully hawkish, fully distrustful side breaks a commitment in a round.")
    detection: Unit = Field(description="Chance per round that the other side detects a violation.")
    trust_penalty: Unit = Field(description="Trust lost when a violation is detected.")
    trust_recovery: Unit = Field(description="Trust regained per round of an agreement honoured.")
    stance_reactivity: Unit = Field(description="How far an official's stance moves per hostile or friendly act.")
    stance_relaxation: Unit = Field(description="Share of the gap to its trait an official's stance closes per round.")
    renegotiate_before: Count = Field(description="Talks resume when an agreement has this many rounds or fewer left.")
    impatience: Unit = Field(description="Discount per round of a fully impatient official (patience 0).")
    breakdown: Unit = Field(description="Chance per round of failed talks that they break off.")
    cooling_off: int = Field(strict=True, ge=1, le=520, description="Rounds before broken-off talks resume.")
    staging_trust: Unit = Field(description="Below this trust in the counterpart a proposer stages an agreement in two steps.")
    staging_interval: int = Field(strict=True, ge=1, le=520, description="Rounds between the steps of a staged agreement.")
    verification_lag: int = Field(
        0, strict=True, ge=0, le=520,
        description="Purchase commitments: rounds before a shortfall in purchases shows in the trade data and can be detected.")
    basis: Basis


class Scenario(Spec):
    """A whole scenario file, validated."""

    schema_version: Literal[2] = Field(description="The format's version; this package reads 2 (see CHANGELOG.md).")
    name: Name
    title: str
    description: str = ""
    sources: tuple[Source, ...] = Field(min_length=1)
    calendar: Calendar
    kinds: tuple[KindSpec, ...] = ()
    governments: tuple[GovernmentSpec, ...] = Field(min_length=2)
    officials: tuple[OfficialSpec, ...] = Field(min_length=1)
    instruments: tuple[InstrumentSpec, ...] = Field(min_length=1)
    agreements: tuple[AgreementSpec, ...] = ()
    talks: tuple[TalksSpec, ...] = ()
    events: tuple[EventSpec, ...] = ()
    injects: tuple[EventSpec, ...] = Field((), description="Events an instructor may fire during play.")
    economy: EconomySpec
    information: InformationSpec
    dynamics: DynamicsSpec
    # -- engagement and domestic politics (issue 11, scenario/politics.py); absent: as before
    engagement: EngagementSpec | None = None
    domestic: DomesticSpec | None = None
    basis: Basis

    # Derived look-ups (not part of the file).
    def government(self, name: str) -> GovernmentSpec:
        return next(g for g in self.governments if g.name == name)

    def instrument(self, name: str) -> InstrumentSpec:
        return next(i for i in self.instruments if i.name == name)

    def unit_of(self, kind: str) -> str:
        return UNITS.get(kind) or next(k.unit for k in self.kinds if k.name == kind)

    def round_of(self, when: dt.date) -> int:
        """The round in which a calendar date falls (round 1 starts on the start date)."""
        return math.floor((when - self.calendar.start).days / self.calendar.round_days) + 1

    def date_of(self, round_: int) -> dt.date:
        return self.calendar.start + dt.timedelta(days=(round_ - 1) * self.calendar.round_days)

    def event_round(self, event: EventSpec) -> int:
        if event.round is not None:
            return event.round
        assert event.date is not None, "an undated event has no round"  # checks.events reports scheduled ones
        return self.round_of(event.date)

    def expiry_round(self, agreement: AgreementSpec) -> int:
        if agreement.expires_round is not None:
            return agreement.expires_round
        assert agreement.expires_date is not None  # AgreementSpec._one_expiry: a round or a date
        return self.round_of(agreement.expires_date)

    def canonical_json(self) -> str:
        """The scenario as canonical JSON: equal scenarios give equal text, whatever the file's layout."""
        data = self.model_dump(mode="json")
        for key in ("events", "injects"):  # hashed in one shape for every kind, so recorded hashes still match
            data[key] = [flat_event(e) for e in data[key]]
        neutral = CoercionSpec().model_dump(mode="json")
        for g in data["governments"]:  # a government without a coercion block hashes as before the block existed
            if g.get("coercion") == neutral:
                del g["coercion"]
        for o in data["officials"]:  # nor an official without mandates, nor a scenario without the new blocks
            if not o.get("mandates"):
                o.pop("mandates", None)
        for key in ("engagement", "domestic"):
            if data.get(key) is None:
                data.pop(key, None)
        return json.dumps(data, sort_keys=True, separators=(",", ":"))

    def digest(self) -> str:
        """SHA-256 of the canonical JSON: what every output records as the scenario hash."""
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()

    def with_rounds(self, rounds: int) -> Scenario:
        """A copy with another number of rounds (configs are values: a change makes a new one)."""
        return self.model_copy(update={"calendar": self.calendar.model_copy(update={"rounds": rounds})})


def json_schema() -> dict:
    """JSON Schema of the scenario format, for editors' autocompletion and checks."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Trade-talks negotiation scenario"
    return schema
