"""`balans explain` and `balans diagnose`: prices against re-solves, the IIS irreducible.

Figures come from re-solving the model (finite differences), not from tables:
the scenario is scenarios/rjh-2026-decided.yaml (the closest plan) and the
same with balans.testing.EVERY_TARGET_HOLDS (a plan keeps every target).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pyomo.environ as pyo
import pytest
import yaml
from click.testing import CliRunner

from balans.cli import main
from balans.diagnose import conflict_members
from balans.explain import explain, explanation_frame, percent_scale, price_plan
from balans.model.build import build_model
from balans.model.data import build_data
from balans.model.lp import LpSession
from balans.scenario.load import load_scenario
from balans.solve import solve
from balans.testing import (
    DECIDED,
    EVERY_TARGET_HOLDS,
    REPO_ROOT,
    SCENARIOS,
    tiny_scenario,
)

STRICT_LOANS = SCENARIOS / "whatif-strict-loans.yaml"
CONTRACT = {
    "rule",
    "year",
    "month",
    "committee",
    "shadow_price",
    "unit",
    "limit",
    "range_low",
    "range_high",
    "override",
}
FIXED_CEILING = (*EVERY_TARGET_HOLDS, "rules.loan_ceiling.basis=fixed")


def _index(row):
    if row.committee is not None:
        return (row.year, row.committee)
    if row.month is not None:
        return (row.year, row.month)
    return row.year


def _step_inside(row) -> float:
    """+1 when the range allows it, else half the room on either side."""
    if row.range_high is None or row.range_high - row.limit >= 1.0:
        return 1.0
    if row.range_high - row.limit > 1e-4:
        return 0.5 * (row.range_high - row.limit)
    return -min(1.0, 0.5 * (row.limit - row.range_low))


def _held_difference(priced, row, step: float, basis: bool = False):
    """Objective change per unit and the row's price after moving its limit by `step`
    (and the basis, with `basis`).

    The session keeps the closest plan's earlier stages held: the priced stage is
    re-solved with the rule's row bound (the limit less the row's constant) moved.
    """
    m, session = priced.model, priced.session
    parts = m.rule_parts[row.rule]
    r = session.row(parts.constraint[_index(row)])
    scale = percent_scale(parts.rule, priced.data, row.year)
    lower, upper = session.row_bounds(r)
    if parts.rule.sense == "min":
        session.set_row_bounds(r, lower + step * scale, upper)
    else:
        session.set_row_bounds(r, lower, upper + step * scale)
    primary, constant = session.cost_of(m.primary)
    try:
        assert session.run(priced.final_cost, "probe") == "optimal"
        value = float(primary @ session.solution() + constant)
        change = (value - priced.explanation.objective) / (step or 1)
        prices = session.prices(primary)
        price = prices.rows[r].price * scale
    finally:
        session.set_row_bounds(r, lower, upper)
        session.run(priced.final_cost, "probe")
    return (change, price, prices.basic) if basis else (change, price)


@pytest.fixture(scope="module")
def shipped():
    return price_plan(DECIDED)


@pytest.fixture(scope="module")
def feasible():
    return explain(DECIDED, FIXED_CEILING)


def test_shipped_plan_is_the_closest_and_priced_with_stages_held(shipped):
    e = shipped.explanation
    assert e.status == "optimal" and e.closest_plan
    assert [s.priority for s in e.stages] == ["law", "council"]
    kinds = {row.rule for row in e.priced_rules()}
    assert {"loan_ceiling", "liquidity_floor", "result_target"} <= kinds


def _tiny_fou_file(directory):
    """tiny_scenario with FoU per inhabitant on, as a scenario file (explain reads files)."""
    data = tiny_scenario(fou_per_inhabitant=True).model_dump(
        mode="json", exclude_none=True
    )
    data["model"] = str(REPO_ROOT / "models" / "rjh")
    path = directory / "tiny-fou.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


PRICED_CASES = {
    # case: (scenario, rule kinds that must be among those checked)
    "shipped": (
        DECIDED,
        {
            "debt_ratio_ceiling",
            "loan_ceiling",
            "liquidity_floor",
            "savings_capacity",
            "result_target",
        },
    ),
    "delivery-as-2025": (
        SCENARIOS / "whatif-delivery-as-2025.yaml",
        {"restoration_goal"},
    ),
    "fou-7000": (SCENARIOS / "whatif-fou-7000.yaml", {"committee_frames"}),
    "tiny-fou": (None, {"fou_per_inhabitant"}),
}


@pytest.mark.parametrize("case", sorted(PRICED_CASES))
def test_prices_match_held_finite_differences_for_every_rule_kind(
    case, shipped, tmp_path
):
    """Each binding rule kind of the shipped scenarios and a small fixture: the
    price is the objective's change when the limit moves (earlier stages held)."""
    scenario, kinds = PRICED_CASES[case]
    priced = (
        shipped
        if scenario == DECIDED
        else price_plan(scenario or _tiny_fou_file(tmp_path))
    )
    by_kind = {}
    for row in priced.explanation.priced_rules():
        by_kind.setdefault(row.rule, row)
    assert kinds <= set(by_kind)
    for row in by_kind.values():
        step = _step_inside(row)
        change, _ = _held_difference(priced, row, step)
        assert change == pytest.approx(row.shadow_price, rel=1e-4, abs=1e-5), row


