"""Observed records and back-tests: the scores by hand, the game scored against itself, bad records refused."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT

from negotiation.experiments.backtest import (
    STRESS,
    backtest,
    band,
    crps_ensemble,
    in_band,
    inputs_only,
    replicate_seeds,
    row_day,
    trace_run,
)
from negotiation.experiments.observed import LAST_DAY, EventName, ObservedError, load_observed, parse_observed
from negotiation.scenario import load_scenario

JAN = ROOT / "scenarios" / "us_china_2025_jan.yaml"
OBSERVED = ROOT / "scenarios" / "observed" / "us_china_2025_h1.csv"
HEADER = "date,kind,name,value,unit,source,confidence,note\n"


# ----------------------------------------------------------------------------- the arithmetic by hand


def test_crps_of_a_two_member_ensemble_by_hand():
    # mean |x - y| = (4 + 6) / 2 = 5; mean |x_i - x_j| over the four ordered pairs = (0 + 10 + 10 + 0) / 4 = 5
    assert crps_ensemble(np.array([0.0, 10.0]), 4.0) == pytest.approx(5 - 5 / 2)


def test_crps_of_one_member_is_its_absolute_error_and_of_a_perfect_ensemble_zero():
    assert crps_ensemble(np.array([7.0]), 3.0) == pytest.approx(4.0)
    assert crps_ensemble(np.array([2.0, 2.0, 2.0]), 2.0) == 0.0


def test_crps_rewards_a_spread_that_brackets_the_outcome_over_a_wrong_point():
    assert crps_ensemble(np.array([0.0, 10.0]), 5.0) < crps_ensemble(np.array([10.0, 10.0]), 5.0)


def test_band_and_coverage_by_hand():
    members = np.arange(11.0)  # 0..10: linear percentiles 0.5 and 9.5
    assert band(members) == pytest.approx((0.5, 9.5))
    assert in_band(members, 5.0) and in_band(members, 0.5) and in_band(members, 9.5)
    assert not in_band(members, 0.4) and not in_band(members, 9.6)


def test_inputs_only_applies_the_scheduled_decrees_and_nothing_else():
    s = load_scenario(JAN)
    series = inputs_only(s, "us_tariff_cn", s.calendar.rounds + 1)
    assert series[:3] == [0, 0, 0] and series[3] == 10 and series[7] == 20  # 4 Feb is round 3, 4 Mar round 7
    assert series[11] == 30 and series[12] == 54 and series[-1] == 54
    assert inputs_only(s, "cn_tariff_us", 5) == [0] * 5  # no decree moves China's tariff


# ----------------------------------------------------------------------------- the game against itself


def own_record(tmp_path, scenario, seed: int):
    """An observed record written from one run of the scenario: its levels at every round's end."""
    trace = trace_run(scenario, seed)
    lines = [HEADER]
    for r in range(scenario.calendar.rounds + 1):
        day = row_day(scenario, r)
        for i in scenario.instruments:
            lines.append(f"{day},level,{i.name},{trace.levels[i.name][r]},u,own run seed {seed},high,\n")
    path = tmp_path / "own.csv"
    path.write_text("".join(lines))
    return path


def test_the_game_scores_perfectly_on_its_own_run_and_persistence_does_not(tmp_path):
    s = load_scenario(JAN).with_rounds(5)
    seed = replicate_seeds(7, 1)[0]  # the seed a one-run back-test with root 7 plays
    record = load_observed(own_record(tmp_path, s, seed))
    bt = backtest(s, record, runs=1, seed=7)
    assert {sc["series"] for sc in bt.scores} == {i.name for i in s.instruments}
    for sc in bt.scores:
        assert sc["mae"] == 0 and sc["crps"] == 0 and sc["coverage_5_95"] == 1
    tariff = bt.score_of("us_tariff_cn")  # the fentanyl tariff of round 3 moves it, so keeping the start level errs
    assert tariff["mae_persistence"] > 0 and tariff["crps_persistence"] > 0 and tariff["coverage_persistence"] < 1


def test_another_seed_does_not_score_perfectly_on_a_run_that_differs(tmp_path):
    s = load_scenario(JAN).with_rounds(5)
    record = load_observed(own_record(tmp_path, s, replicate_seeds(7, 1)[0]))
    shifted = s.model_copy(
        update={
            "instruments": tuple(
                i.model_copy(update={"initial": i.initial + i.step}) if i.name == "cn_tariff_us" else i
                for i in s.instruments
            )
        }
    )
    bt = backtest(shifted, record, runs=1, seed=7)
    assert bt.score_of("cn_tariff_us")["mae"] > 0


@pytest.mark.slow  # end to end or many runs; CI runs it
def test_a_backtest_is_the_same_with_one_worker_or_two():
    s = load_scenario(JAN).with_rounds(4)
    record = load_observed(OBSERVED)
    one = backtest(s, record, runs=3, seed=2, workers=1)
    two = backtest(s, record, runs=3, seed=2, workers=2)
    assert one.scores == two.scores and one.rounds == two.rounds and one.timing == two.timing


def test_vix_rows_become_market_stress_on_the_scenario_scale():
    s = load_scenario(JAN)
    bt = backtest(s.with_rounds(3), load_observed(OBSERVED), runs=1, seed=1)
    stress = bt.observed[STRESS]
    assert stress[0] == pytest.approx(16.60 / 60)  # 16 January, before the start: row 0
    assert stress[2] == pytest.approx(16.43 / 60)  # 31 January falls in round 2


# ----------------------------------------------------------------------------- the shipped record


