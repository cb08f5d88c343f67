"""The classroom page in a real browser (Debian's Chromium driven by Playwright), served offline on 127.0.0.1."""

from __future__ import annotations

import time

import pytest
from browser import Session, chromium, need_browser, serve

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def page_server():
    need_browser()
    with serve() as url, chromium() as browser:
        yield url, browser


def test_the_page_loads_offline_without_console_errors(page_server):
    url, browser = page_server
    s = Session(browser, url)
    assert s.round() == 0
    assert "Trade talks" in s.page.content()
    s.page.get_by_role("tab", name="Where things stand").click()
    s.page.get_by_text("Agreements in force").wait_for(timeout=15_000)
    assert "Geneva truce" in s.page.content() and "round 10 (7 Aug 2025)" in s.page.content()
    s.shot("page-loaded-state")
    s.page.get_by_role("tab", name="The run").click()
    assert s.page.get_by_role("tab").all_inner_texts() == ["THE RUN", "WHERE THINGS STAND", "PLAY A SEAT", "TWO TEAMS", "INSTRUCTOR"]
    assert s.errors == [] and s.external == [] and not s.broken()
    s.close()


def test_the_chart_answers_a_hover_with_the_value_in_words_and_marks_the_agreement(page_server):
    """Issue 15: an interactive chart (Vega-Lite, drawn in the browser), not a redrawn picture."""
    url, browser = page_server
    when, _ = first_agreement()
    s = Session(browser, url)
    s.step(when)
    chart = s.page.locator(".vega-embed").first
    box = chart.bounding_box()
    assert box is not None
    tip = s.page.locator("#vg-tooltip-element")
    seen = []
    for dx in range(60, 420, 30):  # across the tariffs panel, until a line's point answers
        s.page.mouse.move(box["x"] + dx, box["y"] + 120)
        s.page.wait_for_timeout(150)
        if tip.count() and tip.is_visible():
            seen.append(tip.inner_text())
    assert any("tariff on" in text and "%" in text and "2025" in text for text in seen), seen
    events = []  # and on the agreement's rule, what happened, in the story's words
    for dx in range(40, 440, 3):
        s.page.mouse.move(box["x"] + dx, box["y"] + 150)
        s.page.wait_for_timeout(30)
        if tip.count() and tip.is_visible() and "agreement" in tip.inner_text():
            events.append(tip.inner_text())
            break
    assert events and "Agreement signed between" in events[0] and f"{when}" in events[0], events
    s.page.mouse.move(box["x"] + 200, box["y"] + 120)
    s.page.wait_for_timeout(200)
    s.shot("page-chart-hover")
    assert s.errors == [] and s.external == [] and not s.broken()
    s.close()


def first_agreement(seed: int = 1) -> tuple[int, str]:
    """When the page's default game (the June scenario, its own bots) first signs, and the story's words for it."""
    from conftest import DEFAULT

    from negotiation.game.model import TradeTalksModel
    from negotiation.game.records import Signed
    from negotiation.scenario import load_scenario
    from negotiation.story import sentence

    s = load_scenario(DEFAULT)
    m = TradeTalksModel(s, seed)
    m.run()
    signed = next(e for e in m.log if isinstance(e, Signed))
    return signed.round, sentence(signed, s)[:40]


def test_stepping_moves_the_plots_and_the_log(page_server):
    url, browser = page_server
    when, words = first_agreement()
    s = Session(browser, url)
    plot, story = s.plot(), s.story()
    s.step(when)
    assert s.round() == when
    assert s.plot() != plot
    lines = s.story()
    assert lines != story and any(line.startswith(f"Round {when}: {words}") for line in lines)
    s.shot("page-after-seven-rounds")
    assert s.errors == [] and s.external == [] and not s.broken()
    s.close()


def test_a_control_changes_the_run(page_server):
    url, browser = page_server
    s = Session(browser, url)
    s.step(7)
    default_story = s.story()
    page = s.page
    page.get_by_label("Seat A (US) strategy").click(force=True)
    page.get_by_role("option", name="hard_line").click()
    page.get_by_role("button", name="Reset").click()
    page.get_by_text("Round 0 of", exact=False).first.wait_for(timeout=15_000)
    s.step(7)
    assert s.story() != default_story
    assert any("hard line" in line for line in s.story())
    s.shot("page-hard-line")
    s.close()


