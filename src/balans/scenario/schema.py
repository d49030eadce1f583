"""Pydantic models of a scenario: the region model merged with a scenario file.

Amounts are Mkr with the signs of the published tables (costs negative), FoU
is in tkr as in the FoU bilaga, rates are in percent. Year-keyed values are
`{year: value}` mappings; which must cover every year of the horizon and which
may name only some years is checked in scenario/consistency.py.
"""

from __future__ import annotations

import datetime
import math
import numbers
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from balans.choices import OBJECTIVES  # noqa: F401 (re-exported for callers)

_DECIMAL_COMMA = re.compile(r"\s*[+-]?[0-9]+,[0-9]+\s*")


def _kind(value: object) -> str:
    """How YAML read `value`, in the words of a scenario file."""
    if isinstance(value, bool):
        return "true/false (yes/no and on/off read as true/false too)"
    if value is None:
        return "empty (null)"
    if isinstance(value, datetime.date):
        return "a date"
    if isinstance(value, str):
        return "text"
    if isinstance(value, numbers.Real):
        return "a number"
    return type(value).__name__


def _number(value: object) -> object:
    """Numbers must be numbers: not a switch, text, date or null."""
    if type(value) is float or type(value) is int:  # the common case, checked fast
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _DECIMAL_COMMA.fullmatch(value):
        point = value.strip().replace(",", ".")
        raise ValueError(f"must be a number: write {point} with a decimal point")
    if isinstance(value, dict | list):
        return value  # pydantic names the type
    raise ValueError(f"must be a number, not {_kind(value)}")


def _whole(value: object) -> object:
    """Counts and years must be whole numbers, not switches or text."""
    if isinstance(value, str) and _DECIMAL_COMMA.fullmatch(value):
        point = value.strip().replace(",", ".")
        raise ValueError(
            f"must be a whole number, not text ({value!r} has a decimal comma: "
            f"{point} with a decimal point is still not whole)"
        )
    if isinstance(value, bool) or not isinstance(value, numbers.Real | dict | list):
        raise ValueError(f"must be a whole number, not {_kind(value)}")
    return value


def _switch(value: object) -> object:
    """Switches must be true or false, not 0, 1 or the text "false"."""
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {_kind(value)}")
    return value


# Strict types: a switch is never a number, and a number never a switch or text.
Number = Annotated[float, BeforeValidator(_number)]
Whole = Annotated[int, BeforeValidator(_whole)]
Switch = Annotated[bool, BeforeValidator(_switch)]
Objective = Literal[OBJECTIVES]  # the command line's choices (balans.choices)
Priority = Literal["law", "council", "aim", "capacity"]


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


def _non_negative(value: float) -> float:
    if value < 0:
        raise ValueError("must be >= 0 (an amount that cannot be negative)")
    return value


def _non_positive(value: float) -> float:
    if value > 0:
        raise ValueError("must be <= 0 (costs are negative, as in the tables)")
    return value


def _in_range(low: float, high: float, meaning: str = ""):
    def check(value: float) -> float:
        if not low <= value <= high:
            raise ValueError(f"must lie between {low:g} and {high:g}{meaning}")
        return value

    return check


Amount = Annotated[Number, AfterValidator(_finite)]
NonNegative = Annotated[Amount, AfterValidator(_non_negative)]
NonPositive = Annotated[Amount, AfterValidator(_non_positive)]
Percent = Annotated[Amount, AfterValidator(_in_range(-100.0, 100.0))]
# What a budget can mean: a share of something (0-100 %), a yearly growth or
# price change (-50 to +50 %), an interest rate (0-30 %; a negative rate would
# let the plan earn money by borrowing).
Share = Annotated[
    Amount, AfterValidator(_in_range(0.0, 100.0, " (a share in percent)"))
]
Growth = Annotated[
    Amount, AfterValidator(_in_range(-50.0, 50.0, " (a yearly change in percent)"))
]
InterestRate = Annotated[
    Amount,
    AfterValidator(
        _in_range(
            0.0, 30.0, " (a yearly rate in percent; below 0 borrowing earns money)"
        )
    ),
]
Year = Annotated[Whole, Field(ge=1900, le=2200)]
# A year as a mapping key: 2026 and "2026" are the same year.
YearKey = Annotated[int, Field(ge=1900, le=2200)]