def test_the_shipped_record_has_nothing_after_4_june_2025_and_a_source_on_every_row():
    with open(OBSERVED, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    assert len(rows) > 40
    for row in rows:
        assert dt.date.fromisoformat(row["date"]) <= dt.date(2025, 6, 4), row
        assert row["source"].strip(), row
        assert row["confidence"] in ("high", "medium", "low"), row
    s = load_scenario(JAN)
    record = load_observed(OBSERVED, {i.name: (i.min, i.max) for i in s.instruments})
    assert record.last_day <= LAST_DAY


def test_the_shipped_record_holds_the_2025_tariff_path():
    record = load_observed(OBSERVED)
    on = lambda name, day: record.level_on(name, dt.date.fromisoformat(day))  # noqa: E731
    assert [
        on("us_tariff_cn", d)
        for d in ("2025-01-20", "2025-02-04", "2025-03-04", "2025-04-09", "2025-04-10", "2025-05-14")
    ] == [0, 10, 20, 104, 145, 30]
    assert [on("cn_tariff_us", d) for d in ("2025-04-09", "2025-04-10", "2025-04-12", "2025-05-14")] == [0, 84, 125, 10]
    assert on("cn_minerals_us", "2025-04-03") == 1 and on("cn_minerals_us", "2025-04-04") == 2
    assert on("us_visas_cn", "2025-05-27") == 1 and on("us_visas_cn", "2025-05-28") == 2
    assert record.first_event(EventName.AGREEMENT) == dt.date(2025, 5, 12)
    assert record.first_event(EventName.CALL) is None  # the Trump-Xi call of 5 June lies outside the window


# ----------------------------------------------------------------------------- bad records


@pytest.mark.parametrize(
    "row, words",
    [
        ("2025-13-01,level,x,1,u,s,high,", "row 2.date: '2025-13-01' is not a date"),
        ("2025-06-05,event,call,,,s,high,", "after 2025-06-04"),
        ("2025-01-01,level,x,1,u,,high,", "row 2.source: every row names its source"),
        ("2025-01-01,rumour,x,1,u,s,high,", "row 2.kind: 'rumour' is not a kind"),
        ("2025-01-01,level,x,lots,u,s,high,", "row 2.value: 'lots' is not a finite number"),
        ("2025-01-01,level,x,nan,u,s,high,", "is not a finite number"),
        ("2025-01-01,level,x,1,u,s,sure,", "row 2.confidence: 'sure' is not a confidence"),
        ("2025-01-01,event,party,,,s,high,", "row 2.name: 'party' is not an event"),
        ("2025-01-01,level,x,1,u,s", "row 2: has 6 fields, not 8"),
    ],
)
def test_a_bad_row_is_named_with_its_field(row, words):
    with pytest.raises(ObservedError) as err:
        parse_observed(HEADER + row + "\n", "bad.csv")
    assert words in err.value.render() and err.value.render().startswith("bad.csv:")


def test_a_bad_header_rows_out_of_order_and_unknown_instruments_are_refused():
    with pytest.raises(ObservedError, match="header: the columns must be"):
        parse_observed("date,kind,name\n", "bad.csv")
    with pytest.raises(ObservedError, match="keep the rows in date order"):
        parse_observed(HEADER + "2025-02-01,level,x,1,u,s,high,\n2025-01-01,level,x,2,u,s,high,\n", "bad.csv")
    with pytest.raises(ObservedError, match="no instrument 'us_tarif_cn'.*did you mean 'us_tariff_cn'"):
        parse_observed(HEADER + "2025-01-01,level,us_tarif_cn,1,u,s,high,\n", "bad.csv", {"us_tariff_cn": (0, 145)})
    with pytest.raises(ObservedError, match="outside us_tariff_cn's bounds"):
        parse_observed(HEADER + "2025-01-01,level,us_tariff_cn,200,u,s,high,\n", "bad.csv", {"us_tariff_cn": (0, 145)})
    with pytest.raises(ObservedError, match="the file is empty"):
        parse_observed("", "bad.csv")


def cli(*args, cwd):
    return subprocess.run(
        [sys.executable, str(ROOT / "run.py"), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_backtest_command_refuses_a_bad_record_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "2025-01-01,level,us_tariff_cn,1,u,,high,\n")
    res = cli("backtest", JAN, "--observed", bad, "--runs", "2", cwd=tmp_path)
    assert res.returncode == 2 and "row 2.source" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.slow
def test_backtest_command_end_to_end(tmp_path):
    res = cli("backtest", JAN, "--observed", OBSERVED, "--runs", "2", "--out", tmp_path / "out", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    folder = tmp_path / "out" / "backtest-us_china_2025_jan-seed1-runs2"
    assert {p.name for p in folder.iterdir()} == {
        "scores.csv",
        "rounds.csv",
        "timing.csv",
        "backtest.png",
        "report.md",
        "manifest.json",
    }
    assert "| US tariff on China |" in (folder / "report.md").read_text()
    again = cli("backtest", JAN, "--observed", OBSERVED, "--runs", "2", "--out", tmp_path / "out", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr


def test_an_escalation_counts_as_a_governments_own_only_beyond_the_scheduled_decrees():
    from negotiation.experiments.backtest import own_escalation

    s, record = load_scenario(JAN), load_observed(OBSERVED)
    # the US tariffs of 4 February, 4 March and 5 April are inputs; the extra 50% and the H20 rule of 9 April are not
    assert own_escalation(s, record, "US") == dt.date(2025, 4, 9)
    assert own_escalation(s, record, "China") == dt.date(2025, 2, 4)  # China has no scheduled decree
    no_inputs = s.model_copy(update={"events": ()})
    assert own_escalation(no_inputs, record, "US") == dt.date(2025, 2, 4)
