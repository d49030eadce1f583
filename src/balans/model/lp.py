"""The LP session: a built Pyomo model as one highspy LP, solved, re-solved and priced.

Pyomo stays the single source of the model. The session lets Pyomo's HiGHS
interface translate it once, copies that LP (with the maps from Pyomo rows and
columns to HiGHS indices, and the parameter expressions behind every number)
into its own `highspy.Highs`, and from then on works on that copy only:
costs, bounds and extra rows (a stage's least breach held) change in HiGHS,
never on the Pyomo model. A solve leaves the model as it was built; only
`load_solution` writes the plan's values into its variables, as Pyomo's own
solution loader does.

This is the one module that reads private state of Pyomo's HiGHS interface
(`tests/test_lp.py::test_pyomo_highs_interface_offers_what_the_session_reads`
fails first when an upgrade changes it). Everything else, the closest plan,
the diagnosis, the prices, the sweep kernel, calls the session.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.contrib.solver.solvers.highs import Highs as PyomoHighs
from pyomo.repn import generate_standard_repn

from balans.errors import BalansError, SolverError

INF = highspy.kHighsInf
OPTIMAL, INFEASIBLE, ERROR = "optimal", "infeasible", "error"
UNBOUNDED, TIME_LIMIT = "unbounded", "time_limit"

PLAN_OPTIONS: dict[str, Any] = {"output_flag": False}
# Devex dual edge weights: after `setBasis` HiGHS would otherwise recompute
# the dual steepest-edge weights, which costs more than the few iterations a
# warm re-solve needs (benchmarks/sweep.py: 2.5 -> 1.7 ms a variant).
SWEEP_OPTIONS: dict[str, Any] = {
    "output_flag": False,
    "simplex_dual_edge_weight_strategy": 1,
}
DUAL, PRIMAL = 1, 4  # HiGHS simplex_strategy
_RANGE_STEPS = 25  # most bases a price range walks through (parametric re-solves)
# An optimal value this close (relative) to the price's line is on it: the LP's
# own noise (benchmarks of the shipped scenario: about 1e-11 of the objective).
_LINE_NOISE = 1e-10

_STATUS = {
    highspy.HighsModelStatus.kOptimal: OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: INFEASIBLE,
    highspy.HighsModelStatus.kUnboundedOrInfeasible: INFEASIBLE,
    highspy.HighsModelStatus.kUnbounded: UNBOUNDED,
    highspy.HighsModelStatus.kTimeLimit: TIME_LIMIT,
    highspy.HighsModelStatus.kIterationLimit: TIME_LIMIT,
}
_BASIC = highspy.HighsBasisStatus.kBasic
_UPPER = highspy.HighsBasisStatus.kUpper
_IIS_BOUND = {1: "free", 2: "lower", 3: "upper", 4: "boxed"}


@dataclass(frozen=True)
class Entries:
    """Every LP number that depends on a parameter or a fixed variable.

    Each list holds (position, Pyomo expression) pairs: a coefficient at
    (row, column), a row's lower and upper bound, a column's lower and upper
    bound, a cost. The sweep kernel evaluates them for many variants at once.
    """

    coefficients: list[tuple[int, int, Any]]
    row_bounds: list[tuple[int, Any, Any]]
    col_bounds: list[tuple[int, Any, Any]]
    costs: list[tuple[int, Any]]


@dataclass(frozen=True)
class RowPrice:
    """One row of an optimal basis, priced for a chosen objective.

    `price` is d(objective)/d(bound): the change of the priced objective when
    the row's active bound moves up by one. `bound_low`..`bound_high` is the
    range of that bound over which the price stays the same (for rows priced
    with `price_range`, walked through every basis with the same price; else
    HiGHS ranging of the current basis).
    """

    price: float
    active: bool
    bound: float
    bound_low: float
    bound_high: float


@dataclass(frozen=True)
class ColumnPrice:
    """One column of an optimal basis: its reduced cost for the priced objective.

    `at` is "lower" or "upper" when the column sits on that bound (nonbasic),
    None when it is basic (free to move at no cost).
    """

    reduced_cost: float
    at: str | None


@dataclass(frozen=True)
class BasisPrices:
    """Prices of the current optimal basis for one objective, by row and column."""

    rows: dict[int, RowPrice]
    columns: dict[int, ColumnPrice]
    basic: frozenset[int] = frozenset()  # HiGHS's basic variables (-1-row: a row)


@dataclass(frozen=True)
class InfeasibleSet:
    """An irreducible infeasible subset: rows and columns with the bound that takes part."""

    rows: dict[int, str]
    columns: dict[int, str]


class LpSession:
    """One built Pyomo model as a highspy LP, with row and column maps."""

    def __init__(self, m: pyo.ConcreteModel, options: dict | None = None) -> None:
        started = time.perf_counter()
        self.m = m
        translator = _translate(m)
        self.col_of: dict[int, int] = dict(translator._pyomo_var_to_solver_var_map)
        self.row_of: dict[Any, int] = dict(translator._pyomo_con_to_solver_con_map)
        self.columns: list[Any] = [None] * len(self.col_of)
        for var_id, col in self.col_of.items():
            self.columns[col] = translator._vars[var_id][0]
        self.rows: list[Any] = [None] * len(self.row_of)
        for con, row in self.row_of.items():
            self.rows[row] = con
        self.entries = _entries(translator, self.col_of, self.row_of)
        lp = translator._solver_model.getLp()
        self.integrality = list(lp.integrality_) if len(lp.integrality_) else []
        lp.offset_ = 0.0
        self.highs = highspy.Highs()
        for option, value in (options or PLAN_OPTIONS).items():
            self.highs.setOptionValue(option, value)
        self.highs.passModel(lp)
        self.n_cols = self.highs.getNumCol()
        self.n_rows = len(self.rows)
        self.cost = np.array(lp.col_cost_, dtype=float)
        self.offset = _constant(m.objective.expr)
        self._read_then_objectives()
        self.held: dict[str, int] = {}  # stage name -> its held row
        self.held_names: dict[int, str] = {}
        self.held_coefs: dict[int, dict[int, float]] = {}
        self._held_costs: dict[int, np.ndarray] = {}  # row -> the costs it holds
        self._bounded: set[int] = set()  # held rows that hold a bound now
        self._all_cols = np.arange(self.n_cols, dtype=np.int32)
        self._costs_now: np.ndarray | None = None  # the costs HiGHS holds now
        self._fills: dict[tuple[int, float], np.ndarray] = {}
        self.held_bounds: dict[str, tuple[int, float, float]] = {}
        self.bases: dict[str, Any] = {}
        self._time_limited = False
        self.translate_seconds = time.perf_counter() - started

    # -- maps -----------------------------------------------------------------

    def col(self, var: Any) -> int:
        """The column of a Pyomo variable."""
        return self.col_of[id(var)]

    def row(self, con: Any) -> int:
        """The row of a Pyomo constraint."""
        return self.row_of[con]

    def cost_of(self, expr: Any) -> tuple[np.ndarray, float]:
        """A linear Pyomo expression as a cost vector over the columns, and its constant."""
        repn = generate_standard_repn(expr, quadratic=False, compute_values=True)
        cost = np.zeros(self.n_cols)
        for var, coef in zip(repn.linear_vars, repn.linear_coefs, strict=True):
            col = self.col_of.get(id(var))
            if col is not None:
                cost[col] += coef
        return cost, float(repn.constant)

    def cost_entries(self, expr: Any) -> tuple[list[tuple[int, Any]], Any]:
        """A linear Pyomo expression's coefficients as (column, parameter expression)."""
        repn = generate_standard_repn(expr, quadratic=False, compute_values=False)
        pairs = [
            (self.col_of[id(var)], coef)
            for var, coef in zip(repn.linear_vars, repn.linear_coefs, strict=True)
            if id(var) in self.col_of
        ]
        return pairs, repn.constant

    # -- numbers ----------------------------------------------------------------

    def refresh(self) -> None:
        """Read every parameter-dependent number from the Pyomo model again (after `apply`)."""
        e = self.entries
        for row, col, expr in e.coefficients:
            self.highs.changeCoeff(row, col, float(pyo.value(expr)))
        for row, lower, upper in e.row_bounds:
            self.highs.changeRowBounds(row, _number(lower, -INF), _number(upper, INF))
        for col, lower, upper in e.col_bounds:
            self.highs.changeColBounds(col, _number(lower, -INF), _number(upper, INF))
        for col, expr in e.costs:
            self.cost[col] = float(pyo.value(expr))
        self.offset = _constant(self.m.objective.expr)
        self._read_then_objectives()

    def _read_then_objectives(self) -> None:
        """Costs and constants of a lexicographic objective's later stages."""
        then = [self.cost_of(expr) for expr in _then_objectives(self.m)]
        self.then_costs = [cost for cost, _ in then]
        self.objective_offsets = [self.offset, *(constant for _, constant in then)]

    def entry_expressions(self) -> list[Any]:
        """Every parameter-dependent number's expression, in `push` order.

        Coefficients, row lower and upper bounds, column lower and upper
        bounds, costs, then each later objective stage's costs.
        """
        e = self.entries
        exprs = [x for _, _, x in e.coefficients]
        exprs += [x for _, x, _ in e.row_bounds] + [x for _, _, x in e.row_bounds]
        exprs += [x for _, x, _ in e.col_bounds] + [x for _, _, x in e.col_bounds]
        exprs += [x for _, x in e.costs]
        for pairs in self.then_entries():
            exprs += [x for _, x in pairs]
        return exprs

    def then_entries(self) -> list[list[tuple[int, Any]]]:
        """(column, coefficient expression) of each later objective stage."""
        if not hasattr(self, "_then_entries"):
            self._then_entries = [
                self.cost_entries(expr)[0] for expr in _then_objectives(self.m)
            ]
        return self._then_entries

    def push(self, values: np.ndarray) -> None:
        """Put a variant's numbers (`entry_expressions` order) into HiGHS, changes only."""
        highs = self.highs
        self.release_held()  # a held column gets its own bounds before new ones
        if not hasattr(self, "_cuts"):
            self._layout()
        cuts = self._cuts
        changed = (
            np.ones(len(values), dtype=bool)
            if self._pushed is None
            else values != self._pushed
        )
        self._pushed = values.copy()
        coefs = np.flatnonzero(changed[cuts[0] : cuts[1]])
        if len(coefs):
            for row, col, value in zip(
                self._coef_rows[coefs].tolist(),
                self._coef_cols[coefs].tolist(),
                values[coefs].tolist(),
                strict=True,
            ):
                highs.changeCoeff(row, col, value)
        rows = np.flatnonzero(changed[cuts[1] : cuts[2]] | changed[cuts[2] : cuts[3]])
        if len(rows):
            highs.changeRowsBounds(
                len(rows),
                self._bound_rows[rows],
                values[cuts[1] + rows],
                values[cuts[2] + rows],
            )
        cols = np.flatnonzero(changed[cuts[3] : cuts[4]] | changed[cuts[4] : cuts[5]])
        if len(cols):
            highs.changeColsBounds(
                len(cols),
                self._bound_cols[cols],
                values[cuts[3] + cols],
                values[cuts[4] + cols],
            )
        self.cost[self._cost_cols] = values[cuts[5] : cuts[6]]
        for number, cols in enumerate(self._then_cols):
            start = cuts[6 + number]
            self.then_costs[number][:] = 0.0
            np.add.at(self.then_costs[number], cols, values[start : start + len(cols)])

    def _layout(self) -> None:
        e = self.entries
        self._coef_rows = np.array([r for r, _, _ in e.coefficients], dtype=np.int32)
        self._coef_cols = np.array([c for _, c, _ in e.coefficients], dtype=np.int32)
        self._bound_rows = np.array([r for r, _, _ in e.row_bounds], dtype=np.int32)
        self._bound_cols = np.array([c for c, _, _ in e.col_bounds], dtype=np.int32)
        self._cost_cols = np.array([c for c, _ in e.costs], dtype=np.int32)
        self._then_cols = [
            np.array([c for c, _ in pairs], dtype=np.int32)
            for pairs in self.then_entries()
        ]
        sizes = [len(e.coefficients), len(e.row_bounds), len(e.row_bounds)]
        sizes += [len(e.col_bounds), len(e.col_bounds), len(e.costs)]
        sizes += [len(cols) for cols in self._then_cols]
        self._cuts = np.cumsum([0, *sizes])
        self._pushed = None

    def set_col_bounds(self, cols: np.ndarray, lower: float, upper: float) -> None:
        """Set the same bounds on several columns."""
        if len(cols):
            self.highs.changeColsBounds(
                len(cols),
                np.asarray(cols, dtype=np.int32),
                self._filled(len(cols), lower),
                self._filled(len(cols), upper),
            )

    def _filled(self, count: int, value: float) -> np.ndarray:
        """A read-only array of `count` times `value` (made once)."""
        key = (count, value)
        array = self._fills.get(key)
        if array is None:
            array = np.full(count, value)
            array.flags.writeable = False
            if len(self._fills) < 64:
                self._fills[key] = array
        return array

    def col_bounds(self, col: int) -> tuple[float, float]:
        """A column's bounds as HiGHS holds them now."""
        lp = self.highs.getLp()
        return lp.col_lower_[col], lp.col_upper_[col]

    def row_bounds(self, row: int) -> tuple[float, float]:
        """A row's bounds as HiGHS holds them now."""
        lp = self.highs.getLp()
        return lp.row_lower_[row], lp.row_upper_[row]

    def set_row_bounds(self, row: int, lower: float, upper: float) -> None:
        """Set one row's bounds."""
        self.highs.changeRowBounds(row, lower, upper)
        if row in self.held_names:
            if lower == -INF and upper == INF:
                self._bounded.discard(row)
            else:
                self._bounded.add(row)

    # -- held rows (a stage's result kept while later stages solve) -----------

    def held_row(self, stage: str) -> int:
        """The row that holds `stage`'s result (added free the first time)."""
        row = self.held.get(stage)
        if row is None:
            self.bases.clear()  # a kept basis no longer fits the LP with one more row
            row = self.highs.getNumRow()
            empty = np.array([], dtype=np.int32)
            self.highs.addRow(-INF, INF, 0, empty, np.array([]))
            self.held[stage] = row
            self.held_names[row] = f"{stage}_held"
        return row

    def hold(self, stage: str, cost: np.ndarray, upper: float) -> None:
        """Hold cost . x <= upper (a stage's least value, with its tolerance)."""
        row = self.held_row(stage)
        held = self._held_costs.get(row)
        if held is not cost and (held is None or not np.array_equal(held, cost)):
            used = np.flatnonzero(cost)
            before = self.held_coefs.get(row, {})
            after = dict(zip(used.tolist(), cost[used].tolist(), strict=True))
            for col in before.keys() - after.keys():
                self.highs.changeCoeff(row, col, 0.0)
            for col, value in after.items():
                if before.get(col) != value:
                    self.highs.changeCoeff(row, col, value)
            self.held_coefs[row] = after
            # a read-only cost (Priorities.stage_cost) is kept as it is
            self._held_costs[row] = (
                cost if not cost.flags.writeable else np.array(cost, dtype=float)
            )
        self.highs.changeRowBounds(row, -INF, upper)
        self._bounded.add(row)

    def hold_column(self, stage: str, col: int, lower: float) -> None:
        """Hold one column at `lower` or above (a one-column stage, held exactly).

        A bound, not a row: the simplex keeps a nonbasic column exactly on its
        bound, so the held value is reported as it was found, not within a
        tolerance. `release_held` gives the column its bounds back.
        """
        if stage not in self.held_bounds:
            self.held_bounds[stage] = (col, *self.col_bounds(col))
        _, _, upper = self.held_bounds[stage]
        self.highs.changeColBounds(col, lower, upper)

    def release_held(self) -> None:
        """Free every held row (their coefficients stay) and held column."""
        for row in self._bounded:
            self.highs.changeRowBounds(row, -INF, INF)
        self._bounded.clear()
        for col, lower, upper in self.held_bounds.values():
            self.highs.changeColBounds(col, lower, upper)
        self.held_bounds.clear()

    def held_stages(self) -> list[str]:
        """The stages whose rows hold a bound now, in the order they were added."""
        lp = self.highs.getLp()
        return [s for s, r in self.held.items() if lp.row_upper_[r] < INF]

    # -- solving --------------------------------------------------------------

    def run(
        self,
        cost: np.ndarray | None = None,
        stage: str = "plain",
        follow: bool = False,
        time_limit: float | None = None,
    ) -> str:
        """Solve with `cost` (default: the model's objective), warm.

        A stage's first solve follows new bounds and coefficients: the dual
        simplex from the basis the same stage ended with last time. A later
        stage that only changes the costs and holds a result the current plan
        meets (`follow`) keeps the current basis feasible: the primal simplex
        goes on from it.
        """
        highs = self.highs
        cost = self.cost if cost is None else cost
        self.set_costs(cost)
        highs.setOptionValue("simplex_strategy", PRIMAL if follow else DUAL)
        if time_limit is not None or self._time_limited:
            highs.setOptionValue(
                "time_limit", INF if time_limit is None else time_limit
            )
            self._time_limited = time_limit is not None
        if not follow and stage in self.bases:
            highs.setBasis(self.bases[stage])
        started = time.perf_counter()
        highs.run()
        self.solve_seconds = time.perf_counter() - started
        status = _STATUS.get(highs.getModelStatus(), ERROR)
        if status == OPTIMAL and not follow and highs.getInfoValue("basis_validity")[1]:
            self.bases[stage] = highs.getBasis()
        return status

    def set_costs(self, cost: np.ndarray) -> None:
        """Give HiGHS the cost vector `cost`, passing only the costs that change.

        The session remembers the costs HiGHS holds: every change of them
        goes through the session.
        """
        now = self._costs_now
        if now is None:
            cols = self._all_cols
        else:
            cols = np.flatnonzero(cost != now).astype(np.int32)
            if not len(cols):  # nothing changes: still a change, as HiGHS counts
                cols = self._all_cols[:1]
        self.highs.changeColsCost(len(cols), cols, cost[cols])
        # a read-only cost (Priorities.stage_cost) cannot change: kept as it is
        self._costs_now = cost if not cost.flags.writeable else cost.copy()

    def objective_value(self) -> float:
        """The last solve's objective (costs . x, no constant)."""
        return self.highs.getObjectiveValue()

    def solution(self) -> np.ndarray:
        """Column values of the last solve."""
        return np.fromiter(self.highs.getSolution().col_value, float, self.n_cols)

    def row_duals(self) -> np.ndarray:
        """Row duals of the last (LP) solve."""
        return np.asarray(self.highs.getSolution().row_dual)

    def load_solution(self) -> None:
        """Write the last solve's plan into the Pyomo model's variables."""
        for var, value in zip(self.columns, self.solution().tolist(), strict=False):
            var.set_value(value, skip_validation=True)

    def is_mip(self) -> bool:
        """True when some column is integer (a discrete FoU choice)."""
        return any(int(t) != 0 for t in self.integrality)

    def fix_integers(self) -> None:
        """Fix every integer column at its value and make it continuous: an LP."""
        x = self.solution()
        for col, kind in enumerate(self.integrality):
            if int(kind) != 0:
                value = float(round(x[col]))
                self.highs.changeColIntegrality(col, highspy.HighsVarType.kContinuous)
                self.highs.changeColBounds(col, value, value)
        self.integrality = []

    def solver_version(self) -> str:
        """HiGHS's version, e.g. 1.12.0."""
        return self.highs.version()

    # -- prices ---------------------------------------------------------------

    def prices(self, cost: np.ndarray) -> BasisPrices:
        """Duals, reduced costs and ranging of the current basis, for `cost`.

        The model was solved (optimally, as an LP) with its own cost; `cost`
        is an objective whose rates along that basis are wanted (e.g. the
        primary objective without tie-breaks). The duals are y = B^-T c_B: the
        rate at which that objective changes when a bound moves and the basis
        is kept.
        """
        highs = self.highs
        if not highs.getInfo().basis_validity:
            raise SolverError(
                "HiGHS has no basis to price (a MILP is priced with its "
                "integer choices fixed)"
            )
        lp = highs.getLp()
        _, basic = highs.getBasicVariables()
        rhs = np.array([cost[b] if b >= 0 else 0.0 for b in basic])
        _, duals = highs.getBasisTransposeSolve(rhs)
        reduced = cost - _matrix(lp).T @ duals
        basis = highs.getBasis()
        _, ranging = highs.getRanging()
        lower, upper = np.array(lp.row_lower_), np.array(lp.row_upper_)
        rows = {}
        for r in range(lp.num_row_):
            status = basis.row_status[r]
            at_upper = status == _UPPER or not np.isfinite(lower[r])
            bound = float(upper[r] if at_upper else lower[r])
            low, high = _bound_range(ranging, r)
            rows[r] = RowPrice(float(duals[r]), status != _BASIC, bound, low, high)
        columns = {}
        for j in range(lp.num_col_):
            status = basis.col_status[j]
            at = (
                None if status == _BASIC else ("upper" if status == _UPPER else "lower")
            )
            columns[j] = ColumnPrice(float(reduced[j]), at)
        return BasisPrices(rows, columns, frozenset(int(b) for b in basic))

    def price_range(
        self, row: int, priced: np.ndarray, price: RowPrice
    ) -> tuple[float, float]:
        """The interval of `row`'s bound over which `priced` moves at `price.price`.

        HiGHS ranging ends where the basis changes; in a degenerate LP the
        next basis often moves the objective at the same rate. So each end is
        checked by re-solving just past it (with the session's current cost):
        where the objective still moves at the price, the end is pushed out
        (doubling the step, then bisecting to where the rate changes). The
        optimal value is convex in a bound, so a point on the price's line
        means the whole stretch before it is. The session is left as before.
        """
        saved_bounds = self.row_bounds(row)
        saved_basis = self.highs.getBasis()
        cost = np.array(self.highs.getLp().col_cost_, dtype=float)
        at_lower = price.bound == saved_bounds[0]
        base = float(priced @ self.solution())

        def value_at(bound: float) -> float | None:
            if at_lower:
                self.highs.changeRowBounds(row, bound, max(saved_bounds[1], bound))
            else:
                self.highs.changeRowBounds(row, min(saved_bounds[0], bound), bound)
            self.highs.setOptionValue("simplex_strategy", DUAL)
            self.highs.run()
            if _STATUS.get(self.highs.getModelStatus()) != OPTIMAL:
                return None
            return float(priced @ self.solution())

        def on_line(bound: float) -> bool:
            value = value_at(bound)
            expected = base + price.price * (bound - price.bound)
            allowed = _LINE_NOISE * max(1.0, abs(base))
            allowed += _LINE_NOISE * 100 * abs(price.price * (bound - price.bound))
            return value is not None and abs(value - expected) <= allowed

        try:
            low = _widen(on_line, price.bound, price.bound_low, -1)
            high = _widen(on_line, price.bound, price.bound_high, +1)
        finally:
            self.highs.changeRowBounds(row, *saved_bounds)
            self.highs.setBasis(saved_basis)
            self.highs.changeColsCost(self.n_cols, self._all_cols, cost)
            self._costs_now = cost
            self.highs.run()
        return low, high

    # -- infeasibility --------------------------------------------------------

    def infeasible_set(self) -> InfeasibleSet:
        """The IIS of the last (infeasible) solve.

        HiGHS's default IIS strategy returns an empty set for LPs; strategy 4
        (the deletion filter over the rows) finds an irreducible one.
        """
        highs = self.highs
        highs.setOptionValue("iis_strategy", 4)
        status, iis = highs.getIis()
        if not iis.valid_:
            raise SolverError(f"HiGHS found no irreducible infeasible set ({status})")
        rows = {
            int(r): _IIS_BOUND.get(b, str(b))
            for r, b in zip(iis.row_index_, iis.row_bound_, strict=True)
        }
        columns = {
            int(j): _IIS_BOUND.get(b, str(b))
            for j, b in zip(iis.col_index_, iis.col_bound_, strict=True)
        }
        return InfeasibleSet(rows, columns)

    # -- export -----------------------------------------------------------------

    def write(
        self, path: str | Path, cost: np.ndarray, offset: float, header: str
    ) -> Path:
        """Write the LP as it stands (with `cost`) as .mps or .lp, a header comment first.

        The file is written next to the target and renamed into place, so a
        failed write leaves any earlier file whole.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".mps", ".lp"):
            raise BalansError(f"{path}: --write-model needs a .mps or .lp file name")
        highs = self.highs
        self._name_everything()
        saved = np.array(highs.getLp().col_cost_, dtype=float)
        if not np.array_equal(saved, cost):
            highs.changeColsCost(self.n_cols, self._all_cols, cost)
            self._costs_now = np.array(cost, dtype=float)
        highs.changeObjectiveOffset(offset)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp{suffix}")
        try:
            highs.writeModel(str(temporary))
            body = temporary.read_text(encoding="utf-8")
            mark = "*" if suffix == ".mps" else "\\"
            lines = "".join(f"{mark} {line}\n" for line in header.splitlines())
            temporary.write_text(lines + body, encoding="utf-8")
            temporary.replace(path)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise BalansError(f"{path}: cannot write the model: {exc}") from None
        finally:
            highs.changeObjectiveOffset(0.0)
        return path

    def _name_everything(self) -> None:
        if getattr(self, "_named", False):
            return
        for col, var in enumerate(self.columns):
            self.highs.passColName(col, lp_name(var.name))
        for row, con in enumerate(self.rows):
            self.highs.passRowName(row, lp_name(con.name))
        for row, name in self.held_names.items():
            self.highs.passRowName(row, name)
        self._named = True

    def names(self) -> tuple[dict[int, str], dict[int, str]]:
        """Pyomo names of the model's rows and columns (held rows left out)."""
        rows = {i: con.name for i, con in enumerate(self.rows)}
        return rows, {j: var.name for j, var in enumerate(self.columns)}


