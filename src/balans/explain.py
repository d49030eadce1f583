"""Why the optimal plan looks as it does: what each binding rule and lever costs.

For every rule held at its limit in the optimal plan: the shadow price (how
much the reported objective changes when the limit moves up by one unit of
the rule), the range of the limit within which that price holds (HiGHS
ranging), and the `--set` path that moves exactly that limit. For every
lever on a bound: its reduced cost (what moving it one unit off the bound
costs).

The prices are those of the primary objective (what `solve` reports as the
objective): the smoothing and tie-break terms are left out by pricing the
final basis with the primary's cost vector (LpSession.prices), so no bias
is carried. For the closest plan the final stage is priced with the least
breaches of the earlier stages held at their values; for a MILP (discrete
FoU) the integer choices are fixed and the LP re-solved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyomo.environ as pyo

from balans.errors import BalansError
from balans.model.build import build_model
from balans.model.data import ModelData, build_data
from balans.model.lp import OPTIMAL, BasisPrices, LpSession
from balans.model.registry import LP_RULES
from balans.model.rules.common import PRIORITY_ORDER, Rule, RuleParts, split_index
from balans.priorities import Stage
from balans.scenario.load import load_scenario
from balans.solve import Solved, solve

PRICE_ZERO = 1e-9  # smaller prices are reported as 0 (degenerate, free)

LEVERS: dict[str, str] = {
    "savings": "Mkr",
    "fou_tkr": "tkr",
    "new_debt": "Mkr",
    "repayment": "Mkr",
    "pension_purchase": "Mkr",
    "investment": "Mkr",
    "tax_increase_ore": "öre",
}
"""Decision variables reported when on a bound, with their unit."""

NO_KEY, SHARED, NOT_MOVING = "no_key", "shared", "not_moving"
"""Why a binding rule has no override: the rule has no scenario key for its
limit (derived, e.g. restoration), the key sets more limits than this one (a
year's floor sets twelve months), or the key does not move this limit (the
computed lånetak is the stricter)."""


@dataclass(frozen=True)
class RulePrice:
    """One binding rule index: what one more unit of its limit is worth.

    `shadow_price` is the change of the objective per unit (`unit`) the limit
    rises; `range_low`..`range_high` the limits within which it holds;
    `override` the `--set` path that sets exactly this limit (None, and
    `override_reason` why, where no single key does).
    """

    rule: str
    year: int
    month: int | None
    committee: str | None
    shadow_price: float
    unit: str
    limit: float
    range_low: float | None
    range_high: float | None
    override: str | None
    override_reason: str | None = None
    breach: float = 0.0  # how far the closest plan is past the limit (unit)
    priority: str = "council"
    # The closest plan re-planned (what a re-solve with --set gives): the price
    # with the earlier stages' least breaches re-optimised too, and how much each
    # stage's least weighted breach moves per unit of the limit.
    replanned_price: float | None = None
    least_breach_change: dict[str, float] = field(default_factory=dict)

    def contract(self) -> dict[str, Any]:
        """The JSON row: exactly the documented fields."""
        return {
            "rule": self.rule,
            "year": self.year,
            "month": self.month,
            "committee": self.committee,
            "shadow_price": self.shadow_price,
            "unit": self.unit,
            "limit": self.limit,
            "range_low": self.range_low,
            "range_high": self.range_high,
            "override": self.override,
        }


@dataclass(frozen=True)
class LeverPrice:
    """A lever on one of its bounds and what moving it one unit inwards costs."""

    lever: str
    year: int
    committee: str | None
    month: int | None
    value: float
    bound: str  # "lower" or "upper"
    cost: float  # objective change per unit moved off the bound
    unit: str


@dataclass
class Explanation:
    """The prices of one scenario's optimal (or closest) plan."""

    scenario: str
    title: str
    status: str
    objective_name: str
    objective: float | None
    problem_type: str = "LP"
    integers_fixed: bool = False
    stages: list[Stage] = field(default_factory=list)
    # Penalty per Mkr of breach shared by every rule of a stage (None: they differ),
    # to say a stage's weighted breach in Mkr.
    stage_penalty: dict[str, float | None] = field(default_factory=dict)
    rules: list[RulePrice] = field(default_factory=list)
    levers: list[LeverPrice] = field(default_factory=list)
    applied_overrides: list[str] = field(default_factory=list)

    @property
    def closest_plan(self) -> bool:
        """True when some target could not hold: the plan is the closest by priority."""
        return bool(self.stages)

    def priced_rules(self) -> list[RulePrice]:
        """Binding rules whose limit has a non-zero price."""
        return [r for r in self.rules if r.shadow_price != 0.0]

    def priced_levers(self) -> list[LeverPrice]:
        """Levers on a bound whose move has a non-zero cost."""
        return [lever for lever in self.levers if lever.cost != 0.0]


