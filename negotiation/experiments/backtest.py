"""Back-testing: play an ensemble of a scenario and score it against an observed record.

For each instrument the record holds levels of, every round's ensemble is compared with the
level observed at the end of that round:

- the mean absolute error (over runs and rounds), beside two naive forecasts: *persistence*
  (the start level holds) and *inputs only* (the start level changed only by the scenario's
  scheduled `set_level` events, i.e. what the game would show if no government ever acted);
- the ensemble as a forecast: the share of rounds whose observed level lies in the ensemble's
  5-95% band, and the continuous ranked probability score (CRPS, Gneiting & Raftery 2007; for an
  ensemble x_1..x_m and an outcome y, mean|x_i - y| - 1/(2m^2) sum|x_i - x_j|; for a point
  forecast it is the absolute error), each beside persistence's;
- the timing of events: the first agreement, each government's first escalation, the first
  extension, against the observed dates.

Runs are seeded from the same SeedSequence tree as `batch`, played in order (in worker
processes if asked) and collected in seed order: the same scenario, record, runs and seed give
the same files whatever the number of workers.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from negotiation.experiments.observed import EventName, ObservedError, ObservedRecord
from negotiation.scenario import Scenario

# The scenarios' stress scale (june_2025_call, economy.basis.stress): market stress = VIX / 60.
VIX_TO_STRESS = 1 / 60
STRESS = "market_stress"
PATTERNS = ("scores.csv", "rounds.csv", "timing.csv", "backtest.png", "report.md", "manifest.json")
MANIFEST = "manifest.json"


# ----------------------------------------------------------------------------- one run, reduced


@dataclass(frozen=True)
class RunTrace:
    """What a back-test keeps of one run: the levels per round and when things first happened."""

    seed: int
    levels: dict[str, tuple[float, ...]]  # instrument (and market_stress) -> value per row, row 0 the start
    first_agreement: int | None
    first_escalation: dict[str, int | None]  # government -> round
    first_extension: int | None


def trace_run(scenario: Scenario, seed: int) -> RunTrace:
    """Play one run and keep its trace (a top-level function, so worker processes can run it)."""
    from negotiation.game.records import Acted, Extended, Signed, ThreatCarriedOut
    from negotiation.results.result import run

    result = run(scenario, seed=seed, analyse=False)
    names = [i.name for i in scenario.instruments]
    levels = {n: tuple(float(r[f"level_{n}"]) for r in result.rows) for n in names}
    levels[STRESS] = tuple(float(r[STRESS]) for r in result.rows)
    agreement = next((e.round for e in result.log if isinstance(e, Signed) and e.extends is None), None)
    extension = next(
        (e.round for e in result.log if isinstance(e, Extended) or (isinstance(e, Signed) and e.extends is not None)),
        None,
    )
    escalation: dict[str, int | None] = {g.name: None for g in scenario.governments}
    for e in result.log:
        rises = (isinstance(e, Acted) and e.escalate) or (
            isinstance(e, ThreatCarriedOut) and e.change.after > e.change.before
        )
        if rises and e.actor in escalation and escalation[e.actor] is None:
            escalation[e.actor] = e.round
    return RunTrace(seed, levels, agreement, escalation, extension)


def replicate_seeds(root: int, runs: int) -> list[int]:
    from negotiation.experiments.runner import replicate_seeds as seeds

    return seeds(root, runs)


def play_ensemble(scenario: Scenario, runs: int, seed: int, workers: int = 1, progress=None) -> list[RunTrace]:
    """`runs` replicates, seeded like `batch`, in seed order whatever the number of workers."""
    seeds = replicate_seeds(seed, runs)
    wrap = progress or (lambda it: it)
    if workers <= 1 or runs == 1:
        return [trace_run(scenario, s) for s in wrap(seeds)]
    import multiprocessing as mp
    import os

    from negotiation.experiments.runner import exit_with_parent

    ctx = mp.get_context("forkserver")  # as the sweep pool: no forked threads, workers die with this process
    ctx.set_forkserver_preload(["negotiation.experiments.backtest", "negotiation.results"])
    with ProcessPoolExecutor(
        max_workers=min(workers, runs), mp_context=ctx, initializer=exit_with_parent, initargs=(os.getpid(),)
    ) as pool:
        return list(wrap(pool.map(trace_run, [scenario] * runs, seeds, chunksize=max(1, runs // (4 * workers)))))


# ----------------------------------------------------------------------------- scores


def crps_ensemble(members: np.ndarray, outcome: float) -> float:
    """The CRPS of an ensemble forecast for one outcome (Gneiting & Raftery 2007, eq. 21)."""
    x = np.asarray(members, dtype=float)
    return float(np.mean(np.abs(x - outcome)) - 0.5 * np.mean(np.abs(x[:, None] - x[None, :])))


def band(members: np.ndarray, low: float = 5, high: float = 95) -> tuple[float, float]:
    """The ensemble's central band (linear-interpolated percentiles)."""
    lo, hi = np.percentile(np.asarray(members, dtype=float), [low, high])
    return float(lo), float(hi)


