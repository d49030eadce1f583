"""Likviditetsgolv: likvida medel at the end of every month at least the floor."""

from __future__ import annotations

from balans.model.rules.common import Rule


def _available(r, s, i) -> float:
    """Own funds of a reported month (cash less drawn credit), plus unused credit if it counts."""
    year, month = i
    cell = r.liquidity.monthly[year, month]
    counts = s.rules.liquidity_floor.count_unused_credit
    unused = s.liquidity.credit_limit[year] if counts else 0.0
    return cell.cash - cell.credit + unused


LIQUIDITY_FLOOR = Rule(
    key="liquidity_floor",
    setting="liquidity_floor",
    sense="min",
    unit="Mkr",
    sv_label="Likviditetsgolv",
    en_label="Liquidity floor",
    source="Långsiktig plan (200 Mkr)",
    formula="own_funds[y,m] (+ credit_limit[y] if unused credit counts) >= floor[y]",
    index_doc="every month of the years in `floor`",
    # "Likvida medel om cirka 200 miljoner kronor varje månad": the region's own
    # funds, without short-term credit drawn; unused checkkredit counts only
    # where `count_unused_credit` says so.
    limits=lambda data: {
        (y, month): floor
        for y, floor in sorted(data.scenario.rules.liquidity_floor.floor.items())
        for month in range(1, 13)
    },
    value=lambda m, y, month: (
        m.own_funds[y, month] + m.floor_counts_unused_credit * m.credit_limit[y]
    ),
    recompute=_available,
    in_max_margin=True,
    override="rules.liquidity_floor.floor.{year}",
)
