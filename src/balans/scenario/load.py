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
import functools
import re
from collections.abc import Callable, Iterable
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
# A scenario is kilobytes (the decided RJH scenario 14 kB), a handful of levels
# deep and a few thousand values long; these bounds refuse huge files before
# parsing, and alias bombs and runaway nesting long before they cost anything.
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 64
MAX_NODES = 50_000
TOO_MANY = "more than {} keys, values and list items{} (a scenario has a few thousand)"
_INT_KEY = re.compile(r"\s*[+-]?[0-9]{1,18}\s*")


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

    composed = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        """Compose as SafeLoader does, but stop once the document is too big."""
        self.composed += 1
        if self.composed > MAX_NODES:
            raise yaml.constructor.ConstructorError(
                None, None, TOO_MANY.format(MAX_NODES, ""), self.peek_event().start_mark
            )
        return super().compose_node(parent, index)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Construct as SafeLoader does, but report bad scalars as YAML errors.

        PyYAML's own constructors raise ValueError, KeyError and friends for
        values such as `!!int abc`, `2001-13-45` or a 5000-digit integer.
        """
        try:
            return super().construct_object(node, deep=deep)
        except (yaml.YAMLError, RecursionError):
            raise
        except (
            ValueError,
            TypeError,
            KeyError,
            AttributeError,
            OverflowError,
            IndexError,
        ) as exc:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"cannot read the value {_tag(node)}: {exc}",
                node.start_mark,
            ) from None


def _tag(node: yaml.Node) -> str:
    tag = str(node.tag)
    return "as " + tag.replace("tag:yaml.org,2002:", "!!") if tag else ""


def _key_identity(key: Any) -> Any:
    """The key as the schema will see it: '2026' and 2026 are the same year."""
    if isinstance(key, str) and _INT_KEY.fullmatch(key):
        return int(key)
    return key


class _DuplicateKey(yaml.constructor.ConstructorError):
    """A key given twice in one mapping."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep=False):
    if not isinstance(node, yaml.MappingNode):
        raise yaml.constructor.ConstructorError(
            None, None, f"expected a mapping, but found {node.id}", node.start_mark
        )
    # Only the mapping's own keys can clash: a key that overrides one brought in
    # by a merge key (`<<: *anchor`) is what merging is for.
    own = [key for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge"]
    _check_decimal_comma(node)
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node in own:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        key = _key_identity(key)
        if key in seen:
            raise _DuplicateKey(
                None,
                None,
                f"duplicate key {key!r} (first on line {seen[key]})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


def _check_decimal_comma(node: yaml.MappingNode) -> None:
    """`{2026: 4,5}` reads as 2026: 4 and a key 5 without a value: say so."""
    if not node.flow_style:
        return
    for (_, before), (key, value) in zip(node.value, node.value[1:], strict=False):
        text = key.start_mark.buffer
        if (
            isinstance(before, yaml.ScalarNode)
            and isinstance(key, yaml.ScalarNode)
            and before.style is None
            and key.style is None
            and before.value.lstrip("+-").isdigit()
            and key.value.isdigit()
            and value.tag == "tag:yaml.org,2002:null"
            and not value.value
            and text is not None
            and text[before.end_mark.pointer : key.start_mark.pointer] == ","
        ):
            number = f"{before.value}.{key.value}"
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"{before.value},{key.value} reads as two values: write {number} "
                "with a decimal point",
                before.start_mark,
            )


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)
# YAML 1.1 reads 1e-3 and 2E6 (no decimal point) as text; they are numbers.
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


