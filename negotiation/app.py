"""The classroom page: Mesa's SolaraViz with the game's own views. The only module importing Solara.

Serve it with `python run.py ui` (127.0.0.1, the port printed). Each browser session builds its
own model inside the page component, so two tabs never share a run.
"""

from __future__ import annotations

import os

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from .dashboard import (
    DashboardModel,
    agreement_rows,
    figure_png,
    shipped_scenarios,
    state_rows,
    story_lines,
    strategy_choices,
    utilities_now,
)

DEFAULT = os.environ.get("NEGOTIATION_SCENARIO", "june_2025_call")

MODEL_PARAMS = {
    "scenario": {"type": "Select", "value": DEFAULT, "values": list(dict.fromkeys([*shipped_scenarios(), DEFAULT])),
                 "label": "Scenario"},
    "seed": {"type": "SliderInt", "value": 1, "min": 0, "max": 999, "step": 1, "label": "Seed"},
    "strategy_a": {"type": "Select", "value": "scenario", "values": strategy_choices(), "label": "Seat A (US) strategy"},
    "strategy_b": {"type": "Select", "value": "scenario", "values": strategy_choices(), "label": "Seat B (China) strategy"},
    "leader_weight_a": {"type": "SliderFloat", "value": 1.0, "min": 0.25, "max": 4.0, "step": 0.25,
                        "label": "Seat A leader's influence (x)"},
    "leader_weight_b": {"type": "SliderFloat", "value": 1.0, "min": 0.25, "max": 4.0, "step": 0.25,
                        "label": "Seat B leader's influence (x)"},
    "hawkishness_shift_a": {"type": "SliderFloat", "value": 0.0, "min": -0.5, "max": 0.5, "step": 0.05,
                            "label": "Seat A officials' hawkishness (+/-)"},
    "hawkishness_shift_b": {"type": "SliderFloat", "value": 0.0, "min": -0.5, "max": 0.5, "step": 0.05,
                            "label": "Seat B officials' hawkishness (+/-)"},
    "tariff_elasticity": {"type": "SliderFloat", "value": 2.5, "min": 0.5, "max": 6.0, "step": 0.1,
                          "label": "Tariff elasticity of trade"},
}


def _table(rows: list[dict]) -> None:
    if not rows:
        solara.Text("none")
        return
    head = "| " + " | ".join(rows[0]) + " |\n|" + "---|" * len(rows[0]) + "\n"
    body = "".join("| " + " | ".join(str(v) for v in r.values()) + " |\n" for r in rows)
    solara.Markdown(head + body)


@solara.component
def RunPlot(model):
    """Instruments over time with agreements, expiries and detected violations marked; utilities; trade and stress."""
    update_counter.get()
    with solara.Card(f"Round {model.round} of {model.rounds}: the run so far"):
        solara.Image(figure_png(model), width="100%")


SCROLL = {"max-height": "560px", "overflow-y": "auto"}


@solara.component
def StateView(model):
    """Where things stand: instruments, agreements in force with their expiry."""
    update_counter.get()
    with solara.Card(f"Where things stand after round {model.round}"):
        with solara.Column(style=SCROLL):
            solara.Markdown(f"**{model.config.title}**")
            _table(state_rows(model))
            solara.Markdown("**Agreements in force**")
            _table(agreement_rows(model))


@solara.component
def UtilityView(model):
    """Each government's and official's utility now, trust between governments, officials' stances."""
    update_counter.get()
    with solara.Card(f"Utility, trust and stance (market stress {model.economy.stress:.2f})"):
        with solara.Column(style=SCROLL):
            _table(utilities_now(model))


@solara.component
def StoryView(model):
    """The narrative log, newest first."""
    update_counter.get()
    with solara.Card("The story so far (newest first)"):
        with solara.Column(style=SCROLL, classes=["story"]):
            lines = story_lines(model)
            if not lines:
                solara.Text("Press STEP or the play button to begin.")
            for line in reversed(lines):
                solara.Text(line, classes=["story-line"])


@solara.component
def Page():
    # Built inside the component: one model per browser session (a module-level model would be shared).
    model = solara.use_memo(lambda: DashboardModel(scenario=DEFAULT), dependencies=[])
    SolaraViz(
        model,
        components=[(RunPlot, 0), (StoryView, 0), (StateView, 1), (UtilityView, 1)],
        model_params=MODEL_PARAMS,
        name="Trade talks: the 2025 US-China negotiation game",
        play_interval=600,
    )
