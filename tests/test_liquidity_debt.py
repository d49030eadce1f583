"""Liquidity month by month, short-term credit, loans with interest, lånetak, kassalikviditet."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from balans.cli import main
from balans.errors import ScenarioError
from balans.model.data import round_to_step
from balans.plan import evaluate, optimise
from balans.reports.findings_text import finding_texts
from balans.scenario.load import load_scenario
from balans.testing import SCENARIOS, feasible_scenario, make_scenario, write_whatif

YEARS = (2026, 2027, 2028, 2029, 2030)


@pytest.mark.parametrize("plan_name", ["decided_plan", "optimal_plan"])
def test_monthly_flows_sum_to_the_annual_budget_for_every_year_and_line(
    request, plan_name
):
    plan = request.getfixturevalue(plan_name)
    liquidity = plan.liquidity
    for y in plan.years:
        for line, annual in liquidity.annual_flows.items():
            months = sum(liquidity.flows[month][line] for month in liquidity.months(y))
            assert months == pytest.approx(annual[y], abs=1e-9), (line, y)
        total = sum(annual[y] for annual in liquidity.annual_flows.values())
        assert total == pytest.approx(plan.cash_flow["cash_change"][y], abs=1e-9)
        # December is the year-end balance of the balansbudget.
        assert liquidity.monthly[y, 12].cash == pytest.approx(plan.balance["cash"][y])


def test_the_floor_holds_in_every_month_of_an_optimal_plan(feasible_plan):
    for (year, month), cell in feasible_plan.liquidity.monthly.items():
        # Likvida medel without drawn credit (the floor counts own funds only).
        assert cell.cash - cell.credit >= cell.floor - 1e-6, (year, month)
        assert cell.credit >= -1e-9
        if month == 12:
            assert cell.credit == pytest.approx(0.0)


def test_the_closest_plan_keeps_the_floor_from_the_first_free_year(optimal_plan):
    """2026 is locked (the decided budget); from 2028 every month is at the floor."""
    for (year, month), cell in optimal_plan.liquidity.monthly.items():
        if year >= 2028:
            assert cell.cash - cell.credit >= cell.floor - 1e-6, (year, month)


def test_drawn_credit_does_not_count_towards_the_floor(feasible_plan):
    """Only where a setting says so does unused credit count: own funds may then dip."""
    own = feasible_plan  # optimise(feasible_scenario(), "min-savings"), shared
    assert min(c.cash - c.credit for c in own.liquidity.monthly.values()) >= 200 - 1e-6
    counted = optimise(
        feasible_scenario("rules.liquidity_floor.count_unused_credit=true"),
        "min-savings",
    )
    for (year, month), cell in counted.liquidity.monthly.items():
        limit = counted.target("liquidity_floor", year, month=month).limit
        own_funds = cell.cash - cell.credit
        assert own_funds + 300 >= limit - 1e-6  # 300 Mkr checkkredit (scenario)
        assert cell.cash >= -1e-6  # the account itself is never overdrawn


def test_the_decided_plan_shows_the_months_below_the_floor(decided_plan):
    low = {k: c.cash for k, c in decided_plan.liquidity.monthly.items() if c.cash < 200}
    assert (2026, 8) in low and (
        2026,
        12,
    ) in low  # 63 Mkr at the end of 2026 (Tabell 5)
    assert decided_plan.target(
        "liquidity_floor", 2026, month=12
    ).margin == pytest.approx(63 - 200, abs=0.6)


def test_credit_bridges_the_months_before_a_loan_arrives():
    """With unused credit counted and loans raised in December, credit carries the
    months where own funds run out (the account is never overdrawn), at a cost."""
    plan = optimise(
        feasible_scenario(
            "rules.liquidity_floor.count_unused_credit=true",
            "liquidity.profiles.borrowing=[0,0,0,0,0,0,0,0,0,0,0,1]",
        ),
        "min-savings",
    )
    assert plan.status == "optimal"
    credit = {k: c.credit for k, c in plan.liquidity.monthly.items() if c.credit > 1e-6}
    assert (2026, 8) in credit
    assert all(month != 12 for _, month in credit)
    assert all(value <= 300 + 1e-6 for value in credit.values())  # checkkredit limit
    # Credit interest = 4.5 % / 12 on each month's balance, inside financial costs.
    expected = 0.045 / 12 * sum(v for (y, _), v in credit.items() if y == 2026)
    assert plan.debt.credit_interest[2026] == pytest.approx(expected)
    for cell in plan.liquidity.monthly.values():
        assert cell.cash >= -1e-6  # own funds + credit: the account holds


def test_raising_the_floor_never_lowers_the_objective():
    objectives = []
    for floor in (150, 200, 250):
        plan = optimise(
            make_scenario(*(f"rules.liquidity_floor.floor.{y}={floor}" for y in YEARS))
        )
        objectives.append(plan.objective if plan.status == "optimal" else float("inf"))
    assert objectives == sorted(objectives)


def test_without_credit_the_plan_costs_at_least_as_much(optimal_plan):
    plan = optimise(make_scenario(base=SCENARIOS / "whatif-no-checkkredit.yaml"))
    assert plan.status == "optimal"
    assert plan.objective >= optimal_plan.objective - 1e-6
    assert all(c.credit == 0 for c in plan.liquidity.monthly.values())


@settings(max_examples=15, deadline=None)
@given(st.floats(0, 6), st.floats(0, 4))
def test_a_higher_interest_rate_never_raises_the_result(rate, extra):
    low = evaluate(
        make_scenario(*(f"assumptions.interest_rate_pct.{y}={rate}" for y in YEARS))
    )
    high = evaluate(
        make_scenario(
            *(f"assumptions.interest_rate_pct.{y}={rate + extra}" for y in YEARS)
        )
    )
    for y in YEARS:
        assert high.income["result"][y] <= low.income["result"][y] + 1e-9


def test_interest_is_the_rate_times_the_average_month_end_balance(decided_plan):
    # 3.0 % on 741.5 (Tabell 5) + 150 raised in January (Tabell 6) in 2026, then 891.5.
    assert decided_plan.debt.interest[2026] == pytest.approx(0.03 * 891.5)
    assert decided_plan.debt.interest[2027] == pytest.approx(0.03 * 891.5)


def test_a_loan_raised_and_repaid_within_a_year_costs_interest(decided_plan):
    """Borrowed in January, repaid in December: eleven months of interest at least."""
    plan = evaluate(
        make_scenario(
            "budget.new_long_term_debt.2027=100", "budget.debt_repayment.2027=100"
        )
    )
    base = decided_plan  # evaluate(make_scenario()), shared
    extra = plan.debt.interest[2027] - base.debt.interest[2027]
    assert extra == pytest.approx(0.03 * 100 * 11 / 12)


def test_pension_part_of_financial_costs_stays_as_given(decided_plan):
    """Interest +1 pp changes financial costs by exactly the extra loan interest."""
    base = decided_plan
    higher = evaluate(make_scenario(base=SCENARIOS / "whatif-interest-plus-1pp.yaml"))
    for y in YEARS:
        extra = higher.debt.interest[y] - base.debt.interest[y]
        assert base.income["financial_costs"][y] - higher.income["financial_costs"][
            y
        ] == (pytest.approx(extra))


@pytest.mark.parametrize(
    ("value", "rounding", "expected"),
    [
        (737, "nearest", 750),
        (847, "nearest", 850),
        (959, "nearest", 950),  # Tabell 7
        (775, "nearest", 800),
        (737, "down", 700),
        (701, "up", 750),
        (737, "none", 737),
    ],
)
def test_loan_ceiling_rounding(value, rounding, expected):
    assert round_to_step(value, 50, rounding) == expected


def test_loan_ceiling_follows_land_and_buildings(decided_plan):
    # Tabell 7: 750 / 850 / 950 = mark och byggnader 737 / 847 / 959 rounded to 50.
    assert [decided_plan.debt.ceiling[y] for y in (2026, 2027, 2028)] == [
        750,
        850,
        950,
    ]
    getingen = evaluate(
        make_scenario(
            "rules.loan_ceiling.published_limit_holds=false",
            base=SCENARIOS / "whatif-getingen-11.yaml",
        )
    )
    # +50 Mkr of buildings in 2026: 787 -> 800; +100 less 1.7 written off in 2027.
    assert getingen.debt.ceiling[2026] == 800
    assert getingen.debt.ceiling[2027] == 950
    differs = [f for f in getingen.findings if f.id == "loan_ceiling_differs"]
    assert (differs[0].year, differs[0].values["computed_ceiling"]) == (2026, 800)
    assert any(
        "Lånetaket 2026 blir 800" in text
        for text in finding_texts(getingen.findings, "sv")
    )


def test_the_decided_ceiling_holds_where_it_is_stricter():
    """By default the published 750 / 850 / 950 (Tabell 7) cap the computed ceiling."""
    getingen = evaluate(make_scenario(base=SCENARIOS / "whatif-getingen-11.yaml"))
    assert [getingen.debt.ceiling[y] for y in (2026, 2027, 2028)] == [750, 850, 950]


def test_loan_ceiling_rounding_rule_is_a_setting():
    plan = evaluate(make_scenario("rules.loan_ceiling.rounding=down"))
    assert [plan.debt.ceiling[y] for y in (2026, 2027, 2028)] == [700, 800, 950]
    assert not plan.target("loan_ceiling", 2026).met  # 891.5 Mkr of loans > 700


def test_both_readings_are_reported_for_the_decided_plan(decided_plan):
    readings = {
        (r.numerator, r.include_pharma_grant): r for r in decided_plan.debt.readings
    }
    # docs/findings.md, finding 3: 891 / 5999.0 = 14.9 %, 891 / 5448.5 = 16.4 % > 16 %.
    assert readings[("long_term_liabilities", True)].ratio[2026] == pytest.approx(
        14.86, abs=0.02
    )
    assert readings[("long_term_liabilities", False)].ratio[2026] == pytest.approx(
        16.36, abs=0.02
    )
    assert readings[("long_term_liabilities", False)].ratio_met[2026] is False
    # docs/findings.md, finding 2: 891 of long-term liabilities against a 750 ceiling.
    assert readings[("long_term_liabilities", True)].loan_ceiling_met[2026] is False
    # Under the shipped reading every long-term liability is a loan: 891.5 > 750.
    assert readings[("loans", True)].loan_ceiling_met[2026] is False
    assert [r.used for r in decided_plan.debt.readings].count(True) == 1
    earlier = evaluate(make_scenario(base=SCENARIOS / "whatif-loans-600.yaml"))
    by_reading = {
        (r.numerator, r.include_pharma_grant): r for r in earlier.debt.readings
    }
    assert by_reading[("loans", True)].loan_ceiling_met[2026] is True


def test_amortisation_policy_is_kept():
    plan = optimise(make_scenario(base=SCENARIOS / "whatif-amortisation-5pct.yaml"))
    assert plan.status == "optimal"
    for y in (2027, 2028, 2029, 2030):
        # the stock falls by 5 %: new loans cannot refinance the repayment
        assert plan.balance["loans"][y] <= 0.95 * plan.balance["loans"][y - 1] + 1e-6


def test_quick_ratio_is_reported_against_100_percent(decided_plan):
    # (kortfristiga fordringar 427 + kassa 62.9) / kortfristiga skulder 1043.5 (Tabell 5)
    row = decided_plan.target("quick_ratio", 2026)
    assert row.value == pytest.approx(100 * (427 + 62.9) / 1043.5, abs=0.05)
    assert row.limit == 100 and not row.met and not row.enforced


BAD_PROFILES = [
    ("[0.5, 0.5]", "2 months given, a profile needs 12"),
    ("[0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]", "sum to 1.2"),
    (
        "[-0.1, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0, 0]",
        "month 1: share -0.1",
    ),
    (
        "[0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0]",
        "13 months given",
    ),
    ("[0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, .nan]", "month 12"),
]


@pytest.mark.parametrize(("profile", "words"), BAD_PROFILES)
def test_bad_profiles_get_clear_errors(tmp_path, profile, words):
    path = write_whatif(tmp_path, f"liquidity:\n  profiles:\n    costs: {profile}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:4: liquidity.profiles.costs")
    assert words in message
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1 and words in result.output
