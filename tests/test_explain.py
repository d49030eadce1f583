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
from balans.priorities import solve_by_priority
from balans.scenario.load import load_scenario
from balans.solve import basis_prices, infeasible_set, solve_model
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

    The model keeps the closest plan's earlier stages held: the final stage re-solved.
    """
    m = priced.model
    parts = m.rule_parts[row.rule]
    index = _index(row)
    scale = percent_scale(parts.rule, priced.data, row.year)
    old = pyo.value(parts.limit[index])
    parts.limit[index].set_value(old + step * scale)
    try:
        assert solve_model(m, duals=False).optimal
        change = (pyo.value(m.primary) - priced.explanation.objective) / (step or 1)
        prices = basis_prices(m, m.primary)
        price = prices.rows[parts.constraint[index]].price * scale
    finally:
        parts.limit[index].set_value(old)
        solve_model(m, duals=False)
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
        assert not solve_model(m, duals=False).optimal
        outcome, stages = solve_by_priority(m, data)
        assert outcome.optimal
        return pyo.value(m.primary), stages[-1].weighted_breach

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


def test_ranging_ends_keep_the_price_and_beyond_changes_it(shipped):
    """At (just inside) either end of the range the price holds; beyond, it changes."""
    rows = [
        r
        for r in shipped.explanation.priced_rules()
        if r.range_high is not None
        and r.range_low is not None
        and min(r.range_high - r.limit, r.limit - r.range_low) > 1.0
    ]
    assert len({r.rule for r in rows}) >= 2
    checked = {}
    for row in rows:
        checked.setdefault(row.rule, row)
    _, _, basis = _held_difference(shipped, checked["result_target"], 0.0, True)
    for row in checked.values():
        for end in (row.range_high, row.range_low):
            room = end - row.limit
            _, inside, inside_basis = _held_difference(
                shipped, row, room * (1 - 1e-6), True
            )
            assert inside == pytest.approx(row.shadow_price, rel=1e-6, abs=1e-9), row
            assert inside_basis == basis
            beyond = room + (1 if room > 0 else -1) * max(1.0, 0.05 * abs(room))
            _, outside, outside_basis = _held_difference(shipped, row, beyond, True)
            changed = outside != pytest.approx(row.shadow_price, rel=1e-6, abs=1e-9)
            assert changed or outside_basis != basis, row


def test_milp_prices_are_the_lp_with_the_levels_fixed():
    e = explain(DECIDED, (*EVERY_TARGET_HOLDS, "fou.discrete=true"))
    assert e.problem_type == "MILP" and e.integers_fixed
    assert e.priced_rules()
    text = CliRunner().invoke(
        main, ["explain", str(DECIDED), "--set", "fou.discrete=true"]
    )
    assert "heltalsproblem" in text.stdout


def test_milp_closest_plan_is_priced_held_without_replanning():
    priced = price_plan(DECIDED, ("fou.discrete=true",))
    e = priced.explanation
    assert e.integers_fixed and e.closest_plan
    row = next(r for r in e.priced_rules() if r.rule == "result_target")
    assert row.replanned_price is None
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


def _subsystem_feasible(m, iis, drop=None) -> bool:
    """Only the IIS's rows and bounds (less `drop`): does a point satisfy them?"""
    for con in m.component_data_objects(pyo.Constraint, active=True):
        if con not in iis.rows or con is drop:
            con.deactivate()
    for var in m.component_data_objects(pyo.Var):
        if var.fixed:
            continue
        if var not in iis.columns:
            var.setlb(None)
            var.setub(None)
    for objective in m.component_data_objects(pyo.Objective, active=True):
        objective.deactivate()
    m.objective.set_value(0.0)
    m.objective.activate()
    return solve_model(m, duals=False).optimal


@pytest.mark.parametrize("case", sorted(INFEASIBLE))
def test_iis_is_irreducible_and_names_the_rule(case):
    overrides, rule = INFEASIBLE[case]
    loaded = load_scenario(DECIDED, overrides)
    data = build_data(loaded.scenario)

    def infeasible_model():
        m = build_model(data, "optimal")
        assert not solve_model(m, duals=False).optimal
        return m, infeasible_set(m)

    m, iis = infeasible_model()
    members = [c for c in iis.rows if c.parent_component().name in m.rule_parts]
    assert members
    assert rule in {c.parent_component().name for c in members}
    assert not _subsystem_feasible(m, iis)
    for index in range(len(members)):
        fresh, fresh_iis = infeasible_model()
        member = [
            c for c in fresh_iis.rows if c.parent_component().name in fresh.rule_parts
        ][index]
        assert _subsystem_feasible(fresh, fresh_iis, drop=member), member.name
    named = conflict_members(m, iis)
    assert rule in {member.rule for member in named if member.kind == "rule"}
    assert {member.kind for member in named} <= {"rule", "identity", "bound"}


def test_iis_of_the_only_conflict_drop_makes_the_model_feasible():
    """With one conflict only, freeing the member rule's slack makes the model feasible."""
    overrides, rule = INFEASIBLE["result"]
    data = build_data(load_scenario(DECIDED, overrides).scenario)
    m = build_model(data, "optimal")
    assert not solve_model(m, duals=False).optimal
    iis = infeasible_set(m)
    for con in iis.rows:
        parts = m.rule_parts.get(con.parent_component().name)
        if parts is not None:
            parts.slack[con.index()].setub(None)
    assert solve_model(m, duals=False).optimal


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
