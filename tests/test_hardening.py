"""Issue 14: no traceback, no silent loss, no trust in what a client sends.

One section per item of the issue (2 to 10). Each test failed on the code before the fix; the
commands that showed the old failure are in the tests' docstrings.
"""

from __future__ import annotations

import copy
import errno
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import DEFAULT, ROOT, SCENARIOS

from negotiation.cli import main
from negotiation.common.errors import InputError

THREE_WAY = ROOT / "scenarios" / "three_way_2025.yaml"
RAW = yaml.safe_load(DEFAULT.read_text())


def cli(*args, cwd, timeout=120, memory: int | None = None, **kw):
    """`run.py ARGS` in a subprocess; `memory` caps its address space (bytes), so a runaway read fails fast."""
    limit = (lambda: resource.setrlimit(resource.RLIMIT_AS, (memory, memory))) if memory else None
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, preexec_fn=limit, stdin=subprocess.DEVNULL, **kw)


def one_error(done, *words) -> str:
    """The process failed with exit 2 and one message (no traceback) containing `words`."""
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr and done.stderr.startswith("error: "), done.stderr[-2000:]
    for w in words:
        assert w in done.stderr, (w, done.stderr)
    return done.stderr


def run_main(capsys, *args) -> tuple[int, str]:
    """`run.py ARGS` in-process: its exit code and what it printed on stderr."""
    code = main([str(a) for a in args])
    return code, capsys.readouterr().err


def scenario_file(tmp_path: Path, change=None, name: str = "s.yaml") -> Path:
    """The default scenario's data, changed by `change(data)`, written as YAML."""
    data = copy.deepcopy(RAW)
    if change:
        change(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


# ============================================================================ 2. results overwritten, mixed folders


def test_run_refuses_to_replace_an_earlier_run_and_force_replaces_all_of_it(tmp_path, capsys):
    """Before: `run.py run --out o` twice replaced five files silently; `--no-plot` then kept nothing stale only by luck."""
    assert main(["run", "--rounds", "3", "--out", str(tmp_path)]) == 0
    folder = tmp_path / "june_2025_call-seed1-rounds3"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert "run.png" in before
    code, err = run_main(capsys, "run", "--rounds", 3, "--seed", 1, "--out", tmp_path, "--no-plot")
    assert code == 2 and "already holds a run's results: add --force" in err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # nothing touched
    (folder / "debrief.html").write_text("an earlier debrief")
    assert main(["run", "--rounds", "3", "--out", str(tmp_path), "--no-plot", "--force"]) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["log.csv", "manifest.json", "rounds.csv", "story.md",
                                                        "summary.json"]  # no picture or debrief of the earlier run
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]  # no temporary folder left beside it


def test_force_never_replaces_a_folder_that_holds_something_else(tmp_path, capsys):
    folder = tmp_path / "june_2025_call-seed1-rounds3"
    folder.mkdir()
    (folder / "thesis.tex").write_text("mine")
    code, err = run_main(capsys, "run", "--rounds", 3, "--out", tmp_path, "--force")
    assert code == 2 and "holds files that are not a run's results (thesis.tex)" in err
    assert (folder / "thesis.tex").read_text() == "mine"


def test_a_run_interrupted_while_writing_leaves_the_earlier_run_whole(tmp_path, monkeypatch):
    """Before: a kill after rounds.csv was written left the new table beside the earlier run's story, picture and
    manifest, with nothing marking the folder incomplete."""
    import negotiation.common.files as files

    assert main(["run", "--rounds", "3", "--out", str(tmp_path)]) == 0
    folder = tmp_path / "june_2025_call-seed1-rounds3"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    real, written = files.write_atomic, []

    def dies_after_one(path, data):
        if written:
            raise KeyboardInterrupt  # as a kill would stop it, half-way through the files
        written.append(path)
        real(path, data)

    monkeypatch.setattr(files, "write_atomic", dies_after_one)
    monkeypatch.setattr("negotiation.results.writing.write_atomic", dies_after_one)
    assert main(["run", "--rounds", "3", "--seed", "1", "--out", str(tmp_path), "--force"]) == 130
    assert written and {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]


