"""Fuzzing the scenario loader: any input ends valid or in one clean ScenarioError.

Each test mutates the decided scenario (as a document, as text, as bytes, as a
what-if on top of it, or through `--set`) and loads the result. The only
acceptable outcomes are a `LoadedScenario` or a `ScenarioError` whose message is
one line that starts with the file that holds the problem; any other exception is
a loader bug.
"""

from __future__ import annotations

import copy
import datetime
import json
import math
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from balans.errors import ScenarioError
from balans.scenario.load import (
    MAX_FILE_BYTES,
    MAX_NODES,
    LoadedScenario,
    load_scenario,
)
from balans.testing import DECIDED, REPO_ROOT, make_scenario, write_whatif

MODEL_DIR = REPO_ROOT / "models" / "rjh"
MODEL_FILE = MODEL_DIR / "model.yaml"
DECIDED_TEXT = DECIDED.read_text(encoding="utf-8")
DECIDED_DOC: dict[Any, Any] = yaml.safe_load(DECIDED_TEXT)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# -- what a clean outcome is ---------------------------------------------------------


def check_outcome(
    path: Path, overrides: tuple[str, ...] = (), may_name: tuple[Path, ...] = ()
) -> LoadedScenario | ScenarioError:
    """Load `path`; it must succeed or fail with one line naming a file we expect.

    The error must name `path` itself, one of `may_name` (files it builds on, when
    the mutation makes their values wrong), or the `--set` option at fault.
    """
    try:
        # load_scenario is ScenarioBase.read(path).load(overrides): with
        # overrides (the --set fuzz) the unchanged file's read is kept
        # (make_scenario), and only load(overrides), which the fuzz varies, runs.
        if overrides:
            loaded = make_scenario(*overrides, base=path)
        else:
            loaded = load_scenario(path, overrides)
        record("valid")
        return loaded
    except ScenarioError as error:
        record("ScenarioError")
        text = str(error)
        assert "\n" not in text and "\r" not in text, text
        # one_line() keeps the file exact, with line breaks written as \n
        shown = error.file.replace("\r", "\\r").replace("\n", "\\n")
        assert text.startswith(shown), text
        allowed = {str(path)} | {f"--set {option}" for option in overrides}
        if error.file not in allowed:
            named = Path(error.file).resolve()
            assert named in {p.resolve() for p in may_name}, text
        return error


def record(outcome: str) -> None:
    if currently_in_test_context():  # shown by --hypothesis-show-statistics
        event(outcome)


def valid_outcome_is_sane(outcome: LoadedScenario | ScenarioError) -> None:
    if isinstance(outcome, LoadedScenario):
        scenario = outcome.scenario
        assert scenario.years == list(
            range(scenario.horizon.first_year, scenario.horizon.last_year + 1)
        )
        for value in scenario.assumptions.interest_rate_pct.values():
            assert math.isfinite(value)


def write_doc(folder: Path, doc: Any, name: str = "fuzzed.yaml") -> Path:
    path = folder / name
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=200)
    path.write_text(text, encoding="utf-8")
    return path


def model_ref(folder: Path) -> str:
    """`model:` for a scenario in `folder`: the region model, relative to it."""
    return os.path.relpath(MODEL_DIR, folder)


def decided_text_in(folder: Path) -> str:
    return DECIDED_TEXT.replace(
        "model: ../models/rjh\n", f"model: {model_ref(folder)}\n", 1
    )


