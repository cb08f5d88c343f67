"""Strategies against scripted opponents, and a contract every registered strategy must keep."""

from __future__ import annotations

import numpy as np
import pytest

from negotiation.game.model import TradeTalksModel
from negotiation.game.records import LogKind
from negotiation.scenario import parse_scenario
from negotiation.strategies import STRATEGIES, Strategy, make_strategy
from negotiation.strategies.base import best_value
from negotiation.strategies.moves import Action, Offer, Response, ResponseKind


class Script(Strategy):
    """Plays a fixed list of actions by round; makes no offers, rejects all."""

    name = "script"

    def __init__(self, moves: dict[int, list[Action]]):
        super().__init__()
        self.moves = moves

    def propose(self, view, counterpart, rng):
        return None

    def respond(self, view, offer, rng):
        return Response.reject()

    def act(self, view, rng):
        return self.moves.get(view.round, [])


def no_talks(tiny_data):
    from negotiation.scenario import parse_scenario

    tiny_data["talks"] = []
    return parse_scenario(tiny_data, "tiny")


def test_tit_for_tat_answers_once_then_returns_to_cooperation(tiny_data):
    s = no_talks(tiny_data)
    a = Script({2: [Action("a_tariff_b", 60.0)], 4: [Action("a_tariff_b", 50.0)]})
    m = TradeTalksModel(s, seed=0, strategies={"A": a, "B": make_strategy("tit_for_tat", {})})
    m.run()
    b_levels = [row["level_b_tariff_a"] for row in m.rows]
    # A escalates in round 2; B answers in round 3 with one step in kind; A backs down in round 4;
    # B returns to cooperation in round 5 and stays there.
    assert b_levels[:8] == [50, 50, 50, 60, 60, 50, 50, 50]
    assert m.counts.escalations["B"] == 1 and m.counts.de_escalations["B"] == 1


def test_tit_for_tat_answers_two_acts_with_two_steps(tiny_data):
    tiny_data["instruments"].append(
        {"name": "a_chips_b", "kind": "chip_export_control", "imposer": "A", "target": "B", "initial": 0, "max": 3}
    )
    tiny_data["economy"]["control_effects"] = {"chip_export_control": {"indicator": "technology_exposure", "per_level": 0.2}}
    s = no_talks(tiny_data)
    a = Script({1: [Action("a_tariff_b", 60.0), Action("a_chips_b", 1.0)]})
    m = TradeTalksModel(s, seed=0, strategies={"A": a, "B": make_strategy("tit_for_tat", {})})
    m.step()
    m.step()
    # B has one instrument: both answers land on its tariff, one step each.
    assert m.levels[1] == 70


def test_time_concession_follows_its_curve_to_the_deadline(tiny_data):
    """Boulware holds out and Conceder gives ground early; both reach the reservation at the deadline."""
    tiny_data["events"] = [{"name": "due", "kind": "deadline", "round": 10, "between": ["A", "B"]}]
    tiny = parse_scenario(tiny_data, "tiny")
    targets = {}
    for exponent in (0.5, 1.0, 2.0):
        strategy = make_strategy("time_concession", {"exponent": exponent})
        m = TradeTalksModel(tiny, seed=0, strategies={"A": strategy})
        view = m.governments["A"].view
        best, reservation = best_value(view, "B"), view.reservation("B")
        curve = []
        for r in (1, 5, 10):
            m.state.round = r  # the deadline event is in round 10; talks opened in round 1
            curve.append(strategy.target(view, "B"))
        targets[exponent] = curve
        T = 10
        for r, target in zip((1, 5, 10), curve):
            assert target == pytest.approx(best - (r / T) ** (1 / exponent) * (best - reservation))
        assert curve[-1] == pytest.approx(reservation)
    assert targets[0.5][1] > targets[1.0][1] > targets[2.0][1]


def test_without_a_deadline_time_concession_follows_its_discount_not_the_run(tiny):
    """No deadline: the horizon is the mean life of talks under the government's discount (Rubinstein), not the run."""
    strategy = make_strategy("time_concession", {"exponent": 1.0})
    for rounds in (10, 100):
        m = TradeTalksModel(tiny, seed=0, rounds=rounds, strategies={"A": strategy})
        view = m.governments["A"].view
        assert view.deadline("B") is None
        # Alice's patience 0.5 and impatience 0.05: a discount of 0.975 a round, no breakdown: 40 rounds
        assert view.horizon("B") == pytest.approx(1 / (1 - (1 - 0.05 * 0.5)))
        m.state.round = 10
        best, reservation = best_value(view, "B"), view.reservation("B")
        assert strategy.target(view, "B") == pytest.approx(best - (10 / 40) * (best - reservation))


def test_time_concession_retaliates_only_as_ready_as_its_officials(tiny_data):
    for official in tiny_data["officials"]:
        official["traits"]["hawkishness"] = 0.0
    tiny_data["dynamics"]["stance_reactivity"] = 0.0
    s = no_talks(tiny_data)
    a = Script({2: [Action("a_tariff_b", 60.0)]})
    m = TradeTalksModel(s, seed=0, strategies={"A": a, "B": make_strategy("time_concession", {})})
    m.run()
    assert m.counts.escalations["B"] == 0  # a fully dovish government never answers


