"""Loading scenario files: YAML in, a validated immutable `Scenario` out, with one clear error per problem.

YAML is read with a safe loader that also refuses duplicate keys, keys that are not plain values,
aliases of whole mappings or lists, invalid dates, overlong numbers and deep nesting (each named
by its field and line; the limits are in `common/limits.py`); the data is validated by the models
(`schema.py`), then by the cross-field checks (`checks.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from negotiation.common.errors import InputError, Problem, ScenarioError
from negotiation.common.files import read_text
from negotiation.common.limits import MAX_DEPTH, MAX_INPUT_BYTES, MAX_INT_DIGITS
from negotiation.scenario.checks import check_references
from negotiation.scenario.problems import pydantic_problems
from negotiation.scenario.schema import Scenario

INT_TAG = "tag:yaml.org,2002:int"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing duplicate keys (which safe_load silently overwrites) and deep nesting."""

    depth = 0

    def compose_node(self, parent, index):
        """Compose as SafeLoader does, but no deeper than MAX_DEPTH (PyYAML recurses, and would overflow)."""
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep",
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


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


def _where(node: yaml.Node) -> str:
    return f"line {node.start_mark.line + 1}, column {node.start_mark.column + 1}"


def _scalar_problem(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str | None:
    """What is wrong with a scalar that SafeLoader would turn into a traceback, or None."""
    if node.tag == INT_TAG:
        digits = sum(ch.isdigit() for ch in node.value)
        if digits > MAX_INT_DIGITS:
            return f"a whole number of {digits:,} digits (at most {MAX_INT_DIGITS})"
    elif node.tag == TIMESTAMP_TAG:
        try:
            loader.construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            return f"{node.value!r} is not a valid date ({exc})"
    return None


def node_problem(loader: yaml.SafeLoader, root: yaml.Node) -> Problem | None:
    """The first thing in a composed YAML document the loader must not build, with its field path and line.

    A key must be a plain value (a list or mapping as key cannot be looked up); an alias may repeat a
    plain value but not a whole mapping or list (nested aliases multiply into billions of nodes).
    """
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            message = _scalar_problem(loader, node)
            if message:
                return Problem(path, f"{message} ({_where(node)})")
            continue
        if id(node) in seen:
            return Problem(path, f"an alias repeats a whole mapping or list; write it out ({_where(node)})")
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(reversed([(item, f"{path}[{i}]") for i, item in enumerate(node.value)]))
            continue
        children = []
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                kind = "list" if isinstance(key, yaml.SequenceNode) else "mapping"
                return Problem(path, f"a key must be a name or a number, not a {kind} ({_where(key)})")
            message = _scalar_problem(loader, key)
            if message:
                return Problem(path, f"{message} ({_where(key)})")
            children.append((value, f"{path}.{key.value}" if path else key.value))
        stack.extend(reversed(children))
    return None


def read_yaml(path: str | Path, error: type[InputError] = ScenarioError) -> Any:
    """Read a YAML file safely; any problem becomes an `error` naming the file and the field or line."""
    origin = str(path)
    text = read_text(path, MAX_INPUT_BYTES, error)
    try:
        loader = _StrictLoader(text)  # a SafeLoader: builds plain data only, never Python objects
        try:
            node = loader.get_single_node()
            problem = node_problem(loader, node) if node is not None else None
            if problem is not None:
                raise error(origin, problem)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = exc.problem or exc.context or "invalid YAML"
        if "could not determine a constructor" in reason:
            reason = "tags that build Python objects are not allowed: " + reason.split("for the tag", 1)[-1].strip()
        raise error(origin, Problem(where, f"YAML error: {reason}")) from None
    except yaml.YAMLError as exc:
        raise error(origin, f"YAML error: {exc}") from None
    except RecursionError:
        raise error(origin, f"YAML error: nested more than {MAX_DEPTH} levels deep") from None
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
        raise error(origin, pydantic_problems(exc.errors())) from None


def parse_scenario(data: Any, origin: str = "<scenario>") -> Scenario:
    """Validate already-parsed data (a dict, as from YAML) into a Scenario."""
    scenario = validate_mapping(Scenario, data, origin)
    problems = check_references(scenario)
    if problems:
        raise ScenarioError(origin, problems)
    return scenario
