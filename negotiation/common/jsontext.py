"""JSON as the game writes and reads it: standard JSON only, and nothing trusted that a file says.

Writing refuses NaN and infinities (Python's json would write bare `NaN`, which no standard
reader accepts). Reading refuses what the standard parser lets through or breaks on: a key
given twice (the last would silently win), `NaN`/`Infinity`, a whole number of more than
`MAX_INT_DIGITS` digits and nesting deeper than `MAX_DEPTH`, each reported with the field's path.
"""

from __future__ import annotations

import json
import math
from typing import Any

from negotiation.common.errors import InputError, Problem
from negotiation.common.limits import MAX_DEPTH, MAX_INT_DIGITS


def dumps(data: Any, **options) -> str:
    """`json.dumps` that refuses NaN and infinities (ValueError) instead of writing non-standard JSON."""
    return json.dumps(data, allow_nan=False, **options)


class _Bad:
    """What a strict parse puts where a value cannot be accepted; `loads` reports the first with its path."""

    def __init__(self, message: str):
        self.message = message


def _number(text: str) -> int | _Bad:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        return _Bad(f"a whole number of {digits:,} digits (at most {MAX_INT_DIGITS})")
    return int(text)


def _constant(name: str) -> _Bad:
    return _Bad(f"{name} is not a number JSON allows")


def _pairs(pairs: list[tuple[str, Any]]) -> dict | _Bad:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            return _Bad(f"the key {key!r} is given twice")
        out[key] = value
    return out


def loads(text: str, origin: str, error: type[InputError] = InputError) -> Any:
    """Parse JSON strictly; any problem becomes one `error` naming `origin` and the field's path."""
    try:
        data = json.loads(text, parse_int=_number, parse_constant=_constant, object_pairs_hook=_pairs)
    except json.JSONDecodeError as exc:
        raise error(origin, f"not valid JSON ({exc})") from None
    except RecursionError:
        raise error(origin, f"not usable JSON: nested more than {MAX_DEPTH} levels deep") from None
    problem = first_problem(data)
    if problem is not None:
        raise error(origin, problem)
    return data


def first_problem(data: Any) -> Problem | None:
    """The first value a strict parse refused, a non-finite number or nesting too deep, with its path; None if none."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            return Problem(path, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, _Bad):
            return Problem(path, value.message)
        if isinstance(value, float) and not math.isfinite(value):
            return Problem(path, f"{value} is not a finite number")
        if isinstance(value, dict):
            items = [(v, f"{path}.{k}" if path else str(k), depth + 1) for k, v in value.items()]
        elif isinstance(value, (list, tuple)):
            items = [(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value)]
        else:
            continue
        stack.extend(reversed(items))  # depth first, in the file's order
    return None


def first_non_finite(data: Any, path: str = "") -> str | None:
    """The path of the first NaN or infinity in nested dicts and lists (a run's rows, its summary); None if none."""
    stack: list[tuple[Any, str]] = [(data, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return where
        if isinstance(value, dict):
            stack.extend(reversed([(v, f"{where}.{k}" if where else str(k)) for k, v in value.items()]))
        elif isinstance(value, (list, tuple)):
            stack.extend(reversed([(v, f"{where}[{i}]") for i, v in enumerate(value)]))
    return None
