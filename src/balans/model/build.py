"""ModelData -> Pyomo ConcreteModel: levers, accounting identities, rules, objective.

Index order is always year, committee. Names read well in an LP file:
`savings[2027,HSN]`, `cash_balance[2026]`, `loan_ceiling[2026]`.
"""

from __future__ import annotations

from typing import Literal

import pyomo.environ as pyo

from balans.model.data import ModelData
from balans.model.registry import RULES
from balans.scenario.schema import Scenario

Mode = Literal["decided", "optimal"]
TIE_BREAK = 1e-4  # weight of secondary objective terms (Mkr-scaled)
MARGIN_BOUND = 1e5


def build_model(
    scenario: Scenario, data: ModelData, mode: Mode, objective: str | None = None
) -> pyo.ConcreteModel:
    """Build the LP of a scenario: `decided` fixes the levers, `optimal` frees them."""
    m = pyo.ConcreteModel(name=scenario.name)
    define_sets(m, data)
    define_parameters(m, data)
    # The decided plan has nothing to choose: its objective only needs to exist.
    objective = "min-savings" if mode == "decided" else objective or scenario.objective
    define_levers(m, data, scenario, mode, objective)
    define_accounts(m, data)
    define_months(m, data)
    m.margin = pyo.Var(bounds=(-MARGIN_BOUND, MARGIN_BOUND), initialize=0.0)
    for spec in RULES:
        spec.define(m, data, scenario)
    define_objective(m, data, scenario, objective)
    if mode == "decided":
        fix_to_decided(m, data)
        deactivate_rules(m)
    else:
        deactivate_rules(m, [spec.key for spec in RULES if not spec.enabled(scenario)])
    return m


