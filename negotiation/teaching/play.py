"""Play in the terminal: people take seats, the scenario's bots fill the rest.

A human government seat is a Strategy (`HumanSeat`) that asks through injected `ask`/`say`
callables; a human leader seat (`LeaderSeat`) casts its leader's vote whenever the government
would be bound (the model's `ratifiers` hook). A `Session` plays the rounds on one shared
terminal, fires lesson and instructor injects, and keeps a transcript of every answer as it goes,
so that a session can be resumed after Ctrl-C and replayed exactly, or from a round on with bots
(or the players again) in the human seats. Nothing here draws from the model's generator.
"""

from __future__ import annotations

import contextlib
import difflib
import textwrap
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Literal, TypeVar

import numpy as np

from negotiation.common.dates import day_text
from negotiation.common.errors import InputError, Problem
from negotiation.common.limits import seed_problem
from negotiation.game.bargaining import initial_analysis, run_metrics
from negotiation.game.model import TradeTalksModel
from negotiation.game.packages import grid
from negotiation.game.ratification import RatificationRequest
from negotiation.results import RunResult, manifest, summarise, write_run
from negotiation.scenario import Role, Scenario, load_scenario, nearest
from negotiation.scenario.checks import check_rounds
from negotiation.story import label, level_text, sentence, visible
from negotiation.strategies import Strategy, make_strategy
from negotiation.strategies.moves import Action, ObservationKind, Offer, Response, ResponseKind
from negotiation.teaching.briefs import Seat  # a government, or an official within it (here only a leader)
from negotiation.teaching.instructor import whole_state
from negotiation.teaching.transcript import (
    INSTRUCTOR,
    TRANSCRIPT,
    Answer,
    Injected,
    PromptKind,
    Transcript,
    append_answer,
    load_lesson,
    load_transcript,
)

QUIT_WORDS = ("quit", "exit")
WIDTH = 100
KEEP_REST = object()  # the answer '=' while building a package: keep this level and every one after it


class SessionPaused(Exception):
    """The player typed 'quit': save the session and stop."""


# ============================================================================ prompts


class Question(str):
    """A question as the terminal prints it, carrying what a screen with real controls offers for it.

    It is still a str to everything that asks (input(), a test's scripted answers, the transcript), so
    the terminal game and its records do not change; the page (web/dashboard.py) reads `kind` and
    `choices`, each a pair of the answer as typed at the terminal and its words on a button, and sends
    the chosen answer back as if it had been typed. Typing stays possible wherever choices are shown.
    """

    kind: PromptKind
    choices: tuple[tuple[str, str], ...]

    def __new__(cls, text: str, kind: PromptKind, choices: Sequence[tuple[str, str]] = ()):
        q = super().__new__(cls, text)
        q.kind, q.choices = kind, tuple(choices)
        return q


class Table(str):
    """A table as the terminal prints it, keeping its head and rows for a screen that draws real tables."""

    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __new__(cls, text: str, head: Sequence[str], rows: Sequence[Sequence[str]]):
        t = super().__new__(cls, text)
        t.head, t.rows = tuple(head), tuple(tuple(str(v) for v in r) for r in rows)
        return t


class Prompter:
    """Asks one seat's questions until an answer makes sense, explaining each mistake.

    `asking` names the kind of the question pending (for transcripts); '?' runs `again` (the
    seat shows its table once more); 'quit' pauses the session. `accepted` is called once an
    answer makes sense (the transcript keeps those only, so a stream of bad answers adds nothing).
    """

    def __init__(self, ask: Callable[[str], str] = input, say: Callable[[str], None] = print):
        self.ask, self.say = ask, say
        self.asking: PromptKind | None = None
        self.again: Callable[[], None] | None = None
        self.accepted: Callable[[], None] | None = None

    def question(self, kind: PromptKind, prompt: str, parse: Callable[[str], object]):
        while True:
            self.asking = kind
            word = self.ask(Question(prompt, kind, getattr(parse, "choices", ()))).strip()
            if word.lower() in QUIT_WORDS:
                raise SessionPaused
            if word == "?" and self.again is not None:
                self.again()
                continue
            try:
                value = parse(word)
            except ValueError as exc:
                self.say(f"  ! {exc}")
                continue
            if self.accepted is not None:
                self.accepted()
            return value


def choice(options: dict[str, str]) -> Callable[[str], str]:
    """A parser for a one-letter choice: 'a' or 'accept' for {'a': 'accept', ...}."""

    def parse(word: str) -> str:
        w = word.lower()
        for key, long in options.items():
            if w in (key, long):
                return key
        listed = ", ".join(f"{k} ({v})" for k, v in options.items())
        raise ValueError(f"{word!r} is not a choice here: type {listed}" if word else f"please choose: type {listed}")

    return Offered(parse, tuple(options.items()))


T = TypeVar("T")


@dataclass(frozen=True)
class Offered(Generic[T]):
    """A parser, with the answers a screen may offer for it as buttons (they become `Question.choices`)."""

    parse: Callable[[str], T]
    choices: tuple[tuple[str, str], ...]

    def __call__(self, word: str) -> T:
        return self.parse(word)


def wrap(text: str, bullet: str = "  - ") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=bullet, subsequent_indent=" " * len(bullet))


