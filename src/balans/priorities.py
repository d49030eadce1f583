"""When the targets cannot all hold: the closest plan, by priority.

Lexicographic goal programming over the rules' elastic slacks. `capacity`
rules (what the committees can deliver) never give, except in locked years,
whose levers are the decided budget's. The rules of the highest priority
(`law`: the balanskrav) give as little as possible first (weighted by their
penalties) and that least total is then held; the next priority (`council`:
the council's targets) gives as little as possible under it; finally the
chosen objective is optimised with both held, and `aim` rules may give at
their `aim_weight` (objective units per unit of shortfall) inside it. A plan
that keeps every rule is unchanged by this: every stage is 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyomo.environ as pyo

from balans.model.data import ModelData
from balans.model.rules.common import PRIORITY_ORDER, RuleParts, split_index
from balans.solve import SolveOutcome, solve_model
from balans.units import TOLERANCE_MKR

HELD_SLACK = 1e-9  # relative room when a stage's least breach is held


@dataclass(frozen=True)
class Stage:
    """One priority level: its least weighted breach (0 when every rule of it holds)."""

    priority: str
    weighted_breach: float


@dataclass(frozen=True)
class Breach:
    """A target the closest plan cannot meet, and by how much (in the rule's unit)."""

    rule: str
    year: int
    committee: str | None
    month: int | None
    amount: float
    unit: str
    amount_mkr: float
    limit: float
    priority: str
    locked_year: bool  # the year's levers are the decided budget's


def soft_rules(m: pyo.ConcreteModel, data: ModelData) -> list[RuleParts]:
    """Enabled rules that the closest plan may breach (all but `capacity`)."""
    return [
        parts
        for parts in m.rule_parts.values()
        if data.rules.enabled[parts.rule.key]
        and data.rules.priority[parts.rule.key] != "capacity"
    ]


def capacity_rules(m: pyo.ConcreteModel, data: ModelData) -> list[RuleParts]:
    """Enabled `capacity` rules: hard, except in locked years (decided, a fact)."""
    return [
        parts
        for parts in m.rule_parts.values()
        if data.rules.enabled[parts.rule.key]
        and data.rules.priority[parts.rule.key] == "capacity"
    ]


def solve_by_priority(
    m: pyo.ConcreteModel,
    data: ModelData,
    time_limit: float | None = None,
    after_stage: Callable[[pyo.ConcreteModel, str, Any], None] | None = None,
) -> tuple[SolveOutcome, list[Stage]]:
    """Solve stage by stage; the model ends with the final stage's plan loaded.

    `after_stage(m, level, breach)` is called after each priority stage's optimal
    solve, before its least breach is held (explain.py prices the stages there).
    """
    soft = soft_rules(m, data)
    for parts in soft:
        for var in parts.slack.values():
            var.setub(None)
    for parts in capacity_rules(m, data):
        for index, var in parts.slack.items():
            if split_index(index)[0] in data.locked_years:
                var.setub(None)  # the decided budget may ask more than the cap
    m.objective.deactivate()
    stages = []
    for level in PRIORITY_ORDER:
        members = [p for p in soft if data.rules.priority[p.rule.key] == level]
        if not members:
            continue
        breach = sum(
            data.rules.penalty[p.rule.key] * sum(p.slack.values()) for p in members
        )
        stage = pyo.Objective(expr=breach)
        m.add_component(f"{level}_breach", stage)
        outcome = solve_model(m, time_limit=time_limit, duals=False)
        stage.deactivate()
        if not outcome.optimal:
            m.objective.activate()
            return outcome, stages
        if after_stage is not None:
            after_stage(m, level, breach)
        least = pyo.value(breach)
        m.add_component(
            f"{level}_breach_held",
            pyo.Constraint(expr=breach <= least + HELD_SLACK * max(1.0, least)),
        )
        stages.append(Stage(level, least))
    m.objective.activate()
    aims = [p for p in soft if data.rules.priority[p.rule.key] == "aim"]
    if aims:
        shortfall = sum(
            data.rules.aim_weight[p.rule.key] * sum(p.slack.values()) for p in aims
        )
        m.objective.deactivate()
        m.objective_with_aims = pyo.Objective(expr=m.objective.expr + shortfall)
        outcome = solve_model(m, time_limit=time_limit)
        m.objective_with_aims.deactivate()
        m.objective.activate()
        return outcome, stages
    return solve_model(m, time_limit=time_limit), stages


def breaches(m: pyo.ConcreteModel, data: ModelData) -> list[Breach]:
    """Every enabled rule index the loaded plan breaches, in registry order.

    The amount is the shortfall of the rule's value against its limit (what
    the rule would have to give), read from the plan, not from the slack.
    """
    rows = []
    enabled = [p for p in m.rule_parts.values() if data.rules.enabled[p.rule.key]]
    for parts in enabled:
        rule = parts.rule
        for index in parts.index:
            value, limit = pyo.value(parts.value[index]), pyo.value(parts.limit[index])
            amount = -rule.margin(value, limit)
            if amount > TOLERANCE_MKR:
                year, committee, month = split_index(index)
                rows.append(
                    Breach(
                        rule=rule.key,
                        year=year,
                        committee=committee,
                        month=month,
                        amount=amount,
                        unit=rule.slack_unit,
                        amount_mkr=rule.to_mkr(amount),
                        limit=limit,
                        priority=data.rules.priority[rule.key],
                        locked_year=year in data.locked_years,
                    )
                )
    return rows
