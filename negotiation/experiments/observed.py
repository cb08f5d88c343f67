"""Observed records: what actually happened, as dated rows a back-test can score the game against.

A record is a CSV file with the columns `date,kind,name,value,unit,source,confidence,note`
(docs/observed.md describes them). Three kinds of row:

- `level`: an instrument's level in its own units from `date` on (carried forward to the next
  level row of the same instrument);
- `event`: something dated that happened (`name` one of EVENT_NAMES: a call, a meeting, an
  agreement, a threat, a ruling, an escalation, an extension ...), with the acting government in
  `value` when there is one;
- `indicator`: a dated observation of an indicator (`vix`, a trade flow), not carried forward.

Every row names its source and a confidence. The file is read once, checked whole, and every
problem is reported with its row and field, like a scenario file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import math
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from negotiation.common.errors import InputError, Problem
from negotiation.common.files import read_text
from negotiation.common.limits import MAX_INPUT_BYTES

COLUMNS = ("date", "kind", "name", "value", "unit", "source", "confidence", "note")
# Nothing dated after this day enters the project (DESIGN.md, the out-of-sample rule).
LAST_DAY = dt.date(2025, 6, 4)


class ObservedError(InputError):
    """An observed record is malformed: the file, the row and the field are named."""


class RowKind(str, Enum):
    LEVEL = "level"
    EVENT = "event"
    INDICATOR = "indicator"


class Confidence(str, Enum):
    HIGH = "high"  # an official text, or several reports agreeing on the number and the day
    MEDIUM = "medium"  # one report, or a level read onto the 0-3 scale by judgement
    LOW = "low"  # an estimate


class EventName(str, Enum):
    CALL = "call"  # the leaders speak
    MEETING = "meeting"  # ministers or negotiators meet
    AGREEMENT = "agreement"  # a package is agreed (signed or announced jointly)
    THREAT = "threat"  # a dated measure announced with a condition or a start date
    ESCALATION = "escalation"  # a government raises a measure against the other (in force)
    DE_ESCALATION = "de_escalation"  # a government lowers one
    RULING = "ruling"  # a court ruling or an agency's guidance
    EXTENSION = "extension"  # an agreement's term is extended
    ACCUSATION = "accusation"  # one side charges the other with breaking an agreement


@dataclass(frozen=True)
class ObservedRow:
    line: int  # the row's line in the file, for messages
    date: dt.date
    kind: RowKind
    name: str
    value: float | str | None
    unit: str
    source: str
    confidence: Confidence
    note: str

    @property
    def number(self) -> float:
        """The value of a level or indicator row: validation made it a finite float."""
        assert isinstance(self.value, float), f"row {self.line} is a {self.kind.value}, not a number"
        return self.value


@dataclass(frozen=True)
class ObservedRecord:
    """A validated observed record: its rows in date order and where it came from."""

    origin: str
    rows: tuple[ObservedRow, ...]

    def levels(self, instrument: str) -> list[tuple[dt.date, float]]:
        return [(r.date, r.number) for r in self.rows if r.kind is RowKind.LEVEL and r.name == instrument]

    def instruments(self) -> list[str]:
        return list(dict.fromkeys(r.name for r in self.rows if r.kind is RowKind.LEVEL))

    def level_on(self, instrument: str, day: dt.date) -> float | None:
        """The instrument's level in force on `day` (the last level row on or before it), or None before the first."""
        level = None
        for date, value in self.levels(instrument):
            if date > day:
                break
            level = value
        return level

    def events(self, name: EventName | None = None, actor: str | None = None) -> list[ObservedRow]:
        return [
            r
            for r in self.rows
            if r.kind is RowKind.EVENT
            and (name is None or r.name == name.value)
            and (actor is None or r.value == actor)
        ]

    def first_event(self, name: EventName, actor: str | None = None) -> dt.date | None:
        found = self.events(name, actor)
        return found[0].date if found else None

    def indicator(self, name: str) -> list[tuple[dt.date, float]]:
        return [(r.date, r.number) for r in self.rows if r.kind is RowKind.INDICATOR and r.name == name]

    @property
    def first_day(self) -> dt.date:
        return self.rows[0].date

    @property
    def last_day(self) -> dt.date:
        return self.rows[-1].date

    def digest(self) -> str:
        import hashlib

        text = "\n".join(
            f"{r.date}|{r.kind.value}|{r.name}|{r.value}|{r.unit}|{r.source}|{r.confidence.value}" for r in self.rows
        )
        return hashlib.sha256(text.encode()).hexdigest()


def load_observed(path: str | Path, instruments: dict[str, tuple[float, float]] | None = None) -> ObservedRecord:
    """Read and check an observed record; `instruments` (name -> (min, max)) checks level rows against a scenario."""
    origin = str(path)
    text = read_text(path, MAX_INPUT_BYTES, ObservedError)
    return parse_observed(text, origin, instruments)


