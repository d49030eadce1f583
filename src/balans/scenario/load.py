"""Scenario files -> one validated Scenario.

Merge order, lowest first: the region model (`models/<name>/model.yaml`), the
base scenario of an `extends:` chain, each scenario that extends it, and last
the command line's `--set key.path=value`. Mappings merge key by key; any other
value (lists included) is replaced whole. Every override is recorded as
`key: old -> new` in `LoadedScenario.applied_overrides`.
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from balans.errors import ScenarioError
from balans.scenario.consistency import find_problems
from balans.scenario.schema import Scenario

MODEL_FILE = "model.yaml"
MAX_CHAIN = 20


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario and where its values came from."""

    scenario: Scenario
    files: list[Path]
    applied_overrides: list[str] = field(default_factory=list)


@dataclass
class _Layer:
    path: Path
    data: dict[str, Any]
    node: yaml.Node | None


class _StrictLoader(yaml.SafeLoader):
    """Safe loader that rejects duplicate keys instead of keeping the last."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep=False):
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first on line {seen[key]})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


def read_yaml(path: Path) -> tuple[dict[str, Any], yaml.Node | None]:
    """Read one YAML file safely; return its mapping and its node tree."""
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(shown, "file not found") from None
    except IsADirectoryError:
        raise ScenarioError(shown, "is a directory, not a scenario file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(shown, f"cannot be read: {exc}") from None
    try:
        node = yaml.compose(text, Loader=_StrictLoader)
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = exc.problem or exc.context or "invalid YAML"
        raise ScenarioError(shown, f"YAML syntax error: {reason}", line=line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(shown, f"YAML error: {exc}") from None
    except RecursionError:
        raise ScenarioError(shown, "YAML nested too deeply") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(shown, "the top level must be a mapping of keys", line=1)
    return data, node


def deep_merge(
    base: dict[str, Any], override: dict[str, Any], trail: str = ""
) -> tuple[dict[str, Any], list[str]]:
    """Merge `override` into a copy of `base`; return it and the changes made."""
    merged = copy.deepcopy(base)
    changes: list[str] = []
    for key, value in override.items():
        path = f"{trail}.{key}" if trail else str(key)
        old = merged.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            merged[key], sub = deep_merge(old, value, path)
            changes.extend(sub)
        else:
            if key in merged and old != value:
                changes.append(f"{path}: {_short(old)} -> {_short(value)}")
            merged[key] = copy.deepcopy(value)
    return merged, changes


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _resolve_chain(path: Path) -> list[_Layer]:
    """Follow `extends:` from `path` to its root; return root first."""
    chain: list[_Layer] = []
    seen: list[Path] = []
    current = path
    while True:
        resolved = current.resolve()
        if resolved in seen:
            cycle = " -> ".join(p.name for p in [*seen, resolved])
            raise ScenarioError(str(current), f"extends cycle: {cycle}", "extends")
        if len(seen) >= MAX_CHAIN:
            raise ScenarioError(str(current), "extends chain longer than 20 files")
        seen.append(resolved)
        data, node = read_yaml(current)
        chain.append(_Layer(current, data, node))
        parent = data.pop("extends", None)
        if parent is None:
            break
        if not isinstance(parent, str) or not parent.strip():
            raise ScenarioError(
                str(current), "must be a relative file path", "extends"
            )
        current = current.parent / parent
        if not current.exists():
            raise ScenarioError(
                str(chain[-1].path), f"extended file {parent!r} not found", "extends"
            )
    return list(reversed(chain))


def _model_layer(chain: list[_Layer]) -> _Layer:
    """Load the region model named by the nearest scenario that names one."""
    for layer in reversed(chain):
        name = layer.data.pop("model", None)
        if name is None:
            continue
        if not isinstance(name, str) or not name.strip():
            raise ScenarioError(str(layer.path), "must be a folder path", "model")
        folder = layer.path.parent / name
        file = folder / MODEL_FILE
        if not file.is_file():
            raise ScenarioError(
                str(layer.path),
                f"model folder {name!r} has no {MODEL_FILE}",
                "model",
                hint="give the path of models/<region> relative to this file",
            )
        data, node = read_yaml(file)
        for other in chain:
            other.data.pop("model", None)
        return _Layer(file, data, node)
    raise ScenarioError(
        str(chain[-1].path),
        "no region model named",
        "model",
        hint="add e.g. 'model: ../models/rjh'",
    )


def parse_set(option: str) -> tuple[list[str], Any]:
    """Split `a.b.2027=4.5` into a key path and a YAML-typed value."""
    source = f"--set {option}"
    if "=" not in option:
        raise ScenarioError(source, "expected key.path=value")
    key, _, raw = option.partition("=")
    parts = [p.strip() for p in key.strip().split(".")]
    if not key.strip() or any(not p for p in parts):
        raise ScenarioError(source, "the key path must be dotted names, e.g. a.b.2027")
    try:
        value = yaml.load(raw, Loader=_StrictLoader) if raw.strip() else None
    except yaml.YAMLError:
        raise ScenarioError(source, f"cannot read the value {raw!r}") from None
    if value is None:
        raise ScenarioError(source, "a value is required after '='", key)
    return parts, value


def _set_path(data: dict[str, Any], parts: list[str], value: Any) -> str:
    node: Any = data
    for depth, part in enumerate(parts):
        key = _existing_key(node, part)
        last = depth == len(parts) - 1
        if last:
            old = node.get(key, "<unset>")
            node[key] = value
            return f"{'.'.join(parts)}: {_short(old)} -> {_short(value)}"
        child = node.get(key)
        if child is None:
            child = node[key] = {}
        if not isinstance(child, dict):
            raise ScenarioError(
                "--set", f"{'.'.join(parts[: depth + 1])} is a value, not a section"
            )
        node = child
    raise AssertionError("unreachable")


def _existing_key(node: dict[Any, Any], part: str) -> Any:
    if part in node:
        return part
    if part.lstrip("-").isdigit() and int(part) in node:
        return int(part)
    return int(part) if part.isdigit() else part


def load_scenario(path: str | Path, overrides: tuple[str, ...] = ()) -> LoadedScenario:
    """Load, merge and validate a scenario file and its command-line overrides."""
    path = Path(path)
    chain = _resolve_chain(path)
    model = _model_layer(chain)
    merged, applied = dict(model.data), []
    for layer in chain:
        merged, changes = deep_merge(merged, layer.data)
        applied.extend(f"{layer.path.name}: {c}" for c in changes)
    if "name" not in chain[-1].data:
        merged["name"] = path.stem
    for option in overrides:
        parts, value = parse_set(option)
        applied.append("--set " + _set_path(merged, parts, value))
    layers = [model, *chain]
    scenario = _validate(merged, layers, overrides)
    problems = find_problems(scenario)
    if problems:
        key, message = problems[0]
        raise _located_error(layers, overrides, key.split("."), message)
    return LoadedScenario(scenario, [layer.path for layer in layers], applied)


def _validate(
    merged: dict[str, Any], layers: list[_Layer], overrides: tuple[str, ...]
) -> Scenario:
    try:
        return Scenario.model_validate(merged)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = [str(p) for p in error["loc"]]
        message, hint = _describe(error, loc)
        raise _located_error(layers, overrides, loc, message, hint) from None
    except RecursionError:
        raise ScenarioError(str(layers[-1].path), "values nested too deeply") from None


def _describe(error: dict[str, Any], loc: list[str]) -> tuple[str, str]:
    kind = error["type"]
    if kind == "extra_forbidden":
        options = _known_keys(loc[:-1])
        close = difflib.get_close_matches(loc[-1], options, n=1)
        hint = f"did you mean '{close[0]}'?" if close else ""
        if not hint and options:
            hint = "known keys: " + ", ".join(sorted(options))
        return "unknown key", hint
    if kind == "missing":
        return "required key is missing", ""
    text = str(error.get("msg", "invalid value"))
    text = text.removeprefix("Value error, ")
    value = error.get("input")
    if not isinstance(value, dict | list) and kind not in ("missing",):
        text += f", got {_short(value)}"
    return text, ""


def _known_keys(loc: list[str]) -> list[str]:
    """Field names of the schema model at `loc` (for did-you-mean)."""
    annotation: Any = Scenario
    for part in loc:
        annotation = _strip_optional(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            info = annotation.model_fields.get(part)
            if info is None:
                return []
            annotation = info.annotation
        elif get_origin(annotation) is dict:
            annotation = get_args(annotation)[1]
        elif get_origin(annotation) is list:
            annotation = get_args(annotation)[0]
        else:
            return []
    annotation = _strip_optional(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _strip_optional(annotation: Any) -> Any:
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) is not None and len(args) == 1 and not get_origin(
        annotation
    ) in (dict, list):
        return args[0]
    return annotation


def _located_error(
    layers: list[_Layer],
    overrides: tuple[str, ...],
    loc: list[str],
    message: str,
    hint: str = "",
) -> ScenarioError:
    """Name the file that set the innermost part of `loc`, with its line."""
    key_path = ".".join(loc)
    for option in reversed(overrides):
        parts, _ = parse_set(option)
        if parts == loc[: len(parts)] or loc == parts[: len(loc)]:
            return ScenarioError(f"--set {option}", message, key_path, hint=hint)
    best: tuple[int, _Layer, int | None] | None = None
    for layer in reversed(layers):
        depth, line = _deepest_line(layer.node, loc)
        if best is None or depth > best[0]:
            best = (depth, layer, line)
    assert best is not None
    _, layer, line = best
    return ScenarioError(str(layer.path), message, key_path, line, hint)


def _deepest_line(node: yaml.Node | None, loc: list[str]) -> tuple[int, int | None]:
    """How far `loc` reaches into a node tree, and the line it reaches."""
    if node is None:
        return -1, None
    depth, line = 0, node.start_mark.line + 1
    for part in loc:
        child = _child(node, part)
        if child is None:
            break
        key_line, node = child
        depth, line = depth + 1, key_line
    return depth, line


def _child(node: yaml.Node, part: str) -> tuple[int, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if str(key_node.value) == part:
                return key_node.start_mark.line + 1, value_node
    if isinstance(node, yaml.SequenceNode) and part.isdigit():
        index = int(part)
        if index < len(node.value):
            item = node.value[index]
            return item.start_mark.line + 1, item
    return None