def table(head: list[str], rows: list[list[str]], indent: int = 2) -> Table:
    widths = [max(len(str(r[c])) for r in [head, *rows]) for c in range(len(head))]
    lines = ("  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip() for r in [head, *rows])
    return Table("\n".join(" " * indent + line for line in lines), head, rows)


# ============================================================================ what a seat is shown


class Facts:
    """Words for instruments, levels and packages, from the scenario (common knowledge)."""

    def __init__(self, scenario: Scenario):
        self.s = scenario
        self.index = {i.name: k for k, i in enumerate(scenario.instruments)}

    def label(self, name: str) -> str:
        return label(self.s.instrument(name))

    def level(self, name: str, value: float) -> str:
        return level_text(self.s, name, value)

    def date(self, round_: int) -> str:
        return day_text(self.s.date_of(max(round_, 1)))

    def span(self, name: str) -> str:
        spec = self.s.instrument(name)
        unit = "%" if self.s.unit_of(spec.kind) == "percent" else ""
        steps = f" in steps of {spec.step:g}" if spec.step != 1 else ""
        if steps and not on_steps(spec.max, spec.min, spec.step):
            steps += f", or {spec.max:g}{unit} itself"
        return f"{spec.min:g}-{spec.max:g}{unit}{steps}"

    def pair(self, a: str, b: str) -> list[str]:
        return [i.name for i in self.s.instruments if {i.imposer, i.target} == {a, b}]

    def levels_of(self, view, offer: Offer) -> np.ndarray:
        levels = np.array(view.levels, dtype=float)
        for name, value in offer.terms:
            levels[self.index[name]] = value
        return levels


NEWS = {
    ObservationKind.ESCALATION: "{actor} raised {inst} (now {level})",
    ObservationKind.DEESCALATION: "{actor} lowered {inst} (now {level})",
    ObservationKind.VIOLATION: "{actor} broke its commitment on {inst}: the agreement is void",
    ObservationKind.AGREEMENT: "{actor} signed an agreement with you",
    ObservationKind.GOODWILL: "{actor} made a gesture of goodwill (a leaders' call)",
    ObservationKind.SNAP_BACK: "{inst} snapped back to {level}: the agreement expired",
    ObservationKind.THREAT: "{actor} threatens to raise {inst} (now {level}) unless its condition is met",
    ObservationKind.THREAT_CARRIED_OUT: "{actor} carried out its threat: {inst} is now {level}",
    ObservationKind.RULING: "a ruling moved {actor}'s {inst} (now {level}): no one's act",
}


def news_text(facts: Facts, view) -> list[str]:
    """The view's news (what others did to this government), in words: acts of others only, not expiries."""
    out = []
    for o in view.news():
        if o.kind is ObservationKind.SNAP_BACK or o.actor == view.name:
            continue
        inst = facts.label(o.instrument) if o.instrument else ""
        level = facts.level(o.instrument, view.level(o.instrument)) if o.instrument else ""
        out.append(NEWS[o.kind].format(actor=o.actor, inst=inst, level=level))
    return out


def expiry_text(facts: Facts, view) -> list[str]:
    """Levels on this government that snapped back as an agreement expired: a lapse, not an act of the other side."""
    backs = [o for o in view.news() if o.kind is ObservationKind.SNAP_BACK]
    return [f"{facts.label(o.instrument)} snapped back to {facts.level(o.instrument, view.level(o.instrument))}"
            for o in backs]


def state_table(facts: Facts, view) -> list[str]:
    """Every instrument's level as this seat sees it, its commitments and where they snap back."""
    agreements = [a for a in (view.agreement(h) for h in view.counterparts()) if a is not None]
    rows = []
    for spec in facts.s.instruments:
        term = next((a for a in agreements if spec.name in a.terms), None)
        now = view.level(spec.name)
        agreed = "-" if term is None else facts.level(spec.name, term.terms[spec.name])
        if term is not None and now > term.terms[spec.name]:
            agreed += "  (! now above it)"
        snap = term.snap_back.get(spec.name) if term is not None else None
        back = "-" if snap is None else facts.level(spec.name, snap)
        mine = " *" if spec.imposer == view.name else ""
        rows.append([facts.label(spec.name) + mine, facts.level(spec.name, now), agreed, back])
    lines: list[str] = [table(["instrument (* yours)", "now", "agreed", "after expiry"], rows)]
    for a in agreements:
        tail = "; talks go on meanwhile." if a.interim else "."
        lines.append(wrap(f"In force: the {a.name.replace('_', ' ')} with {a.other(view.name)}, until round "
                          f"{a.expiry_round} ({facts.date(a.expiry_round)}){tail}", "  "))
    return lines


class OpenBook:
    """Every side's true values, for a class that plays with open information (the bargaining models' assumption).

    Seats normally see only their own side's values; an open book shows the others' too.
    """

    def __init__(self, model: TradeTalksModel):
        self._values = model.values

    def worth(self, offer: Offer, who: str) -> float:
        return self._values.offer_value(offer, who)

    def no_deal(self, who: str, other: str) -> float:
        return self._values.reservation(who, other)

    def today(self, who: str, other: str) -> float:
        idx = self._values.pair_instruments(who, other)
        v = self._values.values(who, other, self._values.state.levels[idx][None, :])
        return float(v.governments[0, self._values.side(who, other)])


def standing(view, book: OpenBook | None = None) -> list[str]:
    """Utility now and with no deal, for this seat (and each counterpart, if values are open); trust; deadlines."""
    out = []
    for h in view.counterparts():
        if not view.instruments(h):
            continue
        theirs = (f"  To {h}: {book.today(h, view.name):.3f} today, {book.no_deal(h, view.name):.3f} with no deal."
                  if book is not None else "")
        today = view.value_of_levels(h, view.status_quo(h))
        out.append(f"  Worth to you at today's levels {today:.3f}; if talks with {h} fail (no deal) "
                   f"{view.reservation(h):.3f}.{theirs}")
        due, deal = view.deadline(h), view.agreement(h)
        if deal is not None and not deal.interim:
            clock = f"A deal with {h} is in force until round {deal.expiry_round}: no deadline while it holds."
        elif due is not None:
            clock = f"Deadline for a deal with {h}: round {due}."
        else:
            clock = (f"No deadline with {h}: each round without a deal costs you (you expect talks to last "
                     f"{view.horizon(h):.0f} rounds).")
        out.append(f"  Your trust in {h}: {view.trust(h):.2f}.  {clock}")
    return out


# ============================================================================ a human government


class HumanSeat(Strategy):
    """A government played by a person: it proposes, responds and acts through prompts.

    `ask(prompt) -> str` and `say(text)` are injected (default: input and print) so that tests,
    transcripts and replays can drive it; `headlines()` returns the story lines the seat may see
    since it last looked (the session supplies it). Draws nothing from the generator.
    """

    name = "human"

    def __init__(self, scenario: Scenario, ask=input, say=print, *, io: Prompter | None = None,
                 headlines: Callable[[], list[str]] | None = None, params=None, book: OpenBook | None = None):
        super().__init__(params)
        self.book = book  # every side's values, when the class plays with open information (set by the session)
        self.facts = Facts(scenario)
        self.io = io or Prompter(ask, say)
        self.headlines = headlines or (lambda: [])
        self._shown = -1

    def __repr__(self) -> str:
        return "human"

    def keeps_commitments(self, view) -> bool:
        return True  # the players decide any breach themselves, in `act`: the model never breaks one for them

    def allows_official_move(self, view, official: str, instrument: str, level: float) -> bool:
        """An official of this seat would move an instrument it holds, within its mandate: the players decide."""
        f = self.facts
        self.brief(view)
        who = next((o.title or o.name for o in f.s.officials if o.name == official), official)
        self.io.say(wrap(f"{who} would move, within the mandate the scenario gives them: {f.label(instrument)} "
                         f"{f.level(instrument, view.level(instrument))} -> {f.level(instrument, level)}. "
                         f"{f.s.instrument(instrument).target} would see it as your government's act.", "  "))
        answer = self.io.question("mandate", f"Let {official} do it? [y]es or [n]o (stop them): ",
                                  choice({"y": "yes", "n": "no"}))
        return answer == "y"

    # -- what the seat sees -----------------------------------------------------------------

    def brief(self, view, drop_last: bool = False) -> None:
        """New story lines, and once a round the news and the table of the state.

        `drop_last` leaves out the newest line: the offer about to be shown as a table.
        """
        self.io.again = lambda: self.show_state(view)
        lines = self.headlines()[: -1 if drop_last else None]
        if lines:
            self.io.say("Since you last looked:")
            self.io.say("\n".join(wrap(t) for t in lines))
        if view.round != self._shown:
            self._shown = view.round
            news = news_text(self.facts, view)
            self.io.say("What others did to you: " + ("; ".join(news) + "." if news else "nothing new."))
            lapsed = expiry_text(self.facts, view)
            if lapsed:
                self.io.say("Agreements expired (nobody's act): " + "; ".join(lapsed) + ".")
            self.show_state(view)

    def show_state(self, view) -> None:
        self.io.say(f"\n{view.name}, round {view.round} ({self.facts.date(view.round)}):")
        for part in state_table(self.facts, view):  # the table apart, so that a screen can draw it as one
            self.io.say(part)
        self.io.say("\n".join(standing(view, self.book)))

    def show_offer(self, view, offer: Offer, heading: str) -> None:
        f, me, other = self.facts, view.name, (offer.responder if offer.proposer == view.name else offer.proposer)
        rows = [[f.label(n), f.level(n, view.level(n)), f.level(n, v) + ("  *" if v != view.level(n) else "")]
                for n, v in offer.terms]
        days = offer.duration * f.s.calendar.round_days
        self.io.say(f"  {heading}, for {offer.duration} rounds ({days} days; * marks a change):")
        self.io.say(table(["instrument", "now", "in the package"], rows, indent=4))
        mine, mine_nd = view.value_of(offer), view.reservation(other)
        to_them = ""
        if self.book is not None:
            theirs, theirs_nd = self.book.worth(offer, other), self.book.no_deal(other, me)
            to_them = f"; to {other} {theirs:.3f} (no deal {theirs_nd:.3f})"
        self.io.say(f"    worth to you {mine:.3f} (no deal {mine_nd:.3f}){to_them}")
        odds = view.ratification_chance(offer)
        verdict = "yes" if odds >= 0.5 else "no (your leader or too few officials back it)"
        self.io.say(f"    your own government would ratify it: {verdict} (about {odds:.0%} likely)")
        if mine <= mine_nd:
            self.io.say(f"    ! it is worth no more to {me} than no deal: it could not bind")
        if self.book is not None and theirs <= theirs_nd:
            self.io.say(f"    ! it is worth no more to {other} than no deal: {other} cannot accept it")

    # -- talks ------------------------------------------------------------------------------

    def propose(self, view, counterpart: str, rng: np.random.Generator) -> Offer | None:
        self.brief(view)
        want = self.io.question("propose", f"Your turn to propose to {counterpart}: [p]ropose a package or [n]o offer "
                                "this round? ", choice({"p": "propose", "n": "no"}))
        if want == "n":
            return None
        return self.compose(view, counterpart, np.array(view.levels), self.params.duration, "your offer",
                            ("n", "no offer"))

    def respond(self, view, offer: Offer, rng: np.random.Generator) -> Response:
        self.brief(view, drop_last=True)
        counter = any(o.round == view.round for o in view.offers_made(offer.proposer))
        self.show_offer(view, offer, f"{offer.proposer} {'counters' if counter else 'offers'}")
        if counter:
            options, prompt = {"a": "accept", "r": "reject"}, "[a]ccept or [r]eject their counter-offer? "
        else:
            options, prompt = {"a": "accept", "r": "reject", "c": "counter"}, "[a]ccept, [r]eject or [c]ounter? "
        answer = self.io.question("respond", prompt, choice(options))
        if answer == "a":
            return Response.accept()
        if answer == "r":
            return Response.reject()
        mine = self.compose(view, offer.proposer, self.facts.levels_of(view, offer), offer.duration, "your counter-offer",
                            ("r", "reject instead"))
        return Response(ResponseKind.COUNTER, mine) if mine is not None else Response.reject()

    def compose(self, view, counterpart: str, base: np.ndarray, duration: int, what: str,
                give_up: tuple[str, str]) -> Offer | None:
        """Build a package level by level, show its worth, then send it, edit it or give up (None)."""
        key, words = give_up
        while True:
            offer = self.build(view, counterpart, base, duration)
            self.show_offer(view, offer, what[0].upper() + what[1:])
            answer = self.io.question("send", f"Send {what}? [y]es, [e]dit it, or [{key}]{words[1:]}? ",
                                      choice({"y": "yes", "e": "edit", key: words.split()[0]}))
            if answer == "y":
                return offer
            if answer == key:
                return None
            base, duration = self.facts.levels_of(view, offer), offer.duration

    def build(self, view, counterpart: str, base: np.ndarray, duration: int) -> Offer:
        f = self.facts
        self.io.say("  Type each level; Enter keeps the one in [brackets]; '=' keeps it and all the rest.")
        levels = base.copy()
        for name in f.pair(view.name, counterpart):
            k = f.index[name]
            prompt = f"  {f.label(name)} (now {f.level(name, view.level(name))}; {f.span(name)}) [{levels[k]:g}]: "
            value = self.io.question("level", prompt, level_parser(f, name, levels[k]))
            if value is KEEP_REST:
                break
            levels[k] = value
        days = f.s.calendar.round_days
        rounds = self.io.question("duration", f"  Lasting how many rounds ({days} days each, 1-520)? [{duration}]: ",
                                  duration_parser(duration))
        return view.offer(counterpart, levels[[f.index[n] for n in view.instruments(counterpart)]], rounds)

    # -- actions ----------------------------------------------------------------------------

    def act(self, view, rng: np.random.Generator) -> list[Action]:
        self.brief(view)
        own = view.own_instruments()
        if not own:
            return []
        f = self.facts
        plan: dict[str, float] = {}
        self.io.say("Your instruments (one step each per round):")
        rows = [[str(k + 1), f"{f.label(n)} ({n})", f.level(n, view.level(n)), f.span(n)] for k, n in enumerate(own)]
        self.io.say(table(["", "instrument", "now", "range"], rows))
        while True:
            hint = "another move, or Enter when done" if plan else "Enter to hold them all"
            move = self.io.question("act", f"Move one (e.g. 'raise 1', 'lower tariff', 'hold 2'); {hint}: ",
                                    move_parser(f, view, own))
            if move is None:
                break
            name, level = move
            if level == view.level(name):
                plan.pop(name, None)
            else:
                plan[name] = level
            self.io.say(self.planned(view, name, level))
        return [Action(n, plan[n], "the players' decision") for n in own if n in plan]

    # -- threats (issue 11): the terminal game does not ask a person to threaten yet; a seat never gives in by itself

    def threaten(self, view, counterpart, rng):
        return None

    def meet_condition(self, view, threat, rng) -> bool:
        return False

    def planned(self, view, name: str, level: float) -> str:
        f = self.facts
        now = view.level(name)
        if level == now:
            return f"  planned: hold {f.label(name)} at {f.level(name, now)}"
        text = f"  planned: {f.label(name)} {f.level(name, now)} -> {f.level(name, level)}"
        target = f.s.instrument(name).target
        a = view.agreement(target)
        if a is not None and name in a.terms and level > a.terms[name]:
            text += (f"\n  ! that is above your commitment ({f.level(name, a.terms[name])}) under the "
                     f"{a.name.replace('_', ' ')}: {target} will see a violation and the agreement is void")
        return text


def level_parser(f: Facts, name: str, default: float) -> Callable[[str], object]:
    """Parse a level for an instrument: a number on its grid, Enter for the default, '=' to keep the rest."""
    spec = f.s.instrument(name)

    def parse(word: str):
        if word == "":
            return float(default)
        if word == "=":
            return KEEP_REST
        text = word.lower().removeprefix("level").strip().rstrip("%").strip()
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{word!r} is not a number: type a level such as {default:g} "
                             f"({f.span(name)}), or Enter to keep {default:g}") from None
        if not np.isfinite(value) or not spec.min <= value <= spec.max:
            raise ValueError(f"{word} is out of range: {f.label(name)} goes from {spec.min:g} to {spec.max:g}")
        if not (on_steps(value, spec.min, spec.step) or value == spec.max):
            lo = spec.min + np.floor((value - spec.min) / spec.step) * spec.step
            raise ValueError(f"{f.label(name)} moves in steps of {spec.step:g}: try {lo:g} or "
                             f"{min(lo + spec.step, spec.max):g}")
        return value

    levels = [(f"{v:g}", f.level(name, v)) for v in grid(spec.min, spec.max, spec.step)]
    return Offered(parse, (("", f"keep {f.level(name, default)}"), *levels, ("=", "keep this and the rest")))


