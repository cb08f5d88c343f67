"""Running many runs: chunks of runs on one of three backends, streamed to disk, resumable.

- Runs are numbered: run i plays design point i // replicates with replicate i % replicates.
  Replicate r uses the same seed at every point (common random numbers), taken from one
  SeedSequence tree rooted at the sweep's seed; every row records its seed.
- Runs go to workers in chunks of consecutive run numbers (short runs would drown in overhead).
  A chunk's rows are written as one Parquet part, atomically, as soon as it is done: memory
  stays flat, and a chunk is on disk whole or not at all.
- Resume skips the chunks already on disk, so an interrupted or killed sweep ends with every run
  exactly once. At the end the parts are streamed, in run order, into one table: the same table
  whatever the backend and the number of workers.
- A run that raises is recorded with status "error" and its message; the sweep goes on.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from negotiation import __version__
from negotiation.common.errors import InputError
from negotiation.experiments.sweeps import Sweep

PARTS = "parts"
ROUND_PARTS = "round_parts"


@dataclass(frozen=True)
class Chunk:
    """A unit of work: consecutive runs of one sweep, everything a worker needs, picklable."""

    index: int
    base_data: dict
    origin: str
    runs: tuple[tuple[int, dict, int], ...]  # (run number, point values, seed)
    rounds: int
    metrics: tuple[str, ...] | None
    keep_rounds: bool

    @property
    def analyse(self) -> bool:
        """Value the bargaining problem only if a kept metric needs it (it costs a few runs' time per point)."""
        from negotiation.game.bargaining import METRICS

        return self.metrics is None or any(m.startswith(METRICS) for m in self.metrics)


def replicate_seeds(root: int, replicates: int) -> list[int]:
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in np.random.SeedSequence(root).spawn(replicates)]