def in_band(members: np.ndarray, outcome: float, low: float = 5, high: float = 95) -> bool:
    lo, hi = band(members, low, high)
    return lo - 1e-9 <= outcome <= hi + 1e-9


def row_day(scenario: Scenario, row: int) -> dt.date:
    """The day a row's state describes: the start for row 0, else the last day of its round."""
    if row == 0:
        return scenario.calendar.start
    return scenario.date_of(row) + dt.timedelta(days=scenario.calendar.round_days - 1)


def observed_series(scenario: Scenario, record: ObservedRecord, rows: int) -> dict[str, list[float | None]]:
    """Per scored series, the observed value at each row (None where the record says nothing)."""
    out: dict[str, list[float | None]] = {}
    names = {i.name for i in scenario.instruments}
    for name in record.instruments():
        if name in names:
            out[name] = [record.level_on(name, row_day(scenario, r)) for r in range(rows)]
    vix = record.indicator("vix")
    if vix:
        series: list[float | None] = [None] * rows
        for day, value in vix:
            r = 0 if day <= scenario.calendar.start else scenario.round_of(day)
            if 0 <= r < rows:
                series[r] = value * VIX_TO_STRESS  # the last observation in a round stands for it
        out[STRESS] = series
    return out


def inputs_only(scenario: Scenario, name: str, rows: int) -> list[float]:
    """An instrument's level if only the scenario's scheduled set_level events moved it."""
    from negotiation.scenario.vocabulary import EventKind

    level = float(scenario.instrument(name).initial) if name != STRESS else float(scenario.economy.stress.initial)
    moves = {}
    for e in scenario.events:
        if e.kind is EventKind.SET_LEVEL and e.instrument == name:
            moves[scenario.event_round(e)] = float(e.level)
    series = []
    for r in range(rows):
        level = moves.get(r, level)
        series.append(level)
    return series


@dataclass
class Backtest:
    scenario: Scenario
    record: ObservedRecord
    runs: int
    seed: int
    traces: list[RunTrace]
    observed: dict[str, list[float | None]] = field(default_factory=dict)
    scores: list[dict] = field(default_factory=list)
    rounds: list[dict] = field(default_factory=list)
    timing: list[dict] = field(default_factory=list)

    def score_of(self, series: str) -> dict:
        return next(s for s in self.scores if s["series"] == series)


def backtest(
    scenario: Scenario, record: ObservedRecord, runs: int, seed: int = 1, workers: int = 1, progress=None
) -> Backtest:
    """Play the ensemble and score it (see the module's docstring)."""
    _check_overlap(scenario, record)
    traces = play_ensemble(scenario, runs, seed, workers, progress)
    return score(scenario, record, traces, seed)


