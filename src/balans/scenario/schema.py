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
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from balans.choices import OBJECTIVES  # noqa: F401 (re-exported for callers)
from balans.scenario.meta import field

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
            f"must be a whole number, not text ({value.strip()} with a decimal "
            f"point is {point})"
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

    first_year: Year = field(
        unit="year",
        description="First year of the plan (budgetår).",
        sv="Planens första år (budgetåret).",
    )
    last_year: Year = field(
        unit="year",
        description="Last year of the plan (planår).",
        sv="Planens sista år (sista planåret).",
    )

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

    sv_name: str = field(
        description="Swedish name, as in the budget document.",
        sv="Svenskt namn, som i budgetdokumentet.",
    )
    en_name: str = field(
        description="English name for --lang en.", sv="Engelskt namn för --lang en."
    )


class LineLabel(Strict):
    """One line of a statement as the region names it."""

    id: str = field(
        description="The line id the model computes (e.g. result).",
        sv="Radens id i modellen (t.ex. result).",
    )
    sv: str = field(
        description="Swedish label, as in the budget document.",
        sv="Svensk benämning, som i budgetdokumentet.",
    )
    en: str = field(
        description="English label for --lang en.",
        sv="Engelsk benämning för --lang en.",
    )


StatementName = Literal["income", "balance", "cash_flow", "restoration"]


class CommitteeBudget(Strict):
    """One row of the committee table (Tabell 11/12) for the frame year."""

    costs: NonPositive = field(
        unit="Mkr",
        description="Gross costs incl. depreciation.",
        sv="Bruttokostnader inkl. avskrivningar.",
    )
    revenue: NonNegative = field(
        unit="Mkr",
        description="Operating revenue incl. targeted grants.",
        sv="Verksamhetens intäkter inkl. riktade statsbidrag.",
    )
    targeted_grants: NonNegative = field(
        0.0,
        unit="Mkr",
        description="Part of revenue that is targeted state grants (Tabell 10).",
        sv="Den del av intäkterna som är riktade statsbidrag (Tabell 10).",
    )
    taxes_and_general_grants: NonNegative = field(
        0.0,
        unit="Mkr",
        description="Financing carried by the committee (RS only).",
        sv="Finansiering som nämnden bär (bara RS).",
    )


