"""The whole story of a run, as Markdown a teacher can read aloud: one section per round with news,
and a line for each stretch of quiet rounds saying what held."""

from __future__ import annotations

from collections.abc import Iterable

from negotiation.game.records import Detected, Expired, LogKind, OpenBreach, Record, Replaces, Signed
from negotiation.scenario import Scenario
from negotiation.story.sentences import sentence, visible
from negotiation.story.words import agreement_name, day

ENDS = (Expired, OpenBreach, Detected, Replaces)  # records after which an agreement is no longer in force


def story_markdown(scenario: Scenario, log: Iterable[Record], viewer: str | None = None,
                   rounds: int | None = None) -> str:
    """The log as Markdown (for `viewer`, if given: only what that government may see).

    Rounds in which nothing happened are not skipped in silence: each stretch of them (up to
    `rounds`, the run's last round, when given) gets one line saying which agreements held.
    """
    lines = [f"# {scenario.title}"]
    current, in_force = 0, [a.name for a in scenario.agreements]
    for record in log:
        if not visible(record, viewer):
            continue
        if record.round != current:
            lines += quiet(scenario, current + 1, record.round - 1, in_force)
            current = record.round
            lines += ["", f"## Round {record.round} ({day(scenario, record.round)})", ""]
        bullet = "-" if record.kind is not LogKind.NOTE else "  -"
        lines.append(f"{bullet} {sentence(record, scenario, viewer)}")
        follow(record, in_force)
    if rounds is not None:
        lines += quiet(scenario, current + 1, rounds, in_force)
    return "\n".join(lines).strip() + "\n"


def follow(record: Record, in_force: list[str]) -> None:
    """Keep the names of the agreements in force up to date as the story goes."""
    if isinstance(record, Signed) and record.agreement not in in_force:
        in_force.append(record.agreement)
    elif isinstance(record, ENDS) and record.agreement in in_force:
        in_force.remove(record.agreement)


def quiet(scenario: Scenario, first: int, last: int, in_force: list[str]) -> list[str]:
    """One section for rounds `first`..`last`, in which nothing happened (none if the stretch is empty)."""
    if first > last or first < 1:
        return []
    span = (f"Round {first} ({day(scenario, first)})" if first == last
            else f"Rounds {first}-{last} ({day(scenario, first)} to {day(scenario, last)})")
    held = " and ".join(f"the {agreement_name(n)}" for n in in_force)
    what = f"{held} held; no offers, no moves." if held else "no offers, no moves; the levels held."
    return ["", f"## {span}", "", f"- Quiet: {what}"]
