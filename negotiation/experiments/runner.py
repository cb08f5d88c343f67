"""Running many runs: chunks of runs on one of three backends, streamed to disk, resumable.

- Runs are numbered: run i plays design point i // replicates with replicate i % replicates.
  Replicate r uses the same seed at every point (common random numbers), taken from one
  SeedSequence tree rooted at the sweep's seed; every row records its seed.
- Runs go to workers in chunks of consecutive run numbers (short runs would drown in overhead).
  A chunk's rows are written as one Parquet part, atomically, as soon as it is done: memory
  stays flat, and a chunk is on disk whole or not at all.
- Resume skips the chunks already on disk, so an interrupted or killed sweep ends with every run
  exactly once. Each part carries its sweep's hashes and is checked against the runs planned for
  it (run numbers and seeds): a damaged or foreign part is played again, a stray file left out.
  At the end the planned parts are streamed, in run order, into one table: the same table
  whatever the backend and the number of workers.
- A run that raises, or whose numbers come out NaN or infinite, is recorded with status "error"
  and its message; the sweep goes on.
- Pool workers exit when the sweep's process dies, even by SIGKILL: nothing is left running.
"""

from __future__ import annotations

import json
import os
import platform
import select
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from negotiation import __version__
from negotiation.common.errors import InputError, OutputError
from negotiation.common.files import check_target, foreign_entries, read_text, write_atomic
from negotiation.common.jsontext import dumps, first_non_finite, loads
from negotiation.common.limits import MAX_INPUT_BYTES
from negotiation.experiments.sweeps import Sweep

PARTS = "parts"
ROUND_PARTS = "round_parts"
MANIFEST = "manifest.json"
TABLES = ("runs.parquet", "runs.csv", "rounds.parquet", "rounds.csv")
# Everything a sweep folder may hold (its analysis too): what `--force` may replace.
SWEEP_PATTERNS = (MANIFEST, PARTS, ROUND_PARTS, *TABLES, "analysis", ".*.tmp", ".analysis.partial-*")
TAG = b"negotiation.sweep"  # a part's Parquet metadata: the sweep's and scenario's hashes, and its chunk


class ProgressBar(Protocol):
    """What `execute` uses of a progress bar (a tqdm bar has both)."""

    def update(self, n: int) -> Any: ...
    def close(self) -> Any: ...


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
    from negotiation.experiments.sweeps import apply
    from negotiation.results.result import run
    from negotiation.scenario import parse_scenario

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
            bad = first_non_finite(summary) or (first_non_finite(result.rows, "rounds") if chunk.keep_rounds else None)
            if bad is not None:
                raise ValueError(f"the run produced a number that is not finite ({bad})")
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
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=exit_with_parent,
                             initargs=(os.getpid(),)) as ex:
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


def exit_with_parent(parent: int) -> None:
    """A pool worker's initializer: exit as soon as the sweep's process `parent` is gone, however it died.

    A worker's parent is the forkserver, not the sweep, so the parent-death signal (prctl) would not
    see the sweep die; a daemon thread waits on the sweep's process instead (a pidfd on Linux,
    polling elsewhere) and ends the worker. Workers write nothing, so nothing is left half-done.
    """
    threading.Thread(target=_watch, args=(parent,), name="watch-sweep", daemon=True).start()


def _watch(parent: int) -> None:
    try:
        handle = os.pidfd_open(parent)  # readable once the process has exited (Linux 5.3+)
    except (AttributeError, OSError):
        handle = None
    if handle is not None:
        select.select([handle], [], [])
    else:
        while _alive(parent):
            time.sleep(0.5)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def check_scheduler(address: str) -> None:
    """Refuse a Dask scheduler address that cannot be one (before anything starts), naming the problem."""
    try:
        from distributed.comm.addressing import parse_address, parse_host_port
    except ImportError:
        raise InputError("--scheduler", "Dask is not installed: pip install 'dask[distributed]'") from None
    hint = "give one such as tcp://10.0.0.5:8786"
    try:
        scheme, location = parse_address(address, strict=False)
        if scheme in ("tcp", "tls", "ws", "wss"):
            host, port = parse_host_port(location)
            if not host or not 0 < port < 65536:
                raise ValueError("it needs a host and a port")
    except (ValueError, TypeError) as exc:
        raise InputError("--scheduler", f"{address!r} is not a scheduler address ({exc}): {hint}") from None


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
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError("--scheduler", f"no Dask scheduler answers at {scheduler} ({exc})") from None
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
    out: dict[str, str | None] = {}
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


