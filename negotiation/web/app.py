"""The classroom page: Mesa's run controls with the game's own views in named tabs. The only module importing Solara.

Serve it with `python run.py ui` (127.0.0.1, the port printed). Each browser session builds its
own model inside the page component, so two tabs never share a run.
"""

from __future__ import annotations

import os
import warnings

# Solara warns, as Mesa's module loads, about a hook in Mesa's own ComponentsView: not ours to fix,
# and it alarms newcomers at every start of the page.
warnings.filterwarnings("ignore", message=".*ComponentsView: `use_state` found despite early return.*")

import solara  # noqa: E402
from mesa.visualization.solara_viz import ModelController  # noqa: E402
from mesa.visualization.utils import update_counter  # noqa: E402

from negotiation.common.errors import InputError  # noqa: E402
from negotiation.common.limits import seed_problem  # noqa: E402
from negotiation.common.pages import render  # noqa: E402
from negotiation.teaching.instructor import whole_state  # noqa: E402
from negotiation.web.charts import run_chart  # noqa: E402
from negotiation.web.dashboard import (  # noqa: E402
    RANGES,
    TABLES,
    DashboardModel,
    SeatBridge,
    agreement_rows,
    scenario_choices,
    scenario_path,
    served_scenario,
    state_rows,
    story_lines,
    strategy_choices,
    utilities_now,
)

DEFAULT = served_scenario()
# The tabs of the page, in order: named for what a class does there.
TABS = ("The run", "Where things stand", "Play a seat", "Two teams", "Instructor")


def _slider(name: str, label: str, step: float, value: float | None = None) -> dict:
    """A float slider over the range the server enforces for this control (dashboard.RANGES)."""
    low, high, default = RANGES[name]
    return {"type": "SliderFloat", "value": default if value is None else value, "min": low, "max": high, "step": step,
            "label": label}


MODEL_PARAMS: dict[str, dict] = {
    # `scenario_name`, not `scenario`: Mesa 3.5's SolaraViz passes a `scenario` of its own when it resets a model.
    "scenario_name": {"type": "Select", "value": DEFAULT, "values": scenario_choices(), "label": "Scenario"},
    "seed": {"type": "SliderInt", "value": 1, "min": 0, "max": 999, "step": 1, "label": "Seed"},
    "strategy_a": {"type": "Select", "value": "scenario", "values": strategy_choices(), "label": "Seat A (US) strategy"},
    "strategy_b": {"type": "Select", "value": "scenario", "values": strategy_choices(), "label": "Seat B (China) strategy"},
    "leader_weight_a": _slider("leader_weight_a", "Seat A leader's influence (x)", 0.25),
    "leader_weight_b": _slider("leader_weight_b", "Seat B leader's influence (x)", 0.25),
    "hawkishness_shift_a": _slider("hawkishness_shift_a", "Seat A officials' hawkishness (+/-)", 0.05),
    "hawkishness_shift_b": _slider("hawkishness_shift_b", "Seat B officials' hawkishness (+/-)", 0.05),
    "tariff_elasticity": _slider("tariff_elasticity", "Tariff elasticity of trade", 0.1, value=2.5),
}


def _html(tag: str, text: str, **attrs) -> None:
    """Escaped HTML, not Markdown: solara.Markdown would fetch KaTeX, which is not on an offline machine."""
    solara.HTML(tag="div", unsafe_innerHTML=render("web/element.html", tag=tag, text=text, attrs=attrs))


def _table(rows: list[dict]) -> None:
    if not rows:
        solara.Text("none")
        return
    solara.HTML(tag="div", unsafe_innerHTML=render("web/table.html", rows=rows))


@solara.component
def RunChart(model):
    """The run so far: instruments, utilities, trade and stress, with agreements, expiries, violations and threats
    marked; hover a line for its value, a rule for what happened (web/charts.py builds the chart)."""
    update_counter.get()
    with solara.Card(f"Round {model.round} of {model.rounds}: the run so far"):
        for problem in model.problems:  # a control's value the server refused, and what it used instead
            solara.Error(problem, classes=["control-problem"])
        solara.widgets.VegaLite.element(spec=run_chart(model))


SCROLL = {"max-height": "560px", "overflow-y": "auto"}


@solara.component
def StateView(model):
    """Where things stand: instruments, agreements in force with their expiry."""
    update_counter.get()
    with solara.Card(f"Where things stand after round {model.round}"), solara.Column(style=SCROLL):
        _html("b", model.config.title)
        _table(state_rows(model))
        _html("b", "Agreements in force")
        _table(agreement_rows(model))