Series = dict[YearKey, Amount]
NonNegativeSeries = dict[YearKey, NonNegative]
NonPositiveSeries = dict[YearKey, NonPositive]
PercentSeries = dict[YearKey, Percent]
ShareSeries = dict[YearKey, Share]
GrowthSeries = dict[YearKey, Growth]
InterestSeries = dict[YearKey, InterestRate]


class Strict(BaseModel):
    """Base for every section: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Horizon(Strict):
    """The planning years: the budget year and the plan years after it."""

    first_year: Year = Field(description="First year of the plan (budgetår).")
    last_year: Year = Field(description="Last year of the plan (planår).")

    @model_validator(mode="after")
    def _ordered(self) -> Horizon:
        if self.last_year < self.first_year:
            raise ValueError("last_year must not be before first_year")
        if self.last_year - self.first_year > 50:
            raise ValueError("a horizon of more than 50 years is not supported")
        return self

    @property
    def years(self) -> list[int]:
        """Every year of the horizon, in order."""
        return list(range(self.first_year, self.last_year + 1))


class Committee(Strict):
    """A committee (nämnd) of the region model."""

    sv_name: str = Field(description="Swedish name, as in the budget document.")
    en_name: str = Field(description="English name for --lang en.")


class LineLabel(Strict):
    """One line of a statement as the region names it."""

    id: str = Field(description="The line id the model computes (e.g. result).")
    sv: str = Field(description="Swedish label, as in the budget document.")
    en: str = Field(description="English label for --lang en.")


StatementName = Literal["income", "balance", "cash_flow", "restoration"]


class CommitteeBudget(Strict):
    """One row of the committee table (Tabell 11/12) for the frame year."""

    costs: NonPositive = Field(description="Gross costs incl. depreciation (Mkr).")
    revenue: NonNegative = Field(
        description="Operating revenue incl. targeted grants (Mkr)."
    )
    targeted_grants: NonNegative = Field(
        0.0, description="Part of revenue that is targeted state grants (Tabell 10)."
    )
    taxes_and_general_grants: NonNegative = Field(
        0.0, description="Financing carried by the committee (RS only)."
    )


class Opening(Strict):
    """The balance sheet at the end of the year before the horizon (Tabell 5)."""

    year: Year
    intangible_assets: NonNegative
    land_buildings: NonNegative
    machinery_equipment: NonNegative
    financial_fixed_assets: NonNegative
    long_term_receivables: NonNegative
    inventories: NonNegative
    short_term_receivables: NonNegative
    pension_investments: NonNegative = Field(
        description="Kortfristiga placeringar (pensionsplaceringar)."
    )
    cash: Amount
    equity: Amount
    pension_provisions: NonNegative = Field(
        description="Pension provisions incl. special payroll tax."
    )
    other_provisions: NonNegative
    long_term_liabilities: NonNegative
    short_term_liabilities: NonNegative
    loans: NonNegative = Field(
        description="Interest-bearing long-term loans within long_term_liabilities."
    )
    operating_costs: NonPositive = Field(
        description="Operating costs of the opening year (cost-pressure base)."
    )
    depreciation: NonPositive
    net_operating_costs: NonPositive
    fou_tkr: NonNegative = Field(description="FoU-medel in the opening year (tkr).")
    tax_and_general_grants: NonNegative | None = Field(
        None,
        description="Skatter + generella statsbidrag of the opening year, without the "
        "pharma grant (for the opening year's debt ratio).",
    )
    pharma_grant: NonNegative | None = Field(
        None, description="Statsbidrag läkemedel of the opening year."
    )
    pension_commitments: NonNegative | None = Field(
        None,
        description="Ansvarsförbindelse incl. löneskatt at the end of the opening "
        "year (the base of soliditet including pension obligations).",
    )

    @model_validator(mode="after")
    def _loans_within_liabilities(self) -> Opening:
        if self.loans > self.long_term_liabilities + 1e-9:
            raise ValueError(
                "loans must not exceed long_term_liabilities "
                f"({self.loans:g} > {self.long_term_liabilities:g})"
            )
        return self


class Basis(Strict):
    """The forecasts the decided figures rest on (so levers can be derived)."""

    lpik_pct: GrowthSeries
    volume_growth_pct: GrowthSeries
    tax_base_growth_pct: GrowthSeries
    national_tax_base_growth_pct: GrowthSeries | None = Field(
        None, description="National tax-base growth the budget rests on (default: own)."
    )
    interest_rate_pct: InterestSeries
    fou_tkr: NonNegativeSeries = Field(
        description="FoU level inside the published operating costs (tkr)."
    )


class Budget(Strict):
    """The decided budget: published lines and decided amounts."""

    operating_revenue: NonNegativeSeries
    targeted_grants: NonNegativeSeries
    operating_costs: NonPositiveSeries
    depreciation: NonPositiveSeries
    tax_revenue: NonNegativeSeries
    general_grants: NonNegativeSeries
    pharma_grant: NonNegativeSeries
    financial_income: NonNegativeSeries
    financial_costs: NonPositiveSeries
    pension_liability_increase: Series
    net_investments: NonNegativeSeries
    pension_portfolio_purchases: NonNegativeSeries
    new_long_term_debt: NonNegativeSeries
    debt_repayment: NonNegativeSeries
    land_buildings: NonNegativeSeries
    intangible_assets: NonNegativeSeries
    financial_fixed_assets: NonNegativeSeries
    fou_tkr: NonNegativeSeries
    pension_commitments: NonNegativeSeries = Field(
        default_factory=dict,
        description="Ansvarsförbindelse: pensions earned before 1998, outside the "
        "balance sheet, excluding löneskatt (Tabell 5 memo line), Mkr.",
    )
    pension_commitments_payroll_tax: NonNegativeSeries = Field(
        default_factory=dict,
        description="Löneskatt on the ansvarsförbindelse (Tabell 5 memo line), Mkr.",
    )
    additional_investments: NonNegativeSeries = Field(
        default_factory=dict,
        description="Investments on top of the frame (e.g. Getingen 11), Mkr.",
    )
    committees: dict[str, CommitteeBudget]
    basis: Basis


class Assumptions(Strict):
    """Forecasts and readings for the plan; what-ifs change these."""

    lpik_pct: GrowthSeries
    volume_growth_pct: GrowthSeries
    tax_base_growth_pct: GrowthSeries
    national_tax_base_growth_pct: GrowthSeries | None = Field(
        None,
        description="Growth of the national tax base per inhabitant (default: as the "
        "region's own, so a revision of the region's forecast is a national one).",
    )
    interest_rate_pct: InterestSeries
    depreciation_committee: str
    fou_committee: str = Field(description="The committee whose frame pays FoU.")
    pension_payroll_tax_pct: Share
    additional_investment_life_years: Annotated[Number, Field(gt=0, le=100)]
    fou_heroma_factor: Annotated[Number, Field(gt=0, le=1)] = Field(
        description="Share of the pre-2021 purchasing power one FoU krona has now."
    )


MONTHS = 12


def _monthly_profile(shares: list[float]) -> list[float]:
    if len(shares) != MONTHS:
        raise ValueError(f"{len(shares)} months given, a profile needs {MONTHS}")
    for month, share in enumerate(shares, start=1):
        if not math.isfinite(share) or share < 0:
            raise ValueError(f"month {month}: share {share!r} must be a number >= 0")
    total = sum(shares)
    if abs(total - 1.0) > 1e-6:
        raise ValueError(f"the 12 shares sum to {total:.6g}, they must sum to 1")
    return shares


Profile = Annotated[list[Number], AfterValidator(_monthly_profile)]


class Profiles(Strict):
    """How each annual flow spreads over January..December (shares summing to 1)."""

    taxes: Profile = Field(description="Tax revenue, general grants, pharma grant.")
    revenue: Profile = Field(description="Operating revenue and targeted grants.")
    costs: Profile = Field(description="Operating payments (salaries, purchases).")
    pension_payment: Profile = Field(description="The yearly pension payment.")
    financial: Profile = Field(description="Financial income and interest payments.")
    investments: Profile = Field(description="Net investments.")
    pension_purchases: Profile = Field(description="Pension portfolio purchases.")
    borrowing: Profile = Field(description="New long-term loans.")
    repayment: Profile = Field(description="Repayments of long-term loans.")


class Liquidity(Strict):
    """The months inside each year: profiles and short-term credit."""

    profiles: Profiles
    pension_payment: NonNegativeSeries = Field(
        description="Part of operating payments paid as one pension payment (Mkr)."
    )
    credit_limit: NonNegativeSeries = Field(
        description="Short-term credit (checkkredit) available in a month (Mkr)."
    )
    credit_rate_pct: InterestSeries = Field(
        description="Yearly rate on credit drawn (percent of the average balance)."
    )


class Equalisation(Strict):
    """Inkomstutjämning: how the generella statsbidrag move when the tax base is revised.

    The region gets (guarantee x national tax base per inhabitant - its own) x
    inhabitants x the equalisation rate. So a revision of its own tax base alone
    is largely compensated (only tax_rate - equalisation_rate of it remains),
    while a national revision moves the guaranteed level as well.
    """

    tax_rate_pct: Annotated[Number, Field(gt=0, le=30)] = Field(
        description="The region's utdebitering, kr per 100 kr (percent of the base)."
    )
    equalisation_rate_pct: Annotated[Number, Field(ge=0, le=30)] = Field(
        description="Utjämningsskattesats of the region's county, percent."
    )
    guarantee_pct: Annotated[Number, Field(gt=0, le=200)] = Field(
        description="Guaranteed tax base, percent of the national average per inhabitant."
    )
    relative_tax_capacity_pct: Annotated[Number, Field(gt=0, le=200)] = Field(
        description="The region's own tax base per inhabitant, percent of the national."
    )


class DepreciationSettings(Strict):
    """Avskrivningar: as published, or following the investment plan.

    With `building_share_pct` the model also computes what the investment plan
    implies: straight-line at lives read from the first year (the buildings'
    depreciation is what Tabell 5's mark och byggnader implies; equipment takes
    the rest of the published figure), for the opening assets and every year's
    investments from the year after. `basis: investment_plan` then uses it, and
    land and buildings (so the lånetak) follow the building investments.
    """

    basis: Literal["published", "investment_plan"] = "published"
    building_share_pct: PercentSeries = Field(
        default_factory=dict,
        description="Share of each year's net investments that are buildings (Tabell 8).",
    )


class Balanskrav(Strict):
    """From årets resultat to the balanskravsresultat that restoration works on.

    balanskravsresultat = årets resultat + adjustments (minus realisationsvinster
    and unrealised gains on financial assets, plus unrealised losses: Kommunallagen
    11 kap., LKBR) - reservations to the resultatreserv + use of it. Tabell 3
    restores årets resultat, so the adjustments are 0 by default.
    """

    adjustments: Series = Field(
        default_factory=dict,
        description="Balanskravsjusteringar per year, Mkr (negative: gains removed).",
    )
    reserve_deposits: NonNegativeSeries = Field(
        default_factory=dict,
        description="Reservation to the resultatreserv (former RUR), Mkr.",
    )
    reserve_use: NonNegativeSeries = Field(
        default_factory=dict,
        description="Use of the resultatreserv, Mkr (needs a reserve to draw on).",
    )
    opening_reserve: NonNegative = Field(
        0.0, description="Resultatreserv at the end of the opening year, Mkr."
    )


class Debt(Strict):
    """Amortisation policy of long-term loans."""

    amortisation_min_pct: ShareSeries = Field(
        default_factory=dict,
        description="Least repayment per year, percent of the opening loans.",
    )


class BasAlf(Strict):
    """BAS-ALF feedback: the research premium as a function of earlier FoU.

    premium[y] = elasticity x (FoU[y - lag] - reference_fou_tkr), added to RS's
    operating revenue. The documents do not allow the elasticity to be
    estimated, so the decided scenario sets it to 0 (no feedback).
    """

    elasticity: Annotated[Number, Field(ge=0, le=10)] = Field(
        description="tkr of premium per tkr of FoU `lag_years` earlier."
    )
    lag_years: Annotated[Whole, Field(ge=0, le=10)]
    reference_fou_tkr: NonNegative = Field(
        description="The FoU level the current premium (1770 tkr in 2024) rests on."
    )


GrantCategory = Literal["phd_parttime", "postdoc_parttime", "project_funds"]


class CalibrationPoint(Strict):
    """A year's FoU level and the grants it gave (FoU bilaga follow-up)."""

    year: Year
    fou_tkr: NonNegative
    granted: dict[GrantCategory, Annotated[Whole, Field(ge=0)]]