def test_unmutated_copies_load():
    """The harness itself: an unmutated copy as document and as text is valid."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        doc = {**DECIDED_DOC, "model": model_ref(folder)}
        assert isinstance(check_outcome(write_doc(folder, doc)), LoadedScenario)
        text_copy = folder / "copy.yaml"
        text_copy.write_text(decided_text_in(folder), encoding="utf-8")
        assert isinstance(check_outcome(text_copy), LoadedScenario)


# -- junk values ---------------------------------------------------------------------

SPECIAL_NUMBERS = st.sampled_from(
    [
        0,
        -0.0,
        -1,
        -5,
        -1e-9,
        1e-300,
        1e308,
        -1e308,
        10**18,
        -(10**18),
        10**400,
        2**63,
        float("nan"),
        float("inf"),
        float("-inf"),
        1900,
        2200,
        2201,
        1899,
        2026,
        2031,
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    SPECIAL_NUMBERS,
    st.text(max_size=20),
    st.sampled_from(
        [
            "",
            " ",
            "RS",
            "XYZ",
            "2026",
            "3,5",
            "1e999",
            "~",
            "null",
            "yes",
            "!!python/object",
            "Hälso- och sjukvård",
            "\u202e",
            "\U0001f4b8",
            "a\x00b",
            "\ufeff",
            "2026-02-30",
            ".",
            "..",
            "/",
            "/dev/null",
            "../models/rjh",
            "fuzzed.yaml",
            "x" * 300,
        ]
    ),
    st.binary(max_size=12),
    st.dates(),
)
KEYS = st.one_of(
    st.text(max_size=10),
    st.integers(min_value=-5000, max_value=5000),
    st.sampled_from(["extends", "model", "name", "2026", "enabled", "RS", "opening"]),
)
JUNK = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def deeply_nested(draw: st.DrawFn) -> Any:
    value = draw(SCALARS)
    for _ in range(draw(st.integers(min_value=1, max_value=120))):
        value = [value] if draw(st.booleans()) else {draw(KEYS): value}
    return value


VALUES = st.one_of(JUNK, SPECIAL_NUMBERS, deeply_nested())


# -- document mutations --------------------------------------------------------------


def key_paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a value inside dicts and lists, parents before children."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        yield (*prefix, key)
        if isinstance(value, dict | list):
            yield from key_paths(value, (*prefix, key))


def parent_of(doc: Any, path: tuple[Any, ...]) -> Any:
    node = doc
    for key in path[:-1]:
        node = node[key]
    return node


def mutable_paths(doc: dict[Any, Any]) -> list[tuple[Any, ...]]:
    # `model:` stays a valid reference so that most documents get past it.
    return [p for p in key_paths(doc) if p[0] != "model"]


def mutate(doc: dict[Any, Any], data: st.DataObject) -> dict[Any, Any]:
    doc = copy.deepcopy(doc)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3), label="mutations")):
        paths = mutable_paths(doc)
        if not paths:
            break
        path = data.draw(st.sampled_from(paths), label="path")
        parent = parent_of(doc, path)
        key = path[-1]
        action = data.draw(
            st.sampled_from(["replace", "delete", "add", "number", "nest", "scale"])
        )
        if action == "replace":
            parent[key] = data.draw(VALUES, label="value")
        elif action == "delete":
            del parent[key]
        elif action == "add":
            target = parent[key] if isinstance(parent[key], dict) else parent
            if isinstance(target, dict):
                target[data.draw(KEYS, label="key")] = data.draw(VALUES, label="value")
            else:
                target.append(data.draw(VALUES, label="value"))
        elif action == "number":
            parent[key] = data.draw(SPECIAL_NUMBERS, label="number")
        elif action == "scale":  # a plausible change, so that valid plans come out too
            if isinstance(parent[key], int | float) and not isinstance(
                parent[key], bool
            ):
                factor = data.draw(
                    st.floats(min_value=0.5, max_value=1.5), label="factor"
                )
                parent[key] = parent[key] * factor
        else:
            parent[key] = data.draw(deeply_nested(), label="nested")
    return doc


@FUZZ
@given(data=st.data())
def test_mutated_document(data):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        doc = mutate({**DECIDED_DOC, "model": model_ref(folder)}, data)
        valid_outcome_is_sane(check_outcome(write_doc(folder, doc)))


@FUZZ
@given(data=st.data())
def test_mutated_whatif(data):
    """Junk merged on top of the decided scenario, as a what-if file would be."""
    body = mutate(DECIDED_DOC, data)
    keep = data.draw(
        st.sets(st.sampled_from(sorted(DECIDED_DOC)), min_size=1, max_size=3)
    )
    body = {key: body[key] for key in keep if key in body and key != "model"}
    body.update(data.draw(st.dictionaries(KEYS, VALUES, max_size=2), label="extra"))
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        text = yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=200)
        path = write_whatif(folder, text if body else "")
        outcome = check_outcome(path, may_name=(DECIDED, MODEL_FILE))
        valid_outcome_is_sane(outcome)


# -- text and byte mutations ---------------------------------------------------------

YAML_BITS = st.sampled_from(
    [
        ":",
        ": ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a ",
        "*a",
        "*b",
        "<<: ",
        "!!",
        "!!python/object:os.system ",
        "!!binary ",
        "!!set ",
        "? ",
        "|",
        ">",
        "#",
        "'",
        '"',
        "\t",
        "\n",
        "  ",
        "---\n",
        "...\n",
        "%YAML 1.1\n",
        "\\",
        "\x00",
        "\x85",
        "\u2028",
        "\ufeff",
        "~",
        ".nan",
        "-.inf",
        "1e400",
        "9" * 50,
        "0x7EA",
        "0o17",
        "33:46",
        "2026-13-45",
    ]
)
# Scalars that PyYAML's safe constructors choke on, and other awkward values.
YAML_TRICKS = st.sampled_from(
    [
        "!!int abc",
        "!!float x",
        "!!bool maybe",
        "!!timestamp soon",
        "!!null x",
        "!!map [1]",
        "!!seq {a: 1}",
        "!!set [1]",
        "!!omap {a: 1}",
        "!!binary '@@'",
        "!!str",
        "2026-02-30",
        "2001-13-45",
        "2001-12-14t21:59:43.10-05:00",
        "9" * 5000,
        "-" + "9" * 400,
        "1" + "0" * 400 + ".0",
        "&x [*x]",
        "&x {a: *x}",
        "*undefined",
        "{a: 1, a: 2}",
        "{2026: 1, '2026': 2}",
        "[" * 80 + "]" * 80,
        "{a: " * 40 + "1" + "}" * 40,
        "!!python/object/apply:os.getcwd []",
        "!!python/name:os.system",
        "!<tag:yaml.org,2002:python/none> x",
        "!local x",
        "'unclosed",
        r'"esc \x00 \ud800"',
        "|\n  block",
        "x" * 5000,
        "../" * 50 + "model.yaml",
        r'"a\u0000b"',
        ".NaN",
        "-.Inf",
        "0b1010",
        "0x_7EA",
        "1_000",
        "190:20:30",
        "+12",
        "-0",
    ]
)
TEXT_NOISE = st.one_of(
    YAML_BITS,
    YAML_TRICKS,
    st.text(max_size=8),
    st.lists(YAML_BITS, max_size=5).map("".join),
)


@st.composite
def mutated_text(draw: st.DrawFn, text: str) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(min_value=1, max_value=4), label="edits")):
        if not lines:
            break
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1), label="line")
        if lines[i].startswith("model:"):
            continue
        action = draw(
            st.sampled_from(
                [
                    "duplicate",
                    "delete",
                    "value",
                    "insert",
                    "indent",
                    "dedent",
                    "truncate",
                ]
            )
        )
        if action == "duplicate":  # a key given twice, textually
            lines.insert(i + 1, lines[i])
        elif action == "delete":
            del lines[i]
        elif action == "value" and ":" in lines[i]:
            head, _, _ = lines[i].partition(":")
            lines[i] = f"{head}: {draw(TEXT_NOISE, label='value')}\n"
        elif action == "insert":
            at = draw(st.integers(min_value=0, max_value=len(lines[i])))
            lines[i] = lines[i][:at] + draw(TEXT_NOISE, label="noise") + lines[i][at:]
        elif action == "indent":
            lines[i] = " " * draw(st.integers(min_value=1, max_value=5)) + lines[i]
        elif action == "dedent":
            lines[i] = lines[i].lstrip(" ")
        elif action == "truncate":
            lines = lines[:i] + [lines[i][: draw(st.integers(0, len(lines[i])))]]
    return "".join(lines)


@FUZZ
@given(data=st.data())
def test_mutated_text(data):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        text = data.draw(mutated_text(decided_text_in(folder)), label="text")
        path = folder / "fuzzed.yaml"
        path.write_text(text, encoding="utf-8", newline="")
        valid_outcome_is_sane(check_outcome(path))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_random_bytes(data):
    """Random bytes spliced into the file, or a file of nothing but random bytes."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        original = decided_text_in(folder).encode("utf-8")
        noise = data.draw(
            st.one_of(
                st.binary(min_size=1, max_size=64),
                st.text(min_size=1, max_size=32).map(lambda t: t.encode("utf-8")),
                st.lists(YAML_BITS, min_size=1, max_size=6).map(
                    lambda b: "".join(b).encode()
                ),
            ),
            label="bytes",
        )
        if data.draw(st.booleans(), label="whole file"):
            content = noise
        else:
            at = data.draw(
                st.integers(min_value=0, max_value=len(original)), label="at"
            )
            content = original[:at] + noise + original[at:]
        path = folder / "fuzzed.yaml"
        path.write_bytes(content)
        valid_outcome_is_sane(check_outcome(path))


