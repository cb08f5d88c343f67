"""What drives the outcome of a sweep: sensitivity indices, plots and a short report.

Three outcomes are asked about in every folder: a **deal** (an agreement was reached), an
**escalation** (unilateral escalations, all governments together) and a **lapse** (an agreement
expired and snapped back). Each design point's outcome is the mean over its replicates. Sobol
designs get first-order and total indices (Saltelli 2002, Jansen 1999 via SALib), Morris designs
mu* and sigma of the elementary effects (Morris 1991, Campolongo et al. 2007), other designs
Spearman rank correlations. All indices are computed on the parameters' unit ranges, so they
compare across parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from negotiation.common.errors import InputError
from negotiation.common.files import read_text, result_folder, write_atomic
from negotiation.common.jsontext import loads
from negotiation.common.limits import MAX_INPUT_BYTES

ANALYSIS = "analysis"
ANALYSIS_PATTERNS = ("indices.csv", "points.csv", "report.md", "outcomes_vs_parameters.png", "agreement_map.png")

OUTCOMES = {
    "deal": ("agreement reached", lambda df: df["agreement_reached"].astype(float) if "agreement_reached" in df else None),
    "escalation": (
        "escalations per run",
        lambda df: df[[c for c in df if c.startswith("escalations_")]].sum(axis=1).astype(float)
        if any(c.startswith("escalations_") for c in df)
        else None,
    ),
    "lapse": ("an agreement lapsed", lambda df: (df["lapses"] > 0).astype(float) if "lapses" in df else None),
    "held": (
        "an agreement in force at the end",
        lambda df: df["agreement_in_force_at_end"].astype(float) if "agreement_in_force_at_end" in df else None,
    ),
}


@dataclass
class Report:
    text: str
    files: list[Path] = field(default_factory=list)


def load(folder: Path):
    if not folder.is_dir():
        raise InputError(str(folder), "no such folder")
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        raise InputError(str(folder), "no manifest.json here: not a sweep or batch folder")
    from negotiation.experiments.runner import read_runs

    manifest = loads(read_text(manifest_path, MAX_INPUT_BYTES, InputError), str(manifest_path))
    needed = {"sweep": str, "replicates": int, "root_seed": int, "scenario_hash": str, "design": dict}
    for key, kind in needed.items():
        if not isinstance(manifest, dict) or not isinstance(manifest.get(key), kind):
            raise InputError(str(manifest_path), f"{key}: missing or damaged: not a sweep's or batch's manifest")
    if not isinstance(manifest["design"].get("method"), str) or manifest["replicates"] < 1:
        raise InputError(str(manifest_path), "design or replicates damaged: not a sweep's or batch's manifest")
    return manifest, read_runs(folder)


def point_table(manifest: dict, runs):
    """One row per design point: parameter values and the mean of each outcome over replicates."""
    import pandas as pd

    ok = runs[runs["status"] == "ok"]
    params = [c for c in runs.columns if c.startswith("param:")]
    table = pd.DataFrame({"point": runs["run"] // manifest["replicates"]})
    for c in params:
        table[c] = runs[c]
    for name, (_, get) in OUTCOMES.items():
        values = get(ok)
        if values is not None:
            table.loc[ok.index, name] = values
    # agreement_reached, lapses and agreement_in_force_at_end are the deal, lapse and held outcomes
    skip = {"run", "seed", "status", "error", "traceback", "agreement_reached", "lapses", "agreement_in_force_at_end",
            *params}
    extra = [c for c in runs.columns if c not in skip and c not in OUTCOMES and _is_number(runs[c])]
    for c in extra:
        table.loc[ok.index, c] = ok[c].astype(float)
    grouped = table.groupby("point", sort=True)
    points = grouped[params].first() if params else pd.DataFrame(index=sorted(table["point"].unique()))
    means = grouped[[n for n in OUTCOMES if n in table] + extra].mean()
    return points.join(means), params


def _is_number(series) -> bool:
    return series.dtype.kind in "biuf"


def indices(manifest: dict, points, params: list[str]) -> dict[str, list[dict]]:
    """For each outcome, one row per parameter with the design's importance measure."""
    from negotiation.experiments.sweeps import Method, SweepSpec, salib_problem, unit_sample

    spec = SweepSpec.model_validate(manifest["spec"])
    method = spec.design.method
    out: dict[str, list[dict]] = {}
    for outcome in [c for c in points.columns if c not in params]:
        y = points[outcome].to_numpy(dtype=float)
        rows: list[dict] = []
        if np.isnan(y).any() or np.ptp(y) == 0:
            out[outcome] = [{"parameter": p[6:], "measure": "none", "value": float("nan"), "note":
                             "failed runs at some points" if np.isnan(y).any() else "outcome does not vary"} for p in params]
            continue
        if method is Method.SOBOL:
            from SALib.analyze import sobol

            res = sobol.analyze(salib_problem(spec, unit=True), y, calc_second_order=True, seed=spec.seed)
            for k, p in enumerate(params):
                rows.append({"parameter": p[6:], "measure": "sobol_total", "value": float(res["ST"][k]),
                             "conf": float(res["ST_conf"][k]), "first_order": float(res["S1"][k])})
        elif method is Method.MORRIS:
            from SALib.analyze import morris

            x = unit_sample(spec)
            res = morris.analyze(salib_problem(spec, unit=True), x, y, num_levels=spec.design.levels, seed=spec.seed)
            for k, p in enumerate(params):
                rows.append({"parameter": p[6:], "measure": "morris_mu_star", "value": float(res["mu_star"][k]),
                             "conf": float(res["mu_star_conf"][k]), "sigma": float(res["sigma"][k])})
        else:
            from scipy.stats import spearmanr

            for p in params:
                x = _numeric(points[p])
                test = spearmanr(x, y) if np.ptp(x) > 0 else None
                rows.append({"parameter": p[6:], "measure": "spearman_rho",
                             "value": float(test.statistic) if test else float("nan"),
                             "conf": float(test.pvalue) if test else float("nan")})
        for row, p in zip(rows, params):
            row["direction_rho"] = direction(points[p], y)
        out[outcome] = rows
    return out


