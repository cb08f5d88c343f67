"""What `python run.py` (the main job: the default scenario, its story, tables and plot) costs as a whole process.

Runs, alternating, `--repeats` times each, every one in a fresh process and a fresh working folder
(so each writes its own `outputs/`): `python -c "pass"` (the interpreter's own start),
`python -c "import mesa"` (Mesa and what it pulls in), `python run.py --no-plot` (the job without
its plot) and `python run.py` itself. For each: wall time (`time.perf_counter`) and CPU time of the
process (`resource.getrusage(RUSAGE_CHILDREN)`), median and min. Target (issue 13): `python run.py`
under 1.5 s wall on an idle machine. Then one more `python run.py` under `-X importtime` for a
breakdown: the top-level imports that cost most (importtime's own overhead inflates them a little).

    .venv/bin/python benchmarks/bench_cli.py [--repeats R] [--top K] [--json PATH]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from benchtools import ROOT, Report, median, positive_int, timed_process

TARGET_WALL = 1.5
PASS, MESA, NO_PLOT, MAIN = 'python -c "pass"', 'python -c "import mesa"', "python run.py --no-plot", "python run.py"
IMPORT_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|( *)(\S+)\s*$")


def commands() -> dict[str, list[str]]:
    py, run = sys.executable, str(ROOT / "run.py")
    return {
        PASS: [py, "-c", "pass"],
        MESA: [py, "-c", "import mesa"],
        NO_PLOT: [py, run, "--no-plot"],
        MAIN: [py, run],
    }


def top_imports(stderr: str, k: int) -> tuple[list[tuple[str, float]], float]:
    """The `k` top-level imports with the largest cumulative time (s), and the sum over all top-level ones."""
    top = []
    for line in stderr.splitlines():
        m = IMPORT_LINE.match(line)
        if m and len(m.group(3)) == 1:  # one space of indent: imported by the script itself, not by another module
            top.append((m.group(4), int(m.group(2)) / 1e6))
    top.sort(key=lambda x: -x[1])
    return top[:k], sum(s for _, s in top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=positive_int, default=5, help="runs of each command, alternating (default %(default)s)")
    parser.add_argument("--top", type=positive_int, default=8, help="imports in the breakdown (default %(default)s)")
    parser.add_argument("--json", type=Path, metavar="PATH")
    args = parser.parse_args(argv)

    cmds = commands()
    wall: dict[str, list[float]] = {c: [] for c in cmds}
    cpu: dict[str, list[float]] = {c: [] for c in cmds}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeats):
            for label, cmd in cmds.items():
                folder = Path(tmp) / f"{r}-{len(wall[label])}-{abs(hash(label))}"
                folder.mkdir()
                w, c, _ = timed_process(cmd, cwd=folder)
                wall[label].append(w)
                cpu[label].append(c)
        folder = Path(tmp) / "importtime"
        folder.mkdir()
        it_wall, _, stderr = timed_process([sys.executable, "-X", "importtime", str(ROOT / "run.py")], cwd=folder)
    top, total_imports = top_imports(stderr, args.top)

    report = Report(f"bench_cli: whole processes, {args.repeats} alternating repeats of each, each in a fresh folder; "
                    "median (min) wall and CPU")
    report.notes.append("baselines: the interpreter alone, and `import mesa`, measured in the same alternation")
    for label in cmds:
        w, c = wall[label], cpu[label]
        target = f"< {TARGET_WALL:g} s wall" if label == MAIN else ""
        met = median(w) < TARGET_WALL if label == MAIN else None
        baseline = ""
        if label in (MAIN, NO_PLOT):
            baseline = f"{median(wall[MESA]):.2f} s (import mesa)"
        elif label == MESA:
            baseline = f"{median(wall[PASS]):.2f} s (pass)"
        report.add(f"{label}: wall", f"{median(w):.2f} s ({min(w):.2f})", baseline, target, met, median(w))
        report.add(f"{label}: CPU", f"{median(c):.2f} s ({min(c):.2f})", "", "", None, median(c))
    plot = median(wall[MAIN]) - median(wall[NO_PLOT])
    report.add("the plot's share of `python run.py` (wall, with its imports)", f"{plot:.2f} s",
               f"{median(wall[MAIN]):.2f} s (the whole job)", "", None, plot)
    report.add("imports under -X importtime (top-level, summed)", f"{total_imports:.2f} s",
               f"{it_wall:.2f} s (that run's wall)", "", None, total_imports)
    for name, seconds in top:
        report.add(f"  import {name}", f"{seconds:.3f} s", "", "", None, seconds)
    report.print(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