def part_path(out: Path, parts_dir: str, index: int) -> Path:
    return out / parts_dir / f"part-{index:07d}.parquet"


def part_tag(sweep: Sweep, index: int) -> dict[bytes, bytes]:
    """What a part records of where it belongs: the sweep's and the scenario's hashes, and its chunk."""
    return {TAG: dumps({"sweep_hash": sweep.spec.digest(), "scenario_hash": sweep.base.digest(), "chunk": index},
                       sort_keys=True).encode()}


def _write_part(folder: Path, index: int, rows: list[dict], tag: dict[bytes, bytes] | None = None) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    final = folder / f"part-{index:07d}.parquet"
    tmp = folder / f".part-{index:07d}.parquet.tmp"
    # Columns from every row, not just the first (from_pylist would drop what an error row lacks).
    keys = list(dict.fromkeys(k for row in rows for k in row))
    table = pa.table({k: [row.get(k) for row in rows] for k in keys})
    if tag:
        table = table.replace_schema_metadata(tag)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, final)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(final, exc.strerror or str(exc)) from None


def done_chunks(out: Path) -> set[int]:
    """The chunks with a summary part on disk (checked against the plan only by `resume_plan`)."""
    return {int(p.stem.split("-")[1]) for p in (out / PARTS).glob("part-*.parquet") if p.stem.split("-")[1].isdigit()}


def part_problem(out: Path, chunk: Chunk, tag: dict[bytes, bytes], keep_rounds: bool) -> str | None:
    """Why the parts on disk for `chunk` are not its planned runs (None if they are): unreadable, another
    sweep's, other run numbers or seeds, or per-round rows that do not match."""
    import pyarrow.parquet as pq

    path = part_path(out, PARTS, chunk.index)
    try:
        meta = pq.read_schema(path).metadata or {}
        table = pq.read_table(path, columns=["run", "seed", "status"])
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError and others for a damaged file
        return f"cannot be read ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'damaged'})"
    if TAG in meta and meta[TAG] != tag[TAG]:
        return "belongs to another sweep (its hashes or chunk differ)"
    runs, seeds = table.column("run").to_pylist(), table.column("seed").to_pylist()
    if runs != [r[0] for r in chunk.runs] or seeds != [r[2] for r in chunk.runs]:
        return f"holds runs {_span(runs)} with other seeds or numbers than the planned runs {_span([r[0] for r in chunk.runs])}"
    if not keep_rounds:
        return None
    ok = {r for r, status in zip(runs, table.column("status").to_pylist()) if status == "ok"}
    rounds_path = part_path(out, ROUND_PARTS, chunk.index)
    if not rounds_path.exists():
        return "has no per-round part" if ok else None
    try:
        kept = set(pq.read_table(rounds_path, columns=["run"]).column("run").to_pylist())
    except Exception as exc:
        return f"has a per-round part that cannot be read ({type(exc).__name__})"
    return None if kept == ok else "has a per-round part for other runs"


def _span(runs: list) -> str:
    return f"{runs[0]}-{runs[-1]}" if runs else "(none)"


