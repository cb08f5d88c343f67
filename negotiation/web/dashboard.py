"""The headless side of the classroom page: a model built from the page's controls, and its views.

The page (app.py) passes plain keyword values, as Mesa's ModelController does when it rebuilds a
model from the page's settings at Reset; this module turns them into a
scenario (a new config, never a mutated one) and a TradeTalksModel, and prepares what the page
shows, so that all of it is testable without a browser.

A browser can send any value for any control, so every value is checked here, on the server,
by the CLI's rules (a scenario is a shipped one or the file given to `ui`, never any path on the
server; a seed is a whole number 0 or more; a strategy is a registered one; a number lies in the
control's range). A value that fails is replaced by the control's default and the page shows why.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

from negotiation.common.errors import InputError
from negotiation.common.limits import seed_problem
from negotiation.common.shipped import DEFAULT_SCENARIO, shipped_scenarios
from negotiation.game.model import TradeTalksModel
from negotiation.scenario import Role, Scenario, load_scenario, nearest, parse_scenario
from negotiation.story import agreement_name, day, label, level_text, sentence
from negotiation.strategies import STRATEGIES, make_strategy
from negotiation.teaching.play import Question, Table

if TYPE_CHECKING:  # pragma: no cover
    from negotiation.teaching.play import Session, SessionEnd

SCENARIO_ENV = "NEGOTIATION_SCENARIO"  # the scenario given to `run.py ui`: a shipped name or a file's absolute path
# The page's numeric controls: (lowest, highest, default). The sliders show these ranges; the server enforces them.
RANGES = {
    "leader_weight_a": (0.25, 4.0, 1.0),
    "leader_weight_b": (0.25, 4.0, 1.0),
    "hawkishness_shift_a": (-0.5, 0.5, 0.0),
    "hawkishness_shift_b": (-0.5, 0.5, 0.0),
    "tariff_elasticity": (0.5, 6.0, None),  # None: the scenario's own
}


def served_scenario() -> str:
    """The scenario `ui` was started with (the page's default): a shipped name, or a file's absolute path."""
    return os.environ.get(SCENARIO_ENV, DEFAULT_SCENARIO)


def scenario_choices() -> list[str]:
    """What the page may open: every shipped scenario by name, and the file given to `ui`."""
    return list(dict.fromkeys([*shipped_scenarios(), served_scenario()]))


def scenario_path(choice: str) -> Path:
    """The file of a scenario the page may open; InputError for anything else (never an arbitrary path)."""
    shipped = shipped_scenarios()
    if not isinstance(choice, str):
        raise InputError("scenario_name", f"{type(choice).__name__} is not a scenario's name")
    if choice in shipped:
        return shipped[choice]
    if choice == served_scenario():
        return Path(choice)
    names = [*shipped, *([served_scenario()] if served_scenario() not in shipped else [])]
    raise InputError("scenario_name", f"{str(choice)[:80]!r} is not a scenario this page serves ({nearest(str(choice), names)})")


def checked_controls(controls: dict) -> tuple[dict, list[str]]:
    """The page's control values checked by the CLI's rules: (usable values, one message per value replaced).

    A value that fails is replaced by its default, so the page always has a model to show.
    """
    values, problems = dict(controls), []

    def replace(name: str, default, why: str) -> None:
        problems.append(f"{name}: {why}; using {default!r} instead")
        values[name] = default

    try:
        scenario_path(values["scenario_name"])
    except InputError as exc:
        replace("scenario_name", served_scenario(), exc.problems[0].message)
    seed = values["seed"]
    if isinstance(seed, float) and seed.is_integer():
        seed = values["seed"] = int(seed)  # a slider may send 4.0
    why = seed_problem(seed)
    if why:
        replace("seed", 1, why)
    for name in ("strategy_a", "strategy_b"):
        if values[name] != "scenario" and values[name] not in STRATEGIES:
            replace(name, "scenario", f"unknown strategy {str(values[name])[:40]!r} ({nearest(str(values[name]), strategy_choices())})")
    for name, (low, high, default) in RANGES.items():
        value = values[name]
        if value is None and default is None:
            continue
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and low <= value <= high
        if not ok:
            replace(name, default, f"{value!r} is not a number from {low:g} to {high:g}")
    return values, problems


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
    """The game as the page builds it: every setting a keyword, as Mesa's ModelController passes them.

    Never raises for a control's value: `problems` lists each value refused (and replaced by its
    default) for the page to show.
    """

    def __init__(
        self,
        scenario_name: str = DEFAULT_SCENARIO,
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
        v, problems = checked_controls({
            "scenario_name": scenario_name, "seed": seed, "strategy_a": strategy_a, "strategy_b": strategy_b,
            "leader_weight_a": leader_weight_a, "leader_weight_b": leader_weight_b,
            "hawkishness_shift_a": hawkishness_shift_a, "hawkishness_shift_b": hawkishness_shift_b,
            "tariff_elasticity": tariff_elasticity})
        try:
            base = load_scenario(scenario_path(v["scenario_name"]))
            config = configure(base, v["leader_weight_a"], v["leader_weight_b"], v["hawkishness_shift_a"],
                               v["hawkishness_shift_b"], v["tariff_elasticity"])
        except InputError as exc:  # the file was edited since `ui` checked it, say: fall back to a shipped one
            problems.append(f"scenario_name: {exc.render()}; using {DEFAULT_SCENARIO!r} instead")
            v["scenario_name"] = DEFAULT_SCENARIO
            config = load_scenario(scenario_path(DEFAULT_SCENARIO))
        self.scenario_choice = v["scenario_name"]
        self.problems = problems
        chosen = dict(strategies or {})
        for seat, name in zip(config.governments[:2], (v["strategy_a"], v["strategy_b"])):
            if name != "scenario" and seat.name not in chosen:
                chosen[seat.name] = make_strategy(name, {})
        super().__init__(config, v["seed"], strategies=chosen)


def strategy_choices() -> list[str]:
    return ["scenario", *sorted(STRATEGIES)]


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
    """The newest lines of the story, the newest round first and each round in the order it happened (an offer
    before its answer), as the page shows them."""
    events = sorted(model.log[-last:], key=lambda e: -e.round)  # sorted() is stable: a round keeps its order
    return [f"Round {e.round}: {sentence(e, model.config)}" for e in events]


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

    def screen(self, last: int = 40) -> list[dict]:
        """The newest of what the game said, as blocks for the page: tables as tables, the rest as text.

        The game's tables (play.Table) keep their head and rows; runs of text between them are joined,
        and only the newest `last` lines of text are kept, as at a terminal that scrolls."""
        blocks: list[dict] = []
        budget = last
        for item in reversed(self.lines):
            if budget <= 0:
                break
            if isinstance(item, Table):
                blocks.append({"head": list(item.head), "rows": [list(r) for r in item.rows]})
                budget -= len(item.rows) + 1
                continue
            lines = str(item).strip("\n").splitlines()[-budget:]
            budget -= len(lines)
            if blocks and "text" in blocks[-1]:
                blocks[-1]["text"] = "\n".join(lines) + "\n" + blocks[-1]["text"]
            else:
                blocks.append({"text": "\n".join(lines)})
        return blocks[::-1]

    @property
    def choices(self) -> tuple[tuple[str, str], ...]:
        """The answers the pending question offers as buttons (play.Question.choices); none if it offers none."""
        return self.prompt.choices if isinstance(self.prompt, Question) else ()

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
        """Run a whole session (in the game's thread); keep how it ended, or why it could not go on.

        Whatever goes wrong ends this session with a message on the page, never the page's thread.
        """
        from negotiation.common.errors import OutputError
        from negotiation.teaching import play

        try:
            self.end = play.start(scenario_file, [seat], seed=seed, out=out, ask=self.ask, say=self.say)
        except (InputError, OutputError) as exc:
            self.error = exc.render()
        except Exception as exc:  # a bug must not take the page down with it: report it, keep serving
            self.error = f"the game stopped: {type(exc).__name__}: {exc}"
        self.prompt = None
        self.notify()


# ============================================================================ one game, several browsers


class GameTable:
    """One game on the server that several browser sessions join with its code: a seat each, bots in the rest.

    The terminal game (play.py) runs once, in a thread, with each seat's questions and screen routed to
    that seat's own `SeatBridge`, so each team sees only its own side's values; lines for everyone (the
    round's banner, injects) go to every seat. The instructor's bridge, if one joins, is asked before each
    round (injects), sees the whole state, and may pause the game: every seat's question then waits.
    """

    def __init__(self, code: str, scenario_file: str, seats: list[str], seed: int, out: str | Path,
                 instructor: bool = False):
        import threading

        self.code, self.scenario_file, self.seats, self.seed, self.out = code, scenario_file, list(seats), seed, out
        self.bridges: dict[str, SeatBridge] = {}
        self.instructor = SeatBridge() if instructor else None
        self.session: Session | None = None  # once every seat is taken
        self.end: SessionEnd | None = None
        self.error: str | None = None
        self._resume = threading.Event()
        self._resume.set()
        self._lock = threading.Lock()

    @property
    def free(self) -> list[str]:
        return [s for s in self.seats if s not in self.bridges]

    def join(self, seat: str, bridge: SeatBridge) -> bool:
        """Take a free seat; the game starts (in its own thread) once every seat is taken. False if taken."""
        import threading

        with self._lock:
            if seat not in self.free:
                return False
            self.bridges[seat] = bridge
            ready = not self.free
        if ready:
            threading.Thread(target=self.play, name=f"game-{self.code}", daemon=True).start()
        return True

    @property
    def paused(self) -> bool:
        return not self._resume.is_set()

    def pause(self, on: bool) -> None:
        (self._resume.clear if on else self._resume.set)()
        for b in self._screens():
            b.notify()

    def _screens(self) -> list[SeatBridge]:
        return [*self.bridges.values(), *([self.instructor] if self.instructor else [])]

    def ask(self, prompt: str, seat: str) -> str:
        from negotiation.teaching.transcript import INSTRUCTOR

        while not self._resume.wait(timeout=0.2):
            if any(b._closed.is_set() for b in self._screens()):
                raise EOFError
        bridge = self.instructor if seat == INSTRUCTOR else self.bridges[seat]
        assert bridge is not None  # the session asks the instructor only when the table has one
        return bridge.ask(prompt)

    def say(self, text: str, seat: str | None = None) -> None:
        from negotiation.teaching.transcript import INSTRUCTOR

        if seat is None:
            for b in self._screens():
                b.say(text)
        elif seat == INSTRUCTOR:
            if self.instructor is not None:
                self.instructor.say(text)
        else:
            self.bridges[seat].say(text)

    def close(self) -> None:
        for b in self._screens():
            b.close()

    def play(self) -> None:
        """The whole game (in its thread): how it ended is kept, and shown on every seat's screen."""
        from negotiation.common.errors import OutputError
        from negotiation.teaching import play

        try:
            self.session = play.new_session(self.scenario_file, self.seats, seed=self.seed, out=self.out,
                                            instructor=self.instructor is not None, ask=self.ask, say=self.say,
                                            routed=True)
            self.end = self.session.play()
        except (InputError, OutputError) as exc:
            self.error = exc.render()
        except Exception as exc:  # a bug must not take the page down with it: report it, keep serving
            self.error = f"the game stopped: {type(exc).__name__}: {exc}"
        for b in self._screens():
            b.end, b.error, b.prompt = self.end, self.error, None
            b.notify()


class Tables:
    """The games open on this server, by code (a few letters to read out to the class)."""

    def __init__(self):
        import threading

        self._tables: dict[str, GameTable] = {}
        self._lock = threading.Lock()

    def open(self, scenario_file: str, seats: list[str], seed: int, out: str | Path, instructor: bool = False) -> GameTable:
        import secrets

        if len(seats) < 1 or len(set(seats)) != len(seats):
            raise InputError("seats", "choose at least one seat, each once")
        problem = seed_problem(seed)
        if problem:
            raise InputError("seed", problem)
        with self._lock:
            while True:
                code = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(4))
                if code not in self._tables:
                    break
            table = self._tables[code] = GameTable(code, scenario_file, seats, seed, out, instructor)
        return table

    def find(self, code: str) -> GameTable | None:
        """The game open under `code` (as a browser typed it), or None."""
        return self._tables.get(str(code).strip().upper()[:8])

    def get(self, code: str) -> GameTable:
        table = self.find(code)
        if table is None:
            raise InputError("game code", f"no game {str(code)[:8]!r} is open on this server")
        return table


TABLES = Tables()  # one registry per server process: every browser session sees the same games
