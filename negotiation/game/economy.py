"""A small model of bilateral trade under tariffs and controls, from the 2024 baseline.

- Trade flows: each flow (exporter -> importer) has a 2024 baseline value at zero additional
  tariff. The importer's additional ad-valorem tariff t (percent) scales its long-run level by
  (1 + t/100) ** -elasticity, a constant-elasticity import demand (the form behind the
  estimates of Fajgelbaum et al. 2020, "The Return to Protectionism", QJE). Each round the
  flow closes a share `adjustment_speed` of the gap to that long-run level, because orders,
  contracts and supply chains take months to re-route.
- Controls (mineral, chip, visa...) weigh on the target's industry or technology indicator:
  exposure = min(1, sum of per_level x level) over controls aimed at it, by kind.
- Market stress (0 calm .. 1 panic) fades by `decay` each round, jumps by `jump` per unit of
  normalised escalation and eases by `ease` per unit of normalised de-escalation.

Indicators are scored 0 (worst) to 1 (best) for each government, so that officials' weights on
them compare with their weights on instrument levels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negotiation.scenario.vocabulary import INDICATORS, Indicator, InstrumentKind
from negotiation.scenario import Scenario

IND = {ind: k for k, ind in enumerate(INDICATORS)}


@dataclass(frozen=True)
class EconomyParams:
    """The economy's compiled parameters (arrays indexed by flow, government and instrument)."""

    baseline: np.ndarray  # (n_flows,) annual $bn at zero additional tariff
    tariff_on_flow: np.ndarray  # (n_flows, n_instr) 1 where the instrument taxes the flow
    sign: np.ndarray  # (n_gov, n_flows) +1 exporter, -1 importer, 0 otherwise
    total0: np.ndarray  # (n_gov,) baseline total trade of each government
    abs_sign: np.ndarray  # (n_gov, n_flows) 1 where the government trades in the flow
    scale: np.ndarray  # (n_gov,) total0, or 1 for a government with no modelled trade
    has_trade: np.ndarray  # (n_gov,) bool
    exposure: np.ndarray  # (2, n_gov, n_instr) per-level weight on industry / technology
    span: np.ndarray  # (n_instr,) max - min, to normalise level changes
    elasticity: float
    speed: float
    stress_jump: float
    stress_ease: float
    stress_decay: float

    @classmethod
    def compile(cls, s: Scenario) -> EconomyParams:
        govs = [g.name for g in s.governments]
        inst = s.instruments
        flows = s.economy.trade
        tariff = np.zeros((len(flows), len(inst)))
        sign = np.zeros((len(govs), len(flows)))
        for f, flow in enumerate(flows):
            sign[govs.index(flow.exporter), f] = 1.0
            sign[govs.index(flow.importer), f] = -1.0
            for i, it in enumerate(inst):
                if it.kind == InstrumentKind.TARIFF.value and (it.imposer, it.target) == (flow.importer, flow.exporter):
                    tariff[f, i] = 1.0
        exposure = np.zeros((2, len(govs), len(inst)))
        slot = {Indicator.INDUSTRY_EXPOSURE: 0, Indicator.TECHNOLOGY_EXPOSURE: 1}
        for i, it in enumerate(inst):
            effect = s.economy.control_effects.get(it.kind)
            if effect is not None and effect.indicator in slot:
                exposure[slot[effect.indicator], govs.index(it.target), i] = effect.per_level
        baseline = np.array([f.value for f in flows], dtype=float)
        st = s.economy.stress
        return cls(
            baseline=baseline,
            tariff_on_flow=tariff,
            sign=sign,
            total0=np.abs(sign) @ baseline,
            abs_sign=np.abs(sign),
            scale=np.where(np.abs(sign) @ baseline > 0, np.abs(sign) @ baseline, 1.0),
            has_trade=np.abs(sign) @ baseline > 0,
            exposure=exposure,
            span=np.array([it.max - it.min for it in inst], dtype=float),
            elasticity=s.economy.tariff_elasticity,
            speed=s.economy.adjustment_speed,
            stress_jump=st.jump,
            stress_ease=st.ease,
            stress_decay=st.decay,
        )


class Economy:
    """The economy's state (flows and stress) and the indicators it gives each government."""

    def __init__(self, params: EconomyParams, initial_stress: float):
        self.p = params
        self.flows = params.baseline.copy()
        self.stress = float(initial_stress)

    # -- pure functions of levels ---------------------------------------------------------

    def equilibrium_flows(self, levels: np.ndarray) -> np.ndarray:
        """Long-run flows under the tariffs in `levels` (any leading batch dimensions)."""
        tariff = levels @ self.p.tariff_on_flow.T
        return self.p.baseline * (1.0 + tariff / 100.0) ** (-self.p.elasticity)

    def scores(self, levels: np.ndarray, flows: np.ndarray, stress: float) -> np.ndarray:
        """Indicator scores, 0 worst to 1 best: shape (..., n_gov, n_indicators)."""
        p = self.p
        balance = (flows @ p.sign.T) / p.scale
        volume = (flows @ p.abs_sign.T) / p.scale
        # np.minimum/np.maximum rather than np.clip: the same result, a third of the overhead on small arrays.
        exposure = np.minimum(np.einsum("...i,kgi->...kg", levels, p.exposure), 1.0)
        out = np.empty(balance.shape + (len(INDICATORS),))
        out[..., IND[Indicator.TRADE_BALANCE]] = 0.5 + 0.5 * np.maximum(np.minimum(balance, 1.0), -1.0)
        out[..., IND[Indicator.TRADE_VOLUME]] = np.where(p.has_trade, np.minimum(volume, 1.0), 1.0)
        out[..., IND[Indicator.MARKET_STRESS]] = 1.0 - stress
        out[..., IND[Indicator.INDUSTRY_EXPOSURE]] = 1.0 - exposure[..., 0, :]
        out[..., IND[Indicator.TECHNOLOGY_EXPOSURE]] = 1.0 - exposure[..., 1, :]
        return out

    # -- state ------------------------------------------------------------------------------

    def current_scores(self, levels: np.ndarray) -> np.ndarray:
        return self.scores(levels, self.flows, self.stress)

    def package_scores(self, levels: np.ndarray) -> np.ndarray:
        """Scores of hypothetical levels: trade at its long-run response, stress as it stands."""
        return self.scores(levels, self.equilibrium_flows(levels), self.stress)

    def step(self, before: np.ndarray, after: np.ndarray) -> None:
        """Advance one round: flows move toward their long-run level, stress reacts to moves."""
        p = self.p
        self.flows = self.flows + p.speed * (self.equilibrium_flows(after) - self.flows)
        moved = (after - before) / p.span
        escalation = float(np.clip(moved, 0.0, None).sum())
        easing = float(np.clip(-moved, 0.0, None).sum())
        stress = self.stress * (1.0 - p.stress_decay) + p.stress_jump * escalation - p.stress_ease * easing
        self.stress = min(1.0, max(0.0, stress))

    def shock(self, delta: float) -> None:
        self.stress = min(1.0, max(0.0, self.stress + delta))

    def balance(self) -> np.ndarray:
        """Each government's bilateral goods balance across its modelled flows, $bn a year."""
        return self.p.sign @ self.flows
