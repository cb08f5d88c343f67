"""Scenario files: the format (vocabulary and schema), loading, and the checks that make a file usable.

A scenario becomes one typed, validated, immutable `Scenario` at load time; everything above this
layer reads that object and never the file.
"""

from negotiation.scenario.schema import (
    MAX_GRID,
    SCHEMA_VERSION,
    AgreementSpec,
    Calendar,
    ControlEffect,
    DynamicsSpec,
    EconomySpec,
    EventKind,
    EventSpec,
    ExpiryRule,
    GovernmentSpec,
    InstrumentSpec,
    KindSpec,
    OfficialSpec,
    Preference,
    Role,
    Scenario,
    Source,
    Statement,
    StrategySpec,
    StressSpec,
    TalksSpec,
    TradeFlow,
    Traits,
    check_references,
    format_path,
    json_schema,
    load_scenario,
    nearest,
    parse_scenario,
    read_yaml,
    validate_mapping,
)
from negotiation.scenario.vocabulary import INDICATORS, UNITS, ControlLevel, Indicator, InstrumentKind, describe_level

__all__ = [
    "INDICATORS", "MAX_GRID", "SCHEMA_VERSION", "UNITS", "AgreementSpec", "Calendar", "ControlEffect", "ControlLevel",
    "DynamicsSpec", "EconomySpec", "EventKind", "EventSpec", "ExpiryRule", "GovernmentSpec", "Indicator",
    "InstrumentKind", "InstrumentSpec", "KindSpec", "OfficialSpec", "Preference", "Role", "Scenario", "Source",
    "Statement", "StrategySpec", "StressSpec", "TalksSpec", "TradeFlow", "Traits", "check_references",
    "describe_level", "format_path", "json_schema", "load_scenario", "nearest", "parse_scenario", "read_yaml",
    "validate_mapping",
]
