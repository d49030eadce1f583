"""FoU-medel: what each level costs in savings and buys in research.

`fou_table` solves the scenario once per level (min-savings, FoU fixed at the
level from fou.from_year) and reports, per level: whether every målvärde still
holds, the extra savings against the scenario's own level, FoU per 100 000
inhabitants against the benchmark regions, the salary it buys after payroll
overhead, and the grants per category under the bilaga's strategy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from balans.plan import optimise
from balans.results import PlanResult
from balans.scenario.load import LoadedScenario
from balans.scenario.schema import Allocation, Scenario

CATEGORIES = ("phd_parttime", "postdoc_parttime", "project_funds")


@dataclass
class LevelRow:
    """One FoU level and what it means."""

    fou_tkr: float
    feasible: bool
    extra_savings: float | None
    extra_savings_by_committee: dict[str, float]
    per_100k: float
    salary_tkr: float
    pre_2021_equivalent_tkr: float
    grants: dict[str, int]
    unallocated_tkr: float
    broken: list[str] = field(default_factory=list)
    # The question max-fou answers: does the level fit within fou.savings_limit
    # with no larger breach of any target than the max-fou plan has?
    within_savings_limit: bool | None = None


@dataclass(frozen=True)
class CalibrationRow:
    """One year's actual grants against what the allocation model gives."""

    year: int
    fou_tkr: float
    granted: dict[str, int]
    model: dict[str, int]
    difference: dict[str, int]


@dataclass(frozen=True)
class FouTable:
    """`balans fou`: every level, the scenario's own level, benchmarks, calibration."""

    scenario: str
    base_fou_tkr: float
    base_feasible: bool
    base_objective: float | None
    from_year: int
    levels: list[LevelRow]
    benchmarks: dict[str, float]
    calibration: list[CalibrationRow]
    max_fou_tkr: float | None = None  # `--objective max-fou`: the highest such level


def per_100k(s: Scenario, fou_tkr: float) -> float:
    """FoU in tkr per 100 000 inhabitants."""
    return fou_tkr / s.fou.population * 100_000


def salary_bought(s: Scenario, fou_tkr: float) -> float:
    """The salary (tkr) a FoU level pays after PO-pålägg in fou.from_year.

    Since the Heroma change FoU pays employer's contributions and holiday pay
    itself, so only level / (1 + PO) reaches the researcher as salary.
    """
    overhead = s.fou.payroll_overhead_pct[s.fou.from_year]
    return fou_tkr / (1 + overhead / 100)


def allocate_grants(
    allocation: Allocation, fou_tkr: float
) -> tuple[dict[str, int], float]:
    """Grants per category for a FoU level, and the money left unallocated.

    Start from the reference allocation; split the change of level over the
    categories (cut_shares when the level falls, growth_shares when it rises);
    each category buys whole grants, at most its demand.
    """
    reference = allocation.reference
    change = fou_tkr - reference.fou_tkr
    shares = allocation.cut_shares if change < 0 else allocation.growth_shares
    grants, spent = {}, 0.0
    for category in CATEGORIES:
        size = allocation.grant_size_tkr[category]
        money = reference.granted.get(category, 0) * size + shares[category] * change
        count = max(0, math.floor(money / size + 1e-6))
        grants[category] = min(count, allocation.demand[category])
        spent += grants[category] * size
    return grants, fou_tkr - spent


def calibration_report(allocation: Allocation) -> list[CalibrationRow]:
    """How close the allocation model comes to each year's actual grants."""
    rows = []
    for point in allocation.calibration:
        model, _ = allocate_grants(allocation, point.fou_tkr)
        rows.append(
            CalibrationRow(
                year=point.year,
                fou_tkr=point.fou_tkr,
                granted=dict(point.granted),
                model=model,
                difference={c: model[c] - point.granted.get(c, 0) for c in CATEGORIES},
            )
        )
    return rows


