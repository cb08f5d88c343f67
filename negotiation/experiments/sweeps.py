"""Sweep files: which scenario, which parameters to vary (by path), over which design.

A parameter path addresses a value in a scenario the way a reader would name it:
`officials[Bessent].influence`, `governments[US].strategy.params.exponent`,
`economy.tariff_elasticity`, `instruments[us_tariff_cn].initial`. A bracket selects a list item
by name (or by index). Each design point makes a new scenario from the base one (configs are
values), validated like any scenario file.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from negotiation.common.errors import InputError, Problem
from negotiation.scenario import Scenario, load_scenario, nearest, parse_scenario, read_yaml, validate_mapping


class SweepError(InputError):
    """A sweep file is malformed or names something the scenario does not have."""


class Method(str, Enum):
    GRID = "grid"  # every combination of each parameter's levels (or `points` values across its bounds)
    RANDOM = "random"  # `samples` points drawn uniformly within the bounds
    LHS = "lhs"  # `samples` points of a Latin hypercube (McKay, Beckman & Conover 1979)
    SOBOL = "sobol"  # Saltelli's scheme for Sobol indices: samples x (2D + 2) points (Saltelli 2002)
    MORRIS = "morris"  # Morris elementary effects: samples trajectories x (D + 1) points (Morris 1991)


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Parameter(Spec):
    path: str = Field(min_length=1, description="Where in the scenario, e.g. officials[Bessent].influence")
    bounds: tuple[Annotated[float, Field(strict=True)], Annotated[float, Field(strict=True)]] | None = None
    levels: tuple[Any, ...] | None = Field(None, min_length=1)
    integer: bool = Field(False, description="Round sampled values to whole numbers.")

    @model_validator(mode="after")
    def _bounds_or_levels(self) -> Parameter:
        if (self.bounds is None) == (self.levels is None):
            raise ValueError("give exactly one of bounds or levels")
        if self.bounds is not None and not self.bounds[0] < self.bounds[1]:
            raise ValueError(f"bounds must rise: {list(self.bounds)}")
        return self

    def value(self, u: float) -> Any:
        """The parameter's value at a position u in [0, 1] (levels are cut into equal bins)."""
        if self.levels is not None:
            return self.levels[min(int(u * len(self.levels)), len(self.levels) - 1)]
        assert self.bounds is not None  # _bounds_or_levels: bounds or levels, exactly one
        lo, hi = self.bounds
        x = lo + u * (hi - lo)
        return int(round(x)) if self.integer else round(float(x), 12)  # 0.15, not 0.15000000000000002


class Design(Spec):
    method: Method = Method.GRID
    samples: int = Field(16, strict=True, ge=1, le=1_000_000, description="random/lhs: points; sobol: base N; morris: trajectories")
    points: int = Field(5, strict=True, ge=2, le=1000, description="grid: values across a bounded parameter")
    levels: int = Field(4, strict=True, ge=2, le=100, description="morris: levels of the grid its trajectories walk")


class SweepSpec(Spec):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")
    description: str = ""
    scenario: str = Field(description="The base scenario file, relative to the sweep file.")
    rounds: int | None = Field(None, strict=True, ge=1, le=10_000)
    seed: int = Field(1, strict=True, ge=0)
    replicates: int = Field(1, strict=True, ge=1, le=100_000)
    design: Design = Design()
    parameters: tuple[Parameter, ...] = ()
    metrics: tuple[str, ...] | None = Field(None, min_length=1, description="Summary metrics to keep (default: all).")
    keep_rounds: bool = Field(False, description="Also store every run's per-round table.")

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


# ----------------------------------------------------------------------------- paths

_SEGMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]+)\])?$")


def _step(node: Any, key: str, where: str) -> Any:
    if not isinstance(node, dict) or key not in node:
        known = sorted(node) if isinstance(node, dict) else []
        raise KeyError(f"no field {key!r} at {where or 'the top'} ({nearest(key, known)})")
    return node[key]


