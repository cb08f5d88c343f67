"""Coercion (issue 11): threats and audience costs, credibility in the valuation, retaliation menus, and the
officials' readiness shaping every strategy's answer. Hand-computed cases on the tiny scenario."""

from __future__ import annotations

import numpy as np
import pytest

from negotiation.common.errors import ScenarioError
from negotiation.game import disputes
from negotiation.game.model import TradeTalksModel
from negotiation.game.phases import threats as threat_phase
from negotiation.game.records import Acted, ThreatCarriedOut, ThreatLifted, ThreatMade, ThreatWalkedBack
from negotiation.game.valuation import full_utilities
from negotiation.scenario import parse_scenario
from negotiation.story import sentence
from negotiation.strategies import STRATEGIES, Strategy, make_strategy
from negotiation.strategies.moves import Action, ObservationKind, Response, ThreatCondition, ThreatDecision
from negotiation.strategies.retaliation import intensity, whole


class Scripted(Strategy):
    """Makes no offers and rejects all; acts, threatens and decides threats as scripted by round."""

    name = "scripted"

    def __init__(self, moves=None, threats=None, decision=ThreatDecision.CARRY_OUT):
        super().__init__()
        self.moves, self.plans, self.decision = moves or {}, threats or {}, decision

    def propose(self, view, counterpart, rng):
        return None

    def respond(self, view, offer, rng):
        return Response.reject()

    def act(self, view, rng):
        return self.moves.get(view.round, [])

    def threaten(self, view, counterpart, rng):
        plan = self.plans.get(view.round)
        return None if plan is None else view.threat(counterpart, *plan)

    def decide(self, view, threat, rng):
        return self.decision

    def meet_condition(self, view, threat, rng):
        return False


def scenario(tiny_data, a=None, b=None, talks=False):
    """The tiny scenario (no talks unless asked), with coercion blocks for A and B."""
    if not talks:
        tiny_data["talks"] = []
    for gov, block in zip(tiny_data["governments"], (a, b)):
        if block is not None:
            gov["coercion"] = block
    return parse_scenario(tiny_data, "tiny")


def of(log, cls):
    return [r for r in log if isinstance(r, cls)]


RAISE_A = ("a_tariff_b", 80.0, ThreatCondition.AGREEMENT)  # A threatens 50% -> 80% unless they agree


# ----------------------------------------------------------------------------- threats


def test_a_threat_walked_back_costs_the_leader_its_audience_cost(tiny_data):
    s = scenario(tiny_data, a={"threats": {"publicity": 0.5, "audience_cost": 0.1, "record": {"carried_out": 1}}})
    a = Scripted(threats={1: RAISE_A}, decision=ThreatDecision.WALK_BACK)
    m = TradeTalksModel(s, seed=0, strategies={"A": a, "B": Scripted()})
    m.step()  # round 1: A announces; due in round 2 (lead 1)
    made = of(m.log, ThreatMade)[0]
    assert (made.due_round, made.publicity, made.audience_cost) == (2, 0.5, pytest.approx(0.05))
    m.step()
    back = of(m.log, ThreatWalkedBack)[0]
    # walking back a half-public threat costs 0.1 x 0.5 = 0.05; Alice holds all of A's influence
    assert back.audience_cost == pytest.approx(0.05) and back.leader == "Alice" and back.record == (1, 1)
    assert m.levels[0] == 50  # nothing was carried out
    off, gov = full_utilities(m.prefs, m.economy, m.values.curvature, m.levels, m.economy.flows, m.economy.stress)
    assert m.rows[-1]["utility_Alice"] == pytest.approx(off[0] - 0.05)
    assert m.rows[-1]["utility_A"] == pytest.approx(gov[0] - 0.05)
    assert threat_phase.record_of(m, "A").laplace == pytest.approx((1 + 1) / (1 + 1 + 2))  # Laplace: 0.5, was 2/3
    assert (m.counts.threats_made["A"], m.counts.threats_walked_back["A"]) == (1, 1)
    assert "audience cost (0.050 of A's utility, for good)" in sentence(back, s)


def test_a_threat_carried_out_is_an_escalation_the_target_answers_in_proportion(tiny_data):
    menu = {"retaliation": {"rules": [{"answers": ["threat"], "using": ["tariff"], "proportion": 1.0}]}}
    s = scenario(tiny_data, b=menu)
    m = TradeTalksModel(s, seed=0, strategies={"A": Scripted(threats={1: RAISE_A}), "B": make_strategy("tit_for_tat", {})})
    m.step()
    m.step()  # round 2: carried out, 50% -> 80%: three steps
    done = of(m.log, ThreatCarriedOut)[0]
    assert (done.change.before, done.change.after, done.record) == (50.0, 80.0, (1, 0))
    assert m.levels[0] == 80 and m.counts.escalations["A"] == 1 and m.counts.threats_carried_out["A"] == 1
    seen = m.state.pending[-1]
    assert (seen.kind, seen.steps, seen.kind.hostile) == (ObservationKind.THREAT_CARRIED_OUT, 3, True)
    m.step()  # round 3: B answers three steps for three, by its menu
    assert m.levels[1] == 80
    answers = [r for r in of(m.log, Acted) if r.actor == "B"]
    assert [r.answers for r in answers] == ["threat"] * 3


