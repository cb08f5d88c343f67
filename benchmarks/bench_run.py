"""How fast is one run of the default scenario, against the floor Mesa itself sets?

Times full runs of `scenarios/june_2025_call.yaml` (model construction plus every round, nothing
written to disk) over many seeds, and in the same process and the same way a bare Mesa model with
as many agents (one per government and one per official) and as many rounds, whose agents do
nothing. The ratio of the two says how much of a run is the game's own work; the issue's aim is
to stay within 3x of the floor. Each figure is the best of a few repeats, to reduce noise.

    .venv/bin/python benchmarks/bench_run.py [--runs N] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import mesa
import numpy as np

from negotiation.game.model import TradeTalksModel
from negotiation.scenario import Scenario, load_scenario

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "june_2025_call.yaml"
REPEATS = 5
WARM_UP_RUNS = 20
TARGET_RATIO = 3.0  # the issue: "aim: within 3x of the floor"


class IdleAgent(mesa.Agent):
    """An agent whose turn does nothing: what Mesa charges for scheduling it."""

    def step(self) -> None:
        pass


class FloorModel(mesa.Model):
    """A bare Mesa model with `n_agents` idle agents, activated once per round in random order."""

    def __init__(self, n_agents: int, seed: int):
        super().__init__(rng=seed)
        IdleAgent.create_agents(self, n_agents)

    def step(self) -> None:
        self.agents.shuffle_do("step")


def game_run(scenario: Scenario) -> Callable[[int], None]:
    def run(seed: int) -> None:
        TradeTalksModel(scenario, seed).run()

    return run


def floor_run(n_agents: int, rounds: int) -> Callable[[int], None]:
    def run(seed: int) -> None:
        model = FloorModel(n_agents, seed)
        for _ in range(rounds):
            model.step()

    return run


def best_seconds_per_run(run: Callable[[int], None], runs: int, repeats: int = REPEATS) -> float:
    """Best, over `repeats`, of the mean wall time of `runs` runs on seeds 0..runs-1."""
    for seed in range(WARM_UP_RUNS):
        run(seed)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for seed in range(runs):
            run(seed)
        best = min(best, time.perf_counter() - start)
    return best / runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="runs per repeat (default 200)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    scenario = load_scenario(SCENARIO)
    n_agents = len(scenario.governments) + len(scenario.officials)
    rounds = scenario.calendar.rounds

    game_s = best_seconds_per_run(game_run(scenario), args.runs)
    floor_s = best_seconds_per_run(floor_run(n_agents, rounds), args.runs)
    ratio = game_s / floor_s
    met = ratio <= TARGET_RATIO

    figures = {
        "scenario": SCENARIO.name,
        "runs_per_repeat": args.runs,
        "repeats": REPEATS,
        "agents": n_agents,
        "rounds": rounds,
        "game": {"runs_per_s": 1 / game_s, "ms_per_run": game_s * 1e3},
        "floor": {"runs_per_s": 1 / floor_s, "ms_per_run": floor_s * 1e3},
        "ratio": ratio,
        "target_ratio": TARGET_RATIO,
        "target_met": met,
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "numpy": np.__version__,
    }

    print(f"{SCENARIO.name}: {n_agents} agents, {rounds} rounds; best of {REPEATS} x {args.runs} runs")
    print(f"{'':<14}{'runs/s':>10}{'ms/run':>10}")
    for label, key in (("game", "game"), ("Mesa floor", "floor")):
        print(f"{label:<14}{figures[key]['runs_per_s']:>10.1f}{figures[key]['ms_per_run']:>10.3f}")
    print(f"ratio game/floor: {ratio:.1f}x")
    print(f"aim: within {TARGET_RATIO:g}x of the floor -> {'met' if met else 'not met'}")
    print(f"Python {figures['python']}, Mesa {figures['mesa']}, numpy {figures['numpy']}")

    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
