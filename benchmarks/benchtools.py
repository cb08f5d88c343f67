"""What every benchmark here shares: the machine it ran on, the table of figures, and a few timers.

Each script prints its figures as one table, figure / measured / baseline / target / met?, where
the baseline is measured in the same run as the figure (never quoted from elsewhere), and the
machine: platform, CPU count, load average, Python, numpy and Mesa. Only public tools are used:
`time.process_time`, `time.perf_counter`, `resource.getrusage`, `subprocess`.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = ROOT / "scenarios" / "june_2025_call.yaml"
if str(ROOT) not in sys.path:  # `python benchmarks/x.py` from a checkout: the package beside this folder
    sys.path.insert(0, str(ROOT))


def machine() -> dict:
    """The machine and the versions a figure depends on (the load average says how busy it was)."""
    info = {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
    }
    with contextlib.suppress(OSError):  # not every system reports one
        info["load_average_1min"] = round(os.getloadavg()[0], 2)
    for name in ("numpy", "mesa"):
        try:
            info[name] = __import__(name).__version__
        except ImportError:
            info[name] = "not installed"
    return info


def machine_line(info: dict | None = None) -> str:
    info = info or machine()
    load = f", load average {info['load_average_1min']}" if "load_average_1min" in info else ""
    return (f"machine: {info['platform']}, {info['cpu_count']} CPUs{load}; Python {info['python']}, "
            f"numpy {info['numpy']}, Mesa {info['mesa']}")


@dataclass
class Figure:
    """One row of a benchmark's table: a figure, the baseline measured beside it, and the issue's target."""

    figure: str
    measured: str
    baseline: str
    target: str
    met: bool | None  # None: a figure with no target of its own (a breakdown, a baseline's context)
    value: float | None = None  # the measured number, for JSON


@dataclass
class Report:
    title: str
    notes: list[str] = field(default_factory=list)
    rows: list[Figure] = field(default_factory=list)

    def add(self, figure: str, measured: str, baseline: str = "", target: str = "", met: bool | None = None,
            value: float | None = None) -> None:
        self.rows.append(Figure(figure, measured, baseline, target, met, value))

    def render(self) -> str:
        head = ("figure", "measured", "baseline (same run)", "target", "met?")
        cells = [head] + [(r.figure, r.measured, r.baseline, r.target, {True: "yes", False: "NO", None: "-"}[r.met])
                          for r in self.rows]
        widths = [max(len(row[k]) for row in cells) for k in range(len(head))]
        lines = [self.title, *(f"  {n}" for n in self.notes)]
        for k, row in enumerate(cells):
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
            if k == 0:
                lines.append("  ".join("-" * w for w in widths))
        lines.append(machine_line())
        return "\n".join(lines)

    def print(self, json_path: Path | None = None) -> None:
        print(self.render(), flush=True)
        if json_path is not None:
            data = {"title": self.title, "notes": self.notes, "machine": machine(), "rows": [asdict(r) for r in self.rows]}
            json_path.write_text(json.dumps(data, indent=2) + "\n")
            print(f"wrote {json_path}")


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def cpu_seconds(run, *args) -> float:
    """CPU time of this process (user + system, `time.process_time`) spent in `run(*args)`."""
    start = time.process_time()
    run(*args)
    return time.process_time() - start


def children_cpu() -> float:
    """User + system CPU of every finished child process of this one, so far (`RUSAGE_CHILDREN`)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed_process(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, float, str]:
    """Run `cmd` to its end: its wall time, its CPU time (with any processes it waited for), its stderr.

    A failure stops the benchmark with the command's own message: a figure of a failed run means nothing.
    """
    cpu0, wall0 = children_cpu(), time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall, cpu = time.perf_counter() - wall0, children_cpu() - cpu0
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed (exit {proc.returncode}):\n{proc.stderr}")
    return wall, cpu, proc.stderr


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1, or one clear message."""
    import argparse

    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is below 1")
    return n


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3f} ms" if seconds < 0.01 else f"{seconds * 1e3:.1f} ms"