def test_two_sessions_stay_apart(page_server):
    url, browser = page_server
    a, b = Session(browser, url), Session(browser, url)
    a.step(3)
    b.page.reload()
    b.page.get_by_role("button", name="Step").wait_for(timeout=30_000)
    assert a.round() == 3 and b.round() == 0
    b.step(1)
    assert a.round() == 3 and b.round() == 1
    a.close()
    b.close()


ANSWERS = ["p", "10", "0", "0", "2", "1", "", "", "y"]  # US offers a package in round 1 (purchases as now); China counters
BUTTONS = {"p": "propose", "y": "yes", "a": "accept", "r": "reject", "10": "10%"}  # answers given by a button


def terminal_reference(tmp_path, last: str) -> list[str]:
    """The same answers at the terminal (play.py), in-process: what the rules say should happen."""
    from conftest import DEFAULT

    from negotiation.teaching import play

    answers = iter(ANSWERS + [last])
    lines: list[str] = []

    def ask(prompt):
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None

    play.start(DEFAULT, ["US"], seed=1, out=tmp_path, ask=ask, say=lines.append, plot=False)
    return lines


@pytest.mark.parametrize("last,outcome", [("a", "Agreement signed between China and US"), ("r", "US rejects the counter-offer")])
def test_a_seat_in_the_browser_plays_by_the_terminal_rules(page_server, tmp_path, last, outcome):
    url, browser = page_server
    reference = "\n".join(terminal_reference(tmp_path, last))
    assert "China counters" in reference and outcome in reference
    s = Session(browser, url)
    page = s.page
    page.get_by_role("tab", name="Play a seat").click()
    page.get_by_role("button", name="Take the seat").click()
    for text in ANSWERS + [last]:
        page.locator(".seat-prompt").wait_for(timeout=20_000)
        before = page.locator(".seat-screen").inner_text()
        if text in BUTTONS:  # the seat's real controls: a button for each choice the question offers
            page.locator(".seat-choice").filter(has_text=BUTTONS[text]).first.click()
        else:  # typed as at the terminal
            page.get_by_label("Your answer").fill(text)
            page.locator(".seat-send").click()
        page.wait_for_function("(b) => document.querySelector('.seat-screen').innerText !== b", arg=before, timeout=20_000)
    page.get_by_text("Move one", exact=False).first.wait_for(timeout=20_000)
    screen = page.locator(".seat-screen").inner_text()
    assert "China counters" in screen and outcome in screen
    offer = page.locator(".seat-table").filter(has_text="in the package")  # the offers drawn as tables
    assert offer.count() >= 1 and "US tariff on China" in offer.first.inner_text()
    if last == "a":
        assert "Agreement signed between China and US" in screen
    else:
        assert "Agreement signed" not in screen
    s.shot(f"page-seat-{'accept' if last == 'a' else 'reject'}")
    assert s.errors == [] and not s.broken()
    s.close()


def test_the_page_answers_only_requests_for_a_loopback_host(page_server):
    """DNS rebinding: a request the browser sends for another site's name, to 127.0.0.1, is refused (issue 14)."""
    import urllib.error
    import urllib.request

    url, _ = page_server
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Host": "localhost"}), timeout=10) as r:
        assert r.status == 200
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(url, headers={"Host": "rebound.example"}), timeout=10)
    assert refused.value.code == 400


def test_a_bad_seed_in_the_seat_card_is_refused_on_the_page_and_the_game_still_starts(page_server):
    """Before: a seed of -5 in the seat card killed the game's thread with a ValidationError (issue 14)."""
    url, browser = page_server
    s = Session(browser, url)
    page = s.page
    page.get_by_role("tab", name="Play a seat").click()
    seed = page.locator(".v-card", has_text="Take a seat").get_by_label("Seed")  # not the sidebar's slider
    seed.fill("-5")
    seed.press("Enter")
    page.get_by_role("button", name="Take the seat").click()
    page.locator(".seat-refused").wait_for(timeout=15_000)
    assert "Seed: -5 is outside 0-" in page.locator(".seat-refused").inner_text()
    seed.fill("3")
    seed.press("Enter")
    page.get_by_role("button", name="Take the seat").click()
    page.locator(".seat-prompt").wait_for(timeout=20_000)
    assert "seed 3" in page.locator(".seat-screen").inner_text()
    assert s.errors == [] and not s.broken()
    s.close()


