"""Shocks as acts, engagement from the state and domestic politics that moves (issue 11, items 3-5).

Hand-computed cases on the tiny scenario (talks closed unless a test opens them, so that no
agreement settles the acts under test), and one slow measure of the cadence across seeds.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from conftest import official

from negotiation.common.errors import ScenarioError
from negotiation.game.model import TradeTalksModel
from negotiation.game.records import (
    Contact,
    Engaged,
    EventFired,
    InfluenceShifted,
    OfficialMoved,
    OfficialRefused,
    SummitRefused,
)
from negotiation.results.result import run, summarise
from negotiation.scenario import EngagementSpec, EventActor, parse_scenario
from negotiation.story import sentence
from negotiation.strategies.moves import ObservationKind

QUIET = {"calls": 0.0, "meetings": 0.0, "summits": 0.0, "flare_up": 0.0, "stress": 0.0, "deadline": 0.0,
         "silence": 0.0}


def closed(data: dict) -> dict:
    data["talks"] = [{"between": ["A", "B"], "open": False, "first_proposer": "A"}]
    return data


def with_carl(data: dict, **fields) -> dict:
    """A gets a minister, Carl, who wants A's tariff at 100 (and so raises it, if he may)."""
    data["officials"][0]["influence"] = 0.6
    data["officials"].append(official("Carl", "A", influence=0.4,
                                      preferences={"a_tariff_b": {"ideal": 100, "salience": 1.0}}, **fields))
    return data


def inject(data: dict, **event) -> dict:
    data.setdefault("injects", []).append({"name": "shock", **event})
    return data


def model(data: dict, seed: int = 0) -> TradeTalksModel:
    return TradeTalksModel(parse_scenario(data, "tiny"), seed)


def level(m: TradeTalksModel, name: str) -> float:
    return float(m.levels[m.inst_index[name]])


# ----------------------------------------------------------------------------- shocks as acts


def test_a_court_cutting_a_tariff_is_neither_a_concession_nor_hostile_and_values_follow(tiny_data):
    data = inject(closed(tiny_data), kind="set_level", actor="court", instrument="a_tariff_b", level=0)
    data["information"].update(types=4, ideal_noise=0.2)
    m = model(data)
    v = m.values
    before_a, before_b = v.reservation("A", "B"), v.believed_reservation("B", "A")
    log_p = m.state.beliefs[("B", "A")].log_p.copy()
    m.inject("shock")
    m.step()
    news = [o for o in m.news if o.observer == "B"]
    assert [o.kind for o in news] == [ObservationKind.RULING]
    assert not news[0].kind.hostile and not news[0].kind.friendly
    # No one acted: no escalation or de-escalation counted, no trust lost, nothing learnt of A's wants, no answer.
    assert m.counts.de_escalations == {"A": 0, "B": 0} and m.counts.escalations == {"A": 0, "B": 0}
    assert m.trust[m.gov_index["B"], m.gov_index["A"]] == pytest.approx(0.5)
    np.testing.assert_array_equal(m.state.beliefs[("B", "A")].log_p, log_p)
    assert level(m, "b_tariff_a") == 50
    # Everyone reassesses at the new level: A's own no-deal value, and what B believes A's is.
    assert v.reservation("A", "B") != pytest.approx(before_a)
    assert v.believed_reservation("B", "A") != pytest.approx(before_b)
    fired = next(r for r in m.log if isinstance(r, EventFired))
    assert fired.actor is None and fired.by is EventActor.COURT
    assert "a court's ruling, no one's concession" in sentence(fired, m.config)


