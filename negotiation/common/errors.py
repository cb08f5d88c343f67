"""Errors a user can cause (a bad file, an unknown name), kept apart from programming errors."""

from __future__ import annotations

from dataclasses import dataclass

# Exit codes of the command line (the README lists them).
EXIT_INPUT = 2  # a bad input: a file, a field or a command-line value, named in the message
EXIT_OUTPUT = 3  # a result could not be written: a full disk, a read-only folder, named in the message


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


class OutputError(Exception):
    """A result cannot be written (a full disk, a read-only folder): the file and the reason, for one line.

    The CLI prints it and exits 3; whatever was being written is left out rather than half-written.
    """

    def __init__(self, path: object, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(self.render())

    @classmethod
    def from_os(cls, path: object, exc: OSError) -> OutputError:
        """An OSError as an OutputError, naming the file the error names, or else `path`."""
        return cls(exc.filename or path, exc.strerror or str(exc))

    def render(self) -> str:
        return f"{self.path}: cannot write it ({self.reason})"
