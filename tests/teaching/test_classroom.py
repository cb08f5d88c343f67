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
from negotiation.teaching.transcript import INSTRUCTOR

ROUNDS = 8  # the Geneva truce is in force from round 1: bot governments break it quietly within 8 rounds in many seeds
ENTER_ONLY = {"defaults": {"propose": "n", "respond": "r", "act": "", "ratify": "n", "inject": "", "mandate": "n"}}


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


def test_the_instructor_prompt_explains_a_mistype_on_one_line_and_shows_the_whole_state_on_request(tmp_path):
    p = Player(defaults={"ratify": "y"}, inject=["selloff", "?", "", ""])
    end = start(DEFAULT, ["US-Trump"], rounds=2, out=tmp_path, plot=False, instructor=True, ask=p.ask, say=p.say)
    assert not end.paused
    assert ("no inject 'selloff' in this scenario: did you mean 'market_selloff'? type one of court_strikes_tariffs, "
            "rare_earth_squeeze, new_chip_rule, market_selloff, '?' for the whole state, or Enter for none") in p.text
    view = p.text[p.text.index("Instructor's view after round 0"):]
    for part in ("Instruments:", "Values (utility 0-1", "US          China  0.", "China       US     0.",
                 "Agreements in force:", "Geneva truce", "Pending threats:", "Injects you may fire:", "market_selloff"):
        assert part in view, part


def test_the_end_of_game_summary_lists_the_injects_fired(tmp_path, capsys):
    from negotiation.cli import session_report

    p = Player(defaults={"ratify": "y"}, inject=["market_selloff", ""])
    end = start(DEFAULT, ["US-Trump"], rounds=2, out=tmp_path, plot=False, instructor=True, ask=p.ask, say=p.say)
    session_report(end)
    assert "Injects fired: round 1 market_selloff (by the instructor)" in capsys.readouterr().out


def test_no_stale_deadline_after_a_deal(default_scenario):
    from negotiation.teaching.play import HumanSeat, standing

    p = Player(defaults={"act": "", "respond": "a", "propose": "n"})
    model = TradeTalksModel(default_scenario, 1, rounds=3, strategies={"US": HumanSeat(default_scenario, ask=p.ask,
                                                                                         say=p.say)})
    view = model.governments["US"].view
    assert any("Deadline for a deal with China: round 10." in line for line in standing(view))  # under the truce
    model.run()
    assert any(e.kind.value == "agreement" and e.actor is None for e in model.log)
    lines = standing(view)
    assert not any("Deadline for a deal" in line for line in lines), lines
    assert any("A deal with China is in force until round 15: no deadline while it holds." in line for line in lines)


def test_an_expiry_is_not_reported_as_what_others_did(default_scenario):
    from types import SimpleNamespace

    from negotiation.strategies.moves import Observation, ObservationKind
    from negotiation.teaching.play import Facts, expiry_text, news_text

    news = (Observation(9, "China", "US", ObservationKind.SNAP_BACK, "cn_tariff_us", "tariff"),
            Observation(9, "US", "US", ObservationKind.SNAP_BACK, "us_tariff_cn", "tariff"),
            Observation(9, "China", "US", ObservationKind.ESCALATION, "cn_minerals_us", "export_control"))
    view = SimpleNamespace(name="US", news=lambda: news, level=lambda name: 34.0 if "tariff" in name else 2.0)
    facts = Facts(default_scenario)
    assert news_text(facts, view) == ["China raised China mineral export controls on US (now level 2 (broad))"]
    assert expiry_text(facts, view) == ["China tariff on US snapped back to 34%", "US tariff on China snapped back to 34%"]


def test_replay_from_a_round_does_not_say_resumed(tmp_path):
    from negotiation.teaching.play import replay

    p = Player(defaults={"act": "", "respond": "r", "propose": "n"})
    first = start(DEFAULT, ["US"], rounds=2, out=tmp_path, plot=False, ask=p.ask, say=p.say)
    q = Player(defaults={"act": "", "respond": "r", "propose": "n"})
    again = replay(first.transcript, from_round=2, ask=q.ask, say=q.say, plot=False)
    assert not again.paused
    assert "Resumed" not in q.text and "(Replayed the answers given before round 2; from here the players" in q.text


