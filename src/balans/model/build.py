"""ModelData -> Pyomo ConcreteModel: levers, accounting identities, rules, objective.

Building has two halves. `build_structure` makes the sets, variables,
constraints and objective, once per scenario shape; `apply` sets every number
that comes from the scenario (right-hand sides, bounds, coefficients and
objective weights, all mutable parameters or variable bounds). A variant with
the same shape is `apply`-ed to a built model instead of rebuilt;
`StructureChanged` says when it cannot be.

Index order is always year, committee. Names read well in an LP file:
`savings[2027,HSN]`, `cash_balance[2026]`, `loan_ceiling[2026]`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import pyomo.environ as pyo

from balans.errors import BalansError
from balans.model.data import ModelData
from balans.model.registry import LP_RULES
from balans.model.rules.common import RuleParts, add_rule, apply_limits, split_index
from balans.units import tkr_to_mkr

Mode = Literal["decided", "optimal"]
Put = Callable[[Any, float], None]
TIE_BREAK = 1e-4  # weight of secondary objective terms (Mkr-scaled)
MARGIN_BOUND = 1e5
# Every mutable parameter is declared with `domain=pyo.Any`: Pyomo's implicit
# default domain checks each value against a range set, which made `apply`
# (600 numbers, once per sweep variant) twice as slow.

BY_YEAR = {
    "operating_revenue_data": "operating_revenue",
    "targeted_grants_data": "targeted_grants",
    "depreciation_data": "depreciation",
    "tax_revenue_data": "tax_revenue",
    "general_grants_data": "general_grants",
    "pharma_grant_data": "pharma_grant",
    "financial_income_data": "financial_income",
    "pension_financial_costs_data": "pension_financial_costs",
    "interest_rate": "interest_rate",
    "pension_liability_increase_data": "pension_liability_increase",
    "net_investments_data": "net_investments",
    "pension_portfolio_purchases_data": "pension_portfolio_purchases",
    "pension_payment_data": "pension_payment",
    "balanskrav_adjustment": "balanskrav_adjustment",
    "credit_limit": "credit_limit",
    "credit_rate": "credit_rate",
}
"""Mutable parameter per year -> the ModelData field it is set from."""

BY_YEAR_COMMITTEE = {
    "cost_pressure": "cost_pressure",
    "committee_revenue": "committee_revenue",
    "committee_depreciation": "committee_depreciation",
}
"""Mutable parameter per (year, committee) -> the ModelData field."""

SCALARS = {
    "opening_loans": lambda d: d.opening_loans,
    "opening_cash": lambda d: d.opening_cash,
    "opening_restoration": lambda d: d.opening_restoration,
    "borrowing_weight": lambda d: d.loan_weights["borrowing"],
    "repayment_weight": lambda d: d.loan_weights["repayment"],
    "bas_alf_elasticity": lambda d: d.bas_alf["elasticity"],
    "bas_alf_reference_fou_tkr": lambda d: d.bas_alf["reference_fou_tkr"],
    "bas_alf_opening_fou_tkr": lambda d: d.bas_alf["opening_fou_tkr"],
    "debt_ratio_other_debt": lambda d: d.rules.debt_ratio_other_debt,
    "max_new_borrowing": lambda d: d.levers.max_new_borrowing,
    "next_year_cost_growth": lambda d: d.next_year_cost_growth,
    "next_year_revenue_growth": lambda d: d.next_year_revenue_growth,
    "floor_counts_unused_credit": lambda d: float(
        d.scenario.rules.liquidity_floor.count_unused_credit
    ),
    "smoothing_weight": lambda d: d.levers.smoothing_weight,
    "pension_deferral_weight": lambda d: d.levers.pension_deferral_weight,
    "tax_raise_weight": lambda d: d.levers.tax_raise_weight,
    "investment_shift_weight": lambda d: d.levers.investment_shift_weight,
}
"""Mutable scalar parameter -> how its value follows from the ModelData."""


class StructureChanged(BalansError):
    """The data needs another model shape: rebuild instead of applying."""


@dataclass(frozen=True)
class Shape:
    """Everything that decides the model's structure; the rest are numbers."""

    mode: str
    objective: str
    years: tuple[int, ...]
    committees: tuple[str, ...]
    opening_year: int
    fou_committee: str
    fou_years: tuple[int, ...]
    fou_levels: int
    bas_alf_lag: int
    amortisation_years: tuple[int, ...]
    locked_years: tuple[int, ...]
    enabled_rules: tuple[str, ...]
    rule_indices: tuple[tuple, ...]


