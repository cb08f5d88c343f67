"""Cross-field checks pydantic cannot do alone: names resolve, values lie within bounds, numbers are sourced.

`check_references` runs one check per concern over a `Checks` context that holds the scenario,
its name tables and the problems found so far; every check adds problems and never raises.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable

from pydantic import BaseModel, ValidationError

from negotiation.common.errors import InputError, Problem
from negotiation.scenario.coercion import ACT_KINDS, RetaliationRule
from negotiation.scenario.events import Deadline, LeadersCall, Meeting, SetLevel
from negotiation.scenario.problems import format_path, nearest, pydantic_problem
from negotiation.scenario.schema import MAX_GRID, MAX_PACKAGES, MAX_ROUNDS, InstrumentSpec, Scenario, StrategySpec
from negotiation.scenario.vocabulary import CONCESSIONS, UNITS, ExpiryRule, InstrumentKind, Role
from negotiation.strategies import STRATEGIES

PAIR_EVENTS = (LeadersCall, Meeting, Deadline)  # the kinds that name a pair of governments
# No number in a scenario is larger: far above any tariff (percent), trade flow ($bn a year), weight or
# round a scenario needs, and far below where the model's sums and products of them overflow.
MAX_MAGNITUDE = 1e6
LAST_DAY = dt.date(9999, 12, 31)  # the last date a four-digit ISO date (rounds.csv, the story) can name
# Rounds past the last one that the game may still date: an agreement signed late runs this long at most
# (the strategies' and the terminal game's 1-520 rounds), as may an announced deadline or a cooling-off.
REACH = 520


class Checks:
    """One scenario under check: its names, the problems found, and the look-ups every check shares."""

    def __init__(self, s: Scenario):
        self.s = s
        self.problems: list[Problem] = []
        self.govs = [g.name for g in s.governments]
        self.instruments = {i.name: i for i in s.instruments}
        self.kinds = [k.value for k in InstrumentKind] + [k.name for k in s.kinds]
        self.source_ids = [src.id for src in s.sources]

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def government(self, path: str, name: str) -> bool:
        """Does `name` name a government? Reports it if not."""
        if name not in self.govs:
            self.add(path, f"unknown government {name!r} ({nearest(name, self.govs)})")
            return False
        return True

    def instrument(self, path: str, name: str) -> InstrumentSpec | None:
        """The instrument `name` names, or None (reported)."""
        if name not in self.instruments:
            self.add(path, f"unknown instrument {name!r} ({nearest(name, list(self.instruments))})")
            return None
        return self.instruments[name]

    def level(self, path: str, inst: InstrumentSpec | None, level: float) -> None:
        if inst is not None and not inst.min <= level <= inst.max:
            self.add(path, f"{level:g} is outside {inst.name}'s bounds [{inst.min:g}, {inst.max:g}]")

    def pair(self, path: str, pair: tuple[str, str]) -> bool:
        """Are these two different, known governments? Reports each problem."""
        known = [self.government(f"{path}[{k}]", g) for k, g in enumerate(pair)]  # each reports its own problem
        ok = all(known)
        if ok and pair[0] == pair[1]:
            self.add(path, "a pair needs two different governments")
        return ok and pair[0] != pair[1]


# ----------------------------------------------------------------------------- one check per concern


def unique_names(c: Checks) -> None:
    """Names are unique within each list, events and injects together; no official shares a government's name."""
    s = c.s
    for label, items in (("sources", s.sources), ("governments", s.governments), ("officials", s.officials),
                         ("instruments", s.instruments), ("agreements", s.agreements)):
        _unique(c, [(f"{label}[{i}]", item) for i, item in enumerate(items)], "id" if label == "sources" else "name")
    events = [(f"events[{i}]", e) for i, e in enumerate(s.events)]
    _unique(c, events + [(f"injects[{i}]", e) for i, e in enumerate(s.injects)], "name")
    for i, o in enumerate(s.officials):
        if o.name in c.govs:
            c.add(f"officials[{i}].name", f"{o.name!r} is already a government's name")


def _unique(c: Checks, items: Iterable[tuple[str, BaseModel]], key: str) -> None:
    seen: set[str] = set()
    for path, item in items:
        name = getattr(item, key)
        if name in seen:
            c.add(f"{path}.{key}", f"duplicate name {name!r}")
        seen.add(name)


