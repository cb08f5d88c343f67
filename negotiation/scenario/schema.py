"""Scenario files: YAML in, validated immutable objects out, with one clear error per problem.

A scenario sets a run's starting conditions: the calendar, governments and their officials,
instruments, agreements in force, scheduled events, each government's strategy, the economy's
baseline and the behavioural dynamics. Every number in a shipped scenario carries a `basis`
entry naming its source (an id from `sources`) or saying `assumption: <why>`.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import datetime as dt
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from negotiation.common.errors import InputError, Problem, ScenarioError
from negotiation.scenario.vocabulary import UNITS, Indicator, InstrumentKind

SCHEMA_VERSION = 1
MAX_GRID = 1000  # steps per instrument: offers and the bargaining analysis walk the grid

# Strict numbers: a quoted "30" or a boolean is a type error, not silently a number.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Unit = Annotated[float, Field(strict=True, ge=0, le=1, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)]
Count = Annotated[int, Field(strict=True, ge=0)]
Name = Annotated[
    str,
    Field(min_length=1, max_length=60, pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$", description="An identifier: a letter, then letters, digits, _ or -."),
]
Basis = Annotated[
    dict[str, str],
    Field(
        default_factory=dict,
        description="Where each number comes from: field path -> '<source id>: note' or "
        "'assumption: reason'. A path covers every number below it.",
    ),
]


class Spec(BaseModel):
    """Base of every scenario object: immutable, and unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Role(str, Enum):
    LEADER = "leader"
    NEGOTIATOR = "negotiator"
    MINISTER = "minister"
    SPOKESBODY = "spokesbody"


class ExpiryRule(str, Enum):
    """What happens when an agreement reaches its expiry round."""

    SNAP_BACK = "snap_back"  # covered instruments return to the snap-back levels
    EXTEND = "extend"  # the agreement runs on for `extension_rounds`, up to `max_extensions` times


class EventKind(str, Enum):
    LEADERS_CALL = "leaders_call"  # raises trust between the pair and opens talks
    MEETING = "meeting"  # opens talks between the pair
    SET_LEVEL = "set_level"  # a ruling or decree sets an instrument's level
    MARKET_SHOCK = "market_shock"  # market stress jumps (or eases, if negative)
    DEADLINE = "deadline"  # the negotiators' horizon for the pair; stress rises if it passes without a deal


class Source(Spec):
    id: Name
    title: str
    url: str | None = None
    location: str | None = Field(None, description="A file path, for a source shipped with the project.")
    published: dt.date | None = None


class Calendar(Spec):
    start: dt.date = Field(ge=dt.date(1900, 1, 1), le=dt.date(2200, 12, 31))
    round_days: int = Field(7, strict=True, ge=1, le=366)
    rounds: int = Field(26, strict=True, ge=1, le=10_000)
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
    basis: Basis


class Traits(Spec):
    hawkishness: Unit = Field(description="Propensity to escalate, retaliate and break commitments.")
    patience: Unit = Field(description="How slowly the official's stance reacts to what the other side does.")
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
    influence: Annotated[float, Field(strict=True, gt=0, allow_inf_nan=False)]
    traits: Traits
    preferences: dict[str, Preference] = Field(default_factory=dict)
    indicators: dict[Indicator, NonNegative] = Field(default_factory=dict)
    statements: tuple[Statement, ...] = ()
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
    step: Annotated[float, Field(strict=True, gt=0, allow_inf_nan=False)] = 1.0
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
    basis: Basis


class EventSpec(Spec):
    name: Name
    kind: EventKind
    round: int | None = Field(None, strict=True, ge=1)
    date: dt.date | None = None
    between: tuple[Name, Name] | None = None
    instrument: str | None = None
    level: Number | None = None
    stress: Annotated[float, Field(strict=True, ge=-1, le=1, allow_inf_nan=False)] | None = None
    trust: Annotated[float, Field(strict=True, ge=-1, le=1, allow_inf_nan=False)] | None = None
    description: str = ""
    basis: Basis

    @model_validator(mode="after")
    def _fields_for_kind(self) -> EventSpec:
        if self.round is not None and self.date is not None:
            raise ValueError("give round or date, not both")
        needs = {
            EventKind.LEADERS_CALL: ("between",),
            EventKind.MEETING: ("between",),
            EventKind.DEADLINE: ("between",),
            EventKind.SET_LEVEL: ("instrument", "level"),
            EventKind.MARKET_SHOCK: ("stress",),
        }[self.kind]
        missing = [f for f in needs if getattr(self, f) is None]
        if missing:
            raise ValueError(f"a {self.kind.value} event needs {' and '.join(missing)}")
        return self