def test_briefs_refuse_another_scenarios_briefs_and_force_leaves_none_of_them(tmp_path, capsys):
    """Before: `run.py briefs three_way.yaml --out b; run.py briefs --out b` left EU.md beside the June briefs."""
    assert main(["briefs", str(THREE_WAY), "--out", str(tmp_path / "b")]) == 0
    assert (tmp_path / "b" / "EU.md").exists()
    code, err = run_main(capsys, "briefs", DEFAULT, "--out", tmp_path / "b")
    assert code == 2 and "already holds briefs" in err and (tmp_path / "b" / "EU.md").exists()
    assert main(["briefs", str(DEFAULT), "--out", str(tmp_path / "b"), "--force"]) == 0
    names = {p.name for p in (tmp_path / "b").iterdir()}
    assert "EU.md" not in names and "US.md" in names and "index.html" in names


def test_schema_out_refuses_to_replace_a_file_unless_forced(tmp_path, capsys):
    """Before: `run.py schema --out notes.txt` replaced the file."""
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    code, err = run_main(capsys, "schema", "--out", target)
    assert code == 2 and "already exists: add --force" in err and target.read_text() == "keep me"
    assert main(["schema", "--out", str(target), "--force"]) == 0
    assert json.loads(target.read_text())["title"] == "Trade-talks negotiation scenario"


def test_analyze_and_batch_refuse_to_replace_unless_forced(tmp_path, capsys):
    """Before: a second `run.py analyze DIR` replaced analysis/ (and left files of the first one that the second
    did not write); `batch --force` did not exist, so a folder had to be removed by hand."""
    out = tmp_path / "b"
    assert main(["batch", "--runs", "4", "--rounds", "2", "--out", str(out), "--csv"]) == 0
    assert main(["analyze", str(out)]) == 0
    code, err = run_main(capsys, "analyze", out)
    assert code == 2 and "already holds an analysis" in err
    (out / "analysis" / "agreement_map.png").write_bytes(b"stale")  # as if an earlier design had drawn one
    assert main(["analyze", str(out), "--force"]) == 0
    assert not (out / "analysis" / "agreement_map.png").exists()
    assert main(["batch", "--runs", "3", "--rounds", "2", "--out", str(out), "--force"]) == 0
    assert not (out / "runs.csv").exists() and not (out / "analysis").exists()  # nothing of the earlier batch
    import pyarrow.parquet as pq

    assert pq.read_table(out / "runs.parquet").column("run").to_pylist() == [0, 1, 2]


def test_a_session_folder_without_its_manifest_is_not_debriefed(tmp_path, capsys):
    """A run folder is complete when its manifest, written last, is there."""
    from negotiation.results import run
    from negotiation.results.writing import write_run
    from negotiation.scenario import load_scenario

    folder = write_run(run(load_scenario(DEFAULT), 1, rounds=2, source=str(DEFAULT)), tmp_path / "r", plot=False)
    names = [p.name for p in sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime_ns)]
    assert names[-1] == "manifest.json"
    (folder / "manifest.json").unlink()
    code, err = run_main(capsys, "debrief", folder)
    assert code == 2 and "no manifest.json here" in err


# ============================================================================ 3. tracebacks


BAD_YAML = [
    # (what, text, words in the one message)
    ("a list as a key", "? [a, b]\n: 1\n", ["a key must be a name or a number, not a list"]),
    ("a mapping as a key", "? {a: 1}\n: 1\n", ["a key must be a name or a number, not a mapping"]),
    ("deep nesting", "a: " + "[" * 5000 + "]" * 5000 + "\n", ["nested more than 64 levels deep"]),
    ("a 5,000-digit number", "a: " + "9" * 5000 + "\n", ["a: a whole number of 5,000 digits (at most 100)"]),
    ("an alias of a list", "a: &x [1, 2]\nb: *x\n", ["b: an alias repeats a whole mapping or list"]),
]