def test_an_agencys_rule_is_a_hostile_act_of_its_government_that_draws_retaliation(tiny_data):
    data = inject(with_carl(closed(tiny_data)), kind="set_level", actor="agency", agency="Carl",
                  instrument="a_tariff_b", level=70)
    data["information"].update(types=4, ideal_noise=0.3)
    m = model(data)
    beliefs = m.state.beliefs[("B", "A")]
    # What Bayes' rule must give: a Boltzmann choice of 70 on A's tariff grid by Carl (second of A's officials).
    ideal, weight = beliefs.prefs.ideal[:, 1, 0], beliefs.prefs.weight[:, 1, 0]
    grid = np.arange(0, 101, 10.0)
    z = -beliefs.beta * weight[:, None] * np.abs(grid[None, :] - ideal[:, None]) / 100.0
    expect = beliefs.log_p + z[:, 7] - np.log(np.exp(z).sum(axis=1))
    expect = np.exp(expect - expect.max())
    m.inject("shock")
    m.step()
    np.testing.assert_allclose(beliefs.probabilities, expect / expect.sum())
    assert [(o.actor, o.kind, o.steps) for o in m.news if o.observer == "B"] == [("A", ObservationKind.ESCALATION, 2)]
    assert m.counts.escalations["A"] == 1
    assert m.trust[m.gov_index["B"], m.gov_index["A"]] == pytest.approx(0.5 - 0.2)  # the trust penalty
    assert level(m, "b_tariff_a") == 60  # tit for tat answers it, with no menu one step in kind
    fired = next(r for r in m.log if isinstance(r, EventFired))
    assert fired.actor == "A" and fired.agency == "Carl" and fired.data["by"] == "agency"
    assert "a rule of Carl, an act of A" in sentence(fired, m.config)


def test_an_agency_must_be_an_official_of_the_imposer(tiny_data):
    data = inject(closed(tiny_data), kind="set_level", actor="agency", agency="Bob", instrument="a_tariff_b", level=70)
    with pytest.raises(ScenarioError, match="not an official of A"):
        parse_scenario(data, "tiny")
    bad = inject(closed(tiny_data), kind="set_level", actor="court", agency="Alice", instrument="a_tariff_b", level=0)
    with pytest.raises(ScenarioError, match="agency"):
        parse_scenario(bad, "tiny")


def test_default_actor_fields_and_missing_blocks_leave_the_hash_alone(tiny_data, tiny):
    explicit = copy.deepcopy(tiny_data)
    data = inject(closed(tiny_data), kind="set_level", instrument="a_tariff_b", level=70)
    explicit = inject(closed(explicit), kind="set_level", actor="government", instrument="a_tariff_b", level=70)
    assert parse_scenario(data, "tiny").digest() == parse_scenario(explicit, "tiny").digest()
    assert "engagement" not in tiny.canonical_json() and "mandates" not in tiny.canonical_json()


# ----------------------------------------------------------------------------- engagement from the state


def engagement(data: dict, **fields) -> dict:
    data["engagement"] = {**QUIET, "gap": 1, **fields}
    return data