def parse_observed(text: str, origin: str, instruments: dict[str, tuple[float, float]] | None = None) -> ObservedRecord:
    lines = [
        line for line in text.splitlines() if not line.lstrip().startswith("#")
    ]  # comment lines for provenance notes
    reader = csv.reader(io.StringIO("\n".join(lines)))
    try:
        header = next(reader)
    except StopIteration:
        raise ObservedError(origin, "the file is empty: it needs a header row " + ",".join(COLUMNS)) from None
    except csv.Error as exc:
        raise ObservedError(origin, f"not readable as CSV ({exc})") from None
    header = [h.strip() for h in header]
    if tuple(header) != COLUMNS:
        missing = [c for c in COLUMNS if c not in header]
        extra = [c for c in header if c not in COLUMNS]
        detail = (
            "; ".join(
                x
                for x in (
                    f"missing {', '.join(missing)}" if missing else "",
                    f"unknown {', '.join(extra)}" if extra else "",
                )
                if x
            )
            or "in another order"
        )
        raise ObservedError(origin, Problem("header", f"the columns must be {','.join(COLUMNS)} ({detail})"))
    rows: list[ObservedRow] = []
    problems: list[Problem] = []
    number = 1
    try:
        for number, fields in enumerate(reader, start=2):
            if not fields or all(not f.strip() for f in fields):
                continue
            row = _parse_row(fields, number, problems, instruments)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        problems.append(Problem(f"row {number}", f"not readable as CSV ({exc})"))
    if not rows and not problems:
        problems.append(Problem("", "the record has a header but no rows"))
    for before, after in itertools.pairwise(rows):
        if after.date < before.date:
            problems.append(
                Problem(
                    f"row {after.line}.date",
                    f"{after.date} comes before the row above ({before.date}): keep the rows in date order",
                )
            )
    seen: dict[tuple[str, dt.date], int] = {}
    for r in rows:
        if r.kind is RowKind.LEVEL:
            key = (r.name, r.date)
            if key in seen:
                problems.append(
                    Problem(f"row {r.line}", f"a second level for {r.name} on {r.date} (row {seen[key]} has one)")
                )
            seen[key] = r.line
    if problems:
        raise ObservedError(origin, problems)
    return ObservedRecord(origin, tuple(rows))


def _parse_row(
    fields: list[str], line: int, problems: list[Problem], instruments: dict[str, tuple[float, float]] | None
) -> ObservedRow | None:
    where = f"row {line}"
    if len(fields) != len(COLUMNS):
        problems.append(
            Problem(
                where,
                f"has {len(fields)} fields, not {len(COLUMNS)} ({','.join(COLUMNS)}); quote a field that holds a comma",
            )
        )
        return None
    date_s, kind_s, name, value_s, unit, source, conf_s, note = (f.strip() for f in fields)
    before = len(problems)
    try:
        date = dt.date.fromisoformat(date_s)
    except ValueError:
        problems.append(Problem(f"{where}.date", f"{date_s!r} is not a date (write YYYY-MM-DD)"))
        date = None
    if date is not None and date > LAST_DAY:
        problems.append(
            Problem(
                f"{where}.date",
                f"{date} is after {LAST_DAY}: nothing later enters the project (the out-of-sample rule)",
            )
        )
    try:
        kind = RowKind(kind_s)
    except ValueError:
        problems.append(Problem(f"{where}.kind", f"{kind_s!r} is not a kind ({', '.join(k.value for k in RowKind)})"))
        kind = None
    try:
        confidence = Confidence(conf_s)
    except ValueError:
        problems.append(
            Problem(f"{where}.confidence", f"{conf_s!r} is not a confidence ({', '.join(c.value for c in Confidence)})")
        )
        confidence = None
    if not source:
        problems.append(Problem(f"{where}.source", "every row names its source (a URL or an official text)"))
    if not name:
        problems.append(Problem(f"{where}.name", "empty"))
    value: float | str | None = value_s or None
    if kind in (RowKind.LEVEL, RowKind.INDICATOR):
        try:
            value = float(value_s)
            if not math.isfinite(value):
                raise ValueError
        except ValueError:
            problems.append(Problem(f"{where}.value", f"{value_s!r} is not a finite number (a {kind.value} needs one)"))
            value = None
        if not unit:
            problems.append(Problem(f"{where}.unit", f"a {kind.value} names its unit"))
    if kind is RowKind.LEVEL and instruments is not None and name:
        if name not in instruments:
            from negotiation.scenario import nearest

            problems.append(
                Problem(
                    f"{where}.name", f"the scenario has no instrument {name!r} ({nearest(name, sorted(instruments))})"
                )
            )
        elif isinstance(value, float):
            lo, hi = instruments[name]
            if not lo <= value <= hi:
                problems.append(Problem(f"{where}.value", f"{value:g} is outside {name}'s bounds {lo:g}-{hi:g}"))
    if kind is RowKind.EVENT and name:
        try:
            EventName(name)
        except ValueError:
            problems.append(
                Problem(f"{where}.name", f"{name!r} is not an event ({', '.join(e.value for e in EventName)})")
            )
    if len(problems) > before:
        return None
    # each of these is None only after a problem was added, and then we returned above
    assert date is not None and kind is not None and confidence is not None
    return ObservedRow(line, date, kind, name, value, unit, source, confidence, note)