def column_names(c: Checks) -> None:
    """Outputs name pair columns `<A>_<B>` (trust_US_China, flow_China_US): no two pairs may give one name."""
    seen: dict[str, tuple[str, str]] = {}
    for a in c.govs:
        for b in c.govs:
            if a == b:
                continue
            joined = f"{a}_{b}"
            if joined in seen and seen[joined] != (a, b):
                x, y = seen[joined]
                c.add("governments", f"the pairs {x}-{y} and {a}-{b} would both write the columns *_{joined}: rename a "
                      "government so that no name joined with '_' to another reads like a different pair")
                return
            seen[joined] = (a, b)


def declared_kinds(c: Checks) -> None:
    """A scenario declares only kinds that do not ship."""
    for i, k in enumerate(c.s.kinds):
        if k.name in UNITS:
            c.add(f"kinds[{i}].name", f"{k.name!r} is a built-in kind; declare only new ones")


def governments(c: Checks) -> None:
    """Each government's strategy is known and its parameters valid; each has exactly one leader."""
    dangling = any(o.government not in c.govs for o in c.s.officials)  # reported by `officials`; don't cascade
    for i, g in enumerate(c.s.governments):
        strategy(c, f"governments[{i}].strategy", g.strategy)
        leaders = [o.name for o in c.s.officials if o.government == g.name and o.role is Role.LEADER]
        if len(leaders) != 1 and not dangling:
            c.add(f"governments[{i}]", f"{g.name} needs exactly one official with role leader (has {len(leaders)})")


def strategy(c: Checks, path: str, spec: StrategySpec) -> None:
    """The strategy is registered, and its parameters validate against its own Params model."""
    registered = STRATEGIES.get(spec.name)
    if registered is None:
        c.add(f"{path}.name", f"unknown strategy {spec.name!r} ({nearest(spec.name, sorted(STRATEGIES))})")
        return
    try:
        registered.Params.model_validate(spec.params)
    except ValidationError as exc:
        for err in exc.errors():
            p = pydantic_problem(err)
            c.add(f"{path}.params" + ("." + p.path if p.path else ""), p.message)


def instruments(c: Checks) -> None:
    """Each instrument's kind, parties and bounds make sense; no two share kind, imposer and target."""
    for i, inst in enumerate(c.s.instruments):
        _instrument(c, f"instruments[{i}]", inst)
    seen: dict[tuple, str] = {}
    for i, inst in enumerate(c.s.instruments):
        key = (inst.kind, inst.imposer, inst.target)
        if key in seen:
            c.add(f"instruments[{i}]", f"{inst.name} repeats {seen[key]}: the same kind, imposer and target")
        seen.setdefault(key, inst.name)


def _instrument(c: Checks, p: str, inst: InstrumentSpec) -> None:
    if inst.kind not in c.kinds:
        c.add(f"{p}.kind", f"unknown instrument kind {inst.kind!r} ({nearest(inst.kind, c.kinds)})")
    c.government(f"{p}.imposer", inst.imposer)
    c.government(f"{p}.target", inst.target)
    if inst.imposer == inst.target:
        c.add(p, "an instrument's imposer and target must differ")
    if inst.min < 0:
        c.add(f"{p}.min", f"{inst.min:g} is negative: levels run from 0 (no measure) upward")
    if inst.kind in UNITS and UNITS[inst.kind] == "level" and inst.max > 3:
        c.add(f"{p}.max", f"{inst.max:g} is above 3, the top of the control scale (3 = sweeping)")
    steps = (inst.max - inst.min) / inst.step
    if inst.min >= inst.max:
        c.add(f"{p}.max", f"max ({inst.max:g}) must be above min ({inst.min:g})")
    elif steps > MAX_GRID:
        c.add(f"{p}.step", f"{inst.step:g} is too fine: {steps:.0f} steps between min and max (at most {MAX_GRID})")
    elif not inst.min <= inst.initial <= inst.max:
        c.add(f"{p}.initial", f"{inst.initial:g} is outside the bounds [{inst.min:g}, {inst.max:g}]")
    is_control = inst.kind != InstrumentKind.TARIFF.value and inst.kind in c.kinds and inst.kind not in CONCESSIONS
    if is_control and inst.kind not in c.s.economy.control_effects:
        c.add(f"{p}.kind", f"economy.control_effects has no entry for kind {inst.kind!r}")