def contacts(m: TradeTalksModel) -> list[Engaged]:
    return [r for r in m.log if isinstance(r, Engaged)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_flare_up_brings_the_leaders_to_the_phone_and_none_comes_without_it(tiny_data, seed):
    base = engagement(with_carl(closed(tiny_data)), calls=1.0, flare_up=50.0, call_trust=0.05)
    calm = model(base, seed)
    for _ in range(5):
        calm.step()
    assert contacts(calm) == [] and calm.counts.state_calls == {"A": 0, "B": 0}

    m = model(inject(base, kind="set_level", actor="agency", agency="Carl", instrument="a_tariff_b", level=60), seed)
    m.inject("shock")
    m.step()
    (call,) = contacts(m)
    assert call.contact is Contact.CALL and dict(call.causes)["flare-ups"] == pytest.approx(50.0)
    assert m.talks[frozenset(("A", "B"))].open
    # The call lifts trust (after the agency's rule cost B 0.2 of it) and is seen as goodwill both ways.
    assert m.trust[m.gov_index["B"], m.gov_index["A"]] == pytest.approx(0.5 - 0.2 + 0.05)
    assert m.trust[m.gov_index["A"], m.gov_index["B"]] == pytest.approx(0.5 + 0.05)
    assert {(o.observer, o.kind) for o in m.news} >= {("A", ObservationKind.GOODWILL), ("B", ObservationKind.GOODWILL)}
    assert "brought on by flare-ups" in sentence(call, m.config)
    m.run()
    assert summarise(m)["state_calls"] >= 1 and summarise(m)["state_calls"] == m.counts.state_calls["A"]


def test_a_summit_is_refused_until_ministers_have_met(tiny_data):
    data = engagement(closed(tiny_data), summits=50.0, base=1.0, summit_trust=0.1)
    m = model(data)
    m.step()
    (refused,) = [r for r in m.log if isinstance(r, SummitRefused)]
    assert refused.last_meeting is None and m.counts.summits == {"A": 0, "B": 0}
    assert "cannot be held before their ministers have met" in sentence(refused, m.config)
    assert not m.talks[frozenset(("A", "B"))].open

    met = engagement(closed(tiny_data), summits=50.0, base=1.0, summit_trust=0.1)
    met["events"] = [{"name": "ministers", "kind": "meeting", "round": 1, "between": ["A", "B"]}]
    m = model(met)
    m.step()  # the meeting: no other contact the same round
    assert contacts(m) == []
    m.step()
    (summit,) = contacts(m)
    assert summit.contact is Contact.SUMMIT and summit.round == 2
    assert m.trust[m.gov_index["A"], m.gov_index["B"]] == pytest.approx(0.5 + 0.1)
    m.step()  # each summit needs a meeting of its own
    assert [r.round for r in m.log if isinstance(r, SummitRefused)] == [3]


def test_pressure_adds_its_causes(tiny_data):
    from negotiation.game.phases.engagement import pressure

    data = engagement(closed(tiny_data), base=0.1, stress=2.0, trust=0.5, silence=0.4, silence_rounds=4)
    m = model(data)
    m.step()
    m.step()
    causes = dict(pressure(m, "A", "B", m.config.engagement))
    assert causes["base"] == 0.1
    assert causes["market stress"] == pytest.approx(2.0 * m.economy.stress)  # the tiny floor is 0
    assert causes["trust"] == pytest.approx(0.5 * 0.5)
    assert causes["silence"] == pytest.approx(0.4 * 2 / 4)
    assert causes["deadline"] == 0 and causes["flare-ups"] == 0


@pytest.mark.slow
def test_the_cadence_sets_how_often_calls_arise_across_seeds(default_scenario):
    spec = default_scenario.engagement
    assert spec is not None
    counts = {}
    for cadence in (0.0, 3.0):
        s = default_scenario.model_copy(update={"engagement": EngagementSpec(**{**spec.model_dump(), "calls": cadence})})
        counts[cadence] = [run(s, seed, analyse=False).summary["state_calls"] for seed in range(50)]
    assert sum(counts[0.0]) == 0
    assert np.mean(counts[3.0]) > 1.0


# ----------------------------------------------------------------------------- domestic politics


def domestic(data: dict, **fields) -> dict:
    data["domestic"] = {"move_propensity": 1.0, "influence_rate": 0.0, "market_fall": 0.05, **fields}
    return data


def test_an_official_raises_a_control_within_its_mandate_and_is_refused_beyond_it(tiny_data):
    data = domestic(with_carl(closed(tiny_data), traits={"hawkishness": 1.0, "patience": 0.5, "trust": 0.5},
                              mandates=[{"instrument": "a_tariff_b", "up": 1}]))
    m = model(data)
    m.step()
    (moved,) = [r for r in m.log if isinstance(r, OfficialMoved)]
    assert (moved.actor, moved.official, moved.change.before, moved.change.after) == ("A", "Carl", 50, 60)
    assert m.counts.official_moves["A"] == 1 and m.counts.escalations["A"] == 1
    assert "within its mandate" in sentence(moved, m.config)
    m.step()  # B sees an act of A's government and answers it; Carl may not go a second step alone
    assert [(o.actor, o.kind) for o in m.news if o.observer == "B"] == [("A", ObservationKind.ESCALATION)]
    assert level(m, "b_tariff_a") == 60 and level(m, "a_tariff_b") == 60
    (refused,) = [r for r in m.log if isinstance(r, OfficialRefused)]
    assert refused.level == 70 and "beyond its mandate of 1 step" in refused.why
    assert m.counts.official_moves_refused["A"] == 1
    assert "needs the leader" in sentence(refused, m.config)


def test_a_mandate_must_be_over_the_officials_own_instrument(tiny_data):
    data = with_carl(closed(tiny_data), mandates=[{"instrument": "b_tariff_a", "up": 1}])
    with pytest.raises(ScenarioError, match="imposed by B, not A"):
        parse_scenario(data, "tiny")


def test_a_market_fall_shifts_influence_toward_those_who_watch_markets_and_the_story_says_so(tiny_data):
    data = closed(tiny_data)
    data["officials"][0]["influence"] = 0.5
    data["officials"].append(official("Dora", "A", influence=0.5, indicators={"market_stress": 1.0}))
    data = inject(domestic(data, move_propensity=0.0, influence_rate=0.2), kind="market_shock", stress=0.5)
    m = model(data)
    m.step()
    assert [r for r in m.log if isinstance(r, InfluenceShifted)] == []  # calm: no one vindicated
    m.inject("shock")
    m.step()
    (shift,) = [r for r in m.log if isinstance(r, InfluenceShifted)]  # B's Bob watches no market: B unmoved
    assert shift.actor == "A" and shift.cause == "a market fall"
    assert [(name, round(after, 6)) for name, _, after in shift.shares] == [("Alice", 0.4), ("Dora", 0.6)]
    assert m.counts.influence_shifts == {"A": 1, "B": 0}
    assert "The balance inside A shifts after a market fall, toward Dora" in sentence(shift, m.config)
    # Shares as shown, to two places: one that does not visibly move is left out, and a shift none shows is slight.
    small = InfluenceShifted(3, "A", "a market fall", (("Alice", 0.391, 0.389), ("Bob", 0.25, 0.29), ("Dora", 0.359, 0.321)))
    assert sentence(small, m.config).endswith("toward Bob (Bob 0.25 to 0.29, Dora 0.36 to 0.32).")
    tiny_shift = InfluenceShifted(3, "A", "a market fall", (("Alice", 0.391, 0.389), ("Dora", 0.609, 0.611)))
    assert sentence(tiny_shift, m.config) == "The balance inside A shifts slightly after a market fall."
    # Government values read the new influence, cached tables included.
    v = m.values
    off, gov = v.current_utilities()
    assert gov[0] == pytest.approx(0.4 * off[0] + 0.6 * off[2])
    table = v.table("A", "B")
    np.testing.assert_allclose(table.governments[:, 0], table.officials[0] @ np.array([0.4, 0.6]))
    assert [o.weight for o in m.governments["A"].officials] == pytest.approx([0.4, 0.6])


def test_the_starts_bargaining_analysis_keeps_the_starts_influence_after_a_shift(tiny_data):
    from negotiation.game.bargaining import pair_analysis

    data = closed(tiny_data)
    data["officials"][0]["influence"] = 0.5
    data["officials"].append(official("Dora", "A", influence=0.5, indicators={"market_stress": 1.0}))
    data = inject(domestic(data, move_propensity=0.0, influence_rate=0.2), kind="market_shock", stress=0.5)
    m = model(data)
    pa = pair_analysis(m, "A", "B")
    start = pa.value(np.array([30.0, 40.0]))
    m.inject("shock")
    m.step()
    assert m.counts.influence_shifts["A"] == 1
    assert pa.value(np.array([30.0, 40.0])) == start  # the analysis of round 0 is not revalued with today's weights
