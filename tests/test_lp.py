"""The LP session: the one place that reads private solver state, and what it promises."""

from __future__ import annotations

import re

import numpy as np
import pyomo.environ as pyo
import pytest

from balans.model.build import build_model
from balans.model.data import build_data
from balans.model.lp import LpSession, lp_name
from balans.solve import solve
from balans.testing import REPO_ROOT, make_scenario

PRIVATE = re.compile(
    r"\._(solver_model|pyomo_var_to_solver_var_map|pyomo_con_to_solver_con_map|"
    r"solver_con_to_pyomo_con_map|mutable_helpers|mutable_bounds|mutable_objective|"
    r"vars)\b"
)


def test_pyomo_highs_interface_offers_what_the_session_reads():
    """An upgrade of Pyomo or highspy that renames what the session reads fails here,
    by name, instead of in a sweep at run time."""
    from pyomo.contrib.solver.solvers.highs import Highs

    m = pyo.ConcreteModel()
    m.p = pyo.Param(initialize=2.0, mutable=True)
    m.x = pyo.Var(bounds=(0, m.p))
    m.y = pyo.Var(bounds=(1, 1))
    m.y.fix(1.0)
    m.c = pyo.Constraint(expr=m.p * m.x + m.y >= 1)
    m.objective = pyo.Objective(expr=m.p * m.x)
    translator = Highs()
    translator.set_instance(m)
    for name in (
        "_solver_model",
        "_pyomo_var_to_solver_var_map",
        "_pyomo_con_to_solver_con_map",
        "_mutable_helpers",
        "_mutable_bounds",
        "_mutable_objective",
        "_vars",
    ):
        assert hasattr(translator, name), name
    session = LpSession(m)
    assert session.run() == "optimal"
    assert session.solution()[session.col(m.x)] == pytest.approx(0.0)
    kinds = session.entries
    assert kinds.coefficients and kinds.col_bounds and kinds.costs


def test_only_the_session_touches_private_solver_state():
    touching = sorted(
        str(path.relative_to(REPO_ROOT))
        for path in (REPO_ROOT / "src").rglob("*.py")
        if PRIVATE.search(path.read_text(encoding="utf-8"))
    )
    assert touching == ["src/balans/model/lp.py"]


def _model_state(m) -> list:
    """Everything a solve could change on a model, other than variable values."""
    state = [len(list(m.component_objects()))]
    for var in m.component_data_objects(pyo.Var):
        state.append((var.name, var.lb, var.ub, var.fixed))
    for con in m.component_data_objects(pyo.Constraint):
        state.append((con.name, con.active))
    state += [o.active for o in m.component_data_objects(pyo.Objective)]
    return state


@pytest.mark.parametrize("objective", [None, "max-fou"])
def test_a_closest_plan_solve_never_changes_the_model(objective):
    data = build_data(make_scenario().scenario)
    m = build_model(data, "optimal", objective)
    before = _model_state(m)
    solved = solve(m, data, strict=False)
    assert solved.plan.closest  # stages were held, slacks freed: in the session only
    assert _model_state(m) == before


def test_held_rows_are_the_session_s_and_named_in_the_export(tmp_path):
    data = build_data(make_scenario().scenario)
    m = build_model(data, "optimal")
    solved = solve(m, data, strict=False)
    path = tmp_path / "plan.lp"
    solved.session.write(path, solved.plan.final_cost, solved.plan.final_offset, "x")
    text = path.read_text()
    assert "law_held" in text and "council_held" in text
    assert lp_name("savings[2027,RS]") in text


def test_lp_names_are_plain_ascii():
    assert lp_name("savings[2027,RS]") == "savings(2027_RS)"
    assert lp_name("frame[2027,Patientnämnden]") == "frame(2027_Patientn_mnden)"


def test_push_changes_only_what_differs():
    data = build_data(make_scenario().scenario)
    session = LpSession(build_model(data, "optimal"))
    from balans.sweep.compile import Symbols, compile_rows

    symbols = Symbols()
    evaluate = compile_rows(session.entry_expressions(), symbols)
    params, fixed = symbols.values()
    values = evaluate(np.array(params)[:, None], np.array(fixed)[:, None])[:, 0]
    lp_before = session.highs.getLp()
    session.push(values)
    lp_after = session.highs.getLp()
    assert np.allclose(lp_before.row_lower_, lp_after.row_lower_)
    assert np.allclose(lp_before.col_upper_, lp_after.col_upper_)
    assert np.allclose(lp_before.col_cost_, lp_after.col_cost_)


def test_costs_passed_as_changes_leave_highs_with_the_whole_vector():
    data = build_data(make_scenario().scenario)
    session = LpSession(build_model(data, "optimal"))
    rng = np.random.default_rng(3)
    for _ in range(4):
        cost = session.cost.copy()
        some = rng.choice(session.n_cols, size=7, replace=False)
        cost[some] = rng.uniform(-1, 1, size=7)
        session.set_costs(cost)
        assert np.array_equal(session.highs.getLp().col_cost_, cost)
    session.set_costs(cost)  # nothing changes: HiGHS still holds it
    assert np.array_equal(session.highs.getLp().col_cost_, cost)


def test_releasing_frees_every_held_row_once():
    data = build_data(make_scenario().scenario)
    session = LpSession(build_model(data, "optimal"))
    cost = np.zeros(session.n_cols)
    cost[:3] = 1.0
    session.hold("law", cost, 5.0)
    session.hold("council", cost, 7.0)
    assert session.held_stages() == ["law", "council"]
    session.release_held()
    assert session.held_stages() == []
    session.set_row_bounds(session.held_row("law"), -np.inf, 2.0)
    assert session.held_stages() == ["law"]
    session.release_held()
    session.release_held()
    assert session.held_stages() == []
