"""A batch of runs with one and two workers, and the memory a large batch holds.

1. Speed-up: `python run.py batch` of the default scenario (`--runs` runs, default 100; the issue's
   figure is 5,000: `--runs 5000`) with 1 worker and with 2, alternating, `--repeats` times, each in
   a fresh process, into temporary folders. Wall time (with start-up and writing), CPU of the whole
   process tree, and the median of the per-repeat speed-ups 1 worker / 2 workers. Target: at least
   1.9x. The two result tables are checked to be byte-identical.
2. Memory: peak resident memory of the batch's main process and of it with its workers together
   (sampled from /proc every 0.1 s), for a batch of `--small` runs and one of `--large` runs with 2
   workers. Target: flat (here: the large batch's peak within 10% of the small one's). The issue's
   sizes are 10,000 and 100,000 runs; 100,000 full runs of the default scenario take hours on two
   cores, so by default the memory batches play a quiet variant of the default scenario (its events
   removed, so talks never open: each run is the model, its rounds and its row in the table, without
   the bargaining), `--mem-rounds` rounds each; `--mem-scenario default` plays the real one. The
   output says what was run.

    .venv/bin/python benchmarks/bench_batch.py [--runs N] [--repeats R] [--small S] [--large L]
        [--mem-rounds K] [--mem-scenario quiet|default] [--json PATH]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from benchtools import DEFAULT_SCENARIO, ROOT, Report, median, positive_int

TARGET_SPEEDUP = 1.9
FLAT = 1.10  # the large batch's peak within 10% of the small one's


TICK = os.sysconf("SC_CLK_TCK")


def tree_sample(root: int) -> dict[int, tuple[float, float]]:
    """Each process of the tree under `root` (itself included): its resident memory (MiB) and CPU so far (s), from /proc."""
    parent: dict[int, int] = {}
    seen: dict[int, tuple[float, float]] = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            status = (proc / "status").read_text()
            stat = (proc / "stat").read_text()
        except OSError:  # the process ended while we looked
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        after = stat.rsplit(")", 1)[1].split()  # the name, in brackets, may hold spaces
        pid = int(proc.name)
        parent[pid] = int(fields["PPid"])
        seen[pid] = (int(fields.get("VmRSS", "0 kB").split()[0]) / 1024, (int(after[11]) + int(after[12])) / TICK)
    tree, frontier = {root}, [root]
    while frontier:
        frontier = [p for p, pp in parent.items() if pp in frontier and p not in tree]
        tree.update(frontier)
    return {p: seen[p] for p in tree if p in seen}


def batch(scenario: Path, runs: int, workers: int, out: Path, rounds: int | None = None) -> dict:
    """`python run.py batch` in a fresh process: wall seconds; CPU seconds and peak memory of its tree, sampled every 0.1 s."""
    cmd = [sys.executable, str(ROOT / "run.py"), "batch", str(scenario), "--runs", str(runs), "--workers", str(workers),
           "--out", str(out)]
    if rounds is not None:
        cmd += ["--rounds", str(rounds)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    peak_main = peak_tree = 0.0
    cpu: dict[int, float] = {}  # the last CPU seen of each process of the tree
    while proc.poll() is None:
        sample = tree_sample(proc.pid)
        peak_main = max(peak_main, sample.get(proc.pid, (0.0, 0.0))[0])
        peak_tree = max(peak_tree, sum(mib for mib, _ in sample.values()))
        cpu.update({p: c for p, (_, c) in sample.items()})
        time.sleep(0.1)
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed (exit {proc.returncode}):\n{err}")
    return {"wall": seconds, "cpu": sum(cpu.values()), "main_mib": peak_main, "tree_mib": peak_tree}


def quiet_scenario(folder: Path) -> Path:
    """The default scenario without its events (the call and the meeting that open the talks), as a file."""
    from negotiation.scenario import load_scenario, parse_scenario

    data = load_scenario(DEFAULT_SCENARIO).model_dump(mode="json", exclude_none=True)
    data["events"] = []
    data["name"] = "june_2025_call_quiet"
    parse_scenario(data, "the quiet variant")  # checked before it is written
    path = folder / "june_2025_call_quiet.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=positive_int, default=100, help="runs in each speed-up batch (default %(default)s)")
    parser.add_argument("--repeats", type=positive_int, default=2, help="alternating 1- and 2-worker pairs (default %(default)s)")
    parser.add_argument("--small", type=positive_int, default=500, help="runs in the small memory batch (default %(default)s)")
    parser.add_argument("--large", type=positive_int, default=5000, help="runs in the large memory batch (default %(default)s)")
    parser.add_argument("--mem-rounds", type=positive_int, help="rounds per run in the memory batches (default: the calendar's)")
    parser.add_argument("--mem-scenario", choices=["quiet", "default"], default="quiet",
                        help="what the memory batches play (default %(default)s: see the module's help)")
    parser.add_argument("--json", type=Path, metavar="PATH")
    args = parser.parse_args(argv)

    walls: dict[int, list[float]] = {1: [], 2: []}
    cpus: dict[int, list[float]] = {1: [], 2: []}
    speedups, identical = [], True
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for r in range(args.repeats):
            tables = []
            for workers in (1, 2) if r % 2 == 0 else (2, 1):  # alternate which goes first, too
                out = tmp / f"speed-{r}-{workers}"
                m = batch(DEFAULT_SCENARIO, args.runs, workers, out)
                walls[workers].append(m["wall"])
                cpus[workers].append(m["cpu"])
                tables.append((out / "runs.parquet").read_bytes())
            identical = identical and tables[0] == tables[1]
            speedups.append(walls[1][-1] / walls[2][-1])
        mem_scenario = quiet_scenario(tmp) if args.mem_scenario == "quiet" else DEFAULT_SCENARIO
        small = batch(mem_scenario, args.small, 2, tmp / "mem-small", args.mem_rounds)
        large = batch(mem_scenario, args.large, 2, tmp / "mem-large", args.mem_rounds)

    speedup = median(speedups)
    rounds = f"{args.mem_rounds} rounds" if args.mem_rounds else "the calendar's rounds"
    report = Report(f"bench_batch: `run.py batch` of {DEFAULT_SCENARIO.name}, {args.runs} runs, 1 and 2 workers alternating, "
                    f"{args.repeats} repeats (wall time, start-up and writing included)")
    report.notes.append(f"memory batches: {mem_scenario.name}, {args.small:,} and {args.large:,} runs of {rounds}, 2 workers"
                        + (" (the quiet variant: events removed, talks never open)" if args.mem_scenario == "quiet" else ""))
    report.add(f"{args.runs} runs, 2 workers (median wall)", f"{median(walls[2]):.1f} s", f"{median(walls[1]):.1f} s (1 worker)",
               "", None, median(walls[2]))
    report.add("runs per second, 2 workers", f"{args.runs / median(walls[2]):.1f}", f"{args.runs / median(walls[1]):.1f} (1 worker)",
               "", None)
    report.add("CPU of the process tree (sampled), 2 workers", f"{median(cpus[2]):.1f} s", f"{median(cpus[1]):.1f} s (1 worker)", "", None)
    report.add("speed-up 1 worker / 2 (median of per-repeat ratios)", f"{speedup:.2f}x", "1x", f">= {TARGET_SPEEDUP}x",
               speedup >= TARGET_SPEEDUP, speedup)
    report.add("tables of 1 and 2 workers byte-identical", str(identical), "", "True", identical)
    report.add(f"peak memory, main process, {args.large:,} runs", f"{large['main_mib']:.0f} MiB",
               f"{small['main_mib']:.0f} MiB ({args.small:,} runs)", "flat", large["main_mib"] <= FLAT * small["main_mib"],
               large["main_mib"])
    report.add(f"peak memory, main + workers, {args.large:,} runs", f"{large['tree_mib']:.0f} MiB",
               f"{small['tree_mib']:.0f} MiB ({args.small:,} runs)", f"flat (<= {FLAT:.2f}x)",
               large["tree_mib"] <= FLAT * small["tree_mib"], large["tree_mib"])
    report.add("wall of the memory batches", f"{large['wall']:.1f} s ({args.large:,} runs)", f"{small['wall']:.1f} s ({args.small:,} runs)",
               "", None)
    report.print(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
