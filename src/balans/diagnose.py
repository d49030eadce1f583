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
from balans.model.lp import INFEASIBLE, InfeasibleSet, LpSession
from balans.model.rules.common import RuleParts, split_index
from balans.priorities import Priorities
from balans.results import Diagnosis, Relaxation, RelaxationAlone, RulePlace
from balans.scenario.load import LoadedScenario
from balans.solve import solve
from balans.units import RELAXED_MKR as RELAXED


def diagnose(priorities: Priorities, data: ModelData) -> Diagnosis:
    """Explain an infeasible optimal-mode plan: elastic re-solves on its session."""
    session = priorities.session
    enabled = [
        p
        for p in session.m.rule_parts.values()
        if p.rule.key in priorities.slack_cols and len(p.index)
    ]
    relaxed = priorities.relax(data)
    if relaxed is None:
        return Diagnosis(relaxations=[], pressing=[], alone=[], status=INFEASIBLE)
    x, duals = session.solution(), session.row_duals()
    relaxations = _relaxations(session, enabled, x)
    relaxed_keys = {row.rule for row in relaxations}
    pressing = _pressing(session, enabled, x, duals, relaxed_keys)
    alone = [_alone(priorities, data, parts) for parts in enabled]
    return Diagnosis(
        relaxations=relaxations, pressing=pressing, alone=alone, status="ok"
    )


def _slack_value(session: LpSession, x, var) -> float:
    col = session.col_of.get(id(var))
    return 0.0 if col is None else float(x[col])


def _relaxations(session: LpSession, specs: list[RuleParts], x) -> list[Relaxation]:
    rows = []
    for parts in specs:
        for index, var in parts.slack.items():
            amount = _slack_value(session, x, var)
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
    session: LpSession, specs: list[RuleParts], x, duals, relaxed: set[str]
) -> list[RulePlace]:
    """Rules held exactly at their limit that the relaxations push against."""
    rows = []
    for parts in specs:
        for index in parts.constraint:
            row = session.row_of.get(parts.constraint[index])
            dual = 0.0 if row is None else duals[row]
            slack = _slack_value(session, x, parts.slack[index])
            if abs(dual) > RELAXED and slack <= RELAXED:
                rows.append(_place(parts, index))
    return rows


def _alone(priorities: Priorities, data: ModelData, only: RuleParts) -> RelaxationAlone:
    """The least total relaxation of one rule family that makes a plan possible."""
    relaxed = priorities.relax(data, [only.rule.key])
    if relaxed is None:
        return RelaxationAlone(
            rule=only.rule.key,
            possible=False,
            unit=only.rule.slack_unit,
            amount_mkr=None,
            by_year={},
        )
    x = priorities.session.solution()
    by_year: dict[int, float] = {}
    for index, var in only.slack.items():
        amount = _slack_value(priorities.session, x, var)
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
    solved = solve(m, data, strict=True, duals=False)
    result = ScenarioDiagnosis(s.name, s.title, feasible=solved.outcome.optimal)
    if solved.outcome.optimal:
        return result
    session = solved.session
    result.conflict = conflict_members(session, session.infeasible_set())
    result.diagnosis = diagnose(solved.priorities, data)
    return result


def conflict_members(session: LpSession, iis: InfeasibleSet) -> list[ConflictMember]:
    """The IIS in the scenario's words: rules first, then identities, then bounds."""
    m = session.m
    rule_of = {id(p.constraint): p for p in m.rule_parts.values()}
    slack_of = {id(p.slack) for p in m.rule_parts.values()}
    rules, identities, bounds = [], [], []
    for row, bound in iis.rows.items():
        if row >= session.n_rows:
            continue  # a held row: free while every target is held
        con = session.rows[row]
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
    for col, bound in iis.columns.items():
        var = session.columns[col]
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
