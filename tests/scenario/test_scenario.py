"""Scenario loading: shipped files validate and are sourced; every kind of bad input gets one clear error."""

from __future__ import annotations

import copy
import json

import pytest
import yaml
from conftest import DEFAULT, ROOT, SCENARIOS
from pydantic import TypeAdapter, ValidationError

from negotiation.common.errors import ScenarioError
from negotiation.scenario import (
    Deadline,
    EventKind,
    EventSpec,
    LeadersCall,
    MarketShock,
    Meeting,
    Scenario,
    SetLevel,
    json_schema,
    load_scenario,
    parse_scenario,
)
from negotiation.scenario.events import EVENT_FIELDS


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
    ("event outside the calendar", "    date: 2025-06-12\n", "    date: 2026-06-09\n", "events[1].date", "outside the calendar"),
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
    with pytest.raises(ValidationError, match="frozen"):
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
    ("future schema version", "schema_version: 2\n", "schema_version: 3\n", "schema_version", "Input should be 2"),
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


# ----------------------------------------------------------------------------- events: one class per kind

EVENTS = {
    LeadersCall: {"name": "call", "kind": "leaders_call", "round": 1, "between": ["A", "B"], "trust": 0.2},
    Meeting: {"name": "talk", "kind": "meeting", "round": 2, "between": ["A", "B"]},
    SetLevel: {"name": "ruling", "kind": "set_level", "round": 3, "instrument": "a_tariff_b", "level": 0},
    MarketShock: {"name": "crash", "kind": "market_shock", "round": 4, "stress": 0.5},
    Deadline: {"name": "cliff", "kind": "deadline", "round": 5, "between": ["A", "B"], "stress": 0.1},
}


def _event_error(tiny_data, event: dict, where: str = "events") -> str:
    """The message for a tiny scenario whose only event (or inject) is `event`."""
    tiny_data[where] = [event]
    with pytest.raises(ScenarioError) as info:
        parse_scenario(tiny_data, "tiny")
    return str(info.value)


def test_each_kind_of_event_becomes_its_own_class(tiny_data):
    tiny_data["events"] = list(EVENTS.values())
    s = parse_scenario(tiny_data, "tiny")
    assert [type(e) for e in s.events] == list(EVENTS)
    assert [e.kind for e in s.events] == list(EventKind)
    assert all(isinstance(e.kind, EventKind) for e in s.events)
    call, _, ruling, crash, cliff = s.events
    assert (call.between, call.trust, ruling.instrument, ruling.level, crash.stress, cliff.stress) == (
        ("A", "B"), 0.2, "a_tariff_b", 0.0, 0.5, 0.1)
    assert not hasattr(crash, "between") and not hasattr(call, "level")


def test_event_spec_is_the_union_of_the_kinds():
    assert type(TypeAdapter(EventSpec).validate_python(EVENTS[Meeting])) is Meeting


def test_optional_fields_of_a_kind_may_be_left_out(tiny_data):
    tiny_data["events"] = [{"name": "call", "kind": "leaders_call", "round": 1, "between": ["A", "B"]},
                           {"name": "cliff", "kind": "deadline", "round": 2, "between": ["A", "B"]}]
    call, cliff = parse_scenario(tiny_data, "tiny").events
    assert call.trust is None and cliff.stress is None


@pytest.mark.parametrize(
    "cls,field",
    [(LeadersCall, "between"), (Meeting, "between"), (Deadline, "between"), (SetLevel, "instrument"),
     (SetLevel, "level"), (MarketShock, "stress")],
    ids=lambda x: x if isinstance(x, str) else x.__name__,
)
def test_a_kinds_missing_field_is_one_clear_line(tiny_data, cls, field):
    event = {k: v for k, v in EVENTS[cls].items() if k != field}
    assert _event_error(tiny_data, event) == f"tiny: events[0].{field}: required field is missing"


def test_an_unknown_kind_lists_the_known_ones(tiny_data):
    message = _event_error(tiny_data, {**EVENTS[Meeting], "kind": "meting"})
    assert message == ("tiny: events[0].kind: unknown kind 'meting' (known: leaders_call, meeting, set_level, "
                       "market_shock, deadline; did you mean 'meeting'?)")


def test_an_event_without_a_kind(tiny_data):
    event = {k: v for k, v in EVENTS[Meeting].items() if k != "kind"}
    assert _event_error(tiny_data, event, "injects") == "tiny: injects[0].kind: required field is missing"


def test_a_field_of_another_kind_is_an_unknown_field(tiny_data):
    message = _event_error(tiny_data, {**EVENTS[Meeting], "level": 3})
    assert message == ("tiny: events[0].level: unknown field "
                       "(a meeting event has: name, kind, round, date, description, basis, between)")


