"""The scenarios, sweeps and lessons shipped with the game, found inside the installed package.

They are read with `importlib.resources`, so the command line plays the default scenario from any
folder, whether the game was installed from a wheel or in editable mode from a checkout (where
these are the checkout's own `scenarios/` and `lessons/`: see pyproject.toml). Each function
returns a file's path, which the loaders (`load_scenario`, `load_sweep`, `load_lesson`) read like
any file a user names, so their messages stay the same and a run's manifest records where the
scenario came from.
"""

from __future__ import annotations

import difflib
from importlib import resources
from pathlib import Path

from negotiation.common.errors import InputError

SCENARIOS = "negotiation.data.scenarios"
LESSONS = "negotiation.data.lessons"
SWEEPS = "sweeps"  # a folder of the scenarios package: a sweep names its scenario relative to itself
DEFAULT_SCENARIO = "june_2025_call"


def folder(package: str) -> Path:
    """The folder on disk holding a data package's files."""
    try:
        found = resources.files(package)
    except ModuleNotFoundError:
        raise InputError(package, "the game's shipped files are missing from this installation: reinstall it") from None
    if not isinstance(found, Path):
        raise InputError(package, f"the shipped files are not on disk ({found!r}): install the game with pip")
    return found


def _yaml_files(where: Path) -> dict[str, Path]:
    return {p.stem: p for p in sorted(where.glob("*.yaml"))}


def _named(kind: str, name: str, files: dict[str, Path]) -> Path:
    if name in files:
        return files[name]
    close = difflib.get_close_matches(name, list(files), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise InputError(name, f"no shipped {kind} of that name (known: {', '.join(files) or '(none)'}{hint})")


def shipped_scenarios() -> dict[str, Path]:
    """Every shipped scenario's file, by name (the file's stem), in name order."""
    return _yaml_files(folder(SCENARIOS))


def shipped_scenario(name: str = DEFAULT_SCENARIO) -> Path:
    """One shipped scenario's file, by name; the default is the June 2025 one."""
    return _named("scenario", name, shipped_scenarios())


def shipped_sweeps() -> dict[str, Path]:
    """Every shipped sweep file, by name."""
    return _yaml_files(folder(SCENARIOS) / SWEEPS)


def shipped_sweep(name: str) -> Path:
    """One shipped sweep file, by name (its base scenario lies beside it in the package, as in a checkout)."""
    return _named("sweep", name, shipped_sweeps())


def shipped_lessons() -> dict[str, Path]:
    """Every shipped lesson file (injects scheduled by round, for `play --lesson`), by name."""
    return _yaml_files(folder(LESSONS))


def shipped_lesson(name: str) -> Path:
    """One shipped lesson file, by name."""
    return _named("lesson", name, shipped_lessons())


def shipped_schema() -> Path:
    """The JSON Schema of scenario files, as shipped beside the scenarios (for editors)."""
    return folder(SCENARIOS) / "scenario.schema.json"