def test_without_a_menu_a_threat_carried_out_gets_one_step_in_kind(tiny_data):
    s = scenario(tiny_data)
    m = TradeTalksModel(s, seed=0, strategies={"A": Scripted(threats={1: RAISE_A}), "B": make_strategy("tit_for_tat", {})})
    for _ in range(3):
        m.step()
    assert m.levels[1] == 60  # the default answer: one step, in kind


def test_a_threat_is_lifted_when_its_condition_is_met(tiny_data):
    s = scenario(tiny_data, a={"threats": {"audience_cost": 0.1, "lead_rounds": 2}})
    lower = ("a_tariff_b", 80.0, ThreatCondition.LOWER, "b_tariff_a", 40.0)  # unless B lowers its tariff to 40%
    b = Scripted(moves={2: [Action("b_tariff_a", 40.0)]})
    m = TradeTalksModel(s, seed=0, strategies={"A": Scripted(threats={1: lower}), "B": b})
    m.run()
    lifted = of(m.log, ThreatLifted)[0]
    assert (lifted.round, lifted.by_agreement) == (3, False)  # due in round 3, met since round 2
    assert m.counts.threats_lifted["A"] == 1 and m.counts.threats_carried_out["A"] == 0
    assert m.levels[0] == 50 and not m.state.audience_costs and threat_phase.record_of(m, "A").laplace == 0.5


def test_a_target_gives_in_when_the_condition_costs_less_than_the_gamble(tiny_data):
    """Bob's ideal tariff is 20%: lowering his to 40% is worth more to him than defying a credible threat."""
    s = scenario(tiny_data, a={"threats": {"audience_cost": 1.0, "lead_rounds": 2}})
    lower = ("a_tariff_b", 80.0, ThreatCondition.LOWER, "b_tariff_a", 40.0)
    m = TradeTalksModel(s, seed=0, strategies={"A": Scripted(threats={1: lower}), "B": make_strategy("tit_for_tat", {})})
    m.run()
    gave = [r for r in of(m.log, Acted) if r.actor == "B"][0]
    assert (gave.round, gave.change.after, gave.reason) == (2, 40.0, "to meet A's condition")
    assert of(m.log, ThreatLifted)[0].round == 3


def test_an_agreement_settles_a_pending_threat(tiny_data):
    s = scenario(tiny_data, a={"threats": {"lead_rounds": 10}}, talks=True)
    m = TradeTalksModel(s, seed=0, strategies={g: make_strategy("conceder", {}) for g in ("A", "B")})
    threat_phase.make(m, m.governments["A"].view.threat("B", *RAISE_A))
    m.run()
    signed = [a for a in m.agreements if a.signed_round >= 1]
    assert signed, "the tiny pair agrees within the run"
    lifted = of(m.log, ThreatLifted)[0]
    assert lifted.by_agreement and lifted.round == signed[0].signed_round


# ----------------------------------------------------------------------------- credibility and valuation


def test_a_credible_threat_lowers_the_targets_reservation_by_its_credibility(tiny_data):
    """Record 2 carried out, 0 walked back: Laplace (2 + 1) / (2 + 2) = 0.75; an audience cost of 1 makes the
    threatener's resolve certain, so credibility 0.75; Bob's no deal is 0.25 U(50%) + 0.75 U(80%).

    Bob (ideals 0% on A's tariff, 20% on his; trade volume weight 1; weights sum 3), trade at its long-run
    response with elasticity 1 (B->A 100 / (1 + t), A->B 50 / 1.5, Bob's scale 150):
      U(50%) = 1 - (0.5 + 0.3 + (1 - 100 / 150)) / 3 = 0.62222
      U(80%) = 1 - (0.8 + 0.3 + (1 - (100 / 1.8 + 50 / 1.5) / 150)) / 3 = 0.49753
    """
    s = scenario(tiny_data, a={"threats": {"audience_cost": 1.0, "record": {"carried_out": 2}}})
    m = TradeTalksModel(s, seed=0, strategies={"A": Scripted(), "B": Scripted()})
    before = m.values.reservation("B", "A")
    assert before == pytest.approx(0.62222, abs=1e-5)
    threat_phase.make(m, m.governments["A"].view.threat("B", *RAISE_A))
    assert m.state.threats[0].credibility == pytest.approx(0.75, abs=1e-6)
    assert m.values.reservation("B", "A") == pytest.approx(0.25 * 0.62222 + 0.75 * 0.49753, abs=1e-5)
    assert m.governments["B"].view.credibility(m.state.threats[0].threat) == pytest.approx(0.75, abs=1e-6)