def on_steps(value: float, start: float, step: float) -> bool:
    """Is `value` a whole number of steps from `start`? (A level is on the grid from the minimum, or the maximum
    itself: 145% is a tariff's top even in steps of 10, as the game's grid has it.)"""
    steps = (value - start) / step
    return abs(steps - round(steps)) <= 1e-9


def duration_parser(default: int) -> Callable[[str], int]:
    def parse(word: str) -> int:
        if word == "":
            return int(default)
        try:
            value = int(word)
        except ValueError:
            raise ValueError(f"{word!r} is not a whole number of rounds: type one such as {default}") from None
        if not 1 <= value <= 520:
            raise ValueError(f"{value} is out of range: an agreement lasts 1 to 520 rounds")
        return value

    common = sorted({int(default), 4, 8, 13, 26, 52})
    return Offered(parse, tuple(("" if n == default else str(n), f"{n} rounds") for n in common))


VERBS = {"raise": 1, "up": 1, "+": 1, "lower": -1, "down": -1, "-": -1, "hold": 0, "keep": 0}


def move_parser(f: Facts, view, own: list[str]) -> Callable[[str], tuple[str, float] | None]:
    """Parse 'raise 1', 'lower tariff', 'hold us_visas_cn' into (instrument, new level); Enter is None."""

    def parse(word: str):
        if word == "":
            return None
        words = word.lower().split()
        verbs = [w for w in words if w in VERBS]
        rest = [w for w in words if w not in VERBS]
        if len(verbs) != 1 or len(rest) != 1:
            raise ValueError(f"{word!r}: say raise, lower or hold and one instrument, e.g. 'raise 1' or 'lower tariff'")
        name = find_instrument(f, own, rest[0])
        spec = f.s.instrument(name)
        now = view.level(name)
        level = min(spec.max, max(spec.min, now + VERBS[verbs[0]] * spec.step))
        if VERBS[verbs[0]] and level == now:
            edge = "maximum" if VERBS[verbs[0]] > 0 else "minimum"
            raise ValueError(f"{f.label(name)} is already at its {edge} ({f.level(name, now)})")
        return name, level

    moves = []
    for k, name in enumerate(own):
        spec, now = f.s.instrument(name), view.level(name)
        if now < spec.max:
            moves.append((f"raise {k + 1}", f"raise {f.label(name)} to {f.level(name, min(spec.max, now + spec.step))}"))
        if now > spec.min:
            moves.append((f"lower {k + 1}", f"lower {f.label(name)} to {f.level(name, max(spec.min, now - spec.step))}"))
    return Offered(parse, (*moves, ("", "done: send these moves")))


