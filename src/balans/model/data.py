"""Scenario -> the constants of the linear program.

Everything a scenario says reaches the LP as a number Python computes here
(right-hand sides, bounds, the few rate coefficients), so a variant changes
numbers, not the model's structure. The decided levers are derived here too:
the savings the decided operating costs imply against the cost pressure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import accumulate

from balans.scenario.schema import Scenario

Year = int
ByYear = dict[Year, float]
ByYearCommittee = dict[tuple[Year, str], float]


@dataclass(frozen=True)
class DecidedLevers:
    """The lever values the decided budget implies."""

    savings: ByYearCommittee
    fou_tkr: ByYear
    new_debt: ByYear
    repayment: ByYear


@dataclass(frozen=True)
class RuleData:
    """Each rule's switch and diagnosis penalty, and numbers several parts share.

    A rule's own limits are computed by its registry entry from the scenario
    (`ModelData.scenario`) and the numbers here; the switches are keyed by the
    registry's rule keys, since one setting may switch two rules.
    """

    enabled: dict[str, bool]
    penalty: dict[str, float]
    priority: dict[str, str]
    aim_weight: dict[str, float]
    vintage_due: ByYear
    debt_ratio_other_debt: float


@dataclass(frozen=True)
class LeverData:
    """Bounds and weights of the levers, from `levers.*` and `fou.*`."""

    savings_weights: dict[str, float]
    smoothing_weight: float
    max_new_borrowing: float
    fou_min_tkr: float
    fou_max_tkr: float
    fou_years: list[Year]
    fou_levels: list[float]
    fou_discrete: bool
    margin_savings_cap: float
    fou_savings_cap: float
    pension_purchase_min_share: float  # 1: the decided purchase, not deferrable
    pension_deferral_weight: float
    max_tax_increase_ore: float
    tax_raise_weight: float
    revenue_per_ore: ByYear
    investment_shift_share: float
    investment_shift_weight: float


@dataclass(frozen=True)
class ModelData:
    """All numbers the LP needs, in Mkr (FoU in tkr), keyed by year first.

    `scenario` is the validated scenario the numbers come from; the rules
    read their own settings from it (see `balans.model.registry`).
    """

    years: list[Year]
    opening_year: Year
    committees: list[str]
    cost_pressure: ByYearCommittee
    committee_revenue: ByYearCommittee
    committee_depreciation: ByYearCommittee
    fou_committee: str
    operating_revenue: ByYear
    targeted_grants: ByYear
    depreciation: ByYear
    tax_revenue: ByYear
    general_grants: ByYear
    pharma_grant: ByYear
    financial_income: ByYear
    pension_financial_costs: ByYear
    interest_rate: ByYear
    pension_liability_increase: ByYear
    net_investments: ByYear
    pension_portfolio_purchases: ByYear
    land_buildings: ByYear
    intangible_assets: ByYear
    financial_fixed_assets: ByYear
    opening_loans: float
    opening_cash: float
    opening_restoration: float
    other_long_term_liabilities: float
    payroll_tax_share: float
    profiles: dict[str, list[float]]
    pension_payment: ByYear
    balanskrav_adjustment: ByYear
    credit_limit: ByYear
    credit_rate: ByYear
    loan_ceiling: ByYear
    computed_loan_ceiling: ByYear
    amortisation_min: ByYear
    bas_alf: dict[str, float]
    loan_weights: dict[str, float]
    debt_ratio_denominator: ByYear
    locked_years: list[Year]
    next_year_cost_growth: float
    next_year_revenue_growth: float
    decided: DecidedLevers
    rules: RuleData
    levers: LeverData
    objective: str
    scenario: Scenario

    @property
    def first_year(self) -> Year:
        """The budget year."""
        return self.years[0]


def build_data(scenario: Scenario) -> ModelData:
    """Compute the LP constants and the decided levers of a scenario."""
    s = scenario
    years = s.years
    committees = list(s.committees)
    cost_share, revenue_share, grant_share = committee_shares(s)
    pressure_plan = cost_pressure_index(
        s.assumptions.lpik_pct, s.assumptions.volume_growth_pct, years
    )
    base = -s.opening.operating_costs - s.opening.fou_tkr / 1000
    additional = _additional_investment_effects(s)
    implied = plan_depreciation(s)
    use_plan = implied is not None and s.depreciation.basis == "investment_plan"
    published = {y: -s.budget.depreciation[y] for y in years}
    depreciation = {
        y: (implied["depreciation"][y] if use_plan else published[y])
        + additional["depreciation"][y]
        for y in years
    }
    buildings = implied["buildings"] if use_plan else dict(s.budget.land_buildings)
    decided = decided_levers(s, cost_share)
    tax_revenue = _tax_revenue(s)
    return ModelData(
        years=years,
        opening_year=s.opening.year,
        committees=committees,
        cost_pressure={
            (y, c): base * pressure_plan[y] * cost_share[c]
            for y in years
            for c in committees
        },
        committee_revenue={
            (y, c): revenue_share[c] * s.budget.operating_revenue[y]
            + grant_share[c] * s.budget.targeted_grants[y]
            for y in years
            for c in committees
        },
        committee_depreciation={
            (y, c): depreciation[y]
            if c == s.assumptions.depreciation_committee
            else 0.0
            for y in years
            for c in committees
        },
        fou_committee=s.assumptions.fou_committee,
        operating_revenue=dict(s.budget.operating_revenue),
        targeted_grants=dict(s.budget.targeted_grants),
        depreciation=depreciation,
        tax_revenue=tax_revenue,
        general_grants=general_grants(s),
        pharma_grant=dict(s.budget.pharma_grant),
        financial_income=dict(s.budget.financial_income),
        pension_financial_costs=_pension_financial_costs(s),
        interest_rate={y: s.assumptions.interest_rate_pct[y] / 100 for y in years},
        pension_liability_increase=dict(s.budget.pension_liability_increase),
        net_investments={
            y: s.budget.net_investments[y] + additional["investment"][y] for y in years
        },
        pension_portfolio_purchases=dict(s.budget.pension_portfolio_purchases),
        land_buildings={y: buildings[y] + additional["book_value"][y] for y in years},
        intangible_assets=dict(s.budget.intangible_assets),
        financial_fixed_assets=dict(s.budget.financial_fixed_assets),
        opening_loans=s.opening.loans,
        opening_cash=s.opening.cash,
        opening_restoration=-sum(v.amount for v in s.rules.restoration.vintages),
        other_long_term_liabilities=s.opening.long_term_liabilities - s.opening.loans,
        payroll_tax_share=s.assumptions.pension_payroll_tax_pct
        / (100 + s.assumptions.pension_payroll_tax_pct),
        profiles=monthly_profiles(s),
        pension_payment=dict(s.liquidity.pension_payment),
        balanskrav_adjustment=balanskrav_adjustments(s),
        credit_limit=dict(s.liquidity.credit_limit),
        credit_rate={y: s.liquidity.credit_rate_pct[y] / 100 for y in years},
        loan_ceiling=loan_ceilings(s, buildings, additional["book_value"]),
        computed_loan_ceiling=loan_ceilings(
            s, buildings, additional["book_value"], published_holds=False
        ),
        amortisation_min={
            y: pct / 100 for y, pct in s.debt.amortisation_min_pct.items()
        },
        bas_alf={
            "elasticity": s.fou.bas_alf.elasticity,
            "lag": s.fou.bas_alf.lag_years,
            "reference_fou_tkr": s.fou.bas_alf.reference_fou_tkr,
            "opening_fou_tkr": s.opening.fou_tkr,
        },
        loan_weights=loan_weights(s),
        debt_ratio_denominator=debt_ratio_denominators(s, tax_revenue),
        locked_years=locked_years(s),
        next_year_cost_growth=(
            s.assumptions.lpik_pct[years[-1]]
            + s.assumptions.volume_growth_pct[years[-1]]
        )
        / 100,
        next_year_revenue_growth=s.assumptions.tax_base_growth_pct[years[-1]] / 100,
        decided=decided,
        rules=rule_data(s),
        levers=lever_data(s, decided),
        objective=s.objective,
        scenario=s,
    )


def revenue_for_ratios(
    tax_revenue: float, general_grants: float, pharma_grant: float, pharma: bool
) -> float:
    """Skatter och generella statsbidrag: the denominator of the ratio rules.

    Tabell 1 divides by "skatter och generella statsbidrag"; whether the pharma
    grant counts is a reading (docs/findings.md, finding 3), the scenario's
    `rules.debt_ratio.include_pharma_grant`. The one definition of it.
    """
    return tax_revenue + general_grants + (pharma_grant if pharma else 0.0)


def debt_ratio_denominators(s: Scenario, tax_revenue: ByYear) -> ByYear:
    """revenue_for_ratios per year under the scenario's reading."""
    pharma = s.rules.debt_ratio.include_pharma_grant
    return {
        y: revenue_for_ratios(
            tax_revenue[y], s.budget.general_grants[y], s.budget.pharma_grant[y], pharma
        )
        for y in s.years
    }


