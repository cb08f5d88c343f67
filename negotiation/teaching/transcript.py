"""Session records: lesson files (injects scheduled by round) and transcripts of played sessions.

A transcript holds what a session at the terminal needs to be resumed or replayed exactly: the
scenario (its file and hash), the seed, the rounds, the seats, the injects and every human answer
in order. The model is deterministic, so the same answers against the same scenario and seed
reproduce the session bit for bit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from negotiation.common.errors import InputError, Problem
from negotiation.common.files import write_atomic
from negotiation.scenario import Scenario, load_scenario, nearest, read_yaml, validate_mapping

TRANSCRIPT = "transcript.json"
INSTRUCTOR = "(instructor)"  # the seat name of the instructor's answers (not a valid government name)
PromptKind = Literal["propose", "level", "duration", "send", "respond", "act", "ratify", "inject"]


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
    """One answer typed at the terminal (invalid ones too: replay re-asks exactly as play did)."""

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
    version: Literal[1] = 1
    scenario_file: str = Field(description="Absolute path of the scenario file played.")
    scenario_hash: str
    seed: int = Field(ge=0)
    rounds: int = Field(ge=1)
    seats: list[str] = Field(min_length=1)
    instructor: bool = False
    open_information: bool = Field(False, description="Seats see the other side's values (otherwise only their own).")
    lesson_file: str | None = None
    lesson: Lesson | None = None
    bots_from: int | None = Field(None, ge=1, description="From this round the scenario's bots play the human seats.")
    replay_of: str | None = Field(None, description="The transcript this session replays, if any.")
    finished: bool = False
    answers: list[Answer] = Field(default_factory=list)
    injects: list[Injected] = Field(default_factory=list)

    def fresh(self, **changes) -> Transcript:
        """The same setup with no answers or injects yet (a session rebuilds them as it plays)."""
        return self.model_copy(update={"answers": [], "injects": [], "finished": False, **changes}, deep=True)

    def save(self, path: Path) -> None:
        write_atomic(path, self.model_dump_json(indent=1) + "\n")


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
    """Read a transcript and the scenario it was played on, refusing one whose scenario changed."""
    origin = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(origin, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(origin, f"cannot be read ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(origin, f"not a transcript: invalid JSON ({exc})") from None
    transcript = validate_mapping(Transcript, data, origin, InputError)
    scenario = checked_scenario(origin, transcript)
    if transcript.lesson is not None:
        problems = check_schedule(transcript.lesson, scenario, transcript.rounds)
        if problems:
            raise InputError(origin, [Problem(f"lesson.{p.path}", p.message) for p in problems])
    return transcript, scenario


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
