"""Scenario loading: shipped files validate and are sourced; every kind of bad input gets one clear error."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import DEFAULT, ROOT, SCENARIOS
from negotiation.common.errors import ScenarioError
from negotiation.scenario import Scenario, json_schema, load_scenario, parse_scenario


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_shipped_scenario_validates(path):
    s = load_scenario(path)
    assert isinstance(s, Scenario)
    assert s.name == path.stem


def _numeric_leaves(data, path=""):
    """Paths of every number in raw YAML data, outside `basis` blocks."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "basis":
                continue
            yield from _numeric_leaves(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _numeric_leaves(value, f"{path}[{i}]")
    elif isinstance(data, (int, float)) and not isinstance(data, bool):
        yield path


def _covered(raw: dict, path: str) -> bool:
    """Is `path` covered by a basis entry on an enclosing object?"""
    parts = path.replace("[", ".[").split(".")
    for cut in range(len(parts) - 1, -1, -1):
        node = raw
        for part in parts[:cut]:
            node = node[int(part[1:-1])] if part.startswith("[") else node[part]
        if not isinstance(node, dict) or "basis" not in node:
            continue
        rest = ".".join(p for p in parts[cut:] if not p.startswith("["))
        if any(rest == key or rest.startswith(key + ".") for key in node["basis"]):
            return True
    return False


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_number_in_a_shipped_scenario_names_its_source(path):
    raw = yaml.safe_load(path.read_text())
    unsourced = [p for p in _numeric_leaves(raw) if p != "schema_version" and not _covered(raw, p)]
    assert unsourced == [], f"numbers without a basis entry in {path.name}: {unsourced}"


def test_the_shipped_json_schema_is_current():
    shipped = json.loads((ROOT / "scenarios" / "scenario.schema.json").read_text())
    assert shipped == json_schema(), "regenerate with: python run.py schema --out scenarios/scenario.schema.json"


def test_dates_become_rounds(default_scenario):
    s = default_scenario
    truce = s.agreements[0]
    # 12 Aug 2025 is 68 days after 5 June: the 10th weekly round (round 1 starts on 5 June).
    assert s.expiry_round(truce) == 10
    assert s.round_of(s.calendar.start) == 1
    assert s.date_of(2).isoformat() == "2025-06-12"


def test_digest_ignores_layout_but_not_content(default_scenario, tmp_path):
    text = DEFAULT.read_text()
    moved = tmp_path / "x.yaml"
    moved.write_text("# a comment changes nothing\n" + text)
    assert load_scenario(moved).digest() == default_scenario.digest()
    assert default_scenario.with_rounds(5).digest() != default_scenario.digest()


# ----------------------------------------------------------------------------- bad input


def _load_variant(tmp_path, old: str, new: str, count: int = 1):
    text = DEFAULT.read_text()
    assert old in text, f"test set-up: {old!r} not in the default scenario"
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(old, new, count))
    with pytest.raises(ScenarioError) as info:
        load_scenario(bad)
    return str(info.value)


CASES = [
    # (what, old, new, expected field path, expected words)
    ("unknown key", "  round_days: 7\n", "  round_days: 7\n  round_dayz: 7\n", "calendar.round_dayz", "unknown field"),
    ("wrong type", "    influence: 0.40\n", "    influence: \"high\"\n", "officials[0].influence", "number"),
    ("quoted number", "  rounds: 26\n", "  rounds: \"26\"\n", "calendar.rounds", "integer"),
    ("NaN", "    influence: 0.25\n", "    influence: .nan\n", "officials[1].influence", "finite"),
    ("out of range", "hawkishness: 0.6, patience: 0.3", "hawkishness: 1.6, patience: 0.3", "officials[0].traits.hawkishness", "less than or equal to 1"),
    ("negative salience", "us_tariff_cn: {ideal: 60, salience: 0.8}", "us_tariff_cn: {ideal: 60, salience: -0.8}", "officials[0].preferences.us_tariff_cn.salience", "greater than or equal to 0"),
    ("initial outside bounds", "    initial: 30\n", "    initial: 300\n", "instruments[0].initial", "outside the bounds"),
    ("ideal outside bounds", "us_tariff_cn: {ideal: 60, salience: 0.8}", "us_tariff_cn: {ideal: 600, salience: 0.8}", "officials[0].preferences.us_tariff_cn.ideal", "outside us_tariff_cn's bounds"),
    ("official of an unknown government", "    government: China\n    role: leader", "    government: Chna\n    role: leader", "officials[4].government", "did you mean 'China'"),
    ("event on an unknown instrument", "    instrument: cn_minerals_us\n    level: 3", "    instrument: cn_mineral_us\n    level: 3", "injects[1].instrument", "unknown instrument 'cn_mineral_us'"),
    ("duplicate official", "  - name: Greer\n", "  - name: Lutnick\n", "officials[3].name", "duplicate name 'Lutnick'"),
    ("unknown strategy", "      name: tit_for_tat\n", "      name: tit_for_tatt\n", "governments[1].strategy.name", "did you mean 'tit_for_tat'"),
    ("bad strategy parameter", "params: {exponent: 0.5, duration: 13}", "params: {exponent: -1, duration: 13}", "governments[0].strategy.params.exponent", "greater than 0"),
    ("unknown strategy parameter", "params: {exponent: 0.5, duration: 13}", "params: {exponant: 0.5, duration: 13}", "governments[0].strategy.params.exponant", "unknown field"),
    ("no leader", "    government: US\n    role: leader", "    government: US\n    role: minister", "governments[0]", "exactly one official with role leader"),
    ("unknown source in basis", "    start: \"seed: the day", "    start: \"sed: the day", "calendar.basis.start", "did you mean 'seed'"),
    ("event outside the calendar", "    date: 2025-06-09\n", "    date: 2026-06-09\n", "events[1].date", "outside the calendar"),
    ("agreement term on a foreign instrument", "terms: {us_tariff_cn: 30, cn_tariff_us: 10}", "terms: {us_tariff_cn: 30, cn_tariff_us: 10, nope: 3}", "agreements[0].terms.nope", "unknown instrument"),
    ("snap-back without a term", "snap_back: {us_tariff_cn: 54, cn_tariff_us: 34}", "snap_back: {us_tariff_cn: 54, cn_tariff_us: 34, us_chips_cn: 3}", "agreements[0].snap_back.us_chips_cn", "needs a term"),
    ("talks with itself", "  - between: [US, China]\n    open: false", "  - between: [US, US]\n    open: false", "talks[0].between", "two different governments"),
    ("unknown role", "    role: spokesbody", "    role: spokesman", "officials[6].role", "'leader', 'negotiator', 'minister' or 'spokesbody'"),
]