@solara.component
def UtilityView(model):
    """Each government's and official's utility now, trust between governments, officials' stances."""
    update_counter.get()
    with solara.Card(f"Utility, trust and stance (market stress {model.economy.stress:.2f})"), solara.Column(style=SCROLL):
        _table(utilities_now(model))


@solara.component
def StoryView(model):
    """The narrative log, the newest round first (each round read top to bottom)."""
    update_counter.get()
    with solara.Card("The story so far (newest round first)"), solara.Column(style=SCROLL, classes=["story"]):
        lines = story_lines(model)
        if not lines:
            solara.Text("Press STEP or the play button to begin.")
        for line in lines:
            solara.Text(line, classes=["story-line"])


SEAT_OUT = os.environ.get("NEGOTIATION_SEAT_OUT", "outputs/browser")


@solara.component
def SeatView(model):
    """Take a government's seat: the terminal game's questions with real controls, bots in the other seats."""
    version, set_version = solara.use_state(0)
    bridge = solara.use_memo(lambda: SeatBridge(), dependencies=[])  # one per browser session
    seat, set_seat = solara.use_state(model.config.governments[0].name)
    seed, set_seed = solara.use_state(model.seed)
    started, set_started = solara.use_state(False)
    refused, set_refused = solara.use_state("")

    def game():
        if started:
            bridge.play(str(scenario_path(model.scenario_choice)), seat, seed, SEAT_OUT)

    solara.use_thread(game, dependencies=[started])
    solara.use_thread(lambda: watch(lambda: screen_key(bridge), set_version) if started else None, dependencies=[started])
    solara.use_effect(lambda: bridge.close, [])  # a closed tab ends its game: the session is saved

    def take_seat():
        """Start the game only with a seed the CLI would accept; otherwise say why, and wait."""
        why = seed_problem(seed)
        set_refused(f"Seed: {why}." if why else "")
        if not why:
            set_started(True)

    with solara.Card("Take a seat"):
        if not started:
            _html("p", "Play a government against the bots, with the rules of the terminal game (python run.py play). "
                  "The session is saved as a transcript, for replay and debrief.")
            solara.Select("Your seat", values=[g.name for g in model.config.governments], value=seat, on_value=set_seat)
            solara.InputInt("Seed", value=seed, on_value=set_seed)
            solara.Button("Take the seat", on_click=take_seat, color="primary")
            if refused:
                solara.Error(refused, classes=["seat-refused"])
            return
        SeatScreen(bridge, "seat", version)


def screen_key(bridge: SeatBridge) -> tuple:
    return len(bridge.lines), bridge.prompt, bridge.end is not None, bridge.error


def watch(key, set_version, every: float = 0.2) -> None:
    """Draw a view again whenever `key()` changes: a game in another browser's thread cannot do it for this one.

    Runs in this session's own thread (solara.use_thread), which ends with the component."""
    import time

    last = None
    while True:
        now = key()
        if now != last:
            last = now
            set_version(lambda v: v + 1)
        time.sleep(every)


@solara.component
def SeatScreen(bridge: SeatBridge, css: str = "seat", version: int = 0):
    """A seat's screen in the browser: what its game said (tables as tables), and its question with real controls.

    A question that offers choices shows them as buttons (a level, a duration, accept/reject/counter,
    a move); the answer box below takes any answer the terminal would, so nothing a player could type
    is lost. `version` changes whenever the game says or asks something, so that the screen is drawn again.
    """
    answer, set_answer = solara.use_state("")

    def send(text: str) -> None:
        bridge.answer(text)
        set_answer("")

    solara.HTML(tag="div", unsafe_innerHTML=render("web/screen.html", blocks=bridge.screen(), css=css))
    if bridge.prompt is not None:
        solara.Text(bridge.prompt.strip(), classes=[f"{css}-prompt"], style={"font-weight": "bold"})
        choices = bridge.choices
        if choices:
            with solara.Row(style={"flex-wrap": "wrap", "gap": "6px"}, classes=[f"{css}-choices"]):
                for said, words in choices:  # what Enter would choose (keep, done, no inject) is the filled button
                    solara.Button(words, on_click=lambda said=said: send(said), outlined=said != "", color="primary",
                                  classes=[f"{css}-choice"], style={"text-transform": "none"})
        with solara.Row():
            solara.InputText("Or type your answer" if choices else "Your answer", value=answer, on_value=set_answer,
                             continuous_update=True)
            solara.Button("Send", on_click=lambda: send(answer), color="primary", classes=[f"{css}-send"])
    elif bridge.end is not None:
        _html("p", f"Game over. {bridge.end.message} Debrief: python run.py debrief {bridge.end.folder}",
              **{"class": f"{css}-end"})
    elif bridge.error:
        solara.Error(bridge.error)


