"""Role briefs: one confidential brief per seat (a government, or one official within it), from any scenario.

A brief tells the student in a seat who they are, what they want and how much, their red lines,
what no deal means, what the other side has said in public, and questions to prepare. Red lines
come from the model itself (walk-away values, what the leader would veto, what the coalition
would ratify), so a brief never promises what the game will not do. Briefs are Markdown; each is
also written as a printable, self-contained page (templates in teaching/templates/).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from negotiation.common import pages
from negotiation.common.dates import day_text
from negotiation.common.errors import InputError, Problem
from negotiation.common.files import result_folder, write_atomic
from negotiation.game.model import TradeTalksModel
from negotiation.game.packages import best_package
from negotiation.game.ratification import Ratification, vote
from negotiation.scenario import Deadline, EventKind, ExpiryRule, LeadersCall, Meeting, OfficialSpec, Role, Scenario, SetLevel, Statement, nearest
from negotiation.story.words import label, level_text

# --------------------------------------------------------------------------- words

# Share of a seat's largest weight at or above which a concern gets each priority.
PRIORITY_BANDS = (
    (0.8, "top", "this is one of your top priorities"),
    (0.5, "high", "this matters to you, though less than your top priorities"),
    (0.25, "medium", "this is a secondary concern"),
    (0.0, "low", "this matters little to you"),
)
NO_PRIORITY = ("none", "you do not mind where it ends up")

# Trait values below LOW read as the first word, from HIGH up as the third.
LOW, HIGH = 0.4, 0.6
TRAIT_WORDS = {
    "hawkishness": (
        ("dovish", "slow to escalate, retaliate or break a commitment"),
        ("neither hawk nor dove", "you retaliate when pushed, but do not look for a fight"),
        ("hawkish", "quick to escalate and retaliate, and tempted to break commitments"),
    ),
    "patience": (
        ("impatient", "your stance swings fast with what the other side does"),
        ("steady", "you react to what the other side does, but not at once"),
        ("patient", "you take provocations and goodwill gestures in your stride"),
    ),
    "trust": (
        ("distrustful", "you expect the other side to cheat"),
        ("wary", "you give the other side the benefit of the doubt, and check"),
        ("trusting", "you expect the other side to keep its word"),
    ),
}

ROLE_WORDS = {
    Role.LEADER: "the leader: no package binds your government unless you approve it (your no is a veto)",
    Role.NEGOTIATOR: "a negotiator: you carry the talks and the text of packages, and vote when a package is ratified",
    Role.MINISTER: "a minister: you run part of your government's policy and vote when a package is ratified",
    Role.SPOKESBODY: "the spokesbody: you set your government's public line and vote when a package is ratified",
}

INDICATOR_WORDS = {
    "trade_balance": "the trade balance",
    "trade_volume": "the volume of trade",
    "market_stress": "calm markets",
    "industry_exposure": "industry's supply of critical inputs",
    "technology_exposure": "access to advanced technology and talent",
}

TOLERANCE = 1e-12  # as in the model's ratification threshold test
# Up to this many packages between two governments, red lines come from checking every one;
# beyond it, from the model's own search for the best package around each level.
MAX_PACKAGES = 250_000


def _short(o: OfficialSpec) -> str:
    """'Bessent', 'He Lifeng': an official's name as people say it."""
    return o.name.replace("_", " ")


def _full(o: OfficialSpec) -> str:
    return " ".join(o.title.split()) if o.title else _short(o)


def md_escape(text: str) -> str:
    """Scenario text made inert in Markdown: one line, no emphasis, table, HTML or block markers."""
    text = " ".join(str(text).split())
    text = re.sub(r"([\\`*_|<\[\]])", r"\\\1", text)
    text = re.sub(r"^([#>+-])", r"\\\1", text)
    return re.sub(r"^(\d+)\.", r"\1\\.", text)


def _priority(weight: float, top: float) -> tuple[str, str]:
    """(short tag, sentence) for a weight, relative to the seat's largest weight."""
    if weight <= 0 or top <= 0:
        return NO_PRIORITY
    return next((tag, words) for floor, tag, words in PRIORITY_BANDS if weight >= floor * top)


def _trait(trait: str, value: float) -> tuple[str, str]:
    band = 0 if value < LOW else (1 if value < HIGH else 2)
    return TRAIT_WORDS[trait][band]