def find_instrument(f: Facts, own: list[str], ref: str) -> str:
    """An own instrument by number, by name, or by a word of its label ('tariff', 'chip')."""
    if ref.isdigit() and 1 <= int(ref) <= len(own):
        return own[int(ref) - 1]
    if ref in own:
        return ref
    hits = [n for n in own if ref in f.label(n).lower() or ref in n]
    if len(hits) == 1:
        return hits[0]
    listed = ", ".join(f"{k + 1} {n}" for k, n in enumerate(own))
    why = "several of your instruments match" if hits else "no instrument of yours matches"
    raise ValueError(f"{why} {ref!r}: choose 1-{len(own)} or a name ({listed})")


# ============================================================================ a human leader


class LeaderSeat:
    """A leader played by a person: asked to ratify whenever its government would be bound.

    Called by the model's ratification step (`TradeTalksModel.ratifiers`) with the package, and
    shown what it is worth to each of the government's officials; the others still vote by utility.
    """

    def __init__(self, scenario: Scenario, seat: str, ask=input, say=print, *, io: Prompter | None = None,
                 headlines: Callable[[], list[str]] | None = None):
        self.facts = Facts(scenario)
        self.seat = seat
        self.io = io or Prompter(ask, say)
        self.headlines = headlines or (lambda: [])

    def __call__(self, request: RatificationRequest) -> bool:
        lines = self.headlines()
        if lines:
            self.io.say("\n".join(wrap(t) for t in lines))
        self.io.say(self.package(request))
        self.io.say(self.officials(request))
        answer = self.io.question("ratify", f"Do you ratify it for {request.government}? [y]es or [n]o: ",
                                  choice({"y": "yes", "n": "no"}))
        return answer == "y"

    def package(self, r: RatificationRequest) -> str:
        f = self.facts
        names = f.pair(r.government, r.counterpart)
        rows = [[f.label(n), f.level(n, r.no_deal[f.index[n]]), f.level(n, r.levels[f.index[n]])] for n in names]
        head = ["instrument", "if you refuse (no deal)", "if you ratify"]
        return (f"{r.government} and {r.counterpart} have agreed a package; "
                f"it binds {r.government} only if you ratify it.\n" + table(head, rows))

    def officials(self, r: RatificationRequest) -> str:
        leader = next(o.name for o in self.facts.s.officials if o.government == r.government and o.role is Role.LEADER)
        rows, others = [], 0.0
        for o in (o for o in self.facts.s.officials if o.government == r.government):
            value, no_deal = r.values[o.name]
            rows.append([o.name + (" (you)" if o.name == leader else ""), o.role.value, f"{r.influence[o.name]:.0%}",
                         f"{value:.3f}", f"{no_deal:.3f}", "yes" if value > no_deal else "no"])
            if o.name != leader and value > no_deal:
                others += r.influence[o.name]
        gov = sum(r.influence[n] * v[0] for n, v in r.values.items())
        gov_nd = sum(r.influence[n] * v[1] for n, v in r.values.items())
        return (table(["official", "role", "influence", "package", "no deal", "in favour?"], rows)
                + f"\n  Worth to {r.government} {gov:.3f} against {gov_nd:.3f} with no deal. "
                f"Without you, {others:.0%} of its influence is in favour; it needs your yes and {r.threshold:.0%}.")