def balanskrav_adjustments(s: Scenario) -> ByYear:
    """Balanskravsresultat less årets resultat, per year (0 unless the scenario says)."""
    b = s.balanskrav
    return {
        y: b.adjustments.get(y, 0.0)
        - b.reserve_deposits.get(y, 0.0)
        + b.reserve_use.get(y, 0.0)
        for y in s.years
    }


def locked_years(s: Scenario) -> list[Year]:
    """Years whose levers stay decided: `planning.locked_years`, default the budget year."""
    locked = s.planning.locked_years
    return sorted(locked) if locked is not None else [s.horizon.first_year]


def rule_data(s: Scenario) -> RuleData:
    """The numbers of every rule's limit, switch and diagnosis penalty."""
    from balans.model.registry import LP_RULES  # the registry imports this module

    return RuleData(
        enabled={rule.key: rule.enabled(s) for rule in LP_RULES},
        penalty={rule.key: rule.penalty(s) for rule in LP_RULES},
        priority={rule.key: rule.priority_in(s) for rule in LP_RULES},
        aim_weight={rule.key: rule.aim_weight(s) for rule in LP_RULES},
        vintage_due=vintage_due(s),
        debt_ratio_other_debt=(
            s.opening.long_term_liabilities - s.opening.loans
            if s.rules.debt_ratio.numerator == "long_term_liabilities"
            else 0.0
        ),
    )


