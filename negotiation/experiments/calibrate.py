"""Calibration: fit scenario parameters to an observed record by ABC-SMC (pyabc).

A calibration file names a scenario, an observed record, the parameters to fit (by the same
paths sweeps use, each with a prior within bounds), the summary statistics and the distance,
and the size of the fit (population, generations). Approximate Bayesian computation by
sequential Monte Carlo (Toni et al. 2009; Klinger, Rickert & Hasenauer 2018 for pyabc) keeps
the parameter values whose simulated statistics come closest to the observed ones, tightening
the tolerance each generation; the last population, with its weights, is the posterior.

- One simulation is one run of the scenario at the proposed values, with a seed derived from
  the values and the calibration's seed: the simulation is a function of its inputs alone.
- pyabc draws its proposals from numpy's global legacy generator; it is seeded once from the
  calibration's seed before each start or resume, so a single-core fit gives the same posterior
  every time. Parallel samplers (local processes, Dask) are not bit-reproducible: the manifest
  records the sampler used.
- The history lives in a SQLite database beside the results: `--resume` continues it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import Field, model_validator

from negotiation.common.errors import InputError, Problem
from negotiation.experiments.backtest import STRESS, observed_series
from negotiation.experiments.observed import ObservedRecord, load_observed
from negotiation.experiments.sweeps import Spec, apply, resolve
from negotiation.scenario import Scenario, load_scenario, parse_scenario, read_yaml, validate_mapping

PATTERNS = (
    "posterior.csv",
    "summary.csv",
    "generations.csv",
    "marginals.png",
    "pairs.png",
    "*.yaml",
    "backtest",
    "backtest-uncalibrated",
    "report.md",
    "manifest.json",
)
MANIFEST = "manifest.json"


class CalibrationError(InputError):
    """A calibration file is malformed or names something its scenario or record does not have."""


class Prior(str, Enum):
    UNIFORM = "uniform"  # flat within the bounds
    NORMAL = "normal"  # a normal (mean, sd) truncated to the bounds


class Statistic(str, Enum):
    LEVELS = "levels"  # every scored round's level of every observed instrument, as a share of its span
    PEAKS = "peaks"  # each observed instrument's peak level in the window, as a share of its span
    STRESS = "stress"  # market stress at the rounds the record has a VIX close for
    AGREEMENT = "agreement"  # the round of the first agreement, as a share of the calendar (1.5 if none)


class DistanceKind(str, Enum):
    EUCLIDEAN = "euclidean"  # p = 2 over all statistics
    MAE = "mae"  # p = 1
    ADAPTIVE = "adaptive"  # p = 2 with each statistic scaled by its spread in each generation (Prangle 2017)


class FitParameter(Spec):
    path: str = Field(min_length=1, description="Where in the scenario, e.g. dynamics.stance_reactivity")
    bounds: tuple[Annotated[float, Field(strict=True)], Annotated[float, Field(strict=True)]]
    prior: Prior = Prior.UNIFORM
    mean: float | None = Field(None, description="normal prior: its mean")
    sd: float | None = Field(None, gt=0, description="normal prior: its standard deviation")

    @model_validator(mode="after")
    def _check(self) -> FitParameter:
        if not self.bounds[0] < self.bounds[1]:
            raise ValueError(f"bounds must rise: {list(self.bounds)}")
        if self.prior is Prior.NORMAL and (self.mean is None or self.sd is None):
            raise ValueError("a normal prior needs mean and sd")
        if self.prior is Prior.UNIFORM and (self.mean is not None or self.sd is not None):
            raise ValueError("mean and sd belong to a normal prior")
        return self


class Distance(Spec):
    kind: DistanceKind = DistanceKind.EUCLIDEAN


class CalibrationSpec(Spec):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")
    description: str = ""
    scenario: str = Field(description="The scenario file, relative to the calibration file.")
    observed: str = Field(description="The observed record, relative to the calibration file.")
    seed: int = Field(1, strict=True, ge=0, le=2**32 - 1)
    parameters: tuple[FitParameter, ...] = Field(min_length=1)
    statistics: tuple[Statistic, ...] = Field((Statistic.LEVELS,), min_length=1)
    distance: Distance = Distance()
    population: int = Field(100, strict=True, ge=5, le=100_000)
    generations: int = Field(5, strict=True, ge=1, le=100)
    min_epsilon: float = Field(0.0, ge=0, description="Stop once the tolerance falls to this.")
    backtest_runs: int = Field(50, strict=True, ge=1, le=100_000, description="Runs of the in-sample back-test.")
    db: str | None = Field(
        None,
        description="SQLite file for the history, relative to the calibration file "
        "(default: beside the results folder).",
    )

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()

    def problem_digest(self) -> str:
        """The fit's problem (what a resumed fit must share): all but how long it runs and what is reported."""
        keep = self.model_dump(mode="json", exclude={"generations", "min_epsilon", "backtest_runs", "description"})
        return hashlib.sha256(json.dumps(keep, sort_keys=True).encode()).hexdigest()