def lp_name(name: str) -> str:
    """A Pyomo name as an LP/MPS name: `savings[2027,RS]` -> `savings(2027_RS)`."""
    out = name.replace("[", "(").replace("]", ")").replace(",", "_").replace(" ", "_")
    return "".join(c if c.isascii() and c.isprintable() else "_" for c in out)


def _translate(m: pyo.ConcreteModel) -> PyomoHighs:
    """Pyomo's HiGHS interface with `m` translated (nothing solved)."""
    translator = PyomoHighs()
    translator.set_instance(m)
    return translator


def _entries(translator: PyomoHighs, col_of: dict, row_of: dict) -> Entries:
    """Every LP number the translator marked as depending on a parameter."""
    coefficients, row_bounds, col_bounds, costs = [], [], [], []
    for con, helpers in translator._mutable_helpers.items():
        row = row_of[con]
        for helper in helpers:
            if hasattr(helper, "expr"):
                coefficients.append((row, col_of[helper.pyomo_var_id], helper.expr))
            else:
                row_bounds.append((row, helper.lower_expr, helper.upper_expr))
    for var_id, (_var, helper) in translator._mutable_bounds.items():
        col_bounds.append((col_of[var_id], helper.lower_expr, helper.upper_expr))
    for var_id, col in col_of.items():
        var = translator._vars[var_id][0]
        if var.fixed:
            col_bounds.append((col, var, var))
    for helper in translator._mutable_objective.linear_coefs:
        costs.append((col_of[helper.pyomo_var_id], helper.expr))
    return Entries(coefficients, row_bounds, col_bounds, costs)