@FUZZ
@given(documents=JUNK | deeply_nested())
def test_arbitrary_documents(documents):
    """Whatever YAML value the whole file is (no model, lists, scalars, ...)."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        check_outcome(write_doc(folder, documents))


RAW_PATHS = [
    "extends",
    "model",
    "title",
    "horizon.last_year",
    "opening.cash",
    "budget.net_investments.2026",
    "budget.net_investments",
    "budget.committees.RS",
    "assumptions.fou_committee",
    "rules.restoration.vintages",
    "rules.debt_ratio.numerator",
    "levers.savings_weights",
]


@FUZZ
@given(
    path=st.sampled_from(RAW_PATHS) | st.text(min_size=1, max_size=12),
    raw=YAML_TRICKS | TEXT_NOISE,
)
def test_raw_yaml_values(path, raw):
    """Awkward YAML written as-is at one key of a what-if."""
    parts = path.split(".")
    body = "".join(
        f"{'  ' * depth}{json_key(part)}:\n" for depth, part in enumerate(parts[:-1])
    )
    body += f"{'  ' * (len(parts) - 1)}{json_key(parts[-1])}: {raw}\n"
    with tempfile.TemporaryDirectory() as name:
        whatif = write_whatif(Path(name), body)
        check_outcome(whatif, may_name=(DECIDED, MODEL_FILE))


def json_key(part: str) -> str:
    """A key written so that it stays one key (years stay plain: they are ints)."""
    plain = part.isascii() and (part.isidentifier() or part.isdigit())
    return part if plain else json.dumps(part)


# -- --set ---------------------------------------------------------------------------

SET_PATHS = sorted(
    {
        ".".join(map(str, p))
        for p in key_paths(DECIDED_DOC)
        if p[0] != "model" and not any(isinstance(k, int) and k < 100 for k in p)
    }
)


@st.composite
def set_option(draw: st.DrawFn) -> str:
    path = draw(
        st.one_of(
            st.sampled_from(SET_PATHS),
            st.sampled_from(SET_PATHS).map(lambda p: p + "." + str(2031)),
            st.text(max_size=20),
        ),
        label="key",
    )
    value = draw(
        st.one_of(
            st.floats(min_value=-10, max_value=3000).map(lambda x: f"{x:.2f}"),
            TEXT_NOISE,
            SCALARS.map(
                lambda v: (
                    yaml.safe_dump(v, default_flow_style=True)
                    .removesuffix("\n...\n")
                    .strip()
                )
            ),
            JUNK.map(
                lambda v: yaml.safe_dump(
                    v, default_flow_style=True, width=10**6
                ).strip()
            ),
        ),
        label="value",
    )
    separator = draw(
        st.sampled_from(["=", "=", "=", "", "==", " = "]), label="separator"
    )
    return f"{path}{separator}{value}"


@FUZZ
@given(options=st.lists(set_option(), min_size=1, max_size=3))
def test_set_overrides(options):
    outcome = check_outcome(DECIDED, tuple(options), may_name=(DECIDED, MODEL_FILE))
    valid_outcome_is_sane(outcome)


# -- type confusion: a switch, text, a date or null where a number belongs ----------


def leaves(doc: Any, kind: Callable[[Any], bool]) -> list[tuple[Any, ...]]:
    """Paths to the values of the decided document for which `kind` holds."""
    return [
        path
        for path in key_paths(doc)
        if path[0] != "model" and kind(parent_of(doc, path)[path[-1]])
    ]


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


NUMBER_LEAVES = leaves(DECIDED_DOC, is_number)
SWITCH_LEAVES = leaves(DECIDED_DOC, lambda value: isinstance(value, bool))
NOT_NUMBERS = st.sampled_from(
    [True, False, None, "yes", "on", "true", "4.5", "4,5", "-1 343,2", "", "1e3x"]
) | st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2200, 1, 1))
NOT_SWITCHES = st.sampled_from([0, 1, 0.0, "false", "true", "no", "off", "", None, []])


def confused(path: tuple[Any, ...], value: Any) -> ScenarioError:
    """The decided document with `value` at `path`; it must fail at that key."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        doc = copy.deepcopy({**DECIDED_DOC, "model": model_ref(folder)})
        parent_of(doc, path)[path[-1]] = value
        outcome = check_outcome(write_doc(folder, doc))
    assert isinstance(outcome, ScenarioError), f"{path}: {value!r} was accepted"
    assert outcome.key_path == ".".join(map(str, path)), str(outcome)
    return outcome


