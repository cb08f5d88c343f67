"""What one run of the default scenario costs, against a do-nothing Mesa model, and against its own length.

1. A 26-round run of `scenarios/june_2025_call.yaml` (model construction plus every round, nothing
   written) against a bare Mesa model with as many agents (one per government, one per official)
   activated as many rounds, whose agents do nothing: the floor Mesa itself sets. Both are timed in
   this one process in alternating batches (`--runs` runs of each, seeds 0..runs-1), by CPU time
   (`time.process_time`), over `--repeats` repeats; the figure is the median of the per-repeat ratios.
   Target (issue 13): within 10x.
2. Cost against rounds: runs of `--long-rounds` rounds (default 1,000; the model's `rounds=`, which
   may exceed the calendar's own count) alternating with 26-round runs, each ratio per repeat, the
   median. Target: 1,000 rounds within 40x of 26 rounds (linear would be 38.5x).

    .venv/bin/python benchmarks/bench_run.py [--runs N] [--repeats R] [--long-rounds L] [--json PATH]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import mesa
from benchtools import DEFAULT_SCENARIO, Report, cpu_seconds, median, ms, positive_int

from negotiation.game.model import TradeTalksModel  # benchtools puts the checkout on the path
from negotiation.scenario import load_scenario

TARGET_FLOOR_RATIO = 10.0
TARGET_LONG_RATIO = 40.0  # at 1,000 rounds against 26
WARM_UP_RUNS = 3


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


def game_batch(scenario, runs: int, rounds: int | None = None) -> None:
    for seed in range(runs):
        TradeTalksModel(scenario, seed, rounds=rounds).run()


def floor_batch(n_agents: int, rounds: int, runs: int) -> None:
    for seed in range(runs):
        model = FloorModel(n_agents, seed)
        for _ in range(rounds):
            model.step()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=positive_int, default=10, help="runs of each model per batch (default %(default)s)")
    parser.add_argument("--repeats", type=positive_int, default=7, help="alternating repeats (default %(default)s)")
    parser.add_argument("--long-rounds", type=positive_int, default=1000, help="rounds of the long run (default %(default)s)")
    parser.add_argument("--long-repeats", type=positive_int, default=3, help="repeats of the long run (default %(default)s)")
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    parser.add_argument("--profile", type=int, default=0, metavar="K",
                        help="after the table, the K functions with most cumulative time in one run (cProfile); 0: none")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if args.profile < 0:
        parser.error("--profile must be 0 or more")

    scenario = load_scenario(args.scenario)
    n_agents = len(scenario.governments) + len(scenario.officials)
    rounds = scenario.calendar.rounds
    game_batch(scenario, WARM_UP_RUNS)
    floor_batch(n_agents, rounds, WARM_UP_RUNS)

    game_s, floor_s, ratios = [], [], []
    for _ in range(args.repeats):  # alternating: whatever else the machine does falls on both alike
        g = cpu_seconds(game_batch, scenario, args.runs) / args.runs
        f = cpu_seconds(floor_batch, n_agents, rounds, args.runs) / args.runs
        game_s.append(g)
        floor_s.append(f)
        ratios.append(g / f)
    ratio = median(ratios)

    short_s, long_s, long_ratios = [], [], []
    short_runs = max(1, args.runs // 4)
    for _ in range(args.long_repeats):
        s = cpu_seconds(game_batch, scenario, short_runs, rounds) / short_runs
        long = cpu_seconds(game_batch, scenario, 1, args.long_rounds)
        short_s.append(s)
        long_s.append(long)
        long_ratios.append(long / s)
    long_ratio = median(long_ratios)
    linear = args.long_rounds / rounds
    long_target = TARGET_LONG_RATIO * args.long_rounds / 1000

    report = Report(f"bench_run: one run of {args.scenario.name} ({n_agents} agents, {rounds} rounds), CPU time, "
                    f"{args.repeats} alternating repeats of {args.runs} runs each")
    report.notes.append("baseline: a Mesa model with the same agents and rounds whose agents do nothing")
    report.add(f"game run, {rounds} rounds (median)", ms(median(game_s)), ms(median(floor_s)) + " (Mesa floor)", "",
               None, median(game_s))
    report.add("game / Mesa floor (median of per-repeat ratios)", f"{ratio:.1f}x", "1x", f"<= {TARGET_FLOOR_RATIO:g}x",
               ratio <= TARGET_FLOOR_RATIO, ratio)
    report.add(f"game run, {args.long_rounds} rounds (median of {args.long_repeats})", ms(median(long_s)),
               ms(median(short_s)) + f" ({rounds} rounds)", "", None, median(long_s))
    report.add(f"{args.long_rounds} rounds / {rounds} rounds (median of per-repeat ratios)", f"{long_ratio:.1f}x",
               f"{linear:.1f}x if linear", f"<= {long_target:g}x", long_ratio <= long_target, long_ratio)
    report.add(f"CPU per round at {args.long_rounds} rounds / at {rounds}",
               f"{(median(long_s) / args.long_rounds) / (median(short_s) / rounds):.2f}x", "1x if linear", "", None)
    report.print(args.json)
    if args.profile:
        profile(scenario, args.profile)
    return 0


def profile(scenario, k: int) -> None:
    """Where a run's time goes: cProfile of one run (seed 1), the `k` functions with most cumulative time.

    cProfile's own overhead inflates many small calls, so read the shares, not the seconds.
    """
    import cProfile
    import io
    import pstats

    prof = cProfile.Profile()
    prof.runcall(game_batch, scenario, 1)
    out = io.StringIO()
    pstats.Stats(prof, stream=out).strip_dirs().sort_stats("cumulative").print_stats(k)
    print(f"profile of one run (cProfile, top {k} by cumulative time):")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:20000])


if __name__ == "__main__":
    sys.exit(main())
