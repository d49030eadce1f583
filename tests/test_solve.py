"""Solving: the written model, shadow prices, objectives, verification, diagnosis."""

from __future__ import annotations

import dataclasses

import highspy
import pytest

from balans.errors import VerificationError
from balans.model.build import apply, build_model
from balans.model.data import build_data
from balans.plan import optimise
from balans.scenario.load import load_scenario
from balans.testing import SCENARIOS, feasible_scenario, make_scenario, tiny_loaded
from balans.verify import verify_plan


def _solve_exported(path):
    """Solve an exported LP in a bare highspy: (objective, {column name: value})."""
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.readModel(str(path))
    highs.run()
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    lp = highs.getLp()
    values = dict(zip(lp.col_names_, highs.getSolution().col_value, strict=True))
    return highs.getInfo().objective_function_value, values


def _primary_at(values, loaded, objective=None):
    """The reported objective (the primary) evaluated at an exported LP's solution."""
    from balans.model.lp import LpSession, lp_name

    m = build_model(build_data(loaded.scenario), "optimal", objective)
    session = LpSession(m)
    cost, constant = session.cost_of(m.primary)
    x = [values[lp_name(var.name)] for var in session.columns]
    return float(cost @ x + constant)


SHIPPED = sorted(SCENARIOS.glob("*.yaml"))


def test_the_exported_model_is_the_plan_for_every_shipped_scenario(tmp_path):
    """--write-model writes the LP whose optimum is the printed plan (closest plan:
    its final stage with the earlier stages held), in .mps and .lp alike."""
    for number, scenario in enumerate(SHIPPED):
        loaded = load_scenario(scenario)
        suffix = ".lp" if number % 2 else ".mps"
        path = tmp_path / f"{scenario.stem}{suffix}"
        plan = optimise(loaded, model_path=path, findings=False)
        assert path.read_text().splitlines()[0].lstrip("*\\ ").startswith("balans:")
        if plan.status != "optimal":
            continue  # strict and infeasible: the plain LP (tested below)
        objective, values = _solve_exported(path)
        assert objective == pytest.approx(plan.solver["lp_objective"], rel=1e-6)
        assert _primary_at(values, loaded) == pytest.approx(plan.objective, rel=1e-6)
        for committee, row in plan.committees.items():
            for year, amount in row["savings"].items():
                name = f"savings({year}_{committee})"
                assert values[name] == pytest.approx(amount, abs=1e-5), name


def test_every_stage_can_be_exported_and_the_last_is_the_plan(tmp_path):
    loaded = load_scenario(SCENARIOS / "rjh-2026-decided.yaml")
    path = tmp_path / "plan.mps"
    plan = optimise(loaded, model_path=path, findings=False, write_stages=True)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["plan.council.mps", "plan.final.mps", "plan.law.mps", "plan.mps"]
    law, _ = _solve_exported(tmp_path / "plan.law.mps")
    assert law == pytest.approx(
        plan.solver["priorities"][0]["weighted_breach"], rel=1e-6
    )
    final, _ = _solve_exported(tmp_path / "plan.final.mps")
    assert final == pytest.approx(plan.solver["lp_objective"], rel=1e-6)


def test_a_strict_infeasible_export_is_the_plain_lp_and_says_so(tmp_path):
    loaded = load_scenario(SCENARIOS / "rjh-2026-decided.yaml")
    path = tmp_path / "strict.lp"
    plan = optimise(loaded, model_path=path, findings=False, strict=True)
    assert plan.status == "infeasible"
    assert "no feasible plan" in path.read_text().splitlines()[1]
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.readModel(str(path))
    highs.run()
    assert highs.getModelStatus() == highspy.HighsModelStatus.kInfeasible


NO_RESULT_TARGET = "rules.result_target.enabled=false"


def test_shadow_price_is_the_objective_gained_per_mkr():
    """Loosen the binding restoration goal by 1 Mkr: the objective falls by its price."""
    plan = optimise(feasible_scenario(NO_RESULT_TARGET), "min-savings")
    row = plan.target("restoration_goal", 2030)
    assert row.binding
    looser = optimise(
        feasible_scenario(
            NO_RESULT_TARGET,
            "rules.restoration.vintages=[{year: 2023, amount: 464.0, deadline: 2027}, "
            "{year: 2024, amount: 211.0, deadline: 2030}, "
            "{year: 2025, amount: 329.0, deadline: 2030}]",
        ),
        "min-savings",
    )
    assert plan.objective - looser.objective == pytest.approx(
        row.shadow_price, abs=2e-3
    )