@solara.component
def TeamsView(model):
    """Two teams (or more), one game on the server: open it and read out its code; each team joins from its own browser."""
    version, set_version = solara.use_state(0)
    bridge = solara.use_memo(lambda: SeatBridge(), dependencies=[])  # this browser's seat, once joined
    governments = [g.name for g in model.config.governments]
    seats, set_seats = solara.use_state(governments[:2])
    instructor, set_instructor = solara.use_state(True)
    code, set_code = solara.use_state("")
    opened, set_opened = solara.use_state("")
    seat, set_seat = solara.use_state("")
    joined, set_joined = solara.use_state(False)
    problem, set_problem = solara.use_state("")
    solara.use_effect(lambda: bridge.close, [])  # a closed tab ends its game: the session is saved

    def key() -> tuple:  # the seat's screen, and whether the instructor has paused the game
        table = TABLES.find(code)
        return (*screen_key(bridge), table is not None and table.paused)

    solara.use_thread(lambda: watch(key, set_version) if joined else None, dependencies=[joined])

    def open_game():
        try:
            table = TABLES.open(str(scenario_path(model.scenario_choice)), list(seats), model.seed, SEAT_OUT,
                                instructor=instructor)
        except InputError as exc:
            set_problem(exc.render())
            return
        set_problem("")
        set_opened(table.code)
        set_code(table.code)

    def join():
        try:
            table = TABLES.get(code)
        except InputError as exc:
            set_problem(exc.render())
            return
        choice = seat or (table.free[0] if table.free else "")
        if not table.join(choice, bridge):
            set_problem(f"the seat {choice or '(none)'} is taken or not in this game; free: {', '.join(table.free) or 'none'}")
            return
        set_problem("")
        set_joined(True)

    with solara.Card("Two teams: one game, a browser each"):
        if joined:
            _html("p", f"Game {code.upper()}: you play {seat or 'your seat'}; bots play the governments no team took.",
                  **{"class": "team-joined"})
            table = TABLES.find(code)
            if table is not None and table.paused:
                solara.Warning("The instructor has paused the game: your next question waits until it resumes.",
                               classes=["team-paused"])
            SeatScreen(bridge, "team", version)
            return
        _html("p", "Open a game with a seat for each team (the scenario and seed are the sidebar's), read out its code; "
              "each team opens this page in its own browser, enters the code here and takes its seat. The game "
              "starts when every seat is taken; each team sees only its own side's values.")
        solara.SelectMultiple("Seats for teams", values=seats, all_values=governments, on_value=set_seats)
        solara.Checkbox(label="With an instructor (the Instructor card: injects, whole state, pause)",
                        value=instructor, on_value=set_instructor)
        solara.Button("Open a game", on_click=open_game, color="primary", classes=["team-open"])
        if opened:
            _html("p", f"Game code: {opened}", **{"class": "team-code", "style": "font-size: 20px; font-weight: bold"})
        solara.InputText("Game code", value=code, on_value=set_code, continuous_update=True)
        solara.Text("Your seat:")
        solara.ToggleButtonsSingle(value=seat, values=governments, on_value=set_seat, classes=["team-seat"])
        solara.Button("Join the game", on_click=join, color="primary", classes=["team-join"])
        if problem:
            solara.Error(problem, classes=["team-problem"])


