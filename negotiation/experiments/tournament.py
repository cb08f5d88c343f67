"""Tournaments: every pairing of strategies in the first two seats of one or more scenarios.

Each scenario's replicates take their seeds from one SeedSequence tree rooted at the tournament's
seed, and every pairing plays the same seeds (common random numbers), so differences between
pairings are differences of strategy, not of luck. Seat A is the scenario's first government
(the United States in the shipped scenarios), seat B its second; any further government keeps
the strategy its scenario names.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from negotiation.common.errors import InputError
from negotiation.common.jsontext import first_non_finite
from negotiation.results.result import run
from negotiation.scenario import Scenario
from negotiation.strategies import STRATEGIES, make_strategy

RUN_COLUMNS = [
    "scenario", "seat_a", "seat_b", "strategy_a", "strategy_b", "replicate", "seed",
    "agreement_reached", "first_agreement_round", "mean_utility_a", "mean_utility_b",
    "escalations_a", "escalations_b", "violations_a", "violations_b",
    "joint_welfare", "nash_distance", "frontier_distance",
]  # fmt: skip


def replicate_seeds(root: int, scenarios: int, replicates: int) -> list[list[int]]:
    """Seeds for each scenario's replicates, spawned from one SeedSequence tree."""
    tree = np.random.SeedSequence(root)
    return [
        [int(child.generate_state(1, dtype=np.uint32)[0]) for child in branch.spawn(replicates)]
        for branch in tree.spawn(scenarios)
    ]


def play(scenario: Scenario, a: str, b: str, replicate: int, seed: int) -> dict:
    """One run of one pairing; returns its row of the results table."""
    seat_a, seat_b = (g.name for g in scenario.governments[:2])
    result = run(scenario, seed, strategies={seat_a: make_strategy(a, {}), seat_b: make_strategy(b, {})})
    s = result.summary
    bad = first_non_finite(s)
    if bad is not None:  # a mean over such runs would be NaN too: say which run, rather than write it
        raise InputError(scenario.name, f"the run of {a} against {b} with seed {seed} produced a number that is not "
                         f"finite ({bad}): the scenario's numbers are outside what the model can compute with")
    tag = f"{seat_a}_{seat_b}" if (seat_a, seat_b) in result.pairs else f"{seat_b}_{seat_a}"
    return {
        "scenario": scenario.name,
        "seat_a": seat_a,
        "seat_b": seat_b,
        "strategy_a": a,
        "strategy_b": b,
        "replicate": replicate,
        "seed": seed,
        "agreement_reached": s["agreement_reached"],
        "first_agreement_round": s["first_agreement_round"],
        "mean_utility_a": s[f"mean_utility_{seat_a}"],
        "mean_utility_b": s[f"mean_utility_{seat_b}"],
        "escalations_a": s[f"escalations_{seat_a}"],
        "escalations_b": s[f"escalations_{seat_b}"],
        "violations_a": s[f"violations_{seat_a}"],
        "violations_b": s[f"violations_{seat_b}"],
        "joint_welfare": s.get(f"joint_welfare_{tag}"),
        "nash_distance": s.get(f"nash_distance_{tag}"),
        "frontier_distance": s.get(f"frontier_distance_{tag}"),
    }


@dataclass(frozen=True)
class TournamentResult:
    runs: list[dict]
    pairings: list[dict]
    ranking: list[dict]
    strategies: tuple[str, ...]
    scenarios: tuple[Scenario, ...]
    seed: int
    replicates: int