def test_prices_carry_no_tie_break(shipped):
    """The price is the primary objective's: the full objective's dual differs."""
    e = shipped.explanation
    assert e.objective == pytest.approx(pyo.value(shipped.model.primary))
    row = next(r for r in e.rules if r.rule == "result_target" and r.year == 2028)
    change, _ = _held_difference(shipped, row, 1.0)
    assert change == pytest.approx(row.shadow_price, abs=1e-6 * abs(e.objective))


def _replanned_difference(row, step: float) -> tuple[float, float]:
    """A full closest-plan re-solve (every stage) with the row's limit moved by `step`."""
    data = build_data(load_scenario(DECIDED).scenario)

    def solved(moved: float):
        m = build_model(data, "optimal")
        parts = m.rule_parts[row.rule]
        scale = percent_scale(parts.rule, data, row.year)
        limit = parts.limit[_index(row)]
        limit.set_value(pyo.value(limit) + moved * scale)
        result = solve(m, data, strict=False, duals=False)
        assert result.outcome.optimal and result.plan.closest
        return pyo.value(m.primary), result.plan.stages[-1].weighted_breach

    objective, breach = solved(0.0)
    moved_objective, moved_breach = solved(step)
    return (moved_objective - objective) / step, (moved_breach - breach) / step


def test_replanned_prices_match_full_lexicographic_resolves(shipped):
    """Where the earlier stages move too, the re-planned price is what a re-solve gives."""
    by_kind = {}
    for row in shipped.explanation.priced_rules():
        if row.least_breach_change.get("council"):
            by_kind.setdefault(row.rule, row)
    assert {"loan_ceiling", "liquidity_floor", "savings_capacity"} <= set(by_kind)
    for row in by_kind.values():
        step = 0.01 if row.rule == "savings_capacity" else 1.0
        change, breach = _replanned_difference(row, -step)
        assert change == pytest.approx(row.replanned_price, abs=1e-6), row
        assert breach == pytest.approx(row.least_breach_change["council"], rel=1e-6)


def test_override_resolve_matches_replanned_price_in_the_closest_plan(shipped):
    row = next(r for r in shipped.explanation.rules if r.rule == "debt_ratio_ceiling")
    assert row.override == "rules.debt_ratio.limit_pct.2026"
    step = 0.5 * (row.range_high - row.limit)
    moved = explain(DECIDED, (f"{row.override}={row.limit + step}",))
    change = (moved.objective - shipped.explanation.objective) / step
    assert change == pytest.approx(row.replanned_price, abs=1e-6)
    assert change != pytest.approx(row.shadow_price, abs=1.0)


