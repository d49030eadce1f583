"""Solving: the written model, shadow prices, objectives, verification, diagnosis."""

from __future__ import annotations

import dataclasses

import highspy
import pytest

from balans.errors import VerificationError
from balans.model.build import apply, build_model
from balans.model.data import build_data
from balans.plan import optimise
from balans.solve import solve_model, write_model
from balans.testing import SCENARIOS, make_scenario, tiny_loaded
from balans.verify import verify_plan


@pytest.mark.parametrize("suffix", [".mps", ".lp"])
def test_written_model_solved_independently_gives_the_same_objective(tmp_path, suffix):
    loaded = make_scenario()
    data = build_data(loaded.scenario)
    m = build_model(data, "optimal")
    path = write_model(m, tmp_path / f"model{suffix}")
    outcome = solve_model(m)
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.readModel(str(path))
    highs.run()
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert highs.getInfo().objective_function_value == pytest.approx(
        outcome.objective, rel=1e-7
    )


def test_shadow_price_is_the_objective_gained_per_mkr(optimal_plan):
    """Loosen the binding restoration goal by 1 Mkr: the objective falls by its price."""
    row = optimal_plan.target("restoration_goal", 2030)
    assert row.binding
    looser = optimise(
        make_scenario(
            "rules.restoration.vintages=[{year: 2023, amount: 464.0, deadline: 2027}, "
            "{year: 2024, amount: 211.0, deadline: 2030}, "
            "{year: 2025, amount: 329.0, deadline: 2030}]"
        )
    )
    assert optimal_plan.objective - looser.objective == pytest.approx(
        row.shadow_price, abs=2e-3
    )


def test_shadow_prices_of_a_year_floor_add_up(optimal_plan):
    """Lower the 2026 floor by 1 Mkr in every month: the gain is the sum of its prices."""
    rows = [
        r for r in optimal_plan.targets if r.id == "liquidity_floor" and r.year == 2026
    ]
    assert any(r.binding for r in rows)
    looser = optimise(make_scenario("rules.liquidity_floor.floor.2026=199"))
    expected = sum(r.shadow_price for r in rows)
    assert optimal_plan.objective - looser.objective == pytest.approx(
        expected, abs=2e-3
    )


@pytest.mark.parametrize(
    "objective", ["min-savings", "closest-to-decided", "max-margin"]
)
def test_every_objective_gives_a_verified_plan(decided_scenario, objective):
    plan = optimise(decided_scenario, objective)
    assert plan.status == "optimal"
    assert plan.objective_name == objective
    assert not plan.broken_targets()


def test_max_margin_keeps_the_decided_savings_effort(decided_scenario):
    plan = optimise(decided_scenario, "max-margin")
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
    loaded = make_scenario(
        "rules.liquidity_floor.enabled=false",
        "rules.restoration.enforce_vintage_deadlines=false",
    )
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
    row = next(r for r in rows if r.id == "liquidity_floor")
    row.met = False
    with pytest.raises(VerificationError, match="enforced but not met"):
        verify_plan(
            dataclasses.replace(optimal_plan, targets=rows), decided_scenario.scenario
        )