def direction(column, y: np.ndarray) -> float:
    """The sign and strength of an effect: Spearman's rank correlation of the parameter with the outcome
    over the design points (Sobol and Morris indices say how much, not which way)."""
    from scipy.stats import spearmanr

    x = _numeric(column)
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(spearmanr(x, y).statistic)


def _numeric(series) -> np.ndarray:
    """A parameter column as numbers (levels that are names become their order of appearance)."""
    try:
        return series.to_numpy(dtype=float)
    except (TypeError, ValueError):
        codes = {v: k for k, v in enumerate(dict.fromkeys(series))}
        return np.array([codes[v] for v in series], dtype=float)


def _clear(row: dict) -> bool:
    """Is an effect distinguishable from noise? Sobol/Morris: its 95% interval excludes 0; Spearman: p < 0.05."""
    if row["measure"] == "spearman_rho":
        return row.get("conf", 1.0) < 0.05
    return row["value"] - row.get("conf", 0.0) > 0


def _way(row: dict) -> str:
    """', raises it' or ', lowers it', from the direction of the effect, when it has one."""
    rho = row.get("direction_rho", float("nan"))
    if not np.isfinite(rho) or abs(rho) < 0.05:
        return ", no clear direction"
    return f", {'raises' if rho > 0 else 'lowers'} it: rho {rho:+.2f}"