def define_sets(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Years of the horizon and committees."""
    m.years = pyo.Set(initialize=data.years, ordered=True)
    m.committees = pyo.Set(initialize=data.committees, ordered=True)
    m.months = pyo.Set(initialize=range(1, 13), ordered=True)


def define_parameters(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Every scenario number the identities use, as mutable parameters."""
    by_year = {
        "operating_revenue_data": data.operating_revenue,
        "targeted_grants_data": data.targeted_grants,
        "depreciation_data": data.depreciation,
        "tax_revenue_data": data.tax_revenue,
        "general_grants_data": data.general_grants,
        "pharma_grant_data": data.pharma_grant,
        "financial_income_data": data.financial_income,
        "pension_financial_costs_data": data.pension_financial_costs,
        "interest_rate": data.interest_rate,
        "pension_liability_increase_data": data.pension_liability_increase,
        "net_investments_data": data.net_investments,
        "pension_portfolio_purchases_data": data.pension_portfolio_purchases,
        "pension_payment_data": data.pension_payment,
        "credit_limit": data.credit_limit,
        "credit_rate": data.credit_rate,
    }
    for name, values in by_year.items():
        setattr(m, name, pyo.Param(m.years, initialize=values, mutable=True))
    by_year_committee = {
        "cost_pressure": data.cost_pressure,
        "committee_revenue": data.committee_revenue,
        "committee_depreciation": data.committee_depreciation,
    }
    for name, values in by_year_committee.items():
        setattr(
            m, name, pyo.Param(m.years, m.committees, initialize=values, mutable=True)
        )


def define_levers(
    m: pyo.ConcreteModel, data: ModelData, s: Scenario, mode: Mode, objective: str
) -> None:
    """Savings per year and committee, FoU, new loans and repayments.

    FoU from fou.from_year on: max-fou may set it within fou.min_tkr..max_tkr;
    other objectives keep at least the scenario's level and may raise it up to
    fou.max_tkr only where a rule asks for more (it costs). With fou.discrete
    it is one of fou.levels per year (binary variables: a MILP). The decided
    plan keeps the scenario's level.
    """
    m.savings = pyo.Var(m.years, m.committees, bounds=(0, None), initialize=0.0)
    fou = s.budget.fou_tkr
    m.fou_tkr = pyo.Var(m.years, bounds=lambda m, y: (fou[y], fou[y]))
    m.fou_years = pyo.Set(initialize=[y for y in data.years if y >= s.fou.from_year])
    if mode == "optimal":
        for y in m.fou_years:
            low = s.fou.min_tkr if objective == "max-fou" else fou[y]
            m.fou_tkr[y].setlb(low)
            m.fou_tkr[y].setub(max(low, s.fou.max_tkr))
        if s.fou.discrete:
            define_fou_levels(m, s.fou.levels)
    m.new_debt = pyo.Var(m.years, bounds=(0, s.levers.max_new_borrowing))
    m.repayment = pyo.Var(m.years, bounds=(0, None))
    m.amortisation_years = pyo.Set(initialize=sorted(data.amortisation_min))
    m.minimum_repayment_share = pyo.Param(
        m.amortisation_years, initialize=data.amortisation_min, mutable=True
    )


def define_fou_levels(m: pyo.ConcreteModel, levels: list[float]) -> None:
    """FoU[y] is exactly one of the levels: sum of level x choice, one choice a year."""
    m.fou_levels = pyo.Set(initialize=range(len(levels)), ordered=True)
    m.fou_level_value = pyo.Param(
        m.fou_levels, initialize=dict(enumerate(levels)), mutable=True
    )
    m.fou_choice = pyo.Var(m.fou_years, m.fou_levels, domain=pyo.Binary)
    m.fou_one_level = pyo.Constraint(
        m.fou_years,
        rule=lambda m, y: sum(m.fou_choice[y, k] for k in m.fou_levels) == 1,
    )
    m.fou_at_level = pyo.Constraint(
        m.fou_years,
        rule=lambda m, y: (
            m.fou_tkr[y]
            == sum(m.fou_level_value[k] * m.fou_choice[y, k] for k in m.fou_levels)
        ),
    )


def define_bas_alf(m: pyo.ConcreteModel, data: ModelData) -> None:
    """BAS-ALF premium (Mkr): elasticity x (FoU `lag` years earlier - reference).

    Years before the horizon use the opening year's FoU, and the reference
    level before that, so with elasticity 0 (the default) the premium is 0.
    """
    bas_alf = data.bas_alf
    m.bas_alf_elasticity = pyo.Param(initialize=bas_alf["elasticity"], mutable=True)

    def earlier_fou(m, y):
        earlier = y - bas_alf["lag"]
        if earlier in m.years:
            return m.fou_tkr[earlier]
        if earlier == data.opening_year:
            return bas_alf["opening_fou_tkr"]
        return bas_alf["reference_fou_tkr"]

    m.bas_alf_premium = pyo.Expression(
        m.years,
        rule=lambda m, y: (
            m.bas_alf_elasticity
            * (earlier_fou(m, y) - bas_alf["reference_fou_tkr"])
            / 1000
        ),
    )


def define_accounts(m: pyo.ConcreteModel, data: ModelData) -> None:
    """The identities of the three statements (BRIEF: the decided budget)."""
    define_bas_alf(m, data)
    m.opening_loans = pyo.Param(initialize=data.opening_loans, mutable=True)
    m.opening_cash = pyo.Param(initialize=data.opening_cash, mutable=True)
    m.opening_restoration = pyo.Param(initialize=data.opening_restoration, mutable=True)
    define_operating_accounts(m, data)
    define_debt(m, data)
    define_result_and_cash(m, data)


def _before(m: pyo.ConcreteModel, opening, series, y: int):
    """The previous year's value of `series`, or the opening value in the first year."""
    return opening if y == m.years.first() else series[y - 1]


def define_operating_accounts(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Committee costs and revenue, net operating costs, operating result."""
    fou_committee = data.fou_committee

    def cumulative_savings(m, y, c):
        return sum(m.savings[t, c] for t in m.years if t <= y)

    m.cumulative_savings = pyo.Expression(
        m.years, m.committees, rule=cumulative_savings
    )

    def committee_operating_costs(m, y, c):
        fou = m.fou_tkr[y] / 1000 if c == fou_committee else 0.0
        return m.cost_pressure[y, c] - m.cumulative_savings[y, c] + fou

    m.committee_operating_costs = pyo.Expression(
        m.years, m.committees, rule=committee_operating_costs
    )
    m.committee_net_cost = pyo.Expression(
        m.years,
        m.committees,
        rule=lambda m, y, c: (
            m.committee_operating_costs[y, c]
            + m.committee_depreciation[y, c]
            - m.committee_revenue[y, c]
            - (m.bas_alf_premium[y] if c == fou_committee else 0.0)
        ),
    )
    m.operating_revenue = pyo.Expression(
        m.years, rule=lambda m, y: m.operating_revenue_data[y] + m.bas_alf_premium[y]
    )
    m.operating_costs = pyo.Expression(
        m.years,
        rule=lambda m, y: -sum(m.committee_operating_costs[y, c] for c in m.committees),
    )
    m.net_operating_costs = pyo.Expression(
        m.years,
        rule=lambda m, y: (
            m.operating_revenue[y]
            + m.targeted_grants_data[y]
            + m.operating_costs[y]
            - m.depreciation_data[y]
        ),
    )
    m.operating_result = pyo.Expression(
        m.years,
        rule=lambda m, y: (
            m.net_operating_costs[y]
            + m.tax_revenue_data[y]
            + m.general_grants_data[y]
            + m.pharma_grant_data[y]
        ),
    )


def define_debt(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Loans, their interest, short-term credit, financial costs, amortisation."""
    m.loans = pyo.Var(m.years, bounds=(0, None))

    def loans_before(m, y):
        return _before(m, m.opening_loans, m.loans, y)

    m.loan_balance = pyo.Constraint(
        m.years,
        rule=lambda m, y: (
            m.loans[y] == loans_before(m, y) + m.new_debt[y] - m.repayment[y]
        ),
    )
    m.borrowing_weight = pyo.Param(
        initialize=data.loan_weights["borrowing"], mutable=True
    )
    m.repayment_weight = pyo.Param(
        initialize=data.loan_weights["repayment"], mutable=True
    )
    # Interest on the average of the twelve month-end balances: loans arrive and
    # leave by their monthly profiles (see loan_weights), so a loan raised and
    # repaid within a year is not free.
    m.loan_interest = pyo.Expression(
        m.years,
        rule=lambda m, y: (
            m.interest_rate[y]
            * (
                loans_before(m, y)
                + m.borrowing_weight * m.new_debt[y]
                - (1 - m.repayment_weight) * m.repayment[y]
            )
        ),
    )
    m.credit = pyo.Var(
        m.years, pyo.RangeSet(1, 12), bounds=lambda m, y, month: (0, m.credit_limit[y])
    )
    for y in m.years:
        m.credit[y, 12].setub(0.0)  # repaid by December: no credit at year end
    m.credit_interest = pyo.Expression(
        m.years,
        rule=lambda m, y: (
            m.credit_rate[y] / 12 * sum(m.credit[y, month] for month in range(1, 13))
        ),
    )
    m.financial_costs = pyo.Expression(
        m.years,
        rule=lambda m, y: (
            -m.pension_financial_costs_data[y]
            - m.loan_interest[y]
            - m.credit_interest[y]
        ),
    )
    # Amortisation policy: the loan stock falls by at least the share a year
    # (new loans cannot refinance the repayment).
    m.minimum_repayment = pyo.Constraint(
        m.amortisation_years,
        rule=lambda m, y: (
            m.loans[y] <= (1 - m.minimum_repayment_share[y]) * loans_before(m, y)
        ),
    )


def define_result_and_cash(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Årets resultat, year-end cash and the restoration balance."""
    m.result = pyo.Var(m.years)
    m.result_definition = pyo.Constraint(
        m.years,
        rule=lambda m, y: (
            m.result[y]
            == m.operating_result[y] + m.financial_income_data[y] + m.financial_costs[y]
        ),
    )
    m.cash = pyo.Var(m.years)
    m.cash_balance = pyo.Constraint(
        m.years,
        rule=lambda m, y: (
            m.cash[y]
            == _before(m, m.opening_cash, m.cash, y)
            + m.result[y]
            + m.depreciation_data[y]
            + m.pension_liability_increase_data[y]
            + m.new_debt[y]
            - m.repayment[y]
            - m.net_investments_data[y]
            - m.pension_portfolio_purchases_data[y]
        ),
    )
    m.restoration_balance = pyo.Expression(
        m.years,
        rule=lambda m, y: (
            m.opening_restoration + sum(m.result[t] for t in m.years if t <= y)
        ),
    )


def define_months(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Monthly cash: every annual flow spread by its profile, plus credit drawn.

    The shares of each profile sum to 1, so the twelve months add up to the
    year's cash-flow budget and December is the year-end cash.
    """
    profile = data.profiles
    m.profile = pyo.Param(
        list(profile),
        m.months,
        initialize={
            (name, month): shares[month - 1]
            for name, shares in profile.items()
            for month in range(1, 13)
        },
        mutable=True,
    )

    annual = {
        "taxes_and_grants": (
            "taxes",
            lambda m, y: (
                m.tax_revenue_data[y]
                + m.general_grants_data[y]
                + m.pharma_grant_data[y]
            ),
        ),
        "operating_revenue": (
            "revenue",
            lambda m, y: m.operating_revenue[y] + m.targeted_grants_data[y],
        ),
        "financial_income": ("financial", lambda m, y: m.financial_income_data[y]),
        "new_long_term_debt": ("borrowing", lambda m, y: m.new_debt[y]),
        "operating_payments": (
            "costs",
            lambda m, y: (
                m.operating_costs[y]
                - m.pension_financial_costs_data[y]
                + m.pension_liability_increase_data[y]
                + m.pension_payment_data[y]
            ),
        ),
        "pension_payment": ("pension_payment", lambda m, y: -m.pension_payment_data[y]),
        "interest": (
            "financial",
            lambda m, y: -m.loan_interest[y] - m.credit_interest[y],
        ),
        "net_investments": ("investments", lambda m, y: -m.net_investments_data[y]),
        "pension_portfolio_purchases": (
            "pension_purchases",
            lambda m, y: -m.pension_portfolio_purchases_data[y],
        ),
        "debt_repayment": ("repayment", lambda m, y: -m.repayment[y]),
    }
    m.flow_lines = pyo.Set(initialize=list(annual), ordered=True)
    # Annual flows and month-end balances are variables with defining equations,
    # so each month refers to twelve numbers, not to whole expression trees.
    m.annual_flow = pyo.Var(m.flow_lines, m.years)
    m.annual_flow_definition = pyo.Constraint(
        m.flow_lines,
        m.years,
        rule=lambda m, line, y: m.annual_flow[line, y] == annual[line][1](m, y),
    )
    m.monthly_flow = pyo.Expression(
        m.flow_lines,
        m.years,
        m.months,
        rule=lambda m, line, y, month: (
            m.profile[annual[line][0], month] * m.annual_flow[line, y]
        ),
    )
    m.bank_balance = pyo.Var(m.years, m.months)

    def balance_before(m, y, month):
        if month > 1:
            return m.bank_balance[y, month - 1]
        return _before(m, m.opening_cash, m.cash, y)

    m.bank_balance_definition = pyo.Constraint(
        m.years,
        m.months,
        rule=lambda m, y, month: (
            m.bank_balance[y, month]
            == balance_before(m, y, month)
            + sum(m.monthly_flow[line, y, month] for line in m.flow_lines)
        ),
    )
    m.monthly_cash = pyo.Expression(
        m.years,
        m.months,
        rule=lambda m, y, month: m.bank_balance[y, month] + m.credit[y, month],
    )


def define_objective(
    m: pyo.ConcreteModel, data: ModelData, s: Scenario, name: str
) -> None:
    """min-savings, closest-to-decided or max-margin, each with tie-breaks."""
    weights = {c: s.levers.savings_weights.get(c, 1.0) for c in data.committees}
    m.weighted_savings = pyo.Expression(
        expr=sum(weights[c] * m.savings[y, c] for y in m.years for c in m.committees)
    )
    define_tie_break(m, data)
    if name == "min-savings":
        m.objective = pyo.Objective(expr=m.weighted_savings + TIE_BREAK * m.tie_break)
    elif name == "closest-to-decided":
        define_distance_to_decided(m, data)
        m.objective = pyo.Objective(
            expr=m.distance_to_decided + TIE_BREAK * m.tie_break
        )
    elif name == "max-margin":
        define_margin_objective(m, data, s)
    elif name == "max-fou":
        define_fou_objective(m, data, s)
    else:
        raise ValueError(f"unknown objective {name!r}")
    m.objective_name = name


def define_tie_break(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Secondary terms that make the optimum unique and sensible.

    Savings as equal a share of each committee's costs as possible (the
    largest share per year), savings as late as the rules allow (total
    savings-years) and no borrowing and repaying in the same year.
    """
    m.max_savings_share = pyo.Var(m.years, bounds=(0, None))
    m.equal_share = pyo.Constraint(
        m.years,
        m.committees,
        rule=lambda m, y, c: (
            m.savings[y, c] <= m.max_savings_share[y] * m.cost_pressure[y, c]
        ),
    )
    total_pressure = {
        y: sum(data.cost_pressure[y, c] for c in data.committees) for y in data.years
    }
    m.tie_break = pyo.Expression(
        expr=sum(m.max_savings_share[y] * total_pressure[y] for y in m.years)
        + sum(m.cumulative_savings[y, c] for y in m.years for c in m.committees)
        + sum(m.new_debt[y] + m.repayment[y] for y in m.years)
    )


def define_distance_to_decided(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Sum of absolute deviations from the decided savings and borrowing (Mkr)."""
    decided = data.decided
    m.savings_above = pyo.Var(m.years, m.committees, bounds=(0, None))
    m.savings_below = pyo.Var(m.years, m.committees, bounds=(0, None))
    m.decided_savings = pyo.Param(
        m.years, m.committees, initialize=decided.savings, mutable=True
    )
    m.savings_deviation = pyo.Constraint(
        m.years,
        m.committees,
        rule=lambda m, y, c: (
            m.savings[y, c] - m.decided_savings[y, c]
            == m.savings_above[y, c] - m.savings_below[y, c]
        ),
    )
    m.debt_above = pyo.Var(m.years, bounds=(0, None))
    m.debt_below = pyo.Var(m.years, bounds=(0, None))
    m.decided_net_borrowing = pyo.Param(
        m.years,
        initialize={y: decided.new_debt[y] - decided.repayment[y] for y in data.years},
        mutable=True,
    )
    m.debt_deviation = pyo.Constraint(
        m.years,
        rule=lambda m, y: (
            m.new_debt[y] - m.repayment[y] - m.decided_net_borrowing[y]
            == m.debt_above[y] - m.debt_below[y]
        ),
    )
    m.distance_to_decided = pyo.Expression(
        expr=sum(m.savings_above[k] + m.savings_below[k] for k in m.savings_above)
        + sum(m.debt_above[y] + m.debt_below[y] for y in m.years)
    )


def define_margin_objective(m: pyo.ConcreteModel, data: ModelData, s: Scenario) -> None:
    """Largest common margin (Mkr, >= 0) on every financial rule, savings capped.

    The new savings of the whole horizon are capped at `levers.max_total_savings`,
    by default what the decided plan implies: with the decided effort, timed
    and spread as well as possible, how far from every limit can the plan stay?
    """
    define_savings_budget(m, data, s.levers.max_total_savings)
    m.margin.setlb(0.0)
    for spec in RULES:
        if spec.in_max_margin and spec.enabled(s):
            getattr(m, f"{spec.key}_margin_weight").set_value(1.0)
    m.objective = pyo.Objective(
        expr=-m.margin + TIE_BREAK * (m.weighted_savings + m.tie_break)
    )


def define_savings_budget(
    m: pyo.ConcreteModel, data: ModelData, cap: float | None
) -> None:
    """New savings of the whole horizon at most `cap` (default: the decided plan's)."""
    if cap is None:
        cap = max(0.0, sum(data.decided.savings.values()))
    m.total_savings_cap = pyo.Param(initialize=cap, mutable=True)
    m.savings_budget = pyo.Constraint(
        expr=sum(m.savings[y, c] for y in m.years for c in m.committees)
        <= m.total_savings_cap
    )


def define_fou_objective(m: pyo.ConcreteModel, data: ModelData, s: Scenario) -> None:
    """The highest FoU level every year from fou.from_year can keep (max-min).

    Savings are capped at fou.savings_limit (default the decided plan's); the
    lowest FoU level over the years is maximised, then the sum of levels.
    """
    define_savings_budget(m, data, s.fou.savings_limit)
    m.fou_floor = pyo.Var(bounds=(0, None))
    m.fou_floor_below = pyo.Constraint(
        m.fou_years, rule=lambda m, y: m.fou_floor <= m.fou_tkr[y]
    )
    m.objective = pyo.Objective(
        expr=-m.fou_floor / 1000
        - TIE_BREAK * sum(m.fou_tkr[y] / 1000 for y in m.fou_years)
        + TIE_BREAK**2 * (m.weighted_savings + m.tie_break)
    )


def fix_to_decided(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Fix every lever at the decided value (through bounds, so HiGHS sees numbers)."""
    decided = data.decided
    for key, value in decided.savings.items():
        m.savings[key].setlb(None)
        m.savings[key].setub(None)
        m.savings[key].fix(value)
    for y in data.years:
        m.new_debt[y].fix(decided.new_debt[y])
        m.repayment[y].fix(decided.repayment[y])
    m.credit.fix(0.0)
    m.minimum_repayment.deactivate()
    m.max_savings_share.fix(0.0)
    m.equal_share.deactivate()
    m.margin.fix(0.0)


def deactivate_rules(m: pyo.ConcreteModel, keys: list[str] | None = None) -> None:
    """Switch rules off (all of them when `keys` is None): evaluate only reports."""
    for spec in RULES:
        if keys is None or spec.key in keys:
            getattr(m, spec.key).deactivate()
