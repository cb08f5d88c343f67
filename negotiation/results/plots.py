"""Pictures of a run (matplotlib, drawn off-screen to PNG bytes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from negotiation.common.figures import new_figure, png_bytes
from negotiation.game.records import LogKind
from negotiation.story import label

if TYPE_CHECKING:  # pragma: no cover
    from negotiation.game.records import Record
    from negotiation.scenario import Scenario


class RunView(Protocol):
    """What `plot_run` reads of a run (a RunResult has it)."""

    @property
    def scenario(self) -> Scenario: ...
    @property
    def seed(self) -> int: ...
    @property
    def rows(self) -> list[dict]: ...
    @property
    def log(self) -> list[Record]: ...

MARKS = {
    LogKind.AGREEMENT: ("tab:green", "agreement"),
    LogKind.EXPIRY: ("tab:orange", "expiry"),
    LogKind.DETECTION: ("tab:red", "violation detected"),
}


def plot_run(result: RunView, dpi: int = 100) -> bytes:
    """Four panels: tariffs, controls, utilities, trade and stress; agreements and breaches marked.

    (The classroom page draws its own interactive chart, web/charts.py.)
    """
    s = result.scenario
    rounds = [r["round"] for r in result.rows]
    fig = new_figure(figsize=(12, 7.5))
    axes = fig.subplots(2, 2, sharex=True)
    (ax_t, ax_c), (ax_u, ax_e) = axes
    # Each instrument on the panel of its unit: tariffs (percent), controls (levels 0-3), and purchase
    # commitments ($bn a year) beside the trade they add to.
    controls = [spec for spec in s.instruments if s.unit_of(spec.kind) == "level"]
    for spec in s.instruments:
        series = [r[f"level_{spec.name}"] for r in result.rows]
        unit = s.unit_of(spec.kind)
        if spec in controls:  # nudge control lines apart so equal levels stay visible
            nudge = 0.05 * (controls.index(spec) - (len(controls) - 1) / 2)
            ax_c.step(rounds, [x + nudge for x in series], where="post", label=label(spec), linewidth=2)
        elif unit == "percent":
            ax_t.step(rounds, series, where="post", label=label(spec), linewidth=2)
        else:
            ax_e.step(rounds, series, where="post", label=f"{label(spec)} ($bn/yr)", linewidth=1.5, linestyle="--")
    ax_t.set_ylabel("additional tariff (%)")
    ax_t.set_title("Tariffs")
    ax_c.set_ylabel("level (0 none .. 3 sweeping)")
    ax_c.set_ylim(-0.2, 3.2)
    ax_c.set_yticks([0, 1, 2, 3])
    ax_c.set_title("Export controls and visa restrictions")
    for gov in s.governments:
        ax_u.plot(rounds, [r[f"utility_{gov.name}"] for r in result.rows], label=gov.name, linewidth=2)
    ax_u.set_ylabel("utility (0..1)")
    ax_u.set_title("Governments' utility")
    for flow in s.economy.trade:
        key = f"flow_{flow.exporter}_{flow.importer}"
        ax_e.plot(rounds, [r[key] for r in result.rows], label=f"{flow.exporter} -> {flow.importer} ($bn/yr)")
    ax_e.set_ylabel("goods trade, $bn a year")
    ax_e.set_title("Trade flows and market stress")
    ax_s = ax_e.twinx()
    ax_s.plot(rounds, [r["market_stress"] for r in result.rows], color="black", linestyle=":", label="market stress")
    ax_s.set_ylim(0, 1)
    ax_s.set_ylabel("market stress (0..1)")
    seen = set()
    for entry in result.log:
        if entry.kind in MARKS:
            color, name = MARKS[entry.kind]
            for ax in axes.flat:
                ax.axvline(entry.round, color=color, alpha=0.35, linewidth=1.5,
                           label=name if (ax is ax_u and name not in seen) else None)
            seen.add(name)
    for ax in axes.flat:
        handles, labels = ax.get_legend_handles_labels()
        if ax is ax_e:  # one legend for the trade panel and its stress axis, so neither covers the other
            more = ax_s.get_legend_handles_labels()
            handles, labels = handles + more[0], labels + more[1]
        ax.legend(handles, labels, fontsize=7, loc="best")
        ax.grid(alpha=0.25)
    last = max(getattr(result, "rounds", 0) or 0, rounds[-1], 1)
    for ax in axes.flat:
        ax.set_xlim(0, last)  # the whole game from the start
    for ax in axes[1]:
        ax.set_xlabel(f"round ({s.calendar.round_days} days each, from {s.calendar.start})")
    fig.suptitle(f"{s.title} (seed {result.seed})")
    fig.tight_layout()
    return png_bytes(fig, dpi)