def tournament(
    scenarios: Iterable[Scenario],
    strategies: Iterable[str] | None = None,
    replicates: int = 10,
    seed: int = 1,
    progress: Callable[[Iterable], Iterable] = lambda it: it,
    workers: int = 1,
) -> TournamentResult:
    """Play every pairing of `strategies` (default: all registered) in every scenario.

    With `workers` > 1 the runs share a local process pool; results come back in the jobs' order and each
    run has its own seed, so the tables are the same bytes with one worker or many."""
    scenarios = tuple(scenarios)
    names = tuple(sorted(STRATEGIES) if strategies is None else strategies)
    unknown = [n for n in names if n not in STRATEGIES]
    if unknown:
        raise KeyError(f"unknown strategies: {', '.join(unknown)}")
    seeds = replicate_seeds(seed, len(scenarios), replicates)
    jobs = [
        (s, a, b, r, seeds[k][r])
        for k, s in enumerate(scenarios)
        for a, b in itertools.product(names, names)
        for r in range(replicates)
    ]
    if workers == 1:
        runs = [play(*job) for job in progress(jobs)]
    else:
        runs = in_pool(jobs, workers, progress)
    return TournamentResult(runs, aggregate(runs), rank(runs, names), names, scenarios, seed, replicates)


def _play(job: tuple) -> dict:
    return play(*job)


def in_pool(jobs: list[tuple], workers: int, progress: Callable[[Iterable], Iterable]) -> list[dict]:
    """The runs in a local process pool (as sweeps use), in the jobs' order."""
    import multiprocessing as mp
    import os
    from concurrent.futures import ProcessPoolExecutor

    from negotiation.experiments.runner import exit_with_parent

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["negotiation.experiments.tournament"])
    chunk = max(1, len(jobs) // (8 * workers))
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=exit_with_parent,
                             initargs=(os.getpid(),)) as ex:
        return list(progress(ex.map(_play, jobs, chunksize=chunk)))


