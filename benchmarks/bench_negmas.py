"""The game against NegMAS: one SAO negotiation between two Boulware agents over the same packages and rounds.

The outcome space is the default scenario's US-China pair as the game sees it at the start: one
issue per instrument of the pair, its values the instrument's grid, every combination an outcome
(`m.values.problem("US", "China").table`, 43,008 packages). Each side's utility function is a
table (NegMAS's `MappingUtilityFunction`) of the game's own government values of those packages
(`m.values.government_table`), its reserved value the value of no deal (the starting levels). The
mechanism is NegMAS's `SAOMechanism` with as many steps as the scenario has rounds (26), between
two `BoulwareTBNegotiator`s. Against it, in the same process, alternating batches: one whole run of
the game (construction and 26 rounds of the pair's talks, ratification and everything else a round
does). CPU time (`time.process_time`), median of per-repeat ratios. Aim (issue 13): our run 30x
faster than the NegMAS negotiation.

Building the two utility tables (dicts of 43,008 outcomes from the game's arrays) is timed apart
and reported beside: the game builds its own values inside its run.

NegMAS is an optional dependency of the benchmarks only: `pip install -e ".[bench]"`.

    .venv/bin/python benchmarks/bench_negmas.py [--runs N] [--repeats R] [--json PATH]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

from benchtools import DEFAULT_SCENARIO, Report, cpu_seconds, median, ms, positive_int

TARGET_FASTER = 30.0
PAIR = ("US", "China")


def outcome_space(model) -> tuple[list[str], list[list[float]], list[tuple[float, ...]], dict, dict, tuple[float, ...]]:
    """The pair's issues (names, grids), its outcomes, each side's utility of each, and the no-deal outcome."""
    g, h = PAIR
    problem = model.values.problem(g, h)
    names = [model.index.inst_names[int(i)] for i in problem.idx]
    grids = [[float(v) for v in grid] for grid in problem.grids]
    outcomes = [tuple(float(v) for v in row) for row in problem.table]
    utilities = (model.values.government_table(g, h), model.values.government_table(h, g))
    tables = tuple(dict(zip(outcomes, (float(u) for u in us), strict=True)) for us in utilities)
    no_deal = tuple(float(v) for v in problem.base[problem.idx])
    if no_deal not in tables[0]:
        sys.exit(f"the starting levels {no_deal} are not a package of the pair's grids: no reserved value to give NegMAS")
    return names, grids, outcomes, tables[0], tables[1], no_deal


def negotiate(negmas, names, grids, table_g, table_h, no_deal, steps: int):
    """One SAO negotiation between two Boulware negotiators with table utilities; its final state."""
    issues = [negmas.make_issue(values=grid, name=name) for name, grid in zip(names, grids, strict=True)]
    mechanism = negmas.SAOMechanism(issues=issues, n_steps=steps, time_limit=None)
    for name, table in zip(PAIR, (table_g, table_h), strict=True):
        ufun = negmas.MappingUtilityFunction(table, outcome_space=mechanism.outcome_space, reserved_value=table[no_deal])
        mechanism.add(negmas.BoulwareTBNegotiator(name=name), preferences=ufun)
    return mechanism.run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=positive_int, default=5, help="negotiations and game runs per batch (default %(default)s)")
    parser.add_argument("--repeats", type=positive_int, default=5, help="alternating repeats (default %(default)s)")
    parser.add_argument("--json", type=Path, metavar="PATH")
    args = parser.parse_args(argv)
    try:
        import negmas
    except ImportError:
        sys.exit("bench_negmas needs NegMAS, an optional benchmark dependency: pip install -e \".[bench]\"")

    from negotiation.game.model import TradeTalksModel
    from negotiation.scenario import load_scenario

    scenario = load_scenario(DEFAULT_SCENARIO)
    steps = scenario.calendar.rounds
    start = time.process_time()
    names, grids, outcomes, table_g, table_h, no_deal = outcome_space(TradeTalksModel(scenario, 0))
    build = time.process_time() - start

    def negmas_batch() -> None:
        for _ in range(args.runs):
            negotiate(negmas, names, grids, table_g, table_h, no_deal, steps)

    def game_batch(first: int) -> None:
        for seed in range(first, first + args.runs):
            TradeTalksModel(scenario, seed).run()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NegMAS may warn about its optional extras; the figures do not depend on them
        state = negotiate(negmas, names, grids, table_g, table_h, no_deal, steps)  # warm-up, and what it agrees
        game_batch(0)
        theirs, ours, ratios = [], [], []
        for r in range(args.repeats):
            n = cpu_seconds(negmas_batch) / args.runs
            o = cpu_seconds(game_batch, 1 + r * args.runs) / args.runs
            theirs.append(n)
            ours.append(o)
            ratios.append(n / o)
    ratio = median(ratios)

    report = Report(f"bench_negmas: NegMAS {negmas.__version__} SAO, two Boulware negotiators, {len(outcomes):,} outcomes "
                    f"({' x '.join(str(len(g)) for g in grids)}), {steps} steps; against one run of the game "
                    f"({DEFAULT_SCENARIO.name}); CPU time, {args.repeats} alternating repeats of {args.runs} each")
    agreement = "none" if state.agreement is None else f"{dict(zip(names, state.agreement, strict=True))} at step {state.step}"
    report.notes.append(f"the NegMAS negotiation's agreement: {agreement}")
    report.add("NegMAS SAO negotiation (median)", ms(median(theirs)), "", "", None, median(theirs))
    report.add("one run of the game, 26 rounds (median)", ms(median(ours)), ms(median(theirs)) + " (NegMAS)", "", None, median(ours))
    report.add("NegMAS / game (median of per-repeat ratios)", f"{ratio:.2f}x", "1x",
               f">= {TARGET_FASTER:g}x (ours faster)", ratio >= TARGET_FASTER, ratio)
    report.add("the two utility tables for NegMAS, from the game (once)", ms(build), ms(median(ours)) + " (a game run)", "", None, build)
    report.print(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
