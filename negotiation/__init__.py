"""Trade-talks negotiation game: the 2025 United States-China trade talks as an agent-based model on Mesa.

    from negotiation import load_scenario, run
    result = run(load_scenario("scenarios/june_2025_call.yaml"), seed=1)
    print(result.story())
"""

__version__ = "0.1.0"

from negotiation.common.errors import InputError, ScenarioError  # noqa: E402
from negotiation.scenario import Scenario, load_scenario  # noqa: E402

__all__ = ["InputError", "Scenario", "ScenarioError", "__version__", "load_scenario", "run", "TradeTalksModel"]


def __getattr__(name):
    # The model pulls in Mesa (about a second to import); load it only when asked for.
    if name == "run":
        from negotiation.results.result import run

        return run
    if name == "TradeTalksModel":
        from negotiation.game.model import TradeTalksModel

        return TradeTalksModel
    raise AttributeError(name)