class _YamlProblem(Exception):
    """Why a YAML text cannot be used, where (1-based line) and at which key."""

    def __init__(
        self, reason: str, line: int | None = None, key_path: str = ""
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.key_path = key_path


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    """Compose and construct one YAML document, bounded in depth and size."""
    node = None
    loader = None
    try:
        loader = _StrictLoader(text)
        node = loader.get_single_node()
        _check_extent(node)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem and exc.problem.startswith("but "):
            reason = f"{exc.context}, {exc.problem}"
        elif exc.context_mark and exc.problem and "end of stream" in exc.problem:
            # an unclosed quote or bracket: point at where it was opened
            reason = f"{exc.context}: {exc.problem}"
            line = exc.context_mark.line + 1
        if isinstance(exc, _DuplicateKey):
            raise _YamlProblem(reason, line, _path_at(node, mark)) from None
        if isinstance(exc, yaml.constructor.ConstructorError):
            reason = _tag_not_allowed(reason) or f"YAML error: {reason}"
            raise _YamlProblem(reason, line, _path_at(node, mark)) from None
        raise _YamlProblem(f"YAML syntax error: {reason}", line) from None
    except yaml.reader.ReaderError as exc:
        line = (
            text.count("\n", 0, exc.position) + 1 if exc.position is not None else None
        )
        char = exc.character
        shown = f"#x{char:04x}" if isinstance(char, int) else repr(char)
        raise _YamlProblem(
            f"YAML error: unacceptable character {shown}: {exc.reason}", line
        ) from None
    except yaml.YAMLError as exc:
        raise _YamlProblem(f"YAML error: {exc}") from None
    except RecursionError:
        raise _YamlProblem(
            f"YAML nested too deeply (at most {MAX_DEPTH} levels)"
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    return node, data


def _check_extent(root: yaml.Node | None) -> None:
    """Reject documents nested too deeply or too large once aliases expand."""
    if root is None:
        return
    size: dict[int, int] = {}  # values once aliases are expanded
    height: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        ident = id(node)
        children = _children(node)
        if finished:
            open_nodes.discard(ident)
            total = 1 + sum(size[id(c)] for c in children)
            size[ident] = min(total, MAX_NODES + 1)
            height[ident] = 1 + max((height[id(c)] for c in children), default=0)
            continue
        if ident in open_nodes:  # an alias inside the very node it names
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "an alias refers to a node that contains it",
                node.start_mark,
            )
        if ident in size:
            continue  # shared through an alias: already measured
        open_nodes.add(ident)
        stack.append((node, True))
        stack.extend((child, False) for child in children)
    if height[id(root)] > MAX_DEPTH:
        problem = f"nested more than {MAX_DEPTH} levels deep"
        where = _top_entry(root, lambda n: height.get(id(n), 1) >= MAX_DEPTH)
    elif size[id(root)] > MAX_NODES:
        problem = TOO_MANY.format(MAX_NODES, " once aliases are expanded")
        where = _top_entry(root, lambda n: size.get(id(n), 1) > MAX_NODES // 2)
    else:
        return
    raise yaml.constructor.ConstructorError(None, None, problem, where.start_mark)


def _top_entry(root: yaml.Node, too_big: Callable[[yaml.Node], bool]) -> yaml.Node:
    """The top-level key whose value is too big (else the document itself)."""
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if too_big(value):
                return key
    return root


def _tag_not_allowed(problem: str) -> str | None:
    prefix = "could not determine a constructor for the tag "
    if not problem.startswith(prefix):
        return None
    tag = problem.removeprefix(prefix).strip("'").replace("tag:yaml.org,2002:", "!!")
    return f"the tag {tag} is not allowed (scenario files hold plain data only)"


def _path_at(root: yaml.Node | None, mark: yaml.Mark | None) -> str:
    """The dotted key path of the deepest key or value that starts at `mark`."""
    if root is None or mark is None:
        return ""
    best: list[str] | None = None
    visited: set[int] = set()
    stack: list[tuple[yaml.Node, list[str]]] = [(root, [])]
    while stack:
        node, path = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        if node.start_mark.index == mark.index and (
            best is None or len(path) > len(best)
        ):
            best = path
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                here = (
                    [*path, str(key.value)]
                    if isinstance(key, yaml.ScalarNode)
                    else path
                )
                if key.start_mark.index == mark.index and (
                    best is None or len(here) > len(best)
                ):
                    best = here
                stack.append((value, here))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, [*path, str(i)]) for i, item in enumerate(node.value))
    return ".".join(best or [])


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def read_yaml(path: Path) -> tuple[dict[str, Any], yaml.Node | None]:
    """Read one YAML file safely; return its mapping and its node tree."""
    shown = str(path)
    if _exists(path) and not _exists(path, file=True) and not path.is_dir():
        # a device or pipe (/dev/zero, a FIFO) would never finish reading
        raise ScenarioError(shown, "is not a regular file")
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise ScenarioError(
                shown,
                f"is larger than {MAX_FILE_BYTES // 1000} kB, the most a scenario "
                "file may be (a budget scenario is a few kB)",
            )
        text = raw.decode("utf-8")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    except FileNotFoundError:
        raise ScenarioError(shown, "file not found") from None
    except IsADirectoryError:
        raise ScenarioError(shown, "is a directory, not a scenario file") from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            shown, f"is not UTF-8 text (byte {exc.start})", hint="save it as UTF-8"
        ) from None
    except (OSError, ValueError) as exc:
        raise ScenarioError(shown, f"cannot be read: {exc}") from None
    try:
        node, data = _parse(text)
    except _YamlProblem as exc:
        raise ScenarioError(shown, exc.reason, exc.key_path, exc.line) from None
    if node is None:
        raise ScenarioError(
            shown, "the file is empty", hint="a scenario needs 'model:' or 'extends:'"
        )
    if not isinstance(data, dict):
        raise ScenarioError(
            shown,
            "the top level must be a mapping of keys",
            line=node.start_mark.line + 1,
        )
    return data, node


