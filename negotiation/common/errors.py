"""Errors a user can cause (a bad file, an unknown name), kept apart from programming errors."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (a field path such as `officials[2].influence`) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InputError(Exception):
    """A user's input (scenario, sweep file, command-line value) cannot be used.

    The CLI prints it as one message naming the file, the field and the problem, and exits 2.
    """

    def __init__(self, origin: str, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.origin = origin
        self.problems = list(problems)
        super().__init__(self.render())

    def render(self) -> str:
        if len(self.problems) == 1:
            return f"{self.origin}: {self.problems[0]}"
        lines = [f"{self.origin}: {len(self.problems)} problems"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class ScenarioError(InputError):
    """A scenario file is malformed, out of range, or names something that does not exist."""
