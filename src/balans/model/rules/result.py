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
    return {
        y: rule.share_pct / 100 * data.debt_ratio_denominator[y]
        for y in data.years
        if y >= first
    }


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