class Allocation(Strict):
    """How a FoU level becomes grants per category (the bilaga's strategy).

    From the reference allocation, a change of the level is split over the
    categories by `cut_shares` (a cut) or `growth_shares` (an increase); each
    category's money buys whole grants of `grant_size_tkr`, at most `demand`.
    """

    grant_size_tkr: dict[GrantCategory, Annotated[Number, Field(gt=0, le=1e5)]]
    demand: dict[GrantCategory, Annotated[Whole, Field(ge=0)]] = Field(
        description="Applications received (the most grants a category can use)."
    )
    reference: CalibrationPoint = Field(
        description="The allocation changes start from."
    )
    cut_shares: dict[GrantCategory, Annotated[Number, Field(ge=0, le=1)]]
    growth_shares: dict[GrantCategory, Annotated[Number, Field(ge=0, le=1)]]
    calibration: list[CalibrationPoint] = Field(default_factory=list)

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Allocation:
        for name in ("cut_shares", "growth_shares"):
            total = sum(getattr(self, name).values())
            if abs(total - 1) > 1e-6:
                raise ValueError(f"{name} sum to {total:.6g}, they must sum to 1")
        return self


class FouSettings(Strict):
    """FoU-medel: how free the level is, and what a level buys."""

    min_tkr: NonNegative = 0.0
    max_tkr: NonNegative = Field(description="Upper bound of FoU for max-fou (tkr).")
    levels: list[NonNegative] = Field(
        default_factory=list,
        description="Discrete levels (tkr) for `balans fou` and for a discrete max-fou.",
    )
    discrete: Switch = Field(
        False, description="max-fou chooses among `levels` (a mixed-integer solve)."
    )
    from_year: Year = Field(description="First year the FoU decision applies to.")
    population: Annotated[Number, Field(gt=0)] = Field(
        description="Inhabitants for FoU per 100 000 inhabitants."
    )
    pre_2021_level_tkr: NonNegative = Field(
        description="FoU level before the Heroma change (tkr), for the purchasing-power finding."
    )
    benchmarks: dict[str, NonNegative] = Field(
        default_factory=dict,
        description="Other regions' FoU, tkr per 100 000 inhabitants.",
    )
    payroll_overhead_pct: ShareSeries = Field(
        description="PO-pålägg, percent of salaries (Tabell 24)."
    )
    savings_limit: NonNegative | None = Field(
        None,
        description="max-fou: cap on the horizon's new savings (Mkr); "
        "default the savings the decided plan implies.",
    )
    bas_alf: BasAlf
    allocation: Allocation

    @model_validator(mode="after")
    def _bounds(self) -> FouSettings:
        if self.max_tkr < self.min_tkr:
            raise ValueError("max_tkr must not be below min_tkr")
        return self