@pytest.mark.parametrize(
    "change,expected",
    [
        ({"round": 1, "date": "2025-01-01"}, "events[0]: give round or date, not both"),
        ({"stress": "0.5"}, "events[0].stress: Input should be a valid number (got '0.5')"),
        ({"stress": 1.5}, "events[0].stress: Input should be less than or equal to 1 (got 1.5)"),
        ({"round": 0}, "events[0].round: Input should be greater than or equal to 1 (got 0)"),
        ({"basis": {"level": "test: a field a market shock does not have"}},
         "events[0].basis.level: no field 'level' here to source"),
    ],
    ids=["round and date", "quoted number", "out of range", "round zero", "basis of another kind's field"],
)
def test_bad_fields_of_an_event_name_the_field_without_pydantic_noise(tiny_data, change, expected):
    message = _event_error(tiny_data, {**EVENTS[MarketShock], **change})
    assert message.startswith(f"tiny: {expected}"), message
    assert "\n" not in message and "market_shock" not in message and "function-" not in message, message


def test_checks_name_an_events_own_path(tiny_data):
    tiny_data["events"] = [EVENTS[Meeting], {**EVENTS[SetLevel], "level": 500}]
    tiny_data["injects"] = [{**EVENTS[Meeting], "name": "visit", "between": ["A", "C"]},
                           {**EVENTS[MarketShock], "name": "talk"}]
    with pytest.raises(ScenarioError) as info:
        parse_scenario(tiny_data, "tiny")
    assert [str(p) for p in info.value.problems] == [
        "injects[1].name: duplicate name 'talk'",
        "events[1].level: 500 is outside a_tariff_b's bounds [0, 100]",
        "injects[0].between[1]: unknown government 'C' (known: A, B)",
    ]


def test_the_digest_hashes_every_event_in_one_shape(default_scenario):
    """Hashes recorded before events had a class per kind (transcripts, briefs) must still match."""
    data = json.loads(default_scenario.canonical_json())
    # ... and a set_level's actor (issue 11) shows only where it is not the default (its government)
    assert all(set(e) - {"actor", "agency"} == set(EVENT_FIELDS) for e in data["events"] + data["injects"])
    assert all("actor" not in e for e in data["events"])
    meeting = next(e for e in data["events"] if e["kind"] == "meeting")
    assert meeting["level"] is None and meeting["between"] == ["US", "China"]


def test_new_format_fields_are_checked(tiny_data):
    bad = copy.deepcopy(tiny_data)
    bad["economy"]["stress"]["pressure"] = {"tarif": 0.2}
    with pytest.raises(ScenarioError, match=r"economy.stress.pressure.tarif: unknown instrument kind 'tarif' .*did you mean 'tariff'"):
        parse_scenario(bad, "tiny")
    fine = copy.deepcopy(tiny_data)
    fine["instruments"][0].update(max=1000, step=1)  # 1,002 grid points against 12: fine on its own...
    fine["instruments"][1].update(max=1000, step=1)  # ...but a million packages between A and B
    with pytest.raises(ScenarioError, match=r"instruments: the instruments between A and B make up to .* packages"):
        parse_scenario(fine, "tiny")
    for field, value in (("types", 0), ("ratification_noise", 2.0), ("offer_rationality", 0)):
        broken = copy.deepcopy(tiny_data)
        broken["information"][field] = value
        with pytest.raises(ScenarioError, match=rf"information.{field}"):
            parse_scenario(broken, "tiny")


def test_government_names_that_would_share_a_column_are_refused(tiny_data):
    """Governments X, X_Y, Y_Z, Z: the pairs X-Y_Z and X_Y-Z would both write trust_X_Y_Z (issue 14, item 1)."""
    data = copy.deepcopy(tiny_data)
    for name in ("X", "X_Y", "Y_Z", "Z"):
        data["governments"].append({"name": name, "strategy": {"name": "tit_for_tat"}})
        data["officials"].append({"name": f"{name}_leader", "government": name, "role": "leader", "influence": 1.0,
                                  "traits": {"hawkishness": 0.5, "patience": 0.5, "trust": 0.5},
                                  "indicators": {"trade_balance": 1.0}})
    with pytest.raises(ScenarioError, match=r"governments: the pairs .* would both write the columns \*_X_Y_Z"):
        parse_scenario(data, "tiny")
    fine = copy.deepcopy(tiny_data)
    fine["governments"].append({"name": "South_Korea", "strategy": {"name": "tit_for_tat"}})  # underscores alone are fine
    fine["officials"].append({"name": "Lee", "government": "South_Korea", "role": "leader", "influence": 1.0,
                              "traits": {"hawkishness": 0.5, "patience": 0.5, "trust": 0.5}, "indicators": {"trade_balance": 1.0}})
    parse_scenario(fine, "tiny")