@dataclass
class Calibration:
    spec: CalibrationSpec
    origin: str
    base: Scenario
    base_data: dict
    scenario_path: Path
    record: ObservedRecord
    observed_path: Path
    db_path: Path | None

    def scenario_at(self, values: dict[str, float]) -> Scenario:
        return parse_scenario(apply(self.base_data, values), f"{self.origin} at {values}")


def load_calibration(path: str | Path) -> Calibration:
    origin = str(path)
    spec = validate_mapping(CalibrationSpec, read_yaml(path, CalibrationError), origin, CalibrationError)
    here = Path(path).parent
    scenario_path = (here / spec.scenario).resolve()
    try:
        base = load_scenario(scenario_path)
    except InputError as exc:
        raise CalibrationError(origin, Problem("scenario", exc.render())) from None
    observed_path = (here / spec.observed).resolve()
    try:
        record = load_observed(observed_path, {i.name: (i.min, i.max) for i in base.instruments})
    except InputError as exc:
        raise CalibrationError(origin, Problem("observed", exc.render())) from None
    cal = Calibration(
        spec,
        origin,
        base,
        base.model_dump(mode="json"),
        scenario_path,
        record,
        observed_path,
        (here / spec.db).resolve() if spec.db else None,
    )
    problems = []
    seen = set()
    for i, p in enumerate(spec.parameters):
        if p.path in seen:
            problems.append(Problem(f"parameters[{i}].path", f"{p.path!r} is fitted twice"))
        seen.add(p.path)
        try:
            holder, key = resolve(cal.base_data, p.path)
        except KeyError as exc:
            problems.append(Problem(f"parameters[{i}].path", f"{p.path}: {exc.args[0]}"))
            continue
        if isinstance(holder.get(key), bool) or not isinstance(holder.get(key, 0.0), (int, float)):
            problems.append(Problem(f"parameters[{i}].path", f"{p.path} is not a number, so it cannot be fitted"))
            continue
        for value in p.bounds:
            try:
                cal.scenario_at({p.path: value})
            except InputError as exc:
                detail = "; ".join(str(q) for q in exc.problems)
                problems.append(
                    Problem(f"parameters[{i}].bounds", f"at {p.path} = {value!r} the scenario is invalid: {detail}")
                )
                break
    obs = observed_series(base, record, base.calendar.rounds + 1)
    if Statistic.STRESS in spec.statistics and STRESS not in obs:
        problems.append(Problem("statistics", "'stress' needs vix indicator rows in the observed record"))
    if Statistic.AGREEMENT in spec.statistics and not record.first_event(_agreement()):
        problems.append(Problem("statistics", "'agreement' needs an agreement event in the observed record"))
    if problems:
        raise CalibrationError(origin, problems)
    return cal


def _agreement():
    from negotiation.experiments.observed import EventName

    return EventName.AGREEMENT


# ----------------------------------------------------------------------------- statistics


def _value_at(series: Sequence[float | None], r: int) -> float:
    """A scored round's value: scored rounds are those the series has a value for."""
    value = series[r]
    assert value is not None, f"round {r} is scored but has no value"
    return float(value)


def statistics_of(
    scenario: Scenario,
    levels: Mapping[str, Sequence[float | None]],
    agreement_round: int | None,
    stats: tuple[Statistic, ...],
    scored: dict[str, list[int]],
) -> dict[str, float]:
    """The summary statistics, flat (name -> number), from a series per instrument (and stress)."""
    out: dict[str, float] = {}
    for name, rounds in scored.items():
        if name == STRESS:
            continue
        spec = scenario.instrument(name)
        span = float(spec.max - spec.min) or 1.0
        if Statistic.LEVELS in stats:
            for r in rounds:
                out[f"level:{name}:{r}"] = (_value_at(levels[name], r) - spec.min) / span
        if Statistic.PEAKS in stats:
            out[f"peak:{name}"] = (max(_value_at(levels[name], r) for r in rounds) - spec.min) / span
    if Statistic.STRESS in stats and STRESS in scored:
        for r in scored[STRESS]:
            out[f"stress:{r}"] = _value_at(levels[STRESS], r)
    if Statistic.AGREEMENT in stats:
        n = scenario.calendar.rounds
        out["agreement"] = (agreement_round / n) if agreement_round is not None else 1.5
    return out


