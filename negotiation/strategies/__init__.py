"""The strategy library: every registered strategy, by name."""

from . import concession, hardline, random_baseline, reciprocity  # noqa: F401  (registers the strategies)
from .base import STRATEGIES, Strategy, StrategyParams, make_strategy, register

__all__ = ["STRATEGIES", "Strategy", "StrategyParams", "make_strategy", "register"]