def officials(c: Checks) -> None:
    """Each official belongs to a known government, prefers levels within bounds, quotes known sources, and cares."""
    for i, o in enumerate(c.s.officials):
        p = f"officials[{i}]"
        c.government(f"{p}.government", o.government)
        for name, pref in o.preferences.items():
            inst = c.instrument(f"{p}.preferences.{name}", name)
            c.level(f"{p}.preferences.{name}.ideal", inst, pref.ideal)
        for k, st in enumerate(o.statements):
            if st.source not in c.source_ids:
                c.add(f"{p}.statements[{k}].source",
                      f"unknown source {st.source!r} ({nearest(st.source, c.source_ids)})")
        held = set()
        for k, m in enumerate(o.mandates):
            inst = c.instrument(f"{p}.mandates[{k}].instrument", m.instrument)
            if inst is not None and inst.imposer != o.government:
                c.add(f"{p}.mandates[{k}].instrument", f"{m.instrument} is imposed by {inst.imposer}, not {o.government}")
            if m.instrument in held:
                c.add(f"{p}.mandates[{k}].instrument", f"{m.instrument} is held twice by {o.name}")
            held.add(m.instrument)
        if not any(pref.salience > 0 for pref in o.preferences.values()) and not any(o.indicators.values()):
            c.add(f"{p}.preferences",
                  "an official must care about something: give a positive salience or indicator weight")


def agreements(c: Checks) -> None:
    """One agreement per pair; terms and snap-backs on the pair's own instruments; a real expiry."""
    pairs: set[frozenset] = set()
    for i, a in enumerate(c.s.agreements):
        p = f"agreements[{i}]"
        if not c.pair(f"{p}.parties", a.parties):
            continue
        if frozenset(a.parties) in pairs:
            c.add(f"{p}.parties",
                  f"a second agreement between {a.parties[0]} and {a.parties[1]}: one at a time per pair")
        pairs.add(frozenset(a.parties))
        for field in ("terms", "snap_back"):
            for name, level in getattr(a, field).items():
                inst = c.instrument(f"{p}.{field}.{name}", name)
                if inst is None:
                    continue
                c.level(f"{p}.{field}.{name}", inst, level)
                if {inst.imposer, inst.target} != set(a.parties):
                    c.add(f"{p}.{field}.{name}",
                          f"{name} is not an instrument between {a.parties[0]} and {a.parties[1]}")
        for name in a.snap_back:
            if name not in a.terms:
                c.add(f"{p}.snap_back.{name}", "a snap-back level needs a term for the same instrument")
        if c.s.expiry_round(a) < 1:
            c.add(f"{p}.expires_date", f"{a.expires_date} is before the scenario starts ({c.s.calendar.start})")
        if a.on_expiry is ExpiryRule.EXTEND and (a.extension_rounds == 0 or a.max_extensions == 0):
            c.add(f"{p}.on_expiry", "extend needs extension_rounds and max_extensions above 0")


def talks(c: Checks) -> None:
    """Talks join two known governments, once per pair, and one of them proposes first."""
    seen: set[frozenset] = set()
    for i, t in enumerate(c.s.talks):
        p = f"talks[{i}]"
        if not c.pair(f"{p}.between", t.between):
            continue
        if frozenset(t.between) in seen:
            c.add(f"{p}.between", f"talks between {t.between[0]} and {t.between[1]} are listed twice")
        seen.add(frozenset(t.between))
        if t.first_proposer not in t.between:
            c.add(f"{p}.first_proposer", f"{t.first_proposer!r} is not one of {list(t.between)}")


def events(c: Checks) -> None:
    """Scheduled events fall inside the calendar; each names a real pair, or an instrument and a level in bounds."""
    s = c.s
    for label, items in (("events", s.events), ("injects", s.injects)):
        for i, e in enumerate(items):
            p = f"{label}[{i}]"
            dated = e.round is not None or e.date is not None
            if label == "events" and not dated:
                c.add(p, "a scheduled event needs a round or a date")
                continue
            r = s.event_round(e) if dated else 1
            if label == "events" and not 1 <= r <= s.calendar.rounds:
                field = "round" if e.round is not None else "date"
                c.add(f"{p}.{field}", f"falls in round {r}, outside the calendar's rounds 1-{s.calendar.rounds}")
            if isinstance(e, PAIR_EVENTS):
                c.pair(f"{p}.between", e.between)
            elif isinstance(e, SetLevel):
                inst = c.instrument(f"{p}.instrument", e.instrument)
                c.level(f"{p}.level", inst, e.level)
                if inst is not None and e.agency is not None:
                    own = [o.name for o in s.officials if o.government == inst.imposer]
                    if e.agency not in own:
                        c.add(f"{p}.agency", f"{e.agency!r} is not an official of {inst.imposer}, which imposes "
                              f"{inst.name} ({nearest(e.agency, own)})")