def scored_rounds(obs: dict[str, list[float | None]]) -> dict[str, list[int]]:
    return {name: [r for r, v in enumerate(series) if r >= 1 and v is not None] for name, series in obs.items()}


def observed_statistics(cal: Calibration) -> dict[str, float]:
    rows = cal.base.calendar.rounds + 1
    obs = observed_series(cal.base, cal.record, rows)
    day = cal.record.first_event(_agreement())
    agreement = cal.base.round_of(day) if day is not None else None
    return statistics_of(cal.base, obs, agreement, cal.spec.statistics, scored_rounds(obs))


def simulation_seed(root: int, values: dict[str, float]) -> int:
    """A seed from the proposed values and the calibration's seed: a simulation depends on its inputs alone."""
    text = json.dumps({k: round(float(v), 12) for k, v in sorted(values.items())}) + f"|{root}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


class Simulator:
    """pyabc's model: proposed values -> the run's summary statistics (picklable, for worker processes)."""

    def __init__(self, cal: Calibration):
        self.base_data = cal.base_data
        self.origin = cal.origin
        self.stats = cal.spec.statistics
        self.seed = cal.spec.seed
        self.paths = [p.path for p in cal.spec.parameters]
        self.keys = {p.path: key_of(p.path) for p in cal.spec.parameters}
        obs = observed_series(cal.base, cal.record, cal.base.calendar.rounds + 1)
        self.scored = scored_rounds(obs)

    def __call__(self, parameters) -> dict[str, float]:
        from negotiation.experiments.backtest import trace_run

        values = {path: float(parameters[self.keys[path]]) for path in self.paths}
        scenario = parse_scenario(apply(self.base_data, values), f"{self.origin} at {values}")
        trace = trace_run(scenario, simulation_seed(self.seed, values))
        levels = {k: list(v) for k, v in trace.levels.items()}
        return statistics_of(scenario, levels, trace.first_agreement, self.stats, self.scored)


def key_of(path: str) -> str:
    """A parameter's name inside pyabc (its database columns take plain names)."""
    return "p_" + "".join(ch if ch.isalnum() else "_" for ch in path)


# ----------------------------------------------------------------------------- fitting


@dataclass
class CalibrationResult:
    text: str
    scenario_file: Path
    db: Path
    posterior: list[dict]


def _prior(cal: Calibration):
    import pyabc
    from scipy import stats

    rvs = {}
    for p in cal.spec.parameters:
        lo, hi = p.bounds
        if p.prior is Prior.UNIFORM:
            rvs[key_of(p.path)] = pyabc.RV("uniform", lo, hi - lo)
        else:
            assert p.mean is not None and p.sd is not None  # the spec's validator requires both for a normal prior
            a, b = (lo - p.mean) / p.sd, (hi - p.mean) / p.sd
            stats.truncnorm(a, b, loc=p.mean, scale=p.sd)  # checks the arguments here, not in a worker
            rvs[key_of(p.path)] = pyabc.RV("truncnorm", a, b, loc=p.mean, scale=p.sd)
    return pyabc.Distribution(**rvs)


def _distance(cal: Calibration):
    import pyabc

    kind = cal.spec.distance.kind
    if kind is DistanceKind.MAE:
        return pyabc.PNormDistance(p=1)
    if kind is DistanceKind.ADAPTIVE:
        return pyabc.AdaptivePNormDistance(p=2)
    return pyabc.PNormDistance(p=2)


def _sampler(workers: int, scheduler: str | None):
    import pyabc

    if scheduler:
        from distributed import Client

        return pyabc.sampler.DaskDistributedSampler(dask_client=Client(scheduler)), f"dask ({scheduler})"
    if workers > 1:
        return pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers), f"local, {workers} processes"
    return pyabc.sampler.SingleCoreSampler(), "single core"


