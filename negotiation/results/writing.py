"""A run's files: the per-round table and the log as CSV, the story, the summary, the manifest, the picture.

A run folder is complete when it has its manifest.json, which is written last; `write_run_folder`
builds a new folder beside the target and moves it into place (refusing to replace an earlier
result unless asked). Only standard JSON is written, and a run with a number that is not finite
is refused before anything is written.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from negotiation.common.errors import InputError
from negotiation.common.files import result_folder, write_atomic
from negotiation.common.jsontext import dumps, first_non_finite
from negotiation.common.text import markdown_safe
from negotiation.game.records import Record
from negotiation.results.result import RunResult
from negotiation.scenario import Scenario
from negotiation.story import sentence

MANIFEST = "manifest.json"  # written last: a run folder without it is incomplete
# Every file a run folder may hold (a debrief's too): what `--force` may replace.
RUN_PATTERNS = ("rounds.csv", "log.csv", "story.md", "summary.json", MANIFEST, "run.png", "debrief.html",
                "debrief-*.png")


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
        data = dumps(e.data, sort_keys=True, default=str) if e.data else ""
        writer.writerow([e.round, scenario.date_of(max(e.round, 1)).isoformat(), e.kind.value, e.actor or "", sentence(e, scenario), data])
    return buf.getvalue()


def check_finite(result: RunResult) -> None:
    """Refuse a run in which a number came out NaN or infinite: its tables and summary would be meaningless."""
    for where, data in (("rounds.csv", result.rows), ("summary.json", result.summary), ("manifest.json", result.manifest),
                        ("log.csv", [e.data for e in result.log])):
        path = first_non_finite(data)
        if path is not None:
            raise InputError(result.scenario.name, f"the run produced a number that is not finite ({where}: {path}), "
                             "so nothing was written: the scenario's numbers are outside what the model can compute "
                             "with (check its trade values, weights and bounds)")


def write_run(result: RunResult, out_dir: str | Path, plot: bool = True) -> Path:
    """Write a run's files into the folder `out_dir` (a played session's, say), manifest.json last; return it.

    The manifest of an earlier run there goes first, so the folder reads as incomplete until all is written.
    """
    check_finite(result)
    out = Path(out_dir)
    (out / MANIFEST).unlink(missing_ok=True)
    write_atomic(out / "rounds.csv", rows_to_csv(result.rows))
    write_atomic(out / "log.csv", log_to_csv(result.log, result.scenario))
    write_atomic(out / "story.md", markdown_safe(result.story()))
    write_atomic(out / "summary.json", dumps(result.summary, indent=2) + "\n")
    if plot:
        from negotiation.results.plots import plot_run  # matplotlib loads only when a picture is wanted

        write_atomic(out / "run.png", plot_run(result))
    else:
        (out / "run.png").unlink(missing_ok=True)  # a picture of an earlier run would mislead
    write_atomic(out / MANIFEST, dumps(result.manifest, indent=2) + "\n")
    return out


def write_run_folder(result: RunResult, out_dir: str | Path, plot: bool = True, force: bool = False) -> Path:
    """Write a run as a new folder `out_dir`, built beside it and moved into place when complete; return it.

    A folder that already holds files is refused unless `force`, and then only if it holds a run's
    files, which are all replaced (no picture or debrief of the earlier run is left behind).
    """
    check_finite(result)
    with result_folder(out_dir, force=force, what="a run's results", patterns=RUN_PATTERNS, marker=MANIFEST) as tmp:
        write_run(result, tmp, plot=plot)
    return Path(out_dir)
