"""Calibration files and ABC-SMC: bad specs refused, a known parameter recovered from synthetic data."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml
from conftest import ROOT

from negotiation.common.errors import InputError
from negotiation.experiments.backtest import row_day, trace_run
from negotiation.experiments.calibrate import (
    CalibrationError,
    basis_owner,
    calibrate,
    load_calibration,
    simulation_seed,
)
from negotiation.experiments.sweeps import apply
from negotiation.scenario import load_scenario, parse_scenario

JAN = ROOT / "scenarios" / "us_china_2025_jan.yaml"
OBSERVED = ROOT / "scenarios" / "observed" / "us_china_2025_h1.csv"
SHIPPED_SPEC = ROOT / "scenarios" / "calibration" / "us_china_2025_window.yaml"


def spec_file(tmp_path, **fields):
    spec = {
        "name": "t",
        "scenario": str(JAN),
        "observed": str(OBSERVED),
        "parameters": [{"path": "economy.stress.speed", "bounds": [0.05, 1.0]}],
        "statistics": ["stress"],
        "population": 10,
        "generations": 1,
        **fields,
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def test_the_shipped_calibration_file_loads():
    cal = load_calibration(SHIPPED_SPEC)
    assert cal.base.name == "us_china_2025_jan" and len(cal.spec.parameters) == 5


@pytest.mark.parametrize(
    "fields, words",
    [
        (
            {"parameters": [{"path": "economy.stres.speed", "bounds": [0, 1]}]},
            "parameters[0].path: economy.stres.speed",
        ),
        ({"parameters": [{"path": "economy.stress.speed", "bounds": [1, 0]}]}, "bounds must rise"),
        (
            {"parameters": [{"path": "economy.stress.speed", "bounds": [0.1, 1], "prior": "normal"}]},
            "needs mean and sd",
        ),
        (
            {"parameters": [{"path": "economy.stress.speed", "bounds": [0.1, 3]}]},
            "parameters[0].bounds: at economy.stress.speed = 3",
        ),
        ({"parameters": [{"path": "name", "bounds": [0, 1]}]}, "is not a number"),
        ({"parameters": []}, "parameters"),
        ({"population": 2}, "population"),
        ({"statistics": ["vibes"]}, "statistics"),
        ({"distance": {"kind": "cosine"}}, "distance.kind"),
        ({"scenario": "nowhere.yaml"}, "scenario: "),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_a_bad_calibration_file_is_named_with_its_field(tmp_path, fields, words):
    with pytest.raises(CalibrationError) as err:
        load_calibration(spec_file(tmp_path, **fields))
    assert words in err.value.render(), err.value.render()


def test_a_statistic_the_record_cannot_give_is_refused(tmp_path):
    record = tmp_path / "levels.csv"
    record.write_text(
        "date,kind,name,value,unit,source,confidence,note\n2025-01-20,level,us_tariff_cn,0,percent,s,high,\n"
    )
    with pytest.raises(CalibrationError, match="'stress' needs vix indicator rows"):
        load_calibration(spec_file(tmp_path, observed=str(record)))


def test_a_simulation_seed_depends_on_the_values_and_the_root_only():
    a = simulation_seed(1, {"x": 0.5, "y": 0.25})
    assert a == simulation_seed(1, {"y": 0.25, "x": 0.5})
    assert a != simulation_seed(2, {"x": 0.5, "y": 0.25}) and a != simulation_seed(1, {"x": 0.5, "y": 0.26})


def test_a_fitted_value_gets_its_basis_where_the_scenario_keeps_it():
    data = load_scenario(JAN).model_dump(mode="json")
    owner, key = basis_owner(data, "economy.stress.speed")
    assert owner is data["economy"] and key == "stress.speed"
    owner, key = basis_owner(data, "governments[US].coercion.threats.propensity")
    assert owner is data["governments"][0]["coercion"]["threats"] and key == "propensity"
    owner, key = basis_owner(data, "officials[Bessent].influence")
    assert owner["name"] == "Bessent" and key == "influence"


def synthetic(tmp_path, speed: float, rounds: int = 10, path: str = "economy.stress.speed"):
    """A shortened January scenario and the record one of its runs writes with `path` (default economy.stress.speed)
    at `speed`."""
    base = load_scenario(JAN).with_rounds(rounds)
    data = base.model_dump(mode="json")
    data["events"] = [d for e, d in zip(base.events, data["events"]) if base.event_round(e) <= rounds]
    scenario_path = tmp_path / "short.yaml"
    scenario_path.write_text(yaml.safe_dump(data, sort_keys=False))
    truth = parse_scenario(apply(data, {path: speed}))
    trace = trace_run(truth, 12345)
    lines = ["date,kind,name,value,unit,source,confidence,note\n"]
    for r in range(rounds + 1):
        day = row_day(truth, r)
        lines += [f"{day},level,{i.name},{trace.levels[i.name][r]},u,synthetic,high,\n" for i in truth.instruments]
        if r >= 1:  # a VIX close on the round's last day stands for the round (stress = VIX / 60)
            lines.append(f"{day},indicator,vix,{trace.levels['market_stress'][r] * 60},index points,synthetic,high,\n")
    record = tmp_path / "synthetic.csv"
    record.write_text("".join(lines))
    return scenario_path, record


@pytest.mark.slow
def test_calibration_recovers_a_known_parameter_within_its_90_percent_interval(tmp_path):
    # The calm markets' floor moves stress in every round, so ten rounds of VIX identify it; the market's speed,
    # since contacts and officials' moves made runs vary more from seed to seed, no longer narrows in a test's budget.
    scenario_path, record = synthetic(tmp_path, speed=0.3, path="economy.stress.floor")
    spec = spec_file(
        tmp_path, scenario=str(scenario_path), observed=str(record), population=30, generations=3, backtest_runs=2,
        parameters=[{"path": "economy.stress.floor", "bounds": [0.0, 0.6]}],
    )
    result = calibrate(load_calibration(spec), tmp_path / "out", echo=lambda line: None)
    (fit,) = result.posterior
    assert fit["q05"] <= 0.3 <= fit["q95"], fit
    assert fit["q95"] - fit["q05"] < 0.5 * 0.6  # the data narrowed the prior to less than half its width
    calibrated = load_scenario(result.scenario_file)
    assert calibrated.economy.basis["stress.floor"].startswith("calibration: posterior median")
    assert (tmp_path / "out" / "backtest" / "report.md").exists() and (tmp_path / "out" / "manifest.json").exists()


@pytest.mark.slow
def test_a_calibration_resumes_from_its_database_and_refuses_to_overwrite_it(tmp_path):
    scenario_path, record = synthetic(tmp_path, speed=0.6, rounds=4)
    spec = spec_file(
        tmp_path, scenario=str(scenario_path), observed=str(record), population=6, generations=1, backtest_runs=1
    )
    out = tmp_path / "out"
    calibrate(load_calibration(spec), out, echo=lambda line: None)
    with pytest.raises(InputError, match="add --force"):
        calibrate(load_calibration(spec), out, echo=lambda line: None)
    longer = spec_file(
        tmp_path, scenario=str(scenario_path), observed=str(record), population=6, generations=2, backtest_runs=1
    )
    said = []
    calibrate(load_calibration(longer), out, resume=True, echo=said.append)
    assert any("1 generation(s) done, 1 to go" in line for line in said)
    import pyabc

    assert pyabc.History(f"sqlite:///{tmp_path / 'out.db'}").max_t == 1
    other = spec_file(tmp_path, scenario=str(scenario_path), observed=str(record), population=7, generations=2)
    with pytest.raises(CalibrationError, match="another spec"):
        calibrate(load_calibration(other), out, resume=True, echo=lambda line: None)


def test_calibrate_command_refuses_a_bad_spec_without_a_traceback(tmp_path):
    spec = spec_file(tmp_path, parameters=[{"path": "dynamics.nothing", "bounds": [0, 1]}])
    res = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "calibrate", str(spec)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 2 and "parameters[0].path: dynamics.nothing" in res.stderr
    assert "Traceback" not in res.stderr