class TradeFlow(Spec):
    exporter: Name
    importer: Name
    value: NonNegative = Field(description="Annual goods flow at zero additional tariff, billions of US dollars.")


class ControlEffect(Spec):
    indicator: Indicator
    per_level: Unit = Field(description="Share of the indicator lost per level of the control.")


class StressSpec(Spec):
    initial: Unit
    jump: NonNegative = Field(description="Stress added per unit of normalised escalation in a round.")
    ease: NonNegative = Field(description="Stress removed per unit of normalised de-escalation in a round.")
    decay: Unit = Field(description="Share of stress that fades each round.")


class EconomySpec(Spec):
    trade: tuple[TradeFlow, ...] = Field(min_length=1)
    tariff_elasticity: Annotated[float, Field(strict=True, gt=0, le=20, allow_inf_nan=False)]
    adjustment_speed: Annotated[float, Field(strict=True, gt=0, le=1, allow_inf_nan=False)]
    stress: StressSpec
    control_effects: dict[str, ControlEffect] = Field(default_factory=dict)
    basis: Basis


class DynamicsSpec(Spec):
    violation_rate: Unit = Field(description="Chance a fully hawkish, fully distrustful side breaks a commitment in a round.")
    detection: Unit = Field(description="Chance per round that the other side detects a violation.")
    trust_penalty: Unit = Field(description="Trust lost when a violation is detected.")
    trust_recovery: Unit = Field(description="Trust regained per round of an agreement honoured.")
    stance_reactivity: Unit = Field(description="How far an official's stance moves per hostile or friendly act.")
    stance_relaxation: Unit = Field(description="Share of the gap to its trait an official's stance closes per round.")
    renegotiate_before: Count = Field(description="Talks resume when an agreement has this many rounds or fewer left.")
    basis: Basis


class Scenario(Spec):
    """A whole scenario file, validated."""

    schema_version: Literal[1] = Field(SCHEMA_VERSION, description="The format's version; this package reads 1.")
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
    dynamics: DynamicsSpec
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
        return event.round if event.round is not None else self.round_of(event.date)

    def expiry_round(self, agreement: AgreementSpec) -> int:
        if agreement.expires_round is not None:
            return agreement.expires_round
        return self.round_of(agreement.expires_date)

    def canonical_json(self) -> str:
        """The scenario as canonical JSON: equal scenarios give equal text, whatever the file's layout."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))

    def digest(self) -> str:
        """SHA-256 of the canonical JSON: what every output records as the scenario hash."""
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()

    def with_rounds(self, rounds: int) -> Scenario:
        """A copy with another number of rounds (configs are values: a change makes a new one)."""
        return self.model_copy(update={"calendar": self.calendar.model_copy(update={"rounds": rounds})})


# --------------------------------------------------------------------------- loading


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing duplicate keys (which safe_load silently overwrites)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    mapping: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: str | Path, error: type[ScenarioError] = ScenarioError) -> Any:
    """Read a YAML file safely; any problem becomes an `error` naming the file and line."""
    origin = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(origin, "no such file") from None
    except IsADirectoryError:
        raise error(origin, "is a folder, not a file") from None
    except UnicodeDecodeError as exc:
        raise error(origin, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise error(origin, f"cannot be read ({exc.strerror})") from None
    try:
        loader = _StrictLoader(text)  # a SafeLoader: builds plain data only, never Python objects
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        if "could not determine a constructor" in problem:
            problem = "tags that build Python objects are not allowed: " + problem.split("for the tag", 1)[-1].strip()
        raise error(origin, Problem(where, f"YAML error: {problem}")) from None
    except yaml.YAMLError as exc:
        raise error(origin, f"YAML error: {exc}") from None
    if data is None:
        raise error(origin, "the file is empty")
    return data


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file; raise ScenarioError with every problem found."""
    data = read_yaml(path)
    return parse_scenario(data, origin=str(path))