def test_the_document_has_numbers_and_switches_to_confuse():
    assert len(NUMBER_LEAVES) > 300 and len(SWITCH_LEAVES) > 10


def may_be_left_out(path: tuple[Any, ...]) -> bool:
    """Whether the schema lets the value at `path` be null (an optional number)."""
    import types
    import typing

    from pydantic import BaseModel

    from balans.scenario.schema import Scenario

    annotation: Any = Scenario
    for depth, part in enumerate(path, start=1):
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            annotation = annotation.model_fields[str(part)].annotation
        elif typing.get_origin(annotation) is dict:
            annotation = typing.get_args(annotation)[1]
        while typing.get_origin(annotation) in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if depth == len(path) and len(options) < len(typing.get_args(annotation)):
                return True
            annotation = options[0]
    return False


@FUZZ
@given(path=st.sampled_from(NUMBER_LEAVES), value=NOT_NUMBERS)
def test_a_number_must_be_a_number(path, value):
    if value is None and may_be_left_out(path):
        return  # an optional number: null means "not given"
    error = confused(path, value)
    if isinstance(value, str) and "," in value and value.replace(",", "").isdigit():
        assert "decimal point" in str(error)


@FUZZ
@given(path=st.sampled_from(SWITCH_LEAVES), value=NOT_SWITCHES)
def test_a_switch_must_be_true_or_false(path, value):
    confused(path, value)


