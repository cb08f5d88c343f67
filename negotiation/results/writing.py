"""A run's files: the per-round table and the log as CSV, the story, the summary, the manifest, the picture."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from negotiation.common.files import write_atomic
from negotiation.game.records import Record
from negotiation.results.result import RunResult
from negotiation.scenario import Scenario
from negotiation.story import sentence


def rows_to_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (repr(v) if isinstance(v, float) else v) for k, v in row.items()})
    return buf.getvalue()


def log_to_csv(log: list[Record], scenario: Scenario) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["round", "date", "kind", "actor", "text", "data"])
    for e in log:
        data = json.dumps(e.data, sort_keys=True, default=str) if e.data else ""
        writer.writerow([e.round, scenario.date_of(max(e.round, 1)).isoformat(), e.kind.value, e.actor or "", sentence(e, scenario), data])
    return buf.getvalue()


def write_run(result: RunResult, out_dir: str | Path, plot: bool = True) -> Path:
    """Write a run's files into `out_dir` and return the folder."""
    out = Path(out_dir)
    write_atomic(out / "rounds.csv", rows_to_csv(result.rows))
    write_atomic(out / "log.csv", log_to_csv(result.log, result.scenario))
    write_atomic(out / "story.md", result.story())
    write_atomic(out / "summary.json", json.dumps(result.summary, indent=2) + "\n")
    write_atomic(out / "manifest.json", json.dumps(result.manifest, indent=2) + "\n")
    if plot:
        from negotiation.results.plots import plot_run  # matplotlib loads only when a picture is wanted

        write_atomic(out / "run.png", plot_run(result))
    else:
        (out / "run.png").unlink(missing_ok=True)  # a picture of an earlier run would mislead
    return out
