"""Årets resultat: at least a minimum, and at least a share of the revenue."""

from __future__ import annotations

from balans.model.data import revenue_for_ratios
from balans.model.rules.common import Rule


def ratio_revenue(r, s, year: int) -> float:
    """Skatter och generella statsbidrag of a reported plan, under the scenario's reading."""
    income = r.income
    return revenue_for_ratios(
        income["tax_revenue"][year],
        income["general_grants"][year],
        income["pharma_grant"][year],
        s.rules.debt_ratio.include_pharma_grant,
    )


def share_of_revenue(data, pct: dict[int, float]) -> dict[int, float]:
    """Mkr per year: pct % of skatter och generella statsbidrag (ratio rules' limits)."""
    return {y: share / 100 * data.debt_ratio_denominator[y] for y, share in pct.items()}


def _share_limits(data) -> dict[int, float]:
    """share_pct % of the revenue per year; no rows at all while switched off.

    The rule is new and off by default, so a scenario that never mentions it
    reports exactly what it reported before the rule existed.
    """
    s = data.scenario
    rule = s.rules.result_share_of_revenue
    if not rule.enabled:
        return {}
    first = rule.from_year or s.horizon.first_year
    return share_of_revenue(data, {y: rule.share_pct for y in data.years if y >= first})


RESULT_NON_NEGATIVE = Rule(
    key="result_non_negative",
    setting="result_non_negative",
    sense="min",
    unit="Mkr",
    sv_label="Årets resultat ≥ 0",
    en_label="Result ≥ 0",
    source="Balanskravet; Tabell 2",
    formula="result[y] >= minimum[y]",
    index_doc="years in `rules.result_non_negative.minimum`",
    limits=lambda data: dict(
        sorted(data.scenario.rules.result_non_negative.minimum.items())
    ),
    value=lambda m, y: m.result[y],
    recompute=lambda r, s, y: r.income["result"][y],
    in_max_margin=True,
    override="rules.result_non_negative.minimum.{year}",
    priority="law",
)

RESULT_SHARE_OF_REVENUE = Rule(
    key="result_share_of_revenue",
    setting="result_share_of_revenue",
    sense="min",
    unit="%",
    sv_label="Resultat i % av skatter och bidrag",
    en_label="Result as % of taxes and grants",
    source="God ekonomisk hushållning (Kommunallagen 11 kap.); common regional target 2 %",
    formula="result[y] >= share_pct / 100 x revenue[y]",
    index_doc="years from `rules.result_share_of_revenue.from_year` (default the budget year)",
    limits=lambda data: _share_limits(data),
    value=lambda m, y: m.result[y],
    recompute=lambda r, s, y: r.income["result"][y],
    in_max_margin=True,
    percent_of=ratio_revenue,
    override="rules.result_share_of_revenue.share_pct",
)


RESULT_TARGET = Rule(
    key="result_target",
    setting="result_target",
    sense="min",
    unit="Mkr",
    sv_label="Resultatmål",
    en_label="Result target",
    source="Regionplan 2026-2028: about 260 Mkr a year 2027-2030 (Tabell 2)",
    formula="result[y] >= minimum[y]",
    index_doc="years in `rules.result_target.minimum` (none while off)",
    limits=lambda data: (
        dict(sorted(data.scenario.rules.result_target.minimum.items()))
        if data.scenario.rules.result_target.enabled
        else {}
    ),
    value=lambda m, y: m.result[y],
    recompute=lambda r, s, y: r.income["result"][y],
    in_max_margin=True,
    override="rules.result_target.minimum.{year}",
)


def _projected_next_result(r, s, year: int) -> float:
    """Next year's result with no new savings, from a reported plan."""
    a, i = s.assumptions, r.income
    cost_growth = (a.lpik_pct[year] + a.volume_growth_pct[year]) / 100
    revenue_growth = a.tax_base_growth_pct[year] / 100
    revenue = (
        i["tax_revenue"][year] + i["general_grants"][year] + i["pharma_grant"][year]
    )
    return (
        i["result"][year]
        + revenue_growth * revenue
        - cost_growth * -i["operating_costs"][year]
    )


STRUCTURAL_BALANCE = Rule(
    key="structural_balance",
    setting="structural_balance",
    sense="min",
    unit="Mkr",
    sv_label="Strukturell balans året efter",
    en_label="Structural balance the year after",
    source="Kommunallagen 11 kap.; ASSUMPTION: growth as in the last year",
    formula="result[T] + g_rev x (taxes + grants)[T] - g_cost x costs[T] >= minimum",
    index_doc="the last year `T` of the horizon (none while off)",
    limits=lambda data: (
        {data.years[-1]: data.scenario.rules.structural_balance.minimum}
        if data.scenario.rules.structural_balance.enabled
        else {}
    ),
    value=lambda m, y: (
        m.result[y]
        + m.next_year_revenue_growth
        * (m.tax_revenue[y] + m.general_grants_data[y] + m.pharma_grant_data[y])
        - m.next_year_cost_growth * -m.operating_costs[y]
    ),
    recompute=_projected_next_result,
    in_max_margin=True,
    override="rules.structural_balance.minimum",
)