# ============================================================================ bots taking over


class Handover(Strategy):
    """A human seat until round `at`, the scenario's bot from then on (replay --from ROUND --bots)."""

    name = "handover"

    def __init__(self, human: Strategy, bot: Strategy, at: int):
        super().__init__(bot.params)
        self.human, self.bot, self.at = human, bot, at

    def __repr__(self) -> str:
        return f"human to round {self.at - 1}, then {self.bot!r}"

    def player(self, view) -> Strategy:
        return self.bot if view.round >= self.at else self.human

    def propose(self, view, counterpart, rng):
        return self.player(view).propose(view, counterpart, rng)

    def respond(self, view, offer, rng):
        return self.player(view).respond(view, offer, rng)

    def act(self, view, rng):
        return self.player(view).act(view, rng)

    def threaten(self, view, counterpart, rng):
        return self.player(view).threaten(view, counterpart, rng)

    def decide(self, view, threat, rng):
        return self.player(view).decide(view, threat, rng)

    def meet_condition(self, view, threat, rng):
        return self.player(view).meet_condition(view, threat, rng)

    def keeps_commitments(self, view) -> bool:
        return self.player(view).keeps_commitments(view)

    def allows_official_move(self, view, official, instrument, level):
        return self.player(view).allows_official_move(view, official, instrument, level)


# ============================================================================ seats


def seat_government(scenario: Scenario, sid: str) -> str:
    """The government a seat id belongs to ('US' for 'US' and 'US-Trump')."""
    return next(g.name for g in scenario.governments if sid == g.name or sid.startswith(g.name + "-"))


def team_names(scenario: Scenario, ids: list[str]) -> dict[str, str]:
    """A government seat whose leader is also a seat is a team's ministers: they negotiate, the leader ratifies."""
    names = {}
    for sid in ids:
        if any(other != sid and seat_government(scenario, other) == sid for other in ids):
            names[sid] = f"{sid}'s ministers"
    return names


def find_seats(scenario: Scenario, ids: list[str], origin: str = "--seat") -> list[Seat]:
    """Resolve seat names; unknown or unplayable ones are input errors naming what can be played."""
    known = {g.name: Seat(g.name) for g in scenario.governments}
    leaders = [o for o in scenario.officials if o.role is Role.LEADER]
    known.update({f"{o.government}-{o.name}": Seat(o.government, o.name) for o in leaders})
    seats = []
    for sid in ids:
        if sid in known:
            seats.append(known[sid])
            continue
        official = next((o for o in scenario.officials if f"{o.government}-{o.name}" == sid), None)
        why = (f"{official.name} is a {official.role.value}: only a government or its leader can be played "
               "at the terminal" if official else f"unknown seat {sid!r}")
        raise InputError(origin, f"{why} ({nearest(sid, list(known))})")
    dup = sorted({s.id for s in seats if ids.count(s.id) > 1})
    if dup:
        raise InputError(origin, f"the seat {dup[0]} is named twice")
    return seats


# ============================================================================ the terminal


RESUMED = "(Resumed: the recorded answers are replayed; the game goes on from here.)"
CLEAR = "\033[2J\033[3J\033[H"  # clear the screen and its scroll-back, cursor home


