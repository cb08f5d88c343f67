"""A small model of bilateral trade under tariffs, controls and purchase commitments, from the 2024 baseline.

- Trade flows: each flow (exporter -> importer) has a 2024 value and the average tariff already
  paid on it then (`base_tariff`: the 2018-19 tariffs on China stayed in force). An additional
  tariff t on the flow, effective on the share of goods it covers (`coverage`; the rest is
  exempt), raises prices by (1 + base + t) / (1 + base), and the flow's long-run level falls by
  that ratio to the power -elasticity: a constant-elasticity import demand (the form behind
  Fajgelbaum et al. 2020, "The Return to Protectionism", QJE). Each round the flow closes a share
  `adjustment_speed` of the gap to that long-run level: orders, contracts and supply chains take
  months to re-route. A share `diversion` of what the direct flow loses still reaches the
  importer through third countries: it counts in both sides' trade, not in the direct flow.
- Controls (mineral, chip, visa...) weigh on the target's industry or technology indicator
  through a supply index that falls quickly when a control tightens and recovers only part of the
  way each round when it is eased (`fall`, `recovery`); in the long run exposure is
  min(1, sum of per_level x level) over the controls aimed at a government. A control also costs
  its imposer the share `export_cost` per level of its exports to the target (lost sales).
- Purchase commitments add their level ($bn a year) to the seller's exports to the buyer; the
  buyer also bears `purchase_premium` of their value (it pays more than where it would have bought).
- Market stress (0 calm .. 1 panic) moves each round a share `speed` of the way to the stress
  the state implies (a floor, plus pressure from every measure in force, plus uncertainty from
  open disputes), and jumps on surprises (escalations). Because implied stress depends on the
  levels, each package implies its own stress, and officials who weigh markets prefer the
  packages that calm them.

Indicators are scored 0 (worst) to 1 (best) for each government, so that officials' weights on
them compare with their weights on instrument levels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negotiation.scenario import CONCESSIONS, INDICATORS, Indicator, InstrumentKind, Scenario

IND = {ind: k for k, ind in enumerate(INDICATORS)}
SLOTS = {Indicator.INDUSTRY_EXPOSURE: 0, Indicator.TECHNOLOGY_EXPOSURE: 1}  # the indicators controls weigh on
PURCHASE = InstrumentKind.PURCHASE_COMMITMENT.value


@dataclass(frozen=True)
class EconomyParams:
    """The economy's compiled parameters (arrays indexed by flow, government and instrument)."""

    baseline: np.ndarray  # (n_flows,) annual $bn at zero additional tariff
    base: np.ndarray  # (n_flows,) the tariff already paid in the baseline, as a fraction
    initial: np.ndarray  # (n_flows,) the flows at the start
    exporter: np.ndarray  # (n_flows,) government index
    importer: np.ndarray  # (n_flows,) government index
    tariff_of: np.ndarray  # (n_flows,) index of the importer's tariff on the exporter, or -1
    cost: np.ndarray  # (n_flows, n_instr) share of the flow lost per level of a control its exporter imposes
    purchases: np.ndarray  # (n_flows, n_instr) 1 where a purchase commitment adds to the flow
    premium: np.ndarray  # (n_gov, n_instr) the buyer's cost per $bn of its purchase commitments
    sign: np.ndarray  # (n_gov, n_flows) +1 exporter, -1 importer, 0 otherwise
    scale: np.ndarray  # (n_gov,) baseline total trade of each government (1 for one with none)
    has_trade: np.ndarray  # (n_gov,) bool
    lo: np.ndarray  # (n_instr,)
    span: np.ndarray  # (n_instr,)
    coverage: np.ndarray  # (n_instr,) share of the target's exports a tariff reaches (1 for other kinds)
    imposer: np.ndarray  # (n_instr,) government index
    target: np.ndarray  # (n_instr,) government index
    slot: np.ndarray  # (n_instr,) 0 industry, 1 technology, -1 for an instrument that weighs on neither
    per_level: np.ndarray  # (n_instr,) share of the slot's indicator lost per level
    fall: np.ndarray  # (n_instr,) supply: share of the gap closed per round when a control tightens
    recovery: np.ndarray  # (n_instr,) ... and when it is eased
    pressure: np.ndarray  # (n_instr,) implied stress per unit of normalised level
    coercive: np.ndarray  # (n_instr,) bool: a measure one government holds against another
    coercion_count: np.ndarray  # (n_gov, n_gov) how many coercive measures a holds on b
    counterpart: np.ndarray  # (n_gov, n_gov) bool: a and b hold coercive measures in either direction
    elasticity: float
    speed: float
    diversion: float
    stress_floor: float
    stress_uncertainty: float
    stress_speed: float
    stress_jump: float

    @classmethod
    def compile(cls, s: Scenario) -> EconomyParams:
        govs = [g.name for g in s.governments]
        inst, flows = s.instruments, s.economy.trade
        n_gov, n_inst, n_flow = len(govs), len(inst), len(flows)
        tariff_of = np.full(n_flow, -1)
        cost, purchases = np.zeros((n_flow, n_inst)), np.zeros((n_flow, n_inst))
        sign = np.zeros((n_gov, n_flow))
        premium = np.zeros((n_gov, n_inst))
        for f, flow in enumerate(flows):
            sign[govs.index(flow.exporter), f], sign[govs.index(flow.importer), f] = 1.0, -1.0
            for i, it in enumerate(inst):
                pair = (it.imposer, it.target)
                if it.kind == InstrumentKind.TARIFF.value and pair == (flow.importer, flow.exporter):
                    tariff_of[f] = i
                elif it.kind == PURCHASE and pair == (flow.importer, flow.exporter):
                    purchases[f, i] = 1.0
                elif it.kind in s.economy.control_effects and pair == (flow.exporter, flow.importer):
                    cost[f, i] = s.economy.control_effects[it.kind].export_cost
        slot, per_level = np.full(n_inst, -1), np.zeros(n_inst)
        fall, recovery = np.ones(n_inst), np.ones(n_inst)
        for i, it in enumerate(inst):
            effect = s.economy.control_effects.get(it.kind)
            if effect is not None and effect.indicator in SLOTS:
                slot[i], per_level[i] = SLOTS[effect.indicator], effect.per_level
                fall[i], recovery[i] = effect.fall, effect.recovery
            if it.kind == PURCHASE:
                premium[govs.index(it.imposer), i] = s.economy.purchase_premium
        baseline = np.array([f.value for f in flows], dtype=float)
        total = np.abs(sign) @ baseline
        imposer = np.array([govs.index(it.imposer) for it in inst], dtype=int)
        target = np.array([govs.index(it.target) for it in inst], dtype=int)
        coercive = np.array([it.kind not in CONCESSIONS for it in inst], dtype=bool)
        count = np.zeros((n_gov, n_gov), dtype=int)
        np.add.at(count, (imposer[coercive], target[coercive]), 1)
        st = s.economy.stress
        return cls(
            baseline=baseline,
            base=np.array([f.base_tariff / 100.0 for f in flows], dtype=float),
            initial=np.array([f.value if f.initial is None else f.initial for f in flows], dtype=float),
            exporter=np.array([govs.index(f.exporter) for f in flows], dtype=int),
            importer=np.array([govs.index(f.importer) for f in flows], dtype=int),
            tariff_of=tariff_of, cost=cost, purchases=purchases, premium=premium, sign=sign,
            scale=np.where(total > 0, total, 1.0), has_trade=total > 0,
            lo=np.array([it.min for it in inst], dtype=float),
            span=np.array([it.max - it.min for it in inst], dtype=float),
            coverage=np.array([it.coverage if it.kind == InstrumentKind.TARIFF.value else 1.0 for it in inst]),
            imposer=imposer, target=target, slot=slot, per_level=per_level, fall=fall, recovery=recovery,
            pressure=np.array([st.pressure.get(it.kind, 0.0) for it in inst], dtype=float),
            coercive=coercive, coercion_count=count, counterpart=(count + count.T) > 0,
            elasticity=s.economy.tariff_elasticity, speed=s.economy.adjustment_speed, diversion=s.economy.diversion,
            stress_floor=st.floor, stress_uncertainty=st.uncertainty, stress_speed=st.speed, stress_jump=st.jump,
        )

    def normalised(self, levels: np.ndarray) -> np.ndarray:
        """Levels on a 0..1 scale of each instrument's bounds."""
        return (levels - self.lo) / self.span


