"""Run every benchmark of issue 13 in turn and print their figures (see benchmarks/README.md).

    .venv/bin/python benchmarks/run_all.py            # default sizes: about 10 minutes on 2 cores
    .venv/bin/python benchmarks/run_all.py --quick    # tiny sizes: does each script run and print its table?
    .venv/bin/python benchmarks/run_all.py --full     # the issue's sizes (5,000-run batches, 100,000-run memory): hours
    .venv/bin/python benchmarks/run_all.py --only bench_run,bench_cli --json-dir figures/

Each script runs in its own process, one after another (never two at once: they would time each
other). A script that fails is reported at the end, and the others still run; the exit status is
1 when any failed. bench_ui (the classroom page, needs Chromium) runs only with --ui.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

SCRIPTS = ("bench_run", "bench_scale", "bench_cli", "bench_batch", "bench_negmas")
QUICK = {
    "bench_run": ["--runs", "2", "--repeats", "2", "--long-rounds", "52", "--long-repeats", "1"],
    "bench_scale": ["--sizes", "2,3", "--rounds", "3"],
    "bench_cli": ["--repeats", "1", "--top", "3"],
    "bench_batch": ["--runs", "4", "--repeats", "1", "--small", "20", "--large", "40"],
    "bench_negmas": ["--runs", "1", "--repeats", "1"],
    "bench_ui": ["--steps", "3"],
}
FULL = {
    "bench_run": ["--runs", "40", "--repeats", "11", "--long-repeats", "5"],
    "bench_scale": [],
    "bench_cli": ["--repeats", "11"],
    "bench_batch": ["--runs", "5000", "--repeats", "2", "--small", "10000", "--large", "100000"],
    "bench_negmas": ["--runs", "10", "--repeats", "11"],
    "bench_ui": [],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="tiny sizes, to check that every script runs")
    size.add_argument("--full", action="store_true", help="the issue's sizes (hours on 2 cores)")
    parser.add_argument("--only", help="comma-separated scripts to run (default: all of " + ", ".join(SCRIPTS) + ")")
    parser.add_argument("--ui", action="store_true", help="also run bench_ui (needs Chromium)")
    parser.add_argument("--json-dir", type=Path, metavar="DIR", help="write each script's figures as DIR/NAME.json")
    args = parser.parse_args(argv)
    scripts = list(SCRIPTS) + (["bench_ui"] if args.ui else [])
    if args.only:
        wanted = [s.strip().removesuffix(".py") for s in args.only.split(",") if s.strip()]
        unknown = [s for s in wanted if s not in (*SCRIPTS, "bench_ui")]
        if unknown:
            parser.error(f"--only: no benchmark named {', '.join(unknown)} (there are {', '.join((*SCRIPTS, 'bench_ui'))})")
        scripts = wanted
    if args.json_dir:
        args.json_dir.mkdir(parents=True, exist_ok=True)

    failed = []
    for name in scripts:
        extra = QUICK[name] if args.quick else FULL[name] if args.full else []
        if args.json_dir and name != "bench_ui":
            extra = [*extra, "--json", str(args.json_dir / f"{name}.json")]
        cmd = [sys.executable, str(HERE / f"{name}.py"), *extra]
        print(f"\n=== {name} {' '.join(extra)}".rstrip(), flush=True)
        start = time.perf_counter()
        code = subprocess.call(cmd)
        print(f"=== {name}: {time.perf_counter() - start:.0f} s wall" + (f", FAILED (exit {code})" if code else ""), flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