def test_override_resolve_matches_price_for_each_kind(feasible):
    """A program re-solving with --set <override>=<limit + step> sees the price."""
    assert not feasible.closest_plan
    checked = set()
    for row in feasible.priced_rules():
        if row.override is None or row.rule in checked:
            continue
        step = _step_inside(row)
        moved = explain(DECIDED, (*FIXED_CEILING, f"{row.override}={row.limit + step}"))
        change = (moved.objective - feasible.objective) / step
        assert change == pytest.approx(row.shadow_price, rel=1e-5, abs=1e-6), row
        checked.add(row.rule)
    assert {"loan_ceiling", "result_target"} <= checked


def _objective_at(priced, row, step: float) -> float | None:
    """The priced stage's objective with the row's limit moved by `step` (held
    stages); None when no plan keeps the moved limit."""
    try:
        change, _ = _held_difference(priced, row, step)
    except AssertionError:
        return None
    return priced.explanation.objective + change * (step or 1)


def test_price_ranges_are_where_the_price_holds_for_every_binding_rule(shipped):
    """Every binding rule of the shipped plan: just inside either end of its range the
    objective has moved at the price all the way from the limit; just past the end it
    moves at another rate (or no plan keeps the limit there).

    Finite differences carry the LP's own noise, about 1e-9 of the objective: each
    comparison allows that much objective over the step it divides by.
    """
    objective = shipped.explanation.objective
    noise, fine = 1e-9 * abs(objective), 1e-10 * abs(objective)
    checked = 0
    for row in shipped.explanation.priced_rules():
        for end in (row.range_low, row.range_high):
            if end is None:
                continue
            room = end - row.limit
            if abs(room) > 1e-6:
                inside = room * (1 - 1e-6)
                moved = _objective_at(shipped, row, inside) - objective
                allowed = noise + 1e-7 * abs(row.shadow_price * inside)
                assert abs(moved - row.shadow_price * inside) <= allowed, (row, end)
            past = (1 if room > 0 else -1) * max(0.01, 1e-3 * abs(room))
            at_end, beyond = (
                _objective_at(shipped, row, room),
                _objective_at(shipped, row, room + past),
            )
            if at_end is not None and beyond is not None:
                rate = (beyond - at_end) / past
                assert abs(rate - row.shadow_price) * abs(past) > fine, (row, end)
            checked += 1
    assert checked >= 20


def test_milp_prices_are_the_lp_with_the_levels_fixed():
    e = explain(DECIDED, (*EVERY_TARGET_HOLDS, "fou.discrete=true"))
    assert e.problem_type == "MILP" and e.integers_fixed
    assert e.priced_rules()
    text = CliRunner().invoke(
        main, ["explain", str(DECIDED), "--set", "fou.discrete=true"]
    )
    assert "heltalsproblem" in text.stdout


def test_milp_closest_plan_is_priced_as_the_lp_with_the_levels_fixed():
    """The levels fixed, every stage is an LP again: held and re-planned prices."""
    priced = price_plan(DECIDED, ("fou.discrete=true",))
    e = priced.explanation
    assert e.integers_fixed and e.closest_plan
    row = next(r for r in e.priced_rules() if r.rule == "result_target")
    assert row.replanned_price == pytest.approx(row.shadow_price, rel=1e-9)
    change, _ = _held_difference(priced, row, _step_inside(row))
    assert change == pytest.approx(row.shadow_price, rel=1e-4, abs=1e-5)


def test_overrides_name_only_single_limits(feasible):
    for row in feasible.rules:
        if row.rule == "liquidity_floor":
            assert row.override is None and row.override_reason == "shared"
        if row.rule == "result_target":
            assert row.override == f"rules.result_target.minimum.{row.year}"


