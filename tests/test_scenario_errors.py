"""Bad scenario input ends in one clear line: file[:line]: key.path: message.

Every case is checked three ways where it applies: `load_scenario` in-process,
`balans validate` through click's CliRunner, and (a subset) `python -m balans
validate` in a real subprocess. Each must exit 1 with exactly one line on stderr
that names the file (or the `--set` option), the key path and, where known, the
line, and never a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from balans.cli import main
from balans.errors import ScenarioError
from balans.scenario.load import MAX_NODES, load_scenario
from balans.testing import DECIDED, REPO_ROOT, SCENARIOS, write_whatif

MODEL_DIR = REPO_ROOT / "models" / "rjh"
DECIDED_TEXT = DECIDED.read_text(encoding="utf-8")
COMMITTEES_IN_ORDER = "RF, RS, HSN, RUN, KTN, REV, PN"
# The plan's interest rates (two-space indent: assumptions, not budget.basis).
INTEREST = (
    "  interest_rate_pct: {2026: 3.0, 2027: 3.0, 2028: 3.0, 2029: 3.0, 2030: 3.0}"
)
INTEREST_LINE = DECIDED_TEXT.splitlines().index(INTEREST) + 1
DEBT_LIMIT = (
    "    limit_pct: {2026: 16.0, 2027: 16.0, 2028: 15.0, 2029: 15.0, 2030: 15.0}"
)
DEBT_RATIO_LINE = DECIDED_TEXT.splitlines().index("  debt_ratio:") + 1

Built = tuple[Path, tuple[str, ...]]


def decided_text_in(folder: Path) -> str:
    """The decided scenario's text with `model:` pointing at the model from `folder`."""
    model = os.path.relpath(MODEL_DIR, folder)
    text = DECIDED_TEXT.replace("model: ../models/rjh\n", f"model: {model}\n", 1)
    assert text != DECIDED_TEXT or model == "../models/rjh"
    return text


# -- how each case writes its input -------------------------------------------------


def whatif(body: str) -> Callable[[Path], Built]:
    """A file extending the decided scenario; `body` starts on line 2."""
    return lambda folder: (write_whatif(folder, body, name="whatif.yaml"), ())


def standalone(text: str | bytes, name: str = "bad.yaml") -> Callable[[Path], Built]:
    def build(folder: Path) -> Built:
        path = folder / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path, ()

    return build