@FUZZ
@given(
    path=st.sampled_from(NUMBER_LEAVES[:50]),
    value=st.sampled_from(["yes", "on", "true", "no", "off", "4,5", "2026-01-01", "~"]),
)
def test_set_values_of_the_wrong_type(path, value):
    option = ".".join(map(str, path)) + f"={value}"
    outcome = check_outcome(DECIDED, (option,))
    assert isinstance(outcome, ScenarioError), option


# -- oversized input -------------------------------------------------------------------


@settings(max_examples=8, deadline=None)
@given(extra=st.integers(min_value=1, max_value=200_000), filler=st.sampled_from("# a"))
def test_oversized_files_are_refused_before_parsing(extra, filler):
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "big.yaml"
        line = "# padding\n" if filler == "#" else "a: 1\n"
        text = decided_text_in(Path(name))
        text += line * ((MAX_FILE_BYTES - len(text.encode())) // len(line) + 1)
        path.write_text(text + "#" * extra, encoding="utf-8")
        started = time.process_time()  # this process's CPU: not the other workers'
        outcome = check_outcome(path)
        assert isinstance(outcome, ScenarioError) and "larger than" in str(outcome)
        assert time.process_time() - started < 2


@settings(max_examples=6, deadline=None)
@given(
    shape=st.sampled_from(["flow-list", "block-map", "flow-map"]),
    extra=st.integers(min_value=1, max_value=5_000),
)
def test_too_many_values_are_refused_quickly(shape, extra):
    count = MAX_NODES + extra
    body = {
        "flow-list": "big: [" + ",".join(["1"] * count) + "]\n",
        "block-map": "big:\n" + "".join(f"  k{i}: 1\n" for i in range(count // 2)),
        "flow-map": "big: {" + ", ".join(f"k{i}: 1" for i in range(count // 2)) + "}\n",
    }[shape]
    with tempfile.TemporaryDirectory() as name:
        path = write_whatif(Path(name), body)
        started = time.process_time()
        outcome = check_outcome(path)
        assert isinstance(outcome, ScenarioError), shape
        assert f"more than {MAX_NODES} keys, values and list items" in str(outcome)
        assert "aliases" not in str(outcome)
        assert time.process_time() - started < 5