def deep_merge(
    base: dict[str, Any],
    override: dict[str, Any],
    trail: str = "",
    additions: bool = True,
) -> tuple[dict[str, Any], list[str]]:
    """Merge `override` into a copy of `base`; return it and the changes made.

    A change is `key.path: old -> new`; a key `base` lacks is `key.path:
    <unset> -> new` (unless `additions` is False: the base scenario filling in
    its region model adds most keys, and those are not overrides).
    """
    merged = copy.deepcopy(base)
    changes: list[str] = []
    same = {_key_identity(k): k for k in merged}
    for key, value in override.items():
        key = same.get(_key_identity(key), key)
        path = f"{trail}.{key}" if trail else str(key)
        old = merged.get(key, _UNSET)
        if isinstance(old, dict) and isinstance(value, dict):
            merged[key], sub = deep_merge(old, value, path, additions)
            changes.extend(sub)
        else:
            if old is not _UNSET and old != value:
                changes.append(f"{path}: {_short(old)} -> {_short(value)}")
            elif old is _UNSET and additions:
                changes.append(f"{path}: <unset> -> {_short(value)}")
            merged[key] = copy.deepcopy(value)
    return merged, changes


class _Unset:
    def __repr__(self) -> str:
        return "<unset>"


_UNSET = _Unset()


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _resolve_chain(path: Path) -> list[_Layer]:
    """Follow `extends:` from `path` to its root; return root first."""
    chain: list[_Layer] = []
    seen: list[Path] = []
    current = path
    while True:
        resolved = _resolved(current)
        if resolved in seen:
            cycle = " -> ".join(p.name for p in [*seen, resolved])
            raise _key_error(chain[-1], "extends", f"extends cycle: {cycle}")
        if len(seen) >= MAX_CHAIN:
            raise _key_error(
                chain[-1], "extends", f"extends chain longer than {MAX_CHAIN} files"
            )
        seen.append(resolved)
        data, node = read_yaml(current)
        layer = _Layer(current, data, node)
        chain.append(layer)
        parent = data.pop("extends", None)
        if parent is None:
            break
        if not isinstance(parent, str) or not parent.strip():
            raise _key_error(layer, "extends", "must be a relative file path")
        current = current.parent / parent
        if not _exists(current, file=True):
            problem = "is a folder" if _exists(current) else "not found"
            raise _key_error(layer, "extends", f"extended file {parent!r} {problem}")
    return list(reversed(chain))


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, ValueError, RuntimeError):
        return path.absolute()


def _exists(path: Path, file: bool = False) -> bool:
    """`Path.exists()`/`is_file()` that says False for unusable names."""
    try:
        return path.is_file() if file else path.exists()
    except (OSError, ValueError):
        return False


def _key_error(layer: _Layer, key: str, message: str, hint: str = "") -> ScenarioError:
    """An error about a top-level key of one file, with that key's line."""
    found = _child(layer.node, key) if layer.node is not None else None
    line = found[0] if found else None
    return ScenarioError(str(layer.path), message, key, line, hint)


def _model_layer(chain: list[_Layer]) -> _Layer:
    """Load the region model named by the nearest scenario that names one."""
    for layer in reversed(chain):
        name = layer.data.pop("model", None)
        if name is None:
            continue
        if not isinstance(name, str) or not name.strip():
            raise _key_error(layer, "model", "must be a folder path")
        folder = layer.path.parent / name
        file = folder / MODEL_FILE
        if not _exists(file, file=True):
            raise _key_error(
                layer,
                "model",
                f"model folder {name!r} has no {MODEL_FILE}",
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
        value = _parse(raw)[1] if raw.strip() else None
    except _YamlProblem as exc:
        raise ScenarioError(
            source,
            f"cannot read the value {_short(raw)}: {exc.reason}",
            ".".join(parts),
        ) from None
    if value is None:
        raise ScenarioError(source, "a value is required after '='", ".".join(parts))
    return parts, value


def _set_path(data: dict[str, Any], parts: list[str], value: Any, option: str) -> str:
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
                f"--set {option}",
                "is a value, not a section with keys",
                ".".join(parts[: depth + 1]),
            )
        node = child
    raise AssertionError("unreachable")


