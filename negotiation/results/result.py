"""A run's results as records: the per-round table, the summary, the story and a manifest."""

from __future__ import annotations

import functools
import platform
from dataclasses import dataclass
from importlib import metadata

from threadpoolctl import threadpool_limits

from negotiation import __version__
from negotiation.game.agreements import AgreementStatus
from negotiation.game.bargaining import initial_analysis, run_metrics
from negotiation.game.model import TradeTalksModel
from negotiation.game.records import LogKind, Record
from negotiation.scenario import Scenario
from negotiation.story import story_markdown
from negotiation.strategies import Strategy


@dataclass(frozen=True)
class RunResult:
    """Everything one run produced; plain data, so it pickles and compares."""

    scenario: Scenario
    seed: int
    rounds: int
    rows: list[dict]
    log: list[Record]
    summary: dict
    manifest: dict
    pairs: tuple[tuple[str, str], ...] = ()  # the pairs that held talks, as in the summary's metric names

    def story(self) -> str:
        return story_markdown(self.scenario, self.log, rounds=self.rounds)


def run(
    scenario: Scenario,
    seed: int = 0,
    rounds: int | None = None,
    strategies: dict[str, Strategy] | None = None,
    source: str | None = None,
    analyse: bool = True,
) -> RunResult:
    """Play a scenario to its last round and collect the results (with the bargaining analysis unless told not to).

    BLAS runs on one thread meanwhile: a run's matrix products are too small to gain from more, and
    the threads' waiting cost CPU (measured: a run took about 0.45 s of CPU with OpenBLAS's threads on
    a busy 2-core machine and 0.25 s without), while batch workers already keep every core busy.
    """
    with threadpool_limits(limits=1, user_api="blas"):
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
    for key, counts in model.counts.items():
        for gov, n in counts.items():
            out[f"{key}_{gov}"] = n
    # -- engagement and domestic politics (issue 11): totals a batch compares (pair contacts count once)
    c = model.counts
    for key in ("state_calls", "state_meetings", "summits", "summits_refused"):
        out[key] = sum(getattr(c, key).values()) // 2
    for key in ("official_moves", "official_moves_refused", "influence_shifts"):
        out[key] = sum(getattr(c, key).values())
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
    versions: dict[str, str | None] = {}
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
