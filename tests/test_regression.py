"""Every shipped scenario against its recorded summary (seed 1).

The records change only on purpose: after a deliberate change to the model or a scenario, run
`UPDATE_EXPECTED=1 python -m pytest tests/test_regression.py` and commit the new files with a
message saying why the outcomes moved.
"""

from __future__ import annotations

import json
import math
import os

import pytest
from conftest import ROOT, SCENARIOS

from negotiation.results import run
from negotiation.scenario import load_scenario

EXPECTED = ROOT / "tests" / "expected"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_summary_matches_the_record(path):
    summary = run(load_scenario(path), seed=1).summary
    record = EXPECTED / f"{path.stem}.json"
    if os.environ.get("UPDATE_EXPECTED"):
        record.parent.mkdir(exist_ok=True)
        record.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    assert record.exists(), f"no record for {path.name}: run UPDATE_EXPECTED=1 python -m pytest {__file__}"
    expected = json.loads(record.read_text())
    assert sorted(summary) == sorted(expected)
    for key, want in expected.items():
        got = summary[key]
        if isinstance(want, float):
            assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12), f"{key}: {got} != recorded {want}"
        else:
            assert got == want, f"{key}: {got!r} != recorded {want!r}"
