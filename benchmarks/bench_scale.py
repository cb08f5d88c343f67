"""How the cost of a run grows with the number of governments (DESIGN.md, "Scale").

A synthetic scenario of N governments with 5 officials each, every pair holding a tariff on the
other and a pair of controls in one direction, and every pair in talks from the first round: the
densest multilateral game the format allows. For each N in `--sizes` (default 2,4,8,12,16,20) a
fresh child process builds the scenario and plays `--rounds` rounds (default 52), and reports the
CPU time of the model (construction and every round, `time.process_time`) and its own peak
resident memory (`ru_maxrss`), so that no size's memory masks another's. Beside each, measured in
the same child: a Mesa model with as many agents doing nothing for as many rounds, and the
child's peak memory before the scenario is built (the interpreter and its libraries).

Figures: CPU per round at each size, the exponent k of a power law fitted to them (cost per round
~ N ** k; target at most 2), and the headline "20 governments x 5 officials x 52 rounds: X s
(target < 10 s on one core), peak Y MiB (target < 1 GiB)".

    .venv/bin/python benchmarks/bench_scale.py [--rounds 52] [--sizes 2,4,8,12,16,20] [--seed 1] [--json PATH]
"""

from __future__ import annotations

import argparse
import copy
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from benchtools import DEFAULT_SCENARIO, Report, positive_int

ROLES = ("leader", "negotiator", "minister", "negotiator", "spokesbody")
TARGET_EXPONENT = 2.0
TARGET_SECONDS = 10.0  # 20 governments x 5 officials x 52 rounds, one core
TARGET_MIB = 1024.0
HEADLINE = 20


def synthetic(n: int, rounds: int) -> dict:
    """N governments, 5 officials each; tariffs both ways and chip controls one way in every pair; all pairs in talks."""
    from negotiation.scenario import load_scenario

    base = load_scenario(DEFAULT_SCENARIO).model_dump(mode="json", exclude_none=True)
    rng = np.random.default_rng(n)
    govs = [f"G{k:02d}" for k in range(n)]
    data = copy.deepcopy(base)
    data.update(name=f"scale_{n}", title=f"{n} governments", agreements=[], events=[], injects=[], basis={})
    data["calendar"] = {"start": "2025-06-05", "round_days": 7, "rounds": rounds}
    data["governments"] = [{"name": g, "strategy": {"name": ["time_concession", "tit_for_tat"][k % 2], "params": {}}}
                           for k, g in enumerate(govs)]
    instruments, talks, trade = [], [], []
    for i, a in enumerate(govs):
        for b in govs[i + 1:]:
            for x, y in ((a, b), (b, a)):
                instruments.append({"name": f"{x}_tariff_{y}", "kind": "tariff", "imposer": x, "target": y,
                                    "initial": float(rng.integers(1, 6) * 10), "min": 0, "max": 100, "step": 10,
                                    "curvature": 2.0})
                trade.append({"exporter": y, "importer": x, "value": float(rng.uniform(5, 100))})
            instruments.append({"name": f"{a}_chips_{b}", "kind": "chip_export_control", "imposer": a, "target": b,
                                "initial": 1.0, "min": 0, "max": 3, "step": 1, "curvature": 1.5})
            talks.append({"between": [a, b], "open": True, "first_proposer": a})
    officials = []
    for g in govs:
        mine = [i for i in instruments if g in (i["imposer"], i["target"])]
        for r, role in enumerate(ROLES):
            prefs = {i["name"]: {"ideal": float(i["max"] * rng.uniform(0, 0.6) if i["imposer"] == g else 0),
                                 "salience": float(rng.uniform(0.1, 1.0))} for i in mine}
            officials.append({"name": f"{g}_o{r}", "government": g, "role": role, "influence": float(rng.uniform(0.1, 1)),
                              "traits": {k: float(rng.uniform(0.2, 0.8)) for k in ("hawkishness", "patience", "trust")},
                              "preferences": prefs, "indicators": {"trade_balance": 0.5, "market_stress": 0.3},
                              "leverage": 0.2})
    data.update(governments=data["governments"], officials=officials, instruments=instruments, talks=talks)
    data["economy"] = {**data["economy"], "trade": trade}
    return data


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def child(n: int, rounds: int, seed: int) -> dict:
    """One size, in this (fresh) process: the game's CPU and peak memory, and the idle Mesa model's CPU."""
    from bench_run import FloorModel

    from negotiation.game.model import TradeTalksModel
    from negotiation.scenario import parse_scenario

    scenario = parse_scenario(synthetic(n, rounds), f"synthetic scale_{n}")
    floor = FloorModel(2, seed)  # warm Mesa up before either is timed
    floor.step()
    before = peak_mib()
    start = time.process_time()
    TradeTalksModel(scenario, seed).run()
    game = time.process_time() - start
    peak = peak_mib()
    start = time.process_time()
    floor = FloorModel(len(scenario.governments) + len(scenario.officials), seed)
    for _ in range(rounds):
        floor.step()
    floor_s = time.process_time() - start
    return {"n": n, "officials": len(scenario.officials), "instruments": len(scenario.instruments),
            "pairs": len(scenario.talks), "cpu": game, "floor_cpu": floor_s, "peak_mib": peak, "before_mib": before}


