"""The page's charts of a run, as Vega-Lite specifications built with Altair (hover for values, events marked).

Four panels, as in `run.png`: tariffs; export controls and visas; governments' utility; trade
flows, purchases and market stress. Every line answers a hover with its round, date and value in
words; agreements, expiries, detected violations and threats are vertical rules whose tooltip is
the story's own sentence. Legends sit below each panel, where they cannot cover a line.

Built here, without a browser, so that tests can read the specification; the page (app.py) only
shows it. The data are the model's round table and log, nothing the page computes afresh.
"""

from __future__ import annotations

import functools
import warnings
from typing import TYPE_CHECKING

import altair as alt
import pandas as pd

from negotiation.game.records import LogKind
from negotiation.story import day, label, level_text, sentence

if TYPE_CHECKING:  # pragma: no cover
    from negotiation.game.model import TradeTalksModel

# What a rule on the chart marks, and its colour (the picture's colours, so that run.png and the page agree).
EVENTS = {
    LogKind.AGREEMENT: ("agreement", "#2ca02c"),
    LogKind.EXPIRY: ("expiry", "#ff7f0e"),
    LogKind.DETECTION: ("violation detected", "#d62728"),
    LogKind.THREAT: ("threat", "#9467bd"),
}
# The Vega-Lite the page's offline copy runs (solara-assets ships vega-lite 5.2): Altair writes its own newer
# schema URL, which only makes vega-embed warn; the marks used here are all in 5.2.
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
WIDTH, HEIGHT = 380, 170  # two panels side by side fit a 1400-pixel screen beside the sidebar


def series(model: TradeTalksModel) -> pd.DataFrame:
    """Every line of the four panels in long form: round, date, panel, series, value, and the value in words."""
    s = model.config
    out: list[dict] = []
    dates = {r["round"]: day(s, r["round"]) for r in model.rows}

    def add(panel: str, name: str, values, words) -> None:
        out.extend({"round": r["round"], "date": dates[r["round"]], "panel": panel, "series": name, "value": v,
                    "text": words(v)} for r, v in zip(model.rows, values))

    controls = [spec for spec in s.instruments if s.unit_of(spec.kind) == "level"]
    for spec in s.instruments:
        values = [r[f"level_{spec.name}"] for r in model.rows]
        unit = s.unit_of(spec.kind)
        panel = {"percent": "tariffs", "level": "controls"}.get(unit, "trade")
        name = label(spec) + (" ($bn/yr)" if panel == "trade" else "")
        start = len(out)
        add(panel, name, values, lambda v, n=spec.name: level_text(s, n, v))
        if spec in controls:  # nudge control lines apart so equal levels stay visible (the tooltip keeps the level)
            nudge = 0.05 * (controls.index(spec) - (len(controls) - 1) / 2)
            for row in out[start:]:
                row["value"] += nudge
    for gov in s.governments:
        add("utility", gov.name, [r[f"utility_{gov.name}"] for r in model.rows], lambda v: f"{v:.3f}")
    for flow in s.economy.trade:
        key = f"flow_{flow.exporter}_{flow.importer}"
        add("trade", f"{flow.exporter} -> {flow.importer} ($bn/yr)", [r[key] for r in model.rows],
            lambda v: f"${v:,.1f}bn a year")
    add("stress", "market stress", [r["market_stress"] for r in model.rows], lambda v: f"{v:.2f} (0 calm, 1 panic)")
    return pd.DataFrame(out, columns=["round", "date", "panel", "series", "value", "text"])


def events(model: TradeTalksModel) -> pd.DataFrame:
    """The rounds the rules mark, each with what happened in the story's words."""
    rows = [{"round": e.round, "date": day(model.config, e.round), "event": EVENTS[e.kind][0],
             "what": sentence(e, model.config)[:160]}
            for e in model.log if e.kind in EVENTS]
    return pd.DataFrame(rows, columns=["round", "date", "event", "what"])


PANELS = ("tariffs", "controls", "utility", "trade", "stress")


def with_tail(data: pd.DataFrame) -> pd.DataFrame:
    """Each line's last value carried one round on (`tail` true), so that a step-after line draws the newest level
    as a step, not only as the jump into it; the points that answer a hover leave the tail out."""
    data = data.assign(tail=False)
    if data.empty:
        return data
    last = data[data["round"] == data["round"].max()].assign(tail=True)
    last["round"] += 1
    return pd.concat([data, last], ignore_index=True)


