"""The real commands, end to end, in a subprocess on a temporary folder."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest
from conftest import DEFAULT, ROOT, SCENARIOS

from negotiation.scenario import load_scenario


def cli(*args, cwd):
    return subprocess.run(
        [sys.executable, str(ROOT / "run.py"), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_no_arguments_runs_the_default_scenario(tmp_path):
    done = cli(cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "After the Trump-Xi call of 5 June 2025" in out
    assert "What happened:" in out and "US tariff on China" in out
    folder = tmp_path / "outputs" / "june_2025_call-seed1"
    assert f"Wrote {folder.relative_to(tmp_path)}/" in out
    for name in ("rounds.csv", "summary.json", "story.md", "log.csv", "manifest.json", "run.png"):
        assert (folder / name).stat().st_size > 0, name
    assert (folder / "run.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "## Round 1 (5 Jun 2025)" in (folder / "story.md").read_text()


def test_run_with_options_writes_what_it_says(tmp_path):
    done = cli("run", DEFAULT, "--rounds", 5, "--seed", 3, "--out", tmp_path / "res", "--no-plot", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "res" / "june_2025_call-seed3-rounds5"
    rows = list(csv.DictReader((folder / "rounds.csv").open()))
    assert [int(r["round"]) for r in rows] == [0, 1, 2, 3, 4, 5]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["seed"] == 3 and manifest["rounds"] == 5
    assert manifest["scenario_hash"] == load_scenario(DEFAULT).digest()
    assert manifest["version"] and manifest["dependencies"]["mesa"]
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["seed"] == 3 and summary["rounds"] == 5
    assert not (folder / "run.png").exists()


@pytest.mark.slow  # end to end or many runs; CI runs it
def test_the_same_seed_writes_identical_files(tmp_path):
    for out in ("a", "b"):
        assert cli("run", "--seed", 7, "--out", tmp_path / out, "--no-plot", cwd=tmp_path).returncode == 0
    for name in ("rounds.csv", "summary.json", "story.md", "log.csv"):
        a = (tmp_path / "a" / "june_2025_call-seed7" / name).read_bytes()
        b = (tmp_path / "b" / "june_2025_call-seed7" / name).read_bytes()
        assert a == b, name


def test_validate_accepts_every_shipped_scenario(tmp_path):
    done = cli("validate", *SCENARIOS, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("ok: ") == len(SCENARIOS)


def test_a_bad_scenario_gets_one_message_and_no_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(DEFAULT.read_text().replace("    government: China\n    role: leader", "    government: Chna\n    role: leader"))
    done = cli("validate", DEFAULT, bad, cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        f"error: {bad}: officials[4].government: unknown government 'Chna' (known: US, China; did you mean 'China'?)"
    )
    assert "ok: " in done.stdout  # the good file is still reported


@pytest.mark.parametrize(
    "args,words",
    [
        (["run", "--rounds", "0"], "must be 1 or more"),
        (["run", "--seed", "-1"], "must be 0 or more"),
        (["run", "--seed", "abc"], "is not a whole number"),
        (["run", "missing.yaml"], "missing.yaml: no such file"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(tmp_path, args, words):
    done = cli(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert words in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow  # end to end or many runs; CI runs it
def test_a_failed_run_leaves_earlier_results_intact(tmp_path):
    out = tmp_path / "res"
    assert cli("run", "--seed", 1, "--out", out, "--no-plot", cwd=tmp_path).returncode == 0
    folder = out / "june_2025_call-seed1"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    bad = tmp_path / "june_2025_call.yaml"
    bad.write_text(DEFAULT.read_text().replace("  rounds: 26\n", "  rounds: -3\n"))
    done = cli("run", bad, "--seed", 1, "--out", out, cwd=tmp_path)
    assert done.returncode == 2
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_schema_command_prints_the_schema(tmp_path):
    done = cli("schema", cwd=tmp_path)
    assert done.returncode == 0
    schema = json.loads(done.stdout)
    assert "officials" in schema["properties"] and schema["additionalProperties"] is False


@pytest.mark.parametrize(
    "old,new,words",
    [
        ("  rounds: 26\n", "  rounds: 26\n  roundz: 3\n", "calendar.roundz: unknown field"),
        ("    influence: 0.40\n", "    influence: .nan\n", "officials[0].influence: Input should be a finite number"),
        ("name: june_2025_call\n", "name: june_2025_call\nname: again\n", "duplicate key 'name'"),
    ],
    ids=["unknown key", "NaN", "duplicate key"],
)
def test_bad_files_through_the_real_command(tmp_path, old, new, words):
    bad = tmp_path / "bad.yaml"
    bad.write_text(DEFAULT.read_text().replace(old, new, 1))
    done = cli("run", bad, "--out", tmp_path / "o", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: {bad}") and words in done.stderr, done.stderr
    assert not (tmp_path / "o").exists()


def test_an_unwritable_output_gets_a_message_not_a_traceback(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    done = cli("run", "--rounds", 2, "--no-plot", "--out", blocker, cwd=tmp_path)
    assert done.returncode == 3 and "Traceback" not in done.stderr and done.stderr.startswith("error:")
