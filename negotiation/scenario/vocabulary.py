"""The format's closed sets: roles, expiry rules, event and instrument kinds, named levels and indicators.

Every enum a scenario file may name lives here, so the models (`schema.py`, `events.py`) and the
game above them share one spelling of each idea.
"""

from __future__ import annotations

from enum import Enum, IntEnum


class Role(str, Enum):
    """An official's part in its government; the leader ratifies (DESIGN.md, "Official")."""

    LEADER = "leader"
    NEGOTIATOR = "negotiator"
    MINISTER = "minister"
    SPOKESBODY = "spokesbody"


class ExpiryRule(str, Enum):
    """What happens when an agreement reaches its expiry round."""

    SNAP_BACK = "snap_back"  # covered instruments return to the snap-back levels
    EXTEND = "extend"  # the agreement runs on for `extension_rounds`, up to `max_extensions` times


class EventKind(str, Enum):
    """The kinds of scheduled or injected event; each has its own class in `events.py`."""

    LEADERS_CALL = "leaders_call"  # raises trust between the pair and opens talks
    MEETING = "meeting"  # opens talks between the pair
    SET_LEVEL = "set_level"  # a ruling or decree sets an instrument's level
    MARKET_SHOCK = "market_shock"  # market stress jumps (or eases, if negative)
    DEADLINE = "deadline"  # the negotiators' horizon for the pair; stress rises if it passes without a deal


class InstrumentKind(str, Enum):
    """The kinds of instrument that ship; a scenario may declare further kinds."""

    TARIFF = "tariff"
    MINERAL_EXPORT_CONTROL = "mineral_export_control"
    CHIP_EXPORT_CONTROL = "chip_export_control"
    VISA_RESTRICTION = "visa_restriction"
    PURCHASE_COMMITMENT = "purchase_commitment"  # the imposer buys the target's goods: $bn a year above the baseline


class ControlLevel(IntEnum):
    """The 0-3 scale of every non-tariff instrument (DESIGN.md, "Instrument")."""

    NONE = 0  # no 2025-style restriction
    TARGETED = 1  # targeted licensing or vetting
    BROAD = 2  # broad throttle
    SWEEPING = 3  # sweeping or embargo-like


class Indicator(str, Enum):
    """Economic indicators an official may weigh; each is scored 0 (worst) to 1 (best)."""

    TRADE_BALANCE = "trade_balance"
    TRADE_VOLUME = "trade_volume"
    MARKET_STRESS = "market_stress"
    INDUSTRY_EXPOSURE = "industry_exposure"
    TECHNOLOGY_EXPOSURE = "technology_exposure"


INDICATORS: tuple[Indicator, ...] = tuple(Indicator)

UNITS = {
    InstrumentKind.TARIFF.value: "percent",
    InstrumentKind.MINERAL_EXPORT_CONTROL.value: "level",
    InstrumentKind.CHIP_EXPORT_CONTROL.value: "level",
    InstrumentKind.VISA_RESTRICTION.value: "level",
    InstrumentKind.PURCHASE_COMMITMENT.value: "bn_usd",
}

# Kinds a government does NOT hold against another: raising them is a concession, and lowering them
# (buying less than promised) the hostile move. Every other kind is coercive: raising it is hostile.
CONCESSIONS = frozenset({InstrumentKind.PURCHASE_COMMITMENT.value})


def hostile_sign(kind: str) -> int:
    """+1 where raising a level is the hostile move (tariffs, controls), -1 where lowering it is (purchases)."""
    return -1 if kind in CONCESSIONS else 1


def describe_level(kind_unit: str, level: float) -> str:
    """A level as a reader would say it: '30%' for a tariff, 'level 2 (broad)' for a control."""
    if kind_unit == "percent":
        return f"{level:g}%"
    if kind_unit == "bn_usd":
        return f"${level:g}bn a year"
    if float(level).is_integer() and 0 <= level <= 3:
        return f"level {int(level)} ({ControlLevel(int(level)).name.lower()})"
    return f"level {level:g}"


class EventActor(str, Enum):
    """Who sets a level when an event does (issue 11, "shocks are acts")."""

    GOVERNMENT = "government"  # the instrument's imposer, by decree: its act, like any unilateral move
    AGENCY = "agency"  # one of the imposer's officials (a ministry's new rule): still an act of its government
    COURT = "court"  # a court's ruling: no one's act, neither a concession nor hostile
    MARKET = "market"  # the market moves it (a price-set level): no one's act either

    @property
    def acts_for_government(self) -> bool:
        """Is the change an act of the imposer's government (seen, answered, learnt from)?"""
        return self in (EventActor.GOVERNMENT, EventActor.AGENCY)