def economy(c: Checks) -> None:
    """Each trade flow joins two known governments, once per direction; control effects name control kinds."""
    seen: set[tuple[str, str]] = set()
    for i, f in enumerate(c.s.economy.trade):
        p = f"economy.trade[{i}]"
        c.pair(p, (f.exporter, f.importer))
        if (f.exporter, f.importer) in seen:
            c.add(p, f"the flow {f.exporter} -> {f.importer} is listed twice")
        seen.add((f.exporter, f.importer))
    controls = [k for k in c.kinds if k != InstrumentKind.TARIFF.value and k not in CONCESSIONS]
    for kind in c.s.economy.control_effects:
        if kind not in controls:
            c.add(f"economy.control_effects.{kind}", f"not a control kind ({nearest(kind, controls)})")
    for kind in c.s.economy.stress.pressure:
        if kind not in c.kinds:
            c.add(f"economy.stress.pressure.{kind}", f"unknown instrument kind {kind!r} ({nearest(kind, c.kinds)})")


def packages(c: Checks) -> None:
    """A pair's packages are every combination of its instruments' grids: the game values them all, so cap them."""
    sizes: dict[frozenset, int] = {}
    for inst in c.s.instruments:
        if inst.min < inst.max and inst.step > 0 and (inst.max - inst.min) / inst.step <= MAX_GRID:  # else reported
            pair = frozenset((inst.imposer, inst.target))
            sizes[pair] = sizes.get(pair, 1) * (int((inst.max - inst.min) / inst.step) + 2)
    for pair, size in sizes.items():
        if size > MAX_PACKAGES and len(pair) == 2:
            a, b = sorted(pair)
            c.add("instruments", f"the instruments between {a} and {b} make up to {size:,} packages (at most "
                  f"{MAX_PACKAGES:,}): use coarser steps or fewer instruments between them")


def magnitudes(c: Checks) -> None:
    """Every number is finite and at most MAX_MAGNITUDE in size (strategy parameters included)."""
    stack: list[tuple[object, tuple]] = [(c.s.model_dump(mode="python"), ())]
    while stack:
        value, loc = stack.pop()
        if isinstance(value, dict):
            stack.extend(reversed([(v, (*loc, k)) for k, v in value.items() if k != "basis"]))
        elif isinstance(value, (list, tuple)):
            stack.extend(reversed([(v, (*loc, i)) for i, v in enumerate(value)]))
        elif (isinstance(value, (int, float)) and not isinstance(value, bool)
              and (not math.isfinite(value) or abs(value) > MAX_MAGNITUDE)):
            shown = f"{value:.3g}" if isinstance(value, float) else f"a number of {len(str(abs(value)))} digits"
            c.add(format_path(loc), f"{shown} is out of range: numbers in a scenario are at most "
                  f"{MAX_MAGNITUDE:,.0f} in size")


def calendar(c: Checks) -> None:
    """Every round the game may date, agreements outlasting the run included, falls on a date ISO can write."""
    problem = horizon_problem(c.s, c.s.calendar.rounds, "calendar")
    if problem is not None:
        c.problems.append(problem)


def last_round_named(s: Scenario, rounds: int) -> int:
    """The latest round a game of `rounds` rounds may put a date on (an agreement's expiry after the last round)."""
    expiries = [s.expiry_round(a) for a in s.agreements]
    reach = max([REACH, *(a.extension_rounds for a in s.agreements)])
    return max([rounds, *expiries]) + reach


def horizon_problem(s: Scenario, rounds: int, path: str) -> Problem | None:
    """A problem if a game of `rounds` rounds would name a date after LAST_DAY (the date type overflows there)."""
    days = (last_round_named(s, rounds) - 1) * s.calendar.round_days
    if days <= (LAST_DAY - s.calendar.start).days:
        return None
    extra = last_round_named(s, rounds) - rounds
    return Problem(path, f"{rounds:,} rounds of {s.calendar.round_days} days from {s.calendar.start} (and up to "
                   f"{extra:,} more for agreements that outlast them) reach about {days // 365:,} years ahead, past "
                   f"{LAST_DAY}, the last date the game can write: use fewer or shorter rounds")