class Console:
    """The one terminal every seat shares: replays recorded answers, then asks; records each accepted answer.

    While recorded answers are replayed, what the seats say is held back (and dropped each
    round), so a resumed session opens on the screen where it stopped.
    """

    def __init__(self, ask, say, recorded: list[Answer], live: bool, origin: str,
                 on_answer: Callable[[Answer, bool], None]):
        self.input, self.out = ask, say
        self.queues: dict[str, deque[tuple[int, Answer]]] = {}
        for i, a in enumerate(recorded):
            self.queues.setdefault(a.seat, deque()).append((i, a))
        self.live, self.origin, self.on_answer = live, origin, on_answer
        self.started = live and not recorded  # showing output as it comes
        self.held: list[str] = []
        self.speaker: str | None = None
        self.round = 0
        self.last: tuple[Answer, bool] | None = None  # the answer just given, and whether it was typed live
        self.note = RESUMED  # what the screen says once the recorded answers run out
        self.handover = False  # two teams share the terminal: clear the screen and wait between them
        self.clear = False  # the terminal understands ANSI clear-screen
        self.holder: str | None = None  # the seat that last had the keyboard
        self.names: dict[str, str] = {}  # how a seat is announced (a team's ministers, say)
        self.routed = False  # each seat has its own screen (the page): ask(prompt, seat), say(text, seat or None)

    @property
    def pending(self) -> int:
        return sum(len(q) for q in self.queues.values())

    def begin_round(self, round_: int, banner: str) -> None:
        self.round, self.speaker = round_, None
        if not self.started:
            self.held.clear()
        self.emit(banner)

    def say(self, text: str, seat: str | None = None) -> None:
        self.turn(seat)
        self.emit(text)

    def turn(self, seat: str | None) -> None:
        """Announce whose turn it is whenever another seat takes the keyboard (passed on first, if asked to)."""
        if seat is None or seat == self.speaker:
            return
        self.speaker = seat
        if seat == INSTRUCTOR:
            # The instructor's '?' shows both sides' values: on a terminal the teams share, the next team's
            # turn starts on a cleared screen, even where it is the team that had the keyboard last.
            if self.handover and self.started:
                self.holder = INSTRUCTOR
            return
        if self.handover and self.holder not in (None, seat) and self.started:
            self.pass_keyboard(seat)
        self.holder = seat
        name = self.names.get(seat, seat)
        own = "'" if name.endswith("s") else "'s"
        self.emit(f"\n--- {name}{own} turn " + "-" * 40)

    def pass_keyboard(self, seat: str) -> None:
        """Between two teams on one terminal: clear the screen of the last team's values, wait for the next team.

        The Enter typed here is no answer of the game: it is not recorded, and a replay does not ask for it."""
        self.out(CLEAR if self.clear else "\n" * 3)
        self.out(f"=== Pass the keyboard to {self.names.get(seat, seat)}. ===")
        self.input(f"{self.names.get(seat, seat)}, press Enter when only your team can see the screen: ")
        if self.clear:
            self.out(CLEAR)

    def emit(self, text: str, to_all: bool = False) -> None:
        """Show text to the seat speaking (or, `to_all`, everyone); while replaying, hold it back."""
        if not self.started:
            self.held.append(text)
        elif self.routed:  # each seat its own screen: out(text, seat), seat None for everyone
            self.out(text, None if to_all else self.speaker)
        else:
            self.out(text)

    def ask(self, seat: str, kind: PromptKind, prompt: str) -> str:
        self.turn(seat)
        queue = self.queues.get(seat)
        if queue:
            return self.replay(queue.popleft(), seat, kind, prompt)
        if not self.live:
            if seat == INSTRUCTOR:  # a paused session's instructor: no more injects
                self.last = (Answer(round=self.round, seat=seat, kind=kind, answer=""), False)
                return ""
            raise InputError(self.origin, f"the transcript ends in round {self.round}, before the game does (the session "
                             f"was paused): continue it with `python run.py play --resume {self.origin}`")
        self.go_live()
        text = self.input(prompt, seat) if self.routed else self.input(prompt)
        self.last = (Answer(round=self.round, seat=seat, kind=kind, answer=text), True)
        return text

    def accept(self) -> None:
        """The answer just given made sense: record it (a rejected answer, '?' or 'quit' is never recorded)."""
        if self.last is not None:
            answer, live = self.last
            self.last = None
            self.on_answer(answer, live)

    def replay(self, item: tuple[int, Answer], seat: str, kind: PromptKind, prompt: str) -> str:
        i, a = item
        if (a.kind, a.round) != (kind, self.round):
            raise InputError(self.origin, Problem(f"answers[{i}]", f"recorded as {seat}'s {a.kind!r} answer in round "
                             f"{a.round}, but the game asks {seat} a {kind!r} question in round {self.round}: the "
                             "transcript does not match this scenario and seed"))
        self.emit(f"{prompt}{a.answer}")
        self.last = (a, False)
        return a.answer

    def go_live(self) -> None:
        if not self.started:
            self.started = True
            self.emit(self.note, to_all=True)
            for text in self.held:
                self.emit(text, to_all=True)
            self.held = []


# ============================================================================ a session


@dataclass(frozen=True)
class SessionEnd:
    """How a session ended: finished (with its result) or paused (saved or not)."""

    folder: Path
    transcript: Path
    result: RunResult | None = None
    paused: bool = False
    saved: bool = True
    interrupted: bool = False  # Ctrl-C rather than 'quit' or end of input
    round: int = 0

    @property
    def message(self) -> str:
        if not self.paused:
            return f"Wrote {self.folder}/: transcript.json, rounds.csv, summary.json, story.md, log.csv, manifest.json"
        if not self.saved:
            return (f"Stopped in round {self.round} while replaying recorded answers; nothing new to save "
                    f"(the transcript you started from still holds the session).")
        return (f"Session saved in {self.transcript} (stopped in round {self.round}).\n"
                f"Resume it with: python run.py play --resume {self.transcript}")


