"""The page's parts that need no browser: its chart's specification, the seat screen's blocks, the asset aliases."""

from __future__ import annotations

import asyncio

import pytest
from conftest import DEFAULT

from negotiation.game.model import TradeTalksModel
from negotiation.game.records import Signed
from negotiation.scenario import load_scenario


def played(rounds: int, seed: int = 1) -> TradeTalksModel:
    m = TradeTalksModel(load_scenario(DEFAULT), seed)
    for _ in range(rounds):
        m.step()
    return m


def test_the_chart_carries_every_line_with_its_value_in_words_and_marks_the_agreements():
    pytest.importorskip("altair")
    from negotiation.web.charts import PANELS, run_chart

    m = played(8)
    spec = run_chart(m)
    data = spec["datasets"]
    assert set(PANELS) | {"events"} == set(data)
    tariffs = {r["series"] for r in data["tariffs"]}
    assert tariffs == {"US tariff on China", "China tariff on US"}
    assert {r["round"] for r in data["tariffs"] if not r["tail"]} == set(range(m.round + 1))
    tail = [r for r in data["tariffs"] if r["tail"]]  # the newest level drawn as a step, one round on
    assert {r["round"] for r in tail} == {m.round + 1} and {r["series"] for r in tail} == tariffs
    assert "!datum.tail" in str(spec)  # ... which no hover answers
    assert any(r["text"] == "30%" for r in data["tariffs"])  # the tooltip's words, as the story says them
    signed = [e.round for e in m.log if isinstance(e, Signed)]
    assert signed and {r["round"] for r in data["events"] if r["event"] == "agreement"} == set(signed)
    text = str(spec)
    assert "'tooltip'" in text and "'orient': 'bottom'" in text and "'orient': 'top-left'" not in text
    assert spec["$schema"].endswith("/v5.json")  # what the page's offline Vega-Lite (5.2) reads without a warning


def test_the_chart_of_the_next_round_differs_only_in_its_data():
    pytest.importorskip("altair")
    from negotiation.web.charts import run_chart

    m = played(3)
    before = run_chart(m)
    m.step()
    after = run_chart(m)
    assert {k: v for k, v in before.items() if k != "datasets"} == {k: v for k, v in after.items() if k != "datasets"}
    assert len(after["datasets"]["tariffs"]) == len(before["datasets"]["tariffs"]) + 2


def test_the_seat_screen_keeps_tables_as_tables_and_the_newest_lines():
    from negotiation.teaching.play import table
    from negotiation.web.dashboard import SeatBridge

    b = SeatBridge()
    for k in range(60):
        b.say(f"line {k}")
    b.say(table(["instrument", "now"], [["US tariff on China", "30%"]]))
    b.say("after the table")
    blocks = b.screen(last=10)
    assert blocks[-1] == {"text": "after the table"}
    assert blocks[-2] == {"head": ["instrument", "now"], "rows": [["US tariff on China", "30%"]]}
    assert blocks[0]["text"].splitlines() == [f"line {k}" for k in range(53, 60)]  # 10 lines: 7 of text, the table's 2, 1


def test_the_asset_aliases_serve_a_major_version_from_the_stored_exact_one(tmp_path):
    from negotiation.web.server import CdnAliases

    for name in ("vega@5.21.0", "vega@5.3.1", "vega-lite@5.2.0", "requirejs@2.3.6", "vega-embed@6.20.2"):
        (tmp_path / name).mkdir()
    seen = []

    async def app(scope, receive, send):
        seen.append((scope["path"], scope["raw_path"]))

    guard = CdnAliases(app, tmp_path)
    for path in ("/_solara/cdn/vega@5/build/vega.min.js", "/_solara/cdn/vega-embed@6/build/vega-embed.min.js",
                 "/_solara/cdn/requirejs@2.3.6/require.js", "/static/main.js"):
        asyncio.run(guard({"type": "http", "path": path, "raw_path": path.encode()}, None, None))
    assert [p for p, _ in seen] == ["/_solara/cdn/vega@5.21.0/build/vega.min.js",  # the newest 5.x, not 5.3.1
                                    "/_solara/cdn/vega-embed@6.20.2/build/vega-embed.min.js",
                                    "/_solara/cdn/requirejs@2.3.6/require.js", "/static/main.js"]
    assert all(raw == p.encode() for p, raw in seen)


def test_the_story_shows_the_newest_round_first_and_each_round_in_the_order_it_happened():
    from negotiation.game.records import OfferMade
    from negotiation.story import sentence
    from negotiation.web.dashboard import story_lines

    m = played(8)
    lines = story_lines(m, last=len(m.log))
    rounds = [int(line.split(":", 1)[0].removeprefix("Round ")) for line in lines]
    assert rounds == sorted(rounds, reverse=True) and len(set(rounds)) > 1
    offer = next(i for i, e in enumerate(m.log) if isinstance(e, OfferMade))
    same = [e for e in m.log if e.round == m.log[offer].round]
    first = lines.index(next(line for line in lines if line.startswith(f"Round {m.log[offer].round}:")))
    said = [line.split(": ", 1)[1] for line in lines[first:first + len(same)]]
    assert said == [sentence(e, m.config) for e in same]  # within a round, the log's own order