def rounds_problems(s: Scenario, rounds: int, path: str = "rounds") -> list[Problem]:
    """Problems with playing `s` for `rounds` rounds instead of its calendar's (as `--rounds` asks)."""
    if isinstance(rounds, bool) or not isinstance(rounds, int) or not 1 <= rounds <= MAX_ROUNDS:
        return [Problem(path, f"{rounds!r} is not a number of rounds from 1 to {MAX_ROUNDS:,}")]
    problem = horizon_problem(s, rounds, path)
    return [problem] if problem is not None else []


def check_rounds(s: Scenario, rounds: int | None, origin: str = "--rounds") -> None:
    """Raise an InputError if `s` cannot be played for `rounds` rounds (None: its calendar's own, already checked)."""
    if rounds is None:
        return
    problems = rounds_problems(s, rounds, "")
    if problems:
        raise InputError(origin, problems)


def basis(c: Checks) -> None:
    """Every basis entry names a field that exists where it stands, and a declared source (or 'assumption')."""
    allowed = sorted(set(c.source_ids) | {"assumption"})
    for path, obj in _models(c.s, ""):
        fields = set(type(obj).model_fields) - {"basis"}
        for key, note in getattr(obj, "basis", {}).items():
            where = f"{path}.basis.{key}" if path else f"basis.{key}"
            head = key.split(".", 1)[0]
            if head not in fields:
                c.add(where, f"no field {head!r} here to source ({nearest(head, sorted(fields))})")
            tag = note.split(":", 1)[0].strip() if ":" in note else ""
            if tag not in allowed:
                c.add(where, f"must start with a source id or 'assumption:' ({nearest(tag or note, allowed)})")


def _models(obj: BaseModel, path: str) -> Iterable[tuple[str, BaseModel]]:
    """Every model in the scenario, with its path, parents before children (the order of the file)."""
    yield path, obj
    for name in type(obj).model_fields:
        value = getattr(obj, name)
        sub = f"{path}.{name}" if path else name
        if isinstance(value, BaseModel):
            yield from _models(value, sub)
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _models(item, f"{sub}[{i}]")


# ----------------------------------------------------------------------------- coercion (issue 11)


def coercion(c: Checks) -> None:
    """Each retaliation rule answers known acts with kinds the government imposes, capped within their bounds."""
    for i, g in enumerate(c.s.governments):
        own = [inst for inst in c.s.instruments if inst.imposer == g.name]
        for k, rule in enumerate(g.coercion.retaliation.rules):
            _rule(c, f"governments[{i}].coercion.retaliation.rules[{k}]", g.name, rule, own)


def _rule(c: Checks, p: str, government: str, rule: RetaliationRule, own: list[InstrumentSpec]) -> None:
    acts = c.kinds + list(ACT_KINDS)
    for j, act in enumerate(rule.answers):
        if act not in acts:
            c.add(f"{p}.answers[{j}]", f"unknown hostile act {act!r} ({nearest(act, acts)})")
    owned = sorted({inst.kind for inst in own})
    for j, kind in enumerate(rule.using):
        if kind not in owned:
            c.add(f"{p}.using[{j}]", f"{government} imposes no instrument of kind {kind!r} ({nearest(kind, owned)})")
    for key, level in rule.caps.items():
        capped = [inst for inst in own if key in (inst.kind, inst.name) and inst.kind in rule.using]
        if not capped:
            c.add(f"{p}.caps.{key}", f"{key!r} is neither a kind in `using` nor one of {government}'s instruments of such a kind")
        for inst in capped:
            c.level(f"{p}.caps.{key}", inst, level)


CHECKS: tuple[Callable[[Checks], None], ...] = (
    unique_names, column_names, declared_kinds, governments, instruments, officials, agreements, talks, events,
    economy, packages, basis, coercion, magnitudes, calendar,
)


def check_references(s: Scenario) -> list[Problem]:
    """Every cross-field problem in a validated scenario, in the order of the checks (an empty list: usable)."""
    c = Checks(s)
    for check in CHECKS:
        check(c)
    return c.problems