def _check_overlap(scenario: Scenario, record: ObservedRecord) -> None:
    names = {i.name for i in scenario.instruments}
    if not [n for n in record.instruments() if n in names]:
        raise ObservedError(
            record.origin,
            f"no level row names an instrument of {scenario.name} ({', '.join(sorted(names))}): nothing to score",
        )
    last = row_day(scenario, scenario.calendar.rounds)
    if last < record.first_day or scenario.calendar.start > record.last_day:
        raise ObservedError(
            record.origin,
            f"the record ({record.first_day} to {record.last_day}) does not cover "
            f"the scenario's calendar ({scenario.calendar.start} to {last})",
        )


def score(scenario: Scenario, record: ObservedRecord, traces: list[RunTrace], seed: int) -> Backtest:
    rows = len(traces[0].levels[STRESS])
    bt = Backtest(scenario, record, len(traces), seed, traces, observed_series(scenario, record, rows))
    for name, obs in bt.observed.items():
        ens = np.array([t.levels[name] for t in traces])  # runs x rows
        start = obs[0] if obs[0] is not None else float(ens[0, 0])
        naive = inputs_only(scenario, name, rows)
        acc: dict[str, list[float]] = {k: [] for k in ("model", "persistence", "inputs", "crps", "crps_p", "cover", "cover_p")}
        for r in range(1, rows):
            y = obs[r]
            if y is None:
                continue
            x = ens[:, r]
            lo, hi = band(x)
            med = float(np.median(x))
            in_band = lo - 1e-9 <= y <= hi + 1e-9
            abs_error = float(np.mean(np.abs(x - y)))
            persistence = abs(start - y)
            inputs = abs(naive[r] - y)
            crps = crps_ensemble(x, y)
            bt.rounds.append(
                {
                    "series": name,
                    "round": r,
                    "date": row_day(scenario, r).isoformat(),
                    "observed": y,
                    "p5": lo,
                    "median": med,
                    "p95": hi,
                    "in_band": in_band,
                    "abs_error": abs_error,
                    "abs_error_persistence": persistence,
                    "abs_error_inputs_only": inputs,
                    "crps": crps,
                    "crps_persistence": persistence,
                }
            )
            acc["model"].append(abs_error)
            acc["persistence"].append(persistence)
            acc["inputs"].append(inputs)
            acc["crps"].append(crps)
            acc["crps_p"].append(persistence)
            acc["cover"].append(in_band)
            acc["cover_p"].append(abs(start - y) < 1e-9)
        if not acc["model"]:
            continue
        bt.scores.append(
            {
                "series": name,
                "rounds_scored": len(acc["model"]),
                "mae": float(np.mean(acc["model"])),
                "mae_persistence": float(np.mean(acc["persistence"])),
                "mae_inputs_only": float(np.mean(acc["inputs"])),
                "coverage_5_95": float(np.mean(acc["cover"])),
                "coverage_persistence": float(np.mean(acc["cover_p"])),
                "crps": float(np.mean(acc["crps"])),
                "crps_persistence": float(np.mean(acc["crps_p"])),
            }
        )
    bt.timing = timing(scenario, record, traces)
    return bt


def own_escalation(scenario: Scenario, record: ObservedRecord, government: str) -> dt.date | None:
    """The first day the record shows `government` escalating beyond the scenario's scheduled decrees.

    Scheduled decrees are inputs, not answers the game could give: an escalation counts as the
    government's own if its instrument's observed level rises above what the decrees alone give, or
    if it is an escalation event on a day the government has no scheduled decree.
    """
    from negotiation.scenario.vocabulary import EventKind

    decrees = [e for e in scenario.events if e.kind is EventKind.SET_LEVEL and e.date is not None]
    decree_days = {e.date for e in decrees if scenario.instrument(e.instrument).imposer == government}
    days = [e.date for e in record.events(EventName.ESCALATION, government) if e.date not in decree_days]
    for spec in scenario.instruments:
        if spec.imposer != government:
            continue
        for day, level in record.levels(spec.name):
            scheduled = [e for e in decrees if e.instrument == spec.name and e.date is not None and e.date <= day]
            expected = float(scheduled[-1].level) if scheduled else float(spec.initial)
            if level > expected + 1e-9:
                days.append(day)
                break
    days = [d for d in days if d >= scenario.calendar.start]
    return min(days) if days else None