class Session:
    """One game at the terminal: the model, its human seats, injects, and the transcript kept as it goes."""

    def __init__(self, scenario: Scenario, record: Transcript, path: Path, *, ask=input, say=print,
                 replaying: Sequence[Answer] = (), live: bool = True, origin: str | None = None, plot: bool = True,
                 note: str = RESUMED, clear: bool = False, routed: bool = False):
        self.scenario, self.record, self.path, self.plot = scenario, record, Path(path), plot
        self.console = Console(ask, say, list(replaying), live, origin or str(path), self.on_answer)
        self.console.note = note
        self.console.clear = clear
        self.console.routed = routed
        self.console.handover = not routed and len({seat_government(scenario, sid) for sid in record.seats}) > 1
        self.console.names = team_names(scenario, record.seats)
        self.seen: dict[str, int] = {}
        self.facts = Facts(scenario)
        self.humans: list[HumanSeat] = []
        seats = find_seats(scenario, record.seats, f"{origin or path}: seats")
        strategies = {s.government: self.human(s) for s in seats if s.official is None}
        ratifiers = {s.government: self.leader(s) for s in seats if s.official is not None}
        self.model = TradeTalksModel(scenario, record.seed, rounds=record.rounds, strategies=strategies,
                                     ratifiers=ratifiers)
        if record.open_information:
            for human in self.humans:
                human.book = OpenBook(self.model)
        self.analyses = {t.pair: initial_analysis(self.model, *t.pair) for t in self.model.talks.values()}
        self.instructor = self.prompter(INSTRUCTOR) if record.instructor else None

    # -- seats --------------------------------------------------------------------------------

    def prompter(self, seat: str) -> Prompter:
        io = Prompter()

        def ask(prompt: str) -> str:
            assert io.asking is not None  # Prompter.question names its kind before it asks
            return self.console.ask(seat, io.asking, prompt)

        io.ask = ask
        io.say = lambda text: self.console.say(text, seat)
        io.accepted = self.console.accept
        return io

    def human(self, seat: Seat) -> Strategy:
        spec = self.scenario.government(seat.government).strategy
        bot = make_strategy(spec.name, spec.params)
        human = HumanSeat(self.scenario, io=self.prompter(seat.id), headlines=lambda: self.headlines(seat),
                          params=bot.params)
        self.humans.append(human)
        return human if self.record.bots_from is None else Handover(human, bot, self.record.bots_from)

    def leader(self, seat: Seat):
        official = seat.official
        assert official is not None  # leaders are made only for seats with an official
        person = LeaderSeat(self.scenario, seat.id, io=self.prompter(seat.id), headlines=lambda: self.headlines(seat))
        at = self.record.bots_from

        def ratify(request: RatificationRequest) -> bool:
            if at is not None and self.model.round >= at:  # the bot leader votes by its utility
                value, no_deal = request.values[official]
                return value > no_deal
            return person(request)

        return ratify

    def headlines(self, seat: Seat) -> list[str]:
        """The story lines this seat may see, since it last looked."""
        start = self.seen.get(seat.id, 0)
        self.seen[seat.id] = len(self.model.log)
        now = self.model.round
        viewer = None if self.record.open_information else seat.government  # None: every side's values
        lines = [(e.round, sentence(e, self.scenario, viewer)) for e in self.model.log[start:] if visible(e, seat.government)]
        return [text if r == now else f"(round {r}) {text}" for r, text in lines]

    # -- the rounds ---------------------------------------------------------------------------

    def play(self) -> SessionEnd:
        """Play to the end, or until 'quit', end of input or Ctrl-C pause it."""
        try:
            self.intro()
            while self.model.round < self.model.rounds:
                self.play_round()
            self.check_used()
        except (SessionPaused, EOFError, KeyboardInterrupt) as exc:
            return self.pause(exc)
        return self.finish()

    def intro(self) -> None:
        s, r = self.scenario, self.record
        bots = [f"{g.name} ({g.strategy.name})" for g in s.governments if g.name not in r.seats]
        others = f"; bots play {', '.join(bots)}" if bots else ""
        rounds = f"{r.rounds} round" + ("s" if r.rounds != 1 else "")
        self.console.emit(to_all=True, text=f"{s.title}: {rounds} of {s.calendar.round_days} days, seed {r.seed}.\n"
                          f"People play {', '.join(r.seats)}{others}.\n"
                          "At any prompt: '?' shows your table again, 'quit' saves the session and stops.\n"
                          "A seat's government keeps every commitment unless its players break one themselves "
                          "(by moving an instrument past what was agreed): the game never breaks one for them.")

    def play_round(self) -> None:
        r = self.model.round + 1
        self.console.begin_round(r, f"\n{'=' * 30} Round {r} of {self.model.rounds}: {self.facts.date(r)} {'=' * 30}")
        lesson = self.record.lesson
        for item in (lesson.injects if lesson else []):
            if item.round == r:
                self.fire(r, item.name, "lesson")
        if self.instructor is not None:
            name = self.ask_instructor(r)
            if name:
                self.fire(r, name, "instructor")
        self.model.step()

    def ask_instructor(self, r: int) -> str:
        """Before each round: the instructor may fire an inject, look at the whole state ('?') or pause ('quit')."""
        instructor = self.instructor
        assert instructor is not None  # play_round asks only a session that has an instructor
        names = [e.name for e in self.scenario.injects]
        instructor.again = lambda: self.console.emit(whole_state(self.model, self.record.injects))

        def parse(word: str) -> str:
            if word and word not in names:
                close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
                guess = f"did you mean {close[0]!r}? " if close else ""
                known = f"type one of {', '.join(names)}" if names else "this scenario has none"
                raise ValueError(f"no inject {word!r} in this scenario: {guess}{known}, '?' for the whole state, "
                                 "or Enter for none")
            return word

        choices = (("", "no inject: play the round"), *((n, f"fire {n}") for n in names))

        offer = f"fire an inject ({', '.join(names)})" if names else "(no injects in this scenario)"
        return instructor.question("inject", f"Instructor, before round {r}: {offer}; '?' shows the whole "
                                        "state, 'quit' pauses; Enter for none: ", Offered(parse, choices))

    def fire(self, r: int, name: str, by: Literal["lesson", "instructor"]) -> None:
        event = self.model.inject(name)
        self.record.injects.append(Injected(round=r, name=name, by=by))
        self.console.emit(wrap(f"Inject ({by}): {event.description or name}.", "  >> "), to_all=True)

    def check_used(self) -> None:
        left = [(i, a) for q in self.console.queues.values() for i, a in q if a.seat != INSTRUCTOR]
        if left:
            i, a = min(left, key=lambda item: item[0])
            raise InputError(self.console.origin, Problem(f"answers[{i}]", f"{len(left)} recorded answers were never "
                                                          "asked for: the transcript does not match this scenario and seed"))

    # -- records ------------------------------------------------------------------------------

    def on_answer(self, answer: Answer, live: bool) -> None:
        """Keep an accepted answer; one typed now is also appended to the transcript's journal at once."""
        self.record.answers.append(answer)
        if live:
            append_answer(self.path, self.record.journal, answer)

    def save(self) -> None:
        self.record.save(self.path)

    def pause(self, exc: BaseException) -> SessionEnd:
        interrupted = isinstance(exc, KeyboardInterrupt)
        saved = self.console.live and self.console.pending == 0
        if not self.console.live and interrupted:
            raise exc
        if saved:
            self.save()
        self.console.out("")
        return SessionEnd(self.path.parent, self.path, None, paused=True, saved=saved, interrupted=interrupted,
                          round=self.console.round)

    def finish(self) -> SessionEnd:
        self.record.finished = True
        result = self.result()
        write_run(result, self.path.parent, plot=self.plot)
        self.save()
        return SessionEnd(self.path.parent, self.path, result)

    def result(self) -> RunResult:
        m, r = self.model, self.record
        info = manifest(self.scenario, m.seed, m.rounds, m, r.scenario_file)
        info["session"] = {"seats": r.seats, "transcript": self.path.name, "bots_from": r.bots_from,
                           "injects": [i.model_dump() for i in r.injects]}
        return RunResult(self.scenario, m.seed, m.rounds, m.rows, m.log,
                         {**summarise(m), **run_metrics(m, self.analyses)}, info, tuple(self.analyses))


# ============================================================================ starting, resuming, replaying


def clears(say) -> bool:
    """Can the screen be cleared between teams? Only when printing to a real terminal."""
    import sys

    return say is print and sys.stdout.isatty()


