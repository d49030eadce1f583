"""Independent re-check of a plan from its reported numbers only.

Recomputes every identity of the three statements and every rule value from
the PlanResult, never from the model, and refuses a plan that does not tie.
"""

from __future__ import annotations

from balans.errors import VerificationError
from balans.model.registry import REGISTRY
from balans.results import PlanResult
from balans.scenario.schema import Scenario
from balans.units import VERIFY_TOLERANCE_MKR as TOLERANCE


def verify_plan(r: PlanResult, s: Scenario) -> None:
    """Raise VerificationError listing every identity or rule that fails."""
    if not r.has_plan:
        return
    problems = [
        *_income_identities(r),
        *_cash_flow_identities(r),
        *_balance_identities(r, s),
        *_committee_identities(r),
        *_restoration_identities(r),
        *_monthly_identities(r, s),
        *_rule_values(r, s),
    ]
    if problems:
        shown = "; ".join(problems[:5])
        more = f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""
        raise VerificationError(f"the plan does not verify: {shown}{more}")


def _check(
    problems: list[str], label: str, year: int, left: float, right: float
) -> None:
    if abs(left - right) > TOLERANCE * max(1.0, abs(right) / 1000):
        problems.append(f"{label} {year}: {left:.4f} != {right:.4f}")


def _income_identities(r: PlanResult) -> list[str]:
    i, problems = r.income, []
    for y in r.years:
        _check(
            problems,
            "net_operating_costs",
            y,
            i["net_operating_costs"][y],
            i["operating_revenue"][y]
            + i["targeted_grants"][y]
            + i["operating_costs"][y]
            + i["depreciation"][y],
        )
        _check(
            problems,
            "operating_result",
            y,
            i["operating_result"][y],
            i["net_operating_costs"][y]
            + i["tax_revenue"][y]
            + i["general_grants"][y]
            + i["pharma_grant"][y],
        )
        _check(
            problems,
            "result",
            y,
            i["result"][y],
            i["operating_result"][y]
            + i["financial_income"][y]
            + i["financial_costs"][y],
        )
    return problems


def _cash_flow_identities(r: PlanResult) -> list[str]:
    f, problems = r.cash_flow, []
    for y in r.years:
        _check(problems, "cash_flow.result", y, f["result"][y], r.income["result"][y])
        _check(
            problems,
            "depreciation",
            y,
            f["depreciation"][y],
            -r.income["depreciation"][y],
        )
        _check(
            problems,
            "internal_funds",
            y,
            f["internal_funds"][y],
            f["result"][y] + f["depreciation"][y] + f["pension_liability_increase"][y],
        )
        _check(
            problems,
            "total_sources",
            y,
            f["total_sources"][y],
            f["internal_funds"][y] + f["new_long_term_debt"][y],
        )
        _check(
            problems,
            "total_uses",
            y,
            f["total_uses"][y],
            f["net_investments"][y]
            + f["pension_portfolio_purchases"][y]
            + f["debt_repayment"][y],
        )
        _check(
            problems,
            "cash_change",
            y,
            f["cash_change"][y],
            f["total_sources"][y] - f["total_uses"][y],
        )
    return problems


def _balance_identities(r: PlanResult, s: Scenario) -> list[str]:
    b, f, problems = r.balance, r.cash_flow, []
    cash, equity, loans = s.opening.cash, s.opening.equity, s.opening.loans
    for y in r.years:
        _check(problems, "cash", y, b["cash"][y], cash + f["cash_change"][y])
        _check(
            problems,
            "total_equity",
            y,
            b["total_equity"][y],
            equity + r.income["result"][y],
        )
        _check(
            problems,
            "loans",
            y,
            b["loans"][y],
            loans + f["new_long_term_debt"][y] - f["debt_repayment"][y],
        )
        _check(
            problems,
            "total_fixed_assets",
            y,
            b["total_fixed_assets"][y],
            sum(
                b[k][y]
                for k in (
                    "intangible_assets",
                    "land_buildings",
                    "machinery_equipment",
                    "financial_fixed_assets",
                    "long_term_receivables",
                )
            ),
        )
        _check(
            problems,
            "total_assets",
            y,
            b["total_assets"][y],
            b["total_fixed_assets"][y] + b["total_current_assets"][y],
        )
        _check(
            problems,
            "balance sheet balances",
            y,
            b["total_assets"][y],
            b["total_equity_and_liabilities"][y],
        )
        _check(
            problems,
            "total_equity_and_liabilities",
            y,
            b["total_equity_and_liabilities"][y],
            b["total_equity"][y] + b["total_provisions"][y] + b["total_liabilities"][y],
        )
        cash, equity, loans = b["cash"][y], b["total_equity"][y], b["loans"][y]
    return problems