def test_quiet_rounds_say_what_held(default_scenario):
    from negotiation.results import run

    story = run(default_scenario, seed=1).story()
    assert "- Quiet: the round-5 US-China agreement held; no offers, no moves." in story
    sections = [int(line.split()[2].split("-")[0]) for line in story.splitlines() if line.startswith("## Round")]
    assert sections == sorted(sections)
    told = []  # every round is told, the quiet ones together under one heading
    for line in story.splitlines():
        if line.startswith("## Round"):
            first, _, last = line.split()[2].partition("-")
            told += range(int(first), int(last or first) + 1)
    assert told == list(range(1, 27)) and any(line.startswith("## Rounds ") for line in story.splitlines())


def test_the_three_way_story_says_why_the_eu_takes_a_worse_tariff_than_today(tmp_path):
    from conftest import ROOT

    from negotiation.results import run

    story = run(load_scenario(ROOT / "scenarios" / "three_way_2025.yaml"), seed=1).story()
    import re

    said = re.search(r"EU would take a level worse than today's \(US tariff on EU 0% -> 10%\) because its best alternative "
                     r"is worse still: with no deal, US tariff on EU 0% -> 50%, worth (0\.\d+) to EU against (0\.\d+) for "
                     r"the package\.", story)
    assert said is not None and float(said[1]) < float(said[2])


