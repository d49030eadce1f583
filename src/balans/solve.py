"""The only module that talks to HiGHS: solve a built model, return SolveOutcome.

Uses Pyomo's newer solver interface (`pyomo.contrib.solver`, name `highs`):
solutions are never loaded automatically, so an infeasible model is an answer
we can inspect rather than an exception.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import highspy
import pyomo.environ as pyo
from pyomo.common.collections import ComponentMap
from pyomo.contrib.solver.common.factory import SolverFactory
from pyomo.contrib.solver.common.results import TerminationCondition

from balans.errors import BalansError, SolverError

OPTIMAL = "optimal"
INFEASIBLE = "infeasible"


@dataclass
class SolveOutcome:
    """What came back from HiGHS, in our own words."""

    status: str
    termination: str
    objective: float | None
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    solver: str = "highs"
    solver_version: str = ""
    problem_type: str = "LP"
    duals: dict[str, float] = field(default_factory=dict)

    @property
    def optimal(self) -> bool:
        """True when a proven optimum was loaded into the model."""
        return self.status == OPTIMAL


_BASIC = highspy.HighsBasisStatus.kBasic
_UPPER = highspy.HighsBasisStatus.kUpper

_INFEASIBLE = {
    TerminationCondition.provenInfeasible,
    TerminationCondition.locallyInfeasible,
    TerminationCondition.infeasibleOrUnbounded,
}


def _solver_for(m: pyo.ConcreteModel):
    """The model's own persistent HiGHS instance: later solves only send changes.

    The closest plan and the diagnosis solve one model several times with other
    objectives and slack bounds; `apply` changes its numbers. Pyomo's persistent
    interface finds those changes, so the model is translated once.
    """
    solver = getattr(m, "_balans_highs", None)
    if solver is None:
        solver = SolverFactory("highs")
        m._balans_highs = solver
    return solver


def solve_model(
    m: pyo.ConcreteModel, time_limit: float | None = None, duals: bool = True
) -> SolveOutcome:
    """Solve `m`; load the solution (and duals) only when it is optimal."""
    solver = _solver_for(m)
    started = time.perf_counter()
    options = {"load_solutions": False, "raise_exception_on_nonoptimal_result": False}
    if time_limit is not None:
        options["time_limit"] = time_limit
    try:
        results = solver.solve(m, **options)
    except Exception as exc:  # HiGHS or Pyomo failing outright
        raise SolverError(f"HiGHS failed: {exc}") from exc
    elapsed = time.perf_counter() - started
    condition = results.termination_condition
    version = ".".join(str(v) for v in (results.solver_version or ()))
    problem_type = "LP" if _is_linear_program(m) else "MILP"
    if condition == TerminationCondition.convergenceCriteriaSatisfied:
        results.solution_loader.load_vars()
        outcome = SolveOutcome(
            OPTIMAL,
            condition.name,
            pyo.value(m.objective),
            0.0,
            elapsed,
            solver_version=version,
            problem_type=problem_type,
        )
        if duals and problem_type == "LP":
            outcome.duals = {
                con.name: value
                for con, value in results.solution_loader.get_duals().items()
            }
        return outcome
    if condition in _INFEASIBLE:
        return SolveOutcome(
            INFEASIBLE,
            condition.name,
            None,
            0.0,
            elapsed,
            solver_version=version,
            problem_type=problem_type,
        )
    if condition == TerminationCondition.unbounded:
        raise SolverError(
            "the model is unbounded: a lever can grow without limit "
            "(check levers.max_new_borrowing and fou.max_tkr)"
        )
    raise SolverError(_trouble_message(condition))


def _trouble_message(condition: TerminationCondition) -> str:
    if condition in (
        TerminationCondition.maxTimeLimit,
        TerminationCondition.iterationLimit,
    ):
        return (
            f"HiGHS stopped before proving an optimum ({condition.name}); "
            "raise --time-limit or simplify the scenario"
        )
    return f"HiGHS could not solve the model ({condition.name}); no plan is reported"


def _is_linear_program(m: pyo.ConcreteModel) -> bool:
    return all(v.is_continuous() for v in m.component_data_objects(pyo.Var))


def write_model(m: pyo.ConcreteModel, path: str | Path) -> Path:
    """Write the LP as .mps or .lp, with readable names, for any other solver."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".mps", ".lp"):
        raise BalansError(f"{path}: --write-model needs a .mps or .lp file name")
    try:
        m.write(
            str(path),
            format=suffix.removeprefix("."),
            io_options={"symbolic_solver_labels": True},
        )
    except OSError as exc:
        raise BalansError(f"{path}: cannot write the model: {exc}") from None
    return path


@dataclass(frozen=True)
class RowPrice:
    """One constraint of the last optimal basis, priced for a chosen objective.

    `price` is d(objective)/d(bound): the change of the priced objective when
    the constraint's active bound moves up by one, the basis kept.
    `bound_low`..`bound_high` is the range of that bound within which the
    basis (and so the price) stays optimal (HiGHS ranging).
    """

    price: float
    active: bool
    bound: float
    bound_low: float
    bound_high: float


@dataclass(frozen=True)
class ColumnPrice:
    """One variable of the last optimal basis: its reduced cost for the priced objective.

    `at` is "lower" or "upper" when the variable sits on that bound (nonbasic),
    None when it is basic (free to move at no cost).
    """

    reduced_cost: float
    at: str | None