def files(start: str, **texts: str) -> Callable[[Path], Built]:
    """Several files in one folder; validate `start`."""

    def build(folder: Path) -> Built:
        for name, text in texts.items():
            (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
        return folder / f"{start}.yaml", ()

    return build


def decided_with(*overrides: str) -> Callable[[Path], Built]:
    return lambda folder: (DECIDED, overrides)


def missing_file(folder: Path) -> Built:
    return folder / "no-such-scenario.yaml", ()


def missing_year(folder: Path) -> Built:
    shorter = INTEREST.removesuffix(", 2030: 3.0}") + "}"
    text = decided_text_in(folder).replace(f"\n{INTEREST}\n", f"\n{shorter}\n")
    path = folder / "missing-year.yaml"
    path.write_text(text, encoding="utf-8")
    return path, ()


def missing_key(folder: Path) -> Built:
    text = decided_text_in(folder).replace(f"\n{DEBT_LIMIT}\n", "\n")
    path = folder / "missing-key.yaml"
    path.write_text(text, encoding="utf-8")
    return path, ()


def python_tag(folder: Path) -> Built:
    marker = folder / "EXECUTED"
    body = f"title: !!python/object/apply:os.system ['touch {marker}']\n"
    return write_whatif(folder, body, name="whatif.yaml"), ()


def alias_bomb(folder: Path) -> Built:
    lines = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    return write_whatif(
        folder, "\n".join(lines) + "\ntitle: *a8\n", name="whatif.yaml"
    ), ()


def oversized(folder: Path) -> Built:
    """A what-if of 1.2 MB: comments, so that only its size is wrong."""
    body = "# padding\n" * 120_000 + "title: big\n"
    return write_whatif(folder, body, name="whatif.yaml"), ()


def many_values(folder: Path) -> Built:
    """Under the size limit, but more list items than allowed (no aliases)."""
    items = ",".join(["1"] * (MAX_NODES + 10))
    return write_whatif(folder, f"title: x\nbig: [{items}]\n", name="whatif.yaml"), ()


@dataclass(frozen=True)
class Case:
    """One bad input and what its error line must say.

    where: "file" (the scenario given), "set" (the last --set option) or the
    name of another file in the folder. key/line None: not checked.
    """

    id: str
    build: Callable[[Path], Built]
    where: str
    key: str | None
    line: int | None
    says: tuple[str, ...]


SYNTAX_BODY = """\
# A what-if with a stray colon on line 7.
title: "Syntax"
assumptions:
  interest_rate_pct:
    2026: 4.0
    2027: 4.0: 5.0
    2028: 4.0
"""

CASES = [
    # files that cannot be read or parsed
    Case("missing-file", missing_file, "file", "", None, ("file not found",)),
    Case("yaml-syntax", whatif(SYNTAX_BODY), "file", "", 7, ("YAML syntax error",)),
    Case(
        "unclosed-quote",
        whatif('title: "never closed\n'),
        "file",
        "",
        2,
        ("YAML syntax error", "quoted scalar"),
    ),
    Case(
        "two-documents",
        whatif("title: a\n---\ntitle: b\n"),
        "file",
        "",
        3,
        ("single document",),
    ),
    Case("not-utf8", standalone(b"name: caf\xe9\n"), "file", "", None, ("not UTF-8",)),
    Case(
        "control-character",
        whatif("title: bell\x07\n"),
        "file",
        "",
        2,
        ("unacceptable character #x0007",),
    ),
    Case("empty-file", standalone(""), "file", "", None, ("the file is empty",)),
    Case(
        "only-comments",
        standalone("# nothing yet\n\n"),
        "file",
        "",
        None,
        ("the file is empty",),
    ),
    Case(
        "top-level-list",
        standalone("- model: ../models/rjh\n- name: x\n"),
        "file",
        "",
        1,
        ("the top level must be a mapping",),
    ),
    Case(
        "top-level-scalar",
        standalone("just some words\n"),
        "file",
        "",
        1,
        ("the top level must be a mapping",),
    ),
    # YAML that is well-formed but must not be constructed
    Case(
        "python-object-tag",
        python_tag,
        "file",
        "title",
        2,
        ("!!python/object/apply:os.system is not allowed",),
    ),
    Case(
        "python-name-tag",
        whatif("title: !!python/name:os.system ''\n"),
        "file",
        "title",
        2,
        ("!!python/name:os.system is not allowed",),
    ),
    Case(
        "bad-int-tag",
        whatif("title: !!int abc\n"),
        "file",
        "title",
        2,
        ("cannot read the value as !!int",),
    ),
    Case(
        "impossible-date",
        whatif("budget:\n  net_investments: {2026-02-30: 1}\n"),
        "file",
        "budget.net_investments.2026-02-30",
        3,
        ("cannot read the value as !!timestamp",),
    ),
    Case(
        "int-too-long",
        whatif("title: " + "9" * 5000 + "\n"),
        "file",
        "title",
        2,
        ("cannot read the value as !!int",),
    ),
    Case(
        "nested-too-deep",
        whatif("title: " + "[" * 100 + "]" * 100 + "\n"),
        "file",
        "title",
        2,
        ("nested more than",),
    ),
    Case(
        "recursive-alias",
        whatif("title: &loop [1, *loop]\n"),
        "file",
        "title",
        2,
        ("an alias refers to a node that contains it",),
    ),
    Case("alias-bomb", alias_bomb, "file", None, None, ("once aliases are expanded",)),
    Case(
        "duplicate-key",
        whatif("assumptions:\n  fou_committee: RS\n  fou_committee: HSN\n"),
        "file",
        "assumptions.fou_committee",
        4,
        ("duplicate key 'fou_committee' (first on line 3)",),
    ),
    Case(
        "duplicate-year-spelled-twice",
        whatif("budget:\n  net_investments: {2026: 1.0, '2026': 2.0}\n"),
        "file",
        "budget.net_investments.2026",
        3,
        ("duplicate key 2026",),
    ),
    # extends and model
    Case(
        "extends-cycle",
        files("a", a="extends: b.yaml\n", b="extends: a.yaml\n"),
        "b.yaml",
        "extends",
        1,
        ("extends cycle: a.yaml -> b.yaml -> a.yaml",),
    ),
    Case(
        "extends-itself",
        files("self", self="title: x\nextends: self.yaml\n"),
        "self.yaml",
        "extends",
        2,
        ("extends cycle: self.yaml -> self.yaml",),
    ),
    Case(
        "extends-missing",
        standalone("extends: nowhere.yaml\n"),
        "file",
        "extends",
        1,
        ("extended file 'nowhere.yaml' not found",),
    ),
    Case(
        "extends-name-too-long",
        standalone("extends: " + "x" * 5000 + "\n"),
        "file",
        "extends",
        1,
        ("not found",),
    ),
    Case(
        "extends-a-folder",
        standalone("title: x\nextends: .\n"),
        "file",
        "extends",
        2,
        ("extended file '.' is a folder",),
    ),
    Case(
        "extends-not-a-path",
        standalone("extends: [a.yaml]\n"),
        "file",
        "extends",
        1,
        ("must be a relative file path",),
    ),
    Case(
        "model-folder-missing",
        standalone("name: x\nmodel: ../no-such-region\n"),
        "file",
        "model",
        2,
        ("model folder '../no-such-region' has no model.yaml",),
    ),
    Case(
        "model-not-a-path",
        standalone("model: 5\n"),
        "file",
        "model",
        1,
        ("must be a folder path",),
    ),
    Case(
        "no-model",
        standalone("name: lonely\n"),
        "file",
        "model",
        None,
        ("no region model named",),
    ),
    # schema: unknown keys, types, signs
    Case(
        "unknown-key",
        whatif("assumptions:\n  intrest_rate_pct: {2027: 4.5}\n"),
        "file",
        "assumptions.intrest_rate_pct",
        3,
        ("unknown key", "did you mean 'interest_rate_pct'?"),
    ),
    Case(
        "unknown-top-level-key",
        whatif("titel: Typo\n"),
        "file",
        "titel",
        2,
        ("unknown key", "did you mean 'title'?"),
    ),
    Case(
        "wrong-type",
        whatif("assumptions:\n  pension_payroll_tax_pct: lots\n"),
        "file",
        "assumptions.pension_payroll_tax_pct",
        3,
        ("must be a number, not text", "'lots'"),
    ),
    Case(
        "wrong-type-in-series",
        whatif("budget:\n  tax_revenue: {2027: many}\n"),
        "file",
        "budget.tax_revenue.2027",
        3,
        ("must be a number, not text", "'many'"),
    ),
    Case(
        "wrong-type-section",
        whatif("rules:\n  loan_ceiling: 950\n"),
        "file",
        "rules.loan_ceiling",
        3,
        ("valid dictionary",),
    ),
    Case(
        "negative-amount",
        whatif("budget:\n  net_investments:\n    2026: -5\n"),
        "file",
        "budget.net_investments.2026",
        4,
        ("must be >= 0", "-5"),
    ),
    Case(
        "positive-cost",
        whatif("budget:\n  operating_costs: {2027: 7000}\n"),
        "file",
        "budget.operating_costs.2027",
        3,
        ("must be <= 0",),
    ),
    Case(
        "not-a-number",
        whatif("opening:\n  cash: .nan\n"),
        "file",
        "opening.cash",
        3,
        ("finite",),
    ),
    Case(
        "infinite",
        whatif("budget:\n  tax_revenue: {2026: .inf}\n"),
        "file",
        "budget.tax_revenue.2026",
        3,
        ("finite",),
    ),
    Case(
        "missing-required-key",
        missing_key,
        "file",
        "rules.debt_ratio.limit_pct",
        DEBT_RATIO_LINE,
        ("required key is missing",),
    ),
    Case(
        "year-key-not-a-year",
        whatif("budget:\n  net_investments: {next: 5}\n"),
        "file",
        "budget.net_investments.next",
        3,
        ("invalid key", "valid integer"),
    ),
    # consistency across fields
    Case(
        "missing-year",
        missing_year,
        "file",
        "assumptions.interest_rate_pct",
        INTEREST_LINE,
        ("no value for year 2030",),
    ),
    Case(
        "unknown-committee",
        whatif("levers:\n  savings_weights: {XYZ: 2.0}\n"),
        "file",
        "levers.savings_weights.XYZ",
        3,
        (f"unknown committee (known: {COMMITTEES_IN_ORDER})",),
    ),
    Case(
        "unknown-committee-name",
        whatif("assumptions:\n  fou_committee: XYZ\n"),
        "file",
        "assumptions.fou_committee",
        3,
        ("unknown committee 'XYZ'",),
    ),
    Case(
        "year-outside-horizon",
        whatif("rules:\n  loan_ceiling:\n    limit: {2031: 950}\n"),
        "file",
        "rules.loan_ceiling.limit.2031",
        4,
        ("outside the horizon 2026-2030",),
    ),
    Case(
        "year-outside-full-series",
        whatif("assumptions:\n  interest_rate_pct: {2031: 4.0}\n"),
        "file",
        "assumptions.interest_rate_pct",
        3,
        ("year 2031 is outside 2026-2030",),
    ),
    # --set
    Case(
        "set-without-equals",
        decided_with("assumptions.interest_rate_pct.2027"),
        "set",
        "",
        None,
        ("expected key.path=value",),
    ),
    Case("set-empty-key", decided_with("=4.5"), "set", "", None, ("dotted names",)),
    Case(
        "set-empty-part",
        decided_with("assumptions..2027=4.5"),
        "set",
        "",
        None,
        ("dotted names",),
    ),
    Case(
        "set-without-value",
        decided_with("assumptions.interest_rate_pct.2027="),
        "set",
        "assumptions.interest_rate_pct.2027",
        None,
        ("a value is required",),
    ),
    Case(
        "set-unknown-key",
        decided_with("assumptions.intrest_rate_pct.2027=4.5"),
        "set",
        "assumptions.intrest_rate_pct",
        None,
        ("unknown key", "did you mean 'interest_rate_pct'?"),
    ),
    Case(
        "set-wrong-type",
        decided_with("assumptions.interest_rate_pct.2027=abc"),
        "set",
        "assumptions.interest_rate_pct.2027",
        None,
        ("must be a number, not text", "'abc'"),
    ),
    Case(
        "set-negative",
        decided_with("budget.net_investments.2027=-1"),
        "set",
        "budget.net_investments.2027",
        None,
        ("must be >= 0",),
    ),
    Case(
        "set-missing-year",
        decided_with("assumptions.interest_rate_pct={2026: 3.0}"),
        "set",
        "assumptions.interest_rate_pct",
        None,
        ("no value for year 2027",),
    ),
    Case(
        "set-year-outside-horizon",
        decided_with("rules.loan_ceiling.limit.2031=900"),
        "set",
        "rules.loan_ceiling.limit.2031",
        None,
        ("outside the horizon",),
    ),
    Case(
        "set-through-a-value",
        decided_with("horizon.first_year.month=1"),
        "set",
        "horizon.first_year",
        None,
        ("not a section",),
    ),
    Case(
        "set-unreadable-value",
        decided_with("title=[1, 2"),
        "set",
        "title",
        None,
        ("cannot read the value",),
    ),
    Case(
        "set-python-tag",
        decided_with("title=!!python/object/apply:os.getcwd []"),
        "set",
        "title",
        None,
        ("is not allowed",),
    ),
    Case(
        "set-odd-digit",
        decided_with("assumptions.interest_rate_pct.\u00b2=4"),
        "set",
        "assumptions.interest_rate_pct.\u00b2",
        None,
        ("invalid key",),
    ),
    Case(
        "set-after-good-set",
        decided_with("assumptions.interest_rate_pct.2027=4.5", "opening.cash=lots"),
        "set",
        "opening.cash",
        None,
        ("must be a number, not text",),
    ),
    # strict types: numbers are numbers, switches are true or false (issue 9.3)
    Case(
        "yes-is-not-a-number",
        whatif("assumptions:\n  interest_rate_pct: {2026: yes}\n"),
        "file",
        "assumptions.interest_rate_pct.2026",
        3,
        ("must be a number, not true/false",),
    ),
    Case(
        "on-in-set-is-not-a-number",
        decided_with("assumptions.interest_rate_pct.2027=on"),
        "set",
        "assumptions.interest_rate_pct.2027",
        None,
        ("must be a number, not true/false",),
    ),
    Case(
        "zero-is-not-a-switch",
        whatif("rules:\n  debt_ratio:\n    enabled: 0\n"),
        "file",
        "rules.debt_ratio.enabled",
        4,
        ("must be true or false, not a number",),
    ),
    Case(
        "text-false-is-not-a-switch",
        whatif('rules:\n  debt_ratio:\n    enabled: "false"\n'),
        "file",
        "rules.debt_ratio.enabled",
        4,
        ("must be true or false, not text",),
    ),
    Case(
        "quoted-number-is-text",
        whatif("opening:\n  cash: '63.0'\n"),
        "file",
        "opening.cash",
        3,
        ("must be a number, not text",),
    ),
    Case(
        "date-is-not-a-number",
        whatif("assumptions:\n  interest_rate_pct: {2026: 2026-01-01}\n"),
        "file",
        "assumptions.interest_rate_pct.2026",
        3,
        ("must be a number, not a date",),
    ),
    Case(
        "text-is-not-a-year",
        whatif("horizon:\n  first_year: '2026'\n"),
        "file",
        "horizon.first_year",
        3,
        ("must be a whole number, not text",),
    ),
    Case(
        "decimal-comma-in-a-flow-mapping",
        whatif("assumptions:\n  interest_rate_pct: {2026: 4,5, 2027: 3.0}\n"),
        "file",
        "assumptions.interest_rate_pct.2026",
        3,
        ("4,5 reads as two values: write 4.5 with a decimal point",),
    ),
    Case(
        "decimal-comma-quoted",
        whatif("assumptions:\n  interest_rate_pct:\n    2026: '4,5'\n"),
        "file",
        "assumptions.interest_rate_pct.2026",
        4,
        ("write 4.5 with a decimal point",),
    ),
    Case(
        "decimal-comma-in-set",
        decided_with("assumptions.interest_rate_pct.2027=4,5"),
        "set",
        "assumptions.interest_rate_pct.2027",
        None,
        ("write 4.5 with a decimal point",),
    ),
    # values a budget cannot mean (issue 9.13)
    Case(
        "negative-interest-rate",
        decided_with("assumptions.interest_rate_pct.2027=-50"),
        "set",
        "assumptions.interest_rate_pct.2027",
        None,
        ("must lie between 0 and 30", "borrowing earns money"),
    ),
    Case(
        "growth-beyond-a-budget",
        whatif("assumptions:\n  lpik_pct: {2026: 80}\n"),
        "file",
        "assumptions.lpik_pct.2026",
        3,
        ("must lie between -50 and 50",),
    ),
    # oversized input is refused before parsing, and the count says what it counted
    Case(
        "oversized-file",
        lambda folder: oversized(folder),
        "file",
        "",
        None,
        ("larger than 1000 kB", "a budget scenario is a few kB"),
    ),
    Case(
        "too-many-values-without-aliases",
        lambda folder: many_values(folder),
        "file",
        None,
        None,
        (f"more than {MAX_NODES} keys, values and list items (",),
    ),
]
BY_ID = {case.id: case for case in CASES}
SUBPROCESS = [
    "missing-file",
    "yaml-syntax",
    "unknown-key",
    "extends-cycle",
    "set-without-equals",
    "python-object-tag",
    "empty-file",
    "duplicate-key",
]


def expected_file(
    case: Case, folder: Path, path: Path, overrides: tuple[str, ...]
) -> str:
    if case.where == "file":
        return str(path)
    if case.where == "set":
        return f"--set {overrides[-1]}"
    return str(folder / case.where)


def check_error(error: ScenarioError, case: Case, folder: Path, built: Built) -> str:
    """The error's one line says where and what; return that line."""
    path, overrides = built
    text = str(error)
    where = expected_file(case, folder, path, overrides)
    assert "\n" not in text and "\r" not in text
    assert "Traceback" not in text
    assert error.file == where
    assert text.startswith(f"{where}:")
    if case.line is not None:
        assert error.line == case.line, text
        assert text.startswith(f"{where}:{case.line}: "), text
    if case.key is not None:
        assert error.key_path == case.key, text
        if case.key:
            assert f": {case.key}: " in text, text
    for fragment in case.says:
        assert fragment in text, text
    return text


def loader_error(case: Case, folder: Path) -> tuple[str, Built]:
    built = case.build(folder)
    with pytest.raises(ScenarioError) as info:
        load_scenario(*built)
    LOADER_ERRORS[case.id] = checked = (
        check_error(info.value, case, folder, built),
        built,
    )
    return checked


LOADER_ERRORS: dict[str, tuple[str, Built]] = {}
"""Each case's checked loader error and its input files, as loader_error left them."""


def known_loader_error(case: Case, folder: Path) -> tuple[str, Built]:
    """The loader's error for `case`: the one test_loader_names_file_key_and_line
    checked in this process (its files are still there), else checked here."""
    return LOADER_ERRORS.get(case.id) or loader_error(case, folder)


def cli_args(built: Built) -> list[str]:
    path, overrides = built
    args = ["validate", str(path)]
    for option in overrides:
        args += ["--set", option]
    return args


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_loader_names_file_key_and_line(case, tmp_path):
    loader_error(case, tmp_path)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_validate_prints_one_line_and_exits_1(case, tmp_path):
    message, built = known_loader_error(case, tmp_path)
    result = CliRunner().invoke(main, cli_args(built))
    assert isinstance(result.exception, SystemExit), result.exception  # no crash
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"balans: {message}\n"
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", [BY_ID[name] for name in SUBPROCESS], ids=SUBPROCESS)
def test_validate_in_a_real_process(case, tmp_path):
    message, built = known_loader_error(case, tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "balans", "validate", *cli_args(built)[1:]],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "\x1b[" not in result.stderr  # no colour codes when not a terminal
    assert result.stderr.splitlines() == [f"balans: {message}"]


def test_the_subprocess_subset_exists():
    assert set(SUBPROCESS) <= set(BY_ID)
    assert len(BY_ID) == len(CASES), "case ids must be unique"


# -- details that the table cannot express ------------------------------------------


@pytest.mark.parametrize("run", ["loader", "cli", "process"])
def test_python_tags_are_never_executed(run, tmp_path):
    built = python_tag(tmp_path)
    if run == "loader":
        with pytest.raises(ScenarioError):
            load_scenario(*built)
    elif run == "cli":
        assert CliRunner().invoke(main, cli_args(built)).exit_code == 1
    else:
        result = subprocess.run(
            [sys.executable, "-m", "balans", *cli_args(built)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 1
    assert not (tmp_path / "EXECUTED").exists()


def test_alias_bomb_is_refused_quickly(tmp_path):
    built = alias_bomb(tmp_path)  # 10**9 values once expanded
    started = time.process_time()  # this process's CPU: not the other workers'
    with pytest.raises(ScenarioError, match="aliases are expanded"):
        load_scenario(*built)
    assert time.process_time() - started < 2.0


def test_a_directory_is_not_a_scenario(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path)
    assert str(info.value) == f"{tmp_path}: is a directory, not a scenario file"


def test_a_device_is_not_read(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_scenario("/dev/zero")
    assert str(info.value) == "/dev/zero: is not a regular file"


def test_the_extended_file_error_names_that_file(tmp_path):
    (tmp_path / "base.yaml").write_text(
        f"model: {os.path.relpath(MODEL_DIR, tmp_path)}\nhorizon: {{first_year: x}}\n"
    )
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\ntitle: child\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    assert info.value.file == str(tmp_path / "base.yaml")
    assert info.value.line == 2
    assert info.value.key_path == "horizon.first_year"


def test_error_lines_do_not_depend_on_hash_order(tmp_path):
    case = BY_ID["unknown-committee"]
    seen = set()
    for seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-m", "balans", *cli_args(case.build(tmp_path))],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        seen.add(result.stderr)
    assert len(seen) == 1, seen


# -- valid input stays valid -------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_scenarios_validate(path):
    loaded = load_scenario(path)
    assert loaded.scenario.years == [2026, 2027, 2028, 2029, 2030]


def test_a_full_copy_elsewhere_validates(tmp_path):
    path = tmp_path / "copy.yaml"
    path.write_text(decided_text_in(tmp_path), encoding="utf-8")
    assert load_scenario(path).scenario == load_scenario(DECIDED).scenario


def test_merge_keys_may_override_what_they_bring_in(tmp_path):
    body = (
        "assumptions:\n"
        "  lpik_pct: &rates {2026: 3.1, 2027: 3.2, 2028: 3.2, 2029: 3.2, 2030: 3.2}\n"
        "  interest_rate_pct: {<<: *rates, 2026: 5.0}\n"
    )
    loaded = load_scenario(write_whatif(tmp_path, body))
    assert loaded.scenario.assumptions.interest_rate_pct == {
        2026: 5.0,
        2027: 3.2,
        2028: 3.2,
        2029: 3.2,
        2030: 3.2,
    }


def test_a_quoted_year_overrides_the_same_year(tmp_path):
    loaded = load_scenario(
        write_whatif(tmp_path, "assumptions:\n  interest_rate_pct: {'2027': 4.5}\n")
    )
    assert loaded.scenario.assumptions.interest_rate_pct[2027] == 4.5
    assert "whatif.yaml: assumptions.interest_rate_pct.2027: 3.0 -> 4.5" in (
        loaded.applied_overrides
    )


def test_set_records_what_it_changed():
    loaded = load_scenario(DECIDED, ("assumptions.interest_rate_pct.2027=4.5",))
    assert loaded.scenario.assumptions.interest_rate_pct[2027] == 4.5
    assert loaded.applied_overrides == [
        "--set assumptions.interest_rate_pct.2027: 3.0 -> 4.5"
    ]


def test_keys_a_whatif_adds_are_recorded():
    """deep_merge records a key the parent lacks as `<unset> -> value` (issue 9.4)."""
    loaded = load_scenario(SCENARIOS / "whatif-getingen-11.yaml")
    assert (
        "whatif-getingen-11.yaml: budget.additional_investments.2026: <unset> -> 50.0"
        in loaded.applied_overrides
    )
    result = CliRunner().invoke(
        main, ["validate", str(SCENARIOS / "whatif-getingen-11.yaml")]
    )
    assert "budget.additional_investments.2027: <unset> -> 50.0" in result.output


def test_a_whatif_adding_a_whole_section_records_it(tmp_path):
    path = write_whatif(tmp_path, "levers:\n  max_total_savings: 700\n")
    changes = load_scenario(path).applied_overrides
    assert "whatif.yaml: levers.max_total_savings: <unset> -> 700" in changes


def test_the_base_scenario_filling_its_model_records_no_additions():
    assert not any("<unset>" in c for c in load_scenario(DECIDED).applied_overrides)