class Rule(Strict):
    """Common switches of a rule (målvärde)."""

    enabled: Switch = True
    penalty: Annotated[Number, Field(gt=0, le=1e6)] = Field(
        1000.0,
        description="Weight per Mkr of slack: in the diagnosis, and within the rule's "
        "priority when targets conflict.",
    )
    priority: Priority | None = Field(
        None,
        description="law, council, aim or capacity (never relaxed by the closest "
        "plan); default the registry's (docs/model.md, Priorities).",
    )
    aim_weight: Annotated[Number, Field(ge=0, le=1e3)] = Field(
        0.5,
        description="For a rule of priority aim: objective units per Mkr it falls "
        "short (below 1: a Mkr of savings is worth more than a Mkr of the aim).",
    )


class FramesRule(Rule):
    """Nämnd ramar: each committee's net cost within its frame."""

    frames: dict[str, NonNegativeSeries] = Field(
        description="Net frame (Mkr, positive = net cost allowed) per committee."
    )


class ResultRule(Rule):
    """Årets resultat at least a minimum in every year."""

    minimum: Series


class ResultShareRule(Rule):
    """Årets resultat at least a share of skatter och generella statsbidrag.

    The financial target Swedish regions commonly set for god ekonomisk
    hushållning (often 2 %). Revenue is read as in the debt ratio
    (`rules.debt_ratio.include_pharma_grant`).
    """

    enabled: Switch = False
    share_pct: Annotated[Number, Field(ge=-100, le=100)] = Field(
        2.0, description="Minimum result, percent of skatter och generella statsbidrag."
    )
    from_year: Year | None = Field(
        None, description="First year the rule applies (default: the budget year)."
    )


