"""Sweeps and batches: sweep files, designs, backends, streaming storage, failures, resume, analysis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest
from conftest import DEFAULT, ROOT

from negotiation.common.errors import InputError
from negotiation.experiments.runner import execute, read_runs
from negotiation.experiments.sweeps import Method, SweepError, SweepSpec, design_points, expected_points, load_sweep, unit_sample

SWEEPS = sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml"))


def write_sweep(tmp_path, body: str, name: str = "s.yaml"):
    path = tmp_path / name
    path.write_text(f"name: test\nscenario: {DEFAULT}\n" + body)
    return path


SMALL = """
seed: 3
rounds: 8
replicates: 3
design: {method: grid}
parameters:
  - path: officials[Bessent].influence
    levels: [0.1, 0.4]
  - path: governments[China].strategy.name
    levels: [tit_for_tat, gradual]
metrics: [agreement_reached, first_agreement_round, lapses, escalations_US, escalations_China, mean_utility_US]
"""


@pytest.mark.parametrize("path", SWEEPS, ids=lambda p: p.stem)
def test_shipped_sweeps_load(path):
    sweep = load_sweep(path)
    assert len(sweep.points()) == expected_points(sweep.spec) > 1


# ----------------------------------------------------------------------------- bad sweep files


@pytest.mark.parametrize(
    "body,field,words",
    [
        ("parameters:\n  - path: officials[Besent].influence\n    bounds: [0, 1]\n", "parameters[0].path", "did you mean 'Bessent'"),
        ("parameters:\n  - path: economy.elasticity\n    bounds: [1, 2]\n", "parameters[0].path", "did you mean 'tariff_elasticity'"),
        ("parameters:\n  - path: governments[US].strategy.params.exponant\n    bounds: [1, 2]\n", "parameters[0].path", "did you mean 'exponent'"),
        ("parameters:\n  - path: officials[Bessent].influence\n    bounds: [1, 0.5]\n", "parameters[0]", "bounds must rise"),
        ("parameters:\n  - path: officials[Bessent].influence\n    bounds: [0, 1]\n    levels: [1]\n", "parameters[0]", "exactly one of bounds or levels"),
        ("parameters:\n  - path: officials[Bessent].influence\n    bounds: [-1, 0.5]\n", "parameters[0]", "greater than 0"),
        ("design: {method: sobol, samples: 10}\nparameters:\n  - path: economy.tariff_elasticity\n    bounds: [1, 3]\n", "design.samples", "power of 2"),
        ("design: {method: latin}\n", "design.method", "'grid', 'random', 'lhs', 'sobol' or 'morris'"),
        ("metrics: [agreement_reachd]\n", "metrics[0]", "did you mean 'agreement_reached'"),
        ("replicates: 0\n", "replicates", "greater than or equal to 1"),
        ("replicates: 2\nreplicate: 2\n", "replicate", "unknown field"),
        ("metrics: []\n", "metrics", "at least 1 item"),
    ],
)
def test_bad_sweep_files_get_one_clear_message(tmp_path, body, field, words):
    path = write_sweep(tmp_path, body)
    with pytest.raises(SweepError) as info:
        load_sweep(path)
    message = str(info.value)
    assert message.startswith(str(path)) and field in message and words in message, message


def test_a_missing_scenario_is_named(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("name: t\nscenario: nowhere.yaml\n")
    with pytest.raises(SweepError, match="scenario: .*nowhere.yaml: no such file"):
        load_sweep(path)


# ----------------------------------------------------------------------------- designs


def spec(method, samples=8, n=3, **design):
    params = [{"path": f"p{k}", "bounds": [0, 1]} for k in range(n)]
    return SweepSpec.model_validate(
        {"name": "t", "scenario": "x", "design": {"method": method, "samples": samples, **design}, "parameters": params}
    )


@pytest.mark.parametrize(
    "method,kwargs,size",
    [
        (Method.GRID, {"points": 4}, 4**3),
        (Method.RANDOM, {"samples": 10}, 10),
        (Method.LHS, {"samples": 10}, 10),
        (Method.SOBOL, {"samples": 8}, 8 * (2 * 3 + 2)),
        (Method.MORRIS, {"samples": 5}, 5 * (3 + 1)),
    ],
)
def test_designs_have_the_sizes_their_methods_promise(method, kwargs, size):
    s = spec(method, **kwargs)
    points = design_points(s)
    assert len(points) == size == expected_points(s)
    assert design_points(s) == points  # seeded: the same every time
    for point in points:
        assert all(0 <= v <= 1 for v in point.values())


def test_latin_hypercube_puts_one_point_in_each_stratum():
    x = unit_sample(spec(Method.LHS, samples=10))
    for column in x.T:
        assert sorted((column * 10).astype(int)) == list(range(10))


def test_grid_uses_levels_as_given(tmp_path):
    sweep = load_sweep(write_sweep(tmp_path, SMALL))
    assert [tuple(p.values()) for p in sweep.points()] == [
        (0.1, "tit_for_tat"), (0.1, "gradual"), (0.4, "tit_for_tat"), (0.4, "gradual")
    ]
    assert sweep.scenario_at(sweep.points()[1]).government("China").strategy.name == "gradual"


# ----------------------------------------------------------------------------- execution


@pytest.mark.slow  # end to end through real processes; CI runs it
def test_serial_and_pool_give_identical_tables(tmp_path):
    sweep = load_sweep(write_sweep(tmp_path, SMALL))
    execute(sweep, tmp_path / "serial", "serial", 1, chunk_size=2)
    execute(sweep, tmp_path / "pool", "pool", 2, chunk_size=2)
    a = (tmp_path / "serial" / "runs.parquet").read_bytes()
    assert a == (tmp_path / "pool" / "runs.parquet").read_bytes()
    runs = read_runs(tmp_path / "serial")
    assert list(runs["run"]) == list(range(12))
    assert (runs["status"] == "ok").all()
    # replicate r has the same seed at every design point (common random numbers)
    assert runs.groupby(runs["run"] % 3)["seed"].nunique().tolist() == [1, 1, 1]
    assert runs["seed"].nunique() == 3


@pytest.mark.slow
def test_dask_gives_the_same_table(tmp_path):
    pytest.importorskip("distributed")
    sweep = load_sweep(write_sweep(tmp_path, SMALL))
    execute(sweep, tmp_path / "serial", "serial", 1, chunk_size=3)
    execute(sweep, tmp_path / "dask", "dask", 2, chunk_size=3)  # starts a local cluster on 127.0.0.1
    assert (tmp_path / "serial" / "runs.parquet").read_bytes() == (tmp_path / "dask" / "runs.parquet").read_bytes()


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch):
    import negotiation.results.result as results

    real = results.run

    def flaky(scenario, seed, **kw):
        if seed == real_seeds[1]:
            raise RuntimeError("boom")
        return real(scenario, seed, **kw)

    from negotiation.experiments.runner import replicate_seeds

    real_seeds = replicate_seeds(3, 3)
    monkeypatch.setattr(results, "run", flaky)
    sweep = load_sweep(write_sweep(tmp_path, SMALL))
    outcome = execute(sweep, tmp_path / "out", "serial", 1, chunk_size=5)
    runs = read_runs(tmp_path / "out")
    assert outcome.errors == 4 and len(runs) == 12
    failed = runs[runs["status"] == "error"]
    assert list(failed["run"]) == [1, 4, 7, 10]
    assert failed["error"].str.contains("RuntimeError: boom").all()
    assert failed["agreement_reached"].isna().all()
    assert (runs[runs["status"] == "ok"]["agreement_reached"].notna()).all()


@pytest.mark.slow  # end to end or many runs; CI runs it
def test_existing_results_are_never_overwritten(tmp_path):
    sweep = load_sweep(write_sweep(tmp_path, SMALL))
    execute(sweep, tmp_path / "out", "serial", 1)
    before = (tmp_path / "out" / "runs.parquet").read_bytes()
    with pytest.raises(InputError, match="already holds a sweep's results"):
        execute(sweep, tmp_path / "out", "serial", 1)
    other = load_sweep(write_sweep(tmp_path, SMALL.replace("seed: 3", "seed: 4"), "other.yaml"))
    with pytest.raises(InputError, match="different sweep"):
        execute(other, tmp_path / "out", "serial", 1, resume=True)
    assert (tmp_path / "out" / "runs.parquet").read_bytes() == before


def cli(*args, cwd, **kw):
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300, **kw)


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_an_interrupted_sweep_resumes_to_the_same_table(tmp_path, how):
    path = write_sweep(tmp_path, SMALL.replace("replicates: 3", "replicates: 6").replace("rounds: 8", "rounds: 26"))
    straight = cli("sweep", path, "--chunk", 1, "--out", tmp_path / "straight", cwd=tmp_path)
    assert straight.returncode == 0, straight.stderr
    out = tmp_path / "cut"
    proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "sweep", str(path), "--chunk", "1", "--out", str(out)],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((out / "parts").glob("part-*.parquet"))) < 5:
        time.sleep(0.02)
    proc.send_signal(how)
    _, err = proc.communicate(timeout=60)
    done = len(list((out / "parts").glob("part-*.parquet")))
    assert 5 <= done < 24, "the sweep should have been cut part-way"
    if how == signal.SIGINT:
        assert proc.returncode == 130 and "--resume" in err and "Traceback" not in err
    resumed = cli("sweep", path, "--chunk", 1, "--resume", "--out", out, cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert f"({done} already done" in resumed.stdout
    table = pq.read_table(out / "runs.parquet")
    assert table.column("run").to_pylist() == list(range(24))  # every run exactly once
    assert (out / "runs.parquet").read_bytes() == (tmp_path / "straight" / "runs.parquet").read_bytes()


@pytest.mark.slow  # end to end through real processes; CI runs it
def test_batch_command(tmp_path):
    done = cli("batch", DEFAULT, "--runs", 6, "--rounds", 6, "--workers", 2, "--csv", "--out", tmp_path / "b", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "6 runs (0 already done, 0 errors)" in done.stdout
    runs = read_runs(tmp_path / "b")
    assert len(runs) == 6 and runs["seed"].nunique() == 6 and (runs["status"] == "ok").all()
    assert (tmp_path / "b" / "runs.csv").read_text().count("\n") == 7
    again = cli("batch", DEFAULT, "--runs", 6, "--out", tmp_path / "b", cwd=tmp_path)
    assert again.returncode == 2 and "already holds" in again.stderr and "Traceback" not in again.stderr
    report = cli("analyze", tmp_path / "b", cwd=tmp_path)
    assert report.returncode == 0 and "No parameter was varied" in report.stdout and "Deal" in report.stdout
    assert "nan" not in report.stdout  # the spread of a batch comes from its runs
    missing = cli("analyze", tmp_path / "nowhere", cwd=tmp_path)
    assert missing.returncode == 2 and "no such folder" in missing.stderr
    debrief = cli("debrief", tmp_path / "b", cwd=tmp_path)
    assert debrief.returncode == 2 and "this is a sweep's folder" in debrief.stderr


@pytest.mark.slow  # end to end through real processes; CI runs it
def test_analyze_reports_sensitivity_for_a_morris_design(tmp_path):
    body = """
