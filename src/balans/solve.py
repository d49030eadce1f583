"""Solve a built model on its LP session and say what came back, in our own words.

`solve` runs the plan's stages (priorities.Priorities) on an `LpSession`
(model/lp.py, the only code that touches HiGHS's or Pyomo's private state),
loads an optimal plan into the model and returns a `SolveOutcome`. The model
itself is never changed by a solve: costs, slack bounds and held rows live in
the session.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pyomo.environ as pyo

from balans.errors import SolverError
from balans.model.data import ModelData
from balans.model.lp import (
    INFEASIBLE,
    OPTIMAL,
    TIME_LIMIT,
    UNBOUNDED,
    LpSession,
)
from balans.priorities import PlanSolve, Priorities, StageHook

__all__ = ["INFEASIBLE", "OPTIMAL", "SolveOutcome", "Solved", "solve", "write_model"]

_TERMINATION = {OPTIMAL: "convergenceCriteriaSatisfied", INFEASIBLE: "provenInfeasible"}


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
    lp_objective: float | None = None  # the final stage's optimum (the exported LP's)

    @property
    def optimal(self) -> bool:
        """True when a proven optimum was loaded into the model."""
        return self.status == OPTIMAL


@dataclass
class Solved:
    """A solved plan: the outcome, how the stages went, the session (for prices, export)."""

    outcome: SolveOutcome
    plan: PlanSolve
    session: LpSession
    priorities: Priorities


def solve(
    m: pyo.ConcreteModel,
    data: ModelData,
    strict: bool = True,
    time_limit: float | None = None,
    duals: bool = True,
    hook: StageHook | None = None,
    session: LpSession | None = None,
) -> Solved:
    """Solve `m`: every target held, else (unless `strict`) the closest plan by priority.

    An optimal plan is loaded into the model's variables. Raises SolverError
    when HiGHS cannot finish (unbounded, time limit, numerical trouble).
    """
    session = session or LpSession(m)
    priorities = Priorities(session, data)
    started = time.perf_counter()
    plan = priorities.solve(data, strict, hook=hook, time_limit=time_limit)
    elapsed = time.perf_counter() - started
    _raise_on_trouble(plan.status)
    mip = session.is_mip()
    outcome = SolveOutcome(
        plan.status,
        _TERMINATION[plan.status],
        None,
        solve_seconds=elapsed,
        solver_version=session.solver_version(),
        problem_type="MILP" if mip else "LP",
    )
    if plan.status == OPTIMAL:
        session.load_solution()
        outcome.objective = pyo.value(m.primary)
        outcome.lp_objective = final_objective(session, plan)
        if duals and not mip:
            row_dual = session.row_duals()
            outcome.duals = {
                con.name: float(row_dual[r]) for r, con in enumerate(session.rows)
            }
    return Solved(outcome, plan, session, priorities)


def final_objective(session: LpSession, plan: PlanSolve) -> float:
    """The last stage's objective value, its constant included (what the exported LP gives)."""
    x = session.solution()
    return float(plan.final_cost @ x + plan.final_offset)


def _raise_on_trouble(status: str) -> None:
    if status in (OPTIMAL, INFEASIBLE):
        return
    if status == UNBOUNDED:
        raise SolverError(
            "the model is unbounded: a lever can grow without limit "
            "(check levers.max_new_borrowing and fou.max_tkr)"
        )
    if status == TIME_LIMIT:
        raise SolverError(
            "HiGHS stopped before proving an optimum (time limit); "
            "raise --time-limit or simplify the scenario"
        )
    raise SolverError(
        f"HiGHS could not solve the model ({status}); no plan is reported"
    )


def write_model(solved: Solved, path: str | Path, header: str) -> Path:
    """Write the LP whose optimum is the plan that was solved: its final stage.

    For a closest plan that is the last stage with the earlier stages' least
    breaches held as rows; for a plan that keeps every target, the plain LP.
    Without an optimum (infeasible), the plain LP with every target held.
    """
    plan, session = solved.plan, solved.session
    if plan.final_cost is None:
        return session.write(path, session.cost, session.offset, header)
    return session.write(path, plan.final_cost, plan.final_offset, header)


def stage_cost_offset(session: LpSession, stage: str) -> float:
    """The constant of a stage's objective: an objective stage's, else 0."""
    base = stage.split(":")[0]
    if base not in ("plain", "final"):
        return 0.0
    number = int(stage.split(":")[1]) - 1 if ":" in stage else 0
    return session.objective_offsets[number]
