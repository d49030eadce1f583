"""The only module that talks to HiGHS: solve a built model, return SolveOutcome.

Uses Pyomo's newer solver interface (`pyomo.contrib.solver`, name `highs`):
solutions are never loaded automatically, so an infeasible model is an answer
we can inspect rather than an exception.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pyomo.environ as pyo
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
