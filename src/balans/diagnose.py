"""Why a scenario has no plan: elastic re-solves over the rules' slacks.

1. Every enabled rule may give, at its penalty per Mkr: the cheapest set of
   relaxations that makes a plan possible, and the rules it presses against.
2. Each rule family alone: the least it would have to give by itself, or
   that it cannot make a plan possible on its own (every enabled family is
   tried, so the report shows every way out, not only the cheapest).
"""

from __future__ import annotations

import pyomo.environ as pyo

from balans.model.data import ModelData
from balans.model.rules.common import RuleParts, split_index
from balans.results import Diagnosis, Relaxation, RelaxationAlone, RulePlace
from balans.solve import solve_model
from balans.units import RELAXED_MKR as RELAXED


def diagnose(m: pyo.ConcreteModel, data: ModelData) -> Diagnosis:
    """Explain an infeasible optimal-mode model; leaves the model elastic."""
    every = list(m.rule_parts.values())
    enabled = [p for p in every if data.rules.enabled[p.rule.key] and len(p.index)]
    m.objective.deactivate()
    m.elastic_objective = pyo.Objective(
        expr=sum(
            data.rules.penalty[p.rule.key] * sum(p.slack.values()) for p in enabled
        )
    )
    _free_slacks(every, enabled)
    outcome = solve_model(m, duals=True)
    if not outcome.optimal:
        return Diagnosis(relaxations=[], pressing=[], alone=[], status=outcome.status)
    relaxations = _relaxations(m, enabled)
    relaxed_keys = {row.rule for row in relaxations}
    pressing = _pressing(m, enabled, outcome.duals, relaxed_keys)
    alone = [_alone(m, every, parts) for parts in enabled]
    _free_slacks(every, enabled)
    return Diagnosis(
        relaxations=relaxations, pressing=pressing, alone=alone, status="ok"
    )


def _free_slacks(every: list[RuleParts], free: list[RuleParts]) -> None:
    """Let the slacks of `free` take any value >= 0; fix every other at zero."""
    for parts in every:
        ub = None if parts in free else 0.0
        for var in parts.slack.values():
            var.setub(ub)


def _relaxations(m: pyo.ConcreteModel, specs: list[RuleParts]) -> list[Relaxation]:
    rows = []
    for parts in specs:
        for index, var in parts.slack.items():
            amount = pyo.value(var)
            if amount > RELAXED:
                place = _place(parts, index)
                rows.append(
                    Relaxation(
                        rule=place.rule,
                        year=place.year,
                        committee=place.committee,
                        month=place.month,
                        amount_mkr=parts.rule.to_mkr(amount),
                        amount=amount,
                        unit=parts.rule.slack_unit,
                        limit=pyo.value(parts.limit[index]),
                    )
                )
    return rows


def _pressing(
    m: pyo.ConcreteModel,
    specs: list[RuleParts],
    duals: dict[str, float],
    relaxed: set[str],
) -> list[RulePlace]:
    """Rules held exactly at their limit that the relaxations push against."""
    rows = []
    for parts in specs:
        for index in parts.constraint:
            dual = duals.get(parts.constraint[index].name, 0.0)
            slack = pyo.value(parts.slack[index])
            if abs(dual) > RELAXED and slack <= RELAXED:
                rows.append(_place(parts, index))
    return rows


def _alone(
    m: pyo.ConcreteModel, every: list[RuleParts], only: RuleParts
) -> RelaxationAlone:
    """The least total relaxation of one rule family that makes a plan possible."""
    _free_slacks(every, [only])
    outcome = solve_model(m, duals=False)
    if not outcome.optimal:
        return RelaxationAlone(
            rule=only.rule.key,
            possible=False,
            unit=only.rule.slack_unit,
            amount_mkr=None,
            by_year={},
        )
    by_year: dict[int, float] = {}
    for index, var in only.slack.items():
        amount = pyo.value(var)
        if amount > RELAXED:
            year, _, _ = split_index(index)
            by_year[year] = by_year.get(year, 0.0) + amount
    return RelaxationAlone(
        rule=only.rule.key,
        possible=True,
        unit=only.rule.slack_unit,
        amount_mkr=only.rule.to_mkr(sum(by_year.values())),
        by_year=by_year,
    )


def _place(parts: RuleParts, index) -> RulePlace:
    """Rule, year, committee and month of one rule index."""
    year, committee, month = split_index(index)
    return RulePlace(rule=parts.rule.key, year=year, committee=committee, month=month)
