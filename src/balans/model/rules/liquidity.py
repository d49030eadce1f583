"""Likviditetsgolv: cash at the end of every month at least the floor."""

from __future__ import annotations

from balans.model.rules.common import Rule

LIQUIDITY_FLOOR = Rule(
    key="liquidity_floor",
    setting="liquidity_floor",
    sense="min",
    unit="Mkr",
    sv_label="Likviditetsgolv",
    en_label="Liquidity floor",
    source="Långsiktig plan (200 Mkr)",
    formula="monthly_cash[y,m] >= floor[y]",
    index_doc="every month of the years in `floor`",
    # "Likvida medel om cirka 200 miljoner kronor varje månad". Monthly cash
    # includes short-term credit drawn, repaid by December.
    limits=lambda data: {
        (y, month): floor
        for y, floor in sorted(data.scenario.rules.liquidity_floor.floor.items())
        for month in range(1, 13)
    },
    value=lambda m, y, month: m.monthly_cash[y, month],
    recompute=lambda r, s, i: r.liquidity.monthly[i].cash,
    in_max_margin=True,
    override="rules.liquidity_floor.floor.{year}",
)
