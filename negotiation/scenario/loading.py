"""Loading scenario files: YAML in, a validated immutable `Scenario` out, with one clear error per problem.

YAML is read with a safe loader that also refuses duplicate keys; the data is validated by the
models (`schema.py`), then by the cross-field checks (`checks.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from negotiation.common.errors import InputError, Problem, ScenarioError
from negotiation.scenario.checks import check_references
from negotiation.scenario.problems import pydantic_problem
from negotiation.scenario.schema import Scenario


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing duplicate keys (which safe_load silently overwrites)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    """Build a mapping as SafeLoader does, but stop at a key given twice (naming its line)."""
    loader.flatten_mapping(node)
    mapping: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: str | Path, error: type[ScenarioError] = ScenarioError) -> Any:
    """Read a YAML file safely; any problem becomes an `error` naming the file and line."""
    origin = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(origin, "no such file") from None
    except IsADirectoryError:
        raise error(origin, "is a folder, not a file") from None
    except UnicodeDecodeError as exc:
        raise error(origin, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise error(origin, f"cannot be read ({exc.strerror})") from None
    try:
        loader = _StrictLoader(text)  # a SafeLoader: builds plain data only, never Python objects
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        if "could not determine a constructor" in problem:
            problem = "tags that build Python objects are not allowed: " + problem.split("for the tag", 1)[-1].strip()
        raise error(origin, Problem(where, f"YAML error: {problem}")) from None
    except yaml.YAMLError as exc:
        raise error(origin, f"YAML error: {exc}") from None
    if data is None:
        raise error(origin, "the file is empty")
    return data


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file; raise ScenarioError with every problem found."""
    data = read_yaml(path)
    return parse_scenario(data, origin=str(path))


def validate_mapping(model: type[BaseModel], data: Any, origin: str, error: type[InputError] = ScenarioError):
    """Validate parsed YAML (a mapping) into a pydantic model; every problem becomes one line of `error`."""
    if not isinstance(data, dict):
        raise error(origin, f"the top level must be a mapping of fields, not {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(origin, [pydantic_problem(err) for err in exc.errors()]) from None


def parse_scenario(data: Any, origin: str = "<scenario>") -> Scenario:
    """Validate already-parsed data (a dict, as from YAML) into a Scenario."""
    scenario = validate_mapping(Scenario, data, origin)
    problems = check_references(scenario)
    if problems:
        raise ScenarioError(origin, problems)
    return scenario