class ResultTargetRule(Rule):
    """Årets resultat at least the council's target level (Mkr) in the given years."""

    enabled: Switch = False
    minimum: Series = Field(default_factory=dict)


class StructuralBalanceRule(Rule):
    """The last year's result covers the next year's cost growth net of revenue growth.

    A plan restored in the target year must not fall back into deficit the year
    after: with no new savings, next year's costs grow by the last year's
    LPIK + volume and its taxes and general grants by the last year's tax-base
    growth; the projected result must stay at least `minimum`.
    """

    enabled: Switch = False
    minimum: Amount = Field(
        0.0, description="Least projected result of the year after (Mkr)."
    )


class SavingsRampRule(Rule):
    """New savings per committee change by at most a share of its costs from year to year."""

    enabled: Switch = False
    max_increase_pct: Annotated[Number, Field(ge=0, le=100)] | None = Field(
        1.5,
        description="Largest rise of a committee's new savings on the year before, "
        "% of its cost pressure (null: no limit).",
    )
    max_decrease_pct: Annotated[Number, Field(ge=0, le=100)] | None = Field(
        None,
        description="Largest fall, % of its cost pressure (null: no limit; savings are "
        "permanent, so fewer new savings is no rebound).",
    )


class Vintage(Strict):
    """One year's unrestored negative balanskravsresultat."""

    year: Year
    amount: NonNegative = Field(description="Mkr still to restore (positive).")
    deadline: Year = Field(description="Last year whose result may restore it.")