seed: 2
rounds: 26
replicates: 3
design: {method: morris, samples: 4, levels: 4}
parameters:
  - path: governments[US].strategy.params.exponent
    bounds: [0.2, 3.0]
  - path: dynamics.violation_rate
    bounds: [0.0, 1.0]
metrics: [agreement_reached, agreement_in_force_at_end, lapses, escalations_US, escalations_China, mean_utility_US]
"""
    sweep = load_sweep(write_sweep(tmp_path, body))
    execute(sweep, tmp_path / "m", "serial", 1)
    from negotiation.experiments.sensitivity import analyze

    report = analyze(tmp_path / "m")
    assert "design morris" in report.text
    indices = (tmp_path / "m" / "analysis" / "indices.csv").read_text()
    assert "morris_mu_star" in indices and "dynamics.violation_rate" in indices
    for name in ("outcomes_vs_parameters.png", "agreement_map.png", "report.md"):
        assert (tmp_path / "m" / "analysis" / name).read_bytes()[:4] in (b"\x89PNG", b"# Wh")


@pytest.mark.slow
def test_dask_retries_the_runs_of_a_dead_worker(tmp_path):
    """A worker killed mid-sweep on a cluster reached by address: its chunks are redone, none twice."""
    import threading

    from distributed import Client, LocalCluster

    sweep = load_sweep(write_sweep(tmp_path, SMALL.replace("replicates: 3", "replicates: 30").replace("rounds: 8", "rounds: 26")))
    execute(sweep, tmp_path / "serial", "serial", 1, chunk_size=1)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1") as cluster:
        with Client(cluster) as client:
            pids = client.run(os.getpid)
        errors = []
        job = threading.Thread(target=lambda: errors.append(
            execute(sweep, tmp_path / "dask", "dask", 2, scheduler=cluster.scheduler_address, chunk_size=1)))
        job.start()
        deadline = time.time() + 60
        while time.time() < deadline and len(list((tmp_path / "dask" / "parts").glob("part-*.parquet"))) < 4:
            time.sleep(0.02)
        at_kill = len(list((tmp_path / "dask" / "parts").glob("part-*.parquet")))
        os.kill(next(iter(pids.values())), signal.SIGKILL)
        job.join(timeout=180)
    assert not job.is_alive()
    assert 4 <= at_kill < 120, "the worker should die mid-sweep"
    assert (tmp_path / "dask" / "runs.parquet").read_bytes() == (tmp_path / "serial" / "runs.parquet").read_bytes()


@pytest.mark.slow  # end to end through real processes; CI runs it
def test_progress_shows_on_a_terminal_and_stays_quiet_otherwise(tmp_path):
    import fcntl
    import pty
    import select
    import struct
    import termios

    args = [sys.executable, str(ROOT / "run.py"), "batch", str(DEFAULT), "--runs", "12", "--rounds", "4"]
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    proc = subprocess.Popen([*args, "--out", str(tmp_path / "tty")], stdin=slave, stdout=slave, stderr=slave,
                            close_fds=True)
    os.close(slave)
    screen, deadline = b"", time.time() + 120
    while time.time() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
        elif proc.poll() is not None:
            break
    proc.wait(timeout=30)
    text = screen.decode(errors="replace")
    assert "12/12" in text and "run/s" in text  # count, rate (and time left, in tqdm's [elapsed<left])
    piped = cli(*args[2:], "--out", tmp_path / "pipe", cwd=tmp_path)
    assert piped.returncode == 0 and "run/s" not in piped.stderr and "%|" not in piped.stderr
