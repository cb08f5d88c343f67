"""What a run produces: the result record (per-round table, summary, log, manifest) and its files."""

from negotiation.common.files import write_atomic
from negotiation.results.result import RunResult, manifest, run, summarise
from negotiation.results.writing import log_to_csv, rows_to_csv, write_run

__all__ = ["RunResult", "log_to_csv", "manifest", "rows_to_csv", "run", "summarise", "write_atomic", "write_run"]