class RestorationRule(Rule):
    """Återställande: accumulated deficits restored by the target year."""

    target_year: Year
    vintages: list[Vintage]
    enforce_vintage_deadlines: Switch = True
    printed_prior_result: Amount | None = Field(
        None, description="The prior-year result as Tabell 3 prints it (finding 1)."
    )


class DebtRatioRule(Rule):
    """Skuldsättningstak: interest-bearing debt / financing below a ceiling."""

    limit_pct: ShareSeries
    numerator: Literal["loans", "long_term_liabilities"] = "loans"
    include_pharma_grant: Switch = True
    reported_outcome_pct: Annotated[Number, Field(ge=0, le=100)] | None = Field(
        None,
        description="The debt ratio reported for the opening year, to test the "
        "readings against (docs/findings.md).",
    )


class LoanCeilingRule(Rule):
    """Lånetak: long-term loans at most the ceiling (Mkr).

    With `basis: land_buildings` the ceiling is `share_pct` of land and buildings,
    rounded to `step` Mkr, so it moves with the investments; with `basis: fixed`
    it is `limit` as given.
    """

    basis: Literal["land_buildings", "fixed"] = "land_buildings"
    share_pct: Annotated[Number, Field(gt=0, le=1000)] = 100.0
    rounding: Literal["nearest", "down", "up", "none"] = "nearest"
    step: Annotated[Number, Field(gt=0, le=10000)] = 50.0
    limit: NonNegativeSeries = Field(
        default_factory=dict,
        description="Fixed ceilings (basis: fixed), or the published ones to check.",
    )
    published_limit_holds: Switch = Field(
        False,
        description="With basis land_buildings: where `limit` gives a year, the "
        "stricter of it and the computed ceiling holds.",
    )