def fit(cal: Calibration, db: Path, workers: int = 1, scheduler: str | None = None, resume: bool = False, echo=print):
    """Run (or continue) ABC-SMC; return pyabc's History."""
    import pyabc

    sidecar = db.with_name(db.name + ".json")
    progress = logging.getLogger("ABC")  # pyabc prints each generation's tolerance and acceptance rate there
    old_level = progress.level
    progress.setLevel(logging.INFO)
    try:
        sampler, sampler_name = _sampler(workers, scheduler)
        # pyabc proposes from numpy's global generator: seed it, so a single-core fit repeats exactly.
        np.random.seed(cal.spec.seed)
        abc = pyabc.ABCSMC(
            Simulator(cal), _prior(cal), _distance(cal), population_size=cal.spec.population, sampler=sampler
        )
        url = f"sqlite:///{db}"
        if resume:
            if not db.exists() or not sidecar.exists():
                raise CalibrationError(cal.origin, f"--resume: no calibration database at {db} to continue")
            stored = json.loads(sidecar.read_text())
            if stored.get("problem") != cal.spec.problem_digest():
                raise CalibrationError(
                    cal.origin, f"--resume: {db} holds a calibration of another spec; start afresh with --force"
                )
            history = pyabc.History(url)
            done = history.max_t + 1
            left = cal.spec.generations - done
            np.random.seed(cal.spec.seed + done)
            abc.load(url, history.id)
            echo(f"resuming {db}: {done} generation(s) done, {max(left, 0)} to go")
        else:
            if db.exists():
                db.unlink()
            sidecar.write_text(json.dumps({"problem": cal.spec.problem_digest(), "sampler": sampler_name}) + "\n")
            abc.new(url, observed_statistics(cal))
            left = cal.spec.generations
        if left > 0:
            abc.run(max_nr_populations=left, minimum_epsilon=cal.spec.min_epsilon)
        return abc.history, sampler_name
    finally:
        progress.setLevel(old_level)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    cum = np.cumsum(w) - 0.5 * w
    cum /= w.sum()
    return float(np.interp(q, cum, v))


def posterior_summary(cal: Calibration, frame, weights: np.ndarray) -> list[dict]:
    out = []
    for p in cal.spec.parameters:
        v = frame[key_of(p.path)].to_numpy(dtype=float)
        mean = float(np.sum(v * weights) / weights.sum())
        sd = float(np.sqrt(np.sum(weights * (v - mean) ** 2) / weights.sum()))
        out.append(
            {
                "path": p.path,
                "prior": p.prior.value,
                "low": p.bounds[0],
                "high": p.bounds[1],
                "base_value": float(resolve_value(cal.base_data, p.path)),
                "mean": mean,
                "sd": sd,
                "q05": weighted_quantile(v, weights, 0.05),
                "median": weighted_quantile(v, weights, 0.5),
                "q95": weighted_quantile(v, weights, 0.95),
            }
        )
    return out


def resolve_value(data: dict, path: str) -> Any:
    holder, key = resolve(data, path)
    return holder[key]


def calibrated_data(cal: Calibration, summary: list[dict], manifest_path: str) -> dict:
    """The base scenario with each fitted value set to its posterior median, its basis citing the calibration."""
    import copy

    data = copy.deepcopy(cal.base_data)
    data["name"] = f"{cal.base.name}_calibrated"
    data["title"] = f"{cal.base.title} (calibrated: {cal.spec.name})"
    data["sources"] = [
        *data["sources"],
        {
            "id": "calibration",
            "title": f"ABC-SMC calibration {cal.spec.name!r} against {cal.observed_path.name} (its manifest)",
            "location": manifest_path,
        },
    ]
    for s in summary:
        value = round(s["median"], 4)
        holder, key = resolve(data, s["path"])
        holder[key] = value
        owner, rest = basis_owner(data, s["path"])
        owner.setdefault("basis", {})[rest] = (
            f"calibration: posterior median {value:g} (90% interval {s['q05']:.3g}-{s['q95']:.3g}, prior "
            f"{s['prior']} on {s['low']:g}-{s['high']:g}, was {s['base_value']:g}); see {manifest_path}"
        )
    return data


def basis_owner(data: dict, path: str) -> tuple[dict, str]:
    """The deepest mapping on `path` that holds a basis, and the rest of the path (its basis key)."""
    import re

    seg = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]+)\])?$")
    parts = path.split(".")
    node: Any = data
    owner, start = data, 0
    for k, part in enumerate(parts[:-1]):
        m = seg.match(part)
        assert m is not None, f"bad segment {part!r}"  # the caller's resolve() already accepted this path
        key, selector = m.groups()
        node = node[key]
        if selector is not None:
            node = (
                next(item for item in node if str(item.get("name", item.get("id"))) == selector)
                if not selector.isdigit()
                else node[int(selector)]
            )
        if isinstance(node, dict) and "basis" in node:
            owner, start = node, k + 1
        elif selector is not None:
            owner, start = node, k + 1  # a named item without a basis yet gets one
    rest = ".".join(p.split("[")[0] for p in parts[start:])
    return owner, rest