def _mean(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _seat_mean(values: list) -> float:
    """The mean of a strategy's utilities in one seat: never empty, as every strategy meets every other,
    itself included, in both seats (`itertools.product` in `tournament`)."""
    mean = _mean(values)
    assert mean is not None, "a strategy without a run in this seat"
    return mean


def aggregate(runs: list[dict]) -> list[dict]:
    """One row per scenario and pairing: means over replicates."""
    groups: dict[tuple, list[dict]] = {}
    for row in runs:
        groups.setdefault((row["scenario"], row["strategy_a"], row["strategy_b"]), []).append(row)
    out = []
    for (scenario, a, b), rows in groups.items():
        agreed = [r for r in rows if r["agreement_reached"]]
        out.append(
            {
                "scenario": scenario,
                "strategy_a": a,
                "strategy_b": b,
                "runs": len(rows),
                "mean_utility_a": _mean([r["mean_utility_a"] for r in rows]),
                "mean_utility_b": _mean([r["mean_utility_b"] for r in rows]),
                "agreement_rate": len(agreed) / len(rows),
                "mean_rounds_to_agreement": _mean([r["first_agreement_round"] for r in agreed]),
                "mean_escalations": _mean([r["escalations_a"] + r["escalations_b"] for r in rows]),
                "mean_joint_welfare": _mean([r["joint_welfare"] for r in rows]),
                "mean_nash_distance": _mean([r["nash_distance"] for r in rows]),
            }
        )
    return out


def rank(runs: list[dict], names: tuple[str, ...]) -> list[dict]:
    """Strategies by their mean utility, averaged over both seats equally (seat advantages cancel)."""
    table = []
    for name in names:
        as_a = [r["mean_utility_a"] for r in runs if r["strategy_a"] == name]
        as_b = [r["mean_utility_b"] for r in runs if r["strategy_b"] == name]
        pooled = as_a + as_b
        mean = (_seat_mean(as_a) + _seat_mean(as_b)) / 2
        # The spread that matters is over opponents (runs against one opponent share seeds and are not
        # independent): each opponent's score against this strategy, both seats averaged, is one value.
        per_opponent = [
            (_seat_mean([r["mean_utility_a"] for r in runs if (r["strategy_a"], r["strategy_b"]) == (name, o)])
             + _seat_mean([r["mean_utility_b"] for r in runs if (r["strategy_a"], r["strategy_b"]) == (o, name)])) / 2
            for o in names
        ]
        sd = math.sqrt(sum((x - mean) ** 2 for x in per_opponent) / max(1, len(per_opponent) - 1))
        mine = [r for r in runs if name in (r["strategy_a"], r["strategy_b"])]
        agreed = [r["first_agreement_round"] for r in mine if r["agreement_reached"]]
        table.append(
            {
                "strategy": name,
                "score": mean,
                "stderr": sd / math.sqrt(len(per_opponent)),
                "utility_seat_a": _mean(as_a),
                "utility_seat_b": _mean(as_b),
                "agreement_rate": sum(r["agreement_reached"] for r in mine) / len(mine),
                "mean_rounds_to_agreement": _mean(agreed),
                "mean_nash_distance": _mean([r["nash_distance"] for r in mine]),
                "escalations_per_run": _mean(
                    [r["escalations_a"] for r in runs if r["strategy_a"] == name]
                    + [r["escalations_b"] for r in runs if r["strategy_b"] == name]
                ),
                "runs": len(pooled),
            }
        )
    table.sort(key=lambda row: (-row["score"], row["strategy"]))
    for k, row in enumerate(table, 1):
        row["rank"] = k
    return table


def ranking_text(result: TournamentResult) -> str:
    lines = [
        f"{'rank':>4}  {'strategy':<24}{'score':>8}{'± se':>8}{'seat A':>9}{'seat B':>9}{'deals':>8}{'rounds':>8}"
        f"{'nash':>7}{'escal.':>8}",
    ]
    fmt = lambda v, spec: format(v, spec) if v is not None else "-"  # noqa: E731
    for row in result.ranking:
        lines.append(
            f"{row['rank']:>4}  {row['strategy']:<24}{row['score']:>8.3f}{row['stderr']:>8.3f}"
            f"{row['utility_seat_a']:>9.3f}{row['utility_seat_b']:>9.3f}{row['agreement_rate']:>8.0%}"
            f"{fmt(row['mean_rounds_to_agreement'], '>8.1f'):>8}{fmt(row['mean_nash_distance'], '>7.3f'):>7}"
            f"{row['escalations_per_run']:>8.2f}"
        )
    return "\n".join(lines)


def heatmap(result: TournamentResult, scenario: Scenario) -> bytes:
    """Two panels: each seat's mean utility for every pairing, with the agreement rate in each cell."""
    from negotiation.common.figures import new_figure, png_bytes

    names = result.strategies
    cells = {(p["strategy_a"], p["strategy_b"]): p for p in result.pairings if p["scenario"] == scenario.name}
    seat_a, seat_b = (g.name for g in scenario.governments[:2])
    fig = new_figure(figsize=(6 + 1.1 * len(names), 0.55 * len(names) + 2.2))
    axes = fig.subplots(1, 2)
    for ax, key, seat in ((axes[0], "mean_utility_a", seat_a), (axes[1], "mean_utility_b", seat_b)):
        grid = np.array([[cells[(a, b)][key] for b in names] for a in names])
        image = ax.imshow(grid, cmap="viridis")
        ax.set_xticks(range(len(names)), names, rotation=45, ha="right", fontsize=8)
        ax.set_yticks(range(len(names)), names, fontsize=8)
        ax.set_xlabel(f"{seat_b}'s strategy")
        ax.set_ylabel(f"{seat_a}'s strategy")
        ax.set_title(f"{seat}'s mean utility")
        for i, a in enumerate(names):
            for j, b in enumerate(names):
                cell = cells[(a, b)]
                dark = grid[i, j] < grid.min() + 0.6 * (grid.max() - grid.min())
                ax.text(j, i, f"{cell[key]:.2f}\n{cell['agreement_rate']:.0%}", ha="center", va="center",
                        fontsize=6.5, color="white" if dark else "black")
        fig.colorbar(image, ax=ax, shrink=0.8)
    fig.suptitle(f"{scenario.title}: {result.replicates} replicates per pairing, seed {result.seed} "
                 f"(cell: mean utility, agreement rate)", fontsize=10)
    fig.tight_layout()
    return png_bytes(fig)