def with_fou_level(loaded: LoadedScenario, level: float) -> LoadedScenario:
    """The scenario with FoU fixed at `level` from fou.from_year on."""
    s = loaded.scenario
    fou = {
        y: (level if y >= s.fou.from_year else v) for y, v in s.budget.fou_tkr.items()
    }
    budget = s.budget.model_copy(update={"fou_tkr": fou})
    scenario = s.model_copy(
        update={"budget": budget, "fou": s.fou.model_copy(update={"discrete": False})}
    )
    return LoadedScenario(
        scenario, loaded.files, [*loaded.applied_overrides, f"fou level: {level:g} tkr"]
    )


def _total_savings(plan: PlanResult) -> dict[str, float]:
    return {c: sum(v["savings"].values()) for c, v in plan.committees.items()}


def fou_table(loaded: LoadedScenario) -> FouTable:
    """Every level of fou.levels (or the scenario's own level when none)."""
    s = loaded.scenario
    base = optimise(loaded, "min-savings", findings=False)
    base_savings = _total_savings(base) if base.status == "optimal" else None
    highest = optimise(loaded, "max-fou", findings=False)
    levels = s.fou.levels or [s.budget.fou_tkr[s.fou.from_year]]
    rows = [_level_row(loaded, level, base, base_savings, highest) for level in levels]
    return FouTable(
        scenario=s.name,
        base_fou_tkr=s.budget.fou_tkr[s.fou.from_year],
        base_feasible=base.status == "optimal" and not base.breaches,
        base_objective=base.objective,
        from_year=s.fou.from_year,
        levels=rows,
        benchmarks=dict(s.fou.benchmarks),
        calibration=calibration_report(s.fou.allocation),
        max_fou_tkr=highest.objective if highest.status == "optimal" else None,
    )


def within_savings_limit(
    loaded: LoadedScenario, level: float, highest: PlanResult
) -> bool:
    """Whether FoU `level` fits within fou.savings_limit without breaching more.

    Solved as max-fou with FoU held at `level` or above: the level fits when a
    plan exists whose least breaches (law, then council) are no larger than
    those of the max-fou plan itself. `balans solve --objective max-fou`
    answers the same question for the highest level.
    """
    if highest.status != "optimal":
        return False
    s = loaded.scenario
    fou = s.fou.model_copy(
        update={"min_tkr": level, "max_tkr": max(level, s.fou.max_tkr)}
    )
    forced = LoadedScenario(s.model_copy(update={"fou": fou}), loaded.files, [])
    plan = optimise(forced, "max-fou", findings=False)
    if plan.status != "optimal":
        return False
    stages = {row["priority"]: row["weighted_breach"] for row in _stages(plan)}
    for row in _stages(highest):
        least = row["weighted_breach"]
        if stages.get(row["priority"], 0.0) > least + 1e-6 * max(1.0, abs(least)):
            return False
    return True


def _stages(plan: PlanResult) -> list[dict]:
    return list(plan.solver.get("priorities", []))


def _level_row(
    loaded: LoadedScenario,
    level: float,
    base: PlanResult,
    base_savings: dict[str, float] | None,
    highest: PlanResult,
) -> LevelRow:
    s = loaded.scenario
    plan = optimise(with_fou_level(loaded, level), "min-savings", findings=False)
    solved = plan.status == "optimal"
    feasible = solved and not plan.breaches  # every målvärde kept, not the closest
    extra, by_committee = None, {}
    if solved and base_savings is not None:
        extra = plan.objective - base.objective
        by_committee = {c: v - base_savings[c] for c, v in _total_savings(plan).items()}
    grants, unallocated = allocate_grants(s.fou.allocation, level)
    broken = sorted({row.rule for row in plan.breaches})
    if not solved and plan.diagnosis:
        broken = sorted({row.rule for row in plan.diagnosis.relaxations})
    return LevelRow(
        fou_tkr=level,
        feasible=feasible,
        extra_savings=extra,
        extra_savings_by_committee=by_committee,
        per_100k=per_100k(s, level),
        salary_tkr=salary_bought(s, level),
        pre_2021_equivalent_tkr=level * s.assumptions.fou_heroma_factor,
        grants=grants,
        unallocated_tkr=unallocated,
        broken=broken,
        within_savings_limit=within_savings_limit(loaded, level, highest),
    )