def read_manifest(out: Path) -> dict:
    """A sweep folder's manifest, checked enough to resume by: its hashes and chunk size; InputError if damaged."""
    path = out / MANIFEST
    fix = "continue in another --out, or start again here with --force"
    data = loads(read_text(path, MAX_INPUT_BYTES, InputError), str(path))
    if not isinstance(data, dict) or data.get("kind") != "sweep":
        raise InputError(str(path), f"is not a sweep's manifest, so the parts here cannot be matched to a sweep: {fix}")
    for key, kind in (("sweep_hash", str), ("scenario_hash", str), ("chunk_size", int), ("runs", int)):
        value = data.get(key)
        if not isinstance(value, kind) or isinstance(value, bool) or (isinstance(value, int) and value < 1):
            raise InputError(str(path), f"{key}: missing or damaged ({value!r}), so the parts here cannot be matched "
                             f"to a sweep: {fix}")
    return data


def consolidate(out: Path, name: str, parts_dir: str, csv: bool, indices: Iterable[int] | None = None) -> Path | None:
    """Stream the parts, in chunk order, into one Parquet file (and a CSV on request).

    `indices` are the chunks planned: only their parts are read (a stray file adds no rows).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if indices is None:
        parts = sorted((out / parts_dir).glob("part-*.parquet"))
    else:
        parts = [p for p in (part_path(out, parts_dir, i) for i in indices) if p.exists()]
    if not parts:
        return None
    schema = pa.unify_schemas([pq.read_schema(p) for p in parts], promote_options="permissive").remove_metadata()
    target, tmp = out / f"{name}.parquet", out / f".{name}.parquet.tmp"
    try:
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
    except OSError as exc:
        raise OutputError(target, exc.strerror or str(exc)) from None
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
    notes: tuple[str, ...] = ()  # what resume found on disk and did about it (parts played again, files left out)


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
    progress: Callable[[int, int], ProgressBar] | None = None,
    force: bool = False,
) -> SweepOutcome:
    """Run a sweep into `out`, streaming results to disk; resumable.

    A folder that holds files is refused unless `resume` (the same sweep: it goes on) or `force`
    (an earlier sweep's results there are removed first).
    """
    out = Path(out)
    points = len(sweep.points())
    total = points * sweep.spec.replicates
    manifest_path = out / MANIFEST
    if resume and force:
        raise InputError(str(out), "--force starts the sweep afresh and --resume continues it: give one of them")
    if resume and manifest_path.exists():
        old = read_manifest(out)
        if old["sweep_hash"] != sweep.spec.digest() or old["scenario_hash"] != sweep.base.digest():
            raise InputError(str(out), "holds the results of a different sweep (or the scenario changed); choose another --out")
        chunk_size = old["chunk_size"]
    elif resume and (out / PARTS).exists():
        raise InputError(str(out), "has result parts but no manifest: cannot tell which sweep they belong to")
    else:
        _claim(out, force)
    chunk_size = chunk_size or default_chunk_size(total)
    manifest = sweep_manifest(sweep, chunk_size, total)
    write_atomic(manifest_path, dumps(manifest, indent=2) + "\n")

    chunks = plan(sweep, chunk_size)
    done, notes = resume_plan(out, sweep, chunks) if resume else (set(), [])
    todo = [c for c in chunks if c.index not in done]
    skipped = sum(len(c.runs) for c in chunks if c.index in done)
    if todo:  # the tables are made again at the end; until then the folder reads as unfinished
        for name in TABLES:
            (out / name).unlink(missing_ok=True)
    run_backend = BACKENDS[backend]
    stream = run_backend(todo, workers) if backend != "dask" else dask(todo, workers, scheduler)
    bar = progress(sum(len(c.runs) for c in todo), skipped) if progress else None
    start = time.perf_counter()
    errors = 0
    fresh = not done
    try:
        for index, rows, round_rows in stream:
            if round_rows:  # first: the summary part is what marks a chunk done for --resume
                _write_part(out / ROUND_PARTS, index, round_rows, part_tag(sweep, index))
            _write_part(out / PARTS, index, rows, part_tag(sweep, index))
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
    indices = [c.index for c in chunks]
    consolidate(out, "rounds", ROUND_PARTS, csv, indices)
    consolidate(out, "runs", PARTS, csv, indices)  # last: runs.parquet is what marks the sweep finished
    return SweepOutcome(out, total, errors, skipped, time.perf_counter() - start, tuple(notes))


def _claim(out: Path, force: bool) -> None:
    """Make `out` ready for a new sweep: refuse a folder that holds files, unless `force` and they are a sweep's."""
    if (out / MANIFEST).exists() and not force:
        raise InputError(str(out), "already holds a sweep's results: add --resume to continue it, --force to replace "
                         "it, or choose another --out")
    check_target(out, force, "a sweep's or batch's results", SWEEP_PATTERNS)
    if out.exists():
        import shutil

        for path in sorted(out.iterdir(), key=lambda p: p.name != MANIFEST):  # the manifest first: unfinished
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError.from_os(out, exc) from None


def resume_plan(out: Path, sweep: Sweep, chunks: list[Chunk]) -> tuple[set[int], list[str]]:
    """The chunks whose parts on disk are exactly their planned runs, and notes on what else was found.

    A part that does not match (damaged, cut short, another sweep's, other runs) is removed so that
    its chunk is played again; files in parts/ that are no planned part are left out of the tables.
    """
    done, notes = set(), []
    on_disk = done_chunks(out)
    planned = {c.index for c in chunks}
    for chunk in chunks:
        if chunk.index not in on_disk:
            continue
        problem = part_problem(out, chunk, part_tag(sweep, chunk.index), sweep.spec.keep_rounds)
        if problem is None:
            done.add(chunk.index)
            continue
        notes.append(f"{PARTS}/{part_path(out, PARTS, chunk.index).name} {problem}: its runs are played again")
        part_path(out, PARTS, chunk.index).unlink(missing_ok=True)
        part_path(out, ROUND_PARTS, chunk.index).unlink(missing_ok=True)
    stray = sorted(i for i in on_disk if i not in planned)
    stray_names = [part_path(out, PARTS, i).name for i in stray]
    if (out / PARTS).is_dir():
        stray_names += list(foreign_entries(out / PARTS, ("part-*.parquet", ".*.tmp")))
    if stray_names:
        shown = ", ".join(stray_names[:5]) + (", ..." if len(stray_names) > 5 else "")
        notes.append(f"{PARTS}/ holds files that are no part of this sweep ({shown}): left out of the tables")
    return done, notes


def tqdm_progress(total: int, initial: int) -> ProgressBar:
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
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow's errors for a damaged file
        raise InputError(str(path), f"cannot be read ({type(exc).__name__}): run the sweep again with --resume") from None


def outcome_line(out: Path) -> str:
    """One line on how a batch's or sweep's runs ended, read back from runs.parquet: deals, breaches, escalation."""
    import pyarrow.parquet as pq

    table = pq.read_table(Path(out) / "runs.parquet")
    rows = [r for r in table.to_pylist() if r.get("status", "ok") == "ok"]
    if not rows:
        return "Outcome: no run finished."
    n, parts = len(rows), []
    if "agreement_reached" in rows[0]:
        deals = [r for r in rows if r["agreement_reached"]]
        firsts = [r["first_agreement_round"] for r in deals if r.get("first_agreement_round") is not None]
        when = f" (the first in round {sum(firsts) / len(firsts):.1f} on average)" if firsts else ""
        parts.append(f"{len(deals)} of {n} runs reached an agreement{when}")
    else:
        parts.append(f"{n} runs finished")
    if "agreements_broken" in rows[0]:
        parts.append(f"in {sum(1 for r in rows if r['agreements_broken'])} an agreement was broken")
    escalations = [k for k in rows[0] if k.startswith("escalations_")]
    if escalations:
        mean = sum(sum(r[k] or 0 for k in escalations) for r in rows) / n
        parts.append(f"{mean:.1f} escalations a run")
    if "peak_market_stress" in rows[0]:
        parts.append(f"peak market stress {sum(r['peak_market_stress'] for r in rows) / n:.2f} on average")
    return "Outcome: " + "; ".join(parts) + "."
