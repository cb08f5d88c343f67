"""Session records: lesson files (injects scheduled by round) and transcripts of played sessions.

A transcript holds what a session at the terminal needs to be resumed or replayed exactly: the
scenario (its file and hash), the seed, the rounds, the seats, the injects and every accepted
human answer in order. The model is deterministic, so the same answers against the same scenario
and seed reproduce the session bit for bit.

Version 2 protects the setup: `header_digest` is the SHA-256 of the setup fields (`SETUP`), and a
transcript whose setup no longer matches it is refused. While a session is played, each answer is
appended as one line to a journal beside the transcript (`transcript.answers.jsonl`) instead of
rewriting the whole file; pausing or finishing writes the transcript whole, with every answer,
and removes the journal. A transcript of version 1 (no digest, no journal) is still read.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from negotiation.common.errors import InputError, OutputError, Problem
from negotiation.common.files import read_text, write_atomic
from negotiation.common.jsontext import loads
from negotiation.common.limits import MAX_SEED, MAX_TRANSCRIPT_BYTES
from negotiation.scenario import Scenario, load_scenario, nearest, read_yaml, validate_mapping
from negotiation.scenario.checks import rounds_problems
from negotiation.scenario.problems import pydantic_problems
from negotiation.scenario.schema import MAX_ROUNDS

TRANSCRIPT = "transcript.json"
JOURNAL_SUFFIX = ".answers.jsonl"  # transcript.json's journal: transcript.answers.jsonl
INSTRUCTOR = "(instructor)"  # the seat name of the instructor's answers (not a valid government name)
PromptKind = Literal["propose", "level", "duration", "send", "respond", "act", "ratify", "inject", "mandate"]
# The fields that set a session up, which `header_digest` protects. The paths (scenario_file,
# lesson_file, replay_of) are left out so that a class may move its files: the scenario's own hash
# still guards what was played, and the lesson is stored whole.
SETUP = ("format", "version", "scenario_hash", "seed", "rounds", "seats", "instructor", "open_information", "lesson",
         "bots_from")


class Record(BaseModel):
    """Base of lesson and transcript records: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", strict=True)


class ScheduledInject(Record):
    round: int = Field(ge=1, description="The round before which the inject fires.")
    name: str = Field(description="One of the scenario's injects.")


class Lesson(Record):
    """A lesson file: a title, notes for the teacher, and injects scheduled by round."""

    title: str = ""
    notes: str = ""
    injects: list[ScheduledInject] = Field(default_factory=list)


class Answer(Record):
    """One answer typed at the terminal and accepted (version 1 transcripts also hold rejected ones)."""

    round: int = Field(ge=1)
    seat: str
    kind: PromptKind
    answer: str


class Injected(Record):
    round: int = Field(ge=1)
    name: str
    by: Literal["lesson", "instructor"]


class Transcript(Record):
    """A session: its setup, then every answer and inject as the game went."""

    format: Literal["trade-talks transcript"] = "trade-talks transcript"
    version: Literal[1, 2] = 2
    scenario_file: str = Field(description="Absolute path of the scenario file played.")
    scenario_hash: str
    seed: int = Field(ge=0, le=MAX_SEED)
    rounds: int = Field(ge=1, le=MAX_ROUNDS)
    seats: list[str] = Field(min_length=1, max_length=100)
    instructor: bool = False
    open_information: bool = Field(False, description="Seats see the other side's values (otherwise only their own).")
    lesson_file: str | None = None
    lesson: Lesson | None = None
    bots_from: int | None = Field(None, ge=1, le=MAX_ROUNDS,
                                  description="From this round the scenario's bots play the human seats.")
    replay_of: str | None = Field(None, description="The transcript this session replays, if any.")
    header_digest: str | None = Field(None, description="SHA-256 of the setup fields (version 2): a changed seed, "
                                      "rounds, seats or other setup no longer matches it and is refused.")
    journal: str | None = Field(None, description="An id of this save of the file: the answers in the journal "
                                "beside it that carry the same id were given after it.")
    finished: bool = False
    answers: list[Answer] = Field(default_factory=list)
    injects: list[Injected] = Field(default_factory=list)

    def fresh(self, **changes) -> Transcript:
        """The same setup with no answers or injects yet (a session rebuilds them as it plays)."""
        return self.model_copy(update={"answers": [], "injects": [], "finished": False, **changes}, deep=True)

    def setup_digest(self) -> str:
        """SHA-256 of the setup fields as canonical JSON: what `header_digest` must be."""
        setup = self.model_dump(mode="json", include=set(SETUP))
        return hashlib.sha256(json.dumps(setup, sort_keys=True, separators=(",", ":")).encode()).hexdigest()

    def save(self, path: Path) -> None:
        """Write the whole transcript (as version 2, with its digest) and start its journal afresh."""
        self.version = 2
        self.header_digest = self.setup_digest()
        answers = json.dumps([a.model_dump() for a in self.answers], sort_keys=True)
        self.journal = hashlib.sha256(f"{self.header_digest}{answers}".encode()).hexdigest()[:16]
        write_atomic(path, self.model_dump_json(indent=1) + "\n")
        journal_path(path).unlink(missing_ok=True)  # what it held is in the file now (and carries the old id)