# ----------------------------------------------------------------------------- contract


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_strategy_contract(name, default_scenario):
    """Any registered strategy, on both sides: offers in bounds, never bound below reservation, deterministic."""
    s = default_scenario.with_rounds(14)

    def play(seed):
        m = TradeTalksModel(s, seed, strategies={g: make_strategy(name, {}) for g in ("US", "China")})
        m.run()  # the model raises if a strategy offers or acts out of bounds or on another's instrument
        return m

    m = play(3)
    for e in m.log:
        if e.kind is LogKind.OFFER and e.data:
            for inst, level in e.data["terms"].items():
                spec = s.instrument(inst)
                assert spec.min <= level <= spec.max
        if e.kind is LogKind.AGREEMENT:
            for gov, value in e.data["values"].items():
                assert value > e.data["reservations"][gov]
    again = play(3)
    assert again.rows == m.rows and again.log == m.log
    levels = np.array([[r[f"level_{i.name}"] for i in s.instruments] for r in m.rows])
    assert (levels >= [i.min for i in s.instruments]).all() and (levels <= [i.max for i in s.instruments]).all()


def test_strategies_have_metadata():
    for name, cls in STRATEGIES.items():
        assert cls.name == name
        assert cls.reference, f"{name} cites no literature"
        assert cls.__doc__ and len(cls.__doc__.strip()) > 40


def b_levels(m):
    return [row["level_b_tariff_a"] for row in m.rows]


def test_gradual_escalates_one_two_three_steps_then_calms(tiny_data):
    s = no_talks(tiny_data)
    a = Script({2: [Action("a_tariff_b", 60.0)], 5: [Action("a_tariff_b", 70.0)], 8: [Action("a_tariff_b", 80.0)]})
    m = TradeTalksModel(s, seed=0, strategies={"A": a, "B": make_strategy("gradual", {})})
    m.run()
    # offence 1 (seen round 3): +1 step, calm round 4; offence 2 (round 6): +2, calm 7, 8;
    # offence 3 (round 9): +3, calm round 10.
    assert b_levels(m) == [50, 50, 50, 60, 50, 50, 70, 60, 50, 80, 70]


def test_grudger_never_forgives(tiny_data):
    s = no_talks(tiny_data)
    a = Script({2: [Action("a_tariff_b", 60.0)], 4: [Action("a_tariff_b", 50.0)]})
    grudger = make_strategy("grudger", {})
    m = TradeTalksModel(s, seed=0, strategies={"A": a, "B": grudger})
    m.run()
    assert b_levels(m)[3:] == [60] * 8  # answered in round 3, never taken back
    view = m.governments["B"].view
    offer = view.offer("A", view.packages("A")[int(np.argmax(view.my_values("A")))], 5)  # even B's own best package
    assert grudger.respond(view, Offer("A", "B", offer.terms, 5), m.rng).kind is ResponseKind.REJECT
    assert grudger.propose(view, "A", m.rng) is None


def test_hard_line_never_concedes_and_presses_when_talks_fail(tiny):
    hard = make_strategy("hard_line", {})
    m = TradeTalksModel(tiny, seed=0, strategies={"A": hard, "B": Script({})})
    first = hard.propose(m.governments["A"].view, "B", m.rng)
    m.run()
    offers = [e for e in m.log if e.kind is LogKind.OFFER and e.actor == "A" and e.data]
    assert offers and all(e.data["terms"] == dict(first.terms) for e in offers)
    # talks fail every round A proposes (B rejects): A raises its tariff one step each time, to the max
    assert m.rows[-1]["level_a_tariff_b"] == 100
    assert m.counts.escalations["A"] == 5


def test_forgiving_tit_for_tat_at_the_extremes(tiny_data):
    s = no_talks(tiny_data)
    for generosity, answered in ((1.0, 0), (0.0, 1)):
        a = Script({2: [Action("a_tariff_b", 60.0)]})
        m = TradeTalksModel(s, seed=0, strategies={"A": a, "B": make_strategy("forgiving_tit_for_tat", {"generosity": generosity})})
        m.run()
        assert m.counts.escalations["B"] == answered


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_no_strategy_accepts_an_offer_below_its_reservation(name, default_scenario):
    m = TradeTalksModel(default_scenario, 0)
    strategy = make_strategy(name, {})
    view = m.governments["China"].view
    from negotiation.game.bargaining import pair_analysis

    packages = pair_analysis(m, "US", "China").packages[::97]  # 148 packages spread over the whole grid
    reservation = view.reservation("US")
    below = 0
    for levels in packages:
        offer = m.governments["US"].view.offer("China", levels, 13)
        value = view.value_of(offer)
        below += value <= reservation
        if strategy.respond(view, offer, m.rng).kind is ResponseKind.ACCEPT:
            assert value > reservation
    assert below > 10, "the test must offer packages below China's reservation value"


def test_strategies_command_lists_every_strategy():
    import subprocess
    import sys

    from conftest import ROOT

    done = subprocess.run([sys.executable, str(ROOT / "run.py"), "strategies"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    for name, cls in STRATEGIES.items():
        assert f"{name}  (" in done.stdout and cls.reference in done.stdout
