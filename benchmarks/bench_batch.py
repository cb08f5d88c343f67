"""Batch throughput with one and two workers, and the memory a large sweep holds.

1. Runs per second for a batch of the default scenario (`--runs`, default 2000) run serially and
   with a process pool of two workers, into temporary folders; the speed-up is their ratio (the
   issue's aim: at least 1.8x on two cores). Both tables are checked to be byte-identical.
2. Peak resident memory of the batch's main process (which streams and consolidates the results)
   and of it with all its workers, sampled from /proc, for a small and a large batch (`--large`,
   default 10x the small one): flat memory means the large batch's peak is about the small one's.

    .venv/bin/python benchmarks/bench_batch.py [--runs N] [--large M] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "june_2025_call.yaml"
TARGET_SPEEDUP = 1.8


def tree_rss_mib(root: int) -> tuple[float, float]:
    """Resident memory of a process and of all its descendants together, from /proc (MiB)."""
    parent: dict[int, int] = {}
    rss: dict[int, float] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        pid = int(status.parent.name)
        parent[pid] = int(fields["PPid"])
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
    tree, frontier = {root}, [root]
    while frontier:
        frontier = [p for p, pp in parent.items() if pp in frontier and p not in tree]
        tree.update(frontier)
    return rss.get(root, 0.0), sum(rss.get(p, 0.0) for p in tree)


def batch(runs: int, workers: int, out: Path) -> tuple[float, dict]:
    """Run `python run.py batch` in a fresh process; its wall time, and peak memory sampled every 0.1 s."""
    cmd = [sys.executable, str(ROOT / "run.py"), "batch", str(SCENARIO), "--runs", str(runs), "--workers",
           str(workers), "--out", str(out)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    peak_main = peak_tree = 0.0
    while proc.poll() is None:
        main_mib, tree_mib = tree_rss_mib(proc.pid)
        peak_main, peak_tree = max(peak_main, main_mib), max(peak_tree, tree_mib)
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    _, err = proc.communicate()
    if proc.returncode != 0:
        sys.exit(f"batch failed:\n{err}")
    return seconds, {"main_mib": peak_main, "tree_mib": peak_tree}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--large", type=int, help="runs in the large batch (default: 10 x --runs)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    large = args.large or 10 * args.runs
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t1, _ = batch(args.runs, 1, tmp / "one")
        t2, _ = batch(args.runs, 2, tmp / "two")
        same = (tmp / "one" / "runs.parquet").read_bytes() == (tmp / "two" / "runs.parquet").read_bytes()
        _, small_mem = batch(args.runs, 2, tmp / "small")
        _, large_mem = batch(large, 2, tmp / "large")
    figures = {
        "runs": args.runs,
        "seconds_1_worker": t1,
        "seconds_2_workers": t2,
        "runs_per_s_1_worker": args.runs / t1,
        "runs_per_s_2_workers": args.runs / t2,
        "speedup": t1 / t2,
        "identical_tables": same,
        "small_runs": args.runs,
        "small_peak_main_mib": small_mem["main_mib"],
        "small_peak_all_mib": small_mem["tree_mib"],
        "large_runs": large,
        "large_peak_main_mib": large_mem["main_mib"],
        "large_peak_all_mib": large_mem["tree_mib"],
        "python": platform.python_version(),
    }
    print(f"batch of {args.runs} runs of the default scenario (wall time, including start-up and writing)")
    print(f"  1 worker : {t1:7.1f} s  {args.runs / t1:7.1f} runs/s")
    print(f"  2 workers: {t2:7.1f} s  {args.runs / t2:7.1f} runs/s")
    print(f"  speed-up : {t1 / t2:.2f}x (aim: at least {TARGET_SPEEDUP}x) -> {'met' if t1 / t2 >= TARGET_SPEEDUP else 'not met'}")
    print(f"  tables identical: {same}")
    print("peak resident memory with 2 workers (sampled every 0.1 s)")
    print(f"  {args.runs:>7} runs: main process {small_mem['main_mib']:6.0f} MiB, with its workers {small_mem['tree_mib']:6.0f} MiB")
    print(f"  {large:>7} runs: main process {large_mem['main_mib']:6.0f} MiB, with its workers {large_mem['tree_mib']:6.0f} MiB")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