def vintage_due(s: Scenario) -> ByYear:
    """Mkr that must be restored by each deadline before the target year.

    Positive results restore the oldest deficit first, so a deadline is kept
    when the results up to it cover every vintage due by then.
    """
    rule = s.rules.restoration
    deadlines = sorted(
        {v.deadline for v in rule.vintages if v.deadline < rule.target_year}
    )
    return {
        d: sum(v.amount for v in rule.vintages if v.deadline <= d) for d in deadlines
    }


def lever_data(s: Scenario, decided: DecidedLevers) -> LeverData:
    """Bounds and weights of the levers; the savings caps of max-margin and max-fou.

    Both caps default to the new savings the decided plan implies.
    """
    decided_total = max(0.0, sum(decided.savings.values()))
    margin_cap, fou_cap = s.levers.max_total_savings, s.fou.savings_limit
    pension, e = s.levers.pension_purchases, s.equalisation
    return LeverData(
        savings_weights={c: s.levers.savings_weights.get(c, 1.0) for c in s.committees},
        smoothing_weight=s.levers.smoothing_weight,
        max_new_borrowing=s.levers.max_new_borrowing,
        fou_min_tkr=s.fou.min_tkr,
        fou_max_tkr=s.fou.max_tkr,
        fou_years=[y for y in s.years if y >= s.fou.from_year],
        fou_levels=list(s.fou.levels),
        fou_discrete=s.fou.discrete,
        margin_savings_cap=decided_total if margin_cap is None else margin_cap,
        fou_savings_cap=decided_total if fou_cap is None else fou_cap,
        pension_purchase_min_share=(
            pension.min_share_pct / 100 if pension.deferrable else 1.0
        ),
        pension_deferral_weight=pension.cost_weight,
        max_tax_increase_ore=s.levers.tax_rate.max_increase_ore if e else 0.0,
        tax_raise_weight=s.levers.tax_rate.cost_weight,
        investment_shift_share=s.levers.investment_timing.max_shift_pct / 100,
        investment_shift_weight=s.levers.investment_timing.cost_weight,
        revenue_per_ore={
            y: (s.budget.tax_revenue[y] / (e.tax_rate_pct * 100) if e else 0.0)
            for y in s.years
        },
    )