def join_game(page, code: str, seat: str) -> None:
    card = page.locator(".v-card", has_text="Two teams")
    box = card.get_by_label("Game code")
    box.fill(code)
    box.press("Enter")  # the text field sends its value to the server on Enter (or blur), not on every key
    card.locator(".team-seat").get_by_role("button", name=seat, exact=True).click()
    page.locator(".team-join").click()
    page.locator(".team-joined").wait_for(timeout=40_000)


def test_two_browsers_play_one_game_each_seeing_its_own_values_and_the_instructor_sees_both(page_server):
    """Issue 15: two teams, a browser each, one game on the server (by its code), and the instructor's view."""
    url, browser = page_server
    a, b, teacher = Session(browser, url), Session(browser, url), Session(browser, url)
    a.page.get_by_role("tab", name="Two teams").click()
    a.page.locator(".team-open").click()
    code = a.page.locator(".team-code").inner_text().split(":")[1].strip()
    assert len(code) == 4
    join_game(a.page, code, "US")
    b.page.get_by_role("tab", name="Two teams").click()
    join_game(b.page, code, "China")
    teacher.page.get_by_role("tab", name="Instructor").click()
    card = teacher.page.locator(".v-card", has_text="Instructor")
    box = card.get_by_label("Game code")
    box.fill(code)
    box.press("Enter")
    teacher.page.locator(".instructor-watch").click()
    teacher.page.locator(".instructor-prompt").wait_for(timeout=30_000)  # the instructor is asked first
    state = teacher.page.locator(".instructor-state").inner_text()
    for part in ("Instructor's view after round 0", "Values (utility 0-1", "US", "China", "Geneva truce"):
        assert part in state, part
    teacher.page.get_by_label("Your answer").fill("")
    teacher.page.locator(".instructor-send").click()
    a.page.locator(".team-prompt").wait_for(timeout=30_000)
    us = a.page.locator(".team-screen").inner_text()
    assert "--- US's turn" in us and "Worth to you at today's levels" in us and "China's turn" not in us
    a.page.get_by_label("Your answer").fill("n")
    a.page.locator(".team-send").click()
    a.page.get_by_text("Move one", exact=False).first.wait_for(timeout=20_000)
    a.page.get_by_label("Your answer").fill("")
    a.page.locator(".team-send").click()
    b.page.locator(".team-prompt").wait_for(timeout=30_000)
    china = b.page.locator(".team-screen").inner_text()
    assert "--- China's turn" in china and "US's turn" not in china and "Round 1 of" in china
    assert "To US:" not in china
    teacher.page.locator(".instructor-pause").click()
    teacher.page.get_by_role("button", name="Resume the game").wait_for(timeout=10_000)
    b.page.locator(".team-paused").wait_for(timeout=10_000)  # the teams are told
    teacher.page.get_by_role("button", name="Resume the game").click()
    b.page.locator(".team-paused").wait_for(state="detached", timeout=10_000)
    # The instructor's page follows the game on its own: once both teams have played round 1, it asks
    # before round 2 with no click of the instructor's (it once stayed on round 1 until Watch was clicked again).
    deadline = time.monotonic() + 90
    while "before round 2" not in (teacher.page.locator(".instructor-prompt").all_inner_texts() or [""])[0]:
        assert time.monotonic() < deadline, "the instructor's page never showed round 2's question"
        for s in (a, b):
            prompt = s.page.locator(".team-prompt").all_inner_texts()
            if prompt:
                said = "n" if "[n]o" in prompt[0] else "r" if "[r]eject" in prompt[0] else ""
                s.page.get_by_label("Your answer").fill(said)
                s.page.locator(".team-send").click()
                s.page.wait_for_timeout(500)
        teacher.page.wait_for_timeout(300)
    assert "after round 1 of" in teacher.page.locator(".instructor-state").inner_text()
    for s, name in ((a, "page-teams-us"), (b, "page-teams-china"), (teacher, "page-instructor")):
        s.shot(name)
        assert s.errors == [] and not s.broken()
        s.close()
