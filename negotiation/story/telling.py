"""The whole story of a run, as Markdown a teacher can read aloud: one section per round with news."""

from __future__ import annotations

from collections.abc import Iterable

from negotiation.game.records import LogKind, Record
from negotiation.scenario import Scenario
from negotiation.story.sentences import sentence, visible
from negotiation.story.words import day


def story_markdown(scenario: Scenario, log: Iterable[Record], viewer: str | None = None) -> str:
    """The log as Markdown (for `viewer`, if given: only what that government may see)."""
    lines = [f"# {scenario.title}"]
    current = None
    for record in log:
        if not visible(record, viewer):
            continue
        if record.round != current:
            current = record.round
            lines += ["", f"## Round {record.round} ({day(scenario, record.round)})", ""]
        bullet = "-" if record.kind is not LogKind.NOTE else "  -"
        lines.append(f"{bullet} {sentence(record, scenario, viewer)}")
    return "\n".join(lines).strip() + "\n"