def timing(scenario: Scenario, record: ObservedRecord, traces: list[RunTrace]) -> list[dict]:
    """First agreement, first escalation of each government, first extension: observed against the ensemble."""
    last = scenario.calendar.rounds

    def observed_round(day: dt.date | None) -> int | None:
        if day is None or day < scenario.calendar.start or scenario.round_of(day) > last:
            return None
        return scenario.round_of(day)

    items = [("first agreement", record.first_event(EventName.AGREEMENT), [t.first_agreement for t in traces])]
    for g in scenario.governments:
        items.append(
            (
                f"first escalation by {g.name} beyond the scheduled inputs",
                own_escalation(scenario, record, g.name),
                [t.first_escalation.get(g.name) for t in traces],
            )
        )
    items.append(("first extension", record.first_event(EventName.EXTENSION), [t.first_extension for t in traces]))
    out = []
    for what, day, model in items:
        happened = [r for r in model if r is not None]
        obs_r = observed_round(day)
        med = int(np.median(happened)) if happened else None
        out.append(
            {
                "event": what,
                "observed_date": day.isoformat() if day is not None and obs_r is not None else "none in the window",
                "observed_round": obs_r,
                "share_of_runs": len(happened) / len(model),
                "median_round": med,
                "median_date": scenario.date_of(med).isoformat() if med is not None else None,
                "p5_round": int(np.percentile(happened, 5)) if happened else None,
                "p95_round": int(np.percentile(happened, 95)) if happened else None,
                "median_error_rounds": (med - obs_r) if (med is not None and obs_r is not None) else None,
            }
        )
    return out


# ----------------------------------------------------------------------------- words and pictures


def label_of(scenario: Scenario, series: str) -> str:
    if series == STRESS:
        return "market stress (VIX / 60)"
    from negotiation.story import label

    return label(scenario.instrument(series))