def test_credibility_falls_with_a_record_of_walking_back(tiny_data):
    records = ({"carried_out": 3}, {"carried_out": 3, "walked_back": 3})
    values = []
    for record in records:
        s = scenario(tiny_data, a={"threats": {"audience_cost": 1.0, "record": record}})
        m = TradeTalksModel(s, seed=0, strategies={"A": Scripted(), "B": Scripted()})
        threat_phase.make(m, m.governments["A"].view.threat("B", *RAISE_A))
        values.append(m.state.threats[0].credibility)
    assert values == pytest.approx([4 / 5, 4 / 8], abs=1e-6)


def test_markets_react_to_a_threat_by_its_size_and_publicity(tiny_data):
    tiny_data["economy"]["stress"]["uncertainty"] = 0.1
    s = scenario(tiny_data, a={"threats": {"publicity": 0.5}})
    m = TradeTalksModel(s, seed=0, strategies={"A": Scripted(), "B": Scripted()})
    stress = m.economy.stress
    threat_phase.make(m, m.governments["A"].view.threat("B", *RAISE_A))
    # a jump of 0.5 x publicity 0.5 x the measure's size 30 / 100 of the range
    assert m.economy.stress == pytest.approx(stress + 0.5 * 0.5 * 0.3)
    # while pending it adds publicity x size to the pair's open dispute (uncertainty for markets)
    assert disputes.dispute(m, "A", "B") == pytest.approx(1.0 + 0.5 * 0.3)


# ----------------------------------------------------------------------------- retaliation menus


def with_chips(tiny_data):
    tiny_data["instruments"].append(
        {"name": "b_chips_a", "kind": "chip_export_control", "imposer": "B", "target": "A", "initial": 0, "max": 3})
    tiny_data["economy"]["control_effects"] = {"chip_export_control": {"indicator": "technology_exposure", "per_level": 0.2}}


def test_a_menu_switches_instrument_kind_at_its_cap(tiny_data):
    """B matches tariffs up to 60%, then answers with chip controls (as China said it would ignore further increases)."""
    with_chips(tiny_data)
    menu = {"retaliation": {"rules": [{"answers": ["tariff"], "using": ["tariff", "chip_export_control"],
                                       "caps": {"tariff": 60}}]}}
    s = scenario(tiny_data, b=menu)
    raises = {r: [Action("a_tariff_b", 50.0 + 10 * r)] for r in (1, 2, 3)}
    m = TradeTalksModel(s, seed=0, strategies={"A": Scripted(moves=raises), "B": make_strategy("tit_for_tat", {})})
    for _ in range(4):
        m.step()
    assert (m.levels[1], m.levels[2]) == (60, 2)  # one tariff step to the cap, then two chip steps
    kinds = [s.instrument(r.change.instrument).kind for r in of(m.log, Acted) if r.actor == "B"]
    assert kinds == ["tariff", "chip_export_control", "chip_export_control"]


def test_proportion_sets_steps_of_answer_per_step_of_provocation(tiny_data):
    menu = {"retaliation": {"rules": [{"answers": ["any"], "using": ["tariff"], "proportion": 2.0}]}}
    s = scenario(tiny_data, b=menu)
    a = Scripted(moves={1: [Action("a_tariff_b", 60.0)], 3: [Action("a_tariff_b", 80.0)]})
    m = TradeTalksModel(s, seed=0, strategies={"A": a, "B": make_strategy("tit_for_tat", {})})
    levels = []
    for _ in range(4):
        m.step()
        levels.append(m.levels[1])
    assert levels == [50, 70, 70, 100]  # one step answered with two; then two steps with four (capped at 100)


def test_readiness_scales_the_answer_and_a_fraction_is_a_step_by_chance():
    assert intensity(0.5, 1.0) == 1.0 and intensity(0.0, 1.0) == 0.0 and intensity(1.0, 1.0) == 2.0
    assert intensity(0.2, 0.0) == 1.0  # stance_weight 0: today's answer whatever the stance
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    assert whole(2.0, rng) == 2 and rng.bit_generator.state == state  # a whole size draws nothing
    draws = [whole(0.25, np.random.default_rng(k)) for k in range(4000)]
    assert abs(np.mean(draws) - 0.25) < 0.03


RETALIATING = sorted(name for name, cls in STRATEGIES.items() if cls.retaliates)