@dataclass
class Priced:
    """The solved plan kept for re-pricing (tests re-solve it with a limit moved).

    `final_cost` is the cost vector of the stage the prices belong to (the
    objective's first stage, aims weighed in); re-solving the session with it
    and the same held rows is what a held price predicts.
    """

    model: pyo.ConcreteModel
    data: ModelData
    explanation: Explanation
    session: LpSession | None = None
    final_cost: Any = None
    final_stage: str = "plain"


def explain(
    scenario_file: str | Path,
    overrides: tuple[str, ...] = (),
    objective: str | None = None,
    strict: bool = False,
) -> Explanation:
    """The explanation of a scenario file (with `--set` overrides)."""
    return price_plan(scenario_file, overrides, objective, strict).explanation


class _StagePricer:
    """A stage hook: prices each priority stage, and the objective's first stage."""

    def __init__(self, m: pyo.ConcreteModel, session: LpSession, data, keys) -> None:
        self.m, self.session, self.data, self.keys = m, session, data, keys
        self.primary, _ = session.cost_of(m.primary)
        self.stages: dict[str, BasisPrices] = {}
        self.final: BasisPrices | None = None
        self.ranges: dict[int, tuple[float, float]] = {}
        self.cost, self.stage = None, "plain"

    def __call__(self, stage: str, cost) -> None:
        if stage in PRIORITY_ORDER:
            self.stages[stage] = self.session.prices(cost)
        elif stage in ("plain", "final"):
            self.final = self.session.prices(self.primary)
            self.cost, self.stage = cost.copy(), stage
            self.ranges = self._ranges()

    def _ranges(self) -> dict[int, tuple[float, float]]:
        """The price range of every binding rule row (walked past degenerate bases)."""
        out = {}
        for parts in _enabled(self.m, self.data):
            for index in parts.index:
                row = self.session.row_of.get(parts.constraint[index])
                price = None if row is None else self.final.rows[row]
                if price is not None and price.active:
                    out[row] = self.session.price_range(row, self.primary, price)
        return out


def price_plan(
    scenario_file: str | Path,
    overrides: tuple[str, ...] = (),
    objective: str | None = None,
    strict: bool = False,
) -> Priced:
    """Solve as `solve` does, then price the final basis for the primary objective."""
    loaded = load_scenario(scenario_file, overrides)
    s = loaded.scenario
    data = build_data(s)
    m = build_model(data, "optimal", objective)
    session = LpSession(m)
    keys = _OverrideKeys(scenario_file, overrides, data)
    strict = strict or s.planning.strict
    pricer = _StagePricer(m, session, data, keys)
    mip = session.is_mip()
    solved = solve(
        m, data, strict, duals=False, hook=None if mip else pricer, session=session
    )
    explanation = Explanation(
        scenario=s.name,
        title=s.title,
        status=solved.outcome.status,
        objective_name=m.objective_name,
        objective=None,
        problem_type=solved.outcome.problem_type,
        stages=solved.plan.stages,
        applied_overrides=list(loaded.applied_overrides),
    )
    explanation.stage_penalty = {
        stage.priority: _common_penalty(data, stage.priority)
        for stage in solved.plan.stages
    }
    if not solved.outcome.optimal:
        return Priced(m, data, explanation, session)
    if mip:
        solved = _fixed_integer_plan(solved, data, strict, pricer, s.name)
        explanation.integers_fixed = True
    explanation.objective = pyo.value(m.primary)
    explanation.rules = rule_prices(m, data, pricer, keys)
    explanation.levers = lever_prices(m, session, pricer.final)
    return Priced(m, data, explanation, session, pricer.cost, pricer.stage)


def _fixed_integer_plan(solved: Solved, data, strict, pricer, name) -> Solved:
    """A MILP's plan as an LP: the integer choices fixed, the stages solved again."""
    session = solved.session
    session.fix_integers()
    again = solve(session.m, data, strict, duals=False, hook=pricer, session=session)
    if again.outcome.status != OPTIMAL:
        raise BalansError(
            f"{name}: the LP with the integer choices fixed has no optimum "
            f"({again.outcome.termination})"
        )
    return again