def _select(items: Any, selector: str, where: str) -> Any:
    if not isinstance(items, list):
        raise KeyError(f"{where} is not a list, so [{selector}] selects nothing")
    if selector.isdigit():
        if int(selector) >= len(items):
            raise KeyError(f"{where} has {len(items)} items, no [{selector}]")
        return items[int(selector)]
    names = [str(item.get("name", item.get("id"))) for item in items if isinstance(item, dict)]
    for item in items:
        if isinstance(item, dict) and str(item.get("name", item.get("id"))) == selector:
            return item
    raise KeyError(f"no item named {selector!r} in {where} ({nearest(selector, names)})")


def resolve(data: dict, path: str) -> tuple[dict, str]:
    """The mapping that holds a path's last field, and that field's name; KeyError if it does not exist.

    A strategy's `params` may name any parameter the strategy accepts, set in the file or not.
    """
    parts = path.split(".")
    node: Any = data
    where = ""
    for k, part in enumerate(parts):
        m = _SEGMENT.match(part)
        if not m:
            raise KeyError(f"cannot read path segment {part!r}")
        key, selector = m.groups()
        last = k == len(parts) - 1
        if last and selector is None:
            if isinstance(node, dict) and key not in node and where.endswith("strategy.params"):
                from negotiation.strategies import STRATEGIES

                strategy = STRATEGIES.get(data_strategy_name(data, parts))
                fields = sorted(strategy.Params.model_fields) if strategy else []
                if key not in fields:
                    raise KeyError(f"the strategy has no parameter {key!r} ({nearest(key, fields)})")
                return node, key
            _step(node, key, where)
            return node, key
        node = _step(node, key, where)
        where = f"{where}.{key}" if where else key
        if selector is not None:
            node = _select(node, selector, where)
            where = f"{where}[{selector}]"
    raise KeyError("a path must end with a field name")


def data_strategy_name(data: dict, parts: list[str]) -> str:
    """The strategy name next to a `...strategy.params.X` path."""
    node: Any = data
    for part in parts[: parts.index("strategy") + 1]:
        m = _SEGMENT.match(part)
        assert m is not None  # resolve, the only caller, has matched these segments already
        key, selector = m.groups()
        node = node[key]
        if selector is not None:
            node = _select(node, selector, key)
    return node.get("name", "")


def apply(base: dict, values: dict[str, Any]) -> dict:
    """A copy of scenario data with each path set to its value."""
    data = copy.deepcopy(base)
    for path, value in values.items():
        holder, key = resolve(data, path)
        holder[key] = value
    return data


# ----------------------------------------------------------------------------- designs


def design_points(spec: SweepSpec) -> list[dict[str, Any]]:
    """The design's points, each a mapping of path -> value, in a fixed order."""
    params = spec.parameters
    if not params:
        return [{}]
    d = spec.design
    if d.method is Method.GRID:
        axes = []
        for p in params:
            axes.append(list(p.levels) if p.levels is not None else [p.value(u) for u in np.linspace(0, 1, d.points)])
        import itertools

        return [dict(zip((p.path for p in params), combo)) for combo in itertools.product(*axes)]
    units = unit_sample(spec)
    return [{p.path: p.value(float(u)) for p, u in zip(params, row)} for row in units]


def unit_sample(spec: SweepSpec) -> np.ndarray:
    """The design's points in the unit hypercube (rows), seeded from the sweep's seed."""
    d, n_vars = spec.design, len(spec.parameters)
    rng = np.random.default_rng(np.random.SeedSequence([spec.seed, 0xDE51]))
    if d.method is Method.RANDOM:
        return rng.random((d.samples, n_vars))
    if d.method is Method.LHS:
        from scipy.stats import qmc

        return qmc.LatinHypercube(d=n_vars, rng=rng).random(d.samples)
    problem = salib_problem(spec, unit=True)
    if d.method is Method.SOBOL:
        from SALib.sample import sobol

        return sobol.sample(problem, d.samples, calc_second_order=True, seed=rng)
    from SALib.sample import morris

    # Morris' grid points are k/(levels-1); keep them strictly inside [0, 1) bins for levels parameters.
    return morris.sample(problem, d.samples, num_levels=d.levels, seed=rng)


