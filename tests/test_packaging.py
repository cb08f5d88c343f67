"""The game as installed: shipped files found inside the package, the package list, the README's
Python example as written, and (slow) a built wheel that plays from a folder outside the checkout."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import DEFAULT, ROOT, SCENARIOS

from negotiation.common.errors import InputError
from negotiation.common.shipped import (
    shipped_lesson,
    shipped_lessons,
    shipped_scenario,
    shipped_scenarios,
    shipped_schema,
    shipped_sweep,
    shipped_sweeps,
)

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PINNED_RUN = ROOT / "tests" / "pinned" / "runs"
PINNED_SUMMARY = ROOT / "tests" / "pinned" / "summary" / "june_2025_call-seed1.txt"


# ----------------------------------------------------------------------------- shipped files


def test_the_package_ships_the_checkouts_scenarios_sweeps_and_lessons():
    # The top-level folders are the one copy: from a checkout, what the package finds are those files.
    pairs = {
        **{f"scenario {n}": (p, ROOT / "scenarios" / p.name) for n, p in shipped_scenarios().items()},
        **{f"sweep {n}": (p, ROOT / "scenarios" / "sweeps" / p.name) for n, p in shipped_sweeps().items()},
        **{f"lesson {n}": (p, ROOT / "lessons" / p.name) for n, p in shipped_lessons().items()},
        "schema": (shipped_schema(), ROOT / "scenarios" / "scenario.schema.json"),
    }
    assert sorted(shipped_scenarios()) == [p.stem for p in SCENARIOS]
    assert sorted(shipped_sweeps()) == sorted(p.stem for p in (ROOT / "scenarios" / "sweeps").glob("*.yaml"))
    assert sorted(shipped_lessons()) == sorted(p.stem for p in (ROOT / "lessons").glob("*.yaml"))
    for what, (packaged, top) in pairs.items():
        assert packaged.samefile(top), f"{what}: the package finds {packaged}, not the checkout's {top}"


def test_an_unknown_shipped_name_says_which_exist():
    with pytest.raises(InputError) as caught:
        shipped_scenario("june_2025_cal")
    message = caught.value.render()
    assert "no shipped scenario" in message and "did you mean 'june_2025_call'?" in message


def test_a_shipped_sweep_finds_its_scenario_and_a_lesson_loads():
    from negotiation.experiments.sweeps import load_sweep
    from negotiation.scenario import load_scenario
    from negotiation.teaching.transcript import load_lesson

    sweep = load_sweep(shipped_sweep("leaders_ear"))
    assert Path(sweep.scenario_path) == shipped_scenario().resolve()
    lesson = load_lesson(shipped_lesson("leader"), load_scenario(shipped_scenario()), rounds=8)
    assert [item.name for item in lesson.injects] == ["new_chip_rule"]


def test_the_default_scenario_comes_from_the_package():
    from negotiation.cli import DEFAULT_SCENARIO

    assert shipped_scenario("june_2025_call") == DEFAULT_SCENARIO
    assert DEFAULT_SCENARIO.read_bytes() == DEFAULT.read_bytes()


def test_every_folder_of_the_package_is_in_the_package_list():
    # Discovery cannot see the mapped data folders, so pyproject.toml lists packages by hand:
    # a new subpackage missing from the list would be missing from the wheel.
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    folders = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "negotiation").rglob("__init__.py")}
    assert folders - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    mapped = PYPROJECT["tool"]["setuptools"]["package-dir"]
    assert mapped == {"negotiation.data.scenarios": "scenarios", "negotiation.data.lessons": "lessons"}
    for package, folder in mapped.items():
        assert (ROOT / folder / "__init__.py").is_file(), f"{folder}/ needs its __init__.py to be {package}"


# ----------------------------------------------------------------------------- README


def readme_example() -> str:
    """The fenced Python block under the README's "In a few lines of Python" heading, as written."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^## In a few lines of Python[^\n]*\n(?:(?!^## ).)*?^```python\n(.*?)^```", text, re.S | re.M)
    assert found, "README.md has no ```python block under '## In a few lines of Python'"
    return found.group(1)


