"""The agenda: the scenario's scheduled events by round, and the injects an instructor fires."""

from __future__ import annotations

from negotiation.scenario import EventKind, EventSpec, Scenario


class Agenda:
    """Events due in each round: the scenario's schedule, plus injects queued for the next round."""

    def __init__(self, scenario: Scenario):
        self.config = scenario
        self.scheduled: dict[int, list[EventSpec]] = {}
        for e in scenario.events:
            self.scheduled.setdefault(scenario.event_round(e), []).append(e)
        self.injected: list[EventSpec] = []

    def inject(self, name: str) -> EventSpec:
        """Queue one of the scenario's injects for the start of the next round (an instructor's move)."""
        event = next((e for e in self.config.injects if e.name == name), None)
        if event is None:
            known = ", ".join(e.name for e in self.config.injects) or "(none)"
            raise KeyError(f"unknown inject {name!r}; this scenario offers: {known}")
        self.injected.append(event)
        return event

    def take(self, round_: int) -> list[EventSpec]:
        """The events that fire in `round_`: scheduled first, then the queued injects (which are used up)."""
        events = self.scheduled.get(round_, []) + self.injected
        self.injected = []
        return events

    def deadlines(self, a: str, b: str, from_round: int) -> list[int]:
        """Rounds, from `from_round` on, of scheduled deadlines for the pair."""
        return [r for r, events in self.scheduled.items()
                if r >= from_round and any(e.kind is EventKind.DEADLINE and set(e.between) == {a, b} for e in events)]