def test_shadow_prices_of_a_year_floor_add_up():
    """Lower the 2026 floor by 1 Mkr in every month: the gain is the sum of its prices."""
    plan = optimise(feasible_scenario(NO_RESULT_TARGET), "min-savings")
    rows = [r for r in plan.targets if r.id == "liquidity_floor" and r.year == 2026]
    assert any(r.binding for r in rows)
    looser = optimise(
        feasible_scenario(NO_RESULT_TARGET, "rules.liquidity_floor.floor.2026=199"),
        "min-savings",
    )
    expected = sum(r.shadow_price for r in rows)
    assert plan.objective - looser.objective == pytest.approx(expected, abs=2e-3)


@pytest.mark.parametrize(
    "objective",
    ["min-savings", "min-burden", "fair-share", "closest-to-decided", "max-margin"],
)
def test_every_objective_gives_a_verified_plan(feasible, objective):
    plan = optimise(feasible, objective)
    assert plan.status == "optimal"
    assert plan.objective_name == objective
    assert not plan.broken_targets() and not plan.breaches


def test_max_margin_keeps_the_decided_savings_effort(feasible):
    plan = optimise(feasible, "max-margin")
    optimal = sum(sum(c["savings"].values()) for c in plan.committees.values())
    decided = sum(sum(c["decided_savings"].values()) for c in plan.committees.values())
    assert optimal <= decided + 1e-6
    assert plan.objective > 0
    # every financial rule holds with at least the reported margin
    for rule in (
        "liquidity_floor",
        "loan_ceiling",
        "result_non_negative",
        "restoration_goal",
    ):
        assert all(
            r.margin >= plan.objective - 1e-6 for r in plan.targets if r.id == rule
        )


def test_closest_to_decided_is_zero_when_the_decided_plan_keeps_every_rule():
    loaded = feasible_scenario("rules.liquidity_floor.enabled=false")
    plan = optimise(loaded, "closest-to-decided")
    assert plan.objective == pytest.approx(0.0, abs=1e-6)


def test_verification_refuses_a_tampered_plan(optimal_plan, decided_scenario):
    tampered = dataclasses.replace(
        optimal_plan,
        income={
            **optimal_plan.income,
            "result": {**optimal_plan.income["result"], 2027: 999.0},
        },
    )
    with pytest.raises(VerificationError, match="result 2027"):
        verify_plan(tampered, decided_scenario.scenario)


def test_verification_refuses_an_optimal_plan_that_breaks_a_rule(
    optimal_plan, decided_scenario
):
    rows = [dataclasses.replace(r) for r in optimal_plan.targets]
    row = next(r for r in rows if r.id == "liquidity_floor" and r.year == 2029)
    row.met = False
    with pytest.raises(VerificationError, match="enforced but not met"):
        verify_plan(
            dataclasses.replace(optimal_plan, targets=rows), decided_scenario.scenario
        )


def test_strict_mode_diagnosis_names_the_conflict():
    """Strict: the decided budget year breaks three rules, so there is no plan."""
    plan = optimise(make_scenario(base=SCENARIOS / "whatif-strict-loans.yaml"))
    assert plan.status == "infeasible"
    relax = {
        (r.rule, r.year, r.month): r.amount_mkr for r in plan.diagnosis.relaxations
    }
    # Tabell 5/6: 741.5 + 150 = 891.5 Mkr of loans against the 750 Mkr lånetak.
    assert relax["loan_ceiling", 2026, None] == pytest.approx(141.5, abs=0.05)
    # 891.5 against 16 % of 3 + 1393.9 + 4054.6 = 5448.5 (Tabell 2): 19.7 Mkr too much.
    assert relax["debt_ratio_ceiling", 2026, None] == pytest.approx(19.74, abs=0.05)
    # December 2026: 62.9 Mkr of cash (Tabell 5) against the 200 Mkr floor.
    assert relax["liquidity_floor", 2026, 12] == pytest.approx(137.1, abs=0.05)
    # Each rule family alone cannot make a plan possible: the conflict is several.
    assert not any(a.possible for a in plan.diagnosis.alone)


