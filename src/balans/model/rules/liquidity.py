"""Likviditetsgolv: cash at the end of every month at least the floor."""

from __future__ import annotations

import pyomo.environ as pyo

from balans.model.data import ModelData
from balans.model.rules.common import add_rule
from balans.scenario.schema import Scenario


def define_liquidity_floor(m: pyo.ConcreteModel, data: ModelData, s: Scenario) -> None:
    """liquidity_floor[y, month]: monthly_cash[y, month] >= floor[y].

    "Likvida medel om cirka 200 miljoner kronor varje månad" (Långsiktig plan).
    Monthly cash includes short-term credit drawn, which must be repaid by
    December, so December is the year-end balance.
    """
    floor = s.rules.liquidity_floor.floor
    index = [(y, month) for y in sorted(floor) for month in m.months]
    limits = {(y, month): floor[y] for y, month in index}
    add_rule(
        m,
        "liquidity_floor",
        index,
        lambda m, y, month: m.monthly_cash[y, month],
        limits,
        "min",
    )