def test_the_readme_python_example_runs_as_written():
    done = subprocess.run([sys.executable, "-c", readme_example()], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    pinned = PINNED_RUN / "june_2025_call-seed4"
    summary = json.loads((pinned / "summary.json").read_text(encoding="utf-8"))
    last = (pinned / "rounds.csv").read_text(encoding="utf-8").splitlines()
    row = dict(zip(last[0].split(","), last[-1].split(",")))
    # What it prints is the seed-4 run that tests/test_pinned.py pins: a deal or not, and when.
    assert lines[0] == f"{summary['agreement_reached']} {summary['first_agreement_round']}"
    tariff, utility = lines[1].split()
    assert float(tariff) == float(row["level_us_tariff_cn"]) and float(utility) == float(row["utility_China"])
    story = done.stdout.split("\n", 2)[2]
    assert story.startswith("# After the Trump-Xi call of 5 June 2025\n\n## Round 1 (5 Jun 2025)")
    assert story == (pinned / "story.md").read_text(encoding="utf-8")[:600] + "\n"


# ----------------------------------------------------------------------------- the wheel


def tracked(*folders: str) -> list[str]:
    """Files git tracks under these folders (what a fresh clone has)."""
    out = subprocess.run(["git", "ls-files", *folders], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.split()


def run_in(folder: Path, *cmd, env: dict, timeout: int = 600) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in cmd], cwd=folder, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.mark.slow
def test_a_built_wheel_plays_the_default_scenario_from_any_folder(tmp_path):
    # No PYTHONPATH, no checkout on the path: the installed wheel alone.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    dist, elsewhere, env_dir = tmp_path / "dist", tmp_path / "elsewhere", tmp_path / "venv"
    elsewhere.mkdir()
    # `python -m build` as a user runs it: the sdist first, then the wheel from the unpacked sdist,
    # so a file missing from either fails here.
    run_in(ROOT, sys.executable, "-m", "build", "--outdir", dist, ROOT, env=env)
    wheel = next(dist.glob("negotiation-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    want = {*tracked("negotiation"), *(f"negotiation/data/{p}" for p in tracked("scenarios", "lessons"))}
    assert want - names == set(), "missing from the wheel"
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)

    # A fresh venv: the dependencies come from the package index, as for any user.
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    bin_dir = env_dir / "bin"
    run_in(elsewhere, bin_dir / "python", "-m", "pip", "install", "-q", wheel, env=env, timeout=900)

    helped = run_in(elsewhere, bin_dir / "trade-talks", "--help", env=env)
    assert "With no command, plays the default scenario." in helped.stdout
    played = run_in(elsewhere, bin_dir / "trade-talks", "run", "--no-plot", "--out", "OUT", env=env)
    assert played.stdout.startswith(PINNED_SUMMARY.read_text(encoding="utf-8")), "the installed game plays differently"
    folder = elsewhere / "OUT" / "june_2025_call-seed1"
    for name in ("rounds.csv", "summary.json", "story.md", "log.csv", "manifest.json"):
        assert (folder / name).stat().st_size > 0, name
    assert (folder / "story.md").read_text(encoding="utf-8") == (PINNED_RUN / folder.name / "story.md").read_text(
        encoding="utf-8")
    source = Path(json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["scenario_file"])
    assert source.is_relative_to(env_dir) and source.name == "june_2025_call.yaml", source

    # Every shipped file, by the paths the installed package gives, loads from there.
    listed = run_in(elsewhere, bin_dir / "python", "-c", "from negotiation.common.shipped import shipped_scenarios as s; "
                    "print('\\n'.join(map(str, s().values())))", env=env).stdout.split()
    assert [Path(p).stem for p in listed] == [p.stem for p in SCENARIOS]
    checked = run_in(elsewhere, bin_dir / "trade-talks", "validate", *listed, env=env)
    assert checked.stdout.count("ok: ") == len(SCENARIOS)
    run_in(elsewhere, bin_dir / "python", "-c", "from negotiation.common.shipped import shipped_sweeps as s; "
           "from negotiation.experiments.sweeps import load_sweep; [load_sweep(p) for p in s().values()]", env=env)