@pytest.mark.parametrize("what,text,words", BAD_YAML, ids=[b[0] for b in BAD_YAML])
def test_malformed_yaml_is_one_message(tmp_path, capsys, what, text, words):
    """Before: `run.py validate f.yaml` raised TypeError (unhashable key), RecursionError or ValueError (Python's
    limit of 4,300 digits), each as a traceback."""
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    code, err = run_main(capsys, "validate", path)
    assert code == 2 and err.startswith(f"error: {path}: ") and "Traceback" not in err
    for w in words:
        assert w in err, err


def test_an_invalid_date_names_its_field(tmp_path, capsys):
    """Before: `start: 2025-02-30` raised ValueError (day is out of range for month) from PyYAML, as a traceback."""
    path = scenario_file(tmp_path)
    path.write_text(path.read_text().replace("start: '2025-06-05'", "start: 2025-02-30")
                    .replace("start: 2025-06-05", "start: 2025-02-30"))
    assert "2025-02-30" in path.read_text()
    code, err = run_main(capsys, "validate", path)
    assert code == 2 and "calendar.start: '2025-02-30' is not a valid date (day is out of range for month)" in err


def test_an_invalid_date_in_a_lesson_is_one_message(tmp_path):
    """Before: `run.py play --seat US --lesson l.yaml` with `notes: 2025-13-01` in the lesson: a ValueError traceback."""
    lesson = tmp_path / "lesson.yaml"
    lesson.write_text("title: x\nnotes: 2025-13-01\ninjects: []\n")
    done = cli("play", "--seat", "US", "--lesson", lesson, "--out", tmp_path / "o", cwd=tmp_path)
    one_error(done, str(lesson), "notes: '2025-13-01' is not a valid date")


def test_validate_refuses_a_device_and_a_huge_file_before_reading(tmp_path):
    """Before: `run.py validate /dev/zero` read until MemoryError (a traceback, after eating the memory)."""
    done = cli("validate", "/dev/zero", cwd=tmp_path, timeout=60, memory=2 * 1024**3)
    one_error(done, "/dev/zero: is not a regular file")
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as f:
        f.truncate(11 * 1024 * 1024)
    done = cli("validate", huge, cwd=tmp_path, timeout=60, memory=2 * 1024**3)
    one_error(done, "more than the 10,485,760 bytes a file of this kind may have")


def test_a_scheduler_that_is_no_address_is_one_message(tmp_path):
    """Before: `run.py batch --scheduler not-an-address --out o`: ValueError (missing port number) as a traceback."""
    done = cli("batch", "--runs", 2, "--scheduler", "not-an-address", "--out", tmp_path / "o", cwd=tmp_path)
    one_error(done, "--scheduler: 'not-an-address' is not a scheduler address")
    assert not (tmp_path / "o").exists()


def _damaged_manifest(text: str):
    return lambda path: path.write_text(text)


def _manifest_without(key: str):
    def change(path: Path) -> None:
        data = json.loads(path.read_text())
        del data[key]
        path.write_text(json.dumps(data))
    return change


@pytest.mark.parametrize("damage,words", [
    (_damaged_manifest('{"kind": "sweep", "sweep_ha'), "not valid JSON"),
    (_damaged_manifest(""), "not valid JSON"),
    (_manifest_without("chunk_size"), "chunk_size: missing or damaged"),
    (_damaged_manifest("[1, 2]"), "is not a sweep's manifest"),
], ids=["cut short", "empty", "without chunk_size", "not an object"])
def test_a_damaged_sweep_manifest_on_resume_is_one_message(tmp_path, capsys, damage, words):
    """Before: `run.py batch ... --resume` over a cut-short or empty manifest.json raised JSONDecodeError, and over
    one without chunk_size KeyError, as tracebacks."""
    out = tmp_path / "b"
    assert main(["batch", "--runs", "4", "--rounds", "2", "--out", str(out)]) == 0
    damage(out / "manifest.json")
    code, err = run_main(capsys, "batch", "--runs", 4, "--rounds", 2, "--out", out, "--resume")
    assert code == 2 and err.startswith(f"error: {out / 'manifest.json'}") and words in err, err


