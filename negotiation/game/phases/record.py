"""Phase 6b: the round's row of the per-round table (levels, flows, balances, stress, trust, utilities)."""

from __future__ import annotations

from negotiation.game.protocol import Game


def record(game: Game) -> None:
    game.state.rows.append(row(game))


def row(game: Game) -> dict:
    state, index, s = game.state, game.index, game.config
    off, gov = game.values.current_utilities()
    out: dict = {"round": state.round, "date": s.date_of(max(state.round, 1)).isoformat()}
    for name, level in zip(index.inst_names, state.levels):
        out[f"level_{name}"] = float(level)
    announced = {name: level for a in state.agreements if a.in_force for name, level in a.terms.items()}
    for name, level in zip(index.inst_names, state.levels):
        out[f"announced_{name}"] = float(announced.get(name, level))  # where agreements in force will take it
    for f, flow in enumerate(s.economy.trade):
        out[f"flow_{flow.exporter}_{flow.importer}"] = float(game.economy.flows[f])
    for name, balance in zip(index.gov_names, game.economy.balance()):
        out[f"balance_{name}"] = float(balance)
    out["market_stress"] = game.economy.stress
    for i, a in enumerate(index.gov_names):
        for j, b in enumerate(index.gov_names):
            if i != j:
                out[f"trust_{a}_{b}"] = float(state.trust[i, j])
    for name, u in zip(index.gov_names, gov):
        out[f"utility_{name}"] = float(u)
    for official, u in zip(game.officials, off):
        out[f"utility_{official.name}"] = float(u)
    for official in game.officials:
        out[f"stance_{official.name}"] = float(official.stance)
    in_force = [a for a in state.agreements if a.in_force]
    out["agreements_in_force"] = len(in_force)
    out["agreements"] = "; ".join(f"{a.name} (to round {a.expiry_round})" for a in in_force)
    return out
