"""The space of packages between two governments, and the concession path through it.

A package sets every instrument between a pair of governments (both directions) to a level on
its grid (the instrument's steps from min to max); the other instruments stay as they are. The
concession path runs from the proposer's best package to the counterpart's best, one grid step
at a time, each step the move that gives the counterpart the most for the least the proposer
gives up: the "trade-off" tactic of Faratin, Sierra and Jennings (2002), which makes concessions
on what matters least to the proposer first (minerals for chips, say).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Evaluate = Callable[[np.ndarray], np.ndarray]  # (K, n_instr) levels -> (K, n_gov) utilities


def grid(lo: float, hi: float, step: float) -> np.ndarray:
    """An instrument's grid: min, min+step, ... and max itself."""
    points = np.arange(lo, hi, step)
    return np.unique(np.append(points[points < hi], hi))


def best_package(
    base: np.ndarray, idx: list[int], grids: list[np.ndarray], evaluate: Evaluate, gov: int
) -> np.ndarray:
    """The package (levels of instruments `idx`) best for government `gov`, by coordinate ascent.

    Utilities are nearly separable across instruments (only capped exposures couple them), so
    two sweeps find the optimum; ties go to the lower (less restrictive) level.
    """
    levels = base.copy()
    for _sweep in range(2):
        for i, g in zip(idx, grids):
            trial = np.repeat(levels[None, :], len(g), axis=0)
            trial[:, i] = g
            levels[i] = g[int(np.argmax(evaluate(trial)[:, gov]))]
    return levels


def concession_path(
    base: np.ndarray, idx: list[int], grids: list[np.ndarray], evaluate: Evaluate, own: int, other: int
) -> np.ndarray:
    """Packages from `own`'s best to `other`'s best, conceding the cheapest step first.

    Returns (P, n_instr) full level vectors; row 0 is own's best, the last row other's best.
    """
    start = best_package(base, idx, grids, evaluate, own)
    end = best_package(base, idx, grids, evaluate, other)
    pos = [int(np.argmin(np.abs(g - start[i]))) for i, g in zip(idx, grids)]
    goal = [int(np.argmin(np.abs(g - end[i]))) for i, g in zip(idx, grids)]
    path = [start.copy()]
    current = start.copy()
    while pos != goal:
        moves = [k for k in range(len(idx)) if pos[k] != goal[k]]
        trial = np.repeat(current[None, :], len(moves), axis=0)
        for row, k in enumerate(moves):
            pos_k = pos[k] + (1 if goal[k] > pos[k] else -1)
            trial[row, idx[k]] = grids[k][pos_k]
        now = evaluate(current[None, :])[0]
        after = evaluate(trial)
        loss = now[own] - after[:, own]  # what own gives up
        gain = after[:, other] - now[other]  # what other gets
        # Win-win moves first (no loss), then the best gain per unit of loss.
        ratio = np.where(loss <= 1e-12, np.inf, gain / np.maximum(loss, 1e-12))
        score = np.where(np.isinf(ratio), 1e9 + gain, ratio)
        row = int(np.argmax(score))
        k = moves[row]
        pos[k] += 1 if goal[k] > pos[k] else -1
        current = trial[row]
        path.append(current.copy())
    return np.array(path)