def direct_flows(baseline: np.ndarray, base: np.ndarray, elasticity: float, tariff: np.ndarray,
                 cost: np.ndarray, purchases: np.ndarray) -> np.ndarray:
    """Long-run direct flows (..., n_flows) given each flow's effective additional tariff (percent), the exporter's
    control costs (summed share lost) and the purchases committed on it ($bn): the formula pair and whole share."""
    price = (1.0 + base + tariff / 100.0) / (1.0 + base)
    return baseline * price ** (-elasticity) * np.maximum(0.0, 1.0 - cost) + purchases


def long_run_flows(p: EconomyParams, levels: np.ndarray) -> np.ndarray:
    """Long-run direct flows under `levels` (any leading batch dimensions): (..., n_flows)."""
    effective = levels * p.coverage
    tariff = np.where(p.tariff_of >= 0, effective[..., np.maximum(p.tariff_of, 0)], 0.0)
    return direct_flows(p.baseline, p.base, p.elasticity, tariff, levels @ p.cost.T, levels @ p.purchases.T)


def trade_of(p: EconomyParams, direct: np.ndarray, baseline: np.ndarray | None = None) -> np.ndarray:
    """The trade each flow carries for the indicators: the direct flow plus what diversion still delivers."""
    base = p.baseline if baseline is None else baseline
    return direct + p.diversion * np.maximum(0.0, base - direct)


