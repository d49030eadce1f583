"""Balanskravet: årets resultat at least the minimum in every year."""

from __future__ import annotations

import pyomo.environ as pyo

from balans.model.data import ModelData
from balans.model.rules.common import add_rule
from balans.scenario.schema import Scenario


def define_result_non_negative(
    m: pyo.ConcreteModel, data: ModelData, s: Scenario
) -> None:
    """result_non_negative[y]: result[y] >= minimum[y] (0 from 2026)."""
    minimum = s.rules.result_non_negative.minimum
    add_rule(
        m,
        "result_non_negative",
        sorted(minimum),
        lambda m, y: m.result[y],
        minimum,
        "min",
    )
