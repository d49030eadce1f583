"""The recommendation: locked budget year, priorities, result targets, capacities, levers.

Each new rule and lever has a test of its direction of effect; the shipped
scenario's closest plan is checked against what the issue asked it to reach.
"""

from __future__ import annotations

import pytest

from balans.plan import evaluate, optimise
from balans.testing import SCENARIOS, feasible_scenario, make_scenario

YEARS = (2026, 2027, 2028, 2029, 2030)
LATER = (2027, 2028, 2029, 2030)


def total_savings(plan) -> float:
    return sum(sum(c["savings"].values()) for c in plan.committees.values())


def test_the_budget_year_is_the_decided_plan(optimal_plan, decided_plan):
    for name, committee in optimal_plan.committees.items():
        assert committee["savings"][2026] == pytest.approx(
            decided_plan.committees[name]["savings"][2026]
        )
    for line in ("result", "operating_costs", "financial_costs"):
        assert optimal_plan.income[line][2026] == pytest.approx(
            decided_plan.income[line][2026]
        )
    assert optimal_plan.balance["loans"][2026] == pytest.approx(891.5)  # Tabell 5


def test_every_plan_year_reaches_the_result_target(optimal_plan):
    # Regionplan: "positiva resultat om cirka 260 miljoner kronor årligen 2027-2030".
    for year in LATER:
        assert optimal_plan.income["result"][year] >= 260.0 - 1e-5


def test_no_committee_above_its_cap_or_ramp(optimal_plan, decided_scenario):
    s = decided_scenario.scenario
    cap = s.rules.savings_capacity.max_pct / 100
    ramp = s.rules.savings_ramp.max_increase_pct / 100
    for row in optimal_plan.targets:
        if row.id in ("savings_capacity", "savings_ramp_up") and row.year > 2026:
            assert row.met, (row.id, row.year, row.committee)
    assert cap == pytest.approx(0.046) and ramp == pytest.approx(0.015)


def test_cash_keeps_the_floor_without_counting_credit_from_2028(optimal_plan):
    for (year, month), cell in optimal_plan.liquidity.monthly.items():
        if year >= 2028:
            assert cell.cash - cell.credit >= 200 - 1e-6, (year, month)


def test_every_breach_is_a_fact_of_2026_or_reported_with_its_priority(optimal_plan):
    for breach in optimal_plan.breaches:
        assert breach.locked_year or breach.priority in ("council", "aim")
        assert breach.amount > 0
    later = {(b.rule, b.year) for b in optimal_plan.breaches if not b.locked_year}
    # The 2023 deficit cannot be restored by 2027 within what committees deliver.
    assert ("vintage_deadline", 2027) in later


def test_the_plan_is_restored_by_2030_and_stays_balanced(optimal_plan):
    assert optimal_plan.restoration["closing"][2030] >= -1e-6
    assert optimal_plan.target("structural_balance", 2030).met


def test_strict_mode_keeps_exit_two_semantics():
    plan = optimise(make_scenario(), strict=True, findings=False)
    assert plan.status == "infeasible" and plan.diagnosis.relaxations


# Direction of effect, one test per rule and lever.


def test_a_higher_result_target_needs_more_savings(feasible_plan):
    low = feasible_plan  # optimise(feasible_scenario(), "min-savings"), shared
    high = optimise(
        feasible_scenario(*(f"rules.result_target.minimum.{y}=300" for y in LATER)),
        "min-savings",
        findings=False,
    )
    assert total_savings(high) > total_savings(low) + 1.0


def test_a_tighter_ramp_never_lowers_the_savings(feasible_plan):
    loose = feasible_plan
    tight = optimise(
        feasible_scenario("rules.savings_ramp.max_increase_pct=0.5"),
        "min-savings",
        findings=False,
    )
    assert tight.objective >= loose.objective - 1e-6


def test_a_decrease_ramp_keeps_savings_going():
    plan = optimise(
        feasible_scenario("rules.savings_ramp.max_decrease_pct=0.5"),
        "min-savings",
        findings=False,
    )
    for name, committee in plan.committees.items():
        for year in LATER:
            fall = committee["savings"][year - 1] - committee["savings"][year]
            limit = plan.target("savings_ramp_down", year, committee=name).limit
            assert fall <= limit + 1e-6


def test_the_structural_balance_asks_more_of_the_last_year():
    off = optimise(
        feasible_scenario("rules.structural_balance.enabled=false"),
        "min-savings",
        findings=False,
    )
    on = optimise(
        feasible_scenario("rules.structural_balance.minimum=400"),
        "min-savings",
        findings=False,
    )
    assert on.objective > off.objective
    assert on.target("structural_balance", 2030).value >= 400 - 1e-5


def test_smoothing_never_makes_the_path_more_jagged():
    def jaggedness(plan):
        return sum(
            abs(c["savings"][y] - c["savings"][y - 1])
            for c in plan.committees.values()
            for y in LATER
        )

    rough = optimise(
        feasible_scenario("levers.smoothing_weight=0"), "min-savings", findings=False
    )
    smooth = optimise(
        feasible_scenario("levers.smoothing_weight=2"), "min-savings", findings=False
    )
    assert jaggedness(smooth) <= jaggedness(rough) + 1e-6


@pytest.mark.parametrize("objective", ["min-burden", "fair-share"])
def test_other_objectives_trade_total_savings_for_their_own_aim(
    objective, feasible_plan
):
    least = feasible_plan
    other = optimise(feasible_scenario(), objective, findings=False)
    assert total_savings(other) >= total_savings(least) - 1e-6