def plan(sweep: Sweep, chunk_size: int) -> list[Chunk]:
    """The sweep's runs, cut into chunks (the same chunks every time: resume depends on it)."""
    points = sweep.points()
    seeds = replicate_seeds(sweep.spec.seed, sweep.spec.replicates)
    reps = sweep.spec.replicates
    total = len(points) * reps
    chunks = []
    for k, start in enumerate(range(0, total, chunk_size)):
        runs = tuple((i, points[i // reps], seeds[i % reps]) for i in range(start, min(start + chunk_size, total)))
        chunks.append(Chunk(k, sweep.base_data, sweep.origin, runs, sweep.rounds, sweep.spec.metrics, sweep.spec.keep_rounds))
    return chunks


def run_chunk(chunk: Chunk) -> tuple[int, list[dict], list[dict]]:
    """Play a chunk's runs (in a worker): one summary row per run, and per-round rows if asked."""
    from negotiation.results.result import run
    from negotiation.scenario import parse_scenario
    from negotiation.experiments.sweeps import apply

    rows, round_rows = [], []
    cache: tuple[str, Any] | None = None
    for number, values, seed in chunk.runs:
        row: dict = {"run": number, **{f"param:{k}": v for k, v in values.items()}, "seed": seed}
        try:
            key = json.dumps(values, sort_keys=True, default=str)
            if cache is None or cache[0] != key:
                cache = (key, parse_scenario(apply(chunk.base_data, values), f"{chunk.origin} at {values}"))
            result = run(cache[1], seed=seed, rounds=chunk.rounds, analyse=chunk.analyse)
            summary = result.summary
            if chunk.metrics is not None:
                summary = {m: summary[m] for m in chunk.metrics}
            row.update(status="ok", error=None)
            row.update({k: v for k, v in summary.items() if k not in ("scenario", "seed", "rounds")})
            if chunk.keep_rounds:
                round_rows += [{"run": number, **r} for r in result.rows]
        except Exception as exc:  # a failing run is recorded, not fatal
            message = exc.render() if isinstance(exc, InputError) else f"{type(exc).__name__}: {exc}"
            row.update(status="error", error=message, traceback=traceback.format_exc(limit=3))
        rows.append(row)
    return chunk.index, rows, round_rows


# ----------------------------------------------------------------------------- backends


def serial(chunks: list[Chunk], workers: int) -> Iterator[tuple[int, list[dict], list[dict]]]:
    for chunk in chunks:
        yield run_chunk(chunk)


def pool(chunks: list[Chunk], workers: int) -> Iterator[tuple[int, list[dict], list[dict]]]:
    """A local process pool; at most two chunks per worker in flight, so memory stays flat."""
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    # forkserver with the package preloaded: workers start fast, without forking this process's threads.
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["negotiation.experiments.runner", "negotiation.results"])
    todo = iter(chunks)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as ex:
        running = set()
        try:
            for chunk in todo:
                running.add(ex.submit(run_chunk, chunk))
                if len(running) >= 2 * workers:
                    done, running = wait(running, return_when=FIRST_COMPLETED)
                    yield from (f.result() for f in done)
            while running:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                yield from (f.result() for f in done)
        except BaseException:
            for f in running:
                f.cancel()
            ex.shutdown(wait=False, cancel_futures=True)
            raise


def dask(chunks: list[Chunk], workers: int, scheduler: str | None = None) -> Iterator[tuple[int, list[dict], list[dict]]]:
    """Dask distributed: a real cluster at `scheduler`, or a local cluster of `workers` processes.

    Tasks are retried (a worker that dies takes its chunks with it; the scheduler reassigns them).
    """
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               host="127.0.0.1")
        client = Client(cluster)
    else:
        client = Client(scheduler, timeout="20s")
    try:
        todo = iter(chunks)
        window = max(2, 2 * max(workers, len(client.scheduler_info().get("workers", {})) or 1))
        first = [client.submit(run_chunk, c, retries=3, pure=False) for c in _take(todo, window)]
        queue = as_completed(first)
        for future in queue:
            result = future.result()
            future.release()
            for c in _take(todo, 1):
                queue.add(client.submit(run_chunk, c, retries=3, pure=False))
            yield result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _take(it: Iterator, n: int) -> list:
    out = []
    for _ in range(n):
        try:
            out.append(next(it))
        except StopIteration:
            break
    return out


BACKENDS: dict[str, Callable] = {"serial": serial, "pool": pool, "dask": dask}


# ----------------------------------------------------------------------------- storage


def versions() -> dict:
    out = {}
    for dist in ("mesa", "numpy", "pydantic", "pyyaml", "pyarrow", "scipy", "SALib", "dask", "distributed"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


def sweep_manifest(sweep: Sweep, chunk_size: int, total: int) -> dict:
    return {
        "kind": "sweep",
        "package": "negotiation",
        "version": __version__,
        "sweep": sweep.spec.name,
        "sweep_file": sweep.origin,
        "sweep_hash": sweep.spec.digest(),
        "spec": sweep.spec.model_dump(mode="json"),
        "scenario_file": sweep.scenario_path,
        "scenario_hash": sweep.base.digest(),
        "design": sweep.spec.design.model_dump(mode="json"),
        "points": total // sweep.spec.replicates,
        "replicates": sweep.spec.replicates,
        "runs": total,
        "root_seed": sweep.spec.seed,
        "rounds": sweep.rounds,
        "chunk_size": chunk_size,
        "python": platform.python_version(),
        "dependencies": versions(),
    }


def _write_part(folder: Path, index: int, rows: list[dict]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"part-{index:07d}.parquet"
    tmp = folder / f".part-{index:07d}.parquet.tmp"
    # Columns from every row, not just the first (from_pylist would drop what an error row lacks).
    keys = list(dict.fromkeys(k for row in rows for k in row))
    pq.write_table(pa.table({k: [row.get(k) for row in rows] for k in keys}), tmp, compression="zstd")
    os.replace(tmp, final)


def done_chunks(out: Path) -> set[int]:
    return {int(p.stem.split("-")[1]) for p in (out / PARTS).glob("part-*.parquet")}


def consolidate(out: Path, name: str, parts_dir: str, csv: bool) -> Path | None:
    """Stream the parts, in chunk order, into one Parquet file (and a CSV on request)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    parts = sorted((out / parts_dir).glob("part-*.parquet"))
    if not parts:
        return None
    schema = pa.unify_schemas([pq.read_schema(p) for p in parts], promote_options="permissive")
    target, tmp = out / f"{name}.parquet", out / f".{name}.parquet.tmp"
    with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        for p in parts:
            writer.write_table(_conform(pq.read_table(p), schema))
    os.replace(tmp, target)
    if csv:
        import pyarrow.csv as pacsv

        ctmp = out / f".{name}.csv.tmp"
        with pacsv.CSVWriter(ctmp, schema) as writer:
            for p in parts:
                writer.write_table(_conform(pq.read_table(p), schema))
        os.replace(ctmp, out / f"{name}.csv")
    return target


def _conform(table, schema):
    import pyarrow as pa

    columns = []
    for field in schema:
        if field.name in table.column_names:
            columns.append(table.column(field.name).cast(field.type))
        else:
            columns.append(pa.nulls(len(table), type=field.type))
    return pa.Table.from_arrays(columns, schema=schema)


# ----------------------------------------------------------------------------- the sweep


@dataclass(frozen=True)
class SweepOutcome:
    folder: Path
    runs: int
    errors: int
    skipped: int
    seconds: float


def default_chunk_size(total: int) -> int:
    """About 25 ms a run: 20 runs a chunk keeps overhead small and parts reasonably sized."""
    return max(1, min(20, total // 8 or 1))


def execute(
    sweep: Sweep,
    out: str | Path,
    backend: str = "serial",
    workers: int = 1,
    scheduler: str | None = None,
    resume: bool = False,
    csv: bool = False,
    chunk_size: int | None = None,
    progress: Callable[[int, int], Callable[[Iterable], Iterable]] | None = None,
) -> SweepOutcome:
    """Run a sweep into `out`, streaming results to disk; resumable."""
    out = Path(out)
    points = len(sweep.points())
    total = points * sweep.spec.replicates
    manifest_path = out / "manifest.json"
    if manifest_path.exists():
        old = json.loads(manifest_path.read_text())
        if not resume:
            raise InputError(str(out), "already holds a sweep's results: add --resume to continue it, or choose another --out")
        if old.get("sweep_hash") != sweep.spec.digest() or old.get("scenario_hash") != sweep.base.digest():
            raise InputError(str(out), "holds the results of a different sweep (or the scenario changed); choose another --out")
        chunk_size = old["chunk_size"]
    elif resume and (out / PARTS).exists():
        raise InputError(str(out), "has result parts but no manifest: cannot tell which sweep they belong to")
    chunk_size = chunk_size or default_chunk_size(total)
    manifest = sweep_manifest(sweep, chunk_size, total)
    out.mkdir(parents=True, exist_ok=True)
    from negotiation.common.files import write_atomic

    write_atomic(manifest_path, json.dumps(manifest, indent=2) + "\n")

    chunks = plan(sweep, chunk_size)
    done = done_chunks(out) if resume else set()
    todo = [c for c in chunks if c.index not in done]
    skipped = sum(len(c.runs) for c in chunks if c.index in done)
    run_backend = BACKENDS[backend]
    stream = run_backend(todo, workers) if backend != "dask" else dask(todo, workers, scheduler)
    bar = progress(sum(len(c.runs) for c in todo), skipped) if progress else None
    start = time.perf_counter()
    errors = 0
    fresh = not done
    try:
        for index, rows, round_rows in stream:
            if round_rows:  # first: the summary part is what marks a chunk done for --resume
                _write_part(out / ROUND_PARTS, index, round_rows)
            _write_part(out / PARTS, index, rows)
            errors += sum(r["status"] == "error" for r in rows)
            if bar is not None:
                bar.update(len(rows))
    except BaseException:
        if fresh and not done_chunks(out):  # nothing ran (say, no scheduler): leave no sweep behind
            manifest_path.unlink(missing_ok=True)
        raise
    finally:
        if bar is not None:
            bar.close()
    consolidate(out, "runs", PARTS, csv)
    consolidate(out, "rounds", ROUND_PARTS, csv)
    return SweepOutcome(out, total, errors, skipped, time.perf_counter() - start)


def tqdm_progress(total: int, initial: int):
    """A bar with count, rate and time left on a terminal; silent when output is not one."""
    from tqdm import tqdm

    return tqdm(total=total + initial, initial=initial, unit="run", disable=not sys.stderr.isatty(), file=sys.stderr,
                smoothing=0.1)


def read_runs(folder: str | Path):
    """The consolidated runs table of a sweep folder, as a pandas DataFrame."""
    import pandas as pd

    path = Path(folder) / "runs.parquet"
    if not path.exists():
        raise InputError(str(folder), "no runs.parquet here: not a finished sweep or batch folder")
    return pd.read_parquet(path)