def shape_of(data: ModelData, mode: Mode, objective: str) -> Shape:
    """The structure a model of `data` has in `mode` under `objective`."""
    levers = data.levers
    return Shape(
        mode=mode,
        objective=objective,
        years=tuple(data.years),
        committees=tuple(data.committees),
        opening_year=data.opening_year,
        fou_committee=data.fou_committee,
        fou_years=tuple(levers.fou_years),
        fou_levels=(
            len(levers.fou_levels) if levers.fou_discrete and mode == "optimal" else 0
        ),
        bas_alf_lag=int(data.bas_alf["lag"]),
        amortisation_years=tuple(sorted(data.amortisation_min)),
        locked_years=tuple(data.locked_years) if mode == "optimal" else (),
        enabled_rules=tuple(k for k, on in data.rules.enabled.items() if on),
        rule_indices=tuple(tuple(rule.limits(data)) for rule in LP_RULES),
    )


def objective_of(data: ModelData, mode: Mode, objective: str | None) -> str:
    """The objective a model is built with (the decided plan only needs one)."""
    return "min-savings" if mode == "decided" else objective or data.objective


def build_model(
    data: ModelData, mode: Mode, objective: str | None = None
) -> pyo.ConcreteModel:
    """Build the LP of a scenario: `decided` fixes the levers, `optimal` frees them."""
    m = build_structure(data, mode, objective)
    apply(m, data)
    return m


def build_structure(
    data: ModelData, mode: Mode, objective: str | None = None
) -> pyo.ConcreteModel:
    """Sets, variables, constraints and objective: no scenario number yet."""
    m = pyo.ConcreteModel(name="balans")
    m.mode, m.requested_objective = mode, objective
    objective = objective_of(data, mode, objective)
    m.shape = shape_of(data, mode, objective)
    define_sets(m, data)
    define_parameters(m)
    define_levers(m, data, mode)
    define_accounts(m, data)
    define_months(m, data)
    m.margin = pyo.Var(bounds=(-MARGIN_BOUND, MARGIN_BOUND), initialize=0.0)
    m.rule_parts = {rule.key: add_rule(m, rule, data) for rule in LP_RULES}
    define_objective(m, data, objective)
    for y in m.shape.locked_years:
        for month in m.months:  # a locked year's cash is the decided budget's
            m.overdraft[y, month].setub(None)
    if mode == "decided":
        fix_decided_structure(m)
        deactivate_rules(m.rule_parts.values())
    else:
        off = [p for p in m.rule_parts.values() if not data.rules.enabled[p.rule.key]]
        deactivate_rules(off)
    return m


def rule_parts(m: pyo.ConcreteModel) -> list[RuleParts]:
    """The components of every registered rule, in registry order."""
    return list(m.rule_parts.values())


def set_number(component: Any, value: float) -> None:
    """Put one scenario number on the model: a parameter's value, a fixed lever's."""
    if component.ctype is pyo.Var:
        component.fix(value)
    else:
        component.set_value(value)


def apply(m: pyo.ConcreteModel, data: ModelData, put: Put = set_number) -> None:
    """Set every scenario number of `data` on a built model of the same shape.

    Every number goes through `put(component, value)`; the sweep kernel passes
    its own `put` to collect the numbers without Pyomo's checks, so a
    variant's numbers come from this one function either way.

    Raises:
        StructureChanged: `data` needs another structure (a rule switched, the
            horizon, discrete FoU, ...): build a new model instead.

    """
    objective = objective_of(data, m.mode, m.requested_objective)
    shape = shape_of(data, m.mode, objective)
    if shape != m.shape:
        raise StructureChanged(
            f"the variant changes the model's structure: {_diff(m.shape, shape)}"
        )
    for name, field in BY_YEAR.items():
        _set_values(getattr(m, name), getattr(data, field), put)
    for name, field in BY_YEAR_COMMITTEE.items():
        _set_values(getattr(m, name), getattr(data, field), put)
    for name, value in SCALARS.items():
        put(getattr(m, name), value(data))
    _set_values(m.minimum_repayment_share, data.amortisation_min, put)
    for (name, month), share in _profile_shares(data).items():
        put(m.profile[name, month], share)
    _set_values(m.savings_weight, data.levers.savings_weights, put)
    apply_fou_bounds(m, data, put)
    apply_lever_bounds(m, data, put)
    if m.shape.fou_levels:
        _set_values(m.fou_level_value, dict(enumerate(data.levers.fou_levels)), put)
    for parts in m.rule_parts.values():
        apply_limits(parts, data, put)
    apply_objective_data(m, data, put)
    years = data.years if m.mode == "decided" else m.shape.locked_years
    fix_to_decided(m, data, years, put)