def test_min_burden_saves_later_than_min_savings():
    def weighted_year(plan):
        total = total_savings(plan)
        return (
            sum(
                y * sum(c["savings"][y] for c in plan.committees.values())
                for y in YEARS
            )
            / total
        )

    least = optimise(make_scenario(), "min-savings", findings=False)
    burden = optimise(make_scenario(), "min-burden", findings=False)
    assert weighted_year(burden) >= weighted_year(least) - 1e-6


def test_deferring_pension_purchases_is_used_and_costs_less_savings(optimal_plan):
    base = optimal_plan  # optimise(make_scenario()), shared
    deferred = optimise(
        make_scenario(base=SCENARIOS / "whatif-defer-pension-purchases.yaml"),
        findings=False,
    )
    bought = deferred.cash_flow["pension_portfolio_purchases"]
    assert bought[2026] == pytest.approx(100.0)  # the locked year buys as decided
    assert sum(bought.values()) < 500.0
    assert total_savings(deferred) <= total_savings(base) + 1e-6


def test_a_tax_increase_raises_revenue_from_the_first_free_year(optimal_plan):
    base = optimal_plan
    taxed = optimise(
        make_scenario(base=SCENARIOS / "whatif-tax-rate.yaml"), findings=False
    )
    assert taxed.income["tax_revenue"][2026] == pytest.approx(4054.6)  # Tabell 2
    assert taxed.income["tax_revenue"][2027] > base.income["tax_revenue"][2027]
    assert total_savings(taxed) < total_savings(base)


def test_a_regional_revision_is_mostly_compensated_a_national_one_is_not(
    decided_plan,
):
    base = decided_plan  # evaluate(make_scenario()), shared
    regional = evaluate(make_scenario(base=SCENARIOS / "whatif-regional-tax-base.yaml"))
    national = evaluate(make_scenario(base=SCENARIOS / "whatif-skr-tax-base.yaml"))
    for plan, kept in ((regional, (0.2, 0.3)), (national, (1.0, 1.3))):
        tax = plan.income["tax_revenue"][2030] - base.income["tax_revenue"][2030]
        grants = (
            plan.income["general_grants"][2030] - base.income["general_grants"][2030]
        )
        # (11.70 - 8.91) / 11.70 = 24 % of a regional change reaches the revenue.
        assert kept[0] < (tax + grants) / tax < kept[1]


def test_balanskrav_adjustments_move_the_restoration_not_the_result(decided_plan):
    base = decided_plan
    adjusted = evaluate(make_scenario("balanskrav.adjustments={2027: -50.0}"))
    assert adjusted.income["result"][2027] == pytest.approx(base.income["result"][2027])
    assert adjusted.restoration["closing"][2030] == pytest.approx(
        base.restoration["closing"][2030] - 50.0
    )


def test_a_reservation_while_deficits_are_unrestored_is_refused():
    from balans.errors import ScenarioError

    with pytest.raises(ScenarioError, match="resultatreserv"):
        make_scenario("balanskrav.reserve_deposits={2028: 10.0}")


def test_the_pension_commitments_of_tabell_5_are_reproduced(decided_plan):
    b = decided_plan.balance
    assert [b["pension_commitments"][y] for y in (2026, 2027, 2028)] == [
        1450,
        1370,
        1299,
    ]
    assert [b["pension_commitments_payroll_tax"][y] for y in (2026, 2027, 2028)] == [
        352,
        332,
        315,
    ]
    # (-1253 - 1450 - 352) / 3771 = -81.0 % (Tabell 5), improving on 2025's -88.0 %.
    row = decided_plan.target("equity_ratio_incl_pensions", 2026)
    assert row.value == pytest.approx(-81.0, abs=0.1)
    assert row.limit == pytest.approx(-88.0, abs=0.1)
    assert row.met


def test_moving_investments_keeps_the_frame_and_eases_the_tight_year(optimal_plan):
    base = optimal_plan
    moved = optimise(
        make_scenario(base=SCENARIOS / "whatif-investment-timing.yaml"), findings=False
    )
    invested = moved.cash_flow["net_investments"]
    decided = base.cash_flow["net_investments"]
    assert sum(invested.values()) == pytest.approx(sum(decided.values()))
    assert invested[2026] == pytest.approx(decided[2026])  # locked
    for year in LATER:
        assert abs(invested[year] - decided[year]) <= 0.2 * decided[year] + 1e-6

    def shortfall(plan):
        return sum(b.amount for b in plan.breaches if not b.locked_year)

    assert shortfall(moved) <= shortfall(base) + 1e-6


def test_depreciation_can_follow_the_investment_plan(decided_plan):
    published = decided_plan
    following = evaluate(make_scenario("depreciation.basis=investment_plan"))
    # 2026 reads the lives, so it is the published 170 Mkr (Tabell 2) ...
    assert following.income["depreciation"][2026] == pytest.approx(-170.0)
    # ... and later years write off the plan's investments too.
    assert (
        following.income["depreciation"][2030]
        < published.income["depreciation"][2030] - 100
    )
    assert following.income["result"][2030] < published.income["result"][2030]
    # Land and buildings follow the building investments (Tabell 5: 847 in 2027).
    assert following.balance["land_buildings"][2027] == pytest.approx(846.2, abs=0.1)


def test_evaluate_gives_the_decided_plan_the_credit_facility():
    """Own funds below zero: the decided plan draws checkkredit, as solve may."""
    # One 600 Mkr pension payment in March 2026 takes own funds below zero then.
    plan = evaluate(make_scenario("liquidity.pension_payment.2026=600"))
    drawn = [c.credit for c in plan.liquidity.monthly.values() if c.credit > 1e-6]
    assert drawn and max(drawn) <= 300 + 1e-6  # the 300 Mkr checkkredit (scenario)
    for cell in plan.liquidity.monthly.values():
        if cell.cash - cell.credit >= -300:
            assert cell.cash >= -1e-6  # credit covers the account where it can
