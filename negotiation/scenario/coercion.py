"""Coercion in the scenario format (issue 11): how a government threatens, and which of its instruments
answer which hostile acts.

Both blocks sit under a government's `coercion:` key. Their defaults switch the mechanisms off, or
leave them neutral, so a scenario that does not use them plays as before: a government with no
`threats` block never threatens, and one with no `retaliation` block answers each hostile act with
one step, in kind where it can, whatever its officials' stance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, cast

from pydantic import Field

from negotiation.scenario.fields import Basis, Count, Name, Number, Spec, Unit

ACT_KINDS = ("violation", "threat", "any")  # hostile acts a rule may answer besides an instrument kind


class ThreatRecord(Spec):
    """A government's record of threats before the scenario starts: what its credibility is learnt from."""

    carried_out: Count = 0
    walked_back: Count = 0


class ThreatsSpec(Spec):
    """How a government threatens (Schelling 1966, "Arms and Influence"; Fearon 1994, "Domestic Political
    Audiences and the Escalation of International Disputes").

    When talks fail or the counterpart commits a hostile act, the government announces, with chance
    `propensity` x its officials' readiness, a dated measure ("unless ..."); `lead_rounds` later it
    carries it out or walks it back, and walking back costs its leader `audience_cost` x `publicity`.
    """

    propensity: Unit = Field(0.0, description="Chance that a fully ready government announces a threat when talks "
                             "fail or it is provoked (scaled by its officials' readiness); 0: it never threatens.")
    publicity: Unit = Field(1.0, description="How public its threats are, 0 (a private warning) to 1 (announced to "
                            "the world): the audience cost and the markets' reaction grow with it.")
    lead_rounds: int = Field(1, strict=True, ge=1, le=52, description="Rounds between announcing a threat and its date.")
    audience_cost: Unit = Field(0.0, description="Utility the government loses, through its leader, by walking back a "
                                "fully public threat (Fearon's audience cost); scaled by the threat's publicity.")
    max_steps: int = Field(1, strict=True, ge=1, le=20, description="The largest threatened measure, in grid steps "
                           "of the instrument above its level.")
    record: ThreatRecord = Field(default_factory=ThreatRecord,
                                 description="Threats carried out and walked back before the scenario starts.")
    basis: Basis


class RetaliationRule(Spec):
    """One line of a retaliation menu: which hostile acts it answers, with what, how much, and up to where."""

    answers: tuple[Name, ...] = Field(min_length=1, description="Hostile acts this rule answers: instrument kinds "
                                      "(an escalation on one), 'violation', 'threat' (a threat carried out), 'any'.")
    using: tuple[Name, ...] = Field(min_length=1, description="The government's own instrument kinds that answer, "
                                    "in order of preference: past its cap, the next one answers.")
    proportion: Annotated[float, Field(strict=True, gt=0, le=10, allow_inf_nan=False)] = Field(
        1.0, description="Steps of answer per step of provocation.")
    caps: dict[Name, Number] = Field(default_factory=dict, description="Levels an answering instrument (by kind or by "
                                     "name) is not raised beyond in retaliation.")
    basis: Basis


class RetaliationSpec(Spec):
    """A government's retaliation menu (proportionate reciprocity, Axelrod 1984) and how strongly its
    officials' stance scales every answer: an answer of n steps becomes n x (1 + stance_weight x (2 x
    readiness - 1)), so a fully dovish government answers with 1 - stance_weight of it, a fully hawkish
    one with 1 + stance_weight (a fractional step is one more with that chance)."""

    stance_weight: Unit = Field(0.0, description="How strongly the officials' readiness scales each answer; 0: "
                                "not at all.")
    rules: tuple[RetaliationRule, ...] = Field((), description="The first rule that answers an act's kind is used; "
                                               "an act no rule answers gets one step, in kind where possible.")
    basis: Basis


class CoercionSpec(Spec):
    """A government's threats and retaliation menu."""

    # The casts are for mypy's pydantic plugin, which does not see `basis`'s default inside `Basis`'s Annotated.
    threats: ThreatsSpec = Field(default_factory=cast("Callable[[], ThreatsSpec]", ThreatsSpec))
    retaliation: RetaliationSpec = Field(default_factory=cast("Callable[[], RetaliationSpec]", RetaliationSpec))