def test_an_output_error_names_the_file_and_exits_3(tmp_path, capsys, monkeypatch):
    """Before: a full disk during `run` printed `error: No space left on device` (no file named) and exited 1."""
    import negotiation.common.files as files

    def full(fd, *args, **kwargs):
        os.close(fd)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fdopen", full)
    code, err = run_main(capsys, "run", "--rounds", 2, "--out", tmp_path, "--no-plot")
    assert code == 3 and "rounds.csv: cannot write it (No space left on device)" in err
    assert not list(tmp_path.iterdir())  # and nothing half-written is left


# ============================================================================ 4. accepted inputs that corrupt


def test_a_trade_value_that_overflows_is_refused(tmp_path, capsys):
    """Before: `value: 1.0e+308` on both flows validated, and `run` exited 0 writing NaN utilities in summary.json."""
    def huge(data):
        for flow in data["economy"]["trade"]:
            flow["value"] = 1e308
    code, err = run_main(capsys, "validate", scenario_file(tmp_path, huge))
    assert code == 2 and "economy.trade[0].value: Input should be less than or equal to 100000 (got 1e+308)" in err
    assert "2 problems" in err and "at least 1 item" not in err  # the list is not also "too short"


def test_a_calendar_that_overflows_dates_is_refused(tmp_path, capsys):
    """Before: `round_days: 366` with `rounds: 10000` validated; `run` then died with OverflowError (date out of range)."""
    def long(data):
        data["calendar"].update(round_days=366, rounds=10_000)
    code, err = run_main(capsys, "validate", scenario_file(tmp_path, long))
    assert code == 2 and "calendar: 10,000 rounds of 366 days from 2025-06-05" in err and "past 9999-12-31" in err


def test_a_run_with_a_number_that_is_not_finite_fails_and_writes_nothing(tmp_path, capsys, monkeypatch):
    """Before: a run whose utilities came out NaN exited 0 and wrote bare `NaN` into summary.json (not JSON)."""
    import negotiation.results as results

    real = results.run

    def broken(*args, **kwargs):
        result = real(*args, **kwargs)
        result.summary["mean_utility_US"] = float("nan")
        return result

    monkeypatch.setattr(results, "run", broken)
    code, err = run_main(capsys, "run", "--rounds", 2, "--out", tmp_path, "--no-plot")
    assert code == 2 and "produced a number that is not finite (summary.json: mean_utility_US)" in err
    assert not list(tmp_path.iterdir())


def test_outputs_are_standard_json(tmp_path):
    from negotiation.common.jsontext import dumps

    with pytest.raises(ValueError):
        dumps({"x": float("inf")})
    assert main(["run", "--rounds", "2", "--out", str(tmp_path), "--no-plot"]) == 0
    for name in ("summary.json", "manifest.json"):
        text = next(tmp_path.glob(f"*/{name}")).read_text()
        json.loads(text, parse_constant=lambda c, name=name: pytest.fail(f"{name} holds {c}"))


# ============================================================================ 5. unbounded work


def test_validate_refuses_a_fifo_at_once(tmp_path):
    """Before: `mkfifo f; run.py validate f` blocked forever waiting for a writer."""
    fifo = tmp_path / "f.yaml"
    os.mkfifo(fifo)
    done = cli("validate", fifo, cwd=tmp_path, timeout=30)
    one_error(done, f"{fifo}: is not a regular file")


@pytest.mark.parametrize("command", ["run", "batch", "play"])
def test_rounds_on_the_command_line_keep_the_scenarios_cap(tmp_path, command):
    """Before: `run.py run --rounds 100000` ran 100,000 rounds (the scenario caps 10,000); `batch --rounds 100000`
    raised a pydantic ValidationError as a traceback."""
    extra = {"run": [], "batch": ["--runs", 2], "play": ["--seat", "US"]}[command]
    done = cli(command, "--rounds", 100_000, *extra, "--out", tmp_path / "o", cwd=tmp_path, timeout=60)
    one_error(done, "--rounds: 100000 is not a number of rounds from 1 to 10,000")


def test_rounds_on_the_command_line_keep_the_calendars_bound(tmp_path):
    """Before: a valid scenario of 26 rounds of 366 days, run with `--rounds 10000`, overflowed the date type."""
    path = scenario_file(tmp_path, lambda d: d["calendar"].update(round_days=366))
    done = cli("run", path, "--rounds", 10_000, "--out", tmp_path / "o", cwd=tmp_path, timeout=120)
    one_error(done, "--rounds: 10,000 rounds of 366 days", "past 9999-12-31")