def describe(outcome: str, rows: list[dict], points) -> str:
    """One line: the outcome's level, then its strongest drivers (at most three) and the weak ones."""
    level = points[outcome].mean()
    if outcome in ("deal", "lapse", "held"):
        head = f"- **{outcome.capitalize()}** ({OUTCOMES[outcome][0]}; {level:.0%} of runs)"
    elif outcome in OUTCOMES:
        head = f"- **{outcome.capitalize()}** ({OUTCOMES[outcome][0]}; {level:.2f} on average)"
    else:
        head = f"- `{outcome}` (mean {level:.3g})"
    ranked = sorted((r for r in rows if np.isfinite(r["value"])), key=lambda r: -abs(r["value"]))
    if not ranked:
        return f"{head}: {rows[0]['note'] if rows else 'no parameters varied'}."
    if outcome in ("deal", "lapse", "held") and not 0.05 <= level <= 0.95:
        head += " - rare either way, so treat what follows with care"
    strong = [r for r in ranked if abs(r["value"]) >= 0.05 and _clear(r)][:3]
    weak = [r["parameter"] for r in ranked if r not in strong]
    tail = f"; no clear effect from {', '.join(weak)}" if weak else ""
    if not strong:
        return f"{head}: no parameter has a clear effect (none stands out from the noise; more samples or replicates would tell)."
    if strong[0]["measure"] == "spearman_rho":
        parts = [f"{'rises' if r['value'] > 0 else 'falls'} with {r['parameter']} (rho {r['value']:+.2f}, p {r['conf']:.2g})"
                 for r in strong]
        return f"{head}: " + "; ".join(parts) + tail + "."
    name = {"sobol_total": "total Sobol index", "morris_mu_star": "Morris mu*"}[strong[0]["measure"]]
    parts = [f"{r['parameter']} ({name} {r['value']:.2f} ± {r.get('conf', 0):.2f}{_way(r)})" for r in strong]
    return f"{head}: driven most by " + ", then ".join(parts) + tail + "."


def plot_outcomes(points, params: list[str]) -> bytes:
    from negotiation.common.figures import new_figure, png_bytes

    outcomes = [o for o in OUTCOMES if o in points]
    fig = new_figure(figsize=(3.2 * len(params), 2.6 * len(outcomes)))
    axes = fig.subplots(len(outcomes), len(params), squeeze=False)
    for i, o in enumerate(outcomes):
        for j, p in enumerate(params):
            ax = axes[i, j]
            x, y = _numeric(points[p]), points[o].to_numpy(dtype=float)
            ax.scatter(x, y, s=10, alpha=0.5)
            if len(np.unique(x)) > 1:
                edges = np.unique(np.quantile(x, np.linspace(0, 1, 9)))
                which = np.clip(np.digitize(x, edges[1:-1]), 0, len(edges) - 2)
                mids = [(x[which == b].mean(), np.nanmean(y[which == b])) for b in range(len(edges) - 1) if (which == b).any()]
                ax.plot(*zip(*mids), color="black", linewidth=1.5)
            ax.set_xlabel(p[6:], fontsize=8)
            if j == 0:
                ax.set_ylabel(OUTCOMES[o][0], fontsize=8)
            ax.tick_params(labelsize=7)
    fig.suptitle("Each outcome against each varied parameter (dots: design points; line: binned mean)", fontsize=10)
    fig.tight_layout()
    return png_bytes(fig)


def plot_agreement_map(points, params: list[str], outcome: str = "deal") -> bytes:
    """Agreement probability over the first two parameters (binned into an 8 x 8 grid if not a grid design)."""
    from negotiation.common.figures import new_figure, png_bytes

    x, y, z = _numeric(points[params[0]]), _numeric(points[params[1]]), points[outcome].to_numpy(dtype=float)
    xs, ys = np.unique(x), np.unique(y)
    if len(xs) * len(ys) > 400:  # not a grid: bin
        xs, ys = np.linspace(x.min(), x.max(), 9), np.linspace(y.min(), y.max(), 9)
        ix = np.clip(np.digitize(x, xs[1:-1]), 0, 7)
        iy = np.clip(np.digitize(y, ys[1:-1]), 0, 7)
        xs, ys = (xs[:-1] + xs[1:]) / 2, (ys[:-1] + ys[1:]) / 2
    else:
        ix, iy = np.searchsorted(xs, x), np.searchsorted(ys, y)
    grid = np.full((len(ys), len(xs)), np.nan)
    for a in range(len(xs)):
        for b in range(len(ys)):
            cell = z[(ix == a) & (iy == b)]
            if len(cell):
                grid[b, a] = cell.mean()
    fig = new_figure(figsize=(6.5, 5))
    ax = fig.subplots()
    image = ax.imshow(grid, origin="lower", cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(xs)), [f"{v:.3g}" for v in xs], fontsize=7)
    ax.set_yticks(range(len(ys)), [f"{v:.3g}" for v in ys], fontsize=7)
    ax.set_xlabel(params[0][6:])
    ax.set_ylabel(params[1][6:])
    for a in range(len(xs)):
        for b in range(len(ys)):
            if np.isfinite(grid[b, a]) and len(xs) * len(ys) <= 100:
                ax.text(a, b, f"{grid[b, a]:.0%}", ha="center", va="center", fontsize=7)
    fig.colorbar(image, ax=ax, label=f"probability: {OUTCOMES[outcome][0]}")
    ax.set_title(f"Probability that {OUTCOMES[outcome][0]}")
    fig.tight_layout()
    return png_bytes(fig)