class LiquidityRule(Rule):
    """Likviditetsgolv: likvida medel at the end of every month at least the floor (Mkr).

    Likvida medel are the region's own funds: the bank balance without drawn
    short-term credit. With `count_unused_credit` the unused checkkredit counts too.
    """

    floor: Series
    count_unused_credit: Switch = Field(
        False, description="Unused checkkredit counts towards the floor."
    )


class SavingsCapacityRule(Rule):
    """New savings per committee and year at most a share of its costs."""

    max_pct: Annotated[Number, Field(ge=0, le=100)]
    per_committee_pct: dict[str, Annotated[Number, Field(ge=0, le=100)]] = Field(
        default_factory=dict
    )


class FouBenchmarkRule(Rule):
    """FoU per inhabitant at least another region's level from a year on."""

    enabled: Switch = False
    region: str = Field(description="A region in fou.benchmarks.")
    from_year: Year


class KeyFigures(Strict):
    """Reported key figures (not constraints): targets from Tabell 1."""

    net_cost_growth_pct: GrowthSeries = Field(default_factory=dict)
    gross_cost_growth_pct: GrowthSeries = Field(default_factory=dict)


class Rules(Strict):
    """Every målvärde of the plan; each can be switched off."""

    committee_frames: FramesRule
    result_non_negative: ResultRule
    result_share_of_revenue: ResultShareRule = Field(default_factory=ResultShareRule)
    result_target: ResultTargetRule = Field(default_factory=ResultTargetRule)
    structural_balance: StructuralBalanceRule = Field(
        default_factory=StructuralBalanceRule
    )
    savings_ramp: SavingsRampRule = Field(default_factory=SavingsRampRule)
    restoration: RestorationRule
    debt_ratio: DebtRatioRule
    loan_ceiling: LoanCeilingRule
    liquidity_floor: LiquidityRule
    savings_capacity: SavingsCapacityRule
    fou_per_inhabitant: FouBenchmarkRule
    key_figures: KeyFigures = Field(default_factory=KeyFigures)


class Planning(Strict):
    """What the optimiser may change, and what it does when targets conflict."""

    locked_years: list[Year] | None = Field(
        None,
        description="Years whose levers stay at the decided values (default: the "
        "budget year, whose frames are decided).",
    )
    strict: Switch = Field(
        False,
        description="No plan unless every target holds (exit 2 with the diagnosis) "
        "instead of the closest plan by priority.",
    )