def _common_penalty(data: ModelData, level: str) -> float | None:
    penalties = {
        data.rules.penalty[key]
        for key, on in data.rules.enabled.items()
        if on and data.rules.priority[key] == level
    }
    return penalties.pop() if len(penalties) == 1 else None


def percent_scale(rule: Rule, data: ModelData, year: int) -> float:
    """Mkr of the LP limit per unit of the reported limit (per % for ratio rules)."""
    if rule.unit == "%":
        return data.debt_ratio_denominator[year] / 100
    return 1.0


def rule_prices(
    m: pyo.ConcreteModel, data: ModelData, pricer: _StagePricer, keys: _OverrideKeys
) -> list[RulePrice]:
    """Every enabled rule index held at its limit, priced in the rule's unit."""
    rows = []
    session, stages = pricer.session, pricer.stages
    held_levels = [level for level in PRIORITY_ORDER if level in session.held]
    for parts in _enabled(m, data):
        for index in parts.index:
            row = session.row_of.get(parts.constraint[index])
            if row is None or not pricer.final.rows[row].active:
                continue
            price = _rule_price(parts, index, row, pricer, data, keys)
            if stages and len(stages) == len(held_levels):
                price = _replanned(session, row, price, pricer.final, stages, data)
            rows.append(price)
    return rows


def _replanned(
    session: LpSession,
    row: int,
    price: RulePrice,
    final: BasisPrices,
    stages: dict[str, BasisPrices],
    data: ModelData,
) -> RulePrice:
    """The price when every stage is re-solved: the chain rule through the stages.

    Stage k's least breach L_k moves by dL_k = p_k(row) + sum_j<k p_k(held_j) dL_j
    per unit of the row's bound, and the final objective by
    p(row) + sum_k p(held_k) dL_k (p: each basis's price, held_k: stage k's
    "least breach held" row, whose bound moves one for one with L_k).
    """
    scale = percent_scale(session.m.rule_parts[price.rule].rule, data, price.year)
    moved: dict[str, float] = {}
    for level, stage in stages.items():
        change = _price_of(stage, row)
        for earlier, earlier_change in moved.items():
            change += _price_of(stage, session.held[earlier]) * earlier_change
        moved[level] = change
    total = _price_of(final, row)
    for level, change in moved.items():
        total += _price_of(final, session.held[level]) * change
    return replace(
        price,
        replanned_price=_clean(total * scale),
        least_breach_change={k: _clean(v * scale) for k, v in moved.items()},
    )


def _price_of(prices: BasisPrices, row: int) -> float:
    found = prices.rows.get(row)
    return 0.0 if found is None else found.price


def _enabled(m: pyo.ConcreteModel, data: ModelData) -> list[RuleParts]:
    return [p for p in m.rule_parts.values() if data.rules.enabled[p.rule.key]]


def _rule_price(parts: RuleParts, index, row: int, pricer, data, keys) -> RulePrice:
    rule = parts.rule
    year, committee, month = split_index(index)
    scale = percent_scale(rule, data, year)
    limit = pyo.value(parts.limit[index])
    priced = pricer.final.rows[row]
    low_bound, high_bound = pricer.ranges.get(
        row, (priced.bound_low, priced.bound_high)
    )
    # The row's bound moves one for one with the limit (the limit is its constant).
    low = limit + (low_bound - priced.bound)
    high = limit + (high_bound - priced.bound)
    override, reason = keys.override(rule, index)
    return RulePrice(
        rule=rule.key,
        year=year,
        month=month,
        committee=committee,
        shadow_price=_clean(priced.price * scale),
        unit="%" if rule.unit == "%" else rule.slack_unit,
        limit=limit / scale,
        range_low=_finite(low / scale),
        range_high=_finite(high / scale),
        override=override,
        override_reason=reason,
        breach=pyo.value(parts.slack[index]) / scale,
        priority=data.rules.priority[rule.key],
    )