def exposures(p: EconomyParams, levels: np.ndarray) -> np.ndarray:
    """Each government's long-run exposure to controls, industry and technology: (..., n_gov, 2), capped at 1."""
    return exposure_from(p, p.per_level * levels)


def exposure_from(p: EconomyParams, lost: np.ndarray) -> np.ndarray:
    """Exposure (..., n_gov, 2) from each control's lost supply (..., n_instr), capped at 1."""
    n_gov = len(p.scale)
    out = np.zeros(lost.shape[:-1] + (n_gov, 2))
    for i in np.flatnonzero(p.slot >= 0):
        out[..., p.target[i], p.slot[i]] += lost[..., i]
    return np.minimum(out, 1.0)


def implied_stress(p: EconomyParams, levels: np.ndarray, disputes: float | np.ndarray) -> np.ndarray:
    """The stress the state implies: floor + pressure of the measures + uncertainty of open disputes, capped at 1."""
    raw = p.stress_floor + p.normalised(levels) @ p.pressure + p.stress_uncertainty * np.asarray(disputes)
    return np.minimum(np.maximum(raw, 0.0), 1.0)


def scores(p: EconomyParams, trade: np.ndarray, exposure: np.ndarray, stress: np.ndarray | float,
           levels: np.ndarray) -> np.ndarray:
    """Indicator scores, 0 worst to 1 best: trade (..., n_flows) -> (..., n_gov, n_indicators)."""
    balance = (trade @ p.sign.T - levels @ p.premium.T) / p.scale
    volume = (trade @ np.abs(p.sign).T) / p.scale
    out = np.empty(balance.shape + (len(INDICATORS),))
    out[..., IND[Indicator.TRADE_BALANCE]] = 0.5 + 0.5 * np.maximum(np.minimum(balance, 1.0), -1.0)
    out[..., IND[Indicator.TRADE_VOLUME]] = np.where(p.has_trade, np.minimum(volume, 1.0), 1.0)
    out[..., IND[Indicator.MARKET_STRESS]] = 1.0 - np.asarray(stress)[..., None]
    out[..., IND[Indicator.INDUSTRY_EXPOSURE]] = 1.0 - exposure[..., 0]
    out[..., IND[Indicator.TECHNOLOGY_EXPOSURE]] = 1.0 - exposure[..., 1]
    return out


class Economy:
    """The economy's state (direct flows, the supply of controlled goods, stress) and the indicators it gives."""

    def __init__(self, params: EconomyParams, initial_stress: float, levels: np.ndarray):
        self.p = params
        self.flows = params.initial.copy()
        self.supply = 1.0 - params.per_level * levels  # each control's supply index, at its steady state
        self.stress = float(initial_stress)

    def current_scores(self, levels: np.ndarray) -> np.ndarray:
        """Indicators of the state as it is: today's flows, supply and stress."""
        p = self.p
        return scores(p, trade_of(p, self.flows), exposure_from(p, 1.0 - self.supply), self.stress, levels)

    def step(self, before: np.ndarray, after: np.ndarray, disputes: float,
             seen: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """Advance one round: flows and supply move toward their long-run level, stress toward the implied stress.

        Markets react to the levels they can see (`seen`: before and after, default the levels themselves).
        """
        p = self.p
        self.flows = self.flows + p.speed * (long_run_flows(p, after) - self.flows)
        target = 1.0 - p.per_level * after
        rate = np.where(target < self.supply, p.fall, p.recovery)
        self.supply = self.supply + rate * (target - self.supply)
        seen_before, seen_after = (before, after) if seen is None else seen
        escalation = float(np.maximum((seen_after - seen_before) / p.span * p.coercive, 0.0).sum())
        implied = float(implied_stress(p, seen_after, disputes))
        stress = self.stress + p.stress_speed * (implied - self.stress) + p.stress_jump * escalation
        self.stress = min(1.0, max(0.0, stress))

    def shock(self, delta: float) -> None:
        self.stress = min(1.0, max(0.0, self.stress + delta))

    def balance(self) -> np.ndarray:
        """Each government's goods balance across its modelled flows, $bn a year (direct and diverted trade)."""
        return self.p.sign @ trade_of(self.p, self.flows)
