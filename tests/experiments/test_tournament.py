"""Tournaments: the right runs, seeded from one tree, aggregated and ranked reproducibly."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

from negotiation.experiments.tournament import rank, replicate_seeds, tournament

PAIR = ("hard_line", "tit_for_tat")


@pytest.fixture(scope="module")
def small(default_scenario):
    return tournament([default_scenario.with_rounds(10)], PAIR, replicates=3, seed=5)


def test_seed_tree_is_reproducible_and_distinct():
    seeds = replicate_seeds(5, 2, 4)
    assert seeds == replicate_seeds(5, 2, 4)
    assert len({s for branch in seeds for s in branch}) == 8
    assert replicate_seeds(6, 2, 4) != seeds


def test_every_pairing_plays_every_replicate_on_common_seeds(small):
    assert len(small.runs) == 2 * 2 * 3
    assert {(r["strategy_a"], r["strategy_b"]) for r in small.runs} == {(a, b) for a in PAIR for b in PAIR}
    seeds = replicate_seeds(5, 1, 3)[0]
    for row in small.runs:
        assert row["seed"] == seeds[row["replicate"]]
        assert (row["seat_a"], row["seat_b"]) == ("US", "China")


@pytest.mark.slow  # end to end or many runs; CI runs it
def test_the_same_seed_reproduces_the_tournament(small, default_scenario):
    again = tournament([default_scenario.with_rounds(10)], PAIR, replicates=3, seed=5)
    assert again.runs == small.runs and again.ranking == small.ranking


def test_pairings_and_ranking_are_the_means_of_the_runs(small):
    for p in small.pairings:
        rows = [r for r in small.runs if (r["strategy_a"], r["strategy_b"]) == (p["strategy_a"], p["strategy_b"])]
        assert p["runs"] == 3
        assert p["mean_utility_a"] == pytest.approx(sum(r["mean_utility_a"] for r in rows) / 3)
        assert p["agreement_rate"] == pytest.approx(sum(r["agreement_reached"] for r in rows) / 3)
    for row in small.ranking:
        as_a = [r["mean_utility_a"] for r in small.runs if r["strategy_a"] == row["strategy"]]
        as_b = [r["mean_utility_b"] for r in small.runs if r["strategy_b"] == row["strategy"]]
        assert row["score"] == pytest.approx((sum(as_a) / len(as_a) + sum(as_b) / len(as_b)) / 2)
    scores = [row["score"] for row in small.ranking]
    assert scores == sorted(scores, reverse=True) and [r["rank"] for r in small.ranking] == [1, 2]


def test_rank_orders_by_seat_balanced_mean():
    runs = [
        {"strategy_a": "x", "strategy_b": "y", "mean_utility_a": 0.9, "mean_utility_b": 0.1,
         "agreement_reached": True, "first_agreement_round": 4, "nash_distance": 0.2,
         "escalations_a": 0, "escalations_b": 2},
        {"strategy_a": "y", "strategy_b": "x", "mean_utility_a": 0.5, "mean_utility_b": 0.3,
         "agreement_reached": False, "first_agreement_round": None, "nash_distance": 0.4,
         "escalations_a": 1, "escalations_b": 0},
        {"strategy_a": "x", "strategy_b": "x", "mean_utility_a": 0.6, "mean_utility_b": 0.6,
         "agreement_reached": True, "first_agreement_round": 2, "nash_distance": 0.0,
         "escalations_a": 0, "escalations_b": 0},
        {"strategy_a": "y", "strategy_b": "y", "mean_utility_a": 0.4, "mean_utility_b": 0.2,
         "agreement_reached": False, "first_agreement_round": None, "nash_distance": 0.6,
         "escalations_a": 3, "escalations_b": 3},
    ]  # fmt: skip
    table = rank(runs, ("x", "y"))
    assert [r["strategy"] for r in table] == ["x", "y"]
    # x: seat A (0.9 + 0.6) / 2, seat B (0.3 + 0.6) / 2; y: seat A (0.5 + 0.4) / 2, seat B (0.1 + 0.2) / 2
    assert table[0]["score"] == pytest.approx((0.75 + 0.45) / 2) and table[1]["score"] == pytest.approx((0.45 + 0.15) / 2)
    # standard error over opponents: x scored (0.6 + 0.6) / 2 = 0.6 against x and (0.9 + 0.3) / 2 = 0.6 against y
    assert table[0]["stderr"] == pytest.approx(0.0)
    assert table[0]["agreement_rate"] == pytest.approx(2 / 3) and table[0]["mean_rounds_to_agreement"] == pytest.approx(3)
    assert table[1]["escalations_per_run"] == pytest.approx((1 + 2 + 3 + 3) / 4)


def test_unknown_strategy_is_refused(default_scenario):
    with pytest.raises(KeyError, match="nope"):
        tournament([default_scenario], ("nope",), replicates=1)


def cli(*args, cwd):
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.slow  # end to end through real processes; CI runs it
def test_tournament_command_end_to_end(tmp_path):
    args = ("tournament", "--strategies", ",".join(PAIR), "--replicates", 2, "--seed", 3)
    done = cli(*args, "--out", tmp_path / "a", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "rank  strategy" in done.stdout and "hard_line" in done.stdout
    folder = tmp_path / "a"  # --out is the results' folder itself, as for batch and sweep
    for name in ("runs.csv", "pairings.csv", "ranking.csv", "heatmap-june_2025_call.png", "manifest.json"):
        assert (folder / name).stat().st_size > 0
    assert len((folder / "runs.csv").read_text().splitlines()) == 1 + 2 * 2 * 2
    assert cli(*args, "--out", tmp_path / "b", "--workers", 2, cwd=tmp_path).returncode == 0  # the same, in a pool
    for name in ("runs.csv", "pairings.csv", "ranking.csv"):
        assert (folder / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_tournament_command_rejects_an_unknown_strategy(tmp_path):
    done = cli("tournament", "--strategies", "tit_for_tatt", "--replicates", 1, cwd=tmp_path)
    assert done.returncode == 2
    assert "did you mean 'tit_for_tat'" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow  # end to end or many runs; CI runs it
def test_tournament_command_keeps_earlier_results_and_refuses_empty_lists(tmp_path):
    first = cli("tournament", "--strategies", "random", "--replicates", 1, "--out", tmp_path, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    before = (tmp_path / "runs.csv").read_bytes()
    again = cli("tournament", "--strategies", "hard_line", "--replicates", 1, "--out", tmp_path, cwd=tmp_path)
    assert again.returncode == 2 and "already holds a tournament" in again.stderr
    assert (tmp_path / "runs.csv").read_bytes() == before
    empty = cli("tournament", "--strategies", " , ", "--out", tmp_path / "e", cwd=tmp_path)
    assert empty.returncode == 2 and "name at least one strategy" in empty.stderr