def _committee_identities(r: PlanResult) -> list[str]:
    problems = []
    for y in r.years:
        total = sum(c["net_frame"][y] for c in r.committees.values())
        _check(
            problems, "committee nets", y, total, -r.income["net_operating_costs"][y]
        )
    return problems


def _restoration_identities(r: PlanResult) -> list[str]:
    t, problems = r.restoration, []
    for y in r.years:
        _check(
            problems,
            "restoration",
            y,
            t["closing"][y],
            t["opening"][y] + t["balanskrav_result"][y],
        )
        _check(
            problems,
            "balanskravsresultat",
            y,
            t["balanskrav_result"][y],
            t["result"][y] + t["adjustments"][y],
        )
        _check(problems, "restoration result", y, t["result"][y], r.income["result"][y])
    return problems


def _monthly_identities(r: PlanResult, s: Scenario) -> list[str]:
    """Months add up to the year, December is the year-end, credit in its limit."""
    problems = []
    liquidity = r.liquidity
    cash = s.opening.cash
    for y in r.years:
        for line, annual in liquidity.annual_flows.items():
            months = sum(liquidity.flows[m][line] for m in liquidity.months(y))
            _check(problems, f"monthly {line}", y, months, annual[y])
        total = sum(annual[y] for annual in liquidity.annual_flows.values())
        _check(
            problems,
            "monthly flows vs cash_change",
            y,
            total,
            r.cash_flow["cash_change"][y],
        )
        for month in liquidity.months(y):
            key = f"{y}-{month[1]:02d}"
            cash += sum(liquidity.flows[month].values())
            cell = liquidity.monthly[month]
            _check(problems, f"monthly cash {key}", y, cell.cash, cash + cell.credit)
            if (
                cell.credit < -TOLERANCE
                or cell.credit > s.liquidity.credit_limit[y] + TOLERANCE
            ):
                problems.append(
                    f"credit {key}: {cell.credit:.4f} outside "
                    f"0..{s.liquidity.credit_limit[y]}"
                )
        _check(
            problems,
            "December cash",
            y,
            liquidity.monthly[y, 12].cash,
            r.balance["cash"][y],
        )
    return problems


def rule_value(r: PlanResult, s: Scenario, rule_id: str, index) -> float:
    """A rule's reported value recomputed from the reported statements.

    In the rule's reported unit: a percentage rule is divided by its
    denominator, itself recomputed from the reported income statement.
    """
    rule = REGISTRY[rule_id]
    value = rule.recompute(r, s, index)
    if rule.percent_of is not None:
        year = index[0] if isinstance(index, tuple) else index
        value = 100 * value / rule.percent_of(r, s, year)
    return value


def _row_index(row):
    """The rule index of a target row: year, (year, committee) or (year, month)."""
    if row.committee is not None:
        return (row.year, row.committee)
    if row.month is not None:
        return (row.year, row.month)
    return row.year


def _rule_values(r: PlanResult, s: Scenario) -> list[str]:
    """Every enforced rule's value recomputed; an optimal plan must meet each."""
    problems = []
    breached = {(b.rule, b.year, b.committee, b.month) for b in r.breaches}
    for row in r.targets:
        if REGISTRY[row.id].kind != "rule":
            continue  # key figures are computed from the statements, not the LP
        value = rule_value(r, s, row.id, _row_index(row))
        _check(problems, f"{row.id} value", row.year, row.value, value)
        place = (row.id, row.year, row.committee, row.month)
        if (
            r.mode == "optimal"
            and row.enforced
            and not row.met
            and place not in breached
        ):
            problems.append(f"{row.id} {row.year} is enforced but not met")
    return problems