def journal_path(transcript: Path) -> Path:
    """The journal of answers beside a transcript file: transcript.json -> transcript.answers.jsonl."""
    return Path(transcript).with_suffix(JOURNAL_SUFFIX)


def append_answer(transcript: Path, journal: str | None, answer: Answer) -> None:
    """Add one answer to a transcript's journal: one line appended, the transcript itself left as it is."""
    path = journal_path(transcript)
    line = json.dumps({"journal": journal, **answer.model_dump()}, sort_keys=True) + "\n"
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.write(line)
    except OSError as exc:
        raise OutputError(path, exc.strerror or str(exc)) from None


# ----------------------------------------------------------------------------- lessons


def load_lesson(path: str | Path, scenario: Scenario, rounds: int) -> Lesson:
    """Read and check a lesson file against the scenario's injects and the game's rounds."""
    origin = str(path)
    lesson = validate_mapping(Lesson, read_yaml(path, InputError), origin, InputError)
    problems = check_schedule(lesson, scenario, rounds)
    if problems:
        raise InputError(origin, problems)
    return lesson


def check_schedule(lesson: Lesson, scenario: Scenario, rounds: int) -> list[Problem]:
    known = [e.name for e in scenario.injects]
    problems = []
    for k, item in enumerate(lesson.injects):
        if item.name not in known:
            problems.append(Problem(f"injects[{k}].name",
                                    f"unknown inject {item.name!r} in {scenario.name} ({nearest(item.name, known)})"))
        if item.round > rounds:
            problems.append(Problem(f"injects[{k}].round", f"round {item.round} is outside this game's rounds 1-{rounds}"))
    return problems


# ----------------------------------------------------------------------------- transcripts


def load_transcript(path: str | Path) -> tuple[Transcript, Scenario]:
    """Read a transcript (and the answers in its journal) and the scenario it was played on.

    Refused: a setup that does not match its digest, a scenario that changed, rounds the scenario
    cannot be played for, a damaged journal.
    """
    origin = str(path)
    data = loads(read_text(path, MAX_TRANSCRIPT_BYTES, InputError), origin)
    transcript = validate_mapping(Transcript, data, origin, InputError)
    check_digest(origin, transcript)
    transcript.answers += journal_answers(Path(path), transcript.journal)
    scenario = checked_scenario(origin, transcript)
    problems = rounds_problems(scenario, transcript.rounds, "rounds")
    if problems:
        raise InputError(origin, problems)
    if transcript.lesson is not None:
        problems = check_schedule(transcript.lesson, scenario, transcript.rounds)
        if problems:
            raise InputError(origin, [Problem(f"lesson.{p.path}", p.message) for p in problems])
    return transcript, scenario


def check_digest(origin: str, t: Transcript) -> None:
    """Refuse a version 2 transcript whose setup is not the one it was saved with."""
    if t.version == 1:
        return  # saved before setups were protected: read as it is (the docs say so)
    if t.header_digest != t.setup_digest():
        raise InputError(origin, Problem("header_digest", "the session's setup (its seed, rounds, seats, information, "
                                         "instructor, lesson or bots) has been changed since it was saved: replaying it "
                                         "would not reproduce the session. Restore the transcript as it was saved"))


def journal_answers(transcript: Path, journal: str | None) -> list[Answer]:
    """The answers in a transcript's journal given after its last save (those carrying its id).

    A last line without its newline was being written when the session stopped: it is left out
    (that answer is asked again). Any other line that is not an answer makes the journal refused.
    """
    path = journal_path(transcript)
    if not path.exists():
        return []
    text = read_text(path, MAX_TRANSCRIPT_BYTES, InputError)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    elif lines:
        lines.pop()  # cut short mid-line
    answers = []
    for n, line in enumerate(lines, 1):
        origin = f"{path}: line {n}"
        data = loads(line, origin)
        if not isinstance(data, dict):
            raise InputError(origin, "not an answer (a JSON object)")
        if data.pop("journal", None) != journal:
            continue  # written before the transcript's last save, which holds it already
        try:
            answers.append(Answer.model_validate(data))
        except ValidationError as exc:
            raise InputError(origin, pydantic_problems(exc.errors())) from None
    return answers


def checked_scenario(origin: str, t: Transcript) -> Scenario:
    source = Path(t.scenario_file)
    if not source.is_file():
        raise InputError(origin, Problem("scenario_file", f"{source} is missing: restore the scenario file the session "
                                         "was played on"))
    scenario = load_scenario(source)
    digest = scenario.digest()
    if digest != t.scenario_hash:
        raise InputError(origin, Problem("scenario_hash", f"the scenario file {source} has changed since this session "
                                         f"was played (its hash is {digest[:12]}..., the transcript records "
                                         f"{t.scenario_hash[:12]}...): replaying it would not reproduce the session. "
                                         "Restore the file the session used, or play a new session"))
    return scenario
