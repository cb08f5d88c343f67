"""The multilateral scenario: the US and eleven partners in June 2025, sourced and playable with every pair in talks."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT
from test_scenario import _covered, _numeric_leaves

from negotiation.experiments.runner import read_runs
from negotiation.game.economy import implied_stress
from negotiation.game.model import TradeTalksModel
from negotiation.game.records import OfferMade
from negotiation.results import run
from negotiation.scenario import load_scenario

PATH = ROOT / "scenarios" / "us_partners_2025.yaml"
CUTOFF = dt.date(2025, 6, 4)  # the out-of-sample rule: nothing dated after it enters


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(PATH)


def partners(s):
    return [g.name for g in s.governments if g.name != "US"]


def test_it_validates_with_at_least_ten_governments(scenario):
    assert scenario.name == PATH.stem
    assert len(scenario.governments) >= 10
    for g in scenario.governments:  # each has a leader and one to three further officials
        team = [o for o in scenario.officials if o.government == g.name]
        assert 2 <= len(team) <= 4, g.name


def test_every_partner_is_in_talks_with_the_us_and_trades_both_ways(scenario):
    talks = {frozenset(t.between) for t in scenario.talks if t.open}
    flows = {(f.exporter, f.importer) for f in scenario.economy.trade}
    for p in partners(scenario):
        assert frozenset(("US", p)) in talks, p
        assert {(p, "US"), ("US", p)} <= flows, p


def test_every_number_names_its_source():
    raw = yaml.safe_load(PATH.read_text())
    unsourced = [p for p in _numeric_leaves(raw) if p != "schema_version" and not _covered(raw, p)]
    assert unsourced == []


def test_no_source_or_signature_is_dated_after_the_cutoff(scenario):
    """Later dates appear only as announced ones: pauses that end, meetings already scheduled."""
    assert all(src.published is None or src.published <= CUTOFF for src in scenario.sources)
    assert all(a.signed is None or a.signed <= CUTOFF for a in scenario.agreements)


def test_the_start_state_implies_the_stress_it_starts_at(scenario):
    """The stress pressure was fitted so that the 4 June state implies VIX 18 (0.3) as a steady state."""
    model = TradeTalksModel(scenario, seed=1)
    implied = implied_stress(model.economy.p, model.state.levels, sum(model.state.disputes.values()))
    assert implied == pytest.approx(scenario.economy.stress.initial, abs=0.005)


def test_a_short_run_plays_every_pair_and_records_every_flow(scenario):
    result = run(scenario, seed=1, rounds=4, analyse=False)
    offered = {frozenset((r.actor, r.responder)) for r in result.log if isinstance(r, OfferMade)}
    assert offered == {frozenset(("US", p)) for p in partners(scenario)}
    assert len(result.rows) == 5  # the start and four rounds
    for f in scenario.economy.trade:
        column = f"flow_{f.exporter}_{f.importer}"
        assert all(row[column] > 0 for row in result.rows), column
    first = result.rows[0]
    assert all(first[f"flow_{f.exporter}_{f.importer}"] == pytest.approx(f.initial if f.initial is not None else f.value)
               for f in scenario.economy.trade)


@pytest.mark.slow
def test_a_small_batch_completes(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "run.py"), "batch", str(PATH), "--runs", "4", "--rounds", "6",
                           "--workers", "2", "--out", str(tmp_path / "b")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "4 runs (0 already done, 0 errors)" in done.stdout
    runs = read_runs(tmp_path / "b")
    assert len(runs) == 4 and (runs["status"] == "ok").all()
    assert {f"final_utility_{g.name}" for g in load_scenario(PATH).governments} <= set(runs.columns)
