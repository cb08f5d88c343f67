"""Scenario files: the format (vocabulary, models, events), loading, and the checks that make a file usable.

A scenario becomes one typed, validated, immutable `Scenario` at load time; everything above this
layer reads that object and never the file.
"""

from negotiation.scenario.checks import check_references
from negotiation.scenario.coercion import CoercionSpec, RetaliationRule, RetaliationSpec, ThreatRecord, ThreatsSpec
from negotiation.scenario.events import Deadline, EventSpec, LeadersCall, MarketShock, Meeting, SetLevel
from negotiation.scenario.loading import load_scenario, parse_scenario, read_yaml, validate_mapping
from negotiation.scenario.politics import DomesticSpec, EngagementSpec, Mandate
from negotiation.scenario.problems import format_path, nearest
from negotiation.scenario.schema import (
    MAX_GRID,
    SCHEMA_VERSION,
    AgreementSpec,
    Calendar,
    ControlEffect,
    DynamicsSpec,
    EconomySpec,
    GovernmentSpec,
    InformationSpec,
    InstrumentSpec,
    KindSpec,
    OfficialSpec,
    Preference,
    Scenario,
    Source,
    Statement,
    StrategySpec,
    StressSpec,
    TalksSpec,
    TradeFlow,
    Traits,
    json_schema,
)
from negotiation.scenario.vocabulary import (
    CONCESSIONS,
    INDICATORS,
    UNITS,
    ControlLevel,
    EventActor,
    EventKind,
    ExpiryRule,
    Indicator,
    InstrumentKind,
    Role,
    describe_level,
    hostile_sign,
)

__all__ = [
    "CONCESSIONS", "hostile_sign", "INDICATORS", "MAX_GRID", "SCHEMA_VERSION", "UNITS", "AgreementSpec", "Calendar", "ControlEffect", "ControlLevel",
    "Deadline", "DynamicsSpec", "EconomySpec", "EventKind", "EventSpec", "ExpiryRule", "GovernmentSpec", "Indicator",
    "InstrumentKind", "InstrumentSpec", "KindSpec", "LeadersCall", "MarketShock", "Meeting", "OfficialSpec",
    "InformationSpec", "Preference", "Role", "Scenario", "SetLevel", "Source", "Statement", "StrategySpec", "StressSpec", "TalksSpec",
    "TradeFlow", "Traits", "check_references", "describe_level", "format_path", "json_schema", "load_scenario",
    "nearest", "parse_scenario", "read_yaml", "validate_mapping",
    "DomesticSpec", "EngagementSpec", "EventActor", "Mandate",
    "CoercionSpec", "RetaliationRule", "RetaliationSpec", "ThreatRecord", "ThreatsSpec",
]
