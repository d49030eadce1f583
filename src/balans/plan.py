"""The flow for one scenario: data -> model -> solve -> results -> verify.

`evaluate` runs the decided plan through the model (levers fixed), `optimise`
finds the best plan under the same rules, `compare` does both.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path

from balans.diagnose import diagnose
from balans.errors import BalansError, SolverError
from balans.findings import find_findings
from balans.model.build import build_model
from balans.model.data import ModelData, build_data
from balans.model.lp import LpSession
from balans.priorities import breaches
from balans.results import Comparison, PlanResult, collect_result
from balans.scenario.load import LoadedScenario
from balans.solve import INFEASIBLE, Solved, solve, stage_cost_offset, write_model
from balans.verify import verify_plan


def evaluate(loaded: LoadedScenario) -> PlanResult:
    """The decided plan through the model, with every målvärde reported."""
    data = build_data(loaded.scenario)
    result = _decided(loaded, data)
    result.findings = find_findings(loaded.scenario, data, result)
    return result


def _decided(loaded: LoadedScenario, data: ModelData) -> PlanResult:
    s = loaded.scenario
    started = time.perf_counter()
    m = build_model(data, "decided")
    build_seconds = time.perf_counter() - started
    outcome = solve(m, data, strict=True, duals=False).outcome
    outcome.build_seconds = build_seconds
    if not outcome.optimal:
        raise BalansError(
            f"{s.name}: the decided levers give no consistent plan "
            "(e.g. repayments larger than the loans); check budget.debt_repayment"
        )
    result = collect_result(m, s, data, outcome, "decided")
    result.applied_overrides = list(loaded.applied_overrides)
    verify_plan(result, s)
    return result


def optimise(
    loaded: LoadedScenario,
    objective: str | None = None,
    model_path: str | Path | None = None,
    time_limit: float | None = None,
    findings: bool = True,
    strict: bool = False,
    write_stages: bool = False,
) -> PlanResult:
    """The optimal plan; when the targets conflict, the closest plan by priority.

    With `strict` (or `planning.strict`) a scenario whose targets cannot all
    hold comes back infeasible with its diagnosis instead. `findings` adds the
    documents' findings, which need the decided plan too; callers that solve
    many variants (or have the decided plan) pass False. `model_path` gets
    the LP of the plan's final stage (`write_stages`: every stage besides,
    as `<name>.<stage>.<suffix>`).
    """
    s = loaded.scenario
    strict = strict or s.planning.strict
    data = build_data(s)
    started = time.perf_counter()
    m = build_model(data, "optimal", objective)
    build_seconds = time.perf_counter() - started
    session = LpSession(m)
    hook = None
    if model_path is not None and write_stages:
        hook = stage_writer(session, s.name, Path(model_path))
    try:
        solved = solve(m, data, strict, time_limit, hook=hook, session=session)
    except SolverError:
        if model_path is not None:  # the LP HiGHS could not finish, to look at
            header = f"balans: scenario {s.name}: HiGHS could not finish this LP"
            session.write(model_path, session.cost, session.offset, header)
        raise
    outcome = solved.outcome
    outcome.build_seconds = build_seconds
    result = collect_result(m, s, data, outcome, "optimal")
    result.solver["build_seconds"] = round(build_seconds, 4)
    result.solver["lp_objective"] = outcome.lp_objective
    result.applied_overrides = list(loaded.applied_overrides)
    if solved.plan.closest and outcome.optimal:
        result.breaches = breaches(m, data)
        result.solver["priorities"] = [asdict(stage) for stage in solved.plan.stages]
    if model_path is not None:
        write_model(solved, model_path, model_header(solved, s.name, m))
    if outcome.status == INFEASIBLE:
        result.diagnosis = diagnose(solved.priorities, data)
    else:
        verify_plan(result, s)
    if findings:
        result.findings = find_findings(s, data, _decided(loaded, data))
    return result


def model_header(solved: Solved, scenario: str, m) -> str:
    """The comment atop an exported LP: which stage it is and what it gives."""
    plan, outcome = solved.plan, solved.outcome
    lines = [f"balans: scenario {scenario}, objective {m.objective_name}"]
    if outcome.status == INFEASIBLE:
        lines.append("every target held (strict): this LP has no feasible plan")
        return "\n".join(lines)
    if plan.closest:
        held = ", ".join(
            f"{stage.priority} least weighted breach <= {stage.weighted_breach:.9g}"
            for stage in plan.stages
        )
        lines.append(f"final stage of the closest plan by priority; held rows: {held}")
    else:
        lines.append("every target held: the plain LP")
    if len(solved.session.then_costs):
        lines.append(
            "lexicographic objective (max-fou): its first stage's optimum held "
            "(the FoU floor as the column's lower bound), then the next objective"
        )
    lines.append(f"optimum {outcome.lp_objective:.12g} (with smoothing and tie-breaks)")
    lines.append(f"reported objective {m.objective_name} = {outcome.objective:.12g}")
    return "\n".join(lines)


def stage_writer(session: LpSession, scenario: str, path: Path):
    """A stage hook that writes each stage's LP as `<stem>.<stage><suffix>`."""

    def write(stage: str, cost) -> None:
        target = path.with_name(f"{path.stem}.{stage.replace(':', '-')}{path.suffix}")
        header = f"balans: scenario {scenario}, stage {stage} as solved"
        session.write(target, cost, stage_cost_offset(session, stage), header)

    return write


def compare(
    loaded: LoadedScenario, objective: str | None = None, strict: bool = False
) -> Comparison:
    """Decided and optimal side by side (the findings are computed once)."""
    decided = evaluate(loaded)
    optimal = optimise(loaded, objective, findings=False, strict=strict)
    optimal.findings = list(decided.findings)
    return Comparison(decided, optimal)
