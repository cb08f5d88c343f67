"""Engagement and domestic politics in the scenario format (issue 11, items 4 and 5).

`engagement:` (top level) sets how leaders' calls, ministerial meetings and summits arise from
the state; without it contact comes only from the scheduled events. `domestic:` (top level) sets
how officials move the instruments they hold and how influence shifts inside a government;
each official's `mandates` say which instruments it holds and how far it may move them on its
own. Without them the game plays as before.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from negotiation.scenario.fields import Basis, Count, NonNegative, Spec, Unit

Rounds = Annotated[int, Field(strict=True, ge=1, le=520)]


class EngagementSpec(Spec):
    """Contact between a pair as a hazard of the state (a proportional-hazards form: a sum of pressures).

    Each round, each pair of counterparts faces pressure
        base + flare_up x hostile acts in the last `memory` rounds + stress x (market stress - floor)
        + deadline (if a deadline, an expiry or a threat falls due within `deadline_window` rounds)
        + trust x the pair's mean trust + silence x min(1, rounds since the last contact / silence_rounds),
    and a leaders' call comes with chance 1 - exp(-calls x pressure); a ministerial meeting, and a
    summit (only after a ministerial meeting in the last `summit_window` rounds), the same way with
    their own cadence, no sooner than `gap` rounds after the pair's last contact. One draw per pair and kind a round, from the model's generator.
    """

    calls: NonNegative = Field(1.0, description="Cadence of leaders' calls: the hazard per unit of pressure (0: none).")
    meetings: NonNegative = Field(0.5, description="Cadence of ministerial meetings per unit of pressure (0: none).")
    summits: NonNegative = Field(0.0, description="Cadence of summits per unit of pressure (0: none); a summit needs "
                                 "a ministerial meeting first.")
    base: NonNegative = Field(0.0, description="Pressure with nothing happening.")
    flare_up: NonNegative = Field(0.2, description="Pressure per hostile act between the pair in the last `memory` rounds.")
    memory: Rounds = Field(4, description="Rounds a hostile act keeps pressing for contact.")
    stress: NonNegative = Field(0.5, description="Pressure per unit of market stress above its floor.")
    deadline: NonNegative = Field(0.2, description="Pressure while a deadline, an expiry or a threat is near.")
    deadline_window: Rounds = Field(2, description="How near (rounds) a deadline must be to press.")
    trust: NonNegative = Field(0.0, description="Pressure per unit of the pair's mean trust (partners who trust call).")
    silence: NonNegative = Field(0.1, description="Pressure of a long silence, at its full after `silence_rounds`.")
    silence_rounds: Rounds = Field(8, description="Rounds without contact after which silence presses fully.")
    call_trust: Unit = Field(0.05, description="Added to each side's trust in the other by a leaders' call.")
    summit_trust: Unit = Field(0.1, description="Added to each side's trust in the other by a summit.")
    summit_window: Rounds = Field(8, description="A summit needs a ministerial meeting within this many rounds before it "
                                  "(and each summit one of its own).")
    gap: Rounds = Field(1, description="Rounds after any contact of the pair before the state brings another.")
    basis: Basis


class Mandate(Spec):
    """An instrument an official holds, and how far it may move it without its leader (grid steps from the
    level its government last set)."""

    instrument: str
    up: Count = Field(1, description="Steps it may raise the instrument on its own.")
    down: Count = Field(0, description="Steps it may lower it on its own.")
    basis: Basis


class DomesticSpec(Spec):
    """How officials act on their own and how influence moves inside a government.

    An official holding a mandate moves its instrument one step toward its ideal with chance
    `move_propensity` x its stance (raising) or x (1 - stance) (lowering); a move beyond the mandate,
    or past a commitment in force, is refused: it needs the leader. Influence shifts after events
    toward the officials they vindicate, the expected-utility spirit of Bueno de Mesquita's models
    (BDM; KTAB): w <- (1 - rate) w + rate x v / sum(v), v the officials' vindication.
    """

    move_propensity: Unit = Field(0.0, description="Chance a fully hawkish holder raises its instrument in a round.")
    influence_rate: Unit = Field(0.0, description="Share of influence that moves toward the vindicated per event.")
    market_fall: Unit = Field(0.05, description="A rise of market stress in a round at least this large is a market fall.")
    basis: Basis