def run_chart(model: TradeTalksModel) -> dict:
    """The five panels as one Vega-Lite specification (a dict), the x axis spanning the whole game.

    The chart's layout is built once per game (Altair's objects are slow to build: about half a second
    for this one) and each round only fills in its named datasets, which is all that changes.
    """
    c = model.config
    spec = dict(_layout(c.title, model.seed, model.rounds, c.calendar.round_days, str(c.calendar.start)))
    data = with_tail(series(model))
    spec["datasets"] = {name: data[data["panel"] == name].to_dict("records") for name in PANELS}
    spec["datasets"]["events"] = events(model).to_dict("records")
    return spec


@functools.lru_cache(maxsize=64)
def _layout(title: str, seed: int, rounds: int, round_days: int, start: str) -> dict:
    x = alt.X("round:Q", scale=alt.Scale(domain=[0, max(rounds, 1) + 1], nice=False),
              title=f"round ({round_days} days each, from {start})")
    # One hover for every panel, so that their cursors move together: each panel carries the same named
    # selection, which Altair merges into one (and warns that it did: that merge is what is wanted).
    hover = alt.selection_point(name="hover", fields=["round"], nearest=True, on="mouseover", clear="mouseout",
                                empty=False)
    kinds, colours = [k for k, _ in EVENTS.values()], [c for _, c in EVENTS.values()]

    def rules(legend: bool) -> alt.Chart:  # the events' legend once, under the last panel
        return alt.Chart(alt.Data(name="events")).mark_rule(strokeWidth=2, opacity=0.45).encode(
            x=x, color=alt.Color("event:N", scale=alt.Scale(domain=kinds, range=colours),
                                 legend=alt.Legend(title="events marked", orient="bottom") if legend else None))

    def rule_tips() -> alt.Chart:
        # Drawn over the lines' hover (which answers anywhere in the panel), nine pixels wide and all but
        # invisible: the pointer on an event's rule gets the event, anywhere else the nearest line's value.
        return alt.Chart(alt.Data(name="events")).mark_rule(strokeWidth=9, opacity=0.01, color="black").encode(
            x=x, tooltip=[alt.Tooltip("round:Q"), alt.Tooltip("date:N"), alt.Tooltip("event:N"),
                          alt.Tooltip("what:N")])

    def panel(name: str, title: str, y_title: str, scale: alt.Scale | None = None,
              width: int = WIDTH, height: int = HEIGHT, events_legend: bool = False) -> alt.LayerChart:
        base = alt.Chart(alt.Data(name=name), title=title)
        y = alt.Y("value:Q", title=y_title, scale=scale or alt.Scale(zero=False))
        colour = alt.Color("series:N", legend=alt.Legend(title=None, orient="bottom", columns=2, labelLimit=260))
        lines = base.mark_line(interpolate="step-after", strokeWidth=2).encode(x=x, y=y, color=colour)
        points = base.mark_point(size=60, filled=True).transform_filter("!datum.tail").encode(
            x=x, y=y, color=alt.Color("series:N", legend=None), opacity=alt.condition(hover, alt.value(1), alt.value(0)),
            tooltip=[alt.Tooltip("series:N", title="line"), alt.Tooltip("round:Q"), alt.Tooltip("date:N"),
                     alt.Tooltip("text:N", title="value")]).add_params(hover)
        cursor = base.mark_rule(color="gray").encode(x=x).transform_filter(hover)
        return alt.layer(rules(events_legend), lines, points, cursor, rule_tips()).resolve_scale(
            color="independent").properties(
            width=width, height=height)

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Automatically deduplicated selection parameter")
        chart = alt.vconcat(
            alt.hconcat(panel("tariffs", "Tariffs", "additional tariff (%)"),
                        panel("controls", "Export controls and visa restrictions", "level (0 none .. 3 sweeping)",
                              alt.Scale(domain=[0, 3]))),
            alt.hconcat(panel("utility", "Governments' utility", "utility (0..1)"),
                        panel("trade", "Trade flows and purchases", "$bn a year")),
            panel("stress", "Market stress", "stress (0 calm .. 1 panic)", alt.Scale(domain=[0, 1]),
                  width=2 * WIDTH + 70, height=110, events_legend=True),
        ).properties(title=f"{title} (seed {seed})")
    spec = chart.to_dict(validate=False)
    spec["$schema"] = SCHEMA
    return spec
