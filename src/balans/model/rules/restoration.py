"""Återställande: the accumulated deficits restored, each vintage in time."""

from __future__ import annotations

import pyomo.environ as pyo

from balans.model.data import ModelData
from balans.model.rules.common import add_rule
from balans.scenario.schema import Scenario


def define_restoration_goal(m: pyo.ConcreteModel, data: ModelData, s: Scenario) -> None:
    """restoration_goal[T]: opening deficit + sum of results to T >= 0.

    Tabell 3: UB ackumulerade ej återställda negativa resultat >= 0 at the end
    of the target year (2030).
    """
    target = s.rules.restoration.target_year
    add_rule(
        m,
        "restoration_goal",
        [target],
        lambda m, y: m.restoration_balance[y],
        {target: 0.0},
        "min",
    )


def vintage_due(s: Scenario) -> dict[int, float]:
    """Mkr that must be restored by each deadline before the target year.

    Positive results restore the oldest deficit first, so a deadline is kept
    when the results up to it cover every vintage due by then.
    """
    rule = s.rules.restoration
    deadlines = sorted(
        {v.deadline for v in rule.vintages if v.deadline < rule.target_year}
    )
    return {
        d: sum(v.amount for v in rule.vintages if v.deadline <= d) for d in deadlines
    }


def define_vintage_deadlines(
    m: pyo.ConcreteModel, data: ModelData, s: Scenario
) -> None:
    """vintage_deadline[d]: sum of results first_year..d >= deficits due by d.

    Text of "Reglering av balanskravsresultat": "2023 års underskott innan år
    2028", the rest by the end of 2030.
    """
    due = vintage_due(s)
    add_rule(
        m,
        "vintage_deadline",
        sorted(due),
        lambda m, d: sum(m.result[y] for y in m.years if y <= d),
        due,
        "min",
    )