def test_frame_has_numeric_columns(feasible):
    frame = explanation_frame(feasible)
    assert len(frame) == len(feasible.rules)
    for name in ("shadow_price", "limit", "year"):
        assert frame[name].dtype.kind in "fiu" or str(frame[name].dtype) == "Int64"


def test_cli_json_rows_are_the_contract():
    result = CliRunner().invoke(main, ["explain", str(DECIDED), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["closest_plan"] is True
    assert document["rules"] and document["replanned"] and document["breaches"]
    for row in document["rules"]:
        assert set(row) == CONTRACT


def test_cli_table_in_swedish_and_english():
    sv = CliRunner().invoke(main, ["explain", str(DECIDED)])
    assert sv.exit_code == 0
    text = " ".join(sv.output.split())
    assert "högre lånetak 2027 minskar den ackumulerade besparingsbördan" in text
    en = CliRunner().invoke(main, ["explain", str(DECIDED), "--lang", "en"])
    text = " ".join(en.output.split())
    assert "higher loan ceiling 2027 lowers the accumulated savings burden" in text


def test_cli_explain_strict_exits_2():
    result = CliRunner().invoke(main, ["explain", str(STRICT_LOANS)])
    assert result.exit_code == 2


def test_subprocess_explain_and_diagnose():
    explain_run = subprocess.run(
        [sys.executable, "-m", "balans", "explain", str(DECIDED), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert explain_run.returncode == 0, explain_run.stderr
    assert json.loads(explain_run.stdout)["rules"]
    diagnose_run = subprocess.run(
        [sys.executable, "-m", "balans", "diagnose", str(STRICT_LOANS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert diagnose_run.returncode == 2
    assert "Likviditetsgolv" in diagnose_run.stdout


# --- diagnose: the irreducible infeasible set -------------------------------

INFEASIBLE = {
    # The result target 2027 far beyond what the savings capacity allows.
    "result": (
        (*EVERY_TARGET_HOLDS, "rules.result_target.minimum.2027=2000"),
        "result_target",
    ),
    # A fixed lånetak below the loans the region already has.
    "loans": (
        (
            *EVERY_TARGET_HOLDS,
            "rules.loan_ceiling.basis=fixed",
            "rules.loan_ceiling.limit.2027=100",
        ),
        "loan_ceiling",
    ),
}


def _infeasible(data):
    m = build_model(data, "optimal")
    session = LpSession(m)
    assert session.run() == "infeasible"
    return session, session.infeasible_set()


def _members(session, iis):
    """The IIS's rows as Pyomo constraints, its columns as variables."""
    rows = [session.rows[r] for r in iis.rows if r < session.n_rows]
    return rows, {id(session.columns[j]) for j in iis.columns}


def _subsystem_feasible(session, iis, drop=None) -> bool:
    """Only the IIS's rows and bounds (less `drop`): does a point satisfy them?"""
    m = session.m
    rows, columns = _members(session, iis)
    keep = {id(con) for con in rows}
    for con in m.component_data_objects(pyo.Constraint, active=True):
        if id(con) not in keep or con is drop:
            con.deactivate()
    for var in m.component_data_objects(pyo.Var):
        if var.fixed:
            continue
        if id(var) not in columns:
            var.setlb(None)
            var.setub(None)
    for objective in m.component_data_objects(pyo.Objective, active=True):
        objective.deactivate()
    m.objective.set_value(0.0)
    m.objective.activate()
    return LpSession(m).run() == "optimal"


@pytest.mark.parametrize("case", sorted(INFEASIBLE))
def test_iis_is_irreducible_and_names_the_rule(case):
    overrides, rule = INFEASIBLE[case]
    loaded = load_scenario(DECIDED, overrides)
    data = build_data(loaded.scenario)
    session, iis = _infeasible(data)
    m = session.m
    rows, _ = _members(session, iis)
    members = [c for c in rows if c.parent_component().name in m.rule_parts]
    assert members
    assert rule in {c.parent_component().name for c in members}
    named = conflict_members(session, iis)
    assert rule in {member.rule for member in named if member.kind == "rule"}
    assert {member.kind for member in named} <= {"rule", "identity", "bound"}
    assert not _subsystem_feasible(session, iis)
    for index in range(len(members)):
        fresh, fresh_iis = _infeasible(data)
        fresh_rows, _ = _members(fresh, fresh_iis)
        member = [
            c for c in fresh_rows if c.parent_component().name in fresh.m.rule_parts
        ][index]
        assert _subsystem_feasible(fresh, fresh_iis, drop=member), member.name


def test_iis_of_the_only_conflict_drop_makes_the_model_feasible():
    """With one conflict only, freeing the member rule's slack makes the model feasible."""
    overrides, rule = INFEASIBLE["result"]
    data = build_data(load_scenario(DECIDED, overrides).scenario)
    session, iis = _infeasible(data)
    m = session.m
    for con in _members(session, iis)[0]:
        parts = m.rule_parts.get(con.parent_component().name)
        if parts is not None:
            col = session.col(parts.slack[con.index()])
            session.set_col_bounds([col], 0.0, float("inf"))
    assert session.run() == "optimal"


def test_cli_diagnose_strict_loans_and_feasible():
    runner = CliRunner()
    result = runner.invoke(main, ["diagnose", str(STRICT_LOANS), "--format", "json"])
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    rules = [m for m in document["conflict"] if m["kind"] == "rule"]
    assert rules[0]["rule"] == "liquidity_floor" and rules[0]["year"] == 2026
    assert any(m["kind"] == "identity" for m in document["conflict"])
    assert document["relaxations"]
    args = ["diagnose", str(DECIDED), "--lang", "en"]
    for override in EVERY_TARGET_HOLDS:
        args += ["--set", override]
    feasible = runner.invoke(main, args)
    assert feasible.exit_code == 0
    assert "nothing to diagnose" in feasible.output


def test_cli_csv_and_markdown_and_xlsx_needs_a_file():
    runner = CliRunner()
    csv = runner.invoke(main, ["diagnose", str(STRICT_LOANS), "--format", "csv"])
    assert csv.exit_code == 2
    assert csv.stdout.splitlines()[1].startswith('rule,"liquidity_floor[2026,3]"')
    md = runner.invoke(main, ["diagnose", str(STRICT_LOANS), "--format", "md"])
    assert "| Likviditetsgolv | 2026 | mar | 200,0 |" in md.stdout
    xlsx = runner.invoke(main, ["explain", str(DECIDED), "--format", "xlsx"])
    assert xlsx.exit_code == 1
    assert "needs --output FILE.xlsx" in xlsx.output


def test_explain_as_a_workbook_has_the_json_prices(tmp_path):
    import json

    import openpyxl
    from click.testing import CliRunner

    from balans.cli import main

    runner = CliRunner()
    book_path = tmp_path / "explain.xlsx"
    result = runner.invoke(main, ["explain", str(DECIDED), "-o", str(book_path)])
    assert result.exit_code == 0, result.output
    document = json.loads(
        runner.invoke(main, ["explain", str(DECIDED), "--format", "json"]).output
    )
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames[:2] == ["Sammanfattning", "Bindande regler"]
    sheet = book["Bindande regler"]
    assert sheet.freeze_panes is not None
    header = [cell.value for cell in sheet[3]]
    rows = [
        dict(zip(header, row, strict=True))
        for row in sheet.iter_rows(min_row=4, values_only=True)
    ]
    assert len(rows) == len(document["rules"])
    for row, rule in zip(rows, document["rules"], strict=True):
        assert row["Regel"] == rule["rule"] and row["År"] == rule["year"]
        assert row["Skuggpris"] == pytest.approx(rule["shadow_price"], abs=0.0006)
