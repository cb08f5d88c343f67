"""Play in the terminal, instructor injects, transcripts, resume and replay (issue 5, points 2-4).

The game is driven through its injected `ask`/`say` with scripted answers, and once through a
real pseudo-terminal running `run.py play`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import select
import shutil
import subprocess
import sys
import time
from collections import deque
from contextlib import redirect_stderr
from pathlib import Path

import pytest
from conftest import DEFAULT, ROOT

from negotiation.cli import main
from negotiation.common.errors import InputError
from negotiation.game.model import TradeTalksModel
from negotiation.game.records import BreachNeverFound, Change, OpenBreach, QuietBreach
from negotiation.story import sentence, visible
from negotiation.teaching.debrief import read_run
from negotiation.teaching.play import HumanSeat, replay, resume, start

RUN_FILES = ("rounds.csv", "log.csv", "story.md", "summary.json")

# Which question a prompt asks, by a fragment only that prompt has (checked in order).
KINDS = (("Your turn to propose", "propose"), ("Send your", "send"), ("(now ", "level"),
         ("Lasting how many", "duration"), ("or [c]ounter?", "respond"), ("counter-offer?", "respond"),
         ("Move one", "act"), ("Do you ratify", "ratify"), ("Instructor,", "inject"),
         ("press Enter when only your team", "handover"), ("(stop them)", "mandate"))


class Player:
    """Answers each kind of prompt from its own script, then from a default; no answer left is end of input.

    Keeps the screen (prompts, answers and everything said) and the answers given, in order.
    """

    def __init__(self, defaults: dict[str, str] | None = None, limit: int | None = None, **scripts: list[str]):
        self.scripts = {kind: deque(answers) for kind, answers in scripts.items()}
        self.defaults = defaults or {}
        self.limit = limit
        self.screen: list[str] = []
        self.given: list[str] = []

    def ask(self, prompt: str) -> str:
        self.screen.append(prompt)
        kind = next(k for fragment, k in KINDS if fragment in prompt)
        if kind == "handover" and kind not in self.scripts:  # passing the keyboard between teams: Enter
            return ""
        queue = self.scripts.get(kind)
        if len(self.given) == self.limit or not (queue or kind in self.defaults) or len(self.given) > 300:
            raise EOFError
        answer = queue.popleft() if queue else self.defaults[kind]
        self.given.append(answer)
        self.screen.append(answer)
        return answer

    def say(self, text: str) -> None:
        self.screen.append(text)

    @property
    def text(self) -> str:
        return "\n".join(self.screen)


class Typist:
    """Types a fixed list of answers, whatever is asked; then end of input (or Ctrl-C)."""

    def __init__(self, answers: list[str], then: type[BaseException] = EOFError):
        self.answers = deque(answers)
        self.then = then
        self.screen: list[str] = []

    def ask(self, prompt: str) -> str:
        self.screen.append(prompt)
        if not self.answers:
            raise self.then
        return self.answers.popleft()

    def say(self, text: str) -> None:
        self.screen.append(text)


# A US seat that offers a package in round 1, accepts China's counter, and cuts its tariff in round 2.
DEAL = {"defaults": {"act": "", "respond": "r", "propose": "n"}, "propose": ["p"], "level": ["20", "0", "0", "="],
        "duration": [""], "send": ["y"], "respond": ["a"], "act": ["", "lower tariff"]}
# A US seat that never deals and raises its tariff on China every round.
HAWK = {"defaults": {"respond": "r", "propose": "n", "inject": ""}, "act": ["raise tariff", ""] * 5}


def play(tmp_path, player, seats=("US",), rounds=3, **options):
    return start(DEFAULT, list(seats), rounds=rounds, out=tmp_path, ask=player.ask, say=player.say, plot=False, **options)


def rows(folder: Path) -> list[dict]:
    return list(csv.DictReader((folder / "rounds.csv").open()))


def log(folder: Path) -> list[dict]:
    return list(csv.DictReader((folder / "log.csv").open()))


def same_files(a: Path, b: Path, names=RUN_FILES) -> None:
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


# ============================================================================ the terminal game


def test_a_full_short_game_with_one_human_seat(tmp_path):
    p = Player(**DEAL)
    end = play(tmp_path, p)
    assert not end.paused and end.result is not None
    screen = p.text
    # the state table, the seat's utility and no-deal value, trust, the agreement in force, the news
    for shown in ("US tariff on China *", "China mineral export controls on US", "level 2 (broad)",
                  "In force: the Geneva truce with China, until round 10 (7 Aug 2025)",
                  "Worth to you at today's levels 0.707; if talks with China fail (no deal) 0.682",
                  "Your trust in China: 0.47", "What others did to you: China made a gesture of goodwill"):
        assert shown in screen, shown
    # what its own offer and China's counter are worth to it; China's values stay private
    assert "worth to you 0.837 (no deal 0.682)\n" in screen
    assert "China counters, for 13 rounds (91 days; * marks a change)" in screen
    assert "worth to you 0.832 (no deal 0.682)\n" in screen
    assert "to China 0.694" not in screen and "0.647" not in screen and "0.920" not in screen
    # what it chose is what happened
    story = end.result.story()
    assert ("US offers: US tariff on China 30% -> 20%; China tariff on US 10% -> 0%; China mineral export controls "
            "on US level 2 (broad) -> level 0 (none), for 13 rounds") in story
    assert "- US accepts." in story and "Agreement signed between China and US" in story
    assert "US lowers its tariff on China 30% -> 20% (the players' decision)." in story
    table = rows(end.folder)
    assert [float(r["level_us_tariff_cn"]) for r in table] == [30.0, 30.0, 20.0, 20.0]
    # a normal run folder: the debrief reads it, and its manifest names the human seat
    folder = read_run(end.folder)
    assert folder.manifest["strategies"]["US"] == "human" and folder.manifest["session"]["seats"] == ["US"]
    transcript = json.loads((end.folder / "transcript.json").read_text())
    assert transcript["finished"] and [a["answer"] for a in transcript["answers"]] == p.given
    assert {a["kind"] for a in transcript["answers"]} == {"propose", "level", "duration", "send", "respond", "act"}


def test_bad_input_reprompts_with_an_explanation(tmp_path):
    p = Player(defaults={"act": "", "respond": "r", "propose": "n"}, propose=["?", "perhaps", "p"],
               level=["abc", "500", "25", "20", "="], duration=["0", "soon", "4"], send=["y"], respond=["maybe", "r"],
               act=["raise 9", "jump 1", "lower", "raise chips", "raise chips", ""])
    end = play(tmp_path, p, rounds=1)
    screen = p.text
    for explanation in ("'perhaps' is not a choice here: type p (propose), n (no)",
                        "'abc' is not a number: type a level such as 30 (0-145% in steps of 10, or 145% itself), or Enter to keep 30",
                        "500 is out of range: US tariff on China goes from 0 to 145",
                        "US tariff on China moves in steps of 10: try 20 or 30",
                        "0 is out of range: an agreement lasts 1 to 520 rounds",
                        "'soon' is not a whole number of rounds",
                        "'maybe' is not a choice here: type a (accept), r (reject)",
                        "no instrument of yours matches '9': choose 1-3 or a name (1 us_tariff_cn, 2 us_chips_cn, 3 us_visas_cn)",
                        "'jump 1': say raise, lower or hold and one instrument",
                        "'lower': say raise, lower or hold and one instrument"):
        assert explanation in screen, explanation
    # each question is asked again until it gets a valid answer, which is the one that counts
    assert screen.count("Your turn to propose") == 3 and screen.count("Lasting how many rounds") == 3
    assert screen.count("US, round 1 (5 Jun 2025):") == 2  # '?' shows the table again
    story = end.result.story()
    assert "US offers: US tariff on China 30% -> 20%, for 4 rounds (28 days)." in story
    # raising chips twice in one round is still one step
    assert "US raises its chip export controls on China level 2 (broad) -> level 3 (sweeping)" in story
    assert float(rows(end.folder)[1]["level_us_chips_cn"]) == 3.0


@pytest.mark.parametrize("stop", ["end of input", "quit", "ctrl-c"])
def test_a_stopped_session_is_saved_and_resumes_to_the_same_game(tmp_path, stop):
    whole = Player(**DEAL)
    full = play(tmp_path / "whole", whole)
    cut = 9  # answers given before stopping: in round 2, before the tariff cut
    first = Typist(whole.given[:cut] + (["quit"] if stop == "quit" else []),
                   then=KeyboardInterrupt if stop == "ctrl-c" else EOFError)
    end = play(tmp_path / "cut", first)
    assert end.paused and end.saved and end.result is None and end.interrupted == (stop == "ctrl-c")
    assert "Resume it with: python run.py play --resume" in end.message and end.round == 2
    saved = json.loads(end.transcript.read_text())
    assert not saved["finished"] and [a["answer"] for a in saved["answers"]] == whole.given[:cut]
    assert not (end.folder / "rounds.csv").exists()

    second = Typist(whole.given[cut:])
    done = resume(end.transcript, ask=second.ask, say=second.say, plot=False)
    assert not done.paused and done.folder == end.folder
    assert "(Resumed: the recorded answers are replayed" in "\n".join(second.screen)
    same_files(full.folder, done.folder)
    assert [a["answer"] for a in json.loads(done.transcript.read_text())["answers"]] == whole.given


def test_two_human_seats_take_turns_on_one_terminal(tmp_path):
    p = Player(defaults={"act": "", "respond": "r", "propose": "n", "handover": ""}, propose=["p", "n"], level=["="],
               duration=[""], send=["y"], act=["", "raise 1"])
    end = play(tmp_path, p, seats=("US", "China"), rounds=1)
    screen = p.text
    assert screen.index("--- US's turn") < screen.index("--- China's turn") < screen.rindex("--- US's turn")
    assert "China offers" not in screen  # China's seat answered the US offer rather than bots
    assert "China rejects the offer" in end.result.story()
    assert "China raises its tariff on US 10% -> 20% (the players' decision)" in end.result.story()


def test_the_human_seat_is_a_strategy_any_model_can_use(default_scenario):
    typed, screen = Typist(["n", "lower visas", ""]), []
    model = TradeTalksModel(default_scenario, 1, rounds=1,
                            strategies={"US": HumanSeat(default_scenario, ask=typed.ask, say=screen.append)})
    model.step()
    assert typed.screen[0].startswith("Your turn to propose to China") and not typed.answers
    assert "US has no offer to make to China." in [sentence(e, default_scenario) for e in model.log]
    assert model.levels[model.inst_index["us_visas_cn"]] == 1
    assert any("US visa restrictions on China *" in text for text in screen)


def test_a_quiet_breach_shows_only_to_the_side_that_broke():
    quiet = QuietBreach(3, "US", "x", Change("us_chips_cn", 0.0, 1.0), "China")
    never_found = BreachNeverFound(3, "US", "x")
    open_ = OpenBreach(3, "US", "x")
    assert visible(quiet, "US") and not visible(quiet, "China") and visible(open_, "China")
    assert not visible(never_found, "China") and visible(never_found, None)


# ============================================================================ the leader's ratification


def test_a_leader_seat_is_asked_to_ratify_and_its_no_blocks_the_deal(tmp_path):
    p = Player(defaults={"ratify": "y"}, ratify=["n"])
    end = play(tmp_path, p, seats=("US-Trump",), rounds=12)
    screen = p.text
    assert "US and China have agreed a package; it binds US only if you ratify it." in screen
    for official in ("Trump (you)  leader      40%", "Bessent      negotiator  25%", "Lutnick      minister    20%  ",
                     "it needs your yes and 50%"):
        assert official in screen, official
    entries = log(end.folder)
    refused = [e for e in entries if e["kind"] == "ratification" and "refuses" in e["text"]]
    assert refused and "US's leader (President Donald Trump)" in refused[0]["text"]
    first_no = int(refused[0]["round"])
    signed = [int(e["round"]) for e in entries if e["kind"] == "agreement" and e["actor"] == ""]
    assert first_no not in signed  # the leader's no blocked that round's package
    # the bots alone, from the same start, do not follow the same path: the human leader's no changed the game
    bots = TradeTalksModel(end.result.scenario, 1, rounds=12)
    bots.run()
    assert [e.round for e in bots.log if e.kind.value == "agreement"] != signed


def test_a_human_leader_cannot_bind_a_package_below_no_deal(default_scenario):
    asked = []

    def always_yes(request):
        asked.append(request)
        return True

    model = TradeTalksModel(default_scenario, 1, rounds=12, ratifiers={"China": always_yes})
    model.run()
    assert asked and all(r.government == "China" and r.counterpart == "US" for r in asked)
    for r in asked:  # only packages that beat no deal reach the leader
        value = sum(r.influence[o] * v for o, (v, _) in r.values.items())
        no_deal = sum(r.influence[o] * n for o, (_, n) in r.values.items())
        assert value > no_deal
    vetoed = TradeTalksModel(default_scenario, 1, rounds=12, ratifiers={"China": lambda r: False})
    vetoed.run()
    assert not any(e.kind.value == "agreement" for e in vetoed.log)
    assert any(sentence(e, vetoed.config).startswith("China's leader (President Xi Jinping) refuses to ratify")
               for e in vetoed.log)


# ============================================================================ injects


def test_an_inject_from_a_lesson_file_appears_in_the_log_and_transcript(tmp_path):
    lesson = tmp_path / "lesson.yaml"
    lesson.write_text("title: a sell-off\ninjects:\n  - {round: 2, name: market_selloff}\n")
    end = play(tmp_path, Player(defaults={"ratify": "y"}), seats=("US-Trump",), lesson_file=lesson)
    events = [e for e in log(end.folder) if e["kind"] == "event" and e["round"] == "2" and "market_selloff" in e["data"]]
    assert [e["text"] for e in events] == ["A global equity sell-off: it adds 0.30 to market stress (which then fades as usual)."]
    assert json.loads(events[0]["data"])["event"] == "market_selloff"
    assert json.loads(end.transcript.read_text())["injects"] == [{"round": 2, "name": "market_selloff", "by": "lesson"}]


def test_the_instructor_is_offered_the_injects_and_unknown_names_reprompt(tmp_path):
    p = Player(defaults={"ratify": "y"}, inject=["boom", "court_strikes_tariffs", ""])
    end = play(tmp_path, p, seats=("US-Trump",), rounds=2, instructor=True)
    assert ("no inject 'boom' in this scenario: type one of court_strikes_tariffs, rare_earth_squeeze, new_chip_rule, "
            "market_selloff, '?' for the whole state, or Enter for none") in p.text
    first = [e["text"] for e in log(end.folder) if e["round"] == "1" and e["kind"] == "event"]
    assert ("A federal court rules the emergency tariffs unlawful and they are suspended: US tariff on China 30% -> 0%"
            " - a court's ruling, no one's concession and no one's hostile act." in first)
    assert float(rows(end.folder)[1]["level_us_tariff_cn"]) < 30
    assert json.loads(end.transcript.read_text())["injects"] == [
        {"round": 1, "name": "court_strikes_tariffs", "by": "instructor"}]


@pytest.mark.parametrize("text, field, problem", [
    ("injects:\n  - {round: 2, name: market_selloff}\ncolour: red\n", "colour", "unknown field"),
    ("injects:\n  - {round: 2, name: market_selof}\n", "injects[0].name", "did you mean 'market_selloff'?"),
    ("injects:\n  - {round: 30, name: market_selloff}\n", "injects[0].round", "outside this game's rounds 1-26"),
])
def test_a_bad_lesson_file_is_one_clear_error(tmp_path, text, field, problem):
    lesson = tmp_path / "lesson.yaml"
    lesson.write_text(text)
    with pytest.raises(InputError) as err:
        start(DEFAULT, ["US"], lesson_file=lesson, out=tmp_path, ask=None, say=None)
    message = err.value.render()
    assert message.startswith(str(lesson)) and f"{field}: " in message and problem in message
    assert not list(tmp_path.glob("june_2025_call-*"))  # nothing started


# ============================================================================ replay


def test_replay_reproduces_a_session_exactly(tmp_path):
    p = Player(defaults={"act": "", "respond": "r", "propose": "n", "inject": ""}, propose=["p", "n"],
               level=["20", "0", "0", "="], duration=[""], send=["y"], respond=["a", "x", "r"],
               act=["", "raise visas", "", "lower chips"], inject=["", "rare_earth_squeeze"])
    session = play(tmp_path, p, seats=("US", "China"), rounds=4, instructor=True)
    again = replay(session.transcript, out=tmp_path / "replays", ask=None, say=None, plot=False)
    assert again.folder.parent == tmp_path / "replays"
    same_files(session.folder, again.folder)
    original = json.loads(session.transcript.read_text())
    copy = json.loads(again.transcript.read_text())
    assert copy["answers"] == original["answers"] and copy["injects"] == original["injects"]
    assert copy["replay_of"] == str(session.transcript.resolve())
    # and the replay of the replay too
    same_files(session.folder, replay(again.transcript, plot=False).folder)


def test_replay_from_a_round_with_bots_keeps_the_past_and_changes_the_future(tmp_path):
    session = play(tmp_path, Player(**HAWK), rounds=5)
    assert not session.paused
    what_if = replay(session.transcript, from_round=3, bots=True, plot=False)
    assert what_if.folder.name.endswith("-from3-bots")
    before, after = rows(session.folder), rows(what_if.folder)
    assert before[:3] == after[:3]  # rounds 0-2: the human's choices, replayed
    assert [float(r["level_us_tariff_cn"]) for r in before] == [30, 40, 50, 60, 70, 80]
    old, new = log(session.folder), log(what_if.folder)
    assert [e for e in old if int(e["round"]) < 3] == [e for e in new if int(e["round"]) < 3]
    assert [e for e in old if e["round"] == "3"] != [e for e in new if e["round"] == "3"]
    # the bot makes offers where the hawk made none, and later deals where it escalated
    assert any(e["kind"] == "offer" and e["actor"] == "US" for e in new if e["round"] == "3")
    assert float(after[-1]["level_us_tariff_cn"]) < float(before[-1]["level_us_tariff_cn"])
    assert not any("the players' decision" in e["text"] for e in new if int(e["round"]) >= 3)
    record = json.loads(what_if.transcript.read_text())
    assert record["bots_from"] == 3 and {a["round"] for a in record["answers"]} == {1, 2}
    assert json.loads((what_if.folder / "manifest.json").read_text())["strategies"]["US"].startswith(
        "human to round 2, then time_concession(")
    # the what-if is itself a session that replays exactly
    same_files(what_if.folder, replay(what_if.transcript, plot=False).folder)


def test_a_transcript_whose_scenario_changed_is_refused(tmp_path):
    scenario = tmp_path / "scenario.yaml"
    shutil.copy(DEFAULT, scenario)
    session = start(scenario, ["US-Trump"], rounds=2, out=tmp_path, ask=Player({"ratify": "y"}).ask, say=lambda t: None,
                    plot=False)
    scenario.write_text(scenario.read_text().replace("trust: 0.1\n", "trust: 0.2\n", 1))
    err = io.StringIO()
    with redirect_stderr(err):
        code = main(["replay", str(session.transcript)])
    assert code == 2
    message = err.getvalue()
    assert message.startswith(f"error: {session.transcript}: scenario_hash: the scenario file {scenario} has changed")
    assert "replaying it would not reproduce the session" in message
    assert not list(tmp_path.glob("*-replay"))


# ============================================================================ a real terminal


def spawn(args, cwd):
    """`run.py ARGS` on a fresh pseudo-terminal, as its own session so that Ctrl-C reaches it."""
    master, slave = os.openpty()

    def controlling_terminal():
        import fcntl
        import termios

        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), *args], stdin=slave, stdout=slave, stderr=slave,
                            cwd=cwd, env={**os.environ, "TERM": "dumb"}, preexec_fn=controlling_terminal)
    os.close(slave)
    return proc, master


def wait_for(master: int, text: str, screen: list[str], seconds: float = 20) -> None:
    """Read the terminal until `text` shows (or fail, showing the screen)."""
    deadline = time.monotonic() + seconds
    while text not in screen[0]:
        left = deadline - time.monotonic()
        ready = select.select([master], [], [], max(left, 0))[0]
        try:
            data = os.read(master, 65536) if ready else b""
        except OSError:  # the game has exited and closed the terminal
            data = b""
        if not data:
            raise AssertionError(f"{text!r} never showed; the screen ends:\n{screen[0][-1500:]}")
        screen[0] += data.decode(errors="replace").replace("\r\n", "\n")


@pytest.mark.slow  # end to end or many runs; CI runs it
@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_play_in_a_real_terminal_then_ctrl_c_and_resume(tmp_path):
    proc, tty = spawn(["play", "--seat", "US", "--rounds", "2", "--no-plot", "--out", "out"], tmp_path)
    try:
        screen = [""]
        wait_for(tty, "[p]ropose a package or [n]o offer this round? ", screen)
        assert "US tariff on China *                 30%" in screen[0] and "Your trust in China: 0.47" in screen[0]
        os.write(tty, b"n\n")
        wait_for(tty, "Enter to hold them all: ", screen)
        os.write(tty, b"raise 7\n")
        wait_for(tty, "choose 1-3", screen)
        os.write(tty, b"raise 1\n")
        wait_for(tty, "Enter when done: ", screen)
        assert "planned: US tariff on China 30% -> 40%" in screen[0]
        assert "above your commitment (30%) under the Geneva truce" in screen[0]
        os.write(tty, b"\n")
        wait_for(tty, "Round 2 of 2", screen)
        wait_for(tty, "? ", screen)
        os.write(tty, b"\x03")  # Ctrl-C
        wait_for(tty, "Resume it with: python run.py play --resume ", screen)
        assert proc.wait(timeout=10) == 130
    finally:
        proc.kill()
        os.close(tty)
    transcript = next((tmp_path / "out").glob("*/transcript.json"))
    answers = json.loads(transcript.read_text())["answers"]
    assert [(a["round"], a["kind"], a["answer"]) for a in answers] == [  # the rejected 'raise 7' is not kept
        (1, "propose", "n"), (1, "act", "raise 1"), (1, "act", "")]

    proc, tty = spawn(["play", "--resume", str(transcript), "--no-plot"], tmp_path)
    try:
        screen = [""]
        wait_for(tty, "[a]ccept, [r]eject or [c]ounter? ", screen)  # the replay ends where Ctrl-C stopped it
        assert "(Resumed: the recorded answers are replayed" in screen[0]
        assert "(round 1) US raises its tariff on China 30% -> 40% (the players' decision)." in screen[0]
        assert "China offers, for 13 rounds" in screen[0]
        os.write(tty, b"r\n")
        wait_for(tty, "Enter to hold them all: ", screen)
        os.write(tty, b"\n")
        wait_for(tty, "Next: python run.py debrief", screen)
        assert proc.wait(timeout=10) == 0
    finally:
        proc.kill()
        os.close(tty)
    assert "China rejects" not in screen[0] and "US rejects the offer" in (transcript.parent / "story.md").read_text()
    assert [float(r["level_us_tariff_cn"]) for r in rows(transcript.parent)] == [30.0, 40.0, 40.0]


def test_open_information_shows_the_other_sides_values(tmp_path):
    """A class may choose to play with every side's values in view (the bargaining models' assumption)."""
    from negotiation.teaching import play as game

    p = Player(**DEAL)
    end = game.start(DEFAULT, ["US"], seed=1, rounds=3, out=tmp_path, ask=p.ask, say=p.say, plot=False,
                     open_information=True)
    assert not end.paused
    assert "worth to you 0.837 (no deal 0.682); to China 0.694 (no deal 0.647)" in p.text
    assert "To China: 0.695 today, 0.647 with no deal." in p.text