def _play(tmp_path, answers, **options):
    from negotiation.teaching.play import start

    answers = list(answers)

    def ask(prompt):
        if not answers:
            raise EOFError
        return answers.pop(0)

    return start(DEFAULT, ["US"], rounds=2, out=tmp_path, ask=ask, say=lambda t: None, plot=False, **options)


def test_rejected_answers_are_not_kept_and_the_transcript_is_not_rewritten_per_answer(tmp_path, monkeypatch):
    """Before: each of 1,000 invalid answers was recorded, and transcript.json was written whole after every answer
    (1,000 rewrites of a growing file)."""
    import negotiation.teaching.transcript as transcript

    real, writes = transcript.write_atomic, []
    monkeypatch.setattr(transcript, "write_atomic", lambda path, data: (writes.append(path), real(path, data)))
    end = _play(tmp_path, ["perhaps"] * 1000 + ["n", "", "r", "n", ""] + [""] * 20)
    answers = json.loads(end.transcript.read_text())["answers"]
    assert all(a["answer"] != "perhaps" for a in answers) and len(answers) < 20
    assert len(writes) <= 3  # at the start, at the end (and nothing per answer)
    assert not (end.folder / "transcript.answers.jsonl").exists()


def test_a_killed_session_keeps_every_answer_given_and_resumes(tmp_path):
    """Answers go to a journal as they are given; a session killed before it could save resumes from them."""
    from negotiation.teaching.play import resume

    class Killed(BaseException):
        """Stops the session as SIGKILL would: nothing after it runs (no pause, no save)."""

    given = ["n", "raise 1", ""]

    def ask(prompt):
        if given:
            return given.pop(0)
        raise Killed

    from negotiation.teaching.play import start

    with pytest.raises(Killed):
        start(DEFAULT, ["US"], rounds=2, out=tmp_path, ask=ask, say=lambda t: None, plot=False)
    transcript = next(tmp_path.glob("*/transcript.json"))
    assert json.loads(transcript.read_text())["answers"] == []  # written once, at the start
    journal = transcript.with_suffix(".answers.jsonl")
    assert len(journal.read_text().splitlines()) == 3
    with journal.open("a") as f:
        f.write('{"journal": "cut short mid-li')  # the kill came while a line was being written
    screen: list[str] = []
    rest = ["r", ""] + [""] * 10
    done = resume(transcript, ask=lambda p: rest.pop(0) if rest else (_ for _ in ()).throw(EOFError), say=screen.append,
                  plot=False)
    assert not done.paused and "(round 1) US raises its tariff on China 30% -> 40%" in "\n".join(screen)
    kept = json.loads(transcript.read_text())["answers"]
    assert [a["answer"] for a in kept[:3]] == ["n", "raise 1", ""] and not journal.exists()


# ============================================================================ 6. resume trusts what is on disk


def _batch(out: Path, *extra) -> int:
    return main(["batch", "--runs", "12", "--rounds", "2", "--chunk", "3", "--out", str(out), *extra])