def fresh_folder(base: Path) -> Path:
    """`base`, or `base-2`, `base-3`...: a session never overwrites another's files."""
    folder, n = base, 1
    while folder.exists():
        n += 1
        folder = base.with_name(f"{base.name}-{n}")
    return folder


def start(scenario_file: str | Path, seats: list[str], **options) -> SessionEnd:
    """Set up a new session and play it."""
    return new_session(scenario_file, seats, **options).play()


def start_with_remote(scenario_file: str | Path, seats: list[str], remote: list[str], *, port: int = 0,
                      ask=input, say=print, **options) -> SessionEnd:
    """A session with some seats (or the instructor) played from other terminals on this machine (remote.py)."""
    from negotiation.teaching.remote import Lobby, router

    bad = [r for r in remote if r not in seats and r != "instructor"]
    if bad:
        raise InputError("--remote", f"{bad[0]!r} is not one of the seats (--seat) or 'instructor'")
    if "instructor" in remote and not options.get("instructor"):
        raise InputError("--remote", "'instructor' plays from another terminal only with --instructor")
    lobby = Lobby([INSTRUCTOR if r == "instructor" else r for r in remote], port)
    say("Waiting for the other terminals. In each, run:\n" + "\n".join("  " + c for c in lobby.commands()))
    joined = lobby.wait()
    routed_ask, routed_say = router(joined, ask, say)
    try:
        end = new_session(scenario_file, seats, ask=routed_ask, say=routed_say, routed=True, **options).play()
        for r in joined.values():  # each other terminal is told how the game ended, and what to do next
            with contextlib.suppress(EOFError):
                r.send(end=ending(end))
        return end
    finally:
        for r in joined.values():
            r.close()


def ending(end: SessionEnd) -> str:
    """How a game ended, in words for a terminal that did not start it."""
    if end.paused:
        return f"The game was stopped on the first terminal. {end.message}"
    return f"The game is over. {end.message}\nNext: python run.py debrief {end.folder}"


def new_session(scenario_file: str | Path, seats: list[str], *, seed: int = 1, rounds: int | None = None,
                lesson_file: str | Path | None = None, instructor: bool = False, out: str | Path = "outputs",
                ask=input, say=print, plot: bool = True, open_information: bool = False,
                routed: bool = False) -> Session:
    """Set up a new session, ready to play (`routed`: each seat asks and is told on its own screen)."""
    scenario = load_scenario(scenario_file)
    problem = seed_problem(seed)
    if problem is not None:
        raise InputError("--seed", problem)
    check_rounds(scenario, rounds)
    ids = [s.id for s in find_seats(scenario, list(seats))]
    if not ids:
        raise InputError("--seat", "name at least one seat to play, e.g. --seat US or --seat US-Trump")
    total = rounds or scenario.calendar.rounds
    lesson = load_lesson(lesson_file, scenario, total) if lesson_file else None
    record = Transcript(scenario_file=str(Path(scenario_file).resolve()), scenario_hash=scenario.digest(), seed=seed,
                        rounds=total, seats=ids, instructor=instructor, lesson=lesson, open_information=open_information,
                        lesson_file=str(Path(lesson_file).resolve()) if lesson_file else None)
    name = f"{scenario.name}-seed{seed}" + (f"-rounds{rounds}" if rounds else "") + "-play-" + "+".join(ids)
    folder = fresh_folder(Path(out) / name)
    record.save(folder / TRANSCRIPT)
    return Session(scenario, record, folder / TRANSCRIPT, ask=ask, say=say, plot=plot, clear=clears(say),
                   routed=routed)


def resume(transcript: str | Path, *, ask=input, say=print, plot: bool = True) -> SessionEnd:
    """Continue a paused session: replay its answers, then ask again."""
    record, scenario = load_transcript(transcript)
    unchecked_note(record, transcript, say)
    if record.finished:
        raise InputError(str(transcript), "this session is finished; replay it with "
                         f"`python run.py replay {transcript}`")
    return Session(scenario, record.fresh(), Path(transcript), ask=ask, say=say, replaying=record.answers,
                   origin=str(transcript), plot=plot, clear=clears(say)).play()


def replay(transcript: str | Path, *, out: str | Path | None = None, from_round: int | None = None, bots: bool = False,
           ask=input, say=print, plot: bool = True) -> SessionEnd:
    """Replay a session exactly, or its answers before `from_round` only: then bots (or the players) take over."""
    path = Path(transcript)
    if bots and from_round is None:
        raise InputError("--bots", "needs --from ROUND: the round from which the bots take the human seats")
    record, scenario = load_transcript(path)
    unchecked_note(record, path, say)
    if from_round is not None and not 1 <= from_round <= record.rounds:
        raise InputError("--from", f"round {from_round} is outside this session's rounds 1-{record.rounds}")
    answers = record.answers
    if from_round is not None:
        answers = [a for a in answers if a.seat == INSTRUCTOR or a.round < from_round]
    bots_from: int | None
    if bots:
        assert from_round is not None  # --bots without --from was refused above
        bots_from = min(from_round, record.bots_from or from_round)
    else:
        bots_from = record.bots_from
    suffix = "replay" if from_round is None else f"from{from_round}" + ("-bots" if bots else "")
    source = path.resolve().parent
    folder = fresh_folder(Path(out or source.parent) / f"{source.name}-{suffix}")
    header = record.fresh(bots_from=bots_from, replay_of=str(path.resolve()))
    live = from_round is not None and not bots
    if live:
        header.save(folder / TRANSCRIPT)
    note = (f"(Replayed the answers given before round {from_round}; from here the players choose again, "
            f"in a new session saved in {folder / TRANSCRIPT}.)") if live else RESUMED
    return Session(scenario, header, folder / TRANSCRIPT, ask=ask, say=say, replaying=answers, live=live,
                   origin=str(path), plot=plot, note=note, clear=clears(say)).play()


def unchecked_note(record: Transcript, path, say) -> None:
    """Say so when a transcript predates setup digests: its seed, rounds and seats cannot be checked."""
    if record.version == 1 and say is not None:
        say(f"note: {path} is a transcript of version 1, saved without a digest of its setup: its seed, rounds "
            "and seats are used as they stand (saving the session again protects them)")


def same_files(a: Path, b: Path, names=("rounds.csv", "log.csv", "story.md")) -> bool | None:
    """Are two run folders' tables and story byte for byte the same? None if one lacks them."""
    if not all((a / n).is_file() and (b / n).is_file() for n in names):
        return None
    return all((a / n).read_bytes() == (b / n).read_bytes() for n in names)
