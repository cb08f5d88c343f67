"""The debrief: one self-contained HTML page about a finished run, for a class to discuss.

It reads a run folder as `results.write_run` leaves it, reloads the scenario its manifest names
(refusing one that has changed since), and shows what happened, what was possible (the Pareto
frontier, the Nash point) and what the scenario's own bots would have done from the same start,
ending with questions drawn from the run. It works from the files alone, for any run, played or
simulated: the facts come from rounds.csv and log.csv's data column, never from the story's
sentences. This module computes what the page shows; teaching/templates/debrief.html lays it out.
"""

from __future__ import annotations

import base64
import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from negotiation.common import pages
from negotiation.common.dates import day_text
from negotiation.common.errors import InputError
from negotiation.common.figures import new_figure, png_bytes
from negotiation.common.files import write_atomic
from negotiation.game.bargaining import PairAnalysis, individually_rational, pair_analysis
from negotiation.game.model import TradeTalksModel
from negotiation.results.result import RunResult, run
from negotiation.scenario import Scenario, load_scenario
from negotiation.story import label, level_text, sentence
from negotiation.story.telling import Held, quiet_text

REPORT = "debrief.html"
SECTIONS = (
    "Instruments over time",
    "Utilities of governments and officials",
    "Trade flows and balance",
    "What happened: the story",
    "The deal against the Pareto frontier and the Nash point",
    "What the bots would have done from the same start",
    "Questions for discussion",
)
MANIFEST_FIELDS = ("scenario_file", "seed", "rounds", "scenario_hash")
MAX_QUESTIONS = 8
# Log kinds marked on the instrument picture: colour, line style, legend label.
MARKS = {
    "event": ("tab:blue", ":", "event (scheduled or injected)"),
    "agreement": ("tab:green", "-", "agreement signed"),
    "expiry": ("tab:orange", "--", "agreement expires"),
    "violation": ("salmon", "--", "commitment broken"),
    "detection": ("tab:red", "-", "violation detected"),
    "action": ("tab:purple", "-.", "unilateral action"),
}
# A table cell whose text is a number ('0.645', '+0.019', '14,336') is right-aligned.
NUMBER = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?$")


# ============================================================================ reading a run folder


@dataclass(frozen=True)
class LogLine:
    """One line of a run's log.csv: its kind and actor, the story's sentence, and the facts behind it (`data`).

    The report reads facts from `data` (who violated, who opposed, the share in favour), never from `text`,
    which it only quotes.
    """

    round: int
    kind: str
    actor: str
    text: str
    data: dict


@dataclass(frozen=True)
class RunFolder:
    """A finished run read back from its files, with the (checked) scenario it was played on."""

    path: Path
    manifest: dict
    scenario: Scenario
    scenario_file: Path
    rows: list[dict]
    log: list[LogLine]

    @property
    def seed(self) -> int:
        return self.manifest["seed"]

    @property
    def rounds(self) -> int:
        return self.manifest["rounds"]


def read_run(run_dir: str | Path, scenario_file: str | Path | None = None) -> RunFolder:
    """Read a run folder; InputError (naming the folder) if it is incomplete or its scenario changed."""
    path = only_run_inside(Path(run_dir))
    if not path.is_dir():
        raise InputError(str(path), "no such run folder")
    manifest = read_manifest(path, need_file=scenario_file is None)
    source = Path(scenario_file if scenario_file is not None else manifest["scenario_file"])
    scenario = checked_scenario(path, source, manifest["scenario_hash"])
    rows = read_rounds(path, scenario)
    return RunFolder(path, manifest, scenario, source, rows, read_log(path))


def only_run_inside(path: Path) -> Path:
    """A folder that is not a run but holds exactly one (`outputs/` after one game): that run; else the folder.
    Several runs inside are named, so that the message says which to choose."""
    if not path.is_dir() or (path / "manifest.json").is_file():
        return path
    runs = sorted(p for p in path.iterdir() if p.is_dir() and (p / "manifest.json").is_file())
    if len(runs) == 1:
        return runs[0]
    if runs:
        names = ", ".join(p.name for p in runs[:6]) + (", ..." if len(runs) > 6 else "")
        raise InputError(str(path), f"not a run folder, but it holds {len(runs)} runs: name one ({names})")
    return path


