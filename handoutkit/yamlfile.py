"""YAML mappings that remember the line of every key, and pydantic errors turned into file:line messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .errors import HandoutError


class _Loader(yaml.SafeLoader):
    """SafeLoader that does not turn a duplicated key into a silent overwrite."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"'{key}' is given twice", key_node.start_mark
            )
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode):
    """A date-shaped value that is no real date (2026-02-30) stays text, so validation can name it."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _lines_of(node: yaml.Node, prefix: tuple, first_line: int, out: dict[tuple, int]) -> None:
    """Record the 1-based line of every key and list item under node."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path = (*prefix, key_node.value)
            out[path] = first_line + key_node.start_mark.line
            _lines_of(value_node, path, first_line, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            path = (*prefix, i)
            out[path] = first_line + item.start_mark.line
            _lines_of(item, path, first_line, out)


def load_mapping(
    text: str, path: Path, first_line: int, error: type[HandoutError]
) -> tuple[dict[str, Any], dict[tuple, int]]:
    """Parse text (which starts at first_line of path) as a YAML mapping; return it and its key lines."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else first_line
        problem = exc.problem or exc.context or "not valid YAML"
        raise error(f"broken YAML: {problem}", path, line) from None
    except yaml.YAMLError as exc:
        raise error(f"broken YAML: {exc}", path, first_line) from None
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise error(f"expected 'key: value' lines, got {type(data).__name__}", path, first_line)
    lines: dict[tuple, int] = {}
    _lines_of(node, (), first_line, lines)
    return data, lines


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, bool):
        return "yes/no" if value else "no"
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of 'key: value' lines"
    return repr(value)


_EXPECTED = {
    "string_type": "expected text",
    "date_type": "expected a date like 2026-11-26",
    "date_from_datetime_parsing": "expected a date like 2026-11-26",
    "date_parsing": "expected a date like 2026-11-26",
    "list_type": "expected a list ('- item' lines)",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "bool_type": "expected yes or no",
}


def check_model(
    model: type[BaseModel],
    data: dict[str, Any],
    lines: dict[tuple, int],
    path: Path,
    first_line: int,
    error: type[HandoutError],
    context: dict[str, Any] | None = None,
) -> Any:
    """Validate data against model; the first problem becomes one file:line message."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        problems = [_problem(e, model, lines, path, first_line, error) for e in exc.errors()]
        # An unknown field is usually a typo of a missing one: name it first.
        problems.sort(key=lambda p: ("unknown field" not in p.message, p.line or 0))
        raise problems[0] from None


def _problem(e: dict, model: type[BaseModel], lines: dict[tuple, int], path: Path,
             first_line: int, error: type[HandoutError]) -> HandoutError:
    loc = tuple(e["loc"])
    field = ".".join(str(p) for p in loc) or "front matter"
    line = lines.get(loc) or lines.get(loc[:1]) or first_line
    kind = e["type"]
    if kind == "extra_forbidden":
        known = ", ".join(model.model_fields)
        message = f"{field}: unknown field (known fields: {known})"
    elif kind == "missing":
        message = f"{field}: required field is missing"
    elif kind in _EXPECTED:
        message = f"{field}: {_EXPECTED[kind]}, got {_describe(e.get('input'))}"
    else:
        text = e["msg"].removeprefix("Value error, ")
        message = f"{field}: {text}"
    return error(message, path, line)
