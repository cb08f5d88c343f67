"""The code passes its linters: ruff over the code, tests and benchmarks, and mypy over the package.

Both read their settings from pyproject.toml. A checkout without a tool (installed without the
[test] extra) skips its test; in CI (the `CI` variable set) a missing tool fails instead, so the
check cannot quietly stop running there.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT


def command(tool: str) -> list[str]:
    """How to run `tool`: as a module of this interpreter, else from PATH; skipped (failed in CI) if absent."""
    if importlib.util.find_spec(tool) is not None:
        return [sys.executable, "-m", tool]
    found = shutil.which(tool)
    if found is not None:
        return [found]
    if os.environ.get("CI"):
        pytest.fail(f"CI must have {tool} (the [test] extra installs it)")
    pytest.skip(f"{tool} is not installed: pip install -e '.[test]'")


def passes(tool: str, args: list[str], timeout: float) -> None:
    """`tool args` run from the checkout's root exits 0; otherwise the failure shows what it printed."""
    done = subprocess.run([*command(tool), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join([tool, *args])} exited {done.returncode}:\n{done.stdout}{done.stderr}"


def test_ruff_finds_nothing():
    passes("ruff", ["check", "negotiation", "tests", "benchmarks", "run.py"], timeout=120)


@pytest.mark.slow
def test_mypy_finds_nothing():
    passes("mypy", [], timeout=900)  # the files to check come from [tool.mypy] in pyproject.toml


def test_a_missing_tool_is_skipped_here_and_fails_in_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        command("no-such-linter")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must have no-such-linter"):
        command("no-such-linter")


def test_a_finding_fails_and_shows_the_output(tmp_path):
    command("ruff")  # skips (fails in CI) without ruff
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"(?s)exited 1:.*F401.*bad\.py:1"):
        passes("ruff", ["check", "--no-cache", str(bad)], timeout=120)
