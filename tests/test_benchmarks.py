"""The benchmarks run and print their figures (benchmarks/): no speed is asserted here, only that each works.

The fast tests check the pieces every script leans on (the table, argument checks, the importtime
parser); the slow ones run each script with tiny settings in its own process, the way
`benchmarks/run_all.py --quick` does, and look for every figure the issue names in its table.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))

import benchtools  # noqa: E402
import run_all  # noqa: E402
from bench_cli import top_imports  # noqa: E402


def run_script(name: str, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(BENCH / f"{name}.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout)


def test_report_table_shows_each_row_with_its_baseline_and_verdict(tmp_path):
    report = benchtools.Report("title line")
    report.add("game / floor", "12.0x", "1x", "<= 10x", False, 12.0)
    report.add("tables identical", "True", "", "True", True)
    report.add("a breakdown", "3 ms", "", "", None)
    text = report.render()
    lines = text.splitlines()
    assert lines[0] == "title line"
    assert lines[1].split() == ["figure", "measured", "baseline", "(same", "run)", "target", "met?"]
    assert lines[3].split()[-1] == "NO" and lines[4].split()[-1] == "yes" and lines[5].split()[-1] == "-"
    assert lines[-1].startswith("machine: ") and "CPUs" in lines[-1] and "numpy" in lines[-1]
    report.print(tmp_path / "f.json")
    data = json.loads((tmp_path / "f.json").read_text())
    assert [r["met"] for r in data["rows"]] == [False, True, None]
    assert data["rows"][0]["value"] == 12.0 and data["machine"]["cpu_count"] >= 1


def test_importtime_breakdown_keeps_top_level_imports_only():
    stderr = "\n".join([
        "import time: self [us] | cumulative | imported package",
        "import time:       100 |        100 |   numpy.core",
        "import time:       200 |     300000 | numpy",
        "import time:        50 |     900000 | mesa",
        "import time:        10 |         10 | _io",
    ])
    top, total = top_imports(stderr, 2)
    assert top == [("mesa", 0.9), ("numpy", 0.3)]
    assert total == pytest.approx(0.9 + 0.3 + 0.00001)


@pytest.mark.parametrize(("name", "args", "message"), [
    ("bench_run", ["--runs", "0"], "below 1"),
    ("bench_scale", ["--sizes", "2,x"], "not a comma-separated list"),
    ("bench_scale", ["--sizes", "1,4"], "at least 2"),
    ("run_all", ["--only", "bench_nothing"], "no benchmark named bench_nothing"),
])
def test_bad_arguments_get_one_message_and_no_traceback(name, args, message):
    proc = run_script(name, *args, timeout=60)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_run_all_knows_quick_and_full_settings_for_every_script():
    for name in (*run_all.SCRIPTS, "bench_ui"):
        assert name in run_all.QUICK and name in run_all.FULL
        assert (BENCH / f"{name}.py").exists()


# figures each script must print (issue 13's targets), run at tiny sizes
FIGURES = {
    "bench_run": ["game / Mesa floor (median of per-repeat ratios)", "52 rounds / 26 rounds", "<= 10x"],
    "bench_scale": ["fitted exponent k", "peak memory", "headline: 3 governments x 5 officials x 3 rounds", "(Mesa floor)"],
    "bench_cli": ['python -c "pass": wall', 'python -c "import mesa": wall', "python run.py: wall", "< 1.5 s wall",
                  "imports under -X importtime"],
    "bench_batch": ["speed-up 1 worker / 2", ">= 1.9x", "byte-identical", "True", "peak memory, main + workers, 40 runs",
                    "(20 runs)"],
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FIGURES))
def test_each_benchmark_prints_its_figures(name, tmp_path):
    proc = run_script(name, *run_all.QUICK[name], "--json", str(tmp_path / "f.json"))
    assert proc.returncode == 0, proc.stderr
    for figure in FIGURES[name]:
        assert figure in proc.stdout, (figure, proc.stdout)
    assert "machine: " in proc.stdout
    rows = json.loads((tmp_path / "f.json").read_text())["rows"]
    assert any(r["met"] is not None for r in rows)  # at least one target judged


@pytest.mark.slow
def test_run_benchmark_profiles_a_run_on_request():
    proc = run_script("bench_run", "--runs", "1", "--repeats", "1", "--long-rounds", "27", "--long-repeats", "1", "--profile", "5")
    assert proc.returncode == 0, proc.stderr
    profile = proc.stdout.split("profile of one run (cProfile, top 5 by cumulative time):", 1)[1]
    assert "model.py" in profile and "cumtime" in profile


@pytest.mark.slow
def test_negmas_benchmark_prints_its_ratio(tmp_path):
    pytest.importorskip("negmas")
    proc = run_script("bench_negmas", *run_all.QUICK["bench_negmas"])
    assert proc.returncode == 0, proc.stderr
    assert "43,008 outcomes (16 x 14 x 4 x 4 x 4 x 3)" in proc.stdout
    assert "NegMAS / game (median of per-repeat ratios)" in proc.stdout and ">= 30x" in proc.stdout
