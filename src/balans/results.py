"""Solved model -> PlanResult: statements, committees, restoration, targets.

Reads values only; the reports and the verifier work from a PlanResult, never
from the Pyomo model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyomo.environ as pyo

from balans.lines import BALANCE_LINES, CASH_FLOW_LINES, INCOME_LINES
from balans.model.data import ModelData, revenue_for_ratios
from balans.model.registry import KEY_FIGURES
from balans.model.rules.common import KeyFigure, RuleParts, split_index
from balans.scenario.schema import Scenario
from balans.solve import OPTIMAL, SolveOutcome
from balans.units import TOLERANCE_MKR

Table = dict[str, dict[int, float]]
EVALUATED = "evaluated"  # status of a decided plan run through the model


@dataclass
class TargetRow:
    """One målvärde in one year (and committee): value against limit."""

    id: str
    year: int
    value: float
    limit: float
    met: bool
    margin: float
    unit: str
    enforced: bool
    committee: str | None = None
    month: int | None = None
    binding: bool = False
    shadow_price: float | None = None
    margin_mkr: float | None = None


Month = tuple[int, int]  # (year, month); "2026-03" only at the JSON boundary


@dataclass(frozen=True)
class MonthCash:
    """Cash at one month end (credit drawn included), the credit, the floor."""

    cash: float
    credit: float
    floor: float | None


@dataclass(frozen=True)
class Liquidity:
    """Month by month: cash and credit, the flows; per year the flows and credit cost."""

    monthly: dict[Month, MonthCash]
    flows: dict[Month, dict[str, float]]
    annual_flows: dict[str, dict[int, float]]
    credit_interest: dict[int, float]

    def months(self, year: int) -> list[Month]:
        """The twelve months of a year, January first."""
        return [(year, month) for month in range(1, 13)]


@dataclass(frozen=True)
class DebtReading:
    """The debt ratio and loan ceiling under one reading of debt and financing."""

    numerator: str  # "loans" or "long_term_liabilities"
    include_pharma_grant: bool
    used: bool  # the scenario's own reading
    ratio: dict[int, float]
    ratio_met: dict[int, bool]
    loan_ceiling_met: dict[int, bool]


@dataclass(frozen=True)
class Debt:
    """Per year: loans, lånetak, debt ratio and its limit, interest; the readings."""

    loans: dict[int, float]
    ceiling: dict[int, float | None]
    published_ceiling: dict[int, float | None]
    ratio: dict[int, float]
    ratio_limit: dict[int, float | None]
    interest: dict[int, float]
    credit_interest: dict[int, float]
    readings: list[DebtReading]


@dataclass(frozen=True)
class FouFigures:
    """Per year: FoU per 100 000 inhabitants, salary after PO, BAS-ALF premium."""

    per_100k: dict[int, float]
    salary_tkr: dict[int, float]
    bas_alf_premium_mkr: dict[int, float]


@dataclass(frozen=True)
class RulePlace:
    """A rule index: the rule and its year (and committee or month)."""

    rule: str
    year: int
    committee: str | None
    month: int | None


@dataclass(frozen=True)
class Relaxation:
    """How much one rule index has to give in the cheapest way to a plan."""

    rule: str
    year: int
    committee: str | None
    month: int | None
    amount_mkr: float
    amount: float  # in `unit`
    unit: str  # "Mkr", or "tkr" for FoU per inhabitant
    limit: float


@dataclass(frozen=True)
class RelaxationAlone:
    """The least one rule family must give on its own, or that it cannot."""

    rule: str
    possible: bool
    unit: str
    amount_mkr: float | None
    by_year: dict[int, float]


@dataclass(frozen=True)
class Diagnosis:
    """Why a scenario has no plan: the relaxations and the rules they press against."""

    relaxations: list[Relaxation]
    pressing: list[RulePlace]
    alone: list[RelaxationAlone]
    status: str  # "ok", or the solver status of the elastic problem


@dataclass(frozen=True)
class Finding:
    """Something in the documents that does not add up, as numbers, in no language.

    `values` holds the amounts (Mkr; tkr or % where the key says so), `facts`
    the years, flags and ids the finding rests on; reports/findings_text.py
    turns a finding into Swedish or English.
    """

    id: str
    year: int
    values: dict[str, float | None]
    month: int | None = None
    facts: dict[str, int | bool | str | tuple[int, ...]] = field(default_factory=dict)


@dataclass
class PlanResult:
    """Everything a report needs about one solved plan."""

    scenario: str
    title: str
    mode: str
    status: str
    objective_name: str
    objective: float | None
    years: list[int]
    income: Table = field(default_factory=dict)
    balance: Table = field(default_factory=dict)
    cash_flow: Table = field(default_factory=dict)
    committees: dict[str, dict[str, dict[int, float]]] = field(default_factory=dict)
    fou_tkr: dict[int, float] = field(default_factory=dict)
    restoration: Table = field(default_factory=dict)
    fou: FouFigures | None = None
    liquidity: Liquidity | None = None
    debt: Debt | None = None
    targets: list[TargetRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    applied_overrides: list[str] = field(default_factory=list)
    diagnosis: Diagnosis | None = None
    solver: dict[str, Any] = field(default_factory=dict)
    breaches: list[Any] = field(default_factory=list)  # priorities.Breach

    @property
    def has_plan(self) -> bool:
        """True when the result holds a full plan (decided or optimal)."""
        return self.status in (EVALUATED, OPTIMAL)

    def target(
        self,
        rule_id: str,
        year: int,
        committee: str | None = None,
        month: int | None = None,
    ) -> TargetRow:
        """The target row of a rule, year (and committee or month)."""
        for row in self.targets:
            if (row.id, row.year, row.committee, row.month) == (
                rule_id,
                year,
                committee,
                month,
            ):
                return row
        raise KeyError((rule_id, year, committee, month))

    def broken_targets(self) -> list[TargetRow]:
        """Enforced targets that the plan does not meet."""
        return [row for row in self.targets if row.enforced and not row.met]


@dataclass(frozen=True)
class Comparison:
    """The decided and the optimal plan of one scenario."""

    decided: PlanResult
    optimal: PlanResult


def collect_result(
    m: pyo.ConcreteModel,
    scenario: Scenario,
    data: ModelData,
    outcome: SolveOutcome,
    mode: str,
) -> PlanResult:
    """Read a solved model into a PlanResult."""
    years = data.years
    result = PlanResult(
        scenario=scenario.name,
        title=scenario.title,
        mode=mode,
        status=EVALUATED if mode == "decided" and outcome.optimal else outcome.status,
        objective_name=m.objective_name,
        objective=primary_objective(m) if outcome.optimal else None,
        years=years,
        solver={
            "name": outcome.solver,
            "version": outcome.solver_version,
            "termination": outcome.termination,
            "problem_type": outcome.problem_type,
            "solve_seconds": round(outcome.solve_seconds, 4),
        },
    )
    if not outcome.optimal:
        return result
    result.income = income_statement(m, years)
    result.cash_flow = cash_flow_statement(m, data, years)
    result.balance = balance_sheet(scenario, data, result.income, result.cash_flow, m)
    result.committees = committee_table(m, data)
    result.fou_tkr = {y: float(pyo.value(m.fou_tkr[y])) for y in years}
    result.fou = fou_table_of_plan(m, scenario, result.fou_tkr)
    result.restoration = restoration_table(data, result.income["result"], years)
    result.liquidity = liquidity_table(m, scenario, years)
    result.debt = debt_table(m, scenario, data, result)
    result.targets = rule_rows(m, scenario, data, outcome, result)
    result.targets += key_figure_rows(scenario, result)
    return result


def primary_objective(m: pyo.ConcreteModel) -> float:
    """The objective without its smoothing and tie-break terms (Mkr; % for fair-share)."""
    return pyo.value(m.primary)


def _series(component, years: list[int]) -> dict[int, float]:
    return {y: float(pyo.value(component[y])) for y in years}


def income_statement(m: pyo.ConcreteModel, years: list[int]) -> Table:
    """Resultatbudget lines with the published signs."""
    income = {
        "operating_revenue": _series(m.operating_revenue, years),
        "targeted_grants": _series(m.targeted_grants_data, years),
        "operating_costs": _series(m.operating_costs, years),
        "depreciation": {y: -v for y, v in _series(m.depreciation_data, years).items()},
        "net_operating_costs": _series(m.net_operating_costs, years),
        "tax_revenue": _series(m.tax_revenue, years),
        "general_grants": _series(m.general_grants_data, years),
        "pharma_grant": _series(m.pharma_grant_data, years),
        "operating_result": _series(m.operating_result, years),
        "financial_income": _series(m.financial_income_data, years),
        "financial_costs": _series(m.financial_costs, years),
        "result": _series(m.result, years),
        "loan_interest": _series(m.loan_interest, years),
    }
    return {line: income[line] for line in INCOME_LINES}


def cash_flow_statement(
    m: pyo.ConcreteModel, data: ModelData, years: list[int]
) -> Table:
    """Finansieringsbudget lines (sources positive, uses positive)."""
    flow = {
        "result": _series(m.result, years),
        "depreciation": dict(data.depreciation),
        "pension_liability_increase": dict(data.pension_liability_increase),
        "new_long_term_debt": _series(m.new_debt, years),
        "net_investments": _series(m.investment, years),
        "pension_portfolio_purchases": _series(m.pension_purchase, years),
        "debt_repayment": _series(m.repayment, years),
    }
    flow["internal_funds"] = _add(
        flow["result"], flow["depreciation"], flow["pension_liability_increase"]
    )
    flow["total_sources"] = _add(flow["internal_funds"], flow["new_long_term_debt"])
    flow["total_uses"] = _add(
        flow["net_investments"],
        flow["pension_portfolio_purchases"],
        flow["debt_repayment"],
    )
    flow["cash_change"] = {
        y: flow["total_sources"][y] - flow["total_uses"][y] for y in years
    }
    return {line: {y: flow[line][y] for y in years} for line in CASH_FLOW_LINES}


def _add(*series: dict[int, float]) -> dict[int, float]:
    return {y: sum(s[y] for s in series) for y in series[0]}


def balance_sheet(
    s: Scenario, data: ModelData, income: Table, flow: Table, m: pyo.ConcreteModel
) -> Table:
    """Balansbudget rolled forward from the opening balance sheet."""
    o = s.opening
    fixed = o.intangible_assets + o.land_buildings + o.machinery_equipment
    fixed += o.financial_fixed_assets + o.long_term_receivables
    pension_investments, equity, provisions = (
        o.pension_investments,
        o.equity,
        o.pension_provisions,
    )
    sheet: Table = {line: {} for line in BALANCE_LINES}
    for y in data.years:
        fixed += flow["net_investments"][y] - flow["depreciation"][y]
        pension_investments += flow["pension_portfolio_purchases"][y]
        provisions += flow["pension_liability_increase"][y]
        loans = float(pyo.value(m.loans[y]))
        rows = {
            "intangible_assets": data.intangible_assets[y],
            "land_buildings": data.land_buildings[y],
            "financial_fixed_assets": data.financial_fixed_assets[y],
            "long_term_receivables": o.long_term_receivables,
            "total_fixed_assets": fixed,
            "inventories": o.inventories,
            "short_term_receivables": o.short_term_receivables,
            "short_term_investments": pension_investments,
            "cash": float(pyo.value(m.cash[y])),
            "equity_opening": equity,
            "result": income["result"][y],
            "pension_payroll_tax": provisions * data.payroll_tax_share,
            "other_provisions": o.other_provisions,
            "long_term_liabilities": loans + data.other_long_term_liabilities,
            "short_term_liabilities": o.short_term_liabilities,
            "loans": loans,
            "pension_commitments": s.budget.pension_commitments.get(y, 0.0),
            "pension_commitments_payroll_tax": (
                s.budget.pension_commitments_payroll_tax.get(y, 0.0)
            ),
        }
        equity += income["result"][y]
        rows["machinery_equipment"] = fixed - sum(
            rows[k]
            for k in (
                "intangible_assets",
                "land_buildings",
                "financial_fixed_assets",
                "long_term_receivables",
            )
        )
        rows["total_current_assets"] = sum(
            rows[k]
            for k in (
                "inventories",
                "short_term_receivables",
                "short_term_investments",
                "cash",
            )
        )
        rows["total_assets"] = fixed + rows["total_current_assets"]
        rows["total_equity"] = equity
        rows["pension_provision"] = provisions - rows["pension_payroll_tax"]
        rows["total_provisions"] = provisions + o.other_provisions
        rows["total_liabilities"] = (
            rows["long_term_liabilities"] + rows["short_term_liabilities"]
        )
        rows["total_equity_and_liabilities"] = (
            equity + rows["total_provisions"] + rows["total_liabilities"]
        )
        for line in BALANCE_LINES:
            sheet[line][y] = rows[line]
    return sheet


def committee_table(
    m: pyo.ConcreteModel, data: ModelData
) -> dict[str, dict[str, dict[int, float]]]:
    """Per committee: net frame used (net cost), new and cumulative savings."""
    table = {}
    for c in data.committees:
        table[c] = {
            "net_frame": {
                y: float(pyo.value(m.committee_net_cost[y, c])) for y in data.years
            },
            "savings": {y: float(pyo.value(m.savings[y, c])) for y in data.years},
            "cumulative_savings": {
                y: float(pyo.value(m.cumulative_savings[y, c])) for y in data.years
            },
            "decided_savings": {y: data.decided.savings[y, c] for y in data.years},
            "gross_costs": {
                y: float(pyo.value(m.committee_operating_costs[y, c]))
                + data.committee_depreciation[y, c]
                for y in data.years
            },
            "revenue": {y: data.committee_revenue[y, c] for y in data.years},
        }
    return table


def restoration_table(
    data: ModelData, results: dict[int, float], years: list[int]
) -> Table:
    """Tabell 3: opening, result, balanskravsresultat and closing deficit per year."""
    table: Table = {
        "opening": {},
        "result": {},
        "closing": {},
        "adjustments": {},
        "balanskrav_result": {},
    }
    balance = data.opening_restoration
    for y in years:
        table["opening"][y] = balance
        table["result"][y] = results[y]
        table["adjustments"][y] = data.balanskrav_adjustment[y]
        table["balanskrav_result"][y] = results[y] + data.balanskrav_adjustment[y]
        balance += table["balanskrav_result"][y]
        table["closing"][y] = balance
    return table


def rule_rows(
    m: pyo.ConcreteModel,
    s: Scenario,
    data: ModelData,
    outcome: SolveOutcome,
    r: PlanResult,
) -> list[TargetRow]:
    """A target row for every index of every registered rule.

    `enforced` says whether the scenario switches the rule on; in an optimal
    plan enforced rules are constraints, so they also get binding and a
    shadow price (objective gained per unit the rule is loosened).
    """
    optimal = r.mode == "optimal"
    rows = []
    for parts in m.rule_parts.values():
        enforced = data.rules.enabled[parts.rule.key]
        for index in parts.index:
            rows.append(
                _rule_row(parts, index, s, r, enforced and optimal, enforced, outcome)
            )
    return rows


def _rule_row(
    parts: RuleParts,
    index,
    s: Scenario,
    r: PlanResult,
    constrained: bool,
    enforced: bool,
    outcome: SolveOutcome,
) -> TargetRow:
    rule = parts.rule
    value = float(pyo.value(parts.value[index]))
    limit = float(pyo.value(parts.limit[index]))
    margin = rule.margin(value, limit)
    year, committee, month = split_index(index)
    dual = outcome.duals.get(parts.constraint[index].name) if constrained else None
    row = TargetRow(
        id=rule.key,
        year=year,
        value=value,
        limit=limit,
        met=margin >= -TOLERANCE_MKR,
        margin=margin,
        unit=rule.slack_unit,
        enforced=enforced,
        committee=committee,
        month=month,
        binding=constrained and abs(margin) <= TOLERANCE_MKR,
        shadow_price=None
        if dual is None
        else (dual if rule.sense == "min" else -dual) + 0.0,
    )
    if rule.percent_of is not None:
        denominator = rule.percent_of(r, s, year)
        row.margin_mkr = margin
        row.value, row.limit = 100 * value / denominator, 100 * limit / denominator
        row.margin, row.unit = 100 * margin / denominator, rule.unit
    return row


def key_figure_rows(s: Scenario, r: PlanResult) -> list[TargetRow]:
    """Reported key figures (soliditet, kassalikviditet, cost growth), year by year."""
    by_year: dict[int, list[TargetRow]] = {y: [] for y in r.years}
    for figure in KEY_FIGURES:
        for point in figure.values(s, r):
            by_year[point.year].append(
                _figure_row(figure, point.year, point.value, point.limit)
            )
    return [row for y in r.years for row in by_year[y]]


def _figure_row(figure: KeyFigure, year: int, value: float, limit: float) -> TargetRow:
    return TargetRow(
        id=figure.key,
        year=year,
        value=value,
        limit=limit,
        met=figure.met(value, limit),
        margin=figure.margin(value, limit),
        unit=figure.unit,
        enforced=False,
    )


def liquidity_table(m: pyo.ConcreteModel, s: Scenario, years: list[int]) -> Liquidity:
    """Month by month: cash (incl. credit drawn), credit, floor, and the flows."""
    floor = s.rules.liquidity_floor.floor
    monthly, flows = {}, {}
    for y in years:
        for month in range(1, 13):
            monthly[y, month] = MonthCash(
                cash=float(pyo.value(m.monthly_cash[y, month])),
                credit=float(pyo.value(m.credit[y, month])),
                floor=floor.get(y),
            )
            flows[y, month] = {
                line: float(pyo.value(m.monthly_flow[line, y, month]))
                for line in m.flow_lines
            }
    annual = {
        line: {y: float(pyo.value(m.annual_flow[line, y])) for y in years}
        for line in m.flow_lines
    }
    credit_cost = {y: float(pyo.value(m.credit_interest[y])) for y in years}
    return Liquidity(
        monthly=monthly, flows=flows, annual_flows=annual, credit_interest=credit_cost
    )


def debt_table(
    m: pyo.ConcreteModel, s: Scenario, data: ModelData, r: PlanResult
) -> Debt:
    """Per year: loans, lånetak, debt ratio and its limit, interest; and the readings.

    The readings show the debt ratio and the loan ceiling under both readings of
    what counts as debt (loans or every long-term liability) and as financing
    (with or without the pharma grant), whatever the scenario enforces.
    """
    rule = s.rules.debt_ratio
    denominator = data.debt_ratio_denominator
    numerator_line = "loans" if rule.numerator == "loans" else "long_term_liabilities"
    readings = []
    for debt_line in ("loans", "long_term_liabilities"):
        for pharma in (True, False):
            ratio = {
                y: 100
                * r.balance[debt_line][y]
                / revenue_for_ratios(
                    data.tax_revenue[y],
                    data.general_grants[y],
                    data.pharma_grant[y],
                    pharma,
                )
                for y in r.years
            }
            readings.append(
                DebtReading(
                    numerator=debt_line,
                    include_pharma_grant=pharma,
                    used=debt_line == numerator_line
                    and pharma == rule.include_pharma_grant,
                    ratio=ratio,
                    ratio_met={
                        y: ratio[y] <= rule.limit_pct[y] + TOLERANCE_MKR
                        for y in r.years
                        if y in rule.limit_pct
                    },
                    loan_ceiling_met={
                        y: r.balance[debt_line][y]
                        <= data.loan_ceiling[y] + TOLERANCE_MKR
                        for y in r.years
                        if y in data.loan_ceiling
                    },
                )
            )
    return Debt(
        loans={y: r.balance["loans"][y] for y in r.years},
        ceiling={y: data.loan_ceiling.get(y) for y in r.years},
        published_ceiling={y: s.rules.loan_ceiling.limit.get(y) for y in r.years},
        ratio={y: 100 * r.balance[numerator_line][y] / denominator[y] for y in r.years},
        ratio_limit={y: rule.limit_pct.get(y) for y in r.years},
        interest={y: r.income["loan_interest"][y] for y in r.years},
        credit_interest=dict(r.liquidity.credit_interest) if r.liquidity else {},
        readings=readings,
    )


def fou_table_of_plan(
    m: pyo.ConcreteModel, s: Scenario, fou_tkr: dict[int, float]
) -> FouFigures:
    """Per year: FoU per 100 000 inhabitants, salary after PO, BAS-ALF premium."""
    fou = s.fou
    return FouFigures(
        per_100k={y: v / fou.population * 100_000 for y, v in fou_tkr.items()},
        salary_tkr={
            y: v / (1 + fou.payroll_overhead_pct[y] / 100) for y, v in fou_tkr.items()
        },
        bas_alf_premium_mkr={
            y: float(pyo.value(m.bas_alf_premium[y])) for y in fou_tkr
        },
    )
