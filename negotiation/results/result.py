"""A run's results as records: the per-round table, the summary, the story and a manifest."""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import platform
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from negotiation import __version__
from negotiation.story import render as narrative
from negotiation.game.bargaining import initial_analysis, run_metrics
from negotiation.game.agreements import AgreementStatus
from negotiation.game.model import TradeTalksModel
from negotiation.game.records import LogEntry, LogKind
from negotiation.scenario import Scenario
from negotiation.strategies import Strategy


@dataclass(frozen=True)
class RunResult:
    """Everything one run produced; plain data, so it pickles and compares."""

    scenario: Scenario
    seed: int
    rounds: int
    rows: list[dict]
    log: list[LogEntry]
    summary: dict
    manifest: dict
    pairs: tuple[tuple[str, str], ...] = ()  # the pairs that held talks, as in the summary's metric names

    def story(self) -> str:
        return narrative.render(self.scenario, self.log)


def run(
    scenario: Scenario,
    seed: int = 0,
    rounds: int | None = None,
    strategies: dict[str, Strategy] | None = None,
    source: str | None = None,
    analyse: bool = True,
) -> RunResult:
    """Play a scenario to its last round and collect the results (with the bargaining analysis unless told not to)."""
    model = TradeTalksModel(scenario, seed, rounds=rounds, strategies=strategies)
    analyses = {t.pair: initial_analysis(model, *t.pair) for t in model.talks.values()} if analyse else {}
    model.run()
    return RunResult(
        scenario=scenario,
        seed=model.seed,
        rounds=model.rounds,
        rows=model.rows,
        log=model.log,
        summary={**summarise(model), **run_metrics(model, analyses)},
        manifest=manifest(scenario, model.seed, model.rounds, model, source),
        pairs=tuple(analyses),
    )


def summarise(model: TradeTalksModel) -> dict:
    """The per-run summary: one flat record, ready to be a row of a batch table."""
    s = model.config
    rows = model.rows
    signed = [a for a in model.agreements if a.signed_round >= 1]
    out: dict = {
        "scenario": s.name,
        "seed": model.seed,
        "rounds": model.rounds,
        "agreement_reached": bool(signed),
        "first_agreement_round": signed[0].signed_round if signed else None,
        "agreements_signed": len(signed),
        "lapses": sum(1 for e in model.log if e.kind is LogKind.EXPIRY and e.data.get("snap_back")),
        "agreements_broken": sum(1 for a in model.agreements if a.status is AgreementStatus.BROKEN),
        "agreement_in_force_at_end": rows[-1]["agreements_in_force"] > 0,
    }
    for key in ("escalations", "de_escalations", "violations", "detected"):
        for gov, n in model.counts[key].items():
            out[f"{key}_{gov}"] = n
    for name in model.inst_names:
        series = [r[f"level_{name}"] for r in rows]
        out[f"initial_{name}"] = series[0]
        out[f"peak_{name}"] = max(series)
        out[f"final_{name}"] = series[-1]
    stress = [r["market_stress"] for r in rows]
    out["peak_market_stress"] = max(stress)
    out["final_market_stress"] = stress[-1]
    for gov in model.gov_names:
        series = [r[f"utility_{gov}"] for r in rows[1:]] or [rows[0][f"utility_{gov}"]]
        out[f"final_utility_{gov}"] = series[-1]
        out[f"mean_utility_{gov}"] = sum(series) / len(series)
        out[f"final_balance_{gov}"] = rows[-1][f"balance_{gov}"]
    for key in rows[-1]:
        if key.startswith("trust_"):
            out[f"final_{key}"] = rows[-1][key]
    return out


@functools.cache
def _versions() -> dict:
    """The core dependencies' versions (looked up once a process: each look-up reads package metadata)."""
    versions = {}
    for dist in ("mesa", "numpy", "pydantic", "pyyaml"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return versions


def manifest(scenario: Scenario, seed: int, rounds: int, model: TradeTalksModel | None = None, source: str | None = None) -> dict:
    """What produced a result: enough to reproduce it."""
    versions = dict(_versions())
    out = {
        "package": "negotiation",
        "version": __version__,
        "scenario": scenario.name,
        "scenario_hash": scenario.digest(),
        "scenario_file": source,
        "seed": seed,
        "rounds": rounds,
        "python": platform.python_version(),
        "dependencies": versions,
    }
    if model is not None:
        out["strategies"] = {name: repr(g.strategy) for name, g in model.governments.items()}
    return out


# ----------------------------------------------------------------------------- writing


def rows_to_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (repr(v) if isinstance(v, float) else v) for k, v in row.items()})
    return buf.getvalue()


def log_to_csv(log: list[LogEntry], scenario: Scenario) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["round", "date", "kind", "actor", "text", "data"])
    for e in log:
        data = json.dumps(e.data, sort_keys=True, default=str) if e.data else ""
        writer.writerow([e.round, scenario.date_of(max(e.round, 1)).isoformat(), e.kind.value, e.actor or "", e.text, data])
    return buf.getvalue()

from negotiation.common.files import write_atomic  # noqa: E402  (re-exported)


def write_run(result: RunResult, out_dir: str | Path, plot: bool = True) -> Path:
    """Write a run's files into `out_dir` and return the folder."""
    out = Path(out_dir)
    write_atomic(out / "rounds.csv", rows_to_csv(result.rows))
    write_atomic(out / "log.csv", log_to_csv(result.log, result.scenario))
    write_atomic(out / "story.md", result.story())
    write_atomic(out / "summary.json", json.dumps(result.summary, indent=2) + "\n")
    write_atomic(out / "manifest.json", json.dumps(result.manifest, indent=2) + "\n")
    if plot:
        from negotiation.results.plots import plot_run

        write_atomic(out / "run.png", plot_run(result))
    else:
        (out / "run.png").unlink(missing_ok=True)  # a picture of an earlier run would mislead
    return out