def analyze(folder: str | Path, force: bool = False) -> Report:
    """Read a sweep folder, write analysis/ (indices.csv, plots, report.md) and return the report.

    analysis/ is built beside itself and moved into place whole; an earlier one is replaced only if `force`.
    """
    folder = Path(folder)
    manifest, runs = load(folder)
    target = folder / ANALYSIS
    with result_folder(target, force=force, what="an analysis", patterns=ANALYSIS_PATTERNS, marker="report.md") as out:
        report = _analyze(manifest, runs, out)
    return Report(report.text, [target / p.name for p in report.files])


def _analyze(manifest: dict, runs, out: Path) -> Report:
    """Write the analysis of `runs` into `out`; return the report, naming the files written."""
    points, params = point_table(manifest, runs)
    files: list[Path] = []
    n_err = int((runs["status"] != "ok").sum())
    lines = [f"# What drives the outcome: {manifest['sweep']}", "",
             f"{len(runs)} runs ({n_err} failed), {len(points)} design point{'s' * (len(points) != 1)} x "
             f"{manifest['replicates']} replicate{'s' * (manifest['replicates'] != 1)}, "
             f"design {manifest['design']['method']}, root seed {manifest['root_seed']}, scenario hash "
             f"{manifest['scenario_hash'][:12]}.", ""]
    if not params:
        lines.append("No parameter was varied (a batch): the spread of outcomes over replicates.")
        ok = runs[runs["status"] == "ok"]
        for o, (label, get) in OUTCOMES.items():
            values = get(ok)
            if values is not None:
                v = values.to_numpy(dtype=float)
                se = v.std(ddof=1) / np.sqrt(len(v)) if len(v) > 1 else float("nan")
                lines.append(f"- **{o.capitalize()}** ({label}): mean {v.mean():.3f} ± {1.96 * se:.3f} (95% interval)")
    else:
        table = indices(manifest, points, params)
        lines.append("What drives each outcome, strongest first:")
        lines.append("")
        lines += [describe(o, rows, points) for o, rows in table.items() if o in OUTCOMES]
        lines += ["", "The other metrics kept:", ""]
        lines += [describe(o, rows, points) for o, rows in table.items() if o not in OUTCOMES]
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["outcome", "parameter", "measure", "value", "conf_or_p", "first_order_or_sigma",
                         "direction_rho"])
        for o, rows in table.items():
            for r in rows:
                writer.writerow([o, r["parameter"], r["measure"], r["value"], r.get("conf", ""),
                                 r.get("first_order", r.get("sigma", "")), r.get("direction_rho", "")])
        write_atomic(out / "indices.csv", buf.getvalue())
        files.append(out / "indices.csv")
        write_atomic(out / "outcomes_vs_parameters.png", plot_outcomes(points, params))
        files.append(out / "outcomes_vs_parameters.png")
        # map whether a deal is reached, or (where that never varies) whether one holds to the end
        varying = [o for o in ("deal", "held") if o in points and np.nanstd(points[o].to_numpy(dtype=float)) > 0]
        if len(params) >= 2 and varying:
            write_atomic(out / "agreement_map.png", plot_agreement_map(points, params, varying[0]))
            files.append(out / "agreement_map.png")
    write_atomic(out / "points.csv", points.to_csv())
    files.append(out / "points.csv")
    text = "\n".join(lines)
    write_atomic(out / "report.md", text + "\n")
    files.append(out / "report.md")
    return Report(text, files)