@pytest.mark.slow  # end to end through real processes; CI runs it
@pytest.mark.parametrize("damage", ["stray copy", "overwritten", "truncated", "another sweep"])
def test_resume_checks_every_part_against_its_planned_runs(tmp_path, capsys, damage):
    """Before: a part copied to an unplanned number (stray) or over another part made `--resume` succeed with
    duplicated rows; a truncated part raised ArrowInvalid as a traceback."""
    import pyarrow.parquet as pq

    assert _batch(tmp_path / "straight") == 0
    want = (tmp_path / "straight" / "runs.parquet").read_bytes()
    out = tmp_path / "cut"
    shutil.copytree(tmp_path / "straight", out)
    (out / "runs.parquet").unlink()
    parts = out / "parts"
    if damage == "stray copy":
        shutil.copy(parts / "part-0000000.parquet", parts / "part-0000007.parquet")
    elif damage == "overwritten":
        shutil.copy(parts / "part-0000000.parquet", parts / "part-0000001.parquet")
    elif damage == "truncated":
        data = (parts / "part-0000002.parquet").read_bytes()
        (parts / "part-0000002.parquet").write_bytes(data[: len(data) // 2])
    else:
        assert main(["batch", "--runs", "12", "--rounds", "2", "--chunk", "3", "--seed", "9",
                     "--out", str(tmp_path / "other")]) == 0
        shutil.copy(tmp_path / "other" / "parts" / "part-0000003.parquet", parts / "part-0000003.parquet")
    capsys.readouterr()
    code, err = run_main(capsys, "batch", "--runs", 12, "--rounds", 2, "--chunk", 3, "--out", out, "--resume")
    assert code == 0, err
    assert pq.read_table(out / "runs.parquet").column("run").to_pylist() == list(range(12))  # each run once
    assert (out / "runs.parquet").read_bytes() == want
    assert "note: parts/" in err


# ============================================================================ 7. orphans


@pytest.mark.slow
def test_a_killed_sweep_leaves_no_process_behind(tmp_path):
    """Before: `run.py batch --workers 2` killed with SIGKILL left both workers, the forkserver and the resource
    tracker running (for good)."""
    psutil = pytest.importorskip("psutil")
    out = tmp_path / "b"
    proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "batch", "--runs", "400", "--workers", "2",
                             "--out", str(out)], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 90
    while time.time() < deadline and not list((out / "parts").glob("part-*.parquet")):
        time.sleep(0.05)
    children = psutil.Process(proc.pid).children(recursive=True)
    assert len(children) >= 3  # two workers, the forkserver (and the resource tracker)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _, alive = psutil.wait_procs(children, timeout=20)
    for p in alive:  # clean up before failing
        p.kill()
    assert alive == [], [" ".join(p.cmdline())[:100] for p in alive]


# ============================================================================ 8. the page trusts its clients


@pytest.mark.parametrize("controls,words", [
    ({"scenario_name": "/etc/passwd"}, "scenario_name: '/etc/passwd' is not a scenario this page serves"),
    ({"scenario_name": ["a"]}, "scenario_name: list is not a scenario's name"),
    ({"seed": -1}, "seed: -1 is outside 0-"),
    ({"seed": "7"}, "seed: '7' is not a whole number"),
    ({"strategy_a": "nope"}, "strategy_a: unknown strategy 'nope'"),
    ({"leader_weight_a": float("nan")}, "leader_weight_a: nan is not a number from 0.25 to 4"),
    ({"tariff_elasticity": 1e9}, "tariff_elasticity: 1000000000.0 is not a number from 0.5 to 6"),
], ids=["a server path", "a list", "a negative seed", "a text seed", "an unknown strategy", "NaN", "out of range"])
def test_the_page_checks_every_control_and_says_what_it_refused(controls, words):
    """Before: DashboardModel(scenario_name='/etc/passwd') opened the path (a ScenarioError for /etc/passwd, a run for
    any scenario file on the server); seed=-1, an unknown strategy or NaN raised uncaught errors."""
    from negotiation.web.dashboard import DashboardModel

    model = DashboardModel(**controls)
    assert any(words in p for p in model.problems), model.problems
    model.step()  # a usable model all the same, from the defaults
    assert model.round == 1


def test_a_valid_page_has_no_problems_and_a_file_given_to_ui_is_served(tmp_path, monkeypatch):
    from negotiation.web.dashboard import DashboardModel

    assert DashboardModel(seed=4, strategy_a="hard_line").problems == []
    mine = scenario_file(tmp_path)
    assert DashboardModel(scenario_name=str(mine)).problems != []
    monkeypatch.setenv("NEGOTIATION_SCENARIO", str(mine))
    assert DashboardModel(scenario_name=str(mine)).problems == []


def test_a_bad_seed_in_the_seat_card_ends_the_session_with_a_message_not_the_thread(tmp_path):
    """Before: SeatBridge.play(..., seed=-1) let a pydantic ValidationError out of the game's thread."""
    from negotiation.web.dashboard import SeatBridge

    bridge = SeatBridge()
    bridge.play(str(DEFAULT), "US", -1, tmp_path)
    assert bridge.error == "--seed: -1 is outside 0-9,223,372,036,854,775,807" and bridge.end is None


def _asgi(guard, host: str | None, kind: str = "http", origin: str | None = None) -> list[dict]:
    import asyncio

    headers = ([(b"host", host.encode())] if host is not None else []) + (
        [(b"origin", origin.encode())] if origin else [])
    sent, reached = [], []

    async def app(scope, receive, send):
        reached.append(scope)

    async def receive():
        return {"type": "websocket.connect"}

    async def send(message):
        sent.append(message)

    guard.app = app
    asyncio.run(guard({"type": kind, "headers": headers}, receive, send))
    return reached or sent


@pytest.mark.parametrize("host,passes", [
    ("127.0.0.1:8765", True), ("localhost:8765", True), ("[::1]:8765", True), ("LOCALHOST", True),
    ("evil.example", False), ("evil.example:8765", False), ("127.0.0.1.evil.example", False), (None, False),
])
def test_the_server_answers_only_loopback_host_names(host, passes):
    """Before: the page answered any Host header (a DNS-rebinding site could drive it)."""
    from negotiation.web.server import HostGuard

    got = _asgi(HostGuard(None), host)
    assert (got[0].get("type") == "http") == passes, got
    if not passes:
        assert got[0]["status"] == 400


def test_the_server_refuses_websockets_from_other_sites_and_can_allow_a_host():
    from negotiation.web.server import HostGuard

    refused = _asgi(HostGuard(None), "127.0.0.1:8765", "websocket", origin="http://evil.example")
    assert refused == [{"type": "websocket.close", "code": 1008}]
    assert _asgi(HostGuard(None), "127.0.0.1:8765", "websocket", origin="http://127.0.0.1:8765")[0]["type"] == "websocket"
    assert _asgi(HostGuard(None, ("127.0.0.1", "class.example")), "class.example")[0]["type"] == "http"


# ============================================================================ 9. transcripts


def _finished(tmp_path: Path) -> Path:
    end = _play(tmp_path, ["n", "", "r", "n", ""] + [""] * 20)
    assert not end.paused
    return end.transcript


@pytest.mark.parametrize("field,value", [("seed", 2), ("rounds", 1), ("open_information", True), ("instructor", True),
                                         ("bots_from", 1), ("seats", ["China"])])
def test_a_tampered_transcript_setup_is_refused(tmp_path, field, value):
    """Before: changing the seed, rounds, open_information, instructor or bots_from of transcript.json made `replay`
    play another game, silently."""
    from negotiation.teaching.play import replay

    path = _finished(tmp_path)
    data = json.loads(path.read_text())
    data[field] = value
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match="header_digest: the session's setup .* has been changed"):
        replay(path, ask=None, say=None, plot=False)