def _diff(old: Shape, new: Shape) -> str:
    changed = [
        f for f in Shape.__dataclass_fields__ if getattr(old, f) != getattr(new, f)
    ]
    return ", ".join(changed)


def _set_values(param: pyo.Param, values: dict, put: Put) -> None:
    for key, value in values.items():
        put(param[key], value)


def _profile_shares(data: ModelData) -> dict[tuple[str, int], float]:
    return {
        (name, month): shares[month - 1]
        for name, shares in data.profiles.items()
        for month in range(1, 13)
    }


def define_sets(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Years of the horizon and committees."""
    m.years = pyo.Set(initialize=data.years, ordered=True)
    m.committees = pyo.Set(initialize=data.committees, ordered=True)
    m.months = pyo.Set(initialize=range(1, 13), ordered=True)


def define_parameters(m: pyo.ConcreteModel) -> None:
    """Every scenario number the identities use, as mutable parameters."""
    for name in BY_YEAR:
        m.add_component(
            name, pyo.Param(m.years, initialize=0.0, mutable=True, domain=pyo.Any)
        )
    for name in BY_YEAR_COMMITTEE:
        m.add_component(
            name,
            pyo.Param(
                m.years, m.committees, initialize=0.0, mutable=True, domain=pyo.Any
            ),
        )
    for name in SCALARS:
        m.add_component(name, pyo.Param(initialize=0.0, mutable=True, domain=pyo.Any))
    m.savings_weight = pyo.Param(
        m.committees, initialize=1.0, mutable=True, domain=pyo.Any
    )


def define_levers(m: pyo.ConcreteModel, data: ModelData, mode: Mode) -> None:
    """Savings per year and committee, FoU, new loans and repayments.

    FoU from fou.from_year on: max-fou may set it within fou.min_tkr..max_tkr;
    other objectives keep at least the scenario's level and may raise it up to
    fou.max_tkr only where a rule asks for more (it costs). With fou.discrete
    it is one of fou.levels per year (binary variables: a MILP). The decided
    plan keeps the scenario's level. The bounds are numbers: `apply` sets them.
    """
    m.savings = pyo.Var(m.years, m.committees, bounds=(0, None), initialize=0.0)
    m.fou_lower = pyo.Param(m.years, initialize=0.0, mutable=True, domain=pyo.Any)
    m.fou_upper = pyo.Param(m.years, initialize=0.0, mutable=True, domain=pyo.Any)
    m.fou_tkr = pyo.Var(m.years, bounds=lambda m, y: (m.fou_lower[y], m.fou_upper[y]))
    m.fou_years = pyo.Set(initialize=data.levers.fou_years, ordered=True)
    if m.shape.fou_levels:
        define_fou_levels(m, m.shape.fou_levels)
    m.new_debt = pyo.Var(m.years, bounds=lambda m, y: (0, m.max_new_borrowing))
    # Pension-portfolio purchase and tax-rate increase: levers whose bounds `apply`
    # sets (the decided purchase and no increase where they are off or locked).
    m.pension_purchase_low = pyo.Param(
        m.years, initialize=0.0, mutable=True, domain=pyo.Any
    )
    m.pension_purchase = pyo.Var(
        m.years,
        bounds=lambda m, y: (
            m.pension_purchase_low[y],
            m.pension_portfolio_purchases_data[y],
        ),
    )
    # Net investments may move between years; the horizon's total stays decided.
    m.investment_shift_limit = pyo.Param(
        m.years, initialize=0.0, mutable=True, domain=pyo.Any
    )
    m.investment = pyo.Var(
        m.years,
        bounds=lambda m, y: (
            m.net_investments_data[y] - m.investment_shift_limit[y],
            m.net_investments_data[y] + m.investment_shift_limit[y],
        ),
    )
    m.investment_total = pyo.Constraint(
        expr=sum(m.investment[y] for y in m.years)
        == sum(m.net_investments_data[y] for y in m.years)
    )
    m.investment_moved_up = pyo.Var(m.years, bounds=(0, None))
    m.investment_moved_down = pyo.Var(m.years, bounds=(0, None))
    m.investment_moved = pyo.Constraint(
        m.years,
        rule=lambda m, y: (
            m.investment[y] - m.net_investments_data[y]
            == m.investment_moved_up[y] - m.investment_moved_down[y]
        ),
    )
    m.tax_increase_high = pyo.Param(
        m.years, initialize=0.0, mutable=True, domain=pyo.Any
    )
    m.revenue_per_ore = pyo.Param(m.years, initialize=0.0, mutable=True, domain=pyo.Any)
    m.tax_increase_ore = pyo.Var(
        m.years, bounds=lambda m, y: (0, m.tax_increase_high[y])
    )
    m.repayment = pyo.Var(m.years, bounds=(0, None))
    m.amortisation_years = pyo.Set(initialize=sorted(data.amortisation_min))
    m.minimum_repayment_share = pyo.Param(
        m.amortisation_years, initialize=0.0, mutable=True, domain=pyo.Any
    )


def apply_fou_bounds(m: pyo.ConcreteModel, data: ModelData, put: Put) -> None:
    """FoU bounds: the decided level, or the objective's range from fou.from_year."""
    levers, decided = data.levers, data.decided.fou_tkr
    for y in m.years:
        low = high = decided[y]
        free = m.mode == "optimal" and y not in m.shape.locked_years
        if free and y in m.fou_years:
            low = levers.fou_min_tkr if m.shape.objective == "max-fou" else decided[y]
            high = max(low, levers.fou_max_tkr)
        put(m.fou_lower[y], low)
        put(m.fou_upper[y], high)


def apply_lever_bounds(m: pyo.ConcreteModel, data: ModelData, put: Put) -> None:
    """Pension purchases down to their least share, tax up to its most, where free."""
    levers = data.levers
    for y in m.years:
        free = m.mode == "optimal" and y not in m.shape.locked_years
        share = levers.pension_purchase_min_share if free else 1.0
        put(m.pension_purchase_low[y], share * data.pension_portfolio_purchases[y])
        put(m.tax_increase_high[y], levers.max_tax_increase_ore if free else 0.0)
        shift = levers.investment_shift_share * data.net_investments[y] if free else 0.0
        put(m.investment_shift_limit[y], shift)
        put(m.revenue_per_ore[y], levers.revenue_per_ore[y])


def define_fou_levels(m: pyo.ConcreteModel, count: int) -> None:
    """FoU[y] is exactly one of the levels: sum of level x choice, one choice a year."""
    m.fou_levels = pyo.Set(initialize=range(count), ordered=True)
    m.fou_level_value = pyo.Param(
        m.fou_levels, initialize=0.0, mutable=True, domain=pyo.Any
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
    lag = m.shape.bas_alf_lag

    def earlier_fou(m, y):
        earlier = y - lag
        if earlier in m.years:
            return m.fou_tkr[earlier]
        if earlier == data.opening_year:
            return m.bas_alf_opening_fou_tkr
        return m.bas_alf_reference_fou_tkr

    m.bas_alf_premium = pyo.Expression(
        m.years,
        rule=lambda m, y: (
            m.bas_alf_elasticity
            * tkr_to_mkr(earlier_fou(m, y) - m.bas_alf_reference_fou_tkr)
        ),
    )


def define_accounts(m: pyo.ConcreteModel, data: ModelData) -> None:
    """The identities of the three statements (Tabell 2, 5 and 6)."""
    define_bas_alf(m, data)
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
        fou = tkr_to_mkr(m.fou_tkr[y]) if c == fou_committee else 0.0
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
    # Taxes: the budgeted revenue plus what the tax-rate increases so far bring in.
    m.tax_revenue = pyo.Expression(
        m.years,
        rule=lambda m, y: (
            m.tax_revenue_data[y]
            + m.revenue_per_ore[y]
            * sum(m.tax_increase_ore[t] for t in m.years if t <= y)
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
            + m.tax_revenue[y]
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
    # Repaid by December: no credit at year end.
    m.credit = pyo.Var(
        m.years,
        m.months,
        bounds=lambda m, y, month: (0, m.credit_limit[y] if month < 12 else 0.0),
    )
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
            - m.investment[y]
            - m.pension_purchase[y]
        ),
    )
    m.balanskrav_result = pyo.Expression(
        m.years, rule=lambda m, y: m.result[y] + m.balanskrav_adjustment[y]
    )
    m.restoration_balance = pyo.Expression(
        m.years,
        rule=lambda m, y: (
            m.opening_restoration
            + sum(m.balanskrav_result[t] for t in m.years if t <= y)
        ),
    )


def define_months(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Monthly cash: every annual flow spread by its profile, plus credit drawn.

    The shares of each profile sum to 1, so the twelve months add up to the
    year's cash-flow budget and December is the year-end cash.
    """
    profile = data.profiles  # the names only: the shares are set by apply
    m.profile_names = pyo.Set(initialize=list(profile), ordered=True)
    m.profile = pyo.Param(
        m.profile_names, m.months, initialize=0.0, mutable=True, domain=pyo.Any
    )

    annual = {
        "taxes_and_grants": (
            "taxes",
            lambda m, y: (
                m.tax_revenue[y] + m.general_grants_data[y] + m.pharma_grant_data[y]
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
        "net_investments": ("investments", lambda m, y: -m.investment[y]),
        "pension_portfolio_purchases": (
            "pension_purchases",
            lambda m, y: -m.pension_purchase[y],
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
    m.own_funds = pyo.Var(m.years, m.months)

    def balance_before(m, y, month):
        if month > 1:
            return m.own_funds[y, month - 1]
        return _before(m, m.opening_cash, m.cash, y)

    m.own_funds_definition = pyo.Constraint(
        m.years,
        m.months,
        rule=lambda m, y, month: (
            m.own_funds[y, month]
            == balance_before(m, y, month)
            + sum(m.monthly_flow[line, y, month] for line in m.flow_lines)
        ),
    )
    # Likvida medel on the bank account: own funds plus credit drawn. The account
    # cannot be overdrawn, so credit is drawn exactly where own funds run short.
    m.monthly_cash = pyo.Expression(
        m.years,
        m.months,
        rule=lambda m, y, month: m.own_funds[y, month] + m.credit[y, month],
    )
    # The decided plan is evaluated even where its cash runs out: there the account
    # is overdrawn (reported as negative cash); an optimal plan may not be, except
    # in a locked year, whose cash is the decided budget's.
    m.overdraft = pyo.Var(m.years, m.months, bounds=(0, 0))
    m.account_not_overdrawn = pyo.Constraint(
        m.years,
        m.months,
        rule=lambda m, y, month: m.monthly_cash[y, month] + m.overdraft[y, month] >= 0,
    )


def define_objective(m: pyo.ConcreteModel, data: ModelData, name: str) -> None:
    """The chosen objective, with the smoothing term and the tie-breaks.

    min-savings: least weighted new savings over the horizon. min-burden: least
    accumulated savings, every year's cumulative savings counted (a saving made
    early weighs once per remaining year, so savings come as late as the rules
    allow). fair-share: the least largest cumulative savings of any committee
    as a share of its cost pressure (every committee carries the same share).
    closest-to-decided, max-margin, max-fou: see their functions.
    """
    m.weighted_savings = pyo.Expression(
        expr=sum(
            m.savings_weight[c] * m.savings[y, c] for y in m.years for c in m.committees
        )
    )
    define_tie_break(m)
    define_smoothing(m)
    define_lever_costs(m)
    if name == "max-margin":
        define_margin_objective(m, data)
        m.primary = pyo.Expression(expr=m.margin)
    elif name == "max-fou":
        define_fou_objective(m)
        m.primary = pyo.Expression(expr=m.fou_floor)
        then = data.objective if data.objective != "max-fou" else "min-savings"
        m.then_objective = pyo.Expression(expr=_savings_objective(m, then))
        m.then_objective_name = then
    else:
        m.objective = pyo.Objective(expr=_savings_objective(m, name))
    m.objective_name = name


def _savings_objective(m: pyo.ConcreteModel, name: str):
    """The full objective of a savings objective (sets `m.primary` where it is new)."""
    secondary = m.smoothing + m.lever_costs + TIE_BREAK * m.tie_break
    if name == "min-savings":
        primary = m.weighted_savings
    elif name == "min-burden":
        primary = sum(
            m.savings_weight[c] * m.cumulative_savings[y, c]
            for y in m.years
            for c in m.committees
        )
    elif name == "fair-share":
        m.largest_share = pyo.Var(bounds=(0, None))
        m.share_at_most_largest = pyo.Constraint(
            m.years,
            m.committees,
            rule=lambda m, y, c: (
                m.cumulative_savings[y, c] <= m.largest_share * m.cost_pressure[y, c]
            ),
        )
        primary = 100 * m.largest_share  # percent
    elif name == "closest-to-decided":
        define_distance_to_decided(m)
        primary = m.distance_to_decided
    else:
        raise ValueError(f"unknown objective {name!r}")
    if not hasattr(m, "primary"):
        m.primary = pyo.Expression(expr=primary)
        primary = m.primary
    if name == "fair-share":
        # 1000 Mkr per percentage point: the share first, then the least savings.
        return 1000 * primary + m.weighted_savings + secondary
    return primary + secondary


def apply_objective_data(m: pyo.ConcreteModel, data: ModelData, put: Put) -> None:
    """The objective's numbers: the savings cap, the decided plan to stay close to."""
    name = m.shape.objective
    if name == "max-margin":
        put(m.total_savings_cap, data.levers.margin_savings_cap)
    elif name == "max-fou":
        put(m.total_savings_cap, data.levers.fou_savings_cap)
    elif name == "closest-to-decided":
        decided = data.decided
        _set_values(m.decided_savings, decided.savings, put)
        _set_values(
            m.decided_net_borrowing,
            {y: decided.new_debt[y] - decided.repayment[y] for y in data.years},
            put,
        )


def define_tie_break(m: pyo.ConcreteModel) -> None:
    """Secondary terms that make the optimum unique and sensible.

    Savings as equal a share of each committee's costs as possible (the
    largest share per year), savings as late as the rules allow (total
    savings-years), no borrowing and repaying in the same year, no credit drawn
    and no FoU above the decided level that no rule asks for.
    """
    m.max_savings_share = pyo.Var(m.years, bounds=(0, None))
    m.equal_share = pyo.Constraint(
        m.years,
        m.committees,
        rule=lambda m, y, c: (
            m.savings[y, c] <= m.max_savings_share[y] * m.cost_pressure[y, c]
        ),
    )
    m.tie_break = pyo.Expression(
        expr=sum(
            m.max_savings_share[y] * sum(m.cost_pressure[y, c] for c in m.committees)
            for y in m.years
        )
        + sum(m.cumulative_savings[y, c] for y in m.years for c in m.committees)
        + sum(m.new_debt[y] + m.repayment[y] for y in m.years)
        + sum(m.credit[y, month] for y in m.years for month in m.months)
        + 100 * sum(m.overdraft[y, month] for y in m.years for month in m.months)
        + sum(tkr_to_mkr(m.fou_tkr[y]) for y in m.years)
    )


def define_lever_costs(m: pyo.ConcreteModel) -> None:
    """What the levers other than savings cost: purchases deferred, taxes raised (Mkr)."""
    m.lever_costs = pyo.Expression(
        expr=m.pension_deferral_weight
        * sum(
            m.pension_portfolio_purchases_data[y] - m.pension_purchase[y]
            for y in m.years
        )
        + m.tax_raise_weight
        * sum(m.tax_revenue[y] - m.tax_revenue_data[y] for y in m.years)
        + m.investment_shift_weight
        * sum(m.investment_moved_up[y] + m.investment_moved_down[y] for y in m.years)
    )


def define_smoothing(m: pyo.ConcreteModel) -> None:
    """smoothing_weight x the year-to-year changes of every committee's new savings."""
    later = [y for y in m.years if y != m.years.first()]
    m.savings_increase = pyo.Var(later, m.committees, bounds=(0, None))
    m.savings_decrease = pyo.Var(later, m.committees, bounds=(0, None))
    m.savings_change = pyo.Constraint(
        later,
        m.committees,
        rule=lambda m, y, c: (
            m.savings[y, c] - m.savings[y - 1, c]
            == m.savings_increase[y, c] - m.savings_decrease[y, c]
        ),
    )
    m.smoothing = pyo.Expression(
        expr=m.smoothing_weight
        * sum(m.savings_increase[k] + m.savings_decrease[k] for k in m.savings_increase)
    )


def define_distance_to_decided(m: pyo.ConcreteModel) -> None:
    """Sum of absolute deviations from the decided savings and borrowing (Mkr)."""
    m.savings_above = pyo.Var(m.years, m.committees, bounds=(0, None))
    m.savings_below = pyo.Var(m.years, m.committees, bounds=(0, None))
    m.decided_savings = pyo.Param(
        m.years, m.committees, initialize=0.0, mutable=True, domain=pyo.Any
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
        m.years, initialize=0.0, mutable=True, domain=pyo.Any
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


def define_margin_objective(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Largest common margin (Mkr, >= 0) on every financial rule, savings capped.

    The new savings of the whole horizon are capped at `levers.max_total_savings`,
    by default what the decided plan implies: with the decided effort, timed
    and spread as well as possible, how far from every limit can the plan stay?
    """
    define_savings_budget(m)
    m.margin.setlb(0.0)
    for parts in m.rule_parts.values():
        if parts.rule.in_max_margin and data.rules.enabled[parts.rule.key]:
            for index in parts.index:
                # A locked year's rows are the decided budget's: no margin to win.
                if split_index(index)[0] not in m.shape.locked_years:
                    parts.margin_weight[index].set_value(1.0)
    m.objective = pyo.Objective(
        expr=-m.margin + TIE_BREAK * (m.weighted_savings + m.lever_costs + m.tie_break)
    )


def define_savings_budget(m: pyo.ConcreteModel) -> None:
    """New savings of the whole horizon at most a cap (set by apply)."""
    m.total_savings_cap = pyo.Param(initialize=0.0, mutable=True, domain=pyo.Any)
    m.savings_budget = pyo.Constraint(
        expr=sum(m.savings[y, c] for y in m.years for c in m.committees)
        <= m.total_savings_cap
    )


def define_fou_objective(m: pyo.ConcreteModel) -> None:
    """The highest FoU level every year from fou.from_year can keep (max-min).

    Savings are capped at fou.savings_limit (default the decided plan's). This
    is the first stage of a lexicographic objective: with the FoU level held,
    `then_objective` (the scenario's own objective) decides everything else
    (priorities.Priorities), so no plan detail rests on a tiny weight.
    """
    define_savings_budget(m)
    m.fou_floor = pyo.Var(bounds=(0, None))
    m.fou_floor_below = pyo.Constraint(
        m.fou_years, rule=lambda m, y: m.fou_floor <= m.fou_tkr[y]
    )
    m.objective = pyo.Objective(expr=-tkr_to_mkr(m.fou_floor))


def fix_decided_structure(m: pyo.ConcreteModel) -> None:
    """The decided plan chooses nothing but the credit it must draw: no margin, no share."""
    for var in m.savings.values():
        var.setlb(None)  # a decided "saving" may be negative (costs above pressure)
        var.setub(None)
    m.overdraft.setub(None)
    m.minimum_repayment.deactivate()
    m.max_savings_share.fix(0.0)
    m.equal_share.deactivate()
    m.margin.fix(0.0)


def fix_to_decided(
    m: pyo.ConcreteModel, data: ModelData, years, put: Put = set_number
) -> None:
    """Fix every lever of `years` at the decided value (FoU through its bounds)."""
    decided = data.decided
    for y in years:
        for c in data.committees:
            put(m.savings[y, c], decided.savings[y, c])
        put(m.new_debt[y], decided.new_debt[y])
        put(m.repayment[y], decided.repayment[y])


def deactivate_rules(parts) -> None:
    """Switch rules off: evaluate only reports them, a switched-off rule is not held."""
    for rule in parts:
        rule.constraint.deactivate()