class Opening(Strict):
    """The balance sheet at the end of the year before the horizon, and its flows.

    The balance sheet is Tabell 5's; the flows of that year (Tabell 2) are what
    the plan's growth rates start from.
    """

    year: Year = field(
        unit="year",
        description="The opening year: must be horizon.first_year - 1.",
        sv="Ingångsåret: året före horisontens första år.",
    )
    intangible_assets: NonNegative = field(
        unit="Mkr",
        description="Immateriella tillgångar.",
        sv="Immateriella tillgångar.",
    )
    land_buildings: NonNegative = field(
        unit="Mkr", description="Mark och byggnader.", sv="Mark och byggnader."
    )
    machinery_equipment: NonNegative = field(
        unit="Mkr",
        description="Maskiner och inventarier.",
        sv="Maskiner och inventarier.",
    )
    financial_fixed_assets: NonNegative = field(
        unit="Mkr",
        description="Finansiella anläggningstillgångar.",
        sv="Finansiella anläggningstillgångar.",
    )
    long_term_receivables: NonNegative = field(
        unit="Mkr",
        description="Långfristiga fordringar.",
        sv="Långfristiga fordringar.",
    )
    inventories: NonNegative = field(unit="Mkr", description="Förråd.", sv="Förråd.")
    short_term_receivables: NonNegative = field(
        unit="Mkr",
        description="Kortfristiga fordringar.",
        sv="Kortfristiga fordringar.",
    )
    pension_investments: NonNegative = field(
        unit="Mkr",
        description="Kortfristiga placeringar (pensionsplaceringar).",
        sv="Kortfristiga placeringar (pensionsplaceringar).",
    )
    cash: Amount = field(
        unit="Mkr",
        description="Kassa och bank: the cash balance the plan starts from.",
        sv="Kassa och bank: kassan som planen börjar från.",
    )
    equity: Amount = field(
        unit="Mkr",
        description="Eget kapital (negative for RJH).",
        sv="Eget kapital (negativt för RJH).",
    )
    pension_provisions: NonNegative = field(
        unit="Mkr",
        description="Pension provisions incl. special payroll tax.",
        sv="Avsättningar för pensioner inkl. särskild löneskatt.",
    )
    other_provisions: NonNegative = field(
        unit="Mkr", description="Övriga avsättningar.", sv="Övriga avsättningar."
    )
    long_term_liabilities: NonNegative = field(
        unit="Mkr",
        description="Långfristiga skulder: loans plus other long-term liabilities.",
        sv="Långfristiga skulder: lån och övriga långfristiga skulder.",
    )
    short_term_liabilities: NonNegative = field(
        unit="Mkr", description="Kortfristiga skulder.", sv="Kortfristiga skulder."
    )
    loans: NonNegative = field(
        unit="Mkr",
        description="Interest-bearing long-term loans within long_term_liabilities.",
        sv="Räntebärande långfristiga lån, en del av de långfristiga skulderna.",
    )
    operating_costs: NonPositive = field(
        unit="Mkr",
        description="Operating costs of the opening year (cost-pressure base).",
        sv="Verksamhetens kostnader ingångsåret (bas för kostnadstrycket).",
    )
    depreciation: NonPositive = field(
        unit="Mkr",
        description="Depreciation of the opening year (cost-growth base).",
        sv="Avskrivningar ingångsåret (bas för kostnadsutvecklingen).",
    )
    net_operating_costs: NonPositive = field(
        unit="Mkr",
        description="Net operating costs of the opening year (net cost-growth base).",
        sv="Verksamhetens nettokostnader ingångsåret (bas för "
        "nettokostnadsutvecklingen).",
    )
    fou_tkr: NonNegative = field(
        unit="tkr",
        description="FoU-medel in the opening year.",
        sv="FoU-medel ingångsåret.",
    )
    tax_and_general_grants: NonNegative | None = field(
        None,
        unit="Mkr",
        description="Skatter + generella statsbidrag of the opening year, without the "
        "pharma grant (for the opening year's debt ratio).",
        sv="Skatter och generella statsbidrag ingångsåret, utan läkemedelsbidraget "
        "(för ingångsårets skuldsättningsgrad).",
    )
    pharma_grant: NonNegative | None = field(
        None,
        unit="Mkr",
        description="Statsbidrag läkemedel of the opening year.",
        sv="Statsbidrag läkemedel ingångsåret.",
    )
    pension_commitments: NonNegative | None = field(
        None,
        unit="Mkr",
        description="Ansvarsförbindelse incl. löneskatt at the end of the opening "
        "year (the base of soliditet including pension obligations).",
        sv="Ansvarsförbindelse inkl. löneskatt vid ingångsårets slut (basen för "
        "soliditet inkl. pensionsförpliktelser).",
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

    lpik_pct: GrowthSeries = field(
        unit="%",
        description="LPIK the decided costs assume (cost pressure).",
        sv="LPIK som de beslutade kostnaderna bygger på (kostnadstryck).",
    )
    volume_growth_pct: GrowthSeries = field(
        unit="%",
        description="Volume growth the decided costs assume (cost pressure).",
        sv="Volymökning som de beslutade kostnaderna bygger på (kostnadstryck).",
    )
    tax_base_growth_pct: GrowthSeries = field(
        unit="%",
        description="Tax-base growth the decided tax revenue assumes; includes the "
        "opening year.",
        sv="Skatteunderlagets ökning som de beslutade skatteintäkterna bygger på; "
        "inkluderar ingångsåret.",
    )
    national_tax_base_growth_pct: GrowthSeries | None = field(
        None,
        unit="%",
        description="National tax-base growth the budget rests on (default: own).",
        sv="Det nationella skatteunderlagets ökning som budgeten bygger på "
        "(standard: regionens egen).",
    )
    interest_rate_pct: InterestSeries = field(
        unit="%",
        description="Loan rate the published financial costs assume.",
        sv="Låneränta som de publicerade finansiella kostnaderna bygger på.",
    )
    fou_tkr: NonNegativeSeries = field(
        unit="tkr",
        description="FoU level inside the published operating costs.",
        sv="FoU-nivån i de publicerade verksamhetskostnaderna.",
    )


class Budget(Strict):
    """The decided budget: published lines and decided amounts."""

    operating_revenue: NonNegativeSeries = field(
        unit="Mkr",
        description="Verksamhetens intäkter (Tabell 2).",
        sv="Verksamhetens intäkter (Tabell 2).",
    )
    targeted_grants: NonNegativeSeries = field(
        unit="Mkr",
        description="Riktade statsbidrag (Tabell 2, 10).",
        sv="Riktade statsbidrag (Tabell 2, 10).",
    )
    operating_costs: NonPositiveSeries = field(
        unit="Mkr",
        description="Verksamhetens kostnader, decided (Tabell 2); includes FoU.",
        sv="Verksamhetens kostnader enligt beslut (Tabell 2); inkluderar FoU.",
    )
    depreciation: NonPositiveSeries = field(
        unit="Mkr",
        description="Avskrivningar (Tabell 2).",
        sv="Avskrivningar (Tabell 2).",
    )
    tax_revenue: NonNegativeSeries = field(
        unit="Mkr",
        description="Skatteintäkter as decided, under the basis tax-base forecast.",
        sv="Skatteintäkter enligt beslut, med basprognosen för skatteunderlaget.",
    )
    general_grants: NonNegativeSeries = field(
        unit="Mkr",
        description="Generella statsbidrag.",
        sv="Generella statsbidrag.",
    )
    pharma_grant: NonNegativeSeries = field(
        unit="Mkr",
        description="Statsbidrag läkemedel (läkemedelsbidraget).",
        sv="Statsbidrag läkemedel (läkemedelsbidraget).",
    )
    financial_income: NonNegativeSeries = field(
        unit="Mkr",
        description="Finansiella intäkter.",
        sv="Finansiella intäkter.",
    )
    financial_costs: NonPositiveSeries = field(
        unit="Mkr",
        description="Finansiella kostnader, as published (loan interest + pension "
        "part).",
        sv="Finansiella kostnader som publicerade (låneräntor + pensionsdel).",
    )
    pension_liability_increase: Series = field(
        unit="Mkr",
        description="Ökning pensionsskuld (Tabell 6); a source of cash.",
        sv="Ökning pensionsskuld (Tabell 6); tillför likvida medel.",
    )
    net_investments: NonNegativeSeries = field(
        unit="Mkr",
        description="Nettoinvesteringar within the investment frame (Tabell 6, 8).",
        sv="Nettoinvesteringar inom investeringsramen (Tabell 6, 8).",
    )
    pension_portfolio_purchases: NonNegativeSeries = field(
        unit="Mkr",
        description="Köp till pensionsportföljen (Tabell 6).",
        sv="Köp till pensionsportföljen (Tabell 6).",
    )
    new_long_term_debt: NonNegativeSeries = field(
        unit="Mkr",
        description="Decided new long-term loans (Tabell 6); the decided lever.",
        sv="Beslutad nyupplåning (Tabell 6); det beslutade styrmedlet.",
    )
    debt_repayment: NonNegativeSeries = field(
        unit="Mkr",
        description="Decided repayments (Tabell 6); the decided lever.",
        sv="Beslutad amortering (Tabell 6); det beslutade styrmedlet.",
    )
    land_buildings: NonNegativeSeries = field(
        unit="Mkr",
        description="Mark och byggnader at year end (Tabell 5).",
        sv="Mark och byggnader vid årets slut (Tabell 5).",
    )
    intangible_assets: NonNegativeSeries = field(
        unit="Mkr",
        description="Immateriella tillgångar at year end (Tabell 5).",
        sv="Immateriella tillgångar vid årets slut (Tabell 5).",
    )
    financial_fixed_assets: NonNegativeSeries = field(
        unit="Mkr",
        description="Finansiella anläggningstillgångar at year end (Tabell 5).",
        sv="Finansiella anläggningstillgångar vid årets slut (Tabell 5).",
    )
    fou_tkr: NonNegativeSeries = field(
        unit="tkr",
        description="FoU-medel of the plan; the model holds FoU at this level.",
        sv="Planens FoU-medel; modellen håller FoU på den nivån.",
    )
    pension_commitments: NonNegativeSeries = field(
        default_factory=dict,
        unit="Mkr",
        description="Ansvarsförbindelse: pensions earned before 1998, outside the "
        "balance sheet, excluding löneskatt (Tabell 5 memo line).",
        sv="Ansvarsförbindelse: pensioner intjänade före 1998, utanför "
        "balansräkningen, exkl. löneskatt (Tabell 5, inom linjen).",
    )
    pension_commitments_payroll_tax: NonNegativeSeries = field(
        default_factory=dict,
        unit="Mkr",
        description="Löneskatt on the ansvarsförbindelse (Tabell 5 memo line).",
        sv="Löneskatt på ansvarsförbindelsen (Tabell 5, inom linjen).",
    )
    additional_investments: NonNegativeSeries = field(
        default_factory=dict,
        unit="Mkr",
        description="Investments on top of the frame (e.g. Getingen 11).",
        sv="Investeringar utöver ramen (t.ex. Getingen 11).",
    )
    committees: dict[str, CommitteeBudget] = field(
        keys="<committee>",
        description="One row per committee for the first year (Tabell 11/12, 10).",
        sv="En rad per nämnd för det första året (Tabell 11/12, 10).",
    )
    basis: Basis


class Assumptions(Strict):
    """Forecasts and readings for the plan; what-ifs change these."""

    lpik_pct: GrowthSeries = field(
        unit="%",
        description="LPIK of the plan (cost pressure).",
        sv="Planens LPIK (kostnadstryck).",
    )
    volume_growth_pct: GrowthSeries = field(
        unit="%",
        description="Volume growth of the plan (cost pressure).",
        sv="Planens volymökning (kostnadstryck).",
    )
    tax_base_growth_pct: GrowthSeries = field(
        unit="%",
        description="Tax-base growth of the plan; includes the opening year.",
        sv="Planens ökning av skatteunderlaget; inkluderar ingångsåret.",
    )
    national_tax_base_growth_pct: GrowthSeries | None = field(
        None,
        unit="%",
        description="Growth of the national tax base per inhabitant (default: as the "
        "region's own, so a revision of the region's forecast is a national one).",
        sv="Det nationella skatteunderlagets ökning per invånare (standard: som "
        "regionens egen, så att en ändrad prognos för regionen är en nationell).",
    )
    interest_rate_pct: InterestSeries = field(
        unit="%",
        description="Loan rate of the plan, on the average loan balance.",
        sv="Planens låneränta, på den genomsnittliga låneskulden.",
    )
    depreciation_committee: str = field(
        description="The committee whose net cost carries depreciation.",
        sv="Nämnden vars nettokostnad bär avskrivningarna.",
    )
    fou_committee: str = field(
        description="The committee whose frame pays FoU.",
        sv="Nämnden vars ram betalar FoU.",
    )
    pension_payroll_tax_pct: Share = field(
        unit="%",
        description="Särskild löneskatt on pension provisions.",
        sv="Särskild löneskatt på pensionsavsättningar.",
    )
    additional_investment_life_years: Annotated[Number, Field(gt=0, le=100)] = field(
        unit="years",
        description="Write-off period of budget.additional_investments (linear, from "
        "the year after).",
        sv="Avskrivningstid för budget.additional_investments (linjärt, från året "
        "efter).",
    )
    fou_heroma_factor: Annotated[Number, Field(gt=0, le=1)] = field(
        unit="share",
        description="Share of the pre-2021 purchasing power one FoU krona has now.",
        sv="Andel av köpkraften före 2021 som en FoU-krona har nu.",
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


def _profile(description: str, sv: str) -> Any:
    """A monthly profile: 12 shares of the year's flow."""
    return field(unit="share", description=description, sv=sv)


class Profiles(Strict):
    """How each annual flow spreads over January..December (shares summing to 1)."""

    taxes: Profile = _profile(
        "Tax revenue, general grants, pharma grant.",
        "Skatteintäkter, generella statsbidrag, läkemedelsbidrag.",
    )
    revenue: Profile = _profile(
        "Operating revenue and targeted grants.",
        "Verksamhetens intäkter och riktade statsbidrag.",
    )
    costs: Profile = _profile(
        "Operating payments (salaries, purchases).",
        "Verksamhetens utbetalningar (löner, inköp).",
    )
    pension_payment: Profile = _profile(
        "The yearly pension payment.", "Den årliga pensionsutbetalningen."
    )
    financial: Profile = _profile(
        "Financial income and interest payments.",
        "Finansiella intäkter och räntebetalningar.",
    )
    investments: Profile = _profile("Net investments.", "Nettoinvesteringar.")
    pension_purchases: Profile = _profile(
        "Pension portfolio purchases.", "Köp till pensionsportföljen."
    )
    borrowing: Profile = _profile("New long-term loans.", "Nya långfristiga lån.")
    repayment: Profile = _profile(
        "Repayments of long-term loans.", "Amorteringar av långfristiga lån."
    )


class Liquidity(Strict):
    """The months inside each year: profiles and short-term credit."""

    profiles: Profiles
    pension_payment: NonNegativeSeries = field(
        unit="Mkr",
        description="Part of operating payments paid as one pension payment.",
        sv="Den del av utbetalningarna som betalas som en pensionsutbetalning.",
    )
    credit_limit: NonNegativeSeries = field(
        unit="Mkr",
        description="Short-term credit (checkkredit) available in a month.",
        sv="Checkkredit som finns att tillgå under en månad.",
    )
    credit_rate_pct: InterestSeries = field(
        unit="%",
        description="Yearly rate on credit drawn (percent of the average balance).",
        sv="Årsränta på utnyttjad kredit (procent av det genomsnittliga saldot).",
    )


class Equalisation(Strict):
    """Inkomstutjämning: how the generella statsbidrag move when the tax base is revised.

    The region gets (guarantee x national tax base per inhabitant - its own) x
    inhabitants x the equalisation rate. So a revision of its own tax base alone
    is largely compensated (only tax_rate - equalisation_rate of it remains),
    while a national revision moves the guaranteed level as well.
    """

    tax_rate_pct: Annotated[Number, Field(gt=0, le=30)] = field(
        unit="%",
        description="The region's utdebitering, kr per 100 kr (percent of the base).",
        sv="Regionens utdebitering, kr per 100 kr (procent av underlaget).",
    )
    equalisation_rate_pct: Annotated[Number, Field(ge=0, le=30)] = field(
        unit="%",
        description="Utjämningsskattesats of the region's county, percent.",
        sv="Utjämningsskattesatsen för regionens län, procent.",
    )
    guarantee_pct: Annotated[Number, Field(gt=0, le=200)] = field(
        unit="%",
        description="Guaranteed tax base, percent of the national average per "
        "inhabitant.",
        sv="Garanterat skatteunderlag, procent av riksgenomsnittet per invånare.",
    )
    relative_tax_capacity_pct: Annotated[Number, Field(gt=0, le=200)] = field(
        unit="%",
        description="The region's own tax base per inhabitant, percent of the "
        "national.",
        sv="Regionens eget skatteunderlag per invånare, procent av riksgenomsnittet.",
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

    basis: Literal["published", "investment_plan"] = field(
        "published",
        description="published: depreciation as the budget gives it; "
        "investment_plan: as the investment plan implies.",
        sv="published: avskrivningarna som budgeten anger dem; investment_plan: "
        "som investeringsplanen ger.",
    )
    building_share_pct: PercentSeries = field(
        default_factory=dict,
        unit="%",
        description="Share of each year's net investments that are buildings "
        "(Tabell 8).",
        sv="Andel av årets nettoinvesteringar som är byggnader (Tabell 8).",
    )


class Balanskrav(Strict):
    """From årets resultat to the balanskravsresultat that restoration works on.

    balanskravsresultat = årets resultat + adjustments (minus realisationsvinster
    and unrealised gains on financial assets, plus unrealised losses: Kommunallagen
    11 kap., LKBR) - reservations to the resultatreserv + use of it. Tabell 3
    restores årets resultat, so the adjustments are 0 by default.
    """

    adjustments: Series = field(
        default_factory=dict,
        unit="Mkr",
        description="Balanskravsjusteringar per year (negative: gains removed).",
        sv="Balanskravsjusteringar per år (negativt: vinster som räknas bort).",
    )
    reserve_deposits: NonNegativeSeries = field(
        default_factory=dict,
        unit="Mkr",
        description="Reservation to the resultatreserv (former RUR).",
        sv="Reservering till resultatutjämningsreserven (RUR).",
    )
    reserve_use: NonNegativeSeries = field(
        default_factory=dict,
        unit="Mkr",
        description="Use of the resultatreserv (needs a reserve to draw on).",
        sv="Disposition av resultatutjämningsreserven (kräver en reserv att ta av).",
    )
    opening_reserve: NonNegative = field(
        0.0,
        unit="Mkr",
        description="Resultatreserv at the end of the opening year.",
        sv="Resultatutjämningsreserven vid ingångsårets slut.",
    )


class Debt(Strict):
    """Amortisation policy of long-term loans."""

    amortisation_min_pct: ShareSeries = field(
        default_factory=dict,
        unit="%",
        description="Least repayment per year, percent of the opening loans.",
        sv="Minsta amortering per år, procent av de ingående lånen.",
    )


class BasAlf(Strict):
    """BAS-ALF feedback: the research premium as a function of earlier FoU.

    premium[y] = elasticity x (FoU[y - lag] - reference_fou_tkr), added to RS's
    operating revenue. The documents do not allow the elasticity to be
    estimated, so the decided scenario sets it to 0 (no feedback).
    """

    elasticity: Annotated[Number, Field(ge=0, le=10)] = field(
        unit="tkr per tkr",
        description="tkr of premium per tkr of FoU `lag_years` earlier.",
        sv="tkr premie per tkr FoU `lag_years` år tidigare.",
    )
    lag_years: Annotated[Whole, Field(ge=0, le=10)] = field(
        unit="years",
        description="Years between a FoU level and the premium it earns.",
        sv="År mellan en FoU-nivå och premien den ger.",
    )
    reference_fou_tkr: NonNegative = field(
        unit="tkr",
        description="The FoU level the current premium (1770 tkr in 2024) rests on.",
        sv="FoU-nivån som dagens premie (1 770 tkr 2024) vilar på.",
    )


GrantCategory = Literal["phd_parttime", "postdoc_parttime", "project_funds"]


class CalibrationPoint(Strict):
    """A year's FoU level and the grants it gave (FoU bilaga follow-up)."""

    year: Year = field(
        unit="year",
        description="A year with known grants.",
        sv="Ett år med kända bidrag.",
    )
    fou_tkr: NonNegative = field(
        unit="tkr", description="The FoU level of that year.", sv="FoU-nivån det året."
    )
    granted: dict[GrantCategory, Annotated[Whole, Field(ge=0)]] = field(
        unit="grants",
        keys="<category>",
        description="Grants per category in that year.",
        sv="Beviljade bidrag per kategori det året.",
    )


class Allocation(Strict):
    """How a FoU level becomes grants per category (the bilaga's strategy).

    From the reference allocation, a change of the level is split over the
    categories by `cut_shares` (a cut) or `growth_shares` (an increase); each
    category's money buys whole grants of `grant_size_tkr`, at most `demand`.
    """

    grant_size_tkr: dict[GrantCategory, Annotated[Number, Field(gt=0, le=1e5)]] = field(
        unit="tkr",
        keys="<category>",
        description="Average grant per category.",
        sv="Genomsnittligt bidrag per kategori.",
    )
    demand: dict[GrantCategory, Annotated[Whole, Field(ge=0)]] = field(
        unit="grants",
        keys="<category>",
        description="Applications received (the most grants a category can use).",
        sv="Inkomna ansökningar (de flesta bidrag en kategori kan använda).",
    )
    reference: CalibrationPoint = field(
        description="The allocation changes start from.",
        sv="Fördelningen som ändringarna utgår från.",
    )
    cut_shares: dict[GrantCategory, Annotated[Number, Field(ge=0, le=1)]] = field(
        unit="share",
        keys="<category>",
        description="How a cut below the reference level is split over the "
        "categories (sum 1).",
        sv="Hur en minskning under referensnivån fördelas på kategorierna (summa 1).",
    )
    growth_shares: dict[GrantCategory, Annotated[Number, Field(ge=0, le=1)]] = field(
        unit="share",
        keys="<category>",
        description="How an increase above the reference level is split over the "
        "categories (sum 1).",
        sv="Hur en ökning över referensnivån fördelas på kategorierna (summa 1).",
    )
    calibration: list[CalibrationPoint] = field(
        default_factory=list,
        description="Years with known grants, to hold the allocation model against.",
        sv="År med kända bidrag, att pröva fördelningsmodellen mot.",
    )

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Allocation:
        for name in ("cut_shares", "growth_shares"):
            total = sum(getattr(self, name).values())
            if abs(total - 1) > 1e-6:
                raise ValueError(f"{name} sum to {total:.6g}, they must sum to 1")
        return self


class FouSettings(Strict):
    """FoU-medel: how free the level is, and what a level buys."""

    min_tkr: NonNegative = field(
        0.0,
        unit="tkr",
        description="Lower bound of FoU for max-fou.",
        sv="Lägsta FoU för max-fou.",
    )
    max_tkr: NonNegative = field(
        unit="tkr",
        description="Upper bound of FoU for max-fou.",
        sv="Högsta FoU för max-fou.",
    )
    levels: list[NonNegative] = field(
        default_factory=list,
        unit="tkr",
        description="Discrete levels for `balans fou` and for a discrete max-fou.",
        sv="Diskreta nivåer för `balans fou` och för en diskret max-fou.",
    )
    discrete: Switch = field(
        False,
        description="max-fou chooses among `levels` (a mixed-integer solve).",
        sv="max-fou väljer bland `levels` (ett blandat heltalsproblem).",
    )
    from_year: Year = field(
        unit="year",
        description="First year the FoU decision applies to.",
        sv="Första året som FoU-beslutet gäller.",
    )
    population: Annotated[Number, Field(gt=0)] = field(
        unit="inhabitants",
        description="Inhabitants for FoU per 100 000 inhabitants.",
        sv="Invånare, för FoU per 100 000 invånare.",
    )
    pre_2021_level_tkr: NonNegative = field(
        unit="tkr",
        description="FoU level before the Heroma change, for the purchasing-power "
        "finding.",
        sv="FoU-nivån före Heroma-bytet, för fyndet om köpkraften.",
    )
    benchmarks: dict[str, NonNegative] = field(
        default_factory=dict,
        unit="tkr per 100 000 inhabitants",
        keys="<region>",
        description="Other regions' FoU, tkr per 100 000 inhabitants.",
        sv="Andra regioners FoU, tkr per 100 000 invånare.",
    )
    payroll_overhead_pct: ShareSeries = field(
        unit="%",
        description="PO-pålägg, percent of salaries (Tabell 24).",
        sv="PO-pålägg, procent av lönerna (Tabell 24).",
    )
    savings_limit: NonNegative | None = field(
        None,
        unit="Mkr",
        description="max-fou: cap on the horizon's new savings; default the savings "
        "the decided plan implies.",
        sv="max-fou: tak för horisontens nya besparingar; standard är besparingarna "
        "som den beslutade planen innebär.",
    )
    bas_alf: BasAlf
    allocation: Allocation

    @model_validator(mode="after")
    def _bounds(self) -> FouSettings:
        if self.max_tkr < self.min_tkr:
            raise ValueError("max_tkr must not be below min_tkr")
        return self


def _enabled(default: bool) -> Any:
    """The switch of a rule (on by default, or off for the optional rules)."""
    return field(
        default,
        description="Whether the rule is enforced in solve (evaluate reports it "
        "either way).",
        sv="Om regeln gäller i solve (evaluate redovisar den i båda fallen).",
    )


def _penalty(unit: str) -> Any:
    """The diagnosis weight of a rule, per Mkr (per tkr for a FoU rule) of slack."""
    per = unit.split()[1]
    return field(
        1000.0,
        unit=unit,
        description=f"Weight per {per} of slack: in the diagnosis, and within the "
        "rule's priority when targets conflict.",
        sv=f"Vikt per {per} avsteg: i diagnosen, och inom regelns prioritet när "
        "målen krockar.",
    )


def _aim_weight(unit: str, note: str = "", sv_note: str = "") -> Any:
    """Objective units per Mkr (per tkr for a FoU rule) that an aim falls short."""
    per = unit.split()[1]
    return field(
        0.5,
        unit=unit,
        description=f"For a rule of priority aim: objective units per {per} it falls "
        f"short{note}.",
        sv=f"För en regel med prioritet aim: enheter i målfunktionen per {per} som "
        f"den underskrids{sv_note}.",
    )


Penalty = Annotated[Number, Field(gt=0, le=1e6)]
AimWeight = Annotated[Number, Field(ge=0, le=1e3)]


class Rule(Strict):
    """Common switches of a rule (målvärde)."""

    enabled: Switch = _enabled(True)
    penalty: Penalty = _penalty("per Mkr of slack")
    priority: Priority | None = field(
        None,
        description="law, council, aim or capacity (never relaxed by the closest "
        "plan); default the registry's (docs/model.md, Priorities).",
        sv="law, council, aim eller capacity (släpps aldrig av den närmaste planen); "
        "standard är registrets (docs/model.md, Priorities).",
    )
    aim_weight: AimWeight = _aim_weight(
        "per Mkr",
        " (below 1: a Mkr of savings is worth more than a Mkr of the aim)",
        " (under 1: en Mkr besparing väger mer än en Mkr av målet)",
    )


class FramesRule(Rule):
    """Nämnd ramar: each committee's net cost within its frame."""

    frames: dict[str, NonNegativeSeries] = field(
        unit="Mkr",
        keys="<committee>",
        description="Net frame (positive = net cost allowed) per committee.",
        sv="Nettoram per nämnd (positiv = tillåten nettokostnad).",
    )


class ResultRule(Rule):
    """Balanskravet: årets resultat at least a minimum in every year."""

    minimum: Series = field(
        unit="Mkr",
        description="Least result per year (0 = balanskravet).",
        sv="Lägsta resultat per år (0 = balanskravet).",
    )


class ResultShareRule(Rule):
    """Årets resultat at least a share of skatter och generella statsbidrag.

    The financial target Swedish regions commonly set for god ekonomisk
    hushållning (often 2 %). Revenue is read as in the debt ratio
    (`rules.debt_ratio.include_pharma_grant`).
    """

    enabled: Switch = _enabled(False)
    share_pct: Annotated[Number, Field(ge=-100, le=100)] = field(
        2.0,
        unit="%",
        description="Minimum result, percent of skatter och generella statsbidrag.",
        sv="Lägsta resultat, procent av skatter och generella statsbidrag.",
    )
    from_year: Year | None = field(
        None,
        unit="year",
        description="First year the rule applies (default: the budget year).",
        sv="Första året som regeln gäller (standard: budgetåret).",
    )


class ResultTargetRule(Rule):
    """Årets resultat at least the council's target level (Mkr) in the given years."""

    enabled: Switch = _enabled(False)
    minimum: Series = field(
        default_factory=dict,
        unit="Mkr",
        description="The council's target result per year.",
        sv="Fullmäktiges mål för resultatet per år.",
    )


class StructuralBalanceRule(Rule):
    """The last year's result covers the next year's cost growth net of revenue growth.

    A plan restored in the target year must not fall back into deficit the year
    after: with no new savings, next year's costs grow by the last year's
    LPIK + volume and its taxes and general grants by the last year's tax-base
    growth; the projected result must stay at least `minimum`.
    """

    enabled: Switch = _enabled(False)
    minimum: Amount = field(
        0.0,
        unit="Mkr",
        description="Least projected result of the year after.",
        sv="Lägsta beräknade resultat året efter.",
    )


class SavingsRampRule(Rule):
    """New savings per committee change by at most a share of its costs from year to year."""

    enabled: Switch = _enabled(False)
    max_increase_pct: Annotated[Number, Field(ge=0, le=100)] | None = field(
        1.5,
        unit="%",
        description="Largest rise of a committee's new savings on the year before, "
        "% of its cost pressure (null: no limit).",
        sv="Största ökning av en nämnds nya besparingar mot året före, % av dess "
        "kostnadstryck (null: ingen gräns).",
    )
    max_decrease_pct: Annotated[Number, Field(ge=0, le=100)] | None = field(
        None,
        unit="%",
        description="Largest fall, % of its cost pressure (null: no limit; savings are "
        "permanent, so fewer new savings is no rebound).",
        sv="Största minskning, % av dess kostnadstryck (null: ingen gräns; "
        "besparingar är permanenta, så färre nya besparingar är ingen återgång).",
    )


class Vintage(Strict):
    """One year's unrestored negative balanskravsresultat."""

    year: Year = field(
        unit="year",
        description="The year the deficit arose (before the horizon).",
        sv="Året då underskottet uppstod (före horisonten).",
    )
    amount: NonNegative = field(
        unit="Mkr",
        description="Still to restore (positive).",
        sv="Kvar att återställa (positivt).",
    )
    deadline: Year = field(
        unit="year",
        description="Last year whose result may restore it.",
        sv="Sista året vars resultat får återställa det.",
    )


class RestorationRule(Rule):
    """Återställande: accumulated deficits restored by the target year."""

    target_year: Year = field(
        unit="year",
        description="Year by whose end every vintage must be restored.",
        sv="Året då varje underskott ska vara återställt.",
    )
    vintages: list[Vintage] = field(
        description="The unrestored negative results, one per year.",
        sv="De ej återställda negativa resultaten, ett per år.",
    )
    enforce_vintage_deadlines: Switch = field(
        True,
        description="Also enforce each vintage's deadline (vintage_deadline rule).",
        sv="Kräv också varje underskotts egen tidsfrist (regeln vintage_deadline).",
    )
    printed_prior_result: Amount | None = field(
        None,
        unit="Mkr",
        description="The prior-year result as Tabell 3 prints it (finding 1).",
        sv="Föregående års resultat som Tabell 3 trycker det (fynd 1).",
    )


class DebtRatioRule(Rule):
    """Skuldsättningstak: interest-bearing debt / financing below a ceiling."""

    limit_pct: ShareSeries = field(
        unit="%",
        description="Ceiling on debt / (taxes + general grants).",
        sv="Tak för skuld / (skatter + generella statsbidrag).",
    )
    numerator: Literal["loans", "long_term_liabilities"] = field(
        "loans",
        description="Which debt counts: the loans, or every long-term liability.",
        sv="Vilken skuld som räknas: lånen, eller alla långfristiga skulder.",
    )
    include_pharma_grant: Switch = field(
        True,
        description="Count the pharma grant as a general grant in the denominator.",
        sv="Räkna läkemedelsbidraget som ett generellt statsbidrag i nämnaren.",
    )
    reported_outcome_pct: Annotated[Number, Field(ge=0, le=100)] | None = field(
        None,
        unit="%",
        description="The debt ratio reported for the opening year, to test the "
        "readings against (docs/findings.md).",
        sv="Skuldsättningsgraden som redovisats för ingångsåret, att pröva "
        "läsningarna mot (docs/findings.md).",
    )


class LoanCeilingRule(Rule):
    """Lånetak: long-term loans at most the ceiling (Mkr).

    With `basis: land_buildings` the ceiling is `share_pct` of land and buildings,
    rounded to `step` Mkr, so it moves with the investments; with `basis: fixed`
    it is `limit` as given.
    """

    basis: Literal["land_buildings", "fixed"] = field(
        "land_buildings",
        description="land_buildings: the ceiling is share_pct of land and buildings "
        "each year, rounded; fixed: the ceilings in limit.",
        sv="land_buildings: taket är share_pct av mark och byggnader varje år, "
        "avrundat; fixed: taken i limit.",
    )
    share_pct: Annotated[Number, Field(gt=0, le=1000)] = field(
        100.0,
        unit="%",
        description="Share of land and buildings (Tabell 7: 100 %).",
        sv="Andel av mark och byggnader (Tabell 7: 100 %).",
    )
    rounding: Literal["nearest", "down", "up", "none"] = field(
        "nearest",
        description="How the ceiling is rounded to step: nearest (halves up), down, "
        "up, or none.",
        sv="Hur taket avrundas till step: nearest (halvor uppåt), down, up eller none.",
    )
    step: Annotated[Number, Field(gt=0, le=10000)] = field(
        50.0,
        unit="Mkr",
        description="Rounding step of the ceiling (Tabell 7: 50 Mkr).",
        sv="Avrundningssteget för taket (Tabell 7: 50 Mkr).",
    )
    limit: NonNegativeSeries = field(
        default_factory=dict,
        unit="Mkr",
        description="Fixed ceilings (basis: fixed), or the published ones to check.",
        sv="Fasta tak (basis: fixed), eller de publicerade att pröva mot.",
    )
    published_limit_holds: Switch = field(
        False,
        description="With basis land_buildings: where `limit` gives a year, the "
        "stricter of it and the computed ceiling holds.",
        sv="Med basis land_buildings: där `limit` anger ett år gäller det strängaste "
        "av det och det beräknade taket.",
    )


class LiquidityRule(Rule):
    """Likviditetsgolv: likvida medel at the end of every month at least the floor (Mkr).

    Likvida medel are the region's own funds: the bank balance without drawn
    short-term credit. With `count_unused_credit` the unused checkkredit counts too.
    """

    floor: Series = field(
        unit="Mkr",
        description="Least likvida medel at the end of every month of the year.",
        sv="Lägsta likvida medel vid varje månads slut under året.",
    )
    count_unused_credit: Switch = field(
        False,
        description="Unused checkkredit counts towards the floor.",
        sv="Outnyttjad checkkredit räknas mot golvet.",
    )


class SavingsCapacityRule(Rule):
    """Besparingsförmåga: new savings per committee and year at most a share of its costs."""

    max_pct: Annotated[Number, Field(ge=0, le=100)] = field(
        unit="%",
        description="Most new savings per committee and year, as a share of its "
        "cost pressure.",
        sv="Högsta nya besparing per nämnd och år, som andel av dess kostnadstryck.",
    )
    per_committee_pct: dict[str, Annotated[Number, Field(ge=0, le=100)]] = field(
        default_factory=dict,
        unit="%",
        keys="<committee>",
        description="Per-committee override of max_pct.",
        sv="Per nämnd: i stället för max_pct.",
    )


class FouBenchmarkRule(Rule):
    """FoU per invånare: at least another region's level from a year on (off by default)."""

    enabled: Switch = _enabled(False)
    penalty: Penalty = _penalty("per tkr of slack")
    aim_weight: AimWeight = _aim_weight("per tkr")
    region: str = field(
        description="A region in fou.benchmarks.", sv="En region i fou.benchmarks."
    )
    from_year: Year = field(
        unit="year",
        description="First year the rule applies.",
        sv="Första året som regeln gäller.",
    )


class KeyFigures(Strict):
    """Reported key figures (not constraints): targets from Tabell 1."""

    net_cost_growth_pct: GrowthSeries = field(
        default_factory=dict,
        unit="%",
        description="Target for nettokostnadsutveckling (Tabell 1).",
        sv="Mål för nettokostnadsutvecklingen (Tabell 1).",
    )
    gross_cost_growth_pct: GrowthSeries = field(
        default_factory=dict,
        unit="%",
        description="Target for bruttokostnadsutveckling (Tabell 1).",
        sv="Mål för bruttokostnadsutvecklingen (Tabell 1).",
    )


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

    locked_years: list[Year] | None = field(
        None,
        unit="year",
        description="Years whose levers stay at the decided values (default: the "
        "budget year, whose frames are decided).",
        sv="År vars styrmedel ligger kvar på de beslutade värdena (standard: "
        "budgetåret, vars ramar är beslutade).",
    )
    strict: Switch = field(
        False,
        description="No plan unless every target holds (exit 2 with the diagnosis) "
        "instead of the closest plan by priority.",
        sv="Ingen plan om inte alla mål håller (exit 2 med diagnosen) i stället för "
        "den närmaste planen efter prioritet.",
    )


def _cost_weight(default: float, description: str, sv: str) -> Any:
    """The objective weight of a lever, per Mkr it is used."""
    return field(default, unit="per Mkr", description=description, sv=sv)


Weight = Annotated[Number, Field(ge=0, le=100)]


class PensionPurchaseLever(Strict):
    """Deferring the yearly purchase for the pension portfolio (off by default).

    The documents set 100 Mkr a year 2025-2028 and a consolidation target of 100 %
    by 2040, but say nothing on whether a year's purchase may wait.
    """

    deferrable: Switch = field(
        False,
        description="The optimiser may buy less.",
        sv="Optimeringen får köpa mindre.",
    )
    min_share_pct: Annotated[Number, Field(ge=0, le=100)] = field(
        0.0,
        unit="%",
        description="Least share of the decided purchase bought each year.",
        sv="Minsta andel av det beslutade köpet som görs varje år.",
    )
    cost_weight: Weight = _cost_weight(
        0.5,
        "Objective units per Mkr of purchase deferred.",
        "Enheter i målfunktionen per Mkr uppskjutet köp.",
    )


class TaxRateLever(Strict):
    """Raising the utdebitering (off by default: the budget decides 11.70 kr).

    One öre brings in the year's tax revenue / (tax rate x 100); an increase
    stays for the following years. Needs the `equalisation` section (tax rate).
    """

    max_increase_ore: Annotated[Number, Field(ge=0, le=200)] = field(
        0.0,
        unit="öre",
        description="Largest increase in one year (0: off).",
        sv="Största höjning ett år (0: av).",
    )
    cost_weight: Weight = _cost_weight(
        2.0,
        "Objective units per Mkr of tax raised in a year.",
        "Enheter i målfunktionen per Mkr skatt som höjs ett år.",
    )


class InvestmentTimingLever(Strict):
    """Moving net investments between years within the horizon's frame (off by default).

    The horizon's total stays as decided; a year may move by at most
    `max_shift_pct` of its decided investments. Cash and loans follow; the book
    values, depreciation and lånetak stay those of the decided plan (a timing
    shift inside the frame, as the regionplan's "omprioriteringar inom befintlig
    ram" and the 87 Mkr carried from 2024 to 2025 describe).
    """

    max_shift_pct: Annotated[Number, Field(ge=0, le=100)] = field(
        0.0,
        unit="%",
        description="Largest change of a year's investments (0: off).",
        sv="Största ändring av ett års investeringar (0: av).",
    )
    cost_weight: Weight = _cost_weight(
        0.2,
        "Objective units per Mkr moved from its decided year.",
        "Enheter i målfunktionen per Mkr som flyttas från sitt beslutade år.",
    )


class Levers(Strict):
    """How free the optimiser is."""

    savings_weights: dict[str, Annotated[Number, Field(gt=0, le=1e3)]] = field(
        default_factory=dict,
        unit="weight",
        keys="<committee>",
        description="Weight per committee (default 1).",
        sv="Vikt per nämnd (standard 1).",
    )
    max_new_borrowing: NonNegative = field(
        1000.0,
        unit="Mkr",
        description="Upper bound on new long-term loans per year.",
        sv="Högsta nyupplåning per år.",
    )
    smoothing_weight: Weight = _cost_weight(
        0.0,
        "Objective weight per Mkr of year-to-year change in a committee's new savings "
        "(0: no smoothing term).",
        "Vikt i målfunktionen per Mkr ändring från år till år av en nämnds nya "
        "besparingar (0: ingen utjämning).",
    )
    max_total_savings: NonNegative | None = field(
        None,
        unit="Mkr",
        description="max-margin only: cap on the new savings of the whole horizon; "
        "default the savings the decided plan implies.",
        sv="Bara max-margin: tak för hela horisontens nya besparingar; standard är "
        "besparingarna som den beslutade planen innebär.",
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

    region: str = field(
        description="Name of the region (set by the region model).",
        sv="Regionens namn (sätts av regionmodellen).",
    )
    name: str = field(
        description="Scenario name in reports; default the file name without .yaml.",
        sv="Scenariots namn i rapporterna; standard är filnamnet utan .yaml.",
    )
    title: str = field(
        "",
        description="One-line title shown in reports.",
        sv="Rubrik på en rad i rapporterna.",
    )
    description: str = field(
        "", description="Free text about the scenario.", sv="Fri text om scenariot."
    )
    horizon: Horizon
    committees: dict[str, Committee] = field(
        keys="<committee>",
        description="The committees (nämnder) of the region model, by short key.",
        sv="Regionmodellens nämnder, efter kortnamn.",
    )
    statements: dict[StatementName, list[LineLabel]] = field(
        keys="<statement>",
        description="Lines of each statement in report order, with labels.",
        sv="Raderna i varje sammanställning i rapportens ordning, med benämningar.",
    )
    opening: Opening
    budget: Budget
    assumptions: Assumptions
    liquidity: Liquidity
    fou: FouSettings
    debt: Debt = Field(default_factory=Debt)
    balanskrav: Balanskrav = Field(default_factory=Balanskrav)
    depreciation: DepreciationSettings = Field(default_factory=DepreciationSettings)
    equalisation: Equalisation | None = field(
        None,
        description="Inkomstutjämning; without it the generella statsbidrag stay as "
        "budgeted whatever the tax base does.",
        sv="Inkomstutjämning; utan den ligger de generella statsbidragen kvar som "
        "budgeterade vad skatteunderlaget än gör.",
    )
    rules: Rules
    levers: Levers = Field(default_factory=Levers)
    objective: Objective = field(
        "min-savings",
        description="What the optimal plan optimises (see docs/model.md).",
        sv="Vad den optimala planen optimerar (se docs/model.md).",
    )
    planning: Planning = Field(default_factory=Planning)

    @property
    def years(self) -> list[int]:
        """The horizon's years."""
        return self.horizon.years
