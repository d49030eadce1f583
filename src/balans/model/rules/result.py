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
    limits=lambda data: dict(sorted(data.rules.result_minimum.items())),
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
    limits=lambda data: {
        y: pct / 100 * data.debt_ratio_denominator[y]
        for y, pct in sorted(data.rules.result_share_pct.items())
    },
    value=lambda m, y: m.result[y],
    recompute=lambda r, s, y: r.income["result"][y],
    in_max_margin=True,
    percent_of=ratio_revenue,
    override="rules.result_share_of_revenue.share_pct",
)