def lever_prices(
    m: pyo.ConcreteModel, session: LpSession, prices: BasisPrices
) -> list[LeverPrice]:
    """Every free lever sitting on a bound, with the cost of moving it inwards."""
    rows = []
    for name, unit in LEVERS.items():
        for index, var in getattr(m, name).items():
            col = session.col_of.get(id(var))
            column = None if col is None else prices.columns.get(col)
            if var.fixed or column is None or column.at is None:
                continue
            if var.lb is not None and var.ub is not None and var.ub - var.lb < 1e-9:
                continue  # fixed through its bounds (a locked year, a set level)
            year, committee, month = split_index(index)
            cost = column.reduced_cost if column.at == "lower" else -column.reduced_cost
            rows.append(
                LeverPrice(
                    lever=name,
                    year=year,
                    committee=committee,
                    month=month,
                    value=pyo.value(var),
                    bound=column.at,
                    cost=_clean(cost),
                    unit=unit,
                )
            )
    return rows


def _clean(value: float) -> float:
    return 0.0 if abs(value) < PRICE_ZERO else value


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


class _OverrideKeys:
    """Which `--set` path moves exactly one rule index's limit, checked by building.

    A candidate path (the rule's `override` template filled in) counts only if
    setting it one unit higher moves this index's limit by one unit of the
    rule and no other limit of any rule: the contract a program relies on when
    it re-solves with `--set <override>=<limit + 1>`.
    """

    def __init__(self, scenario_file, overrides: tuple[str, ...], data: ModelData):
        self.file, self.overrides, self.data = scenario_file, overrides, data
        self.limits = {rule.key: rule.limits(data) for rule in LP_RULES}
        self.moved: dict[str, dict[tuple[str, Any], float] | None] = {}

    def override(self, rule: Rule, index) -> tuple[str | None, str | None]:
        year, committee, _ = split_index(index)
        s = self.data.scenario
        path = rule.override.format(
            year=year,
            committee=committee,
            region=s.rules.fou_per_inhabitant.region,
        )
        moved = self._moved(path)
        if moved is None:
            return None, NO_KEY
        scale = percent_scale(rule, self.data, year)
        here = moved.pop((rule.key, index), 0.0)
        others = [v for v in moved.values() if abs(v) > 1e-9]
        moved[(rule.key, index)] = here
        if abs(here - scale) > 1e-6 * max(1.0, scale):
            return None, (SHARED if others else NOT_MOVING)
        if others:
            return None, SHARED
        return path, None

    def _moved(self, path: str) -> dict[tuple[str, Any], float] | None:
        """Every limit's change when `path` is one higher; None when it is no number."""
        if path not in self.moved:
            self.moved[path] = self._compute(path)
        return self.moved[path]

    def _compute(self, path: str) -> dict[tuple[str, Any], float] | None:
        value = _value_at(self.data.scenario.model_dump(), path.split("."))
        if not isinstance(value, int | float) or isinstance(value, bool):
            return None
        try:
            loaded = load_scenario(self.file, (*self.overrides, f"{path}={value + 1}"))
        except BalansError:
            return None
        data = build_data(loaded.scenario)
        moved = {}
        for rule in LP_RULES:
            before, after = self.limits[rule.key], rule.limits(data)
            if set(before) != set(after):
                return None
            for index, limit in after.items():
                if abs(limit - before[index]) > 1e-12:
                    moved[(rule.key, index)] = limit - before[index]
        return moved


def _value_at(node: Any, parts: list[str]) -> Any:
    for part in parts:
        if isinstance(node, dict):
            key = int(part) if part.isdigit() and int(part) in node else part
            if key not in node:
                return None
            node = node[key]
        else:
            return None
    return node


def explanation_frame(e: Explanation):
    """One row per binding rule, numeric columns (for the Excel writer and CSV)."""
    import pandas as pd

    columns = [
        "rule",
        "year",
        "month",
        "committee",
        "shadow_price",
        "unit",
        "limit",
        "range_low",
        "range_high",
        "override",
        "breach",
    ]
    rows = [{**r.contract(), "breach": r.breach} for r in e.rules]
    frame = pd.DataFrame(rows, columns=columns)
    for name in ("shadow_price", "limit", "range_low", "range_high", "breach"):
        frame[name] = pd.to_numeric(frame[name]).astype(float)
    frame["year"] = frame["year"].astype("Int64")
    frame["month"] = pd.to_numeric(frame["month"]).astype("Int64")
    return frame


def lever_frame(e: Explanation):
    """One row per lever on a bound, numeric columns."""
    import pandas as pd

    columns = ["lever", "year", "committee", "month", "value", "bound", "cost", "unit"]
    frame = pd.DataFrame([vars(lever) for lever in e.levers], columns=columns)
    frame["month"] = pd.to_numeric(frame["month"]).astype("Int64")
    return frame