class PensionPurchaseLever(Strict):
    """Deferring the yearly purchase for the pension portfolio (off by default).

    The documents set 100 Mkr a year 2025-2028 and a consolidation target of 100 %
    by 2040, but say nothing on whether a year's purchase may wait.
    """

    deferrable: Switch = Field(False, description="The optimiser may buy less.")
    min_share_pct: Annotated[Number, Field(ge=0, le=100)] = Field(
        0.0, description="Least share of the decided purchase bought each year."
    )
    cost_weight: Annotated[Number, Field(ge=0, le=100)] = Field(
        0.5, description="Objective units per Mkr of purchase deferred."
    )


class TaxRateLever(Strict):
    """Raising the utdebitering (off by default: the budget decides 11.70 kr).

    One öre brings in the year's tax revenue / (tax rate x 100); an increase
    stays for the following years. Needs the `equalisation` section (tax rate).
    """

    max_increase_ore: Annotated[Number, Field(ge=0, le=200)] = Field(
        0.0, description="Largest increase in one year, öre (0: off)."
    )
    cost_weight: Annotated[Number, Field(ge=0, le=100)] = Field(
        2.0, description="Objective units per Mkr of tax raised in a year."
    )


class InvestmentTimingLever(Strict):
    """Moving net investments between years within the horizon's frame (off by default).

    The horizon's total stays as decided; a year may move by at most
    `max_shift_pct` of its decided investments. Cash and loans follow; the book
    values, depreciation and lånetak stay those of the decided plan (a timing
    shift inside the frame, as the regionplan's "omprioriteringar inom befintlig
    ram" and the 87 Mkr carried from 2024 to 2025 describe).
    """

    max_shift_pct: Annotated[Number, Field(ge=0, le=100)] = Field(
        0.0, description="Largest change of a year's investments, % (0: off)."
    )
    cost_weight: Annotated[Number, Field(ge=0, le=100)] = Field(
        0.2, description="Objective units per Mkr moved from its decided year."
    )


class Levers(Strict):
    """How free the optimiser is."""

    savings_weights: dict[str, Annotated[Number, Field(gt=0, le=1e3)]] = Field(
        default_factory=dict, description="Weight per committee (default 1)."
    )
    max_new_borrowing: NonNegative = Field(
        1000.0, description="Upper bound on new long-term loans per year (Mkr)."
    )
    smoothing_weight: Annotated[Number, Field(ge=0, le=100)] = Field(
        0.0,
        description="Objective weight per Mkr of year-to-year change in a committee's "
        "new savings (0: no smoothing term).",
    )
    max_total_savings: NonNegative | None = Field(
        None,
        description="max-margin only: cap on the new savings of the whole horizon "
        "(Mkr); default the savings the decided plan implies.",
    )
    pension_purchases: PensionPurchaseLever = Field(
        default_factory=PensionPurchaseLever
    )
    tax_rate: TaxRateLever = Field(default_factory=TaxRateLever)
    investment_timing: InvestmentTimingLever = Field(
        default_factory=InvestmentTimingLever
    )


class Scenario(Strict):
    """A fully merged, validated scenario."""

    region: str
    name: str
    title: str = ""
    description: str = ""
    horizon: Horizon
    committees: dict[str, Committee]
    statements: dict[StatementName, list[LineLabel]] = Field(
        description="Lines of each statement in report order, with labels."
    )
    opening: Opening
    budget: Budget
    assumptions: Assumptions
    liquidity: Liquidity
    fou: FouSettings
    debt: Debt = Field(default_factory=Debt)
    balanskrav: Balanskrav = Field(default_factory=Balanskrav)
    depreciation: DepreciationSettings = Field(default_factory=DepreciationSettings)
    equalisation: Equalisation | None = Field(
        None,
        description="Inkomstutjämning; without it the generella statsbidrag stay as "
        "budgeted whatever the tax base does.",
    )
    rules: Rules
    levers: Levers = Field(default_factory=Levers)
    objective: Objective = "min-savings"
    planning: Planning = Field(default_factory=Planning)

    @property
    def years(self) -> list[int]:
        """The horizon's years."""
        return self.horizon.years
