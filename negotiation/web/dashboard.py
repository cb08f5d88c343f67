"""The headless side of the classroom page: a model built from the page's controls, and its views.

The page (app.py, the only module that imports the UI library) passes plain keyword values, as
Mesa's SolaraViz does when it rebuilds a model from its sliders; this module turns them into a
scenario (a new config, never a mutated one) and a TradeTalksModel, and prepares what the page
shows, so that all of it is testable without a browser.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from negotiation.common.shipped import shipped_scenarios
from negotiation.game.model import TradeTalksModel
from negotiation.story import agreement_name, day, label, level_text, sentence
from negotiation.scenario import Role, Scenario, load_scenario, parse_scenario
from negotiation.strategies import STRATEGIES, make_strategy


def scenario_path(choice: str) -> Path:
    """A shipped scenario's file by name, or the file itself."""
    return shipped_scenarios().get(choice) or Path(choice)


def configure(
    scenario: Scenario,
    leader_weight_a: float = 1.0,
    leader_weight_b: float = 1.0,
    hawkishness_shift_a: float = 0.0,
    hawkishness_shift_b: float = 0.0,
    tariff_elasticity: float | None = None,
) -> Scenario:
    """A new scenario with the page's settings for the first two governments (seats A and B).

    `leader_weight_x` multiplies the leader's influence (its share of the government's say grows or
    shrinks; the others keep their proportions); `hawkishness_shift_x` is added to every official's
    hawkishness in that government (kept within 0..1). The defaults leave the scenario as it is.
    """
    data = scenario.model_dump(mode="json")
    seats = [g["name"] for g in data["governments"][:2]]
    for seat, weight, shift in ((seats[0], leader_weight_a, hawkishness_shift_a), (seats[1], leader_weight_b, hawkishness_shift_b)):
        for o in data["officials"]:
            if o["government"] != seat:
                continue
            if o["role"] == Role.LEADER.value:
                o["influence"] *= weight
            o["traits"]["hawkishness"] = min(1.0, max(0.0, o["traits"]["hawkishness"] + shift))
    if tariff_elasticity is not None:
        data["economy"]["tariff_elasticity"] = tariff_elasticity
    return parse_scenario(data, f"{scenario.name} (as set on the page)")


class DashboardModel(TradeTalksModel):
    """The game as the page builds it: every setting a keyword, as SolaraViz expects."""

    def __init__(
        self,
        scenario_name: str = "june_2025_call",
        seed: int = 1,
        strategy_a: str = "scenario",
        strategy_b: str = "scenario",
        leader_weight_a: float = 1.0,
        leader_weight_b: float = 1.0,
        hawkishness_shift_a: float = 0.0,
        hawkishness_shift_b: float = 0.0,
        tariff_elasticity: float | None = None,
        strategies: dict | None = None,
    ):
        base = load_scenario(scenario_path(scenario_name))
        config = configure(base, leader_weight_a, leader_weight_b, hawkishness_shift_a, hawkishness_shift_b, tariff_elasticity)
        self.scenario_choice = scenario_name
        chosen = dict(strategies or {})
        for seat, name in zip(config.governments[:2], (strategy_a, strategy_b)):
            if name != "scenario" and seat.name not in chosen:
                chosen[seat.name] = make_strategy(name, {})
        super().__init__(config, int(seed), strategies=chosen)


def strategy_choices() -> list[str]:
    return ["scenario", *sorted(STRATEGIES)]


def figure_png(model: TradeTalksModel) -> bytes:
    """The run so far, drawn like `run.png` (tariffs, controls, utilities, trade and stress)."""
    from negotiation.results.plots import plot_run

    view = SimpleNamespace(scenario=model.config, rows=model.rows, log=model.log, seed=model.seed, rounds=model.rounds)
    return plot_run(view, dpi=72, quick=True)


def state_rows(model: TradeTalksModel) -> list[dict]:
    """Every instrument's level now, in words, for the page's table."""
    s = model.config
    return [
        {"instrument": label(spec), "level": level_text(s, spec.name, model.levels[k]),
         "start": level_text(s, spec.name, model.rows[0][f"level_{spec.name}"])}
        for k, spec in enumerate(s.instruments)
    ]


def agreement_rows(model: TradeTalksModel) -> list[dict]:
    return [
        {"agreement": agreement_name(a.name), "between": " and ".join(a.parties),
         "expires": f"round {a.expiry_round} ({day(model.config, a.expiry_round)})", "on expiry": a.on_expiry.value.replace("_", " ")}
        for a in model.agreements
        if a.in_force
    ]


def story_lines(model: TradeTalksModel, last: int = 40) -> list[str]:
    """The newest lines of the story, newest last."""
    return [f"Round {e.round}: {sentence(e, model.config)}" for e in model.log[-last:]]


def utilities_now(model: TradeTalksModel) -> list[dict]:
    row = model.rows[-1]
    out = [{"who": g, "kind": "government", "utility": f"{row[f'utility_{g}']:.3f}",
            "trust": ", ".join(f"in {h}: {row[f'trust_{g}_{h}']:.2f}" for h in model.gov_names if h != g)}
           for g in model.gov_names]
    out += [{"who": o.name, "kind": f"{o.role.value} ({o.government})", "utility": f"{row[f'utility_{o.name}']:.3f}",
             "trust": f"stance {o.stance:.2f}"} for o in model.officials]
    return out



class SeatBridge:
    """A seat in the browser: the terminal game (play.py) runs in a thread; the page answers its questions.

    The game asks through `ask` and writes through `say`, exactly as at the terminal, so the rules,
    the transcript, replay and debrief are the same. `ask` waits for the page's answer and gives up
    with end of input (which saves the session, as at a terminal) if the page goes away.
    """

    def __init__(self, notify=lambda: None):
        import queue
        import threading

        self.lines: list[str] = []
        self.prompt: str | None = None
        self.end = None  # play.SessionEnd once the game stops
        self.error: str | None = None
        self.notify = notify
        self._answers: queue.Queue[str] = queue.Queue()
        self._closed = threading.Event()

    def say(self, text: str) -> None:
        self.lines.append(text)
        self.notify()

    def ask(self, prompt: str) -> str:
        import queue

        self.prompt = prompt
        self.notify()
        while True:
            if self._closed.is_set():
                raise EOFError
            try:
                answer = self._answers.get(timeout=0.2)
                break
            except queue.Empty:
                continue
        self.prompt = None
        self.lines.append(f"{prompt}{answer}")
        return answer

    def answer(self, text: str) -> None:
        self._answers.put(text)

    def close(self) -> None:
        self._closed.set()

    def play(self, scenario_file: str, seat: str, seed: int, out: str | Path) -> None:
        """Run a whole session (in the game's thread); keep how it ended."""
        from negotiation.teaching import play
        from negotiation.common.errors import InputError

        try:
            self.end = play.start(scenario_file, [seat], seed=seed, out=out, ask=self.ask, say=self.say)
        except InputError as exc:
            self.error = exc.render()
        self.prompt = None
        self.notify()
