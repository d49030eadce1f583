"""What the source documents say that does not add up (docs/findings.md).

Each finding is computed from the scenario and the decided plan, so it shows
only where it applies and moves with a what-if. A finding is a record of
numbers (`results.Finding`); reports/findings_text.py puts it into words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from balans.model.data import ModelData, plan_depreciation
from balans.results import Finding, PlanResult
from balans.scenario.schema import Scenario

Check = Callable[[Scenario, ModelData, PlanResult], Iterator[Finding]]


def find_findings(s: Scenario, data: ModelData, decided: PlanResult) -> list[Finding]:
    """Every finding that applies, in the order of docs/findings.md."""
    checks: list[Check] = [
        _printed_prior_result,
        _liabilities_over_loan_ceiling,
        _debt_ratio_readings,
        _cash_below_floor,
        _loan_ceiling_differs,
        _vintage_behind,
        _fou_purchasing_power,
        _frames_without_uplift,
        _reported_debt_ratio,
        _depreciation_vs_investment_plan,
        _budget_year_breaks,
    ]
    return [finding for check in checks for finding in check(s, data, decided)]


def _printed_prior_result(
    s: Scenario, data: ModelData, r: PlanResult
) -> Iterator[Finding]:
    rule = s.rules.restoration
    used = -sum(v.amount for v in rule.vintages if v.year == s.opening.year)
    printed = rule.printed_prior_result
    if printed is not None and abs(printed - used) > 0.5:
        yield Finding(
            "printed_prior_result",
            s.opening.year,
            {"printed_result": printed, "used_result": used},
        )


def _liabilities_over_loan_ceiling(
    s: Scenario, data: ModelData, r: PlanResult
) -> Iterator[Finding]:
    for y, ceiling in sorted(data.loan_ceiling.items()):
        liabilities = r.balance["long_term_liabilities"][y]
        if liabilities > ceiling + 0.5:
            yield Finding(
                "liabilities_over_loan_ceiling",
                y,
                {
                    "long_term_liabilities": liabilities,
                    "loan_ceiling": ceiling,
                    "loans": r.balance["loans"][y],
                    "other_liabilities": data.other_long_term_liabilities,
                },
            )
            return


def _debt_ratio_readings(
    s: Scenario, data: ModelData, r: PlanResult
) -> Iterator[Finding]:
    y = r.years[0]
    liabilities = r.balance["long_term_liabilities"][y]
    loans = r.balance["loans"][y]
    with_pharma = data.tax_revenue[y] + data.general_grants[y] + data.pharma_grant[y]
    without = with_pharma - data.pharma_grant[y]
    rule = s.rules.debt_ratio
    yield Finding(
        "debt_ratio_readings",
        y,
        {
            "long_term_liabilities": liabilities,
            "loans": loans,
            "financing_with_pharma_grant": with_pharma,
            "financing_without_pharma_grant": without,
            "liabilities_with_pharma_grant_pct": 100 * liabilities / with_pharma,
            "liabilities_without_pharma_grant_pct": 100 * liabilities / without,
            "loans_with_pharma_grant_pct": 100 * loans / with_pharma,
            "loans_without_pharma_grant_pct": 100 * loans / without,
            "limit_pct": rule.limit_pct.get(y),
        },
        facts={
            "numerator": rule.numerator,
            "include_pharma_grant": rule.include_pharma_grant,
        },
    )


def _cash_below_floor(s: Scenario, data: ModelData, r: PlanResult) -> Iterator[Finding]:
    for y, floor in sorted(s.rules.liquidity_floor.floor.items()):
        cash = r.balance["cash"][y]
        months = {m: r.liquidity.monthly[m].cash for m in r.liquidity.months(y)}
        low = min(months, key=months.get)
        if cash < floor - 0.05 or months[low] < floor - 0.05:
            yield Finding(
                "cash_below_floor",
                y,
                {"year_end_cash": cash, "lowest_cash": months[low], "floor": floor},
                month=low[1],
            )
            return


def _loan_ceiling_differs(
    s: Scenario, data: ModelData, r: PlanResult
) -> Iterator[Finding]:
    rule = s.rules.loan_ceiling
    if rule.basis == "fixed":
        return
    for y, published in sorted(rule.limit.items()):
        computed = data.computed_loan_ceiling.get(y)
        if computed is not None and abs(computed - published) > 0.5:
            yield Finding(
                "loan_ceiling_differs",
                y,
                {
                    "computed_ceiling": computed,
                    "published_ceiling": published,
                    "land_buildings": r.balance["land_buildings"][y],
                },
            )


def _vintage_behind(s: Scenario, data: ModelData, r: PlanResult) -> Iterator[Finding]:
    for deadline, due in data.rules.vintage_due.items():
        restored = sum(r.income["result"][y] for y in r.years if y <= deadline)
        if restored < due - 0.05:
            vintages = [
                v.year for v in s.rules.restoration.vintages if v.deadline <= deadline
            ]
            yield Finding(
                "vintage_behind",
                deadline,
                {"due": due, "restored": restored, "shortfall": due - restored},
                facts={"vintages": tuple(vintages), "from_year": r.years[0]},
            )


def _fou_purchasing_power(
    s: Scenario, data: ModelData, r: PlanResult
) -> Iterator[Finding]:
    y = r.years[0]
    level = r.fou_tkr[y]
    factor = s.assumptions.fou_heroma_factor
    if factor < 1:
        yield Finding(
            "fou_purchasing_power",
            y,
            {
                "fou_tkr": level,
                "heroma_factor": factor,
                "pre_2021_equivalent_tkr": level * factor,
                "needed_for_2020_level_tkr": s.fou.pre_2021_level_tkr / factor,
            },
        )


def _frames_without_uplift(
    s: Scenario, data: ModelData, r: PlanResult
) -> Iterator[Finding]:
    frames = s.rules.committee_frames.frames
    first = r.years[0]
    total = sum(by_year.get(first, 0.0) for by_year in frames.values())
    if not total:
        return
    later = [y for y in r.years[1:4] if not any(y in f for f in frames.values())]
    for y in later:
        net = -r.income["net_operating_costs"][y]
        if net > total + 0.05:
            yield Finding(
                "frames_without_uplift",
                y,
                {"frames_total": total, "net_costs": net, "excess": net - total},
                facts={"frames_year": first},
            )
            return


def _reported_debt_ratio(
    s: Scenario, data: ModelData, r: PlanResult
) -> Iterator[Finding]:
    """Which reading of loans and grants reproduces the reported opening-year ratio."""
    o, rule = s.opening, s.rules.debt_ratio
    if rule.reported_outcome_pct is None or o.tax_and_general_grants is None:
        return
    pharma = o.pharma_grant or 0.0
    revenue = o.tax_and_general_grants + (pharma if rule.include_pharma_grant else 0.0)
    debt = o.loans if rule.numerator == "loans" else o.long_term_liabilities
    other = o.tax_and_general_grants + (0.0 if rule.include_pharma_grant else pharma)
    yield Finding(
        "reported_debt_ratio",
        o.year,
        {
            "reported_pct": rule.reported_outcome_pct,
            "reading_pct": 100 * debt / revenue,
            "other_grants_reading_pct": 100 * debt / other,
            "debt": debt,
            "debt_for_reported": rule.reported_outcome_pct / 100 * revenue,
        },
        facts={"include_pharma_grant": rule.include_pharma_grant},
    )


def _depreciation_vs_investment_plan(
    s: Scenario, data: ModelData, r: PlanResult
) -> Iterator[Finding]:
    """Published depreciation against what the investment plan implies."""
    implied = plan_depreciation(s)
    if implied is None:
        return
    last = r.years[-1]
    published = -s.budget.depreciation[last]
    plan = implied["depreciation"][last]
    if abs(plan - published) > 0.5:
        yield Finding(
            "depreciation_vs_investment_plan",
            last,
            {
                "published": published,
                "implied": plan,
                "difference": plan - published,
                "invested": s.budget.net_investments[last],
            },
            facts={"basis": s.depreciation.basis},
        )


def _budget_year_breaks(
    s: Scenario, data: ModelData, r: PlanResult
) -> Iterator[Finding]:
    """The rules the decided budget breaks in its locked years: facts, not choices."""
    for year in data.locked_years:
        broken = [t for t in r.targets if t.year == year and t.enforced and not t.met]
        if not broken:
            continue
        worst: dict[str, float] = {}
        for t in broken:
            shortfall = -(t.margin if t.margin_mkr is None else t.margin_mkr)
            worst[t.id] = max(worst.get(t.id, 0.0), shortfall)
        yield Finding(
            "budget_year_breaks",
            year,
            {f"{rule}_mkr": amount for rule, amount in worst.items()},
            facts={"rules": sorted(worst, key=list(worst).index)},
        )
