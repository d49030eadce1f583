"""Likviditetsgolv: cash at the end of every year at least the floor."""

from __future__ import annotations

import pyomo.environ as pyo

from balans.model.data import ModelData
from balans.model.rules.common import add_rule
from balans.scenario.schema import Scenario


def define_liquidity_floor(m: pyo.ConcreteModel, data: ModelData, s: Scenario) -> None:
    """liquidity_floor[y]: cash[y] >= floor[y] (about 200 Mkr, Långsiktig plan)."""
    floor = s.rules.liquidity_floor.floor
    add_rule(m, "liquidity_floor", sorted(floor), lambda m, y: m.cash[y], floor, "min")