def validate_mapping(model: type[BaseModel], data: Any, origin: str, error: type[InputError] = ScenarioError):
    """Validate parsed YAML (a mapping) into a pydantic model; every problem becomes one line of `error`."""
    if not isinstance(data, dict):
        raise error(origin, f"the top level must be a mapping of fields, not {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(origin, [_pydantic_problem(err) for err in exc.errors()]) from None


def parse_scenario(data: Any, origin: str = "<scenario>") -> Scenario:
    """Validate already-parsed data (a dict, as from YAML) into a Scenario."""
    scenario = validate_mapping(Scenario, data, origin)
    problems = check_references(scenario)
    if problems:
        raise ScenarioError(origin, problems)
    return scenario


def format_path(loc: tuple | list) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _pydantic_problem(err: dict) -> Problem:
    # Pydantic adds the validator's name to locations of tagged unions and functional
    # validators (e.g. 'function-after[...]'); those are noise for a scenario author.
    loc = [p for p in err["loc"] if not (isinstance(p, str) and ("[" in p and "]" in p))]
    message = err["msg"]
    if err["type"] == "extra_forbidden":
        message = "unknown field"
    elif err["type"] == "missing":
        message = "required field is missing"
    elif message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if "input" in err and err["type"] not in ("missing", "extra_forbidden") and not isinstance(err["input"], dict):
        message += f" (got {err['input']!r})"
    return Problem(format_path(loc), message)


def nearest(name: str, known: list[str] | tuple[str, ...]) -> str:
    """'unknown X' help: the known names, and the closest one if any is close."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"known: {', '.join(known) if known else '(none)'}{hint}"


def check_references(s: Scenario) -> list[Problem]:
    """Cross-field checks pydantic cannot do alone: names resolve, values lie within bounds."""
    from negotiation.strategies import STRATEGIES  # late import: strategies import scenario types

    problems: list[Problem] = []
    add = lambda path, msg: problems.append(Problem(path, msg))  # noqa: E731

    def unique(items, label: str, key=lambda x: x.name):
        seen: set = set()
        for i, item in enumerate(items):
            k = key(item)
            if k in seen:
                add(f"{label}[{i}].{'id' if label == 'sources' else 'name'}", f"duplicate name {k!r}")
            seen.add(k)

    unique(s.sources, "sources", key=lambda x: x.id)
    unique(s.governments, "governments")
    unique(s.officials, "officials")
    unique(s.instruments, "instruments")
    unique(s.agreements, "agreements")
    unique(tuple(s.events) + tuple(s.injects), "events")
    for i, o in enumerate(s.officials):
        if o.name in {g.name for g in s.governments}:
            add(f"officials[{i}].name", f"{o.name!r} is already a government's name")

    govs = [g.name for g in s.governments]
    instruments = {i.name: i for i in s.instruments}
    kinds = [k.value for k in InstrumentKind] + [k.name for k in s.kinds]
    source_ids = [src.id for src in s.sources]

    def check_gov(path: str, name: str):
        if name not in govs:
            add(path, f"unknown government {name!r} ({nearest(name, govs)})")
            return False
        return True

    def check_instrument(path: str, name: str):
        if name not in instruments:
            add(path, f"unknown instrument {name!r} ({nearest(name, list(instruments))})")
            return None
        return instruments[name]

    def check_level(path: str, inst, level: float):
        if inst is not None and not inst.min <= level <= inst.max:
            add(path, f"{level:g} is outside {inst.name}'s bounds [{inst.min:g}, {inst.max:g}]")

    def check_pair(path: str, pair: tuple[str, str]):
        ok = all([check_gov(f"{path}[{k}]", g) for k, g in enumerate(pair)])
        if ok and pair[0] == pair[1]:
            add(path, "a pair needs two different governments")
        return ok and pair[0] != pair[1]

    for i, k in enumerate(s.kinds):
        if k.name in UNITS:
            add(f"kinds[{i}].name", f"{k.name!r} is a built-in kind; declare only new ones")

    for i, g in enumerate(s.governments):
        strategy = STRATEGIES.get(g.strategy.name)
        if strategy is None:
            add(
                f"governments[{i}].strategy.name",
                f"unknown strategy {g.strategy.name!r} ({nearest(g.strategy.name, sorted(STRATEGIES))})",
            )
        else:
            try:
                strategy.Params.model_validate(g.strategy.params)
            except ValidationError as exc:
                for err in exc.errors():
                    p = _pydantic_problem(err)
                    add(f"governments[{i}].strategy.params" + ("." + p.path if p.path else ""), p.message)
        leaders = [o.name for o in s.officials if o.government == g.name and o.role is Role.LEADER]
        dangling = any(o.government not in govs for o in s.officials)  # reported below; don't cascade
        if len(leaders) != 1 and not dangling:
            add(f"governments[{i}]", f"{g.name} needs exactly one official with role leader (has {len(leaders)})")

    for i, inst in enumerate(s.instruments):
        p = f"instruments[{i}]"
        if inst.kind not in kinds:
            add(f"{p}.kind", f"unknown instrument kind {inst.kind!r} ({nearest(inst.kind, kinds)})")
        check_gov(f"{p}.imposer", inst.imposer)
        check_gov(f"{p}.target", inst.target)
        if inst.imposer == inst.target:
            add(p, "an instrument's imposer and target must differ")
        if inst.min < 0:
            add(f"{p}.min", f"{inst.min:g} is negative: levels run from 0 (no measure) upward")
        if inst.kind in UNITS and UNITS[inst.kind] == "level" and inst.max > 3:
            add(f"{p}.max", f"{inst.max:g} is above 3, the top of the control scale (3 = sweeping)")
        if inst.min >= inst.max:
            add(f"{p}.max", f"max ({inst.max:g}) must be above min ({inst.min:g})")
        elif (inst.max - inst.min) / inst.step > MAX_GRID:
            add(f"{p}.step", f"{inst.step:g} is too fine: {(inst.max - inst.min) / inst.step:.0f} steps between min and "
                f"max (at most {MAX_GRID})")
        elif not inst.min <= inst.initial <= inst.max:
            add(f"{p}.initial", f"{inst.initial:g} is outside the bounds [{inst.min:g}, {inst.max:g}]")
        if inst.kind != InstrumentKind.TARIFF.value and inst.kind in kinds and inst.kind not in s.economy.control_effects:
            add(f"{p}.kind", f"economy.control_effects has no entry for kind {inst.kind!r}")

    seen_instruments: dict[tuple, str] = {}
    for i, inst in enumerate(s.instruments):
        key = (inst.kind, inst.imposer, inst.target)
        if key in seen_instruments:
            add(f"instruments[{i}]", f"{inst.name} repeats {seen_instruments[key]}: the same kind, imposer and target")
        seen_instruments.setdefault(key, inst.name)

    for i, o in enumerate(s.officials):
        p = f"officials[{i}]"
        check_gov(f"{p}.government", o.government)
        for name, pref in o.preferences.items():
            inst = check_instrument(f"{p}.preferences.{name}", name)
            check_level(f"{p}.preferences.{name}.ideal", inst, pref.ideal)
        for k, st in enumerate(o.statements):
            if st.source not in source_ids:
                add(f"{p}.statements[{k}].source", f"unknown source {st.source!r} ({nearest(st.source, source_ids)})")
        if not any(pref.salience > 0 for pref in o.preferences.values()) and not any(o.indicators.values()):
            add(f"{p}.preferences", "an official must care about something: give a positive salience or indicator weight")

    agreement_pairs: set = set()
    for i, a in enumerate(s.agreements):
        p = f"agreements[{i}]"
        if not check_pair(f"{p}.parties", a.parties):
            continue
        if frozenset(a.parties) in agreement_pairs:
            add(f"{p}.parties", f"a second agreement between {a.parties[0]} and {a.parties[1]}: one at a time per pair")
        agreement_pairs.add(frozenset(a.parties))
        for field in ("terms", "snap_back"):
            for name, level in getattr(a, field).items():
                inst = check_instrument(f"{p}.{field}.{name}", name)
                if inst is None:
                    continue
                check_level(f"{p}.{field}.{name}", inst, level)
                if {inst.imposer, inst.target} != set(a.parties):
                    add(f"{p}.{field}.{name}", f"{name} is not an instrument between {a.parties[0]} and {a.parties[1]}")
        for name in a.snap_back:
            if name not in a.terms:
                add(f"{p}.snap_back.{name}", "a snap-back level needs a term for the same instrument")
        if s.expiry_round(a) < 1:
            add(f"{p}.expires_date", f"{a.expires_date} is before the scenario starts ({s.calendar.start})")
        if a.on_expiry is ExpiryRule.EXTEND and (a.extension_rounds == 0 or a.max_extensions == 0):
            add(f"{p}.on_expiry", "extend needs extension_rounds and max_extensions above 0")

    seen_pairs: set = set()
    for i, t in enumerate(s.talks):
        p = f"talks[{i}]"
        if not check_pair(f"{p}.between", t.between):
            continue
        if frozenset(t.between) in seen_pairs:
            add(f"{p}.between", f"talks between {t.between[0]} and {t.between[1]} are listed twice")
        seen_pairs.add(frozenset(t.between))
        if t.first_proposer not in t.between:
            add(f"{p}.first_proposer", f"{t.first_proposer!r} is not one of {list(t.between)}")

    for label, events in (("events", s.events), ("injects", s.injects)):
        for i, e in enumerate(events):
            p = f"{label}[{i}]"
            if label == "events" and e.round is None and e.date is None:
                add(p, "a scheduled event needs a round or a date")
                continue
            r = s.event_round(e) if (e.round is not None or e.date is not None) else 1
            if label == "events" and not 1 <= r <= s.calendar.rounds:
                field = "round" if e.round is not None else "date"
                add(f"{p}.{field}", f"falls in round {r}, outside the calendar's rounds 1-{s.calendar.rounds}")
            if e.between is not None:
                check_pair(f"{p}.between", e.between)
            if e.instrument is not None:
                inst = check_instrument(f"{p}.instrument", e.instrument)
                if e.level is not None:
                    check_level(f"{p}.level", inst, e.level)

    flow_pairs: set = set()
    for i, f in enumerate(s.economy.trade):
        p = f"economy.trade[{i}]"
        check_pair(p, (f.exporter, f.importer))
        if (f.exporter, f.importer) in flow_pairs:
            add(p, f"the flow {f.exporter} -> {f.importer} is listed twice")
        flow_pairs.add((f.exporter, f.importer))
    for kind in s.economy.control_effects:
        if kind not in kinds or kind == InstrumentKind.TARIFF.value:
            add(f"economy.control_effects.{kind}", f"not a control kind ({nearest(kind, [k for k in kinds if k != 'tariff'])})")

    problems += _check_basis(s, source_ids)
    return problems


def _check_basis(s: Scenario, source_ids: list[str]) -> list[Problem]:
    """Every basis entry names a declared source (or 'assumption') and a field that exists."""
    problems = []
    allowed = set(source_ids) | {"assumption"}

    def walk(obj: BaseModel, path: str):
        basis = getattr(obj, "basis", None)
        if basis:
            fields = set(type(obj).model_fields) - {"basis"}
            for key, note in basis.items():
                where = f"{path}.basis.{key}" if path else f"basis.{key}"
                head = key.split(".", 1)[0]
                if head not in fields:
                    problems.append(Problem(where, f"no field {head!r} here to source ({nearest(head, sorted(fields))})"))
                tag = note.split(":", 1)[0].strip() if ":" in note else ""
                if tag not in allowed:
                    problems.append(
                        Problem(where, f"must start with a source id or 'assumption:' ({nearest(tag or note, sorted(allowed))})")
                    )
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            sub = f"{path}.{name}" if path else name
            if isinstance(value, BaseModel):
                walk(value, sub)
            elif isinstance(value, tuple):
                for i, item in enumerate(value):
                    if isinstance(item, BaseModel):
                        walk(item, f"{sub}[{i}]")

    walk(s, "")
    return problems


def json_schema() -> dict:
    """JSON Schema of the scenario format, for editors' autocompletion and checks."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Trade-talks negotiation scenario"
    return schema
