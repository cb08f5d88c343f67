"""Problems with a scenario as a reader wants them: pydantic's errors as one clean line each, and name hints.

Shared by loading (`loading.py`) and the cross-field checks (`checks.py`), which both report
through `Problem`s and both suggest the closest known name.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from negotiation.common.errors import Problem
from negotiation.scenario.events import EVENT_CLASSES

# The event union's tags: pydantic puts the chosen class's tag into error locations
# (events[2].meeting.between), which is noise for a scenario author.
_EVENT_TAGS = {kind.value: cls for kind, cls in EVENT_CLASSES.items()}


def format_path(loc: tuple | list) -> str:
    """A pydantic location as the file spells it: ('events', 2, 'between') -> 'events[2].between'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def nearest(name: str, known: list[str] | tuple[str, ...]) -> str:
    """'unknown X' help: the known names, and the closest one if any is close."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"known: {', '.join(known) if known else '(none)'}{hint}"


def pydantic_problems(errors: list) -> list[Problem]:
    """Every pydantic error as a Problem, less the echoes: a list "too short" only because its items failed."""
    locs = [tuple(err["loc"]) for err in errors]
    def echo(k: int) -> bool:
        loc = locs[k]
        return errors[k]["type"] == "too_short" and any(len(o) > len(loc) and o[: len(loc)] == loc for o in locs)
    return [pydantic_problem(err) for k, err in enumerate(errors) if not echo(k)]


def pydantic_problem(err: Mapping[str, Any]) -> Problem:
    """One pydantic error as one Problem: the field's path as written in the file, and a plain message."""
    loc, event_kind = _clean_location(err["loc"])
    kind = err["type"]
    if kind == "union_tag_invalid":
        return _unknown_tag(loc, err["ctx"])
    if kind == "union_tag_not_found":
        return Problem(format_path([*loc, err["ctx"]["discriminator"].strip("'")]), "required field is missing")
    message = err["msg"]
    if kind == "extra_forbidden":
        message = "unknown field"
        if event_kind is not None:
            fields = ", ".join(_EVENT_TAGS[event_kind].model_fields)
            message += f" (a {event_kind} event has: {fields})"
    elif kind == "missing":
        message = "required field is missing"
    elif message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if "input" in err and kind not in ("missing", "extra_forbidden") and not isinstance(err["input"], dict):
        message += f" (got {err['input']!r})"
    return Problem(format_path(loc), message)


def _clean_location(loc: tuple) -> tuple[list, str | None]:
    """The location without pydantic's own parts, and the event kind it passed through (if any).

    Pydantic adds validators' names ('function-after[...]') and, inside a tagged union, the
    member's tag right after the list index (events[2].meeting.between).
    """
    out: list = []
    event_kind = None
    for part in loc:
        if isinstance(part, str) and "[" in part and "]" in part:
            continue
        if isinstance(part, str) and part in _EVENT_TAGS and out and isinstance(out[-1], int):
            event_kind = part
            continue
        out.append(part)
    return out, event_kind


def _unknown_tag(loc: list, ctx: dict) -> Problem:
    """An unknown `kind` (or other tag): name the field, the value given and the values known."""
    field = ctx["discriminator"].strip("'")
    known = re.findall(r"'([^']*)'", ctx["expected_tags"])  # "<EventKind.MEETING: 'meeting'>, ..." or "'a', 'b'"
    return Problem(format_path([*loc, field]), f"unknown {field} {ctx['tag']!r} ({nearest(ctx['tag'], known)})")