def cli(*args, cwd):
    import subprocess
    import sys

    from conftest import ROOT

    return subprocess.run([sys.executable, str(ROOT / "run.py"), *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_an_unknown_command_is_not_taken_for_a_file_and_a_missing_file_gets_did_you_mean(tmp_path):
    typo = cli("debreif", "outputs", cwd=tmp_path)
    assert typo.returncode == 2 and "'debreif' is neither a command nor a scenario file" in typo.stderr
    assert "did you mean 'debrief'?" in typo.stderr and "Traceback" not in typo.stderr
    (tmp_path / "talks.yaml").write_text("name: x\n")
    missing = cli("run", "talk.yaml", cwd=tmp_path)
    assert missing.returncode == 2 and "talk.yaml: no such file; did you mean 'talks.yaml'?" in missing.stderr


@pytest.mark.slow  # end to end or many runs; CI runs it
def test_batch_ends_with_one_outcome_line(tmp_path):
    done = cli("batch", "--runs", 3, "--rounds", 6, "--out", tmp_path / "b", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    last = [line for line in done.stdout.splitlines() if line.startswith("Outcome: ")]
    assert len(last) == 1 and " of 3 runs reached an agreement" in last[0] and "escalations a run" in last[0]


@pytest.mark.slow  # end to end or many runs; CI runs it
def test_debrief_finds_the_one_run_in_a_folder(tmp_path):
    assert cli("run", "--rounds", 3, "--no-plot", "--out", tmp_path / "outputs", cwd=tmp_path).returncode == 0
    done = cli("debrief", tmp_path / "outputs", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "outputs" / "june_2025_call-seed1-rounds3" / "debrief.html").is_file()
    assert cli("run", "--rounds", 2, "--no-plot", "--out", tmp_path / "outputs", cwd=tmp_path).returncode == 0
    two = cli("debrief", tmp_path / "outputs", cwd=tmp_path)
    assert two.returncode == 2 and "it holds 2 runs: name one (june_2025_call-seed1-rounds2, " in two.stderr


# ============================================================================ two teams (item 2)


def turns(screen: str) -> list[tuple[str, str]]:
    """The screen cut at each turn's banner: (whose turn, what was shown in it)."""
    import re

    parts = re.split(r"\n--- (.+?)'s? turn -+", screen)
    return list(zip(parts[1::2], parts[2::2], strict=True))


def test_two_teams_on_one_terminal_pass_the_keyboard_and_see_only_their_own_values(tmp_path):
    p = Player(defaults={"act": "", "respond": "r", "propose": "n", "handover": ""}, propose=["p", "n"], level=["="],
               duration=[""], send=["y"])
    end = play_two(tmp_path, p, rounds=2)
    assert not end.paused
    shown = turns(p.text)
    assert [who for who, _ in shown[:3]] == ["US", "China", "US"]
    assert p.text.count("=== Pass the keyboard to China. ===") >= 2 and "=== Pass the keyboard to US. ===" in p.text
    us_worth = "worth to you 0."
    us_offer = next(text for who, text in shown if who == "US" and "Your offer, for" in text)
    china_reply = next(text for who, text in shown if who == "China" and "US offers, for" in text)
    mine = us_offer[us_offer.index(us_worth):].split()[3]
    assert mine not in china_reply.split("worth to you")[0]  # China sees the offer with its own value only
    assert "; to US" not in china_reply and "(no deal" in china_reply
    for who, text in shown:  # each team's own standing only
        other = "China" if who == "US" else "US"
        assert f"To {other}:" not in text
    given = [a["kind"] for a in __import__("json").loads(end.transcript.read_text())["answers"]]
    assert "handover" not in given  # passing the keyboard is no answer of the game: a replay does not ask for it


def test_on_a_shared_terminal_the_instructors_whole_state_is_cleared_before_a_team_sees_the_screen(tmp_path):
    p = Player(defaults={"act": "", "respond": "r", "propose": "n", "inject": ""}, inject=["?", ""])
    end = play_two(tmp_path, p, rounds=1, instructor=True)
    assert not end.paused
    text = p.text
    whole = text.index("Instructor's view after round 0")
    first_turn = text.index("--- US's turn")
    assert whole < first_turn and "=== Pass the keyboard to US. ===" in text[whole:first_turn]


def play_two(tmp_path, player, rounds, seats=("US", "China"), **options):
    return start(DEFAULT, list(seats), rounds=rounds, out=tmp_path, plot=False, ask=player.ask, say=player.say,
                 **options)


def test_a_team_of_ministers_and_a_leader_shares_one_government(tmp_path):
    """Several students per government: the ministers negotiate and move, the leader ratifies what they agree."""
    p = Player(defaults={"act": "", "respond": "a", "propose": "n", "ratify": "n", "handover": ""})
    end = play_two(tmp_path, p, rounds=3, seats=("US", "US-Trump"))
    assert not end.paused
    assert "--- US's ministers' turn" in p.text
    whose = [who for who, _ in turns(p.text)]
    assert "US's ministers" in whose and "US-Trump" in whose
    assert "Pass the keyboard" not in p.text  # one team, one keyboard
    story = end.result.story()
    assert "US accepts." in story and "US's leader (President Donald Trump) refuses to ratify" in story
    assert not any(e.kind.value == "agreement" and e.actor is None for e in end.result.log)


@pytest.mark.slow  # end to end or many runs; CI runs it
@pytest.mark.skipif(__import__("sys").platform == "win32", reason="pseudo-terminals are POSIX")
def test_two_teams_in_a_real_terminal_pass_the_keyboard(tmp_path):
    """`run.py play --seat US --seat China` on a real terminal: the screen is cleared before the other team looks."""
    import os

    from test_play import spawn, wait_for

    proc, tty = spawn(["play", "--seat", "US", "--seat", "China", "--rounds", "1", "--no-plot", "--out", "out"],
                      tmp_path)
    try:
        screen = [""]
        wait_for(tty, "[p]ropose a package or [n]o offer this round? ", screen)
        assert "--- US's turn" in screen[0] and "Worth to you at today's levels" in screen[0]
        os.write(tty, b"n\n")
        wait_for(tty, "Enter to hold them all: ", screen)
        os.write(tty, b"\n")
        wait_for(tty, "China, press Enter when only your team can see the screen: ", screen)
        us_part = screen[0]
        assert "\033[2J" in us_part.split("=== Pass the keyboard to China. ===")[0][-40:]  # cleared first
        os.write(tty, b"\n")
        rest = [""]
        wait_for(tty, "Enter to hold them all: ", rest)  # China's moves, on a cleared screen
        assert rest[0].index("\033[2J") < rest[0].index("--- China's turn") < rest[0].index("US tariff on China")
        assert "US, press Enter" not in rest[0]
        os.write(tty, b"\n")
        wait_for(tty, "Next: python run.py debrief", rest)
        assert proc.wait(timeout=20) == 0
    finally:
        proc.kill()
        os.close(tty)


def answer_when_asked(bridge, answers: dict[str, str], stop) -> None:
    """A scripted browser: answers each of the bridge's prompts by a fragment of it, until the game ends."""
    import time

    while not stop.is_set():
        prompt = bridge.prompt
        if prompt is not None and bridge._answers.empty():
            bridge.answer(next((a for fragment, a in answers.items() if fragment in prompt), ""))
        time.sleep(0.01)


BROWSER_ANSWERS = {"[p]ropose a package or [n]o offer": "n", "[a]ccept, [r]eject or [c]ounter?": "r",
                   "[a]ccept or [r]eject": "r", "Instructor,": "", "(stop them)": "n"}


def test_two_browsers_join_one_game_on_the_server_and_each_sees_only_its_own_values(tmp_path):
    import threading
    import time

    from negotiation.web.dashboard import SeatBridge, Tables

    tables = Tables()
    table = tables.open(str(DEFAULT), ["US", "China"], 1, tmp_path, instructor=True)
    assert tables.get(table.code.lower()) is table and table.free == ["US", "China"]
    us, china, stop = SeatBridge(), SeatBridge(), threading.Event()
    helpers = [threading.Thread(target=answer_when_asked, args=(b, BROWSER_ANSWERS, stop), daemon=True)
               for b in (us, china, table.instructor)]
    for h in helpers:
        h.start()
    assert table.join("US", us) and not table.join("US", SeatBridge()) and table.free == ["China"]
    assert table.session is None  # the game waits for every seat
    assert table.join("China", china)
    deadline = time.monotonic() + 120
    while table.end is None and table.error is None and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    assert table.error is None and table.end is not None and not table.end.paused
    us_screen, china_screen = "\n".join(us.lines), "\n".join(china.lines)
    assert "--- US's turn" in us_screen and "--- China's turn" not in us_screen
    assert "--- China's turn" in china_screen and "--- US's turn" not in china_screen
    assert "Round 2 of" in us_screen and "Round 2 of" in china_screen  # the banners go to everyone
    assert "Instructor's view" not in us_screen + china_screen
    for screen, other in ((us_screen, "China"), (china_screen, "US")):
        assert f"To {other}:" not in screen and f"; to {other} " not in screen
    answers = __import__("json").loads(table.end.transcript.read_text())["answers"]
    assert {a["seat"] for a in answers} == {"US", "China", INSTRUCTOR}


def test_the_instructor_pauses_a_browser_game_and_every_seat_waits(tmp_path):
    import time

    from negotiation.web.dashboard import SeatBridge, Tables

    table = Tables().open(str(DEFAULT), ["US"], 1, tmp_path)
    us = SeatBridge()
    table.pause(True)
    table.join("US", us)
    time.sleep(1.0)
    assert table.paused and us.prompt is None  # the game is held before the seat's first question
    table.pause(False)
    deadline = time.monotonic() + 60
    while us.prompt is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert us.prompt is not None and "Your turn to propose" in us.prompt
    table.close()
    while table.end is None and table.error is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert table.error is None, table.error
    assert table.end is not None and table.end.paused  # closing the page saves the session, as at a terminal


def read_more(tty: int, screen: list[str], seconds: float = 20) -> None:
    """Read whatever the terminal prints next (or fail if it prints nothing for `seconds`)."""
    import os
    import select

    if not select.select([tty], [], [], seconds)[0]:
        raise AssertionError(f"the terminal printed nothing more; it ends:\n{screen[0][-500:]}")
    screen[0] += os.read(tty, 65536).decode(errors="replace").replace("\r\n", "\n")


@pytest.mark.slow  # end to end or many runs; CI runs it
@pytest.mark.skipif(__import__("sys").platform == "win32", reason="pseudo-terminals are POSIX")
def test_two_teams_in_two_terminals_on_one_machine(tmp_path):
    """`play --seat US --seat China --remote China` in one terminal, `join 127.0.0.1:PORT --code C` in another."""
    import os
    import re

    from test_play import spawn, wait_for

    host, host_tty = spawn(["play", "--seat", "US", "--seat", "China", "--remote", "China", "--rounds", "1",
                            "--no-plot", "--out", "out"], tmp_path)
    guest = guest_tty = None
    try:
        here = [""]
        wait_for(host_tty, "--code ", here)
        joining = re.compile(r"join (127\.0\.0\.1:\d+) --code ([0-9A-F]{6})\n")
        while not joining.search(here[0]):  # the command line may come in pieces
            read_more(host_tty, here)
        address, code = joining.search(here[0]).groups()
        guest, guest_tty = spawn(["join", address, "--code", code], tmp_path)
        there = [""]
        wait_for(guest_tty, "Joined: you play China.", there)
        wait_for(host_tty, "[p]ropose a package or [n]o offer this round? ", here)
        assert "--- US's turn" in here[0] and "Round 1 of 1" in here[0]
        os.write(host_tty, b"n\n")
        wait_for(host_tty, "Enter to hold them all: ", here)
        os.write(host_tty, b"\n")
        wait_for(guest_tty, "Enter to hold them all: ", there)  # China's questions come to the second terminal
        assert "--- China's turn" in there[0] and "Round 1 of 1" in there[0] and "US's turn" not in there[0]
        assert "Worth to you at today's levels 0.695" in there[0] and "0.695" not in here[0]
        os.write(guest_tty, b"raise 1\n")
        wait_for(guest_tty, "Enter when done: ", there)
        os.write(guest_tty, b"\n")
        wait_for(host_tty, "Next: python run.py debrief", here)
        wait_for(guest_tty, "Next: python run.py debrief", there)  # the second terminal is told how it ended
        assert "The game is over. Wrote " in there[0]
        assert host.wait(timeout=20) == 0 and guest.wait(timeout=20) == 0
        assert "China's turn" not in here[0]
    finally:
        for proc, tty in ((host, host_tty), (guest, guest_tty)):
            if proc is not None:
                proc.kill()
                os.close(tty)
    story = next((tmp_path / "out").glob("*/story.md")).read_text()
    assert "China raises its tariff on US 10% -> 20% (the players' decision)." in story


# ============================================================================ the seat's real controls (item 4)


@pytest.mark.parametrize("seats", [["US"], ["China"], ["US", "China"]])
def test_every_choice_a_question_offers_as_a_button_is_an_answer_the_game_accepts(tmp_path, seats):
    """The page's buttons send the answers a question offers (play.Question.choices) as if typed; a game driven
    only by them, at random, never hears "that is not an answer" and reaches its end. Every question that
    offers choices says what kind it is, and the kinds the page shows as buttons all occur."""
    import random

    from negotiation.teaching.play import Question

    for seed in range(3):
        pick, kinds, refused = random.Random(seed), set(), []

        def ask(prompt):
            if "press Enter when only your team can see" in prompt:  # two teams at one terminal: not a question
                return ""
            assert isinstance(prompt, Question) and prompt.choices, prompt
            kinds.add(prompt.kind)  # noqa: B023 - each seed's own set, used before the next seed begins
            return pick.choice(prompt.choices)[0]  # noqa: B023

        def say(text):
            if str(text).startswith("  ! "):  # how a question says an answer made no sense (Prompter.question)
                refused.append(text)  # noqa: B023 - as above

        end = start(DEFAULT, seats, seed=seed, rounds=6, out=tmp_path, plot=False, instructor=True, ask=ask, say=say)
        assert not end.paused and refused == [], (seed, refused)
        assert {"propose", "act", "inject"} <= kinds, kinds


def test_a_level_question_offers_the_instruments_whole_grid_and_its_top():
    from negotiation.teaching.play import Facts, level_parser

    f = Facts(load_scenario(DEFAULT))
    parse = level_parser(f, "us_tariff_cn", 30)
    answers = [a for a, _ in parse.choices]
    assert answers[0] == "" and answers[-1] == "=" and "145" in answers and "140" in answers and "143" not in answers
    assert dict(parse.choices)["145"] == "145%" and dict(parse.choices)[""] == "keep 30%"
    assert all(parse(a) is not None for a in answers)


@pytest.mark.parametrize("answer", ["n", "y"])
def test_an_official_of_a_human_seat_asks_the_players_before_moving_within_its_mandate(tmp_path, answer):
    """Item 1: Lutnick may raise chip controls a step on his own (his mandate); with people in the US seat he asks
    first. Stopped, nothing moves and the story says the players stopped him; allowed, the story says they consented."""
    from test_play import Player, same_files

    from negotiation.game.records import OfficialMoved, OfficialStopped
    from negotiation.story import sentence
    from negotiation.teaching.play import replay

    p = Player(defaults={**ENTER_ONLY["defaults"], "mandate": answer})
    end = start(DEFAULT, ["US"], seed=2, rounds=2, out=tmp_path, plot=False, ask=p.ask, say=p.say)
    assert "Howard Lutnick would move, within the mandate the scenario gives them: US chip" in p.text
    assert any("Let Lutnick do it?" in line for line in p.screen)
    log, s = end.result.log, load_scenario(DEFAULT)
    moves = [e for e in log if isinstance(e, (OfficialMoved, OfficialStopped)) and e.round == 1]
    assert len(moves) == 1 and moves[0].official == "Lutnick"
    chips = [r["level_us_chips_cn"] for r in end.result.rows[:2]]
    if answer == "n":
        assert isinstance(moves[0], OfficialStopped) and chips[0] == chips[1]
        assert "US's players stopped it" in sentence(moves[0], s)
    else:
        assert isinstance(moves[0], OfficialMoved) and moves[0].consented and chips[1] > chips[0]
        assert "with the consent of US's players" in sentence(moves[0], s)
    same_files(end.folder, replay(end.transcript, out=tmp_path / "again", ask=None, say=None, plot=False).folder)
    bot_moves: list = []  # with bots in every seat, officials move and nobody is asked
    for seed in range(30):
        bots = TradeTalksModel(s, seed)
        bots.run()
        bot_moves += [e for e in bots.log if isinstance(e, (OfficialMoved, OfficialStopped))]
        if bot_moves:
            break
    assert bot_moves and all(isinstance(e, OfficialMoved) and not e.consented for e in bot_moves)
