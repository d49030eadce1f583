"""Savings capacity: what a committee can realistically cut in a year."""

from __future__ import annotations

import pyomo.environ as pyo

from balans.model.data import ModelData
from balans.model.rules.common import add_rule
from balans.scenario.schema import Scenario


def savings_caps(data: ModelData, s: Scenario) -> dict[tuple[int, str], float]:
    """Mkr per year and committee: max_pct of the committee's cost pressure."""
    rule = s.rules.savings_capacity
    return {
        (y, c): rule.per_committee_pct.get(c, rule.max_pct)
        / 100
        * data.cost_pressure[y, c]
        for y in data.years
        for c in data.committees
    }


def define_savings_capacity(m: pyo.ConcreteModel, data: ModelData, s: Scenario) -> None:
    """savings_capacity[y, c]: savings[y, c] <= max_pct / 100 * cost_pressure[y, c]."""
    caps = savings_caps(data, s)
    add_rule(
        m, "savings_capacity", list(caps), lambda m, y, c: m.savings[y, c], caps, "max"
    )