@pytest.mark.parametrize("what,old,new,field,words", CASES, ids=[c[0] for c in CASES])
def test_bad_scenarios_get_one_clear_message(tmp_path, what, old, new, field, words):
    message = _load_variant(tmp_path, old, new)
    assert message.startswith(str(tmp_path / "bad.yaml") + ":"), message
    assert field in message, message
    assert words in message, message


@pytest.mark.parametrize(
    "text,words",
    [
        ("", "the file is empty"),
        ("# only a comment\n", "the file is empty"),
        ("name: [unclosed\n", "YAML error"),
        ("name: x\nname: y\n", "duplicate key 'name'"),
        ("!!python/object/apply:os.system ['echo pwned']\n", "not allowed"),
        ("- a list\n- not a mapping\n", "must be a mapping"),
        ("name: x\n", "required field is missing"),
    ],
    ids=["empty", "comment only", "syntax error", "duplicate key", "python tag", "not a mapping", "missing fields"],
)
def test_malformed_yaml(tmp_path, text, words):
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(bad)
    assert str(bad) in str(info.value)
    assert words in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "nope.yaml")


def test_python_tag_is_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"!!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(ScenarioError):
        load_scenario(bad)
    assert not marker.exists()


def test_scenarios_are_immutable(default_scenario):
    with pytest.raises(Exception):
        default_scenario.calendar.rounds = 3  # type: ignore[misc]


def test_tiny_scenario_parses(tiny):
    assert [g.name for g in tiny.governments] == ["A", "B"]


def test_official_may_not_shadow_a_government(tiny_data):
    tiny_data["officials"][0]["name"] = "B"
    with pytest.raises(ScenarioError, match=r"officials\[0\].name: 'B' is already a government's name"):
        parse_scenario(tiny_data, "tiny")


MORE_CASES = [
    ("negative tariff floor", "    min: 0\n    max: 145\n", "    min: -150\n    max: 145\n", "instruments[0].min", "is negative"),
    ("control above the scale", "    initial: 2\n    min: 0\n    max: 3\n", "    initial: 2\n    min: 0\n    max: 5\n", "instruments[2].max", "top of the control scale"),
    ("step too fine", "    max: 145\n    step: 10\n", "    max: 145\n    step: 0.0001\n", "instruments[0].step", "too fine"),
    ("duplicate instrument", "  - name: cn_tariff_us\n    kind: tariff\n    imposer: China\n    target: US\n",
     "  - name: cn_tariff_us\n    kind: tariff\n    imposer: US\n    target: China\n", "instruments[1]", "repeats us_tariff_cn"),
    ("future schema version", "schema_version: 1\n", "schema_version: 2\n", "schema_version", "Input should be 1"),
    ("quoted strategy parameter", "params: {opening: 0.2, duration: 13}", "params: {opening: \"0.2\", duration: 13}", "governments[1].strategy.params.opening", "valid number"),
    ("date out of range", "  start: 2025-06-05\n", "  start: 9999-06-05\n", "calendar.start", "2200-12-31"),
]


@pytest.mark.parametrize("what,old,new,field,words", MORE_CASES, ids=[c[0] for c in MORE_CASES])
def test_more_bad_scenarios(tmp_path, what, old, new, field, words):
    message = _load_variant(tmp_path, old, new)
    assert field in message and words in message, message


def test_two_agreements_between_one_pair_are_refused(tiny_data):
    truce = {"parties": ["A", "B"], "terms": {"a_tariff_b": 10}, "expires_round": 3}
    tiny_data["agreements"] = [{"name": "one", **truce}, {"name": "two", **truce}]
    with pytest.raises(ScenarioError, match=r"agreements\[1\].parties: a second agreement between A and B"):
        parse_scenario(tiny_data, "tiny")
