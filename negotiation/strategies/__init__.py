"""The strategy library: every registered strategy, by name."""

from negotiation.strategies import concession, hardline, random_baseline, reciprocity  # noqa: F401  (registers the strategies)
from negotiation.strategies.base import STRATEGIES, Strategy, StrategyParams, make_strategy, register

__all__ = ["STRATEGIES", "Strategy", "StrategyParams", "make_strategy", "register"]