@solara.component
def InstructorView(model):
    """The instructor's view of a game on the server: the whole state, both sides' values, injects, pause."""
    version, set_version = solara.use_state(0)
    code, set_code = solara.use_state("")
    watching, set_watching = solara.use_state("")
    problem, set_problem = solara.use_state("")

    def key():
        table = TABLES.get(watching)
        game = table.session.model.round if table.session is not None else None
        return (game, table.paused, table.free, *(screen_key(table.instructor) if table.instructor else ()))

    solara.use_thread(lambda: watch(key, set_version) if watching else None, dependencies=[watching])

    def start_watching():  # not `watch`: that name is the module's redraw loop, which the thread above calls
        try:
            table = TABLES.get(code)
        except InputError as exc:
            set_problem(exc.render())
            return
        set_problem("" if table.instructor is not None else "this game was opened without an instructor")
        set_watching(table.code)

    with solara.Card("Instructor"):
        solara.InputText("Game code", value=code, on_value=set_code, continuous_update=True)
        solara.Button("Watch this game", on_click=start_watching, color="primary", classes=["instructor-watch"])
        if problem:
            solara.Error(problem, classes=["instructor-problem"])
        if not watching:
            return
        table = TABLES.get(watching)
        if table.session is None:
            _html("p", f"Waiting for seats: {', '.join(table.free)}.", **{"class": "instructor-waiting"})
            return
        paused = table.paused
        def toggle():
            table.pause(not paused)
            set_version(lambda v: v + 1)

        solara.Button("Resume the game" if paused else "Pause the game", on_click=toggle, classes=["instructor-pause"])
        _html("pre", whole_state(table.session.model, table.session.record.injects),
              **{"class": "instructor-state", "style": "font-size: 12px; white-space: pre-wrap"})
        if table.instructor is not None:
            SeatScreen(table.instructor, "instructor", version)


@solara.component
def Settings(params: solara.Reactive[dict]):
    """The settings a new game starts with (Reset applies them); every slider shows its value as it stands."""

    def setter(name: str):
        return lambda value: params.set({**params.value, name: value})

    for name, spec in MODEL_PARAMS.items():
        value = params.value[name]
        if spec["type"] == "Select":
            solara.Select(spec["label"], values=spec["values"], value=value, on_value=setter(name))
            continue
        slider = solara.SliderInt if spec["type"] == "SliderInt" else solara.SliderFloat
        solara.Text(f"{spec['label']}: {value:g}", classes=["setting-value"])
        slider("", value=value, min=spec["min"], max=spec["max"], step=spec["step"], on_value=setter(name),
               tick_labels="end_points")


@solara.component
def PauseSetting(interval: solara.Reactive[int]):
    """The pause between rounds when playing. Its own component: a component redraws when a value it reads
    changes, and the page reading this one would redraw every tab at each notch of the slider."""
    solara.Text(f"Pause between rounds when playing: {interval.value} ms")
    solara.SliderInt("", value=interval, min=100, max=2000, step=100)


@solara.component
def Page():
    """The classroom page: Mesa's run controls in the sidebar, the game's views in named tabs.

    Mesa's SolaraViz names its tabs "Page 0", "Page 1"..., which tells a class nothing; this page puts
    Mesa's own ModelController (step, play, reset) beside its own settings and tabs instead.
    Built inside the component: one model per browser session (a module-level model would be shared).
    """
    first = solara.use_memo(lambda: DashboardModel(scenario_name=DEFAULT), dependencies=[])
    model: solara.Reactive[DashboardModel] = solara.use_reactive(first)
    params = solara.use_reactive({name: spec["value"] for name, spec in MODEL_PARAMS.items()})
    interval = solara.use_reactive(600)
    every, threads = solara.use_reactive(1), solara.use_reactive(False)  # ModelController reads these as reactives
    tab = solara.use_reactive(0)
    with solara.AppBar():
        solara.AppBarTitle("Trade talks: the 2025 US-China negotiation game")
    with solara.Sidebar(), solara.Column():
        with solara.Card("Run"):
            ModelController(model, model_parameters=params, play_interval=interval, render_interval=every,
                            use_threads=threads)
            PauseSetting(interval)
        with solara.Card("Settings (Reset starts a new game with them)"):
            Settings(params)
    # Not lazy: a seat's game lives in its tab's component, and must not end when the class looks at another tab.
    # Only the run's views redraw at each step; the seats' screens redraw when their own game speaks.
    # The bottom padding keeps Solara's "This website runs on Solara" corner off a seat's answer box.
    with solara.Column(style={"padding-bottom": "64px"}), solara.lab.Tabs(value=tab, lazy=False):
        with solara.lab.Tab(TABS[0]):
            RunChart(model.value)
            StoryView(model.value)
        with solara.lab.Tab(TABS[1]):
            StateView(model.value)
            UtilityView(model.value)
        with solara.lab.Tab(TABS[2]):
            SeatView(model.value)
        with solara.lab.Tab(TABS[3]):
            TeamsView(model.value)
        with solara.lab.Tab(TABS[4]):
            InstructorView(model.value)
