"""A small model of bilateral trade under tariffs and controls, from the 2024 baseline.

- Trade flows: each flow (exporter -> importer) has a 2024 baseline value at zero additional
  tariff. The importer's additional ad-valorem tariff t (percent) scales its long-run level by
  (1 + t/100) ** -elasticity, a constant-elasticity import demand (the form behind the
  estimates of Fajgelbaum et al. 2020, "The Return to Protectionism", QJE). Each round the
  flow closes a share `adjustment_speed` of the gap to that long-run level, because orders,
  contracts and supply chains take months to re-route.
- Controls (mineral, chip, visa...) weigh on the target's industry or technology indicator:
  exposure = min(1, sum of per_level x level) over controls aimed at it, by kind.
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

from negotiation.scenario import INDICATORS, Indicator, InstrumentKind, Scenario

IND = {ind: k for k, ind in enumerate(INDICATORS)}
SLOTS = {Indicator.INDUSTRY_EXPOSURE: 0, Indicator.TECHNOLOGY_EXPOSURE: 1}  # the indicators controls weigh on


@dataclass(frozen=True)
class EconomyParams:
    """The economy's compiled parameters (arrays indexed by flow, government and instrument)."""

    baseline: np.ndarray  # (n_flows,) annual $bn at zero additional tariff
    exporter: np.ndarray  # (n_flows,) government index
    importer: np.ndarray  # (n_flows,) government index
    tariff_of: np.ndarray  # (n_flows,) index of the importer's tariff on the exporter, or -1
    sign: np.ndarray  # (n_gov, n_flows) +1 exporter, -1 importer, 0 otherwise
    scale: np.ndarray  # (n_gov,) baseline total trade of each government (1 for one with none)
    has_trade: np.ndarray  # (n_gov,) bool
    lo: np.ndarray  # (n_instr,)
    span: np.ndarray  # (n_instr,)
    imposer: np.ndarray  # (n_instr,) government index
    target: np.ndarray  # (n_instr,) government index
    slot: np.ndarray  # (n_instr,) 0 industry, 1 technology, -1 for an instrument that weighs on neither
    per_level: np.ndarray  # (n_instr,) share of the slot's indicator lost per level
    pressure: np.ndarray  # (n_instr,) implied stress per unit of normalised level
    coercive: np.ndarray  # (n_instr,) bool: a measure one government holds against another
    coercion_count: np.ndarray  # (n_gov, n_gov) how many coercive measures a holds on b
    counterpart: np.ndarray  # (n_gov, n_gov) bool: a and b hold coercive measures in either direction
    elasticity: float
    speed: float
    stress_floor: float
    stress_uncertainty: float
    stress_speed: float
    stress_jump: float

    @classmethod
    def compile(cls, s: Scenario) -> EconomyParams:
        govs = [g.name for g in s.governments]
        inst = s.instruments
        flows = s.economy.trade
        tariff_of = np.full(len(flows), -1)
        sign = np.zeros((len(govs), len(flows)))
        for f, flow in enumerate(flows):
            sign[govs.index(flow.exporter), f] = 1.0
            sign[govs.index(flow.importer), f] = -1.0
            for i, it in enumerate(inst):
                if it.kind == InstrumentKind.TARIFF.value and (it.imposer, it.target) == (flow.importer, flow.exporter):
                    tariff_of[f] = i
        slot = np.full(len(inst), -1)
        per_level = np.zeros(len(inst))
        for i, it in enumerate(inst):
            effect = s.economy.control_effects.get(it.kind)
            if effect is not None and effect.indicator in SLOTS:
                slot[i], per_level[i] = SLOTS[effect.indicator], effect.per_level
        baseline = np.array([f.value for f in flows], dtype=float)
        total = np.abs(sign) @ baseline
        imposer = np.array([govs.index(it.imposer) for it in inst], dtype=int)
        target = np.array([govs.index(it.target) for it in inst], dtype=int)
        coercive = np.ones(len(inst), dtype=bool)
        count = np.zeros((len(govs), len(govs)), dtype=int)
        np.add.at(count, (imposer[coercive], target[coercive]), 1)
        st = s.economy.stress
        return cls(
            baseline=baseline,
            exporter=np.array([govs.index(f.exporter) for f in flows], dtype=int),
            importer=np.array([govs.index(f.importer) for f in flows], dtype=int),
            tariff_of=tariff_of,
            sign=sign,
            scale=np.where(total > 0, total, 1.0),
            has_trade=total > 0,
            lo=np.array([it.min for it in inst], dtype=float),
            span=np.array([it.max - it.min for it in inst], dtype=float),
            imposer=imposer,
            target=target,
            slot=slot,
            per_level=per_level,
            pressure=np.array([st.pressure.get(it.kind, 0.0) for it in inst], dtype=float),
            coercive=coercive,
            coercion_count=count,
            counterpart=(count + count.T) > 0,
            elasticity=s.economy.tariff_elasticity,
            speed=s.economy.adjustment_speed,
            stress_floor=st.floor,
            stress_uncertainty=st.uncertainty,
            stress_speed=st.speed,
            stress_jump=st.jump,
        )

    def normalised(self, levels: np.ndarray) -> np.ndarray:
        """Levels on a 0..1 scale of each instrument's bounds."""
        return (levels - self.lo) / self.span


