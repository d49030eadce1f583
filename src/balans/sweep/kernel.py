"""The sweep kernel: one scenario's LP in highspy, re-solved warm for each variant.

Pyomo stays the single source of the model. The kernel builds it once,
lets Pyomo's persistent HiGHS interface translate it, and copies that LP into
its own `highspy.Highs`. For a variant, `apply` (the code every solve uses)
sets the variant's numbers on the Pyomo model; the kernel reads the mutable
parameters back, evaluates Pyomo's own coefficient, bound and cost
expressions for a whole chunk at once (`compile.py`), pushes into HiGHS only
the numbers that changed and re-solves from the last basis. The closest plan
takes the same sequence of solves as `priorities.solve_by_priority`.

Besides `solve.py`, this is the only module that talks to HiGHS.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.repn import generate_standard_repn

from balans.model.build import StructureChanged, apply, build_model
from balans.model.data import ModelData, revenue_for_ratios
from balans.model.rules.common import PRIORITY_ORDER, RuleParts, split_index
from balans.model.rules.result import ratio_revenue
from balans.priorities import HELD_SLACK
from balans.solve import solve_model
from balans.sweep.compile import Symbols, compile_rows
from balans.units import RELAXED_MKR, TOLERANCE_MKR

INF = highspy.kHighsInf
OPTIMAL, INFEASIBLE, ERROR = "optimal", "infeasible", "error"
EVALUATED = "evaluated"
# A stage's least breach above this proves the plain problem infeasible.
PROVEN_BREACH = 1e-6
# Devex dual edge weights: after `setBasis` HiGHS would otherwise recompute
# the dual steepest-edge weights, which costs more than the few iterations a
# warm re-solve needs (benchmarks/sweep.py: 2.5 -> 1.7 ms a variant).
HIGHS_OPTIONS = {"output_flag": False, "simplex_dual_edge_weight_strategy": 1}
DUAL, PRIMAL = 1, 4  # HiGHS simplex_strategy


@dataclass
class Outcome:
    """One variant's plan: status, whether it is the closest plan, the row of numbers."""

    status: str
    closest: bool
    values: np.ndarray | None  # the readouts, in `Kernel.columns` order
    relaxation: dict[str, float]  # infeasible: least relaxation per rule, Mkr
    solves: int
    message: str = ""


def _index_name(index) -> str:
    year, committee, month = split_index(index)
    if committee is not None:
        return f"{year}.{committee}"
    if month is not None:
        return f"{year}-{month:02d}"
    return str(year)


def readouts(m: pyo.ConcreteModel, data: ModelData) -> list[tuple[str, object]]:
    """Every number a sweep row reports, as a Pyomo expression of the plan."""
    years, committees = data.years, data.committees
    out: list[tuple[str, object]] = [("objective", m.primary)]
    out.append(
        ("savings_total", sum(m.savings[y, c] for y in years for c in committees))
    )
    out += [
        (f"savings_total.{y}", sum(m.savings[y, c] for c in committees)) for y in years
    ]
    out += [(f"savings.{c}.{y}", m.savings[y, c]) for c in committees for y in years]
    out += [(f"result.{y}", m.result[y]) for y in years]
    out += [
        (f"balanskrav_result.{y}", m.result[y] + m.balanskrav_adjustment[y])
        for y in years
    ]
    balance = m.opening_restoration
    for y in years:
        balance = balance + m.result[y] + m.balanskrav_adjustment[y]
        out.append((f"restoration_balance.{y}", balance))
    out += [
        (f"month_cash.{y}-{month:02d}", m.monthly_cash[y, month])
        for y in years
        for month in range(1, 13)
    ]
    out += [(f"loans.{y}", m.loans[y]) for y in years]
    pharma = data.scenario.rules.debt_ratio.include_pharma_grant
    out += [
        (
            f"ratio_revenue.{y}",
            revenue_for_ratios(
                m.tax_revenue[y],
                m.general_grants_data[y],
                m.pharma_grant_data[y],
                pharma,
            ),
        )
        for y in years
    ]
    out += [(f"fou_tkr.{y}", m.fou_tkr[y]) for y in years]
    for parts in m.rule_parts.values():
        if not data.rules.enabled[parts.rule.key]:
            continue
        for index in parts.index:
            name = f"target.{parts.rule.key}.{_index_name(index)}"
            out.append((f"{name}.value", parts.value[index]))
            out.append((f"{name}.limit", parts.limit[index]))
    return out