def committee_shares(
    s: Scenario,
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """Shares of operating costs, operating revenue and targeted grants.

    From the committee table of the first year (Tabell 11/12). Costs exclude
    depreciation and FoU, which the model carries as lines of their own.
    """
    first = s.horizon.first_year
    rows = s.budget.committees
    costs = {c: -rows[c].costs for c in s.committees}
    costs[s.assumptions.depreciation_committee] += s.budget.depreciation[first]
    costs[s.assumptions.fou_committee] -= s.budget.basis.fou_tkr[first] / 1000
    revenue = {c: rows[c].revenue - rows[c].targeted_grants for c in s.committees}
    grants = {c: rows[c].targeted_grants for c in s.committees}
    return _normalise(costs), _normalise(revenue), _normalise(grants)


def _normalise(values: dict[str, float]) -> dict[str, float]:
    total = sum(values.values())
    if total == 0:
        return {key: 1 / len(values) for key in values}
    return {key: value / total for key, value in values.items()}


def cost_pressure_index(
    lpik_pct: dict[int, float], volume_pct: dict[int, float], years: list[int]
) -> ByYear:
    """Cumulative cost-pressure factor (LPIK + volume) from the opening year."""
    factors = [1 + (lpik_pct[y] + volume_pct[y]) / 100 for y in years]
    return dict(zip(years, accumulate(factors, lambda a, b: a * b), strict=True))


def _tax_base_index(growth_pct: dict[int, float], years: list[int]) -> ByYear:
    factors = [1 + growth_pct[y] / 100 for y in years]
    return dict(zip(years, accumulate(factors, lambda a, b: a * b), strict=True))


def _tax_revenue(s: Scenario) -> ByYear:
    """Decided tax revenue scaled by the plan's tax base against the basis.

    Tax revenue is taken as proportional to the tax base; growth from the
    opening year on counts, because the budget year's taxes rest on it.
    """
    span = [s.opening.year, *s.years]
    plan = _tax_base_index(s.assumptions.tax_base_growth_pct, span)
    basis = _tax_base_index(s.budget.basis.tax_base_growth_pct, span)
    return {y: s.budget.tax_revenue[y] * plan[y] / basis[y] for y in s.years}


def _national_growth(obj) -> dict[int, float]:
    """National tax-base growth; the region's own where none is given."""
    national = obj.national_tax_base_growth_pct
    return obj.tax_base_growth_pct if national is None else national


def general_grants(s: Scenario) -> ByYear:
    """Budgeted generella statsbidrag, moved by inkomstutjämning where the tax base is revised.

    With base = budgeted tax revenue / tax rate (the region's own tax base) and
    the own and national tax bases revised by factors own and nat against the
    forecasts the budget rests on:
    change = equalisation rate x (guarantee / relative capacity x base x (nat - 1)
    - base x (own - 1)).
    """
    e = s.equalisation
    if e is None:
        return dict(s.budget.general_grants)
    span = [s.opening.year, *s.years]
    basis = s.budget.basis
    own = _tax_base_index(s.assumptions.tax_base_growth_pct, span)
    own_basis = _tax_base_index(basis.tax_base_growth_pct, span)
    nat = _tax_base_index(_national_growth(s.assumptions), span)
    nat_basis = _tax_base_index(_national_growth(basis), span)
    grants = {}
    for y in s.years:
        base = s.budget.tax_revenue[y] / (e.tax_rate_pct / 100)
        guaranteed = e.guarantee_pct / e.relative_tax_capacity_pct
        change = (
            (e.equalisation_rate_pct / 100)
            * base
            * (guaranteed * (nat[y] / nat_basis[y] - 1) - (own[y] / own_basis[y] - 1))
        )
        grants[y] = s.budget.general_grants[y] + change
    return grants


def decided_loans(s: Scenario) -> ByYear:
    """Year-end loans of the decided plan."""
    balance, loans = s.opening.loans, {}
    for y in s.years:
        balance += s.budget.new_long_term_debt[y] - s.budget.debt_repayment[y]
        loans[y] = balance
    return loans


def loan_weights(s: Scenario) -> dict[str, float]:
    """Share of a year a new loan and a repaid loan are outstanding.

    Interest is paid on every month-end balance: a loan raised in January
    counts 12/12 of the year, one repaid in December still counts 11/12.
    """
    weights = {}
    for name in ("borrowing", "repayment"):
        shares = monthly_profiles(s)[name]
        outstanding = sum(sum(shares[:month]) for month in range(1, 13)) / 12
        weights[name] = outstanding if name == "borrowing" else 1 - outstanding
    return weights


def loan_interest(
    rate: float, before: float, new: float, repaid: float, weights: dict[str, float]
) -> float:
    """Interest of a year: rate x the average of the twelve month-end balances."""
    return rate * (
        before + weights["borrowing"] * new - (1 - weights["repayment"]) * repaid
    )


def _pension_financial_costs(s: Scenario) -> ByYear:
    """Financial costs other than loan interest (positive Mkr).

    The published financial costs less the loan interest they imply at the
    basis rate on the decided loans; this part does not move with the plan.
    """
    loans, weights = decided_loans(s), loan_weights(s)
    costs = {}
    for y in s.years:
        before = loans.get(y - 1, s.opening.loans)
        interest = loan_interest(
            s.budget.basis.interest_rate_pct[y] / 100,
            before,
            s.budget.new_long_term_debt[y],
            s.budget.debt_repayment[y],
            weights,
        )
        costs[y] = -s.budget.financial_costs[y] - interest
    return costs


def plan_depreciation(s: Scenario) -> dict[str, ByYear] | None:
    """Depreciation and building book values that the investment plan implies.

    Lives are read from the first year: the buildings' depreciation is what
    Tabell 5's mark och byggnader implies (opening + building investments -
    closing), the equipment's is the rest of the published figure. Opening
    assets and each year's investments are then written off straight-line at
    those lives, investments from the year after. None without building shares.
    """
    shares = s.depreciation.building_share_pct
    if not shares:
        return None
    years, o = s.years, s.opening
    first = years[0]
    invested = s.budget.net_investments
    buildings_in = {
        y: invested[y] * shares.get(y, shares[max(shares)]) / 100 for y in years
    }
    building_depr = (
        o.land_buildings + buildings_in[first] - s.budget.land_buildings[first]
    )
    equipment = o.machinery_equipment + o.intangible_assets
    equipment_depr = -s.budget.depreciation[first] - building_depr
    if building_depr <= 0 or equipment_depr <= 0:
        return None
    life = {"b": o.land_buildings / building_depr, "e": equipment / equipment_depr}
    layers = [("b", o.land_buildings, first), ("e", equipment, first)]
    depreciation, book, building_book = {}, {}, o.land_buildings
    for y in years:
        total = building = 0.0
        for kind, amount, start in layers:
            written = amount / life[kind]
            if start <= y and (y - start) * written < amount:
                total += written
                building += written if kind == "b" else 0.0
        depreciation[y] = total
        building_book += buildings_in[y] - building
        book[y] = building_book
        layers += [
            ("b", buildings_in[y], y + 1),
            ("e", invested[y] - buildings_in[y], y + 1),
        ]
    return {"depreciation": depreciation, "buildings": book}


def _additional_investment_effects(s: Scenario) -> dict[str, ByYear]:
    """Investment, depreciation and book value of investments beyond the frame.

    Written off linearly from the year after the investment.
    """
    life = s.assumptions.additional_investment_life_years
    extra = {y: s.budget.additional_investments.get(y, 0.0) for y in s.years}
    depreciation, book, invested, written_off = {}, {}, 0.0, 0.0
    for y in s.years:
        depreciation[y] = min(invested / life, invested - written_off)
        written_off += depreciation[y]
        invested += extra[y]
        book[y] = invested - written_off
    return {"investment": extra, "depreciation": depreciation, "book_value": book}


def decided_levers(s: Scenario, cost_share: dict[str, float]) -> DecidedLevers:
    """The savings, FoU and borrowing the decided budget implies.

    Savings are permanent reductions in Mkr: the gap between the cost pressure
    (under the basis forecasts) and the decided operating costs excluding FoU,
    split over committees by their share of the first year's costs.
    """
    years = s.years
    basis = s.budget.basis
    pressure = cost_pressure_index(basis.lpik_pct, basis.volume_growth_pct, years)
    base = -s.opening.operating_costs - s.opening.fou_tkr / 1000
    cumulative = {
        y: base * pressure[y] - (-s.budget.operating_costs[y] - basis.fou_tkr[y] / 1000)
        for y in years
    }
    new = {y: cumulative[y] - cumulative.get(y - 1, 0.0) for y in years}
    return DecidedLevers(
        savings={(y, c): new[y] * cost_share[c] for y in years for c in s.committees},
        fou_tkr=dict(s.budget.fou_tkr),
        new_debt=dict(s.budget.new_long_term_debt),
        repayment=dict(s.budget.debt_repayment),
    )


def monthly_profiles(s: Scenario) -> dict[str, list[float]]:
    """Each profile scaled to sum to exactly 1, so months add up to the year."""
    profiles = {}
    for name in type(s.liquidity.profiles).model_fields:
        shares = getattr(s.liquidity.profiles, name)
        total = sum(shares)
        profiles[name] = [share / total for share in shares]
    return profiles


def round_to_step(value: float, step: float, rounding: str) -> float:
    """Round `value` to a multiple of `step` (nearest rounds halves up)."""
    if rounding == "none":
        return value
    quotient = value / step
    whole = {
        "nearest": math.floor(quotient + 0.5),
        "down": math.floor(quotient + 1e-9),
        "up": math.ceil(quotient - 1e-9),
    }[rounding]
    return whole * step


def loan_ceilings(
    s: Scenario,
    buildings: ByYear,
    additional_book_value: ByYear,
    published_holds: bool | None = None,
) -> ByYear:
    """Lånetak per year: fixed, or a share of land and buildings, rounded.

    Land and buildings include investments beyond the frame, so the ceiling
    moves with them (Tabell 7: 100 % av mark och byggnader, avrundat).
    """
    rule = s.rules.loan_ceiling
    if rule.basis == "fixed":
        return dict(rule.limit)
    computed = {
        y: round_to_step(
            rule.share_pct / 100 * (buildings[y] + additional_book_value[y]),
            rule.step,
            rule.rounding,
        )
        for y in s.years
    }
    holds = rule.published_limit_holds if published_holds is None else published_holds
    if holds:
        return {y: min(c, rule.limit.get(y, c)) for y, c in computed.items()}
    return computed
