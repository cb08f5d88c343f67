"""Scenario discovery: which regions of a sweep's inputs lead to an outcome (PRIM boxes).

The Patient Rule Induction Method (Friedman & Fisher 1999; Bryant & Lempert 2010 for scenario
discovery) peels a box of parameter ranges, a little at a time, around the runs where an outcome
happened. A box is reported with its **coverage** (the share of all runs with the outcome that
fall inside it) and its **density** (the share of runs inside it that have the outcome), chosen
as the box of largest coverage whose density reaches the threshold. Up to three boxes are found,
each after removing the runs the earlier ones cover. The `prim` package does the peeling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from negotiation.common.errors import InputError

OUTCOMES = {
    "deal_held": ("an agreement is in force at the end", "held"),
    "lapse": ("an agreement lapsed and snapped back", "lapse"),
    "escalation_spiral": ("every government escalated at least twice (an escalation spiral)", "escalation"),
    "no_deal": ("no agreement was reached", "deal"),
}
PATTERNS = ("boxes.csv", "report.md", "tradeoff.png")
MAX_BOXES = 3


@dataclass
class Discovery:
    text: str
    folder: Path
    boxes: list[dict] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def outcome_column(runs, name: str) -> tuple[np.ndarray, str]:
    """The outcome, true or false per run, and its words."""
    if name == "deal_held":
        return runs["agreement_in_force_at_end"].astype(bool).to_numpy(), OUTCOMES[name][0]
    if name == "lapse":
        return (runs["lapses"] > 0).to_numpy(), OUTCOMES[name][0]
    if name == "no_deal":
        return (~runs["agreement_reached"].astype(bool)).to_numpy(), OUTCOMES[name][0]
    if name == "escalation_spiral":
        cols = [c for c in runs.columns if c.startswith("escalations_")]
        if not cols:
            raise KeyError("escalations_*")
        return (runs[cols].min(axis=1) >= 2).to_numpy(), OUTCOMES[name][0]
    column = runs[name]
    if column.dtype.kind != "b":
        values = set(column.dropna().unique().tolist())
        if not values <= {0, 1}:
            raise ValueError(f"{name!r} is not a true/false column")
    return column.astype(bool).to_numpy(), f"{name} is true"


def phrase(path: str) -> str:
    """A parameter path in words: officials[Bessent].influence -> "Bessent's influence"."""
    m = re.match(r"^(officials|governments|instruments)\[([^\]]+)\]\.(.+)$", path)
    if m:
        rest = m.group(3).replace("strategy.params.", "strategy's ").replace("coercion.", "").replace(".", " ")
        return f"{m.group(2)}'s {rest.replace('_', ' ')}"
    head, _, rest = path.partition(".")
    return f"{(rest or head).replace('.', ' ').replace('_', ' ')} ({head})" if rest else head.replace("_", " ")


def limits_text(limits, inputs) -> str:
    parts = []
    for name, row in limits.iterrows():
        label = phrase(name[6:] if name.startswith("param:") else name)
        lo, hi = row["min"], row["max"]
        if isinstance(lo, set) or not np.issubdtype(inputs[name].dtype, np.number):
            parts.append(f"{label} is one of {sorted(map(str, lo if isinstance(lo, set) else {lo, hi}))}")
            continue
        full_lo, full_hi = float(inputs[name].min()), float(inputs[name].max())
        if lo > full_lo and hi < full_hi:
            parts.append(f"{label} between {lo:.3g} and {hi:.3g}")
        elif lo > full_lo:
            parts.append(f"{label} at least {lo:.3g}")
        else:
            parts.append(f"{label} at most {hi:.3g}")
    return " and ".join(parts) if parts else "anywhere in the design"


def find_boxes(inputs, y: np.ndarray, threshold: float) -> list[dict]:
    """Up to MAX_BOXES PRIM boxes, each the highest-coverage box on its peeling trajectory with density >= threshold."""
    import warnings

    import prim

    boxes = []
    remaining = np.ones(len(y), dtype=bool)
    total = float(y.sum())
    for k in range(MAX_BOXES):
        x_k, y_k = inputs[remaining].reset_index(drop=True), y[remaining].astype(float)
        if y_k.sum() < 2 or y_k.sum() == len(y_k):
            break
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            box = prim.Prim(x_k, y_k, threshold=threshold, threshold_type=">").find_box()
        if box is None:
            break
        traj = box.peeling_trajectory
        good = traj[(traj["density"] >= threshold) & (traj["res dim"] > 0)]  # the whole design is no box
        if good.empty:
            break
        i = int(good["coverage"].idxmax())
        box.select(i)
        inside = np.asarray(box.yi)
        index_remaining = np.flatnonzero(remaining)
        covered = index_remaining[inside]
        hits = float(y[covered].sum())
        boxes.append(
            {
                "box": k + 1,
                "where": limits_text(box.limits, inputs),
                "runs_inside": len(covered),
                "coverage": hits / total,
                "density": hits / len(covered) if len(covered) else float("nan"),
                "mass": len(covered) / len(y),
                "restricted": int(traj["res dim"].iloc[i]),
                "trajectory": traj[["coverage", "density"]].to_numpy().tolist(),
                "chosen": [float(traj["coverage"].iloc[i]), float(traj["density"].iloc[i])],
            }
        )
        remaining[covered] = False
    return boxes


def discover(folder: str | Path, outcome: str, threshold: float = 0.8, force: bool = False) -> Discovery:
    """Read a sweep folder, find the boxes for `outcome`, write discover-OUTCOME/ (boxes.csv, report.md, a plot)."""
    from negotiation.common.files import result_folder, write_atomic
    from negotiation.experiments.sensitivity import load
    from negotiation.results import rows_to_csv

    if not 0 < threshold < 1:
        raise InputError("--threshold", f"{threshold} must lie between 0 and 1")
    folder = Path(folder)
    manifest, runs = load(folder)
    runs = runs[runs["status"] == "ok"].reset_index(drop=True)
    params = [c for c in runs.columns if c.startswith("param:")]
    if not params:
        raise InputError(str(folder), "no parameter was varied here (a batch): discovery needs a sweep's inputs")
    try:
        y, words = outcome_column(runs, outcome)
    except KeyError:
        known = sorted(OUTCOMES) + sorted(c for c in runs.columns if runs[c].dtype.kind == "b")
        from negotiation.scenario import nearest

        raise InputError("--outcome", f"unknown outcome {outcome!r} ({nearest(outcome, known)})") from None
    except ValueError as exc:
        raise InputError("--outcome", str(exc)) from None
    inputs = runs[params].copy()
    n_hit = int(y.sum())
    if n_hit == 0 or n_hit == len(y):
        raise InputError(
            "--outcome",
            f"{words}: in {n_hit} of {len(y)} runs - it must happen in some runs and not in "
            "others for boxes to separate them",
        )
    boxes = find_boxes(inputs, y, threshold)
    lines = [
        f"# Where {words}: {manifest['sweep']}",
        "",
        f"{len(y)} runs; {words} in {n_hit} ({n_hit / len(y):.0%}). PRIM boxes (density at least "
        f"{threshold:.0%}), each after the runs of the earlier ones are set aside:",
        "",
    ]
    if not boxes:
        lines.append(
            f"No box of the inputs reaches a density of {threshold:.0%}: the outcome is not confined to a "
            "region of these parameters (try a lower --threshold, or more runs)."
        )
    for b in boxes:
        lines.append(
            f"{b['box']}. Where {b['where']}: {words} in {b['density']:.0%} of the runs inside "
            f"(density), and the box holds {b['coverage']:.0%} of all runs where it happens (coverage); "
            f"{b['mass']:.0%} of the design."
        )
    indices = _indices(folder, OUTCOMES.get(outcome, (None, None))[1])
    if indices:
        lines += ["", f"Beside the indices of `analyze` for the same outcome ({indices[0]['measure']}):", ""]
        lines += [
            f"- {phrase(r['parameter'])}: {float(r['value']):.2f}"
            + (
                f", {'raises' if float(r['direction_rho']) > 0 else 'lowers'} it (rho {float(r['direction_rho']):+.2f})"
                if r.get("direction_rho") not in (None, "", "nan")
                else ""
            )
            for r in indices
        ]
    elif outcome in OUTCOMES:
        lines += ["", f"Run `python run.py analyze {folder}` for the sensitivity indices beside these boxes."]
    text = "\n".join(lines) + "\n"
    target = folder / f"discover-{outcome}"
    with result_folder(target, force=force, what="a discovery", patterns=PATTERNS, marker="report.md") as tmp:
        table = [{k: v for k, v in b.items() if k not in ("trajectory", "chosen")} for b in boxes]
        write_atomic(
            tmp / "boxes.csv",
            rows_to_csv(table) if table else "box,where,runs_inside,coverage,density,mass,restricted\n",
        )
        write_atomic(tmp / "tradeoff.png", tradeoff_plot(boxes, words))
        write_atomic(tmp / "report.md", text)
    return Discovery(text, target, boxes, [target / p for p in PATTERNS])


def _indices(folder: Path, outcome: str | None) -> list[dict]:
    import csv

    path = folder / "analysis" / "indices.csv"
    if outcome is None or not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["outcome"] == outcome]


def tradeoff_plot(boxes: list[dict], words: str) -> bytes:
    """Each box's peeling trajectory: coverage against density, the chosen box marked."""
    from negotiation.common.figures import new_figure, png_bytes

    fig = new_figure(figsize=(5, 4))
    ax = fig.subplots()
    for b in boxes:
        t = np.array(b["trajectory"])
        ax.plot(t[:, 0], t[:, 1], marker=".", lw=1, label=f"box {b['box']}")
        ax.plot([b["chosen"][0]], [b["chosen"][1]], "k*", ms=10)
    ax.set_xlabel("coverage")
    ax.set_ylabel("density")
    ax.set_title(f"PRIM: {words}"[:70], fontsize=9)
    if boxes:
        ax.legend(fontsize=8)
    fig.tight_layout()
    return png_bytes(fig)