def _and(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c' ('' for none)."""
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --------------------------------------------------------------------------- seats


@dataclass(frozen=True)
class Seat:
    """A place a student can take: a government, or one official within it."""

    government: str
    official: str | None = None

    @property
    def id(self) -> str:
        """'US' or 'US-Bessent': the seat's name, and its briefs' file names."""
        return self.government if self.official is None else f"{self.government}-{self.official}"


def seats(scenario: Scenario) -> list[Seat]:
    """Every seat, each government followed by its officials, in the scenario's order."""
    out = []
    for g in scenario.governments:
        out.append(Seat(g.name))
        out += [Seat(g.name, o.name) for o in scenario.officials if o.government == g.name]
    ids = [s.id for s in out]
    clash = sorted({i for i in ids if ids.count(i) > 1})
    if clash:
        raise InputError(scenario.name, Problem("officials", f"two seats would share the brief name {clash[0]!r}"))
    return out


def find_seat(scenario: Scenario, seat_id: str) -> Seat:
    """The seat named 'US' or 'US-Bessent'; an unknown name is an input error listing the known ones."""
    known = {s.id: s for s in seats(scenario)}
    if seat_id not in known:
        raise InputError(scenario.name, Problem("seat", f"unknown seat {seat_id!r} ({nearest(seat_id, list(known))})"))
    return known[seat_id]


# --------------------------------------------------------------------------- facts from the model


@dataclass(frozen=True)
class Votes:
    """Every package on the grid between two governments, and who in one of them would back it."""

    packages: np.ndarray  # (K, n_instr) full level vectors
    approve: np.ndarray  # (K, n_off) does each official prefer the package to no deal?
    ratified: np.ndarray  # (K,) would the government's coalition ratify it?
    idx: list[int]  # the pair's instruments


class Briefing:
    """What the briefs of one scenario need from the model, computed once and shared by every seat.

    The model is built at round 0 (seed 0): nothing random is drawn before the first round, so the
    facts depend on the scenario alone.
    """

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.model = TradeTalksModel(scenario, 0)
        self.index = {i.name: k for k, i in enumerate(scenario.instruments)}
        self.off_index = {o.name: k for k, o in enumerate(scenario.officials)}
        self._votes: dict[tuple[str, str], Votes] = {}
        self._best: dict[Seat, np.ndarray] = {}

    # -- people -------------------------------------------------------------------------

    def official(self, name: str) -> OfficialSpec:
        return self.scenario.officials[self.off_index[name]]

    def officials(self, government: str) -> list[OfficialSpec]:
        return [o for o in self.scenario.officials if o.government == government]

    def leader(self, government: str) -> OfficialSpec:
        return next(o for o in self.officials(government) if o.role is Role.LEADER)

    def share(self, name: str) -> float:
        """An official's share of its government's influence."""
        o = self.official(name)
        return o.influence / sum(x.influence for x in self.officials(o.government))

    def traits(self, seat: Seat) -> dict[str, float]:
        """An official's traits, or a government's by influence."""
        people = [self.official(seat.official)] if seat.official else self.officials(seat.government)
        shares = [1.0] if seat.official else [self.share(o.name) for o in people]
        return {t: sum(w * getattr(o.traits, t) for w, o in zip(shares, people)) for t in TRAIT_WORDS}

    # -- what a seat wants ---------------------------------------------------------------

    def counterparts(self, government: str) -> list[str]:
        """Governments with instruments between them and `government`, in the scenario's order."""
        others = [g.name for g in self.scenario.governments if g.name != government]
        return [h for h in others if self.model.values.pair_instruments(government, h)]

    def salience(self, seat: Seat) -> dict[str, float]:
        """How much the seat cares about each instrument: an official's salience, or its government's by influence."""
        if seat.official:
            return {k: p.salience for k, p in self.official(seat.official).preferences.items()}
        out = dict.fromkeys(self.relevant(seat.government), 0.0)
        for o in self.officials(seat.government):
            for name, p in o.preferences.items():
                out[name] = out.get(name, 0.0) + self.share(o.name) * p.salience
        return out

    def indicators(self, seat: Seat) -> dict[str, float]:
        if seat.official:
            return {k.value: w for k, w in self.official(seat.official).indicators.items() if w > 0}
        out: dict[str, float] = {}
        for o in self.officials(seat.government):
            for k, w in o.indicators.items():
                out[k.value] = out.get(k.value, 0.0) + self.share(o.name) * w
        return {k: w for k, w in out.items() if w > 0}

    def relevant(self, government: str) -> list[str]:
        """Instruments a government imposes, faces, or whose level one of its officials cares about."""
        cared = {n for o in self.officials(government) for n in o.preferences}
        return [i.name for i in self.scenario.instruments if government in (i.imposer, i.target) or i.name in cared]

    def wants(self, seat: Seat) -> dict[str, float]:
        """The level the seat wants of each instrument it cares about or deals in."""
        if seat.official:
            return {k: p.ideal for k, p in self.official(seat.official).preferences.items()}
        best = self.best(seat)
        return {name: float(best[self.index[name]]) for name in self.relevant(seat.government)}

    def best(self, seat: Seat) -> np.ndarray:
        """The levels the seat likes best on the instruments it deals in (the model's own search)."""
        if seat not in self._best:
            m = self.model
            if seat.official is None:
                names, column, who = self.relevant(seat.government), 1, m.gov_index[seat.government]
            else:
                names, column, who = list(self.official(seat.official).preferences), 0, self.off_index[seat.official]
            idx = [self.index[n] for n in names]
            evaluate = lambda lv: m.values.package_utilities(lv)[column]  # noqa: E731  (as things stand elsewhere)
            self._best[seat] = best_package(m.levels, idx, [m.grids[k] for k in idx], evaluate, who)
        return self._best[seat]

    # -- values and votes ----------------------------------------------------------------

    def value(self, seat: Seat, levels: np.ndarray) -> float:
        """The seat's utility (0..1) of a level vector, valued as a package."""
        off, gov = self.model.values.package_utilities(np.asarray(levels, dtype=float)[None, :])  # as things stand
        if seat.official:
            return float(off[0, self.off_index[seat.official]])
        return float(gov[0, self.model.gov_index[seat.government]])

    def now(self, name: str) -> float:
        return float(self.model.levels[self.index[name]])

    def no_deal(self, g: str, h: str) -> np.ndarray:
        """The levels if talks between g and h fail (any agreement between them snaps back)."""
        return self.model.values.no_deal_levels(g, h)

    def walk_away(self, seat: Seat, h: str) -> float:
        """What no deal with h is worth to the seat: the government's reservation value, or the official's own."""
        if seat.official is None:
            return self.model.values.reservation(seat.government, h)
        off, _ = self.model.values.package_utilities(self.no_deal(seat.government, h)[None, :], (seat.government, h), deal=False)
        return float(off[0, self.off_index[seat.official]])

    def approves(self, voter: int, g: str, h: str, levels: np.ndarray) -> np.ndarray:
        """Does official `voter` (of g) prefer each row of levels (K, n_instr) to no deal with h?"""
        v = self.model.values
        off = v.package_utilities(np.atleast_2d(levels), (g, h))[0][:, voter]
        return off > v.package_utilities(self.no_deal(g, h)[None, :], (g, h), deal=False)[0][0, voter]

    def ratification(self, g: str, h: str, levels: np.ndarray) -> Ratification:
        """How g's coalition would vote on whole levels `levels` as a deal with h, with no surprise at home."""
        v, team = self.model.values, self.model.governments[g].team
        members = list(team.members)
        values = v.package_utilities(np.asarray(levels, dtype=float)[None, :], (g, h))[0][0, members]
        no_deal = v.package_utilities(self.no_deal(g, h)[None, :], (g, h), deal=False)[0][0, members]
        return vote(team, values, no_deal, v.prefs.influence[team.index, members])

    def package_count(self, g: str, h: str) -> int:
        return int(np.prod([len(self.model.grids[k]) for k in self.model.values.pair_instruments(g, h)]))

    def countable(self, g: str, h: str) -> bool:
        return self.package_count(g, h) <= MAX_PACKAGES

    def never(self, voter: int, g: str, h: str) -> dict[int, list[float]]:
        """For each instrument between g and h, the levels the voter refuses whatever else a package gives."""
        if self.countable(g, h):
            v = self.votes(g, h)
            ok = v.approve[:, voter]
            return {k: [float(x) for x in self.model.grids[k] if not ok[v.packages[:, k] == x].any()] for k in v.idx}
        return {k: self._searched_never(voter, g, h, k) for k in self.model.values.pair_instruments(g, h)}

    def _searched_never(self, voter: int, g: str, h: str, k: int) -> list[float]:
        """Levels of instrument k that even the voter's best package around them cannot carry (search, not count)."""
        m = self.model
        others = [j for j in m.values.pair_instruments(g, h) if j != k]
        evaluate = lambda lv: m.values.package_utilities(lv, (g, h))[0]  # noqa: E731
        refused = []
        for x in m.grids[k]:
            base = m.levels.copy()
            base[k] = x
            top = best_package(base, others, [m.grids[j] for j in others], evaluate, voter)
            if not self.approves(voter, g, h, top)[0]:
                refused.append(float(x))
        return refused

    def not_alone(self, voter: int, seat: Seat, h: str) -> dict[int, list[float]]:
        """For each instrument, the levels the voter refuses even with every other one at the seat's best."""
        m, best = self.model, self.best(seat)
        out = {}
        for k in m.values.pair_instruments(seat.government, h):
            rows = np.repeat(best[None, :], len(m.grids[k]), axis=0)
            rows[:, k] = m.grids[k]
            fine = self.approves(voter, seat.government, h, rows)
            out[k] = [float(x) for x, ok in zip(m.grids[k], fine) if not ok]
        return out

    def votes(self, g: str, h: str) -> Votes:
        """Every grid package between g and h (others at today's levels), as g's officials would vote on it."""
        if (g, h) not in self._votes:
            m = self.model
            idx = m.values.pair_instruments(g, h)
            combos = np.array(list(itertools.product(*(m.grids[k] for k in idx))), dtype=float)
            packages = np.repeat(m.levels[None, :], len(combos), axis=0)
            packages[:, idx] = combos
            off = m.values.package_utilities(packages, (g, h))[0]
            no_deal = m.values.package_utilities(self.no_deal(g, h)[None, :], (g, h), deal=False)[0][0]
            approve = off > no_deal
            team = m.governments[g].team
            members = list(team.members)
            support = approve[:, members] @ m.values.prefs.influence[team.index, members]
            ratified = approve[:, members[team.leader]] & (support >= team.threshold - 1e-12)  # with no surprise at home
            self._votes[(g, h)] = Votes(packages, approve, ratified, idx)
        return self._votes[(g, h)]


# --------------------------------------------------------------------------- Markdown pieces


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _levels(b: Briefing, name: str, level: float) -> str:
    return level_text(b.scenario, name, level)


def _label(b: Briefing, name: str) -> str:
    return md_escape(label(b.scenario.instrument(name)))


def _ranges(b: Briefing, name: str, levels: list[float]) -> str:
    """Grid levels as runs: 'at 0%-20% or 100%-145%'."""
    grid = list(b.model.grids[b.index[name]])
    runs: list[list[float]] = []
    for level in levels:
        if runs and grid.index(level) == grid.index(runs[-1][-1]) + 1:
            runs[-1].append(level)
        else:
            runs.append([level])
    texts = [_levels(b, name, r[0]) + (f"–{_levels(b, name, r[-1])}" if len(r) > 1 else "") for r in runs]
    return "at " + " or ".join(texts)


def _changes(b: Briefing, levels: np.ndarray, names: list[str]) -> str:
    """'US tariff on China 54% (now 30%); ...' for the instruments that differ from today."""
    moves = [
        f"{_label(b, n)} {_levels(b, n, levels[b.index[n]])} (now {_levels(b, n, b.now(n))})"
        for n in names
        if levels[b.index[n]] != b.now(n)
    ]
    if not moves:
        return "every level as it is now"
    return "; ".join(moves) + ("; the rest as now" if len(moves) < len(names) else "")


def _you(b: Briefing, seat: Seat) -> str:
    """How the brief names the seat's decisive voter: the leader for a government, 'you' for an official."""
    return "you" if seat.official else md_escape(_full(b.leader(seat.government)))


def _the(name: str, start: bool = False) -> str:
    """A government as a noun in a sentence: 'the US', 'the EU', but 'China'."""
    article = ("The " if start else "the ") if name.isupper() and len(name) > 1 else ""
    return article + md_escape(name)


def _aka(b: Briefing, name: str, title: bool = False) -> str:
    """' (US)' after a title, or ' (United States)' after a name: the other half, when there is one."""
    g = b.scenario.government(name)
    if not g.title or g.title == g.name:
        return ""
    return f" ({md_escape(g.title if title else g.name)})"


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def _gov_name(b: Briefing, name: str) -> str:
    g = b.scenario.government(name)
    return md_escape(g.title or g.name)


# --------------------------------------------------------------------------- sections


def _heading(b: Briefing, seat: Seat) -> list[str]:
    s = b.scenario
    who = md_escape(_full(b.official(seat.official))) if seat.official else _gov_name(b, seat.government)
    c = s.calendar
    return [
        f"# Confidential brief: {who}",
        "",
        f"> **Confidential.** For the player in the {md_escape(seat.id)} seat only. Do not show it to other players.",
        "",
        f"**Scenario:** {md_escape(s.title)}. **Start:** {day_text(c.start)}; "
        f"{c.rounds} rounds of {c.round_days} days.",
        "",
        md_escape(s.description) if s.description else "",
    ]


def _temperament(b: Briefing, seat: Seat, short: bool) -> str:
    values = b.traits(seat)
    if short:
        return ", ".join(_trait(t, v)[0] for t, v in values.items())
    return "; ".join(f"{_trait(t, v)[0]} ({v:.2f}): {_trait(t, v)[1]}" for t, v in values.items())


def _officials_table(b: Briefing, government: str) -> list[str]:
    rows = []
    for o in b.officials(government):
        role = "leader (veto)" if o.role is Role.LEADER else o.role.value
        temperament = _temperament(b, Seat(government, o.name), short=True)
        rows.append([md_escape(_full(o)), role, f"{b.share(o.name):.0%}", temperament])
    return _table(["official", "role", "influence", "temperament"], rows)


def _support_table(b: Briefing, government: str, you: str | None = None) -> list[str]:
    """Who in the government wants what, and how much: one column per official."""
    people = b.officials(government)
    header = ["instrument", "now"]
    for o in people:
        mark = " (you)" if o.name == you else ""
        header.append(f"{md_escape(_short(o))}{mark}, {b.share(o.name):.0%}")
    rows = []
    for name in b.relevant(government):
        row = [_label(b, name), _levels(b, name, b.now(name))]
        for o in people:
            pref = o.preferences.get(name)
            if pref is None:
                row.append("–")
                continue
            top = max([p.salience for p in o.preferences.values()] + list(o.indicators.values()))
            tag = _priority(pref.salience, top)[0]
            cell = f"{_levels(b, name, pref.ideal)} ({tag})"
            row.append(f"**{cell}**" if tag == "top" else cell)
        rows.append(row)
    return _table(header, rows)


def _team(b: Briefing, government: str, heading: str, you: str | None = None) -> list[str]:
    """The government's officials, then who among them wants what."""
    return [
        f"### {heading}",
        "",
        *_officials_table(b, government),
        "",
        "### Who supports what",
        "",
        "Each official's ideal level, and how much it matters to them (top, high, medium, low):",
        "",
        *_support_table(b, government, you),
    ]


def _who_government(b: Briefing, seat: Seat) -> list[str]:
    g = b.scenario.government(seat.government)
    leader = b.leader(seat.government)
    return [
        "## Who you are",
        "",
        f"You play the government: **{_gov_name(b, g.name)}**{_aka(b, g.name)}. Your leader is "
        f"**{md_escape(_full(leader))}**. No package binds you unless your leader approves it and officials holding "
        f"at least {g.ratification_threshold:.0%} of your influence back it.",
        "",
        f"Taken together, by influence, your officials are {_temperament(b, seat, short=False)}.",
        "",
        f"When no student takes this seat, a bot plays it with the "
        f"{md_escape(g.strategy.name.replace('_', ' '))} strategy.",
        "",
        *_team(b, g.name, "Your officials"),
    ]


def _who_official(b: Briefing, seat: Seat) -> list[str]:
    assert seat.official is not None  # an official's seat (official_brief)
    o = b.official(seat.official)
    g = b.scenario.government(seat.government)
    leader = b.leader(g.name)
    if o.role is Role.LEADER:
        boss = "Every package your government signs needs your approval."
    else:
        boss = (f"Your leader is **{md_escape(_full(leader))}** ({b.share(leader.name):.0%}), "
                "who must approve every package.")
    return [
        "## Who you are",
        "",
        f"You are **{md_escape(_full(o))}**, in the government of {_the(g.name)}{_aka(b, g.name, title=True)}. "
        f"Your role: {ROLE_WORDS[o.role]}. You hold **{b.share(o.name):.0%}** of your government's influence. {boss} "
        f"A package is ratified when the leader approves it and officials holding at least "
        f"{g.ratification_threshold:.0%} of the influence back it. {_blocking(b, seat)}",
        "",
        f"Your temperament: {_temperament(b, seat, short=False)}.",
        "",
        *_team(b, g.name, "Your colleagues", you=o.name),
    ]


def _blocking(b: Briefing, seat: Seat) -> str:
    """Can this official's no alone stop a package at home?"""
    assert seat.official is not None  # an official's seat (_who_official)
    o = b.official(seat.official)
    if o.role is Role.LEADER:
        return "Your no alone blocks any package."
    rest = 1.0 - b.share(o.name)
    need = b.scenario.government(seat.government).ratification_threshold
    if rest < need - TOLERANCE:
        return (f"Without you the others hold only {rest:.0%}, short of the {need:.0%} needed: "
                "your no alone blocks any package.")
    return (f"Without you the others hold {rest:.0%}, enough to ratify if the leader agrees: "
            "you cannot block a package alone.")


def _wants(b: Briefing, seat: Seat) -> list[str]:
    sal = b.salience(seat)
    ind = b.indicators(seat)
    top = max(list(sal.values()) + list(ind.values()) + [0.0])
    wants = b.wants(seat)
    order = sorted(wants, key=lambda n: -sal.get(n, 0.0))
    lines = ["## What you want", ""]
    if seat.official is None:
        lines += [
            "Your position is the package your government likes best in the model: your officials' wishes "
            "weighted by influence, plus the economy they watch.",
            "",
        ]
    for name in order:
        lines.append("- " + _want_sentence(b, seat, name, wants[name], _priority(sal.get(name, 0.0), top)[1]))
    if ind:
        ranked = sorted(ind.items(), key=lambda kv: -kv[1])
        watched = [f"{INDICATOR_WORDS[k]} (a {_priority(w, top)[0]} priority)" for k, w in ranked]
        lines += ["", f"You also watch the economy: {_and(watched)}."]
    return lines


def _want_sentence(b: Briefing, seat: Seat, name: str, level: float, priority: str) -> str:
    now = b.now(name)
    spec = b.scenario.instrument(name)
    if level == now:
        what = f"You want the {_label(b, name)} kept at {_levels(b, name, level)} (as now)"
    else:
        what = f"You want the {_label(b, name)} at {_levels(b, name, level)} (now {_levels(b, name, now)})"
    if spec.imposer == seat.government:
        whose = "Yours to set."
    else:
        whose = f"{_the(spec.imposer, start=True)} sets it: you can change it only by agreement."
    best = float(b.best(seat)[b.index[name]])
    if seat.official and best != level:
        whose += (f" Counting the economy you watch, a package is worth most to you with it at "
                  f"{_levels(b, name, best)}.")
    return f"{what}; {priority}. {whose}"


# -- red lines


def _voter(b: Briefing, seat: Seat) -> int:
    """The official whose yes the seat needs: the leader for a government, the official itself otherwise."""
    name = seat.official or b.leader(seat.government).name
    return b.off_index[name]


def _red_lines(b: Briefing, seat: Seat) -> list[str]:
    lines = ["## Your red lines", ""]
    sal = b.salience(seat)
    top = max(sal.values(), default=0.0)
    firsts = [f"the {_label(b, n)}" for n in sal if _priority(sal[n], top)[0] == "top"]
    if firsts:
        lines += [f"Give ground last on {_and(firsts)}: nothing matters more to you.", ""]
    partners = b.counterparts(seat.government)
    if not partners:
        return lines + ["No instrument lies between your government and any other, so there is nothing to negotiate."]
    for h in partners:
        lines += [f"### With {_the(h)}", "", *_red_lines_with(b, seat, h), ""]
    return lines


def _red_lines_with(b: Briefing, seat: Seat, h: str) -> list[str]:
    no_deal, today = b.walk_away(seat, h), b.value(seat, b.model.levels)
    better = "better for you than" if no_deal > today else "worse for you than" if no_deal < today else "equal to"
    rule = "you vote for a package" if seat.official else "you accept a package"
    lines = [
        f"- **Walk-away value: {no_deal:.3f}.** No deal with {_the(h)} is worth {no_deal:.3f} to you "
        f"(utility, 0 to 1); today's levels are worth {today:.3f}, so no deal is {better} the "
        f"status quo. In the model {rule} only if it is worth more to you than no deal.",
    ]
    lines += _veto_lines(b, seat, h)
    lines.append(_count_line(b, seat, h))
    lines += ["", "How packages would fare at home:", ""]
    lines += [f"- {_test_package(b, seat, h, text, levels)}" for text, levels in _test_packages(b, seat, h)]
    return lines


def _refusal(b: Briefing, seat: Seat) -> tuple[str, str]:
    """(who refuses, the verb): 'President Donald Trump', 'vetoes'; or 'you', 'vote against'."""
    if seat.official is None:
        return md_escape(_full(b.leader(seat.government))), "vetoes"
    return "you", ("veto" if b.official(seat.official).role is Role.LEADER else "vote against")


def _count_line(b: Briefing, seat: Seat, h: str) -> str:
    """How much of the package grid the seat's voter and its government would accept."""
    who, count = _you(b, seat), b.package_count(seat.government, h)
    if not b.countable(seat.government, h):
        return (f"- The grid holds {count:,} packages between you and {_the(h)}, too many to check one by one: "
                f"the lines above come from the model's search for {who}'s best package around each level.")
    v = b.votes(seat.government, h)
    ok = v.approve[:, _voter(b, seat)]
    sign = "would vote for" if seat.official else "would sign"
    return (f"- Of the {count:,} packages on the grid between you and {_the(h)}, {who} {sign} {int(ok.sum()):,} "
            f"({ok.mean():.0%}); your government could ratify {int(v.ratified.sum()):,} ({v.ratified.mean():.0%}).")


def _level_lines(b: Briefing, levels: dict[int, list[float]]) -> str:
    names = {k: b.model.inst_names[k] for k in levels}
    return "; ".join(f"the {_label(b, names[k])} {_ranges(b, names[k], x)}" for k, x in levels.items() if x)


def _veto_lines(b: Briefing, seat: Seat, h: str) -> list[str]:
    """What the seat's decisive voter refuses: whatever else a package gives, and even at the seat's best."""
    who, verb = _refusal(b, seat)
    voter = _voter(b, seat)
    never = b.never(voter, seat.government, h)
    if any(len(levels) == len(b.model.grids[k]) for k, levels in never.items()):
        who = who[0].upper() + who[1:]
        return [f"- **{who} {verb} every package with {_the(h)}**: none is worth more than no deal."]
    alone = {k: [x for x in levels if x not in never[k]] for k, levels in b.not_alone(voter, seat, h).items()}
    lines = []
    if any(never.values()):
        lines.append(f"- **Whatever else a package gives, {who} {verb} any that puts** {_level_lines(b, never)}.")
    else:
        lines.append(f"- No level of any one instrument is refused whatever else a package gives: for {who}, "
                     "it is the whole package that counts.")
    if any(alone.values()):
        lines.append(f"- **Even with everything else as you want it, {who} {verb} a package that puts** "
                     f"{_level_lines(b, alone)}.")
    return lines


def _test_packages(b: Briefing, seat: Seat, h: str) -> list[tuple[str, np.ndarray]]:
    """Three packages worth testing at home: today's levels, the counterpart's best, and the seat's own."""
    m = b.model
    idx = m.values.pair_instruments(seat.government, h)
    theirs, mine = m.levels.copy(), m.levels.copy()
    theirs[idx] = b.best(Seat(h))[idx]
    mine[idx] = b.best(seat)[idx]
    names = [m.inst_names[k] for k in idx]
    return [
        ("A deal that keeps today's levels", m.levels.copy()),
        (f"{_the(h, start=True)}'s best package ({_changes(b, theirs, names)})", theirs),
        (f"Your best package ({_changes(b, mine, names)})", mine),
    ]


def _test_package(b: Briefing, seat: Seat, h: str, text: str, levels: np.ndarray) -> str:
    vote = b.ratification(seat.government, h, levels)
    verdict = "**ratified**" if vote.ratified else "**not ratified**"
    leader = md_escape(_short(b.leader(seat.government)))
    why = f"; vetoed by {leader}" if not vote.leader_approves else ""
    opposed = f"; opposed: {_and([md_escape(x.replace('_', ' ')) for x in vote.opposed])}" if vote.opposed else ""
    mine = ""
    if seat.official:
        mine = " you vote against it;" if seat.official in vote.opposed else " you vote for it;"
    return f"{text}:{mine} {verdict} ({vote.support:.0%} in favour{why}{opposed})."


# -- if talks fail


def _agreements(b: Briefing, g: str, h: str) -> list:
    return [a for a in b.scenario.agreements if set(a.parties) == {g, h}]


def _expiry(b: Briefing, a) -> str:
    day = a.expires_date or b.scenario.date_of(a.expires_round)
    return f"{day_text(day)} (round {b.scenario.expiry_round(a)})"


def _agreement_lines(b: Briefing, a) -> list[str]:
    """An agreement in force: its terms, when it ends, and what happens then."""
    name = md_escape(a.name.replace("_", " "))
    terms = "; ".join(f"{_label(b, n)} {_levels(b, n, x)}" for n, x in a.terms.items())
    signed = f", signed {day_text(a.signed)}," if a.signed else ""
    about = f" {md_escape(a.description)}" if a.description else ""
    truce = " It is a truce: talks on a full deal go on while it holds." if a.interim else ""
    back = "; ".join(
        f"{_label(b, n)} back to **{_levels(b, n, x)}** (from {_levels(b, n, a.terms[n])})"
        if x != a.terms[n] else f"{_label(b, n)} stays at {_levels(b, n, x)}"
        for n, x in a.snap_back.items()
    )
    if a.on_expiry is ExpiryRule.EXTEND:
        days = a.extension_rounds * b.scenario.calendar.round_days
        then = (f"it is extended by {a.extension_rounds} rounds ({days} days), at most {_times(a.max_extensions)}, "
                "then lapses")
        then += f": {back}" if back else ""
    else:
        then = f"it snaps back: {back}" if back else "it lapses and every level stays where it is"
    return [
        f"- **The {name}**{signed} is in force until **{_expiry(b, a)}**. Its terms: {terms}.{about}{truce}",
        f"- On expiry {then}.",
    ]


def _talks_line(b: Briefing, g: str, h: str) -> str:
    talks = next((t for t in b.scenario.talks if set(t.between) == {g, h}), None)
    opener = next((e for e in sorted(b.scenario.events, key=b.scenario.event_round)
                   if e.kind in (EventKind.MEETING, EventKind.LEADERS_CALL) and set(e.between) == {g, h}), None)
    if talks is not None and talks.open:
        state = "Talks are open from the first round"
    elif opener is not None:
        r = b.scenario.event_round(opener)
        what = md_escape(opener.description or opener.name.replace("_", " "))
        when = f"round {r} ({day_text(b.scenario.date_of(r))})"
        state = f"Talks are closed at the start; they open with this in {when}: {what}"
    else:
        state = "Talks are closed; only a meeting or a leaders' call (an instructor's inject) would open them"
    first = f"; {_the(talks.first_proposer)} makes the first offer" if talks is not None else ""
    return f"- {state}{first}."


def _if_fail(b: Briefing, seat: Seat) -> list[str]:
    g = seat.government
    lines = ["## What you expect if talks fail", ""]
    for h in b.counterparts(g):
        nd = b.no_deal(g, h)
        names = _pair(b, g, h)
        lines += [f"### With {_the(h)}", "", _talks_line(b, g, h)]
        agreements = _agreements(b, g, h)
        for a in agreements:
            lines += _agreement_lines(b, a)
        if not agreements:
            lines.append(f"- No agreement with {_the(h)} is in force: nothing expires and nothing snaps back.")
        lines.append(
            f"- **No deal means:** {_changes(b, nd, names)}. "
            f"That is worth {b.walk_away(seat, h):.3f} to you, against {b.value(seat, b.model.levels):.3f} "
            "for today's levels."
        )
        lines.append("")
    return lines + ["### Dates to know", "", *_dates(b, g)]


def _dates(b: Briefing, g: str) -> list[str]:
    s = b.scenario
    items: list[tuple[int, str]] = []
    for e in s.events:
        inst = s.instrument(e.instrument) if isinstance(e, SetLevel) and e.instrument else None
        pair = e.between if isinstance(e, (LeadersCall, Meeting, Deadline)) else None
        touches = (pair is not None and g in pair) or (inst is not None and g in (inst.imposer, inst.target))
        if touches or e.kind is EventKind.MARKET_SHOCK:
            r = s.event_round(e)
            what = md_escape(e.description or e.name.replace("_", " "))
            tag = " (a deadline)" if e.kind is EventKind.DEADLINE else ""
            day = day_text(s.date_of(r) if e.date is None else e.date)
            items.append((r, f"- {day} (round {r}): {what}{tag}."))
    for a in s.agreements:
        if g in a.parties:
            items.append((s.expiry_round(a), f"- {_expiry(b, a)}: the {md_escape(a.name.replace('_', ' '))} expires."))
    last = s.calendar.rounds
    items.append((last + 1, f"- {day_text(s.date_of(last))} (round {last}): the last round of the game."))
    return [text for _, text in sorted(items, key=lambda x: x[0])]


# -- statements


def _said(b: Briefing, o: OfficialSpec, st: Statement) -> list[str]:
    src = next(x for x in b.scenario.sources if x.id == st.source)
    context = f"; {md_escape(st.context)}" if st.context else ""
    return [
        f"> “{md_escape(st.quote)}”",
        ">",
        f"> — **{md_escape(_full(o))}** ({md_escape(o.government)}){context}. Source: {md_escape(src.title)}.",
        "",
    ]


def _other_side(b: Briefing, seat: Seat) -> list[str]:
    lines = ["## What the other side has said in public", ""]
    others = b.counterparts(seat.government) or [x.name for x in b.scenario.governments if x.name != seat.government]
    for h in others:
        said = [(o, st) for o in b.officials(h) for st in o.statements]
        if not said:
            lines += [f"The scenario records no public statement by {_the(h)}'s officials.", ""]
        for o, st in said:
            lines += _said(b, o, st)
    if seat.official and b.official(seat.official).statements:
        o = b.official(seat.official)
        lines += ["## What you have said in public", ""]
        for st in o.statements:
            lines += _said(b, o, st)
    return lines


def _sources(b: Briefing, seat: Seat) -> list[str]:
    """The sources quoted in the brief, with where to find them (as text: the page loads nothing)."""
    others = b.counterparts(seat.government) or [x.name for x in b.scenario.governments if x.name != seat.government]
    quoted = [o for h in others for o in b.officials(h)]
    if seat.official:
        quoted.append(b.official(seat.official))
    ids = {st.source for o in quoted for st in o.statements}
    lines = []
    for src in b.scenario.sources:
        if src.id in ids:
            where = src.url or src.location
            lines.append(f"- {md_escape(src.title)}" + (f". {md_escape(where)}" if where else ""))
    return ["## Sources quoted", "", *lines, ""] if lines else []


# -- questions


def _top(weights: dict[str, float], names: list[str]) -> str | None:
    """The name with the largest positive weight (the first on ties), or None."""
    cared = [n for n in names if weights.get(n, 0.0) > 0]
    return max(cared, key=lambda n: weights[n]) if cared else None


def _pair(b: Briefing, g: str, h: str, imposer: str | None = None) -> list[str]:
    """Names of the instruments between g and h (only those `imposer` imposes, if given)."""
    names = [b.model.inst_names[k] for k in b.model.values.pair_instruments(g, h)]
    return [n for n in names if imposer is None or b.scenario.instrument(n).imposer == imposer]


def _ask_give(b: Briefing, seat: Seat, h: str) -> tuple[str | None, str | None]:
    """The seat's main ask among h's instruments, and h's main ask among the seat's government's.

    Only instruments not already where the asking side wants them count: there must be something to move.
    """
    mine, theirs = b.wants(seat), b.wants(Seat(h))
    asks = [n for n in _pair(b, seat.government, h, imposer=h) if mine.get(n, b.now(n)) != b.now(n)]
    gives = [n for n in _pair(b, seat.government, h, imposer=seat.government) if theirs.get(n, b.now(n)) != b.now(n)]
    return _top(b.salience(seat), asks), _top(b.salience(Seat(h)), gives)


def _q_trade(b: Briefing, seat: Seat, h: str) -> str | None:
    """Logrolling: my top ask among their instruments against their top ask among mine."""
    ask, give = _ask_give(b, seat, h)
    if ask is None or give is None:
        return None
    want = b.wants(seat).get(ask, b.now(ask))
    return (
        f"Your main ask of {_the(h)} is the {_label(b, ask)} (now {_levels(b, ask, b.now(ask))}; you want "
        f"{_levels(b, ask, want)}), while {_the(h)} cares most about your {_label(b, give)} (now "
        f"{_levels(b, give, b.now(give))}). How far would you move the {_label(b, give)} to get the {_label(b, ask)} "
        f"to {_levels(b, ask, want)}, and in how many steps?"
    )


def _q_cheap(b: Briefing, seat: Seat, h: str) -> str | None:
    """Something cheap to give: one of my instruments that matters little to me and much to them."""
    mine, theirs = b.salience(seat), b.salience(Seat(h))
    top = max(mine.values(), default=0.0)
    traded, wanted = _ask_give(b, seat, h)[1], b.wants(Seat(h))
    cheap = [n for n in _pair(b, seat.government, h, imposer=seat.government) if n != traded
             and wanted.get(n, b.now(n)) != b.now(n) and theirs.get(n, 0.0) > 0
             and _priority(mine.get(n, 0.0), top)[0] in ("medium", "low", "none")]
    if not cheap:
        return None
    name = max(cheap, key=lambda n: theirs[n] - mine.get(n, 0.0))
    fan = max(b.officials(h), key=lambda o: o.preferences[name].salience if name in o.preferences else -1.0)
    return (
        f"{_the(h, start=True)} cares more than you do about the {_label(b, name)} "
        f"(now {_levels(b, name, b.now(name))}), and the one who presses hardest on it is {md_escape(_full(fan))}. "
        f"What would you ask in return for moving the {_label(b, name)} to {_levels(b, name, wanted[name])}, "
        "and would you offer a first step as a goodwill gesture?"
    )


def _q_deadline(b: Briefing, seat: Seat, h: str) -> str | None:
    """The clock: the agreement that expires, or when talks open and who moves first."""
    agreements = _agreements(b, seat.government, h)
    nd, today = b.walk_away(seat, h), b.value(seat, b.model.levels)
    mood = "better off than" if nd > today else ("worse off than" if nd < today else "as well off as")
    if agreements:
        a = min(agreements, key=b.scenario.expiry_round)
        end = b.scenario.expiry_round(a)
        moves = [(n, x) for n, x in a.snap_back.items() if x != a.terms[n]]
        back = _and([f"the {_label(b, n)} returns to {_levels(b, n, x)}" for n, x in moves])
        if a.on_expiry is ExpiryRule.EXTEND:
            then = f"then it runs on for {a.extension_rounds} rounds at a time, at most {_times(a.max_extensions)}"
        else:
            then = f"then {back}" if back else "then it lapses"
        return (
            f"The {md_escape(a.name.replace('_', ' '))} ends on {_expiry(b, a)}, and {then}. No deal would leave you "
            f"{mood} today ({nd:.3f} against {today:.3f}): will you seek to extend it, replace it with a "
            f"deal, or let it lapse, and what will you offer before "
            f"{day_text(a.expires_date or b.scenario.date_of(end))}?"
        )
    talks = next((t for t in b.scenario.talks if set(t.between) == {seat.government, h}), None)
    top = _top(b.salience(seat), _pair(b, seat.government, h))
    if talks is None or top is None:
        return None
    what = f"the {_label(b, top)} (now {_levels(b, top, b.now(top))})"
    if talks.first_proposer == seat.government:
        move = f"What will your opening offer on {what} be, and how long will you hold it before conceding?"
    else:
        move = f"What will you ask on {what} when {_the(h)} makes the first offer, and how long will you hold out?"
    return (
        f"No agreement with {_the(h)} is in force and no deadline is set: time presses only through what each round "
        f"without a deal costs you, and the chance that failed talks break off. {move}"
    )


def _q_home(b: Briefing, seat: Seat, h: str) -> str | None:
    """Two-level game: would confirming today's levels pass at home, and who must be won over?"""
    vote = b.ratification(seat.government, h, b.model.levels)
    if vote.ratified:
        top = _top(b.salience(seat), _pair(b, seat.government, h))
        if top is None:
            return None
        return (
            f"A deal confirming today's levels would pass at home ({vote.support:.0%} in favour). Is locking them in "
            f"worth more than pressing {_the(h)} on the {_label(b, top)} (now {_levels(b, top, b.now(top))})?"
        )
    leader = b.leader(seat.government)
    # An official's brief asks about the leader elsewhere (_q_leader), so it looks past the leader and itself.
    opposed = [b.official(n) for n in vote.opposed if not seat.official or n not in (leader.name, seat.official)]
    if not opposed:
        return None
    target = leader if leader.name in vote.opposed and not seat.official else max(opposed, key=lambda o: o.influence)
    spans = {n: b.scenario.instrument(n).max - b.scenario.instrument(n).min for n in target.preferences}
    gaps = {n: p.salience * abs(p.ideal - b.now(n)) / spans[n] for n, p in target.preferences.items()}
    gap = _top(gaps, _pair(b, seat.government, h))
    if gap is None:
        return None
    who = md_escape(_full(target))
    names = _and([md_escape(n.replace("_", " ")) for n in vote.opposed])
    return (
        f"Confirming today's levels would fail at home: {names} would vote against ({vote.support:.0%} in favour). "
        f"{who} wants the {_label(b, gap)} at {_levels(b, gap, target.preferences[gap].ideal)} "
        f"(now {_levels(b, gap, b.now(gap))}): what package would win {who} over?"
    )


def _q_split(b: Briefing, seat: Seat) -> str | None:
    """Inside the government: the instrument its officials disagree on most, with names at both ends."""
    best, spread = None, 0.0
    for name in b.relevant(seat.government):
        spec = b.scenario.instrument(name)
        held = [(o, o.preferences[name]) for o in b.officials(seat.government) if name in o.preferences]
        if len(held) < 2:
            continue
        low = min(held, key=lambda x: x[1].ideal)
        high = max(held, key=lambda x: x[1].ideal)
        gap = (high[1].ideal - low[1].ideal) / (spec.max - spec.min) * (high[1].salience + low[1].salience)
        if gap > spread:
            best, spread = (name, high, low), gap
    if best is None:
        return None
    name, (ho, hp), (lo, lp) = best
    need = b.scenario.government(seat.government).ratification_threshold
    return (
        f"Inside your government, {md_escape(_full(ho))} wants the {_label(b, name)} at {_levels(b, name, hp.ideal)} "
        f"but {md_escape(_full(lo))} wants {_levels(b, name, lp.ideal)}. Whose support do you need to reach "
        f"{need:.0%} of your influence, and what will it cost you on the {_label(b, name)}?"
    )


def _q_leader(b: Briefing, seat: Seat) -> str | None:
    """An official and its leader (or a leader and its team): the widest gap that matters to the seat."""
    assert seat.official is not None  # asked for officials' seats only
    me = b.official(seat.official)
    others = [o for o in b.officials(seat.government) if o.name != me.name]
    if me.role is not Role.LEADER:
        others = [b.leader(seat.government)]
    options = [
        (me.preferences[n].salience * abs(me.preferences[n].ideal - o.preferences[n].ideal)
         / (b.scenario.instrument(n).max - b.scenario.instrument(n).min) * b.share(o.name), n, o)
        for o in others for n in me.preferences if n in o.preferences
    ]
    options = [x for x in options if x[0] > 0]
    if not options:
        return None
    _, name, o = max(options, key=lambda x: x[0])
    mine, theirs = me.preferences[name].ideal, o.preferences[name].ideal
    if me.role is Role.LEADER:
        return (
            f"{md_escape(_full(o))} ({b.share(o.name):.0%} of the influence) wants the {_label(b, name)} at "
            f"{_levels(b, name, theirs)}; you want {_levels(b, name, mine)}. What mandate will you give your team, "
            f"and will you overrule {md_escape(_short(o))}?"
        )
    return (
        f"You want the {_label(b, name)} at {_levels(b, name, mine)}, but {md_escape(_full(o))} wants "
        f"{_levels(b, name, theirs)}, and no package binds your government without the leader. How will you bring "
        f"{md_escape(_short(o))} round, or what will you settle for?"
    )


def _q_statement(b: Briefing, seat: Seat, h: str) -> str | None:
    """Take the other side at its word: a statement of theirs, tied to the seat's main ask of them."""
    said = [(o, st) for o in b.officials(h) for st in o.statements]
    if not said:
        return None
    g = b.scenario.government(seat.government)
    names = [n.lower() for n in (g.name, g.title) if n]
    about = [x for x in said if any(n in (x[1].quote + " " + (x[1].context or "")).lower() for n in names)]
    o, st = (about or said)[0]
    ask = _ask_give(b, seat, h)[0] or _top(b.salience(seat), _pair(b, seat.government, h))
    if ask is None:
        return None
    return (
        f"{md_escape(_full(o))} has said: “{md_escape(st.quote)}” What does it tell you about {_the(h)}'s "
        f"opening position, and how will you answer it when you raise the {_label(b, ask)}?"
    )


def _q_trust(b: Briefing, seat: Seat, h: str) -> str | None:
    """Verification: how much the other side trusts you, and what a detected breach costs."""
    trust = b.traits(Seat(h))["trust"]
    d = b.scenario.dynamics
    return (
        f"{_the(h, start=True)}'s officials start out {_trait('trust', trust)[0]} of you "
        f"(trust {trust:.2f} on a 0-1 scale), and "
        f"each breach they detect costs {d.trust_penalty:.2f} of trust. Which commitment would you make first, and how "
        f"would you show {_the(h)} that you keep it?"
    )


def _questions(b: Briefing, seat: Seat) -> list[str]:
    """4 to 6 questions drawn from the scenario, most useful first."""
    partners = b.counterparts(seat.government)
    if not partners:
        return []
    sal = b.salience(seat)
    pair_weight = lambda h: sum(sal.get(n, 0.0) for n in _pair(b, seat.government, h))  # noqa: E731
    main, *rest = sorted(partners, key=lambda h: -pair_weight(h))
    inside = _q_leader(b, seat) if seat.official else _q_split(b, seat)
    candidates = [
        _q_trade(b, seat, main), _q_deadline(b, seat, main), _q_home(b, seat, main), inside,
        _q_statement(b, seat, main), _q_cheap(b, seat, main),
        *(_q_deadline(b, seat, h) for h in rest), _q_trust(b, seat, main),
    ]
    return [q for q in candidates if q][:6]


# --------------------------------------------------------------------------- briefs


def _footer(b: Briefing) -> list[str]:
    return [
        "---",
        "",
        f"Generated by negotiation.briefs from scenario {md_escape(b.scenario.name)} "
        f"(sha256 {b.scenario.digest()[:12]}). Utilities are the model's, from 0 (nothing you want) to 1 "
        "(everything you want); packages are valued with trade at its long-run response to the tariffs.",
    ]


def _steps(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


HOSTILE_ACTS = {"violation": "breaks a commitment", "threat": "carries out a threat", "any": "does anything hostile"}


def _acts(words: tuple[str, ...]) -> str:
    """A retaliation rule's `answers` as what the other side does."""
    acts = [HOSTILE_ACTS.get(w) or f"raises its {md_escape(w.replace('_', ' '))}" for w in words]
    return acts[0] if len(acts) == 1 else ", ".join(acts[:-1]) + " or " + acts[-1]


def _using(words: tuple[str, ...]) -> str:
    """A rule's `using`, in order of preference: the next answers once the one before is at its cap."""
    names = [md_escape(w.replace("_", " ")) for w in words]
    return names[0] + (f" (past its cap, then {', then '.join(names[1:])})" if len(names) > 1 else "")


def _levers(b: Briefing, seat: Seat) -> list[str]:
    """Threats, the retaliation menu and officials' mandates of the seat's government (issue 11), if any."""
    s, g = b.scenario, seat.government
    spec = next(x for x in s.governments if x.name == g)
    threats, menu = spec.coercion.threats, spec.coercion.retaliation
    lines: list[str] = []
    if threats.propensity > 0:
        cost = (f"; walking one back costs your leader {threats.audience_cost * threats.publicity:.2f} of utility"
                if threats.audience_cost > 0 else "")
        lines.append(f"- **Threats.** Your government can announce a measure {_steps(threats.lead_rounds, 'round')} ahead "
                     f"(\u201cunless ...\u201d) and then carry it out or walk it back{cost}. How often it does: "
                     f"{threats.propensity:.0%} of the occasions when talks fail or it is provoked, for fully ready officials.")
    for rule in menu.rules:
        caps = "; ".join(f"not beyond {md_escape(str(k).replace('_', ' '))} {v:g}" for k, v in rule.caps.items())
        lines.append(f"- **Retaliation.** When the other side {_acts(rule.answers)}, you answer with your {_using(rule.using)}, "
                     f"{rule.proportion:g} step for each step{' (' + caps + ')' if caps else ''}.")
    for o in s.officials:
        if o.government == g:
            for m in o.mandates:
                moves = [f"raise it {_steps(m.up, 'step')}" if m.up else "", f"lower it {_steps(m.down, 'step')}" if m.down else ""]
                lines.append(f"- **Mandate.** {md_escape(o.name)} may move {_label(b, m.instrument)} without the "
                             f"leader: {' or '.join(x for x in moves if x)} from the level the government last set.")
    return ["## Your levers", "", *lines] if lines else []


def _assemble(b: Briefing, seat: Seat, who: list[str]) -> str:
    questions = [f"{k}. {q}" for k, q in enumerate(_questions(b, seat), start=1)]
    parts = [
        _heading(b, seat), who, _wants(b, seat), _red_lines(b, seat), _levers(b, seat), _if_fail(b, seat),
        _other_side(b, seat),
        ["## Questions to prepare", "", *questions] if questions else [], _sources(b, seat), _footer(b),
    ]
    text = "\n".join(line for part in parts for line in [*part, ""])
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def government_brief(scenario: Scenario, government: str, briefing: Briefing | None = None) -> str:
    """The Markdown brief of a government's seat (pass a shared `Briefing` to reuse its computations)."""
    b = briefing or Briefing(scenario)
    seat = find_seat(scenario, government)
    if seat.official is not None:
        raise InputError(scenario.name, Problem("seat", f"{government!r} is an official's seat, not a government's"))
    return _assemble(b, seat, _who_government(b, seat))


def official_brief(scenario: Scenario, official: str, briefing: Briefing | None = None) -> str:
    """The Markdown brief of one official's seat, by the official's name ('Bessent')."""
    b = briefing or Briefing(scenario)
    if official not in b.off_index:
        known = nearest(official, list(b.off_index))
        raise InputError(scenario.name, Problem("official", f"unknown official {official!r} ({known})"))
    seat = Seat(b.official(official).government, official)
    return _assemble(b, seat, _who_official(b, seat))


def brief(scenario: Scenario, seat_id: str, briefing: Briefing | None = None) -> str:
    """The Markdown brief of the seat named 'US' or 'US-Bessent'."""
    seat = find_seat(scenario, seat_id)
    if seat.official is None:
        return government_brief(scenario, seat.government, briefing)
    return official_brief(scenario, seat.official, briefing)


# --------------------------------------------------------------------------- pages


def brief_html(markdown: str) -> str:
    """A brief's Markdown as a printable page (common/pages.py renders it), titled by its first heading."""
    title = pages.heading_text(markdown) or "Brief"
    return pages.render("teaching/brief.html", title=title, body=pages.markdown(markdown))


def index_html(scenario: Scenario, seat_list: list[Seat]) -> str:
    """The instructor's page: every seat's brief, by government, as relative links."""
    governments = [
        {"name": g.title or g.name, "seats": [{"id": s.id, "name": _seat_name(scenario, s)}
                                              for s in seat_list if s.government == g.name]}
        for g in scenario.governments
    ]
    return pages.render("teaching/index.html", title=scenario.title, governments=governments)


def _seat_name(scenario: Scenario, seat: Seat) -> str:
    """'United States', or 'Treasury Secretary Scott Bessent (negotiator)': a seat as the index lists it."""
    if seat.official:
        o = next(x for x in scenario.officials if x.name == seat.official)
        return f"{_full(o)} ({o.role.value})"
    g = scenario.government(seat.government)
    return g.title or g.name


# --------------------------------------------------------------------------- files


def _write(path: Path, text: str) -> Path:
    """Write a brief whole or not at all (an interrupted run never leaves half a brief); return its path."""
    write_atomic(path, text)
    return path


BRIEF_PATTERNS = ("*.md", "*.html")  # what a folder of briefs holds: what `force` may replace


def write_briefs(scenario: Scenario, out_dir: str | Path, force: bool = False) -> list[Path]:
    """Write every seat's brief as `<seat>.md` and `<seat>.html`, plus an `index.html`; return the paths.

    The folder is built beside `out_dir` and moved into place whole, index.html last. A folder that
    holds files is refused unless `force`, and then only if it holds briefs, which are all replaced
    (no brief of another scenario's seat is left beside the new ones).
    """
    out = Path(out_dir)
    b = Briefing(scenario)
    seat_list = seats(scenario)
    written = []
    with result_folder(out, force=force, what="briefs", patterns=BRIEF_PATTERNS, marker="index.html") as tmp:
        for seat in seat_list:
            text = brief(scenario, seat.id, b)
            written.append(_write(tmp / f"{seat.id}.md", text))
            written.append(_write(tmp / f"{seat.id}.html", brief_html(text)))
        written.append(_write(tmp / "index.html", index_html(scenario, seat_list)))
    return [out / p.name for p in written]
