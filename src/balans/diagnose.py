"""Why a scenario has no plan: elastic re-solves over the rules' slacks.

1. Every enabled rule may give, at its penalty per Mkr: the cheapest set of
   relaxations that makes a plan possible, and the rules it presses against.
2. Each rule family alone: the least it would have to give by itself, or
   that it cannot make a plan possible on its own (every enabled family is
   tried, so the report shows every way out, not only the cheapest).
"""

from __future__ import annotations

import pyomo.environ as pyo

from balans.model.registry import RULES, RuleSpec
from balans.model.rules.common import split_index
from balans.results import Diagnosis, Relaxation, RelaxationAlone, RulePlace
from balans.scenario.schema import Scenario
from balans.solve import solve_model

RELAXED = 1e-6  # Mkr of slack that counts as a relaxation


def diagnose(m: pyo.ConcreteModel, s: Scenario) -> Diagnosis:
    """Explain an infeasible optimal-mode model; leaves the model elastic."""
    enabled = [spec for spec in RULES if spec.enabled(s)]
    m.objective.deactivate()
    m.elastic_objective = pyo.Objective(
        expr=sum(spec.penalty(s) * sum(_slack(m, spec).values()) for spec in enabled)
    )
    _free_slacks(m, enabled)
    outcome = solve_model(m, duals=True)
    if not outcome.optimal:
        return Diagnosis(relaxations=[], pressing=[], alone=[], status=outcome.status)
    relaxations = _relaxations(m, enabled)
    relaxed_keys = {row.rule for row in relaxations}
    pressing = _pressing(m, enabled, outcome.duals, relaxed_keys)
    alone = [_alone(m, spec) for spec in enabled]
    _free_slacks(m, enabled)
    return Diagnosis(
        relaxations=relaxations, pressing=pressing, alone=alone, status="ok"
    )


def _slack(m: pyo.ConcreteModel, spec: RuleSpec):
    return getattr(m, f"{spec.key}_slack")


def _free_slacks(m: pyo.ConcreteModel, specs: list[RuleSpec]) -> None:
    for spec in RULES:
        ub = None if spec in specs else 0.0
        for var in _slack(m, spec).values():
            var.setub(ub)


def _relaxations(m: pyo.ConcreteModel, specs: list[RuleSpec]) -> list[Relaxation]:
    rows = []
    for spec in specs:
        for index, var in _slack(m, spec).items():
            amount = pyo.value(var)
            if amount > RELAXED:
                place = _place(spec, index)
                rows.append(
                    Relaxation(
                        rule=place.rule,
                        year=place.year,
                        committee=place.committee,
                        month=place.month,
                        amount_mkr=_in_mkr(spec, amount),
                        amount=amount,
                        unit=_slack_unit(spec),
                        limit=pyo.value(getattr(m, f"{spec.key}_limit")[index]),
                    )
                )
    return rows


def _pressing(
    m: pyo.ConcreteModel,
    specs: list[RuleSpec],
    duals: dict[str, float],
    relaxed: set[str],
) -> list[RulePlace]:
    """Rules held exactly at their limit that the relaxations push against."""
    rows = []
    for spec in specs:
        constraint = getattr(m, spec.key)
        for index in constraint:
            dual = duals.get(constraint[index].name, 0.0)
            slack = pyo.value(_slack(m, spec)[index])
            if abs(dual) > 1e-6 and slack <= RELAXED:
                rows.append(_place(spec, index))
    return rows


def _alone(m: pyo.ConcreteModel, only: RuleSpec) -> RelaxationAlone:
    """The least total relaxation of one rule family that makes a plan possible."""
    _free_slacks(m, [only])
    outcome = solve_model(m, duals=False)
    if not outcome.optimal:
        return RelaxationAlone(
            rule=only.key,
            possible=False,
            unit=_slack_unit(only),
            amount_mkr=None,
            by_year={},
        )
    by_year: dict[int, float] = {}
    for index, var in _slack(m, only).items():
        amount = pyo.value(var)
        if amount > RELAXED:
            year, _, _ = split_index(index)
            by_year[year] = by_year.get(year, 0.0) + amount
    return RelaxationAlone(
        rule=only.key,
        possible=True,
        unit=_slack_unit(only),
        amount_mkr=_in_mkr(only, sum(by_year.values())),
        by_year=by_year,
    )


def _place(spec: RuleSpec, index) -> RulePlace:
    """Rule, year, committee and month of one rule index."""
    year, committee, month = split_index(index)
    return RulePlace(rule=spec.key, year=year, committee=committee, month=month)


def _slack_unit(spec: RuleSpec) -> str:
    """Slacks are in Mkr, except FoU rules in tkr (a ratio rule's slack is Mkr of debt)."""
    return "tkr" if spec.unit == "tkr" else "Mkr"


def _in_mkr(spec: RuleSpec, amount: float) -> float:
    return amount / 1000 if spec.unit == "tkr" else amount