def test_strict_loans_diagnosis_names_the_conflict():
    plan = optimise(make_scenario(base=SCENARIOS / "whatif-strict-loans.yaml"))
    assert plan.status == "infeasible"
    relax = plan.diagnosis.relaxations
    # The cheapest way out: a lower floor in December 2026 (the savings capacity,
    # an estimate, carries a higher penalty than the decided targets).
    assert [(r.rule, r.year, r.month) for r in relax] == [("liquidity_floor", 2026, 12)]
    # 741.5 Mkr of loans leave 8.5 Mkr of room under the 750 ceiling.
    assert relax[0].amount_mkr == pytest.approx(104.9, abs=0.05)
    pressing = {(r.rule, r.year) for r in plan.diagnosis.pressing}
    assert ("loan_ceiling", 2026) in pressing and ("savings_capacity", 2026) in pressing
    alone = {a.rule: a for a in plan.diagnosis.alone}
    # Each of three rules could make a plan possible on its own, the others cannot.
    assert {k for k, a in alone.items() if a.possible} == {
        "liquidity_floor",
        "loan_ceiling",
        "savings_capacity",
    }
    assert alone["liquidity_floor"].by_year == {2026: pytest.approx(104.9, abs=0.05)}
    assert alone["loan_ceiling"].amount_mkr == pytest.approx(105.35, abs=0.05)
    assert alone["savings_capacity"].amount_mkr == pytest.approx(103.3, abs=0.05)


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
    plan = optimise(tiny_loaded(edit=_minimum_2026(2000.0)))
    assert plan.status == "infeasible"
    relaxations = plan.diagnosis.relaxations
    assert [(r.rule, r.year) for r in relaxations] == [("result_non_negative", 2026)]
    reachable = 2000.0 - relaxations[0].amount
    assert 0 < reachable < 2000
    assert optimise(tiny_loaded(edit=_minimum_2026(reachable - 1e-3))).status == (
        "optimal"
    )
    assert optimise(tiny_loaded(edit=_minimum_2026(reachable + 1e-2))).status == (
        "infeasible"
    )
    alone = {row.rule: row for row in plan.diagnosis.alone}
    assert alone["result_non_negative"].possible
    assert not alone["liquidity_floor"].possible


def test_interest_rate_reaches_the_result(decided_scenario):
    """Interest +1 pp on the decided loans lowers the decided result by 1 % of them."""
    from balans.plan import evaluate

    base = evaluate(decided_scenario)
    higher = evaluate(make_scenario(base=SCENARIOS / "whatif-interest-plus-1pp.yaml"))
    # 2026: 600 Mkr of loans plus 150 raised in January: 750 Mkr all year -> 7.5 Mkr.
    assert base.income["result"][2026] - higher.income["result"][2026] == pytest.approx(
        7.5
    )


def test_updating_a_parameter_and_resolving_equals_a_rebuild():
    """Variants change numbers, not structure: a persistent re-solve must agree."""
    from pyomo.contrib.solver.common.factory import SolverFactory

    loaded = make_scenario()
    m = build_model(build_data(loaded.scenario), "optimal")
    solver = SolverFactory("highs")
    solver.solve(m)
    variant = make_scenario(
        *(f"assumptions.interest_rate_pct.{y}=5.0" for y in range(2026, 2031)),
        "rules.liquidity_floor.floor.2027=250",
    )
    apply(m, build_data(variant.scenario))
    updated = solver.solve(m).incumbent_objective
    rebuilt = solve_model(build_model(build_data(variant.scenario), "optimal"))
    assert updated == pytest.approx(rebuilt.objective, rel=1e-9)


class _StoppedSolver:
    """A stand-in for HiGHS that stops at its time limit."""

    def __init__(self, condition):
        self.condition = condition

    def solve(self, model, **options):
        from types import SimpleNamespace

        return SimpleNamespace(
            termination_condition=self.condition, solver_version=(1, 15, 1)
        )


@pytest.mark.parametrize(
    ("condition", "words"),
    [
        ("maxTimeLimit", "stopped before proving an optimum"),
        ("error", "could not solve the model"),
    ],
)
def test_solver_trouble_gets_its_own_message_and_exit_code(
    monkeypatch, condition, words
):
    from click.testing import CliRunner
    from pyomo.contrib.solver.common.results import TerminationCondition

    from balans import solve
    from balans.cli import main
    from balans.testing import DECIDED

    stopped = _StoppedSolver(getattr(TerminationCondition, condition))
    monkeypatch.setattr(solve, "SolverFactory", lambda name: stopped)
    result = CliRunner().invoke(main, ["solve", str(DECIDED), "--time-limit", "1"])
    assert result.exit_code == 3
    assert words in result.output
    assert "Traceback" not in result.output
