"""Helpers shared by the tests: the shipped scenarios and small what-if files."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from balans.scenario.load import LoadedScenario, ScenarioBase

REPO_ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = REPO_ROOT / "scenarios"
DECIDED = SCENARIOS / "rjh-2026-decided.yaml"


def write_whatif(
    folder: Path, body: str, name: str = "whatif.yaml", base: Path = DECIDED
) -> Path:
    """Write a scenario file in `folder` that extends `base` with `body` (YAML)."""
    relative = os.path.relpath(base, folder)
    path = folder / name
    path.write_text(f"extends: {relative}\n{body}", encoding="utf-8")
    return path


def make_scenario(*overrides: str, base: Path = DECIDED) -> LoadedScenario:
    """The decided scenario with `--set`-style overrides, e.g. 'rules.x.enabled=false'.

    What `load_scenario(base, overrides)` returns: that is
    `ScenarioBase.read(base).load(overrides)`, with the read kept (read_base).
    Each call validates anew and returns its own scenario.
    """
    return read_base(base).load(tuple(overrides))


_READ = ScenarioBase.read  # the loader's own read
_BASES: dict[tuple[str, str], tuple[tuple[bytes, ...] | None, ScenarioBase]] = {}


def read_base(path: str | Path) -> ScenarioBase:
    """`ScenarioBase.read(path)`, kept in this process while its files are unchanged.

    The read (the YAML parsing, most of a load) is done again when the content
    of a file it read (model, `extends:` chain, the file itself) has changed.
    A kept base is shared: `load` and `variant` copy what they change.
    """
    key = (os.getcwd(), str(path))
    kept = _BASES.get(key)
    if kept is not None and kept[0] is not None and kept[0] == _contents(kept[1].files):
        return kept[1]
    base = _READ(path)
    _BASES[key] = (_contents(base.files), base)
    return base


def _contents(files: list[Path]) -> tuple[bytes, ...] | None:
    """Each file's digest; None when one can no longer be read (read it anew)."""
    try:
        return tuple(hashlib.sha256(Path(f).read_bytes()).digest() for f in files)
    except OSError:
        return None


@contextlib.contextmanager
def reads_kept() -> Iterator[None]:
    """Within: every `ScenarioBase.read`, so every `load_scenario`, is `read_base`.

    The tests' commands, plans and sweeps then parse each unchanged scenario
    file once per process; a new or changed file (every fuzz or error case) is
    read as always.
    """
    original = ScenarioBase.__dict__["read"]
    ScenarioBase.read = classmethod(lambda cls, path: read_base(path))
    try:
        yield
    finally:
        ScenarioBase.read = original