@pytest.mark.parametrize("text,words", [
    ('{"seed": 1, "seed": 2}', "the key 'seed' is given twice"),
    ('{"seed": ' + "7" * 5000 + "}", "seed: a whole number of 5,000 digits (at most 100)"),
    ('{"seed": NaN}', "seed: NaN is not a number JSON allows"),
], ids=["duplicate key", "5,000 digits", "NaN"])
def test_a_transcript_with_non_standard_json_is_one_message(tmp_path, capsys, text, words):
    """Before: duplicate keys were accepted (the last won), and a 5,000-digit number raised ValueError as a traceback."""
    path = tmp_path / "transcript.json"
    path.write_text(text)
    code, err = run_main(capsys, "replay", path)
    assert code == 2 and err.startswith(f"error: {path}: ") and words in err, err


def test_an_untampered_transcript_still_replays_and_an_old_one_is_read_with_a_note(tmp_path):
    from negotiation.teaching.play import replay

    path = _finished(tmp_path)
    again = replay(path, ask=None, say=None, plot=False)
    assert (again.folder / "story.md").read_bytes() == (path.parent / "story.md").read_bytes()
    old = json.loads(path.read_text())
    old.update(version=1)
    for key in ("header_digest", "journal"):
        del old[key]
    v1 = tmp_path / "v1" / "transcript.json"
    v1.parent.mkdir()
    v1.write_text(json.dumps(old))
    said: list[str] = []
    again = replay(v1, ask=None, say=said.append, plot=False)
    assert (again.folder / "story.md").read_bytes() == (path.parent / "story.md").read_bytes()
    assert any("a transcript of version 1" in line for line in said)


