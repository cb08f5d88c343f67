"""The words of the story: how instruments, levels, changes, dates and agreements are named."""

from __future__ import annotations

from negotiation.common.dates import day_text
from negotiation.game.records import Change
from negotiation.scenario import InstrumentKind, InstrumentSpec, Scenario, describe_level

KIND_WORDS = {
    "tariff": "tariff",
    "mineral_export_control": "mineral export controls",
    "chip_export_control": "chip export controls",
    "visa_restriction": "visa restrictions",
}


def label(spec: InstrumentSpec) -> str:
    """'US tariff on China', 'China mineral export controls on US', 'China's purchases of US goods'."""
    if spec.kind == InstrumentKind.PURCHASE_COMMITMENT.value:
        return f"{spec.imposer}'s purchases of {spec.target} goods"
    return f"{spec.imposer} {KIND_WORDS.get(spec.kind, spec.kind.replace('_', ' '))} on {spec.target}"


def level_text(scenario: Scenario, name: str, level: float) -> str:
    """A level as a reader says it: '30%' for a tariff, 'level 2 (broad)' for a control."""
    spec = scenario.instrument(name)
    return describe_level(scenario.unit_of(spec.kind), float(level))


def change_text(scenario: Scenario, c: Change) -> str:
    """'US tariff on China 30% -> 10%'."""
    return f"{label(scenario.instrument(c.instrument))} {level_text(scenario, c.instrument, c.before)} -> " \
           f"{level_text(scenario, c.instrument, c.after)}"


def day(scenario: Scenario, round_: int) -> str:
    """The date a round starts, as '17 Jul 2025'."""
    return day_text(scenario.date_of(round_))


def agreement_name(name: str) -> str:
    return name.replace("_", " ")