@dataclass(frozen=True)
class Completed:
    """What a `balans` command gave: like `subprocess.CompletedProcess`, as text."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def run_in_process(*args: object, cwd: Path | None = None) -> Completed:
    """`balans ARGS` as the console script runs it, but in this process.

    The script's own entry point (`balans.entry.run`) with `sys.argv` set, its
    exit code taken from `SystemExit` and stdout and stderr kept apart, so a
    test reads what a subprocess gives without starting Python again. What
    only a process has (the umask, start-up imports, the installed script)
    stays with the tests that start one.
    """
    from click.testing import CliRunner

    from balans.entry import run

    argv = [str(a) for a in args]
    saved = sys.argv
    runner = CliRunner()
    with runner.isolation() as (out, err, _), contextlib.chdir(cwd or os.getcwd()):
        sys.argv = ["balans", *argv]
        try:
            run()
            code = 0
        except SystemExit as exc:
            code = exc.code
            if isinstance(code, str):  # what Python does with sys.exit("text")
                sys.stderr.write(code + "\n")
                code = 1
            code = code or 0
        finally:
            sys.argv = saved
            sys.stdout.flush()
            sys.stderr.flush()
        stdout, stderr = out.getvalue(), err.getvalue()
    return Completed(
        tuple(argv),
        code,
        stdout.decode(runner.charset),
        stderr.decode(runner.charset, "backslashreplace"),
    )


def highs_lp(m, session=None) -> dict:
    """The LP HiGHS holds for model `m`, keyed by Pyomo names (for comparisons).

    With `session` (an `LpSession` opened on `m`), it first reads `m`'s numbers
    again (after `apply`), as a re-solve would; without it, a new session
    translates `m` from scratch.

    Returns:
        {"matrix": {(row, column): coefficient}, "rows": {row: (lower, upper)},
        "columns": {column: (lower, upper)}, "cost": {column: cost},
        "offset": objective constant, "sense": "min" or "max"}

    """
    from balans.model.lp import LpSession

    if session is None:
        session = LpSession(m)
    else:
        session.refresh()
    rows, columns = session.names()
    lp = lp_by_names(session.highs.getLp(), rows, columns)
    lp["cost"] = {name: float(session.cost[j]) for j, name in columns.items()}
    lp["offset"] = session.offset
    return lp


def lp_by_names(lp, row: dict[int, str], column: dict[int, str]) -> dict:
    """A `highspy` LP keyed by names (rows not in `row` are left out)."""
    # Each attribute read of a highspy vector copies it: read each one once.
    a = lp.a_matrix_
    start, index, value = a.start_, a.index_, a.value_
    rowwise = str(a.format_).endswith("kRowwise")
    matrix = {}
    for major in range(lp.num_row_ if rowwise else lp.num_col_):
        for k in range(start[major], start[major + 1]):
            i, j = (major, index[k]) if rowwise else (index[k], major)
            if i in row and value[k] != 0:
                matrix[row[i], column[j]] = value[k]
    row_lower, row_upper = lp.row_lower_, lp.row_upper_
    col_lower, col_upper, cost = lp.col_lower_, lp.col_upper_, lp.col_cost_
    columns = range(lp.num_col_)
    return {
        "matrix": matrix,
        "rows": {row[i]: (row_lower[i], row_upper[i]) for i in row},
        "columns": {column[j]: (col_lower[j], col_upper[j]) for j in columns},
        "cost": {column[j]: cost[j] for j in columns},
        "offset": lp.offset_,
        "sense": str(lp.sense_),
    }


def lp_differences(left: dict, right: dict) -> tuple[list[str], float]:
    """Where two `highs_lp` results differ (names, bounds, coefficients), and by how much.

    Returns the list of structural differences (an entry present on one side
    only) and the largest absolute difference of a number present on both.
    """
    structural, largest = [], 0.0
    for part in ("matrix", "rows", "columns", "cost"):
        a, b = left[part], right[part]
        for key in sorted(set(a) ^ set(b), key=str):
            structural.append(f"{part} {key}: only on one side")
        for key in set(a) & set(b):
            x, y = a[key], b[key]
            pairs = zip(x, y, strict=True) if isinstance(x, tuple) else [(x, y)]
            for p, q in pairs:
                if p != q:
                    largest = max(largest, abs(p - q))
    if left["sense"] != right["sense"]:
        structural.append(f"sense {left['sense']} != {right['sense']}")
    largest = max(largest, abs(left["offset"] - right["offset"]))
    return structural, largest


EVERY_TARGET_HOLDS = (
    "planning.locked_years=[]",
    "rules.restoration.enforce_vintage_deadlines=false",
    "opening.loans=600",
    "rules.debt_ratio.include_pharma_grant=true",
    "rules.savings_capacity.max_pct=6",
)
"""Overrides under which the shipped scenario has a plan that keeps every target:
the budget year free, no 2027 deadline for the 2023 deficit, the earlier loan
reading (whatif-loans-600.yaml) and a 6 % savings capacity. For tests of the LP's
mechanics (shadow prices, objectives, verification) that need no closest plan."""


def tiny_scenario(last_year: int = 2027, edit=None, **rules: bool):
    """The decided scenario cut to its first years: a small fixture for LP snapshots.

    It starts from the readings of EVERY_TARGET_HOLDS (600 Mkr of loans, the
    pharma grant counted, a 6 % savings capacity), so it has a plan that keeps
    every target.

    Every year-keyed value after `last_year` is dropped, the restoration target
    moves to `last_year` with deficits two years can restore (100 Mkr of 2023
    due a year earlier, so the deadline rule has a row, and 50 + 50 Mkr), so
    the fixture has a plan; `rules` switches rules on or off by setting
    name, e.g. `fou_per_inhabitant=True`. `edit(data)` may change the scenario
    dict in place before it is validated.
    """
    from balans.scenario.consistency import find_problems
    from balans.scenario.schema import Scenario

    data = make_scenario(*EVERY_TARGET_HOLDS[2:]).scenario.model_dump()
    data = _drop_years_after(data, last_year)
    data["horizon"]["last_year"] = last_year
    restoration = data["rules"]["restoration"]
    restoration["target_year"] = last_year
    for vintage, amount in zip(restoration["vintages"], (100.0, 50.0, 50.0)):
        vintage["deadline"] = min(vintage["deadline"], last_year)
        vintage["amount"] = amount
    restoration["vintages"][0]["deadline"] = last_year - 1
    data["planning"]["locked_years"] = []  # every lever a variable, for the snapshots
    for setting, on in rules.items():
        data["rules"][setting]["enabled"] = on
    if edit is not None:
        edit(data)
    scenario = Scenario.model_validate(data)
    problems = find_problems(scenario)
    assert not problems, problems
    return scenario


def snapshot_model():
    """The model the rule snapshots are written from (tests/snapshots/rules).

    `tiny_scenario` with every rule switched on and a limit for each, built as
    the optimal plan.
    """
    from balans.model.build import build_model
    from balans.model.data import build_data

    scenario = tiny_scenario(
        edit=_every_rule_on, fou_per_inhabitant=True, result_share_of_revenue=True
    )
    return build_model(build_data(scenario), "optimal")


def _every_rule_on(data: dict) -> None:
    """Give the rules that have no rows while off a limit each."""
    data["rules"]["result_target"]["minimum"] = {2027: 260.0}
    data["rules"]["savings_ramp"]["max_decrease_pct"] = 2.0


def tiny_loaded(**kwargs) -> LoadedScenario:
    """`tiny_scenario(**kwargs)` as the plan functions take it."""
    return LoadedScenario(tiny_scenario(**kwargs), [DECIDED], ["tiny fixture"])


def _drop_years_after(value, last_year: int):
    """Drop the keys of year-keyed mappings after `last_year`, at any depth."""
    if isinstance(value, dict):
        years = value and all(isinstance(k, int) and 1900 <= k <= 2200 for k in value)
        return {
            k: _drop_years_after(v, last_year)
            for k, v in value.items()
            if not (years and k > last_year)
        }
    if isinstance(value, list):
        return [_drop_years_after(v, last_year) for v in value]
    return value


def rule_rows_text(m, key: str) -> str:
    """The rows of rule `key` in a built model, written out as readable lines.

    One line per row: `name: +coef var +coef var ... <sense> bound`, terms by
    variable name, numbers to 9 significant digits, parameters evaluated.
    """
    from pyomo.repn import generate_standard_repn

    parts = m.rule_parts[key]
    lines = []
    for index in parts.index:
        con = parts.constraint[index]
        repn = generate_standard_repn(con.body, compute_values=True)
        terms = sorted(
            (var.name, coef)
            for var, coef in zip(repn.linear_vars, repn.linear_coefs, strict=True)
            if coef != 0
        )
        body = " ".join(f"{_rounded(coef):+.9g} {name}" for name, coef in terms)
        constant = repn.constant or 0.0
        bounds = []
        if con.lower is not None:
            bounds.append(f">= {_number(con.lower, constant)}")
        if con.upper is not None:
            bounds.append(f"<= {_number(con.upper, constant)}")
        lines.append(f"{con.name}: {body} {' '.join(bounds)}")
    return "\n".join(lines) + "\n"


def _number(bound, constant: float) -> str:
    import pyomo.environ as pyo

    return f"{_rounded(pyo.value(bound) - constant):.9g}"


def _rounded(value: float) -> float:
    """Nine decimals, without float noise or a negative zero."""
    return round(value, 9) + 0.0


def feasible_scenario(*overrides: str) -> LoadedScenario:
    """The shipped scenario with EVERY_TARGET_HOLDS, then `overrides`."""
    return make_scenario(*EVERY_TARGET_HOLDS, *overrides)