def _as_int(part: str) -> int | None:
    """`part` as an integer if it is written as one in ASCII digits, else None."""
    return int(part) if _INT_KEY.fullmatch(part) else None


def _existing_key(node: dict[Any, Any], part: str) -> Any:
    if part in node:
        return part
    number = _as_int(part)
    if number is not None and number in node:
        return number
    return number if number is not None and part.isdigit() else part


def load_scenario(path: str | Path, overrides: tuple[str, ...] = ()) -> LoadedScenario:
    """Load, merge and validate a scenario file and its command-line overrides."""
    return ScenarioBase.read(path).load(overrides)


@dataclass
class ScenarioBase:
    """A scenario file read and merged once, not yet validated: the base of variants.

    A sweep validates thousands of variants of one file; reading and merging
    its YAML chain once and applying each variant's `--set` overrides to a copy
    gives the same scenario as `load_scenario(path, overrides)`.
    """

    merged: dict[str, Any]
    applied: list[str]
    layers: list[_Layer]

    @classmethod
    def read(cls, path: str | Path) -> ScenarioBase:
        """Read the file, follow `extends:` and merge the chain onto its model."""
        path = Path(path)
        chain = _resolve_chain(path)
        model = _model_layer(chain)
        merged, applied = dict(model.data), []
        for number, layer in enumerate(chain):
            merged, changes = deep_merge(merged, layer.data, additions=number > 0)
            applied.extend(f"{layer.path.name}: {c}" for c in changes)
        if "name" not in chain[-1].data:
            merged["name"] = path.stem
        return cls(merged, applied, [model, *chain])

    def load(self, overrides: tuple[str, ...] = ()) -> LoadedScenario:
        """The validated scenario with `overrides` (`--set` strings) applied."""
        merged, applied = copy.deepcopy(self.merged), list(self.applied)
        for option in overrides:
            parts, value = parse_set(option)
            applied.append("--set " + _set_path(merged, parts, value, option))
        scenario = _validate(merged, self.layers, overrides)
        problems = find_problems(scenario)
        if problems:
            key, message = problems[0]
            raise _located_error(self.layers, overrides, key.split("."), message)
        return LoadedScenario(scenario, [layer.path for layer in self.layers], applied)

    def variant(
        self, changes: Iterable[tuple[tuple[str, ...], Any]], check: bool = True
    ) -> Scenario:
        """The validated scenario with typed values set at key paths (a sweep's variant).

        As `load` with `--set` overrides, but the values are numbers already,
        only the dictionaries on the changed paths are copied and only the
        changed top-level sections are validated again (the scenario has no
        checks across sections but `find_problems`, which runs in full).
        With `check` False the caller runs `find_problems` (`self.check`)
        itself: a sweep runs it once over a chunk of variants.
        """
        merged = dict(self.merged)
        copies = {id(merged)}  # each dictionary on a changed path is copied once
        for parts, value in changes:
            node = merged
            for part in parts[:-1]:
                key = _existing_key(node, part)
                child = node.get(key)
                if not isinstance(child, dict) or id(child) not in copies:
                    node[key] = child = dict(child) if isinstance(child, dict) else {}
                    copies.add(id(child))
                node = child
            node[_existing_key(node, parts[-1])] = value
        scenario = self.scenario
        for section in {parts[0] for parts, _ in changes}:
            scenario = self._revalidated(scenario, section, merged)
        if check:
            self.check(scenario)
        return scenario

    def check(self, scenario: Scenario) -> None:
        """Raise the located error of a variant's first consistency problem, if any."""
        problems = find_problems(scenario)
        if problems:
            key, message = problems[0]
            raise _located_error(self.layers, (), key.split("."), message)

    @functools.cached_property
    def scenario(self) -> Scenario:
        """The base scenario itself, validated."""
        return _validate(copy.deepcopy(self.merged), self.layers, ())

    def _revalidated(
        self, scenario: Scenario, section: str, merged: dict[str, Any]
    ) -> Scenario:
        if section not in Scenario.model_fields:
            return _validate(merged, self.layers, ())  # names the unknown key
        try:
            return Scenario.__pydantic_validator__.validate_assignment(
                scenario.model_copy(), section, merged[section]
            )
        except ValidationError as exc:
            error = exc.errors()[0]
            loc = [str(p) for p in error["loc"]]
            message, hint = _describe(error, loc)
            raise _located_error(self.layers, (), loc, message, hint) from None

    @property
    def files(self) -> list[Path]:
        """The files read: region model, then the scenario chain."""
        return [layer.path for layer in self.layers]

    def value_at(self, parts: list[str]) -> Any:
        """The merged value at a key path (None where the path is not set)."""
        node: Any = self.merged
        for part in parts:
            if not isinstance(node, dict):
                return None
            node = node.get(_existing_key(node, part))
        return node


