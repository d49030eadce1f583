"""Why a scenario has no plan: elastic re-solves over the rules' slacks.

1. Every enabled rule may give, at its penalty per Mkr: the cheapest set of
   relaxations that makes a plan possible, and the rules it presses against.
2. Each rule family alone: the least it would have to give by itself, or
   that it cannot make a plan possible on its own (every enabled family is
   tried, so the report shows every way out, not only the cheapest).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyomo.environ as pyo

from balans.model.build import build_model
from balans.model.data import ModelData, build_data
from balans.model.rules.common import RuleParts, split_index
from balans.results import Diagnosis, Relaxation, RelaxationAlone, RulePlace
from balans.scenario.load import LoadedScenario
from balans.solve import InfeasibleSet, infeasible_set, solve_model
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


@dataclass(frozen=True)
class ConflictMember:
    """One member of the irreducible infeasible set, mapped back to the scenario.

    `kind` is "rule" (a målvärde: `rule` is its key), "identity" (an accounting
    identity or other constraint of no rule: `name` is its LP name) or "bound"
    (a lever's or a variable's bound: `name` is the variable, `bound` which one).
    """

    kind: str
    name: str
    rule: str | None
    year: int | None
    committee: str | None
    month: int | None
    bound: str
    limit: float | None = None


@dataclass
class ScenarioDiagnosis:
    """`balans diagnose`: feasible, or the conflicting rules and the least relaxations."""

    scenario: str
    title: str
    feasible: bool
    conflict: list[ConflictMember] = field(default_factory=list)
    diagnosis: Diagnosis | None = None

    def conflicting_rules(self) -> list[ConflictMember]:
        """The members that are målvärden."""
        return [member for member in self.conflict if member.kind == "rule"]


def diagnose_scenario(
    loaded: LoadedScenario, objective: str | None = None
) -> ScenarioDiagnosis:
    """Every enabled rule held: feasible, or an IIS and today's least relaxations."""
    s = loaded.scenario
    data = build_data(s)
    m = build_model(data, "optimal", objective)
    outcome = solve_model(m, duals=False)
    result = ScenarioDiagnosis(s.name, s.title, feasible=outcome.optimal)
    if outcome.optimal:
        return result
    result.conflict = conflict_members(m, infeasible_set(m))
    fresh = build_model(data, "optimal", objective)
    solve_model(fresh, duals=False)
    result.diagnosis = diagnose(fresh, data)
    return result


def conflict_members(m: pyo.ConcreteModel, iis: InfeasibleSet) -> list[ConflictMember]:
    """The IIS in the scenario's words: rules first, then identities, then bounds."""
    rule_of = {id(p.constraint): p for p in m.rule_parts.values()}
    slack_of = {id(p.slack) for p in m.rule_parts.values()}
    rules, identities, bounds = [], [], []
    for con, bound in iis.rows.items():
        parts = rule_of.get(id(con.parent_component()))
        if parts is not None:
            index = con.index()
            year, committee, month = split_index(index)
            rules.append(
                ConflictMember(
                    "rule",
                    con.name,
                    parts.rule.key,
                    year,
                    committee,
                    month,
                    bound,
                    pyo.value(parts.limit[index]),
                )
            )
        else:
            identities.append(_unruled("identity", con, bound))
    for var, bound in iis.columns.items():
        # A rule's slack (held at 0) or a free variable restricts nothing itself.
        if id(var.parent_component()) not in slack_of and bound != "free":
            bounds.append(_unruled("bound", var, bound))
    return rules + identities + bounds


def _unruled(kind: str, component, bound: str) -> ConflictMember:
    """An identity or a bound: its year, committee and month read from its index."""
    index = component.index()
    parts = index if isinstance(index, tuple) else (index,)
    year = next((p for p in parts if isinstance(p, int) and p > 1900), None)
    month = next((p for p in parts if isinstance(p, int) and 1 <= p <= 12), None)
    committee = next((p for p in parts if isinstance(p, str) and p.isupper()), None)
    limit = None
    if kind == "bound":
        limit = component.lb if bound == "lower" else component.ub
    return ConflictMember(
        kind,
        component.name,
        None,
        year,
        committee,
        month,
        bound,
        None if limit is None else float(pyo.value(limit)),
    )