def long_run_flows(p: EconomyParams, levels: np.ndarray) -> np.ndarray:
    """Long-run flows under the tariffs in `levels` (any leading batch dimensions): (..., n_flows)."""
    tariff = np.where(p.tariff_of >= 0, levels[..., np.maximum(p.tariff_of, 0)], 0.0)
    return p.baseline * (1.0 + tariff / 100.0) ** (-p.elasticity)


def exposures(p: EconomyParams, levels: np.ndarray) -> np.ndarray:
    """Each government's exposure to controls, industry and technology: (..., n_gov, 2), capped at 1."""
    n_gov = len(p.scale)
    out = np.zeros(levels.shape[:-1] + (n_gov, 2))
    for i in np.flatnonzero(p.slot >= 0):
        out[..., p.target[i], p.slot[i]] += p.per_level[i] * levels[..., i]
    return np.minimum(out, 1.0)


def implied_stress(p: EconomyParams, levels: np.ndarray, disputes: float | np.ndarray) -> np.ndarray:
    """The stress the state implies: floor + pressure of the measures + uncertainty of open disputes, capped at 1."""
    raw = p.stress_floor + p.normalised(levels) @ p.pressure + p.stress_uncertainty * np.asarray(disputes)
    return np.minimum(np.maximum(raw, 0.0), 1.0)


def scores(p: EconomyParams, flows: np.ndarray, exposure: np.ndarray, stress: np.ndarray | float) -> np.ndarray:
    """Indicator scores, 0 worst to 1 best: flows (..., n_flows) -> (..., n_gov, n_indicators)."""
    balance = (flows @ p.sign.T) / p.scale
    volume = (flows @ np.abs(p.sign).T) / p.scale
    out = np.empty(balance.shape + (len(INDICATORS),))
    out[..., IND[Indicator.TRADE_BALANCE]] = 0.5 + 0.5 * np.maximum(np.minimum(balance, 1.0), -1.0)
    out[..., IND[Indicator.TRADE_VOLUME]] = np.where(p.has_trade, np.minimum(volume, 1.0), 1.0)
    out[..., IND[Indicator.MARKET_STRESS]] = 1.0 - np.asarray(stress)[..., None]
    out[..., IND[Indicator.INDUSTRY_EXPOSURE]] = 1.0 - exposure[..., 0]
    out[..., IND[Indicator.TECHNOLOGY_EXPOSURE]] = 1.0 - exposure[..., 1]
    return out


class Economy:
    """The economy's state (flows and stress) and the indicators it gives each government."""

    def __init__(self, params: EconomyParams, initial_stress: float):
        self.p = params
        self.flows = params.baseline.copy()
        self.stress = float(initial_stress)

    def current_scores(self, levels: np.ndarray) -> np.ndarray:
        """Indicators of the state as it is: today's flows and stress."""
        return scores(self.p, self.flows, exposures(self.p, levels), self.stress)

    def step(self, before: np.ndarray, after: np.ndarray, disputes: float) -> None:
        """Advance one round: flows move toward their long-run level, stress toward the implied stress plus surprises."""
        p = self.p
        self.flows = self.flows + p.speed * (long_run_flows(p, after) - self.flows)
        escalation = float(np.maximum((after - before) / p.span, 0.0).sum())
        target = float(implied_stress(p, after, disputes))
        stress = self.stress + p.stress_speed * (target - self.stress) + p.stress_jump * escalation
        self.stress = min(1.0, max(0.0, stress))

    def shock(self, delta: float) -> None:
        self.stress = min(1.0, max(0.0, self.stress + delta))

    def balance(self) -> np.ndarray:
        """Each government's bilateral goods balance across its modelled flows, $bn a year."""
        return self.p.sign @ self.flows
