"""How the cost of a round grows with the number of governments (DESIGN.md, "Scale").

A synthetic scenario of N governments with 5 officials each, every pair holding a tariff on the
other and a pair of controls in one direction, and every pair in talks from the first round: the
densest multilateral game the format allows. For N in 2, 4, 8, 12, 20 it plays `--rounds` rounds
and prints the CPU time per round, the peak memory, and the exponent of a power law fitted to the
times (cost per round ~ N ** exponent; at most 2 is the design's aim, "quadratic in governments").

    python benchmarks/bench_scale.py [--rounds 52] [--sizes 2,4,8,12,20] [--seed 1]
"""

from __future__ import annotations

import argparse
import copy
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from negotiation.game.model import TradeTalksModel  # noqa: E402
from negotiation.scenario import load_scenario, parse_scenario  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[1] / "scenarios" / "june_2025_call.yaml"
ROLES = ("leader", "negotiator", "minister", "negotiator", "spokesbody")


def synthetic(n: int, rounds: int) -> dict:
    """N governments, 5 officials each; tariffs both ways and chip controls one way in every pair; all pairs in talks."""
    base = load_scenario(DEFAULT).model_dump(mode="json", exclude_none=True)
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
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(n: int, rounds: int, seed: int) -> tuple[float, float]:
    scenario = parse_scenario(synthetic(n, rounds), f"synthetic scale_{n}")
    start = time.process_time()
    model = TradeTalksModel(scenario, seed)
    model.run()
    return (time.process_time() - start) / rounds, peak_mib()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=52)
    parser.add_argument("--sizes", default="2,4,8,12,20")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",")]
    print(f"{'governments':>11} {'officials':>9} {'instruments':>11} {'pairs':>5} {'CPU s/round':>12} {'run s':>7} {'peak MiB':>9}")
    times = []
    for n in sizes:
        per_round, peak = measure(n, args.rounds, args.seed)
        times.append(per_round)
        pairs = n * (n - 1) // 2
        print(f"{n:>11} {5 * n:>9} {3 * pairs:>11} {pairs:>5} {per_round:>12.4f} {per_round * args.rounds:>7.1f} {peak:>9.0f}",
              flush=True)
    if len(sizes) >= 2:
        slope = np.polyfit(np.log(sizes), np.log(times), 1)[0]
        print(f"fitted exponent (CPU time per round ~ N ** k): k = {slope:.2f}  (aim: at most 2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