def measure(n: int, rounds: int, seed: int) -> dict:
    cmd = [sys.executable, __file__, "--child", str(n), "--rounds", str(rounds), "--seed", str(seed)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"the child for {n} governments failed (exit {proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def sizes_arg(text: str) -> list[int]:
    try:
        sizes = [int(x) for x in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of whole numbers") from None
    if any(s < 2 for s in sizes) or len(set(sizes)) != len(sizes):
        raise argparse.ArgumentTypeError(f"{text!r}: sizes are distinct numbers of governments, each at least 2")
    return sorted(sizes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=positive_int, default=52)
    parser.add_argument("--sizes", type=sizes_arg, default=sizes_arg("2,4,8,12,16,20"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, metavar="PATH")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(child(args.child, args.rounds, args.seed)))
        return 0

    results = []
    for n in args.sizes:
        results.append(measure(n, args.rounds, args.seed))
        r = results[-1]
        print(f"  {n:>3} governments, {r['officials']:>3} officials, {r['instruments']:>4} instruments, {r['pairs']:>4} pairs: "
              f"{r['cpu']:.2f} s CPU, {r['cpu'] / args.rounds * 1e3:.1f} ms/round, peak {r['peak_mib']:.0f} MiB", flush=True)
    report = Report(f"bench_scale: synthetic scenarios of N governments x 5 officials, all pairs in talks, "
                    f"{args.rounds} rounds, seed {args.seed}; one child process per size, CPU time")
    report.notes.append("baselines: a Mesa model with as many idle agents and rounds (CPU), and the child's peak "
                        "memory before the scenario is built")
    for r in results:
        report.add(f"{r['n']} governments: CPU per round", f"{r['cpu'] / args.rounds * 1e3:.1f} ms",
                   f"{r['floor_cpu'] / args.rounds * 1e3:.3f} ms (Mesa floor)", "", None, r["cpu"] / args.rounds)
    if len(results) >= 2:
        sizes = np.array([r["n"] for r in results], dtype=float)
        per_round = np.array([r["cpu"] / args.rounds for r in results])
        k = float(np.polyfit(np.log(sizes), np.log(per_round), 1)[0])
        k_floor = float(np.polyfit(np.log(sizes), np.log([r["floor_cpu"] / args.rounds for r in results]), 1)[0])
        report.add(f"fitted exponent k, CPU per round ~ N ** k (N = {','.join(str(r['n']) for r in results)})",
                   f"{k:.2f}", f"{k_floor:.2f} (Mesa floor)", f"<= {TARGET_EXPONENT:g}", k <= TARGET_EXPONENT, k)
        last, prev = results[-1], results[-2]
        k_top = float(np.log(last["cpu"] / prev["cpu"]) / np.log(last["n"] / prev["n"]))
        report.add(f"local exponent between N = {prev['n']} and {last['n']}", f"{k_top:.2f}", "", "", None, k_top)
    top = next((r for r in results if r["n"] == HEADLINE), results[-1])
    full = top["n"] == HEADLINE and args.rounds == 52
    label = f"{top['n']} governments x 5 officials x {args.rounds} rounds" + ("" if full else " (not the issue's size)")
    report.add(f"{label}: CPU", f"{top['cpu']:.2f} s", f"{top['floor_cpu']:.3f} s (Mesa floor)", f"< {TARGET_SECONDS:g} s",
               top["cpu"] < TARGET_SECONDS if full else None, top["cpu"])
    report.add(f"{label}: peak memory", f"{top['peak_mib']:.0f} MiB", f"{top['before_mib']:.0f} MiB (before the scenario)",
               f"< {TARGET_MIB:.0f} MiB", top["peak_mib"] < TARGET_MIB if full else None, top["peak_mib"])
    report.print(args.json)
    print(f"headline: {label}: {top['cpu']:.1f} s (target < {TARGET_SECONDS:g} s on one core), "
          f"peak {top['peak_mib']:.0f} MiB (target < 1 GiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