class Kernel:
    """A built scenario shape whose variants are solved warm in highspy."""

    def __init__(
        self,
        data: ModelData,
        mode: str,
        objective: str | None = None,
        strict: bool = False,
    ) -> None:
        self.mode, self.strict = mode, strict
        self.m = m = build_model(data, mode, objective)
        solve_model(m, duals=False)  # Pyomo translates the LP once
        persistent = m._balans_highs
        self.var_col = persistent._pyomo_var_to_solver_var_map
        self.con_row = persistent._pyomo_con_to_solver_con_map
        self.symbols = Symbols()
        self._collect_entries(persistent)
        self._collect_readouts(data)
        self._collect_slacks(data)
        self.base_params, self.base_fixed = self.symbols.values()
        self.highs = self._copy(persistent._solver_model.getLp())
        self.current = None  # entry values now in HiGHS
        self.plain_first = True  # the last variant kept every target
        self.held: dict[str, tuple[np.ndarray, float]] = {}
        self.bases: dict[str, object] = {}  # each stage's last basis
        entries, read, _ = self.numbers([data])
        self.solve(data, entries[:, 0], read[:, 0])
        self.base_bases = dict(self.bases)
        self.base_plain_first = self.plain_first

    # -- set-up -------------------------------------------------------------

    def _copy(self, lp) -> highspy.Highs:
        lp.offset_ = 0.0
        highs = highspy.Highs()
        for option, value in HIGHS_OPTIONS.items():
            highs.setOptionValue(option, value)
        highs.passModel(lp)
        self.base_cost = np.array(lp.col_cost_, dtype=float)
        self.n_cols = highs.getNumCol()
        self.held_rows, self.held_coefs = {}, {}
        for level in PRIORITY_ORDER:  # the closest plan's held stage breaches
            self.held_rows[level] = highs.getNumRow()
            highs.addRow(-INF, INF, 0, np.array([], dtype=np.int32), np.array([]))
        return highs

    def _collect_entries(self, persistent) -> None:
        """Every LP number that depends on a parameter or a fixed variable."""
        coef, row_bounds, col_bounds, costs = [], [], [], []
        for con, helpers in persistent._mutable_helpers.items():
            row = self.con_row[con]
            for helper in helpers:
                if hasattr(helper, "expr"):
                    col = self.var_col[helper.pyomo_var_id]
                    coef.append((row, col, helper.expr))
                else:
                    row_bounds.append((row, helper.lower_expr, helper.upper_expr))
        for var_id, (_var, helper) in persistent._mutable_bounds.items():
            col_bounds.append(
                (self.var_col[var_id], helper.lower_expr, helper.upper_expr)
            )
        for var_id, col in self.var_col.items():
            var = persistent._vars[var_id][0]
            if var.fixed:
                col_bounds.append((col, var, var))
        for helper in persistent._mutable_objective.linear_coefs:
            costs.append((self.var_col[helper.pyomo_var_id], helper.expr))
        self.coef_rows = np.array([r for r, _, _ in coef], dtype=np.int32)
        self.coef_cols = np.array([c for _, c, _ in coef], dtype=np.int32)
        self.bound_rows = np.array([r for r, _, _ in row_bounds], dtype=np.int32)
        self.bound_cols = np.array([c for c, _, _ in col_bounds], dtype=np.int32)
        self.cost_cols = np.array([c for c, _ in costs], dtype=np.int32)
        exprs = [e for _, _, e in coef]
        exprs += [e for _, e, _ in row_bounds] + [e for _, _, e in row_bounds]
        exprs += [e for _, e, _ in col_bounds] + [e for _, _, e in col_bounds]
        exprs += [e for _, e in costs]
        sizes = [len(coef), len(row_bounds), len(row_bounds)]
        sizes += [len(col_bounds), len(col_bounds), len(costs)]
        self.cuts = np.cumsum([0, *sizes])
        self.entries = compile_rows(exprs, self.symbols)

    def _collect_readouts(self, data: ModelData) -> None:
        named = readouts(self.m, data)
        self.columns = [name for name, _ in named]
        rows, cols, coefs, constants = [], [], [], []
        for number, (_, expr) in enumerate(named):
            repn = generate_standard_repn(expr, compute_values=False, quadratic=False)
            for var, coefficient in zip(
                repn.linear_vars, repn.linear_coefs, strict=True
            ):
                rows.append(number)
                cols.append(self.var_col[id(var)])
                coefs.append(coefficient)
            constants.append(repn.constant)
        self.read_rows = np.array(rows, dtype=np.int64)
        self.read_cols = np.array(cols, dtype=np.int64)
        self.n_coefs = len(coefs)
        self.readout_numbers = compile_rows([*coefs, *constants], self.symbols)
        names = dict.fromkeys(
            c.rsplit(".", 1)[0] for c in self.columns if c.startswith("target.")
        )
        self.targets = [
            (n, self.columns.index(f"{n}.value"), self.columns.index(f"{n}.limit"))
            for n in names
        ]
        self.target_senses = [self._rule_of(name).sense for name, _, _ in self.targets]
        self.target_percent = [self._denominator(name) for name, _, _ in self.targets]
        self._value_at = np.array([v for _, v, _ in self.targets], dtype=np.int64)
        self._limit_at = np.array([lim for _, _, lim in self.targets], dtype=np.int64)
        self._higher = np.array([sense == "min" for sense in self.target_senses])
        self._percent_at = np.array(
            [-1 if d is None else d for d in self.target_percent], dtype=np.int64
        )

    def _rule_of(self, target: str):
        return self.m.rule_parts[target.split(".")[1]].rule

    def _denominator(self, target: str) -> int | None:
        """The readout a %-rule's Mkr figures are divided by (as in the results)."""
        rule = self._rule_of(target)
        if rule.percent_of is None:
            return None
        if rule.percent_of is not ratio_revenue:
            raise NotImplementedError(f"{rule.key}: a sweep knows only ratio_revenue")
        return self.columns.index(f"ratio_revenue.{target.split('.')[2]}")

    def _collect_slacks(self, data: ModelData) -> None:
        """The slack columns of every enabled rule, with what each stage weighs."""
        self.slack_cols: dict[str, np.ndarray] = {}
        self.slack_locked: dict[str, np.ndarray] = {}
        for parts in self._enabled(data):
            pairs = [
                (self.var_col[id(var)], split_index(index)[0] in data.locked_years)
                for index, var in parts.slack.items()
                if id(var) in self.var_col
            ]
            key = parts.rule.key
            self.slack_cols[key] = np.array([c for c, _ in pairs], dtype=np.int32)
            self.slack_locked[key] = np.array([lk for _, lk in pairs], dtype=bool)
        every = [cols for cols in self.slack_cols.values()]
        self.all_slacks = np.concatenate(every) if every else np.array([], np.int32)

    def _enabled(self, data: ModelData) -> list[RuleParts]:
        return [p for p in self.m.rule_parts.values() if data.rules.enabled[p.rule.key]]

    # -- variants -----------------------------------------------------------

    def numbers(self, datas: list[ModelData]) -> tuple[np.ndarray, np.ndarray, list]:
        """LP entries and readout coefficients of a chunk: (entries, readouts, errors)."""
        params, fixed, errors = [], [], []
        param_slot, var_slot = self.symbols.param_slots, self.symbols.var_slots
        for data in datas:
            p, v = list(self.base_params), list(self.base_fixed)

            def put(component, value, p=p, v=v) -> None:
                slot = param_slot.get(id(component))
                if slot is not None:
                    p[slot] = value
                elif (slot := var_slot.get(id(component))) is not None:
                    v[slot] = value

            try:
                apply(self.m, data, put)  # the numbers, collected, not set
            except StructureChanged as exc:
                errors.append(str(exc))
            else:
                errors.append(None)
            params.append(p)
            fixed.append(v)
        p = np.array(params, dtype=float).T.reshape(len(self.symbols.params), -1)
        v = np.array(fixed, dtype=float).T.reshape(len(self.symbols.fixed_vars), -1)
        return self.entries(p, v), self.readout_numbers(p, v), errors

    def reset(self) -> None:
        """Start a chunk from the base plan's bases: rows never depend on the order."""
        self.bases = dict(self.base_bases)
        self.plain_first = self.base_plain_first

    def solve(self, data: ModelData, entries: np.ndarray, read: np.ndarray) -> Outcome:
        """One variant: push its changed numbers, solve as `optimise` would, read.

        `optimise` first tries every target at once and, when that fails, takes
        the closest plan. The kernel gets the same plan with fewer solves: when
        the last variant needed the closest plan it starts with the priority
        stages, and a stage that cannot reach zero breach proves the plain
        problem infeasible without solving it.
        """
        self._push(entries)
        if self.mode == "decided" or self.strict or self.plain_first:
            status, solves = self._plain(), 1
            if status == INFEASIBLE and self.mode == "optimal" and not self.strict:
                status, stage_solves, closest = self._closest(data, known=True)
                solves += stage_solves
            else:
                closest = False
        else:
            status, solves, closest = self._closest(data, known=False)
        self.plain_first = not closest
        if status == OPTIMAL:
            values = self._read(read)
            if self.mode == "decided":
                status = EVALUATED
            return Outcome(status, closest, values, {}, solves)
        if status == INFEASIBLE and self.mode == "optimal":
            return Outcome(status, False, None, self._relaxation(data), solves + 1)
        return Outcome(status, False, None, {}, solves)

    def hold_plain(self, data: ModelData) -> None:
        """Load a variant's numbers as the plain problem, without solving (to inspect)."""
        entries, _, errors = self.numbers([data])
        if errors[0]:
            raise StructureChanged(errors[0])
        self._push(entries[:, 0])
        self._slack_bounds(self.all_slacks, 0.0)
        self._release_held()
        self.highs.changeColsCost(
            self.n_cols, np.arange(self.n_cols, dtype=np.int32), self.base_cost
        )

    def names(self) -> tuple[dict[int, str], dict[int, str]]:
        """Row and column names of the kernel's LP (its held rows left out)."""
        var_names = {id(v): v.name for v in self.m.component_data_objects(pyo.Var)}
        rows = {i: con.name for con, i in self.con_row.items()}
        return rows, {i: var_names[v] for v, i in self.var_col.items()}

    def _plain(self) -> str:
        """Every target held: no slack, no held stage."""
        self._slack_bounds(self.all_slacks, 0.0)
        self._release_held()
        return self._run(self.base_cost, "plain")

    def _push(self, entries: np.ndarray) -> None:
        highs, cuts = self.highs, self.cuts
        changed = (
            np.ones(len(entries), dtype=bool)
            if self.current is None
            else entries != self.current
        )
        self.current = entries.copy()
        coef = np.flatnonzero(changed[cuts[0] : cuts[1]])
        for i in coef:
            highs.changeCoeff(
                int(self.coef_rows[i]), int(self.coef_cols[i]), entries[i]
            )
        rows = np.flatnonzero(changed[cuts[1] : cuts[2]] | changed[cuts[2] : cuts[3]])
        if len(rows):
            lower, upper = entries[cuts[1] : cuts[2]], entries[cuts[2] : cuts[3]]
            highs.changeRowsBounds(
                len(rows), self.bound_rows[rows], lower[rows], upper[rows]
            )
        cols = np.flatnonzero(changed[cuts[3] : cuts[4]] | changed[cuts[4] : cuts[5]])
        if len(cols):
            lower, upper = entries[cuts[3] : cuts[4]], entries[cuts[4] : cuts[5]]
            highs.changeColsBounds(
                len(cols), self.bound_cols[cols], lower[cols], upper[cols]
            )
        self.base_cost[self.cost_cols] = entries[cuts[5] : cuts[6]]

    def _slack_bounds(self, cols: np.ndarray, upper: float) -> None:
        if len(cols):
            self.highs.changeColsBounds(
                len(cols), cols, np.zeros(len(cols)), np.full(len(cols), upper)
            )

    def _release_held(self) -> None:
        for row in self.held_rows.values():
            self.highs.changeRowBounds(row, -INF, INF)

    def _run(self, cost: np.ndarray, stage: str, follow: bool = False) -> str:
        """Solve with `cost`, warm.

        A variant's first solve follows new bounds and coefficients: the dual
        simplex from the basis the same stage ended with in the last variant.
        A later stage of the closest plan (`follow`) only changes the costs and
        holds a breach the current plan meets, so the current basis stays
        feasible: the primal simplex goes on from it (benchmarks/sweep.py:
        a fifth less time than restarting each stage from its own basis).
        """
        highs = self.highs
        highs.changeColsCost(self.n_cols, np.arange(self.n_cols, dtype=np.int32), cost)
        highs.setOptionValue("simplex_strategy", PRIMAL if follow else DUAL)
        if not follow and stage in self.bases:
            highs.setBasis(self.bases[stage])
        highs.run()
        status = highs.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            if not follow:
                self.bases[stage] = highs.getBasis()
            return OPTIMAL
        if status in (
            highspy.HighsModelStatus.kInfeasible,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return INFEASIBLE
        return ERROR

    def _stage_cost(self, data: ModelData, keys: list[str], weights) -> np.ndarray:
        cost = np.zeros(self.n_cols)
        for key in keys:
            cost[self.slack_cols[key]] = weights[key]
        return cost

    def _closest(
        self, data: ModelData, known: bool, follow: bool = True
    ) -> tuple[str, int, bool]:
        """The stages of `solve_by_priority`: law, then council, then the objective.

        Returns the status, the number of solves and whether the plan is the
        closest one. Unless the plain problem is `known` to be infeasible, it
        is solved (and its plan kept) when no stage had to breach anything.
        Later stages `follow` on from the stage before (primal simplex); if
        one of them fails, every stage is solved again from its own basis
        (dual simplex), as a separate model would be.
        """
        rules = data.rules
        soft = [k for k in self.slack_cols if rules.priority[k] != "capacity"]
        self._release_held()
        self.held = {}
        self._free_soft_slacks(soft)
        solves, breached = 0, known
        for level in PRIORITY_ORDER:
            members = [k for k in soft if rules.priority[k] == level]
            if not members:
                continue
            cost = self._stage_cost(data, members, rules.penalty)
            solves += 1
            if self._run(cost, level, follow=follow and solves > 1) != OPTIMAL:
                return self._again(data, known, solves, follow and solves > 1)
            least = self.highs.getInfo().objective_function_value
            breached = breached or least > PROVEN_BREACH
            self._hold(level, cost, least)
        if not breached:
            solves += 1
            if self._plain() == OPTIMAL:
                return OPTIMAL, solves, False
            self._free_soft_slacks(soft)
            for level, (cost, least) in self.held.items():
                self._hold(level, cost, least)
        aims = [k for k in soft if rules.priority[k] == "aim"]
        cost = self.base_cost + self._stage_cost(data, aims, rules.aim_weight)
        followed = follow and solves > 0 and breached
        if self._run(cost, "final", follow=followed) != OPTIMAL:
            return self._again(data, known, solves + 1, followed)
        return OPTIMAL, solves + 1, True

    def _again(
        self, data: ModelData, known: bool, solves: int, followed: bool
    ) -> tuple[str, int, bool]:
        """A stage failed: without following on, no plan; else solve once more."""
        if not followed:
            return INFEASIBLE, solves, False
        status, more, closest = self._closest(data, known, follow=False)
        return status, solves + more, closest

    def _free_soft_slacks(self, soft: list[str]) -> None:
        """Soft rules may give; capacity rules only in locked years."""
        for key, cols in self.slack_cols.items():
            self._slack_bounds(
                cols if key in soft else cols[self.slack_locked[key]], INF
            )

    def _hold(self, level: str, cost: np.ndarray, least: float) -> None:
        """Hold a stage's least weighted breach while later stages solve."""
        self.held[level] = (cost, least)
        used = np.flatnonzero(cost)
        row = self.held_rows[level]
        self._set_row(row, used, cost[used])
        self.highs.changeRowBounds(row, -INF, least + HELD_SLACK * max(1.0, least))

    def _set_row(self, row: int, cols: np.ndarray, values: np.ndarray) -> None:
        """Set a held row's coefficients, touching HiGHS only where they changed."""
        before = self.held_coefs.get(row, {})
        after = dict(zip(cols.tolist(), values.tolist(), strict=True))
        for col in before.keys() - after.keys():
            self.highs.changeCoeff(row, col, 0.0)
        for col, value in after.items():
            if before.get(col) != value:
                self.highs.changeCoeff(row, col, value)
        self.held_coefs[row] = after

    def _relaxation(self, data: ModelData) -> dict[str, float]:
        """One elastic solve: the least each rule must give (Mkr), weighted by penalty."""
        self._release_held()
        self._slack_bounds(self.all_slacks, INF)
        cost = self._stage_cost(data, list(self.slack_cols), data.rules.penalty)
        if self._run(cost, "elastic") != OPTIMAL:
            return {}
        x = np.asarray(self.highs.getSolution().col_value)
        relaxation = {}
        for key, cols in self.slack_cols.items():
            amount = self._rule(key).to_mkr(float(x[cols].sum()))
            if amount > RELAXED_MKR:
                relaxation[key] = amount
        return relaxation

    def _rule(self, key: str):
        return self.m.rule_parts[key].rule

    def _read(self, read: np.ndarray) -> np.ndarray:
        x = np.asarray(self.highs.getSolution().col_value)
        weights = read[: self.n_coefs] * x[self.read_cols]
        values = np.bincount(
            self.read_rows, weights=weights, minlength=len(self.columns)
        )
        return values + read[self.n_coefs :]

    def target_figures(self, values: np.ndarray) -> np.ndarray:
        """Per target: value, limit, margin (the rule's unit), margin in Mkr, met.

        As `results.rule_rows`: a %-rule is held in Mkr and reported in per cent
        of skatter och generella statsbidrag; met is judged on the Mkr margin.
        """
        value, limit = values[self._value_at], values[self._limit_at]
        margin = np.where(self._higher, value - limit, limit - value)
        met = margin >= -TOLERANCE_MKR
        scale = np.where(self._percent_at >= 0, 100 / values[self._percent_at], 1.0)
        return np.column_stack(
            [value * scale, limit * scale, margin * scale, margin, met]
        )