@dataclass(frozen=True)
class BasisPrices:
    """Prices of the last optimal basis, for one objective, by Pyomo component."""

    rows: dict[Any, RowPrice]
    columns: dict[Any, ColumnPrice]
    basic: frozenset[int] = frozenset()  # HiGHS's basic variables (-1-row: a row)


def basis_prices(m: pyo.ConcreteModel, priced: Any) -> BasisPrices:
    """Duals, reduced costs and ranging of the last solve, for the objective `priced`.

    The model was solved (optimally, as an LP) with its own objective; `priced`
    is a linear expression whose rates along that basis are wanted (e.g. the
    primary objective without tie-breaks and smoothing). The duals are
    y = B^-T c_B for the cost vector c of `priced`: the rate at which `priced`
    changes when a bound moves and the basis is kept, i.e. what a re-solve with
    the bound moved gives while the bound stays within its ranging interval.
    """
    import numpy as np
    from pyomo.repn import generate_standard_repn

    solver = _solver_for(m)
    highs = solver._solver_model
    var_column = solver._pyomo_var_to_solver_var_map
    row_of = solver._pyomo_con_to_solver_con_map
    if not highs.getInfo().basis_validity:
        raise SolverError(
            "HiGHS has no basis to price (a MILP is priced with its "
            "integer choices fixed)"
        )
    lp = highs.getLp()
    cost = np.zeros(lp.num_col_)
    repn = generate_standard_repn(priced, quadratic=False, compute_values=True)
    for var, coef in zip(repn.linear_vars, repn.linear_coefs, strict=True):
        column = var_column.get(id(var))
        if column is not None:
            cost[column] += coef
    _, basic = highs.getBasicVariables()
    rhs = np.array([cost[b] if b >= 0 else 0.0 for b in basic])
    _, duals = highs.getBasisTransposeSolve(rhs)
    columns_a = _column_matrix(lp)
    reduced = cost - columns_a.T @ duals
    basis = highs.getBasis()
    _, ranging = highs.getRanging()
    lower, upper = np.array(lp.row_lower_), np.array(lp.row_upper_)
    rows = {}
    for con, r in row_of.items():
        status = basis.row_status[r]
        active = status != _BASIC
        at_upper = status == _UPPER or not np.isfinite(lower[r])
        bound = float(upper[r] if at_upper else lower[r])
        low, high = _bound_range(ranging, r, bound)
        rows[con] = RowPrice(float(duals[r]), active, bound, low, high)
    columns = ComponentMap()
    variables = {id(v): v for v in m.component_data_objects(pyo.Var)}
    for var_id, j in var_column.items():
        status = basis.col_status[j]
        at = None if status == _BASIC else ("upper" if status == _UPPER else "lower")
        columns[variables[var_id]] = ColumnPrice(float(reduced[j]), at)
    return BasisPrices(rows, columns, frozenset(int(b) for b in basic))


def _column_matrix(lp):
    """The LP's constraint matrix (rows x columns) as a SciPy sparse matrix."""
    from scipy.sparse import csc_matrix

    a = lp.a_matrix_
    return csc_matrix(
        (a.value_, a.index_, a.start_), shape=(lp.num_row_, lp.num_col_)
    ).tocsr()


def _bound_range(ranging, row: int, bound: float) -> tuple[float, float]:
    """The interval of a row bound over which the basis stays optimal."""
    low = ranging.row_bound_dn.value_[row]
    high = ranging.row_bound_up.value_[row]
    return (
        float(low) if abs(low) < 1e29 else -float("inf"),
        float(high) if abs(high) < 1e29 else float("inf"),
    )


@dataclass(frozen=True)
class InfeasibleSet:
    """An irreducible infeasible subset (IIS) of the last infeasible solve.

    `rows` maps each member constraint to the bound it needs ("lower", "upper",
    "boxed"); `columns` each member variable to the bound of it that takes part.
    """

    rows: dict[Any, str]
    columns: dict[Any, str]


_IIS_BOUND = {1: "free", 2: "lower", 3: "upper", 4: "boxed"}


def infeasible_set(m: pyo.ConcreteModel) -> InfeasibleSet:
    """The IIS of `m`, which the last `solve_model` found infeasible.

    HiGHS's default IIS strategy returns an empty set for LPs; strategy 4
    (the deletion filter over the rows) finds an irreducible one.
    """
    solver = _solver_for(m)
    highs = solver._solver_model
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("iis_strategy", 4)
    status, iis = highs.getIis()
    if not iis.valid_:
        raise SolverError(f"HiGHS found no irreducible infeasible set ({status})")
    con_of = solver._solver_con_to_pyomo_con_map
    variables = {id(v): v for v in m.component_data_objects(pyo.Var)}
    column_var = {
        j: variables[i] for i, j in solver._pyomo_var_to_solver_var_map.items()
    }
    rows = {
        con_of[r]: _IIS_BOUND.get(b, str(b))
        for r, b in zip(iis.row_index_, iis.row_bound_, strict=True)
    }
    columns = ComponentMap(
        (column_var[j], _IIS_BOUND.get(b, str(b)))
        for j, b in zip(iis.col_index_, iis.col_bound_, strict=True)
    )
    return InfeasibleSet(rows, columns)