# ============================================================================ 10. story text


def test_html_in_scenario_text_is_escaped_in_story_md(tmp_path):
    """Before: a scenario title `<script>...</script>` and event descriptions with HTML went raw into story.md."""
    def html(data):
        data["title"] = "Talks <script>alert(1)</script> & more"
        for event in data["events"]:
            event["description"] = "<img src=x onerror=alert(2)> met"
    assert main(["run", str(scenario_file(tmp_path, html)), "--rounds", "4", "--out", str(tmp_path / "o"),
                 "--no-plot"]) == 0
    story = next((tmp_path / "o").glob("*/story.md")).read_text()
    assert "<script" not in story and "<img" not in story
    assert story.startswith("# Talks &lt;script>alert(1)&lt;/script> &amp; more\n")
    assert "&lt;img src=x onerror=alert(2)> met" in story


def test_markdown_safe_leaves_the_games_own_words_alone():
    from negotiation.common.text import markdown_safe

    text = (ROOT / "tests" / "pinned" / "runs" / "june_2025_call-seed1" / "story.md").read_text()
    assert markdown_safe(text) == text  # arrows (->) and Markdown marks are unchanged: shipped stories stay byte-identical


# ============================================================================ fuzz: mutated scenarios never crash


AWKWARD = ["1.0e+308", "-1.0e+308", ".nan", ".inf", "9" * 200, "9" * 5000, "2025-02-30", "[[[[[]]]]]", "{a: 1}",
           "? [a]", "&a [1]", "*a", "''", "null", "-1", "0", "true", "\"\\x00\"", "!!python/object:os.system {}", "~"]


def fuzz_scenarios(examples: int) -> None:
    """Hypothesis mutates the default scenario's YAML text (lines dropped, doubled, or given awkward values);
    loading gives a Scenario or a ScenarioError, nothing else. Derandomized: the same examples every time."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from negotiation.common.errors import ScenarioError
    from negotiation.scenario import load_scenario

    lines = DEFAULT.read_text().splitlines()
    mutation = st.tuples(st.sampled_from(["drop", "double", "value"]), st.integers(0, len(lines) - 1),
                         st.sampled_from(AWKWARD))

    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None,
              derandomize=True)
    @given(st.lists(mutation, min_size=1, max_size=4))
    def check(mutations):
        text = list(lines)
        for how, at, value in mutations:
            at %= len(text)
            if how == "drop":
                del text[at]
            elif how == "double":
                text.insert(at, text[at])
            elif ":" in text[at]:
                text[at] = text[at].split(":", 1)[0] + ": " + value
        path = Path(os.environ.get("TMPDIR", "/tmp")) / f"fuzz-{os.getpid()}.yaml"
        path.write_text("\n".join(text) + "\n")
        try:
            load_scenario(path)
        except ScenarioError:
            pass
        finally:
            path.unlink(missing_ok=True)

    check()


def test_mutated_scenarios_give_messages_never_tracebacks():
    """Before: a mutation such as `rounds: 2025-02-30` raised ValueError from PyYAML (found in the first examples)."""
    fuzz_scenarios(50)


@pytest.mark.slow
def test_many_mutated_scenarios_give_messages_never_tracebacks():
    fuzz_scenarios(3000)


@pytest.mark.slow
def test_the_property_tests_hold_for_many_more_examples():
    """The property tests of test_properties.py (bounds, reservation values, determinism), eight times as many examples."""
    import test_properties as props
    from hypothesis import HealthCheck, given, settings

    more = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    for test in (props.test_levels_and_indicators_stay_in_bounds,
                 props.test_no_government_accepts_a_package_below_its_reservation_value,
                 props.test_the_same_seed_gives_identical_tables):
        more(given(props.variants)(test.hypothesis.inner_test))()


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_shipped_scenarios_are_within_every_bound(path, capsys):
    code, err = run_main(capsys, "validate", path)
    assert code == 0, err