def calibrate(
    cal: Calibration,
    out: Path,
    workers: int = 1,
    scheduler: str | None = None,
    resume: bool = False,
    force: bool = False,
    echo=print,
) -> CalibrationResult:
    """Fit, then write the posterior, its plots, the calibrated scenario, its in-sample back-test and a report."""
    import importlib.util

    import yaml

    from negotiation.common.files import check_target, result_folder, write_atomic
    from negotiation.common.jsontext import dumps
    from negotiation.experiments.backtest import backtest, report_text, write_backtest
    from negotiation.results import manifest as run_manifest
    from negotiation.results import rows_to_csv

    if importlib.util.find_spec("pyabc") is None:
        raise CalibrationError(cal.origin, "calibration needs pyabc: pip install -e '.[calibrate]'")
    out = Path(out)
    what = "a calibration's results"
    check_target(out, force or resume, what, PATTERNS)
    db = cal.db_path or out.parent / f"{out.name}.db"
    if db.exists() and not (resume or force):
        raise CalibrationError(
            str(db), "a calibration database is already there: add --resume to continue it or --force to start afresh"
        )
    db.parent.mkdir(parents=True, exist_ok=True)
    echo(
        f"{cal.spec.name}: ABC-SMC, {len(cal.spec.parameters)} parameter(s), population {cal.spec.population}, "
        f"{cal.spec.generations} generation(s); database {db}"
    )
    history, sampler_name = fit(cal, db, workers, scheduler, resume, echo)
    frame, w = history.get_distribution(m=0, t=history.max_t)
    weights = np.asarray(w, dtype=float)
    summary = posterior_summary(cal, frame, weights)
    pops = history.get_all_populations()
    generations = [
        {"generation": int(r.t), "epsilon": float(r.epsilon), "samples": int(r.samples)}
        for r in pops.itertuples()
        if r.t >= 0
    ]
    posterior = [
        {**{p.path: float(frame[key_of(p.path)].iloc[i]) for p in cal.spec.parameters}, "weight": float(weights[i])}
        for i in range(len(weights))
    ]
    manifest_rel = f"{out.name}/manifest.json"
    data = calibrated_data(cal, summary, str(out / MANIFEST))
    calibrated = parse_scenario(data, f"calibrated copy of {cal.scenario_path}")
    echo(f"in-sample back-test of the calibrated scenario and of the base one ({cal.spec.backtest_runs} runs each)")
    bt_cal = backtest(calibrated, cal.record, cal.spec.backtest_runs, cal.spec.seed, workers)
    bt_base = backtest(cal.base, cal.record, cal.spec.backtest_runs, cal.spec.seed, workers)
    text = report(cal, summary, generations, bt_cal, bt_base, sampler_name)
    import pyabc

    info = {
        "kind": "calibration",
        "name": cal.spec.name,
        "spec_file": str(Path(cal.origin).resolve()),
        "spec_hash": cal.spec.digest(),
        "seed": cal.spec.seed,
        "sampler": sampler_name,
        "reproducible": sampler_name == "single core",
        "pyabc": pyabc.__version__,
        "database": str(db),
        "scenario": run_manifest(cal.base, cal.spec.seed, cal.base.calendar.rounds, source=str(cal.scenario_path)),
        "observed_file": str(cal.observed_path),
        "observed_hash": cal.record.digest(),
        "generations": generations,
        "posterior": summary,
        "calibrated_scenario_hash": calibrated.digest(),
        "manifest": manifest_rel,
    }
    scenario_name = f"{calibrated.name}.yaml"
    with result_folder(out, force=True, what=what, patterns=PATTERNS, marker=MANIFEST) as tmp:
        write_atomic(tmp / "posterior.csv", rows_to_csv(posterior))
        write_atomic(tmp / "summary.csv", rows_to_csv(summary))
        write_atomic(tmp / "generations.csv", rows_to_csv(generations))
        write_atomic(tmp / "marginals.png", marginals_plot(cal, frame, weights))
        if len(cal.spec.parameters) > 1:
            write_atomic(tmp / "pairs.png", pairs_plot(cal, frame, weights))
        header = (
            f"# A calibrated copy of {cal.scenario_path.name}, written by `python run.py calibrate` "
            f"({cal.spec.name}); fitted values cite the calibration's manifest in their basis.\n"
        )
        write_atomic(tmp / scenario_name, header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120))
        write_backtest(bt_cal, tmp / "backtest", True, str(out / scenario_name), str(cal.observed_path))
        write_backtest(bt_base, tmp / "backtest-uncalibrated", True, str(cal.scenario_path), str(cal.observed_path))
        write_atomic(tmp / "report.md", text)
        write_atomic(tmp / MANIFEST, dumps(info, indent=2) + "\n")
    _ = report_text  # the back-test folders carry their own reports
    return CalibrationResult(text, out / scenario_name, db, summary)