def _then_objectives(m: pyo.ConcreteModel) -> list[Any]:
    """The later stages of a lexicographic objective (max-fou: the shipped objective)."""
    then = getattr(m, "then_objective", None)
    return [] if then is None else [then.expr]


def _constant(expr: Any) -> float:
    return float(generate_standard_repn(expr, quadratic=False).constant)


def _number(expr: Any, infinite: float) -> float:
    if expr is None:
        return infinite
    value = float(pyo.value(expr))
    return infinite if math.isinf(value) else value


def _matrix(lp):
    """The LP's constraint matrix (rows x columns) as a SciPy sparse matrix."""
    from scipy.sparse import csc_matrix

    a = lp.a_matrix_
    return csc_matrix(
        (a.value_, a.index_, a.start_), shape=(lp.num_row_, lp.num_col_)
    ).tocsr()


def _bound_range(ranging, row: int) -> tuple[float, float]:
    """The interval of a row bound over which the basis stays optimal."""
    low = ranging.row_bound_dn.value_[row]
    high = ranging.row_bound_up.value_[row]
    return (
        float(low) if abs(low) < 1e29 else -float("inf"),
        float(high) if abs(high) < 1e29 else float("inf"),
    )


def _widen(on_line, start: float, end: float, direction: int) -> float:
    """Push a range end out while the objective stays on the price's line.

    `end` is where HiGHS says the basis changes (the price holds up to it).
    A small step past it decides: off the line, `end` stands; on it, the step
    doubles until a point is off the line (or the step count runs out: the
    price holds without end), then the break is bisected.
    """
    if not math.isfinite(end):
        return end
    width = max(abs(end - start), 1.0)
    step = max(1e-3, 1e-4 * width)
    if not on_line(end + direction * step):
        return _bisect(on_line, end, end + direction * step)
    good = end + direction * step
    for _ in range(_RANGE_STEPS):
        step *= 2
        probe = good + direction * step
        if not on_line(probe):
            return _bisect(on_line, good, probe)
        good = probe
    return direction * math.inf


def _bisect(on_line, good: float, bad: float, steps: int = 12) -> float:
    """The last point on the line between `good` (on it) and `bad` (off it)."""
    for _ in range(steps):
        middle = 0.5 * (good + bad)
        if on_line(middle):
            good = middle
        else:
            bad = middle
    return good