def test_the_closest_plan_reports_the_same_conflicts_as_breaches(optimal_plan):
    """Without strict the plan exists; the decided year's breaches are facts."""
    assert optimal_plan.status == "optimal"
    facts = {(b.rule, b.year) for b in optimal_plan.breaches if b.locked_year}
    assert {("loan_ceiling", 2026), ("debt_ratio_ceiling", 2026)} <= facts
    assert ("liquidity_floor", 2026) in facts


def _minimum_2026(amount: float):
    def edit(data):
        data["rules"]["result_non_negative"]["minimum"][2026] = amount

    return edit


def test_tiny_infeasible_fixture_relaxes_the_only_rule_that_can_give():
    """A 2026 result of 2 000 Mkr cannot be reached: the result rule gives, by the least.

    On the two-year fixture only the result rule can give at its penalty
    (savings capacity could too, but costs 5x as much per Mkr): the relaxation
    is exactly the gap to the best reachable result, so asking for that much
    less is feasible and a hundredth of a Mkr more is not.
    """
    plan = optimise(tiny_loaded(edit=_minimum_2026(2000.0)), strict=True)
    assert plan.status == "infeasible"
    relaxations = plan.diagnosis.relaxations
    assert [(r.rule, r.year) for r in relaxations] == [("result_non_negative", 2026)]
    reachable = 2000.0 - relaxations[0].amount
    assert 0 < reachable < 2000
    lower = optimise(tiny_loaded(edit=_minimum_2026(reachable - 1e-3)), strict=True)
    higher = optimise(tiny_loaded(edit=_minimum_2026(reachable + 1e-2)), strict=True)
    assert (lower.status, higher.status) == ("optimal", "infeasible")
    alone = {row.rule: row for row in plan.diagnosis.alone}
    assert alone["result_non_negative"].possible
    assert not alone["liquidity_floor"].possible


def test_interest_rate_reaches_the_result(decided_scenario):
    """Interest +1 pp on the decided loans lowers the decided result by 1 % of them."""
    from balans.plan import evaluate

    base = evaluate(decided_scenario)
    higher = evaluate(make_scenario(base=SCENARIOS / "whatif-interest-plus-1pp.yaml"))
    # 2026: 741.5 Mkr of loans (Tabell 5) plus 150 raised in January: 891.5 Mkr
    # all year -> 8.915 Mkr.
    assert base.income["result"][2026] - higher.income["result"][2026] == pytest.approx(
        8.915
    )


def test_updating_a_parameter_and_resolving_equals_a_rebuild():
    """Variants change numbers, not structure: a warm session re-solve must agree."""
    from balans.model.lp import LpSession

    loaded = feasible_scenario()
    m = build_model(build_data(loaded.scenario), "optimal")
    session = LpSession(m)
    assert session.run() == "optimal"
    variant = feasible_scenario(
        *(f"assumptions.interest_rate_pct.{y}=5.0" for y in range(2026, 2031)),
        "rules.liquidity_floor.floor.2027=250",
    )
    apply(m, build_data(variant.scenario))
    session.refresh()
    assert session.run() == "optimal"
    fresh = LpSession(build_model(build_data(variant.scenario), "optimal"))
    assert fresh.run() == "optimal"
    assert session.objective_value() == pytest.approx(fresh.objective_value(), rel=1e-9)


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("time_limit", "stopped before proving an optimum"),
        ("error", "could not solve the model"),
    ],
)
def test_solver_trouble_gets_its_own_message_and_exit_code(monkeypatch, status, words):
    from click.testing import CliRunner

    from balans.cli import main
    from balans.model.lp import LpSession
    from balans.testing import DECIDED

    monkeypatch.setattr(LpSession, "run", lambda self, *args, **kwargs: status)
    result = CliRunner().invoke(main, ["solve", str(DECIDED), "--time-limit", "1"])
    assert result.exit_code == 3
    assert words in result.output
    assert "Traceback" not in result.output