def report_text(bt: Backtest) -> str:
    """A short report in words: where the ensemble beats the naive forecasts and where it does not."""
    s = bt.scenario
    lines = [
        f"# Back-test: {s.title}",
        "",
        f"{bt.runs} runs of {s.calendar.rounds} rounds from {s.calendar.start} (seed {bt.seed}), scored against "
        f"`{bt.record.origin}` ({len(bt.record.rows)} rows, {bt.record.first_day} to {bt.record.last_day}).",
        "",
        "Errors are in each series' own units (percentage points of tariff, levels of the 0-3 control scale, "
        "stress as VIX / 60). *Persistence* keeps the start level; *inputs only* applies the scenario's "
        "scheduled decrees and nothing else. Coverage is the share of rounds whose observed level lies in "
        "the ensemble's 5-95% band.",
        "",
        "| series | MAE | persistence | inputs only | coverage | CRPS | CRPS persistence |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for sc in bt.scores:
        lines.append(
            f"| {label_of(s, sc['series'])} | {sc['mae']:.2f} | {sc['mae_persistence']:.2f} | "
            f"{sc['mae_inputs_only']:.2f} | {sc['coverage_5_95']:.0%} | {sc['crps']:.2f} | "
            f"{sc['crps_persistence']:.2f} |"
        )
    lines += [""]
    better = [
        label_of(s, sc["series"])
        for sc in bt.scores
        if sc["mae"] < min(sc["mae_persistence"], sc["mae_inputs_only"]) - 1e-9
    ]
    worse = [
        label_of(s, sc["series"])
        for sc in bt.scores
        if sc["mae"] > min(sc["mae_persistence"], sc["mae_inputs_only"]) + 1e-9
    ]
    lines.append(
        "The game beats both naive forecasts on " + (", ".join(better) if better else "no series") + "; "
        "it does worse than the better of them on " + (", ".join(worse) if worse else "no series") + "."
    )
    lines += [
        "",
        "## Timing",
        "",
        "| event | observed | share of runs | median (model) | 5-95% rounds | error (rounds) |",
        "|---|---|---:|---|---|---:|",
    ]
    for t in bt.timing:
        obs = t["observed_date"] + (f" (round {t['observed_round']})" if t["observed_round"] is not None else "")
        med = f"{t['median_date']} (round {t['median_round']})" if t["median_round"] is not None else "never"
        rng = f"{t['p5_round']}-{t['p95_round']}" if t["p5_round"] is not None else "-"
        err = f"{t['median_error_rounds']:+d}" if t["median_error_rounds"] is not None else "-"
        lines.append(f"| {t['event']} | {obs} | {t['share_of_runs']:.0%} | {med} | {rng} | {err} |")
    lines += [
        "",
        "A positive error means the game is late. `rounds.csv` has every round's band beside the record; "
        "`backtest.png` draws them.",
        "",
    ]
    return "\n".join(lines)


def plot(bt: Backtest) -> bytes:
    """One panel per scored series: the ensemble's 5-95% band and median, the record, persistence."""
    from negotiation.common.figures import new_figure, png_bytes

    names = list(bt.observed)
    cols = 2
    nrows = (len(names) + cols - 1) // cols
    fig = new_figure(figsize=(11, 3.0 * nrows))
    axes = np.atleast_1d(fig.subplots(nrows, cols, squeeze=False)).ravel()
    rows = len(bt.traces[0].levels[STRESS])
    x = list(range(rows))
    for ax, name in zip(axes, names, strict=False):
        ens = np.array([t.levels[name] for t in bt.traces])
        lo, hi = np.percentile(ens, [5, 95], axis=0)
        ax.fill_between(x, lo, hi, alpha=0.3, color="tab:blue", label="game, 5-95%")
        ax.plot(x, np.median(ens, axis=0), color="tab:blue", lw=1.5, label="game, median")
        obs = bt.observed[name]
        ox = [r for r in x if obs[r] is not None]
        ax.plot(
            ox,
            [obs[r] for r in ox],
            color="black",
            lw=2,
            drawstyle="steps-post" if name != STRESS else "default",
            marker="o" if name == STRESS else None,
            ms=3,
            label="observed",
        )
        start = obs[0] if obs[0] is not None else ens[0, 0]
        ax.axhline(start, color="grey", ls="--", lw=1, label="persistence")
        ax.set_title(label_of(bt.scenario, name), fontsize=10)
        ax.set_xlabel(f"round (weeks from {bt.scenario.calendar.start})", fontsize=8)
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return png_bytes(fig)


def manifest(bt: Backtest, scenario_file: str | None, observed_file: str) -> dict:
    from negotiation.results import manifest as run_manifest

    return {
        "kind": "backtest",
        "runs": bt.runs,
        "seed": bt.seed,
        "seeds": [t.seed for t in bt.traces],
        "scenario": run_manifest(bt.scenario, bt.seed, bt.scenario.calendar.rounds, source=scenario_file),
        "observed_file": observed_file,
        "observed_hash": bt.record.digest(),
        "scores": bt.scores,
    }


def write_backtest(bt: Backtest, folder, force: bool, scenario_file: str | None, observed_file: str) -> None:
    from negotiation.common.files import result_folder, write_atomic
    from negotiation.common.jsontext import dumps
    from negotiation.results import rows_to_csv

    with result_folder(folder, force=force, what="a back-test's results", patterns=PATTERNS, marker=MANIFEST) as tmp:
        write_atomic(tmp / "scores.csv", rows_to_csv(bt.scores))
        write_atomic(tmp / "rounds.csv", rows_to_csv(bt.rounds))
        write_atomic(tmp / "timing.csv", rows_to_csv(bt.timing))
        write_atomic(tmp / "backtest.png", plot(bt))
        write_atomic(tmp / "report.md", report_text(bt))
        write_atomic(tmp / MANIFEST, dumps(manifest(bt, scenario_file, observed_file), indent=2) + "\n")
