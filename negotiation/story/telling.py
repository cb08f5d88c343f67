"""The whole story of a run, as Markdown a teacher can read aloud: one section per round with news,
and a line for each stretch of quiet rounds saying what held."""

from __future__ import annotations

from collections.abc import Iterable

from negotiation.game.records import LogKind, Record
from negotiation.scenario import Scenario
from negotiation.story.sentences import sentence, visible
from negotiation.story.words import agreement_name, day


def story_markdown(scenario: Scenario, log: Iterable[Record], viewer: str | None = None,
                   rounds: int | None = None) -> str:
    """The log as Markdown (for `viewer`, if given: only what that government may see).

    Rounds in which nothing happened are not skipped in silence: each stretch of them (up to
    `rounds`, the run's last round, when given) gets one line saying which agreements held.
    """
    lines = [f"# {scenario.title}"]
    current, held = 0, Held(scenario)
    for record in log:
        if not visible(record, viewer):
            continue
        if record.round != current:
            lines += held.quiet(current + 1, record.round - 1)
            current = record.round
            lines += ["", f"## Round {record.round} ({day(scenario, record.round)})", ""]
        bullet = "-" if record.kind is not LogKind.NOTE else "  -"
        lines.append(f"{bullet} {sentence(record, scenario, viewer)}")
        held.follow(record.kind.value, record.data)
    if rounds is not None:
        lines += held.quiet(current + 1, rounds)
    return "\n".join(lines).strip() + "\n"


class Held:
    """Which agreements are in force as a story is told, from the log's kinds and data alone (so that the story
    and the debrief, which reads log.csv, say the same), and the section for a stretch of quiet rounds."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.parties = {a.name: frozenset(a.parties) for a in scenario.agreements}  # in force, in signing order

    def follow(self, kind: str, data: dict) -> None:
        name = data.get("agreement")
        if name is None:
            return
        if kind == LogKind.AGREEMENT.value and "parties" in data:  # signed; it replaces the pair's earlier one
            pair = frozenset(data["parties"])
            self.parties = {n: p for n, p in self.parties.items() if p != pair}
            self.parties[name] = pair
        elif (kind == LogKind.DETECTION.value or (kind == LogKind.EXPIRY.value and "snap_back" in data)
              or (kind == LogKind.VIOLATION.value and not {"instrument", "withheld"} & set(data))):
            self.parties.pop(name, None)  # broken in the open or found out, or expired (not extended)

    def quiet(self, first: int, last: int) -> list[str]:
        """One section for rounds `first`..`last`, in which nothing happened (none if the stretch is empty)."""
        s = self.scenario
        if first > last or first < 1:
            return []
        span = (f"Round {first} ({day(s, first)})" if first == last
                else f"Rounds {first}-{last} ({day(s, first)} to {day(s, last)})")
        return ["", f"## {span}", "", f"- {quiet_text(list(self.parties))}"]


def quiet_text(in_force: list[str]) -> str:
    held = " and ".join(f"the {agreement_name(n)}" for n in in_force)
    return "Quiet: " + (f"{held} held; no offers, no moves." if held else "no offers, no moves; the levels held.")
