"""How a plan is solved on an LP session: plainly, or the closest plan by priority.

Written once; `plan`, `explain`, `diagnose` and the sweep kernel all call it.

Lexicographic goal programming over the rules' elastic slacks. `capacity`
rules (what the committees can deliver) never give, except in locked years,
whose levers are the decided budget's. The rules of the highest priority
(`law`: the balanskrav) give as little as possible first (weighted by their
penalties) and that least total is then held; the next priority (`council`:
the council's targets) gives as little as possible under it; finally the
chosen objective is optimised with both held, and `aim` rules may give at
their `aim_weight` (objective units per unit of shortfall) inside it. A plan
that keeps every rule is unchanged by this: every stage is 0.

An objective may itself be lexicographic (max-fou: the highest FoU first,
then, with it held, the scenario's own objective for everything else): its
stages run in order, each result held while the next solves. No secondary
goal rides on a tiny weight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyomo.environ as pyo

from balans.model.data import ModelData
from balans.model.lp import INF, INFEASIBLE, OPTIMAL, LpSession
from balans.model.rules.common import PRIORITY_ORDER, split_index
from balans.units import RELAXED_MKR, TOLERANCE_MKR

# Room (absolute, in the stage's own units) when a stage's least value is held:
# below HiGHS's primal feasibility tolerance (1e-7), so it only absorbs the
# rounding of the held row's sum; a relative room would let a later stage buy
# something with it (max-fou raised FoU by 0.9 kr on 1e-9 of a 1e6 breach).
HELD_ROOM = 1e-9
# A stage's least breach above this proves the plain problem infeasible.
PROVEN_BREACH = 1e-6

StageHook = Callable[[str, np.ndarray], None]


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


@dataclass
class PlanSolve:
    """How a plan was solved: status, whether it is the closest plan, its stages."""

    status: str
    closest: bool = False
    stages: list[Stage] = field(default_factory=list)
    solves: int = 0
    final_cost: np.ndarray | None = None  # the last stage's costs (for export)
    final_offset: float = 0.0  # the last stage's objective constant
    final_stage: str = "plain"


class Priorities:
    """The stages of a plan on one session: slack columns per rule, objective costs."""

    def __init__(
        self, session: LpSession, data: ModelData, follow: bool = False
    ) -> None:
        self.session, self.follow = session, follow
        m = session.m
        self.slack_cols: dict[str, np.ndarray] = {}
        self.slack_locked: dict[str, np.ndarray] = {}
        for parts in m.rule_parts.values():
            if not data.rules.enabled[parts.rule.key]:
                continue
            pairs = [
                (session.col_of[id(var)], split_index(index)[0] in data.locked_years)
                for index, var in parts.slack.items()
                if id(var) in session.col_of
            ]
            key = parts.rule.key
            self.slack_cols[key] = np.array([c for c, _ in pairs], dtype=np.int32)
            self.slack_locked[key] = np.array([lk for _, lk in pairs], dtype=bool)
        self._stage_costs: dict[tuple, np.ndarray] = {}
        self._free_cols: dict[tuple[str, ...], np.ndarray] = {}
        every = list(self.slack_cols.values())
        self.all_slacks = np.concatenate(every) if every else np.array([], np.int32)
        for level in PRIORITY_ORDER:  # before any solve: every basis fits the LP
            session.held_row(level)

    # -- the objective's own stages -------------------------------------------

    def objective_costs(self) -> list[np.ndarray]:
        """The objective's lexicographic cost vectors, first first."""
        session = self.session
        return [session.cost, *session.then_costs]

    def _objective(
        self, extra: np.ndarray | None, prefix: str, follow: bool, hook, time_limit
    ) -> tuple[str, int, np.ndarray, float]:
        """Every stage of the objective in turn, each result held for the next.

        Returns the status, the solves, and the last stage's costs and constant.
        """
        costs = self.objective_costs()
        session, solves = self.session, 0
        for number, cost in enumerate(costs):
            if extra is not None:
                cost = cost + extra
            stage = prefix if number == 0 else f"{prefix}:{number + 1}"
            status = session.run(cost, stage, follow=follow, time_limit=time_limit)
            solves += 1
            if status != OPTIMAL:
                return status, solves, cost, 0.0
            least = session.objective_value()
            if hook is not None:
                hook(stage, cost)
            if number < len(costs) - 1:
                self._hold_objective(f"objective:{number + 1}", cost, least)
                follow = self.follow
        return OPTIMAL, solves, cost, session.objective_offsets[len(costs) - 1]

    def _hold_objective(self, stage: str, cost: np.ndarray, least: float) -> None:
        """Hold an objective stage: one column by its bound, exactly; else a row."""
        used = np.flatnonzero(cost)
        if len(used) == 1 and cost[used[0]] < 0:
            col = int(used[0])
            self.session.hold_column(stage, col, least / cost[col])
        else:
            self.session.hold(stage, cost, _held(least))

    # -- plain and closest ------------------------------------------------------

    def plain(self, hook: StageHook | None = None, time_limit=None) -> PlanSolve:
        """Every target held: no slack, nothing held but the objective's own stages."""
        self.session.set_col_bounds(self.all_slacks, 0.0, 0.0)
        self.session.release_held()
        status, solves, cost, offset = self._objective(
            None, "plain", False, hook, time_limit
        )
        return PlanSolve(status, solves=solves, final_cost=cost, final_offset=offset)

    def solve(
        self,
        data: ModelData,
        strict: bool = False,
        plain_first: bool = True,
        hook: StageHook | None = None,
        time_limit: float | None = None,
    ) -> PlanSolve:
        """The plan `balans solve` reports: every target held, else the closest plan.

        With `strict`, no closest plan: infeasible is the answer. When the
        last variant needed the closest plan (`plain_first` False, the sweep
        kernel), the stages come first, and a stage that cannot reach zero
        breach proves the plain problem infeasible without solving it.
        """
        if strict or plain_first:
            result = self.plain(hook, time_limit)
            if result.status != INFEASIBLE or strict:
                return result
            closest = self.closest(data, True, hook=hook, time_limit=time_limit)
            closest.solves += result.solves
            return closest
        return self.closest(data, False, hook=hook, time_limit=time_limit)

    def closest(
        self,
        data: ModelData,
        known: bool,
        follow: bool | None = None,
        hook: StageHook | None = None,
        time_limit: float | None = None,
    ) -> PlanSolve:
        """The stages: law, then council, then the objective (aims weighed in).

        Unless the plain problem is `known` to be infeasible, it is solved (and
        its plan kept) when no stage had to breach anything. Later stages
        `follow` on from the stage before (primal simplex); if one fails,
        every stage is solved again from its own basis, as a fresh model would.
        """
        rules, session = data.rules, self.session
        follow = self.follow if follow is None else follow
        soft = [k for k in self.slack_cols if rules.priority[k] != "capacity"]
        session.release_held()
        self._free_soft_slacks(soft)
        stages, solves, breached = [], 0, known
        for level in PRIORITY_ORDER:
            members = [k for k in soft if rules.priority[k] == level]
            if not members:
                continue
            cost = self.stage_cost(members, rules.penalty)
            following = follow and solves > 0
            status = session.run(cost, level, following, time_limit)
            solves += 1
            if status != OPTIMAL:
                return self._again(data, known, solves, following, status, hook)
            least = session.objective_value()
            if hook is not None:
                hook(level, cost)  # may price or export; reads no result after
            breached = breached or least > PROVEN_BREACH
            session.hold(level, cost, _held(least))
            stages.append(Stage(level, least))
        if not breached:
            plain = self.plain(hook, time_limit)
            plain.solves += solves
            if plain.status == OPTIMAL:
                return plain
            self._free_soft_slacks(soft)
            for stage in stages:
                cost = self.stage_cost(
                    [k for k in soft if rules.priority[k] == stage.priority],
                    rules.penalty,
                )
                session.hold(stage.priority, cost, _held(stage.weighted_breach))
            solves = plain.solves
        aims = [k for k in soft if rules.priority[k] == "aim"]
        extra = self.stage_cost(aims, rules.aim_weight) if aims else None
        following = follow and solves > 0 and breached
        status, more, cost, offset = self._objective(
            extra, "final", following, hook, time_limit
        )
        if status != OPTIMAL:
            return self._again(data, known, solves + more, following, status, hook)
        return PlanSolve(OPTIMAL, True, stages, solves + more, cost, offset, "final")

    def _again(self, data, known, solves, followed, status, hook) -> PlanSolve:
        """A stage failed: without following on, no plan; else solve once more."""
        if not followed:
            return PlanSolve(status if status != OPTIMAL else INFEASIBLE, solves=solves)
        result = self.closest(data, known, follow=False, hook=hook)
        result.solves += solves
        return result

    def stage_cost(self, keys: list[str], weights: dict[str, float]) -> np.ndarray:
        """A cost vector weighing the slacks of `keys` (per unit of slack).

        Read-only: the same keys and weights give the same array (a sweep asks
        for the same stages once a variant).
        """
        key = tuple((k, weights[k]) for k in keys)
        cost = self._stage_costs.get(key)
        if cost is None:
            cost = np.zeros(self.session.n_cols)
            for k in keys:
                cost[self.slack_cols[k]] = weights[k]
            cost.flags.writeable = False
            self._stage_costs[key] = cost
        return cost

    def _free_soft_slacks(self, soft: list[str]) -> None:
        """Soft rules may give; capacity rules only in locked years."""
        key = tuple(soft)
        free = self._free_cols.get(key)
        if free is None:
            free = self._free_cols[key] = np.concatenate(
                [
                    cols if k in soft else cols[self.slack_locked[k]]
                    for k, cols in self.slack_cols.items()
                ]
                or [np.array([], dtype=np.int32)]
            ).astype(np.int32)
        self.session.set_col_bounds(free, 0.0, INF)

    # -- relaxation -----------------------------------------------------------

    def relax(
        self, data: ModelData, keys: list[str] | None = None
    ) -> dict[str, np.ndarray] | None:
        """One elastic solve: the rules of `keys` (default every enabled rule) may give.

        Every other slack is held at zero; each unit of slack costs its rule's
        penalty. Returns the slack values per rule key (in the order of its
        index), or None when even so no plan exists.
        """
        keys = list(self.slack_cols) if keys is None else keys
        session = self.session
        session.release_held()
        session.set_col_bounds(self.all_slacks, 0.0, 0.0)
        for key in keys:
            session.set_col_bounds(self.slack_cols[key], 0.0, INF)
        cost = self.stage_cost(keys, data.rules.penalty)
        if session.run(cost, "elastic") != OPTIMAL:
            return None
        x = session.solution()
        return {key: x[self.slack_cols[key]] for key in keys}

    def relaxation_mkr(self, data: ModelData) -> dict[str, float]:
        """The least each rule must give (Mkr) for a plan to exist, weighted by penalty."""
        relaxed = self.relax(data)
        if relaxed is None:
            return {}
        out = {}
        for key, values in relaxed.items():
            amount = self.session.m.rule_parts[key].rule.to_mkr(float(values.sum()))
            if amount > RELAXED_MKR:
                out[key] = amount
        return out


def solve_plan(
    session: LpSession,
    data: ModelData,
    strict: bool = False,
    hook: StageHook | None = None,
    time_limit: float | None = None,
) -> PlanSolve:
    """Solve a built model's plan on its session and load it into the model."""
    result = Priorities(session, data).solve(
        data, strict, hook=hook, time_limit=time_limit
    )
    if result.status == OPTIMAL:
        session.load_solution()
    return result


def _held(least: float) -> float:
    return least + HELD_ROOM


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