def report(cal, summary, generations, bt_cal, bt_base, sampler_name) -> str:
    lines = [
        f"# Calibration {cal.spec.name}",
        "",
        f"ABC-SMC (pyabc) of {cal.scenario_path.name} against {cal.observed_path.name}: population "
        f"{cal.spec.population}, {len(generations)} generation(s), distance {cal.spec.distance.kind.value} over "
        f"{', '.join(s.value for s in cal.spec.statistics)}; sampler {sampler_name}, seed {cal.spec.seed}.",
        "",
        "| parameter | prior | was | posterior median | 90% interval |",
        "|---|---|---:|---:|---|",
    ]
    for s in summary:
        lines.append(
            f"| `{s['path']}` | {s['prior']} {s['low']:g}-{s['high']:g} | {s['base_value']:g} | "
            f"{s['median']:.4g} | {s['q05']:.4g}-{s['q95']:.4g} |"
        )
    lines += [
        "",
        "Tolerance by generation: " + ", ".join(f"{g['epsilon']:.4g}" for g in generations) + ".",
        "",
        "## In-sample fit",
        "",
        "| series | MAE calibrated | MAE uncalibrated | persistence | coverage calibrated | coverage uncalibrated |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    from negotiation.experiments.backtest import label_of

    for a in bt_cal.scores:
        b = bt_base.score_of(a["series"])
        lines.append(
            f"| {label_of(cal.base, a['series'])} | {a['mae']:.2f} | {b['mae']:.2f} | {a['mae_persistence']:.2f} | "
            f"{a['coverage_5_95']:.0%} | {b['coverage_5_95']:.0%} |"
        )
    lines += [
        "",
        "In-sample: the record that fitted the values also scores them. `backtest/` and "
        "`backtest-uncalibrated/` hold the full back-tests.",
        "",
    ]
    return "\n".join(lines)


def marginals_plot(cal: Calibration, frame, weights: np.ndarray) -> bytes:
    from negotiation.common.figures import new_figure, png_bytes

    params = cal.spec.parameters
    fig = new_figure(figsize=(3.6 * len(params), 3.0))
    axes = np.atleast_1d(fig.subplots(1, len(params), squeeze=False)).ravel()
    for ax, p in zip(axes, params, strict=True):
        v = frame[key_of(p.path)].to_numpy(dtype=float)
        ax.hist(v, bins=20, range=p.bounds, weights=weights, density=True, color="tab:blue", alpha=0.7)
        ax.axvline(float(resolve_value(cal.base_data, p.path)), color="grey", ls="--", label="was")
        ax.set_title(p.path, fontsize=8)
        ax.set_xlim(*p.bounds)
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    return png_bytes(fig)


def pairs_plot(cal: Calibration, frame, weights: np.ndarray) -> bytes:
    from negotiation.common.figures import new_figure, png_bytes

    params = cal.spec.parameters
    n = len(params)
    fig = new_figure(figsize=(2.6 * n, 2.6 * n))
    axes = fig.subplots(n, n, squeeze=False)
    for i, pi in enumerate(params):
        for j, pj in enumerate(params):
            ax = axes[i][j]
            vi = frame[key_of(pi.path)].to_numpy(dtype=float)
            vj = frame[key_of(pj.path)].to_numpy(dtype=float)
            if i == j:
                ax.hist(vi, bins=15, range=pi.bounds, weights=weights, color="tab:blue", alpha=0.7)
            else:
                ax.scatter(vj, vi, s=6 + 300 * weights / weights.max() / max(len(weights), 1), alpha=0.5)
                ax.set_xlim(*pj.bounds)
                ax.set_ylim(*pi.bounds)
            if i == n - 1:
                ax.set_xlabel(pj.path, fontsize=7)
            if j == 0:
                ax.set_ylabel(pi.path, fontsize=7)
            ax.tick_params(labelsize=6)
    fig.tight_layout()
    return png_bytes(fig)
