"""The flow for one scenario: data -> model -> solve -> results -> verify.

`evaluate` runs the decided plan through the model (levers fixed), `optimise`
finds the best plan under the same rules, `compare` does both.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path

from balans.diagnose import diagnose
from balans.errors import BalansError
from balans.findings import find_findings
from balans.model.build import build_model
from balans.model.data import ModelData, build_data
from balans.priorities import breaches, solve_by_priority
from balans.results import Comparison, PlanResult, collect_result
from balans.scenario.load import LoadedScenario
from balans.solve import INFEASIBLE, solve_model, write_model
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
    outcome = solve_model(m, duals=False)
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
) -> PlanResult:
    """The optimal plan; when the targets conflict, the closest plan by priority.

    With `strict` (or `planning.strict`) a scenario whose targets cannot all
    hold comes back infeasible with its diagnosis instead. `findings` adds the
    documents' findings, which need the decided plan too; callers that solve
    many variants (or have the decided plan) pass False.
    """
    s = loaded.scenario
    strict = strict or s.planning.strict
    data = build_data(s)
    started = time.perf_counter()
    m = build_model(data, "optimal", objective)
    build_seconds = time.perf_counter() - started
    if model_path is not None:
        write_model(m, model_path)
    outcome = solve_model(m, time_limit=time_limit)
    stages = []
    if outcome.status == INFEASIBLE and not strict:
        outcome, stages = solve_by_priority(m, data, time_limit)
    outcome.build_seconds = build_seconds
    result = collect_result(m, s, data, outcome, "optimal")
    result.solver["build_seconds"] = round(build_seconds, 4)
    result.applied_overrides = list(loaded.applied_overrides)
    if stages and outcome.optimal:
        result.breaches = breaches(m, data)
        result.solver["priorities"] = [asdict(stage) for stage in stages]
    if outcome.status == INFEASIBLE:
        fresh = build_model(data, "optimal", objective)
        solve_model(fresh, time_limit=time_limit, duals=False)
        result.diagnosis = diagnose(fresh, data)
    else:
        verify_plan(result, s)
    if findings:
        result.findings = find_findings(s, data, _decided(loaded, data))
    return result


def compare(
    loaded: LoadedScenario, objective: str | None = None, strict: bool = False
) -> Comparison:
    """Decided and optimal side by side (the findings are computed once)."""
    decided = evaluate(loaded)
    optimal = optimise(loaded, objective, findings=False, strict=strict)
    optimal.findings = list(decided.findings)
    return Comparison(decided, optimal)
