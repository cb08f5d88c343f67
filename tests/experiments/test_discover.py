"""Scenario discovery (PRIM boxes) and the direction of effects in `analyze`, on data whose answer is known."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from negotiation.common.errors import InputError
from negotiation.experiments.discover import discover, find_boxes, phrase
from negotiation.experiments.sensitivity import describe, direction


def fake_sweep(tmp_path, n: int = 400):
    """A sweep folder whose deals hold exactly where Bessent's influence is above 0.3 and breakdown below 0.1."""
    rng = np.random.default_rng(5)
    influence = rng.uniform(0.05, 0.45, n)
    breakdown = rng.uniform(0.0, 0.3, n)
    held = (influence > 0.3) & (breakdown < 0.1)
    runs = pd.DataFrame(
        {
            "run": np.arange(n),
            "param:officials[Bessent].influence": influence,
            "param:dynamics.breakdown": breakdown,
            "seed": np.arange(n),
            "status": "ok",
            "agreement_reached": True,
            "agreement_in_force_at_end": held,
            "lapses": (~held).astype(int),
            "escalations_US": np.where(held, 0, 3),
            "escalations_China": np.where(held, 0, 1),
        }
    )
    folder = tmp_path / "sweep"
    folder.mkdir()
    runs.to_parquet(folder / "runs.parquet")
    (folder / "manifest.json").write_text(
        json.dumps(
            {
                "sweep": "fake",
                "replicates": 1,
                "root_seed": 1,
                "scenario_hash": "0" * 64,
                "design": {"method": "random"},
            }
        )
    )
    return folder, held


def test_prim_finds_the_box_the_data_were_made_from(tmp_path):
    folder, held = fake_sweep(tmp_path)
    result = discover(folder, "deal_held", threshold=0.9)
    first = result.boxes[0]
    assert first["density"] >= 0.9 and first["coverage"] >= 0.8
    assert "Bessent's influence at least 0.3" in first["where"] and "breakdown (dynamics) at most 0.1" in first["where"]
    assert "coverage" in result.text and (folder / "discover-deal_held" / "boxes.csv").exists()
    with pytest.raises(InputError, match="already holds a discovery"):
        discover(folder, "deal_held", threshold=0.9)


def test_an_outcome_confined_to_no_region_gets_no_box():
    rng = np.random.default_rng(1)
    inputs = pd.DataFrame({"param:a": rng.random(300), "param:b": rng.random(300)})
    assert find_boxes(inputs, rng.random(300) < 0.3, threshold=0.9) == []


def test_discover_refuses_unknown_or_constant_outcomes(tmp_path):
    folder, _ = fake_sweep(tmp_path)
    with pytest.raises(InputError, match="unknown outcome 'deal_hold'.*did you mean 'deal_held'"):
        discover(folder, "deal_hold")
    with pytest.raises(InputError, match="in 0 of 400 runs"):
        discover(folder, "no_deal")
    res = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "discover", str(folder), "--outcome", "lapse", "--threshold", "1.5"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 2 and "--threshold" in res.stderr and "Traceback" not in res.stderr


def test_parameter_paths_read_as_words():
    assert phrase("officials[Bessent].influence") == "Bessent's influence"
    assert phrase("governments[US].strategy.params.exponent") == "US's strategy's exponent"
    assert phrase("dynamics.breakdown") == "breakdown (dynamics)"


def test_analyze_says_which_way_an_effect_goes():
    points = pd.DataFrame({"param:x": [0.0, 0.5, 1.0, 1.5], "deal": [0.9, 0.6, 0.4, 0.1]})
    rho = direction(points["param:x"], points["deal"].to_numpy())
    assert rho == pytest.approx(-1.0)
    rows = [{"parameter": "x", "measure": "morris_mu_star", "value": 0.8, "conf": 0.1, "direction_rho": rho}]
    assert "lowers it: rho -1.00" in describe("deal", rows, points)
    rows[0]["direction_rho"] = 0.7
    assert "raises it: rho +0.70" in describe("deal", rows, points)