@pytest.mark.parametrize("name", RETALIATING)
def test_hawkishness_shapes_every_strategys_answer(name, tiny_data):
    """Fully dovish officials do not answer at all; fully hawkish ones answer twice as hard (stance_weight 1)."""
    answered = {}
    for hawkishness in (0.0, 1.0):
        data = {**tiny_data, "officials": [dict(o, traits={**o["traits"], "hawkishness": hawkishness})
                                           for o in tiny_data["officials"]]}
        data["dynamics"] = {**tiny_data["dynamics"], "stance_reactivity": 0.0}
        s = scenario(data, b={"retaliation": {"stance_weight": 1.0}})
        params = {"generosity": 0.0} if name == "forgiving_tit_for_tat" else {}
        m = TradeTalksModel(s, seed=0, strategies={"A": Scripted(moves={1: [Action("a_tariff_b", 60.0)]}),
                                                   "B": make_strategy(name, params)})
        m.step()
        m.step()
        answered[hawkishness] = m.levels[1] - 50
    assert answered == {0.0: 0, 1.0: 20}


def test_random_moves_lean_toward_escalation_with_readiness(tiny_data):
    ups = {}
    for hawkishness in (0.0, 1.0):
        data = {**tiny_data, "officials": [dict(o, traits={**o["traits"], "hawkishness": hawkishness})
                                           for o in tiny_data["officials"]]}
        s = scenario(data, b={"retaliation": {"stance_weight": 1.0}})
        m = TradeTalksModel(s, seed=0, rounds=40, strategies={"A": Scripted(),
                                                              "B": make_strategy("random", {"act_probability": 1.0})})
        m.run()
        ups[hawkishness] = m.counts.escalations["B"]
    assert ups[0.0] == 0 and ups[1.0] > 0


# ----------------------------------------------------------------------------- the scenario format


def test_menus_are_checked_against_the_governments_instruments(tiny_data):
    menu = {"retaliation": {"rules": [{"answers": ["tarif"], "using": ["chip_export_control"], "caps": {"tariff": 500}}]}}
    with pytest.raises(ScenarioError) as caught:
        scenario(tiny_data, b=menu)
    problems = {p.path: p.message for p in caught.value.problems}
    rule = "governments[1].coercion.retaliation.rules[0]"
    assert "unknown hostile act 'tarif'" in problems[f"{rule}.answers[0]"]
    assert "imposes no instrument of kind 'chip_export_control'" in problems[f"{rule}.using[0]"]
    assert "neither a kind in `using`" in problems[f"{rule}.caps.tariff"]


def test_a_neutral_coercion_block_leaves_the_scenario_hash_alone(tiny_data, tiny):
    explicit = scenario(tiny_data, a={"threats": {}, "retaliation": {}}, talks=True)
    assert explicit.digest() == tiny.digest()
    assert scenario(tiny_data, a={"threats": {"propensity": 0.5}}, talks=True).digest() != tiny.digest()


def test_threat_sentences_hide_the_targets_credibility_from_the_threatener(tiny_data):
    s = scenario(tiny_data, a={"threats": {"audience_cost": 0.1, "record": {"carried_out": 2}}})
    m = TradeTalksModel(s, seed=0, strategies={"A": Scripted(threats={1: RAISE_A}), "B": Scripted()})
    m.step()
    made = of(m.log, ThreatMade)[0]
    told = sentence(made, s)
    assert told.startswith("A threatens B: unless A and B reach an agreement by round 2")
    assert "credibility" in told and "credibility" not in sentence(made, s, viewer="A")
    assert "Walking it back would cost A 0.100" in sentence(made, s, viewer="A")


# ----------------------------------------------------------------------------- the default threat moves


def hard_liner_threatening(tiny_data, audience_cost):
    tiny_data["events"] = [{"name": "call", "kind": "leaders_call", "round": 1, "between": ["A", "B"], "trust": 0.1}]
    s = scenario(tiny_data, a={"threats": {"propensity": 1.0, "audience_cost": audience_cost, "max_steps": 2}}, talks=True)
    m = TradeTalksModel(s, seed=0, rounds=4, strategies={"A": make_strategy("hard_line", {"pressure": False}),
                                                       "B": make_strategy("tit_for_tat", {})})
    m.run()
    return of(m.log, ThreatMade)


def test_a_hard_liner_threatens_after_failed_talks_but_not_right_after_a_leaders_call(tiny_data):
    made = hard_liner_threatening(tiny_data, audience_cost=1.0)
    assert made and made[0].round == 2  # round 1's talks fail too, but the call was that round's news
    # the most hurtful credible measure: the largest raise allowed (two steps), unless B and A agree
    assert (made[0].change.before, made[0].change.after, made[0].condition) == (50.0, 70.0, ThreatCondition.AGREEMENT)


def test_no_threat_is_made_that_would_not_be_carried_out(tiny_data):
    """Alice's ideal tariff is 20%: raising hers costs A, so without an audience cost no raise is credible."""
    assert hard_liner_threatening(tiny_data, audience_cost=0.0) == []
