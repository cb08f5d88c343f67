"""The limits on what the game reads and makes: every input has a size, and work has a bound.

A file, a number or a nesting beyond these is refused with a message naming it, before any of
it is used: a mistyped or hostile file never exhausts memory or time. The README lists them.
"""

from __future__ import annotations

MAX_INPUT_BYTES = 10 * 1024 * 1024  # a scenario, sweep or lesson file (the shipped ones are under 100 kB)
MAX_TRANSCRIPT_BYTES = 64 * 1024 * 1024  # a transcript and its journal of answers (a long session is a few MB)
MAX_DEPTH = 64  # nesting of mappings and lists in YAML or JSON (a scenario needs 6)
MAX_INT_DIGITS = 100  # digits of a whole number in YAML or JSON (Python refuses over 4,300 with a traceback)
MAX_SEED = 2**63 - 1  # a seed fits a signed 64-bit integer, as Parquet and most tools store it
MAX_WORKERS = 256  # worker processes of one sweep on one machine


def seed_problem(value: object) -> str | None:
    """Why `value` cannot be a seed, or None: a seed is a whole number from 0 to MAX_SEED (the CLI's rule too)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{value!r} is not a whole number"
    if not 0 <= value <= MAX_SEED:
        return f"{value} is outside 0-{MAX_SEED:,}"
    return None
