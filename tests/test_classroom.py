"""The classroom (issue 15): human seats' commitments, two teams, the instructor's view, and the stumbles fixed.

The games are driven through the seats' injected `ask`/`say`, as in test_play.py, and through real
pseudo-terminals where the terminal itself matters.
"""

from __future__ import annotations

import pytest
from conftest import DEFAULT
from test_play import Player

from negotiation.game.model import TradeTalksModel
from negotiation.game.records import QuietBreach, StepWithheld
from negotiation.scenario import load_scenario
from negotiation.teaching.play import start

ROUNDS = 8  # the Geneva truce is in force from round 1: bot governments break it quietly within 8 rounds in many seeds
ENTER_ONLY = {"defaults": {"propose": "n", "respond": "r", "act": "", "ratify": "n", "inject": ""}}


def quiet_breaches(log, government: str) -> list:
    return [e for e in log if isinstance(e, (QuietBreach, StepWithheld)) and e.actor == government]


@pytest.mark.parametrize("seat, seeds", [("US", 8), pytest.param("US", 30, marks=pytest.mark.slow),
                                         pytest.param("US-Trump", 30, marks=pytest.mark.slow)])
def test_a_human_seats_government_never_breaks_a_commitment_it_did_not_decide(tmp_path, seat, seeds):
    """A seat that only holds (Enter at every move) never sees its government break the truce for it, in any seed;
    the same seeds with bots in that seat do break it: the rule, not the seeds, keeps the word."""
    scenario = load_scenario(DEFAULT)
    bots_broke = 0
    for seed in range(seeds):
        end = start(DEFAULT, [seat], seed=seed, rounds=ROUNDS, out=tmp_path, plot=False, **player_io())
        assert not end.paused
        assert quiet_breaches(end.result.log, "US") == [], f"seed {seed}"
        bots = TradeTalksModel(scenario, seed, rounds=ROUNDS)
        bots.run()
        bots_broke += bool(quiet_breaches(bots.log, "US"))
    assert bots_broke >= seeds // 6  # bots broke it in 5 of the first 8 seeds, 12 of 30, when this was written


def player_io() -> dict:
    p = Player(**ENTER_ONLY)
    return {"ask": p.ask, "say": p.say}


# ============================================================================ the stumbles (item 5)


def test_the_top_of_a_tariff_can_be_entered_off_its_steps(tmp_path):
    """145% (the April 2025 level) is a level of the US tariff even though it moves in steps of 10 from 0."""
    from negotiation.teaching.play import Facts, level_parser

    f = Facts(load_scenario(DEFAULT))
    parse = level_parser(f, "us_tariff_cn", 30)
    assert parse("145") == 145 and parse("145%") == 145 and parse("140") == 140
    with pytest.raises(ValueError, match="try 140 or 145"):
        parse("143")
    with pytest.raises(ValueError, match="try 20 or 30"):
        parse("25")
    assert f.span("us_tariff_cn") == "0-145% in steps of 10, or 145% itself"