def salib_problem(spec: SweepSpec, unit: bool = False) -> dict:
    names = [p.path for p in spec.parameters]
    bounds = [[0.0, 1.0] if unit or p.bounds is None else list(p.bounds) for p in spec.parameters]
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def expected_points(spec: SweepSpec) -> int:
    """How many points the design promises (before replicates)."""
    d, n = spec.design, len(spec.parameters)
    if n == 0:
        return 1
    if d.method is Method.GRID:
        return int(np.prod([len(p.levels) if p.levels is not None else d.points for p in spec.parameters]))
    if d.method is Method.SOBOL:
        return d.samples * (2 * n + 2)
    if d.method is Method.MORRIS:
        return d.samples * (n + 1)
    return d.samples


# ----------------------------------------------------------------------------- loading


class Sweep:
    """A validated sweep: its spec, its base scenario (as data and as a Scenario) and its points."""

    def __init__(self, spec: SweepSpec, base: Scenario, origin: str, scenario_path: str):
        self.spec = spec
        self.base = base
        self.base_data = base.model_dump(mode="json")
        self.origin = origin
        self.scenario_path = scenario_path

    @property
    def rounds(self) -> int:
        return self.spec.rounds or self.base.calendar.rounds

    def points(self) -> list[dict[str, Any]]:
        return design_points(self.spec)

    def scenario_at(self, values: dict[str, Any]) -> Scenario:
        return parse_scenario(apply(self.base_data, values), f"{self.origin} at {values}")


def load_sweep(path: str | Path) -> Sweep:
    """Load and check a sweep file: its scenario, every parameter path and value range, its metrics."""
    origin = str(path)
    spec = validate_mapping(SweepSpec, read_yaml(path, SweepError), origin, SweepError)
    scenario_path = (Path(path).parent / spec.scenario).resolve()
    try:
        base = load_scenario(scenario_path)
    except InputError as exc:
        raise SweepError(origin, Problem("scenario", exc.render())) from None
    sweep = Sweep(spec, base, origin, str(scenario_path))
    problems = check_sweep(sweep)
    if problems:
        raise SweepError(origin, problems)
    return sweep


def check_sweep(sweep: Sweep) -> list[Problem]:
    """Every path exists, and the scenario stays valid at each parameter's extremes and levels."""
    problems = []
    seen = set()
    for i, p in enumerate(sweep.spec.parameters):
        if p.path in seen:
            problems.append(Problem(f"parameters[{i}].path", f"{p.path!r} is varied twice"))
        seen.add(p.path)
        try:
            resolve(sweep.base_data, p.path)
        except KeyError as exc:
            problems.append(Problem(f"parameters[{i}].path", f"{p.path}: {exc.args[0]}"))
            continue
        for value in (p.levels if p.levels is not None else (p.value(0.0), p.value(1.0))):
            try:
                sweep.scenario_at({p.path: value})
            except InputError as exc:
                detail = "; ".join(str(q) for q in exc.problems)
                problems.append(Problem(f"parameters[{i}]", f"at {p.path} = {value!r} the scenario is invalid: {detail}"))
                break
    if sweep.spec.metrics is not None:
        from negotiation.results.result import run

        known = list(run(sweep.base.with_rounds(1), seed=0).summary)
        for k, name in enumerate(sweep.spec.metrics):
            if name not in known:
                problems.append(Problem(f"metrics[{k}]", f"unknown metric {name!r} ({nearest(name, known)})"))
    if sweep.spec.design.method is Method.SOBOL:
        n = sweep.spec.design.samples
        if n & (n - 1):
            problems.append(Problem("design.samples", f"Sobol sampling needs a power of 2, not {n}"))
        if not sweep.spec.parameters:
            problems.append(Problem("design.method", "a Sobol design needs at least one parameter"))
    return problems