def read_manifest(run_dir: Path, need_file: bool = True) -> dict:
    """manifest.json, holding what the debrief needs to reload the scenario and replay it."""
    file = run_dir / "manifest.json"
    if not file.is_file():
        raise InputError(str(run_dir), "no manifest.json here: not a run folder as `run.py run` writes it")
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(str(run_dir), f"manifest.json is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict):
        raise InputError(str(run_dir), "manifest.json must hold a JSON object")
    if manifest.get("kind") in ("sweep", "tournament"):
        raise InputError(str(run_dir), f"this is a {manifest['kind']}'s folder; debrief takes one run's folder "
                         "(from `run.py run` or `run.py play`), and `run.py analyze` reads a sweep's")
    needed = MANIFEST_FIELDS if need_file else tuple(f for f in MANIFEST_FIELDS if f != "scenario_file")
    missing = [f for f in needed if manifest.get(f) is None]
    if missing:
        raise InputError(str(run_dir), f"manifest.json lacks {', '.join(missing)}, needed to reload the scenario")
    for key in ("seed", "rounds"):
        if isinstance(manifest[key], bool) or not isinstance(manifest[key], int) or manifest[key] < 0:
            raise InputError(str(run_dir), f"manifest.json: {key} must be a whole number, not {manifest[key]!r}")
    return manifest


def checked_scenario(run_dir: Path, source: Path, recorded_hash: str) -> Scenario:
    """Load the run's scenario and refuse it if it is not, byte for byte in meaning, the one played."""
    if not source.is_file():
        raise InputError(str(run_dir), f"the scenario file {source} named in manifest.json is missing "
                         "(relative paths are read from the current folder); restore the file the run used")
    scenario = load_scenario(source)  # a ScenarioError is an InputError naming the file and field
    digest = scenario.digest()
    if digest != recorded_hash:
        raise InputError(str(run_dir), f"the scenario file {source} has changed since this run: its hash is "
                         f"{digest[:12]}..., manifest.json records {str(recorded_hash)[:12]}...; a debrief of it would "
                         "not describe the run that was played. Restore the file the run used, or play it again")
    return scenario


def read_csv(run_dir: Path, name: str) -> list[dict]:
    """A CSV file of the run folder as dicts; InputError if it is missing or empty."""
    file = run_dir / name
    if not file.is_file():
        raise InputError(str(run_dir), f"no {name} here: the run folder is incomplete")
    try:
        with file.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(str(run_dir), f"{name} cannot be read ({exc})") from None
    if not rows:
        raise InputError(str(run_dir), f"{name} has no rows")
    return rows


def _value(key: str, text: str):
    if key == "round":
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def read_rounds(run_dir: Path, scenario: Scenario) -> list[dict]:
    """rounds.csv with numbers as numbers; InputError if a column the report draws is missing."""
    try:
        rows = [{k: _value(k, v) for k, v in r.items()} for r in read_csv(run_dir, "rounds.csv")]
    except (TypeError, ValueError) as exc:
        raise InputError(str(run_dir), f"rounds.csv has a malformed row ({exc})") from None
    needed = ["round", "market_stress"] + [f"level_{i.name}" for i in scenario.instruments]
    needed += [f"utility_{g.name}" for g in scenario.governments] + [f"utility_{o.name}" for o in scenario.officials]
    needed += [f"balance_{g.name}" for g in scenario.governments]
    needed += [f"flow_{f.exporter}_{f.importer}" for f in scenario.economy.trade]
    missing = [c for c in needed if c not in rows[0]]
    if missing:
        shown = ", ".join(missing[:5])
        raise InputError(str(run_dir), f"rounds.csv lacks the columns {shown}: not a run of {scenario.name}")
    return rows


def read_log(run_dir: Path) -> list[LogLine]:
    """log.csv as LogLines, each with its data column (JSON, empty for a line without facts) as a dict."""
    try:
        return [LogLine(int(r["round"]), r["kind"], r["actor"] or "", r["text"], line_data(r["data"]))
                for r in read_csv(run_dir, "log.csv")]
    except (KeyError, TypeError, ValueError) as exc:  # JSONDecodeError is a ValueError
        raise InputError(str(run_dir), f"log.csv has a malformed row ({exc})") from None


def line_data(text: str | None) -> dict:
    """A log line's data column: a JSON object, or nothing."""
    data = json.loads(text) if text else {}
    if not isinstance(data, dict):
        raise ValueError(f"its data must be a JSON object, not {text!r}")
    return data


def flag(value) -> bool:
    """A yes/no fact from log.csv's data, which may record it as true or as the text 'True'."""
    return value is True or str(value) == "True"


# ============================================================================ what the report computes


@dataclass(frozen=True)
class Outcome:
    """Where a run ended: the lines of the side-by-side table of section 6."""

    strategies: dict[str, str]
    agreement_rounds: tuple[int, ...]
    final_levels: dict[str, float]
    final_utilities: dict[str, float]
    story: tuple[str, ...]


@dataclass(frozen=True)
class PairOutcome:
    """One pair's bargaining problem at the start, and where this run and the bots ended in it."""

    analysis: PairAnalysis
    outcome: tuple[float, float]
    bots: tuple[float, float]
    metrics: dict
    nash_terms: dict[str, float] | None


@dataclass(frozen=True)
class Debrief:
    """Everything the report shows, computed once from a run folder."""

    folder: RunFolder
    bots_result: RunResult
    mine: Outcome
    bots: Outcome
    pairs: list[PairOutcome]

    @property
    def same_as_bots(self) -> bool:
        return comparable(self.mine) == comparable(self.bots)


def outcome(scenario: Scenario, strategies: dict, rows: list[dict], log: list[LogLine]) -> Outcome:
    """An Outcome from a run's rows and log lines."""
    kinds = [(e.round, e.kind, e.text) for e in log]
    return Outcome(
        strategies={g.name: str(strategies.get(g.name, "(not recorded)")) for g in scenario.governments},
        agreement_rounds=tuple(r for r, kind, _ in kinds if kind == "agreement"),
        final_levels={i.name: rows[-1][f"level_{i.name}"] for i in scenario.instruments},
        final_utilities={g.name: rows[-1][f"utility_{g.name}"] for g in scenario.governments},
        story=tuple(text for _, _, text in kinds),
    )


def comparable(o: Outcome) -> tuple:
    """What must agree for two runs to have come to the same thing (who played is not part of it)."""
    return o.agreement_rounds, o.final_levels, o.final_utilities, o.story


def outcome_point(model: TradeTalksModel, pa: PairAnalysis, final_row: dict) -> tuple[float, float]:
    """A run's final levels between the pair, valued like `bargaining.run_metrics`: the rest as at the start."""
    return pa.value([final_row[f"level_{name}"] for name in pa.instruments])


def bargaining(folder: RunFolder, bots_rows: list[dict]) -> list[PairOutcome]:
    """Each pair in talks at the start: its packages, frontier and Nash point, and both runs' outcomes."""
    model = TradeTalksModel(folder.scenario, folder.seed, rounds=folder.rounds)
    out = []
    for talks in model.talks.values():
        pa = pair_analysis(model, *talks.pair)
        point, bots = outcome_point(model, pa, folder.rows[-1]), outcome_point(model, pa, bots_rows[-1])
        out.append(PairOutcome(pa, point, bots, pa.outcome_metrics(point), pa.terms(pa.nash)))
    return out


def build_debrief(run_dir: str | Path, scenario_file: str | Path | None = None) -> Debrief:
    """Read a run folder, replay its start with the scenario's own bots, and analyse the bargaining."""
    folder = read_run(run_dir, scenario_file)
    bots = run(folder.scenario, folder.seed, folder.rounds, source=str(folder.scenario_file))
    mine = outcome(folder.scenario, folder.manifest.get("strategies") or {}, folder.rows, folder.log)
    bots_log = [LogLine(e.round, e.kind.value, e.actor or "", sentence(e, folder.scenario), e.data) for e in bots.log]
    return Debrief(folder, bots, mine, outcome(folder.scenario, bots.manifest["strategies"], bots.rows, bots_log),
                   bargaining(folder, bots.rows))


# ============================================================================ small readers of the log


def day(s: Scenario, round_: int) -> str:
    """'17 Jul 2025': the date a round starts."""
    return day_text(s.date_of(max(round_, 1)))


def when(s: Scenario, round_: int) -> str:
    """'round 7 (17 Jul 2025)'."""
    return f"round {round_} ({day(s, round_)})"


def lines_of(d: Debrief, kind: str) -> list[LogLine]:
    """The log lines of one kind, in order."""
    return [e for e in d.folder.log if e.kind == kind]


def detections(d: Debrief) -> list[tuple[LogLine, str, str]]:
    """Detected violations as (line, victim, violator): the line's actor detected the violator its data names."""
    return [(e, e.actor, e.data["violator"]) for e in lines_of(d, "detection") if e.data.get("violator")]


def refused(e: LogLine) -> bool:
    """Did the leader refuse this ratification (a veto, whoever else was for it)?"""
    return not flag(e.data.get("leader_approves", True))


def opposition(d: Debrief) -> list[tuple[LogLine, list[str]]]:
    """Ratification votes with officials against (or a leader's refusal), with the officials' names.

    A leader's refusal names no one: the veto, not the vote, decided it.
    """
    known = {o.name for o in d.folder.scenario.officials}
    out = []
    for e in lines_of(d, "ratification"):
        names = [] if refused(e) else [n for n in e.data.get("opposed", []) if n in known]
        if names or refused(e):
            out.append((e, names))
    return out


def hidden(e: LogLine) -> bool:
    """Was this violation a quiet one (a committed level pushed back up, unseen)? Only those name the instrument."""
    return "instrument" in e.data


def utility(d: Debrief, name: str, round_: int | None = None) -> float:
    """A government's or official's utility after a round (the last one if None)."""
    rows = d.folder.rows
    row = rows[-1] if round_ is None else rows[min(max(round_, 0), len(rows) - 1)]
    return row[f"utility_{name}"]


def who(s: Scenario, name: str) -> str:
    """'Lutnick (Commerce Secretary Howard Lutnick)'."""
    o = next((o for o in s.officials if o.name == name), None)
    return f"{name} ({o.title})" if o is not None and o.title else name


def top_concern(s: Scenario, name: str) -> str | None:
    """An official's most salient instrument and ideal level, in words."""
    o = next(o for o in s.officials if o.name == name)
    if not o.preferences:
        return None
    inst, pref = max(o.preferences.items(), key=lambda kv: kv[1].salience)
    return f"{label(s.instrument(inst))} at {level_text(s, inst, pref.ideal)}"


# ============================================================================ discussion questions


def q_first_agreement(d: Debrief) -> str:
    s, agreed = d.folder.scenario, lines_of(d, "agreement")
    if agreed:
        e = agreed[0]
        tried = len({x.round for x in lines_of(d, "offer") if x.round < e.round})
        rounds = "1 round" if tried == 1 else f"{tried} rounds"
        after = f"after {rounds} of offers without one" if tried else "at the first offer"
        return (f"The first agreement came in {when(s, e.round)}, {after}: \u201c{e.text}\u201d What made this package "
                "acceptable to both sides, and who conceded more to get there?")
    main = d.pairs[0] if d.pairs else None
    if main is None or main.analysis.nash is None:
        return (f"No agreement was signed in {d.folder.rounds} rounds, and at the start no package beat no deal for "
                "both sides. What would have had to change before any deal was possible?")
    pa = main.analysis
    return (f"No agreement was signed in {d.folder.rounds} rounds, although {main.metrics['zone_share']:.0%} of the "
            f"packages between {pa.a} and {pa.b} left both better off than no deal at the start. "
            "What kept the sides from finding one of them?")


def q_detection(d: Debrief) -> str | None:
    found = detections(d)
    if not found:
        return None
    e, victim, violator = found[0]
    s = d.folder.scenario
    text = f"In {when(s, e.round)} {victim} detected {violator}'s violation: \u201c{e.text}\u201d"
    answer = next((a for a in lines_of(d, "action") if a.actor == victim and a.round >= e.round), None)
    if answer is not None:
        text += f" {victim} answered in round {answer.round}: \u201c{answer.text}\u201d"
    return text + f" Was the breach worth it to {violator}, and was {victim}'s answer proportionate?"


def q_hidden_violation(d: Debrief) -> str | None:
    caught = {(violator, e.round) for e, _, violator in detections(d)}
    for e in lines_of(d, "violation"):
        if hidden(e) and not any(v == e.actor and r >= e.round for v, r in caught):
            return (f"In {when(d.folder.scenario, e.round)}: \u201c{e.text}\u201d It was never detected before the "
                    "run ended. What is a commitment worth without verification, and what checks would you add "
                    "to the next agreement?")
    return None


def q_ratification(d: Debrief) -> str | None:
    found = opposition(d)
    if not found:
        return None
    e, names = found[0]
    s = d.folder.scenario
    if not names:
        return (f"In {when(s, e.round)}: \u201c{e.text}\u201d Could the negotiator have foreseen the leader's refusal, "
                "and what would a package the leader accepts have looked like?")
    name = names[0]
    concern = top_concern(s, name)
    cares = f" {name} cares most about {concern}." if concern else ""
    support = e.data.get("support")
    share = f" ({support:.0%} of influence in favour)" if isinstance(support, (int, float)) else ""
    return (f"In {when(s, e.round)} {e.actor} ratified the package{share} over the opposition of "
            f"{', '.join(who(s, n) for n in names)}.{cares} What did the package fail to give {name}, and how could "
            "the negotiator have won that vote more comfortably, or should they not have tried?")


def q_nash(d: Debrief) -> str | None:
    if not d.pairs or d.pairs[0].analysis.nash is None:
        return None
    p, s = d.pairs[0], d.folder.scenario
    assert p.nash_terms is not None  # the terms of the Nash point, checked above
    end = d.mine.final_levels
    gaps = [f"{label(s.instrument(n))} at {level_text(s, n, lv)} (it ended at {level_text(s, n, end[n])})"
            for n, lv in p.nash_terms.items() if lv != end[n]]
    where = "; ".join(gaps) if gaps else "the same levels as the run's outcome"
    return (f"The outcome between {p.analysis.a} and {p.analysis.b} lies {p.metrics['nash_distance']:.3f} from the "
            f"Nash point and {p.metrics['frontier_distance']:.3f} from the Pareto frontier (joint welfare "
            f"{p.metrics['joint_welfare']:.3f} against {p.metrics['nash_welfare']:.3f} at the Nash point). "
            f"The Nash package would have set {where}. Who would have had to give what to get there, and would "
            "both coalitions have ratified it?")


def q_actions(d: Debrief) -> str | None:
    acts = lines_of(d, "action")
    if not acts:
        return None
    e = acts[0]
    before, after = utility(d, e.actor, e.round - 1), utility(d, e.actor)
    count = "There was one unilateral move" if len(acts) == 1 else f"There were {len(acts)} unilateral moves"
    return (f"{count}; the first, in {when(d.folder.scenario, e.round)}: "
            f"\u201c{e.text}\u201d {e.actor}'s utility was {before:.3f} before it and {after:.3f} at the end. "
            "Did it strengthen its hand or start a spiral?")


def q_expiry(d: Debrief) -> str | None:
    ends = lines_of(d, "expiry")
    if not ends:
        return None
    e = ends[0]
    return (f"In {when(d.folder.scenario, e.round)}: \u201c{e.text}\u201d Why was nothing in place to replace it, "
            "and what did each side expect to gain from letting the deadline pass?")


def q_bots(d: Debrief) -> str:
    plays = "; ".join(f"{g}: {st}" for g, st in d.bots.strategies.items())
    if d.same_as_bots:
        return (f"The bots ({plays}) played this run, and a replay from the same start gives exactly the same result. "
                "Which government's strategy would you change first, and what do you expect would happen?")
    first = lambda o: f"round {o.agreement_rounds[0]}" if o.agreement_rounds else "no agreement"  # noqa: E731
    utils = lambda o: ", ".join(f"{g} {u:.3f}" for g, u in o.final_utilities.items())  # noqa: E731
    return (f"With the scenario's bots in every seat ({plays}), the first agreement would have come at "
            f"{first(d.bots)} and utilities ended at {utils(d.bots)}; this run had {first(d.mine)} and "
            f"{utils(d.mine)}. Which choice in this run made the difference?")


def q_gains(d: Debrief) -> str:
    s = d.folder.scenario
    change = {g.name: utility(d, g.name) - utility(d, g.name, 0) for g in s.governments}
    best, worst = max(change, key=change.__getitem__), min(change, key=change.__getitem__)
    moves = "; ".join(f"{g} {utility(d, g, 0):.3f} -> {utility(d, g):.3f}" for g in change)
    return (f"Utilities from start to end: {moves}. Why did {best} fare better than {worst}, "
            "and was the outcome fair by any standard you would defend?")


def q_official(d: Debrief) -> str:
    s = d.folder.scenario
    change = {o.name: utility(d, o.name) - utility(d, o.name, 0) for o in s.officials}
    name = min(change, key=change.__getitem__)
    o = next(o for o in s.officials if o.name == name)
    how = "lost most" if change[name] < 0 else "gained least"
    return (f"Of all officials, {who(s, name)} {how} from start to end ({utility(d, name, 0):.3f} -> "
            f"{utility(d, name):.3f}). How would {name} explain the outcome to their own side in {o.government}, "
            "and what would it take to keep them on board next time?")


def q_trade(d: Debrief) -> str | None:
    s, rows = d.folder.scenario, d.folder.rows
    if not s.economy.trade:
        return None
    g = s.governments[0].name
    key = f"balance_{g}"
    return (f"{g}'s goods trade balance went from {rows[0][key]:+.1f} to {rows[-1][key]:+.1f} $bn a year. "
            f"Did the run move trade the way {g}'s officials said they wanted, and does the balance measure "
            "what they should care about?")


QUESTIONS = (q_first_agreement, q_detection, q_hidden_violation, q_ratification, q_nash, q_actions, q_expiry,
             q_bots, q_gains, q_official, q_trade)


def discussion_questions(d: Debrief) -> list[str]:
    """5 to 8 questions about this run, the most telling first (agreements, breaches, votes, the Nash point)."""
    found = [q for q in (ask(d) for ask in QUESTIONS) if q]
    return found[:MAX_QUESTIONS]


# ============================================================================ pictures


def series(rows: list[dict], key: str) -> list[float]:
    return [r[key] for r in rows]


def mark_events(axes, log: list[LogLine]) -> None:
    """Vertical lines at the rounds of agreements, expiries, detections, events and actions; one legend entry each."""
    seen: set[str] = set()
    for e in log:
        if e.kind not in MARKS:
            continue
        colour, style, name = MARKS[e.kind]
        for ax in axes:
            ax.axvline(e.round, color=colour, linestyle=style, alpha=0.45, linewidth=1.3,
                       label=None if name in seen else name)
        seen.add(name)


TARIFFS, CONTROLS = "tariffs (additional %)", "controls (0 none .. 3 sweeping)"
PANELS = {"percent": TARIFFS, "level": CONTROLS, "bn_usd": "purchases ($bn a year)"}


def instrument_panels(s: Scenario) -> dict[str, list]:
    """The scenario's instruments by the panel of their unit (purchases in $bn a year once shared the 0-3 panel
    of the controls and flattened it); a scenario's own kind of another unit gets a panel of its own."""
    groups: dict[str, list] = {title: [] for title in PANELS.values()}
    for spec in s.instruments:
        unit = s.unit_of(spec.kind)
        groups.setdefault(PANELS.get(unit, unit), []).append(spec)
    return {title: specs for title, specs in groups.items() if specs}


def instruments_png(d: Debrief) -> bytes:
    """The instruments round by round, a panel per unit, with the run's events marked."""
    s, rows = d.folder.scenario, d.folder.rows
    rounds = series(rows, "round")
    controls = CONTROLS
    groups = instrument_panels(s)
    fig = new_figure(figsize=(11, 3.6 * len(groups)))
    grid = fig.subplots(len(groups), 1, sharex=True, squeeze=False)
    axes = list(grid[:, 0])
    for ax, (title, specs) in zip(axes, groups.items()):
        for n, spec in enumerate(specs):
            nudge = 0.04 * (n - (len(specs) - 1) / 2) if title == controls else 0.0  # keep equal levels visible
            levels = [x + nudge for x in series(rows, f"level_{spec.name}")]
            ax.step(rounds, levels, where="post", linewidth=2, label=label(spec))
        ax.set_ylabel(title)
        ax.grid(alpha=0.25)
        if title == controls:
            lo, hi = min(x.min for x in specs), max(x.max for x in specs)
            ax.set_ylim(lo - 0.2, hi + 0.2)
    mark_events(axes, d.folder.log)
    for ax in axes:
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    axes[-1].set_xlabel(f"round ({s.calendar.round_days} days each, from {s.calendar.start})")
    fig.suptitle(f"{s.title}: instruments (seed {d.folder.seed})")
    fig.tight_layout()
    return png_bytes(fig)


def utilities_png(d: Debrief) -> bytes:
    """One panel per government: its utility (thick) and each of its officials'."""
    s, rows = d.folder.scenario, d.folder.rows
    rounds = series(rows, "round")
    fig = new_figure(figsize=(5 * len(s.governments), 3.8))
    axes = fig.subplots(1, len(s.governments), sharey=True, squeeze=False)
    for ax, g in zip(axes[0], s.governments):
        ax.plot(rounds, series(rows, f"utility_{g.name}"), color="black", linewidth=3, label=f"{g.name} (government)")
        for o in (o for o in s.officials if o.government == g.name):
            ax.plot(rounds, series(rows, f"utility_{o.name}"), linewidth=1.5, label=o.name)
        ax.set_title(g.title or g.name)
        ax.set_xlabel("round")
        ax.grid(alpha=0.25)
        ax.legend(fontsize=7)
    axes[0][0].set_ylabel("utility (0..1)")
    fig.tight_layout()
    return png_bytes(fig)


def trade_png(d: Debrief) -> bytes:
    """Trade flows, each government's balance, and market stress, round by round."""
    s, rows = d.folder.scenario, d.folder.rows
    rounds = series(rows, "round")
    fig = new_figure(figsize=(14, 3.8))
    ax_f, ax_b, ax_s = fig.subplots(1, 3)
    for f in s.economy.trade:
        flow = series(rows, f"flow_{f.exporter}_{f.importer}")
        ax_f.plot(rounds, flow, linewidth=2, label=f"{f.exporter} -> {f.importer}")
    for g in s.governments:
        ax_b.plot(rounds, series(rows, f"balance_{g.name}"), linewidth=2, label=g.name)
    ax_b.axhline(0, color="grey", linewidth=0.8)
    ax_s.plot(rounds, series(rows, "market_stress"), color="black", linewidth=2)
    ax_s.set_ylim(0, 1)
    titles = ("goods trade, $bn a year", "trade balance, $bn a year", "market stress (0 calm .. 1 panic)")
    for ax, title in zip((ax_f, ax_b, ax_s), titles):
        ax.set_title(title)
        ax.set_xlabel("round")
        ax.grid(alpha=0.25)
    ax_f.legend(fontsize=7)
    ax_b.legend(fontsize=7)
    fig.tight_layout()
    return png_bytes(fig)


def bargaining_png(d: Debrief, p: PairOutcome) -> bytes:
    """Every package's (ua, ub), the frontier, no deal, the Nash and K-S points, and the run's outcome."""
    pa = p.analysis
    fig = new_figure(figsize=(10, 6))
    ax = fig.subplots()
    ax.scatter(pa.ua, pa.ub, s=3, color="lightgrey", rasterized=True, label=f"all {len(pa.ua):,} packages")
    zone = individually_rational(pa.ua, pa.ub, pa.da, pa.db)
    ax.scatter(pa.ua[zone], pa.ub[zone], s=3, color="#9ecae1", rasterized=True, label="packages both prefer to no deal")
    f = pa.frontier
    ax.plot(pa.ua[f], pa.ub[f], color="tab:blue", linewidth=2, marker=".", label="Pareto frontier")
    ax.scatter([pa.da], [pa.db], marker="X", s=110, color="black", label="no deal (disagreement point)", zorder=4)
    points = ((pa.nash, "*", "gold", "Nash point"), (pa.ks, "D", "tab:cyan", "Kalai-Smorodinsky point"))
    for k, marker, colour, name in points:
        if k is not None:
            ax.scatter([pa.ua[k]], [pa.ub[k]], marker=marker, s=220, color=colour, edgecolor="black",
                       label=name, zorder=5)
    ax.scatter([p.outcome[0]], [p.outcome[1]], marker="o", s=120, color="tab:red", edgecolor="black",
               label="this run's outcome", zorder=6)
    if p.bots != p.outcome:
        ax.scatter([p.bots[0]], [p.bots[1]], marker="s", s=120, facecolor="none", edgecolor="tab:purple", linewidth=2,
                   label="the bots' outcome", zorder=6)
    ax.set_xlabel(f"utility of {pa.a}")
    ax.set_ylabel(f"utility of {pa.b}")
    ax.set_title(f"{pa.a}-{pa.b}: the options at the start and where the run ended")
    ax.grid(alpha=0.25)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    return png_bytes(fig)


def pair_picture(p: PairOutcome) -> str:
    return f"debrief-bargaining-{p.analysis.a}-{p.analysis.b}.png"


def pictures(d: Debrief) -> dict[str, bytes]:
    """File name -> PNG bytes, for every picture of the report."""
    out = {
        "debrief-instruments.png": instruments_png(d),
        "debrief-utilities.png": utilities_png(d),
        "debrief-trade.png": trade_png(d),
    }
    for p in d.pairs:
        out[pair_picture(p)] = bargaining_png(d, p)
    return out


# ============================================================================ the page's data
# The template (teaching/templates/debrief.html) lays the report out; these build what it shows, as plain data.


@dataclass(frozen=True)
class Picture:
    """A picture of the report: its file name, its PNG as a data URI (so the page needs nothing else), a caption."""

    name: str
    uri: str
    caption: str


@dataclass(frozen=True)
class Cell:
    """A table cell's text, and whether it is a number (right-aligned)."""

    text: str
    numeric: bool


@dataclass(frozen=True)
class Row:
    """A table row; `differs` highlights it (where this run and the bots part ways)."""

    cells: tuple[Cell, ...]
    differs: bool = False


@dataclass(frozen=True)
class Table:
    head: tuple[str, ...]
    rows: tuple[Row, ...]


def table(head: list[str], rows: list[list], differs: list[bool] | None = None) -> Table:
    """A table of text; cells that read as numbers are marked to be right-aligned."""
    cell = lambda c: Cell(str(c), bool(NUMBER.match(str(c))))  # noqa: E731
    return Table(tuple(head), tuple(Row(tuple(cell(c) for c in r), bool(differs and differs[i]))
                                    for i, r in enumerate(rows)))


def picture(name: str, pics: dict[str, bytes], caption: str) -> Picture:
    return Picture(name, "data:image/png;base64," + base64.b64encode(pics[name]).decode("ascii"), caption)


def meta(d: Debrief) -> str:
    """The line under the title: scenario, seed, calendar, who played, where the run is."""
    f, s = d.folder, d.folder.scenario
    plays = "; ".join(f"{g}: {st}" for g, st in d.mine.strategies.items())
    return (f"Scenario {s.name} ({f.scenario_file}), seed {f.seed}, {f.rounds} rounds of {s.calendar.round_days} days "
            f"from {day(s, 1)} to {day(s, f.rounds)}. Played by: {plays}. Run folder: {f.path}.")


def instruments_part(d: Debrief, pics: dict[str, bytes]) -> dict:
    """Section 1: the picture, each instrument's start, peak and end, and the marked moments."""
    s, rows = d.folder.scenario, d.folder.rows
    caption = ("Instrument levels by round; vertical lines mark events, agreements, expiries, broken commitments, "
               "detected violations and unilateral actions")
    levels = []
    for spec in s.instruments:
        series_ = series(rows, f"level_{spec.name}")
        levels.append([label(spec)] + [level_text(s, spec.name, x) for x in (series_[0], max(series_), series_[-1])])
    marked = [e for e in d.folder.log if e.kind in MARKS and e.kind != "event"]  # events are in the story
    return {
        "picture": picture("debrief-instruments.png", pics, caption),
        "table": table(["instrument", "start", "peak", "end"], levels),
        "marked": [f"{when(s, e.round)}: {e.text}" for e in marked],
    }


def utilities_part(d: Debrief, pics: dict[str, bytes]) -> dict:
    """Section 2: the picture, and every government's and official's utility at the start and the end."""
    s = d.folder.scenario
    rows: list[list[Any]] = [[g.name, "government", "", utility(d, g.name, 0), utility(d, g.name)] for g in s.governments]
    rows += [[o.name, o.government, o.title or o.role.value, utility(d, o.name, 0), utility(d, o.name)]
             for o in s.officials]
    rows = [r[:3] + [f"{r[3]:.3f}", f"{r[4]:.3f}", f"{r[4] - r[3]:+.3f}"] for r in rows]
    return {
        "picture": picture("debrief-utilities.png", pics,
                           "Utility of each government (thick) and of each of its officials, by round"),
        "table": table(["who", "government", "role", "start", "end", "change"], rows),
    }


def trade_part(d: Debrief, pics: dict[str, bytes]) -> dict:
    """Section 3: the picture, and trade flows, balances and market stress at the start and the end."""
    s, first, last = d.folder.scenario, d.folder.rows[0], d.folder.rows[-1]
    rows = [[f"{f.exporter} -> {f.importer} exports", f"{first[k]:.1f}", f"{last[k]:.1f}"]
            for f in s.economy.trade for k in [f"flow_{f.exporter}_{f.importer}"]]
    rows += [[f"{g.name} trade balance", f"{first[k]:+.1f}", f"{last[k]:+.1f}"]
             for g in s.governments for k in [f"balance_{g.name}"]]
    rows.append(["market stress (0..1)", f"{first['market_stress']:.2f}", f"{last['market_stress']:.2f}"])
    caption = "Goods trade flows, each government's balance across its modelled flows, and market stress"
    return {"picture": picture("debrief-trade.png", pics, caption),
            "table": table(["$bn a year", "start", "end"], rows)}


def story_part(d: Debrief) -> list[dict]:
    """Section 4: the log, round by round as in story.md, each line with its kind (which styles it)."""
    s = d.folder.scenario
    rounds: list[dict[str, Any]] = []
    held = Held(s)

    def quiet(first: int, last: int) -> None:  # a stretch of rounds in which nothing happened, as story.md tells it
        if first <= last:
            span = when(s, first) if first == last else f"rounds {first}-{last} ({day(s, first)} to {day(s, last)})"
            rounds.append({"round": first, "heading": span[0].upper() + span[1:], "quiet": True,
                           "lines": [{"kind": "note", "text": quiet_text(list(held.parties))}]})

    current = 0
    for e in d.folder.log:
        if e.round != current:
            quiet(current + 1, e.round - 1)
            current = e.round
            rounds.append({"round": e.round, "heading": when(s, e.round).replace("round", "Round", 1), "lines": []})
        rounds[-1]["lines"].append({"kind": e.kind, "text": e.text})
        held.follow(e.kind, e.data)
    quiet(current + 1, d.folder.rounds)
    return rounds


def pair_part(d: Debrief, p: PairOutcome, pics: dict[str, bytes]) -> dict:
    """Section 5, one pair: the picture, the points, and (if a deal was possible) the Nash package against the end."""
    s, pa, m = d.folder.scenario, p.analysis, p.metrics
    points = [["no deal (disagreement)", f"{pa.da:.3f}", f"{pa.db:.3f}"]]
    for name, k in (("Nash point", pa.nash), ("Kalai-Smorodinsky point", pa.ks)):
        pt = pa.point(k)
        points.append([name] + ([f"{pt[0]:.3f}", f"{pt[1]:.3f}"] if pt else ["none", "none"]))
    points.append(["this run's outcome", f"{p.outcome[0]:.3f}", f"{p.outcome[1]:.3f}"])
    points.append(["the bots' outcome", f"{p.bots[0]:.3f}", f"{p.bots[1]:.3f}"])
    part = {
        "a": pa.a, "b": pa.b, "empty": pa.nash is None,
        "picture": picture(pair_picture(p), pics,
                           f"Every package between {pa.a} and {pa.b} valued at the start, with the Pareto frontier, "
                           "no deal, the Nash and Kalai-Smorodinsky points and the run's outcome"),
        "points": table(["point", f"utility of {pa.a}", f"utility of {pa.b}"], points),
    }
    if pa.nash is None:
        return part
    assert p.nash_terms is not None  # pa.terms(pa.nash), and pa.nash is set
    part["distances"] = (f"The outcome lies {m['nash_distance']:.3f} from the Nash point and "
                         f"{m['frontier_distance']:.3f} from the Pareto frontier; its joint welfare is "
                         f"{m['joint_welfare']:.3f} against {m['nash_welfare']:.3f} at the Nash point. "
                         f"{m['zone_share']:.0%} of the {len(pa.ua):,} packages beat no deal for both sides.")
    end = d.mine.final_levels
    terms = [[label(s.instrument(n)), level_text(s, n, lv), level_text(s, n, end[n])] for n, lv in p.nash_terms.items()]
    part["terms"] = table(["instrument", "Nash package", "this run's end"], terms)
    return part


def comparison_rows(d: Debrief) -> list[tuple[str, str, str]]:
    """(what, this run, the bots) for the side-by-side table."""
    s, mine, bots = d.folder.scenario, d.mine, d.bots
    first = lambda o: when(s, o.agreement_rounds[0]) if o.agreement_rounds else "none"  # noqa: E731
    rows = [(f"{g} played by", mine.strategies[g], bots.strategies[g]) for g in mine.strategies]
    yes = lambda o: "yes" if o.agreement_rounds else "no"  # noqa: E731
    rows.append(("agreement reached", yes(mine), yes(bots)))
    rows.append(("first agreement", first(mine), first(bots)))
    rows.append(("agreements signed", str(len(mine.agreement_rounds)), str(len(bots.agreement_rounds))))
    for spec in s.instruments:
        n = spec.name
        rows.append((f"final {label(spec)}", level_text(s, n, mine.final_levels[n]), level_text(s, n, bots.final_levels[n])))
    for g in mine.final_utilities:
        rows.append((f"final utility of {g}", f"{mine.final_utilities[g]:.3f}", f"{bots.final_utilities[g]:.3f}"))
    return rows


def verdict(d: Debrief) -> str:
    f = d.folder
    if d.same_as_bots and d.mine.strategies == d.bots.strategies:
        return (f"This run was played by the scenario's own bots: replaying it with seed {f.seed} for {f.rounds} "
                "rounds gives exactly the same result, line for line of the story.")
    if d.same_as_bots:
        return ("Other players, the same result: the scenario's bots would have reached exactly this outcome "
                "from the same start.")
    differ = [r[0] for r in comparison_rows(d) if r[1] != r[2] and not r[0].endswith("played by")]
    what = ", ".join(differ) if differ else "the story (the same outcome by another path)"
    return (f"This run differs from what the scenario's bots would have done from the same start "
            f"(seed {f.seed}, {f.rounds} rounds) in: {what}.")


def bots_part(d: Debrief) -> dict:
    """Section 6: the verdict, and this run against the bots' side by side (differences highlighted)."""
    rows = comparison_rows(d)
    return {"verdict": verdict(d),
            "table": table(["", "this run", "bots from the same start"], [list(r) for r in rows],
                           [r[1] != r[2] for r in rows])}


def render_html(d: Debrief, pics: dict[str, bytes]) -> str:
    """The whole report: one page, its stylesheet inlined, pictures as data URIs, no scripts, nothing fetched."""
    return pages.render(
        "teaching/debrief.html",
        title=d.folder.scenario.title,
        seed=d.folder.seed,
        meta=meta(d),
        headings=SECTIONS,
        instruments=instruments_part(d, pics),
        utilities=utilities_part(d, pics),
        trade=trade_part(d, pics),
        story=story_part(d),
        pairs=[pair_part(d, p, pics) for p in d.pairs],
        bots=bots_part(d),
        questions=discussion_questions(d),
    )


def write_debrief(run_dir: str | Path, *, scenario_file: str | Path | None = None) -> Path:
    """Write debrief.html and its pictures (PNG) into a run folder; return the report's path.

    `scenario_file` replaces the manifest's path when the scenario has moved (its hash is still checked).
    An earlier debrief is replaced whole, as it is made from the run alone (whose hash is checked):
    its report goes first (pictures without a report beside them are an unfinished debrief), then
    every picture of it, then the new pictures are written, the report last.
    """
    d = build_debrief(run_dir, scenario_file)
    pics = pictures(d)
    report = d.folder.path / REPORT
    report.unlink(missing_ok=True)
    for old in d.folder.path.glob("debrief-*.png"):
        old.unlink()
    for name, data in pics.items():
        write_atomic(d.folder.path / name, data)
    write_atomic(report, render_html(d, pics))
    return report