def load_document(path: str | Path, model: type[BaseModel]) -> tuple[Any, Any]:
    """Read a YAML file other than a scenario (a sweep or risk spec) into `model`.

    The same strict reading as a scenario file; an invalid value is one error
    naming the file, the key and its line. Returns the document and its node
    tree, for errors that only later checks find (`located`).
    """
    path = Path(path)
    data, node = read_yaml(path)
    try:
        return model.model_validate(data), node
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = _in_document(data, [str(p) for p in error["loc"]])
        if loc and loc[-1] == "[key]":
            loc = loc[:-1]
        message, hint = _describe(error, loc, model)
        raise located(path, node, loc, message, hint) from None


def _in_document(data: Any, loc: list[str]) -> list[str]:
    """`loc` without the parts pydantic adds (a tagged union's tag): keys of `data`."""
    kept, node = [], data
    for number, part in enumerate(loc):
        last = number == len(loc) - 1
        if isinstance(node, dict):
            key = _existing_key(node, part)
            if key not in node and not last:
                continue
            node = node.get(key)
        elif isinstance(node, list) and _as_int(part) is not None:
            index = int(part)
            node = node[index] if 0 <= index < len(node) else None
        kept.append(part)
    return kept


def located(
    path: Path, node: Any, loc: list[str], message: str, hint: str = ""
) -> ScenarioError:
    """An error at key path `loc` of a file, with the line the key is on."""
    _, line = _deepest_line(node, loc)
    return ScenarioError(str(path), message, ".".join(loc), line, hint)


def _validate(
    merged: dict[str, Any], layers: list[_Layer], overrides: tuple[str, ...]
) -> Scenario:
    try:
        return Scenario.model_validate(merged)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = [str(p) for p in error["loc"]]
        bad_key = bool(loc) and loc[-1] == "[key]"
        if bad_key:  # pydantic's marker for a mapping key that fails its type
            loc = loc[:-1]
        message, hint = _describe(error, loc)
        if bad_key:
            message = f"invalid key: {message}"
        raise _located_error(layers, overrides, loc, message, hint) from None
    except RecursionError:
        raise ScenarioError(str(layers[-1].path), "values nested too deeply") from None


def _describe(
    error: dict[str, Any], loc: list[str], root: type[BaseModel] = Scenario
) -> tuple[str, str]:
    kind = error["type"]
    if kind == "extra_forbidden":
        options = _known_keys(loc[:-1], root)
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


def _known_keys(loc: list[str], root: type[BaseModel] = Scenario) -> list[str]:
    """Field names of the schema model at `loc` (for did-you-mean)."""
    annotation: Any = root
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
    if (
        get_origin(annotation) is not None
        and len(args) == 1
        and get_origin(annotation) not in (dict, list)
    ):
        return args[0]
    return annotation


def _located_error(
    layers: list[_Layer],
    overrides: tuple[str, ...],
    loc: list[str],
    message: str,
    hint: str = "",
) -> ScenarioError:
    """Name the file that set the innermost part of `loc`, with its line.

    `layers` is the region model first, then the scenario files, lowest first.
    The last file that sets the value at `loc` is the one to fix. If none sets it
    (a required key is missing), the scenario file that reaches deepest towards it
    is named, not the region model: scenarios carry the numbers.
    """
    key_path = ".".join(loc)
    for option in reversed(overrides):
        parts, _ = parse_set(option)
        if parts == loc[: len(parts)] or loc == parts[: len(loc)]:
            return ScenarioError(f"--set {option}", message, key_path, hint=hint)
    reach = [(layer, *_deepest_line(layer.node, loc)) for layer in layers]
    setting = [r for r in reach if r[1] == len(loc)]
    if setting:
        layer, _, line = setting[-1]
    else:
        candidates = reach[1:] or reach
        best = max(depth for _, depth, _ in candidates)
        layer, _, line = [r for r in candidates if r[1] == best][-1]
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
    index = _as_int(part)
    if isinstance(node, yaml.SequenceNode) and index is not None:
        if 0 <= index < len(node.value):
            item = node.value[index]
            return item.start_mark.line + 1, item
    return None
