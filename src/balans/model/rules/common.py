"""The one shape of a rule (målvärde): a registry entry that owns its whole life.

In the LP a rule is `value (+/-) slack (-/+) w x margin >= or <= limit` over an
index:
- `value` is an expression of the plan (Mkr, or tkr for FoU);
- `limit` is a mutable parameter, set from the model data by `apply`;
- `slack` is an elastic variable, fixed at zero until a diagnosis frees it;
- `margin` is shared by every rule that max-margin asks to keep a safety
  margin, with a weight `w` that is zero for every other objective.

The same entry says how the rule is reported (unit, labels, percent of what)
and how the independent verifier recomputes its value from a reported plan.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pyomo.environ as pyo

if TYPE_CHECKING:
    from balans.model.data import ModelData
    from balans.scenario.schema import Scenario

Sense = Literal["min", "max"]  # min: value at least the limit; max: at most
Priority = Literal["law", "council", "aim", "capacity"]
PRIORITY_ORDER: tuple[Priority, ...] = ("law", "council")
"""Lexicographic priorities, most important first. `aim` rules are weighed
against the objective instead; `capacity` rules are never relaxed by the
closest plan (they say what the committees can deliver)."""
Index = Hashable  # a year, (year, committee) or (year, month)


@dataclass(frozen=True)
class Rule:
    """An enforced rule: one constraint family of the LP.

    Attributes:
        key: the id in the LP (`debt_ratio_ceiling[2027]`), results and reports.
        setting: the scenario section `rules.<setting>` that switches it.
        sense: "min" (value at least the limit) or "max" (at most).
        unit: unit of the reported value and limit: "Mkr", "tkr" or "%".
        sv_label, en_label: names in the reports.
        source: where the documents set the target.
        formula, index_doc: the constraint and its index, for docs/model.md.
        limits: model data -> {index: limit} in the LP's unit; its keys, in
            order, are the rule's index.
        value: (model, *index) -> the Pyomo expression held against the limit.
        recompute: (plan result, scenario, index) -> the value in the LP's
            unit, recomputed from the reported statements only (the verifier).
        in_max_margin: max-margin keeps a common margin on this rule.
        percent_of: (plan result, scenario, year) -> the denominator when the
            rule is reported as a percentage (`unit == "%"`).
        switched_on: scenario -> on; default `rules.<setting>.enabled`.
        override: the `--set` path of the rule's limit (for explanations).
        priority: law, council or capacity (docs/model.md, "Priorities").

    """

    key: str
    setting: str
    sense: Sense
    unit: str
    sv_label: str
    en_label: str
    source: str
    formula: str
    index_doc: str
    limits: Callable[[ModelData], dict[Any, float]]
    value: Callable[..., Any]
    recompute: Callable[[Any, Scenario, Any], float]
    in_max_margin: bool
    percent_of: Callable[[Any, Scenario, int], float] | None = None
    switched_on: Callable[[Scenario], bool] | None = None
    override: str = ""
    priority: Priority = "council"
    kind: Literal["rule"] = "rule"

    def enabled(self, s: Scenario) -> bool:
        """Whether the scenario switches this rule on."""
        if self.switched_on is not None:
            return self.switched_on(s)
        return getattr(s.rules, self.setting).enabled

    def penalty(self, s: Scenario) -> float:
        """Elastic penalty per unit of slack in the diagnosis."""
        return getattr(s.rules, self.setting).penalty

    def priority_in(self, s: Scenario) -> Priority:
        """The rule's priority: the scenario's setting, else the registry's."""
        return getattr(s.rules, self.setting).priority or self.priority

    def aim_weight(self, s: Scenario) -> float:
        """Objective units per unit of shortfall when the rule is an `aim`."""
        return getattr(s.rules, self.setting).aim_weight

    @property
    def slack_unit(self) -> str:
        """Slacks are in the LP's unit: Mkr, or tkr for FoU (a % rule's is Mkr)."""
        return "tkr" if self.unit == "tkr" else "Mkr"

    def to_mkr(self, amount: float) -> float:
        """A slack amount in Mkr."""
        return amount / 1000 if self.unit == "tkr" else amount

    def margin(self, value: float, limit: float) -> float:
        """Room to spare: positive when the rule holds."""
        return value - limit if self.sense == "min" else limit - value


@dataclass(frozen=True)
class FigureValue:
    """One year of a key figure: its value and the target it is read against."""

    year: int
    value: float
    limit: float


@dataclass(frozen=True)
class KeyFigure:
    """A reported key figure (nyckeltal): read against a target, never enforced.

    Attributes:
        values: (scenario, plan result) -> the figure per year with its target.
        higher: True when more is better (met when value > limit).
        rounding: what the printed target rounds away (met when the margin is
            at least -rounding).

    """

    key: str
    unit: str
    sv_label: str
    en_label: str
    source: str
    description: str
    values: Callable[[Scenario, Any], Iterator[FigureValue]]
    higher: bool
    rounding: float = 0.0
    kind: Literal["key_figure"] = "key_figure"

    def margin(self, value: float, limit: float) -> float:
        """Room to spare: positive when the figure is on the right side."""
        return value - limit if self.higher else limit - value

    def met(self, value: float, limit: float) -> bool:
        """Whether the figure meets its target (forgiving the printed rounding)."""
        margin = self.margin(value, limit)
        return margin > 0 if self.higher else margin >= -self.rounding


@dataclass(frozen=True, eq=False)
class RuleParts:
    """The Pyomo components of one rule in a built model."""

    rule: Rule
    index: pyo.Set
    value: pyo.Expression
    limit: pyo.Param
    slack: pyo.Var
    margin_weight: pyo.Param
    constraint: pyo.Constraint


def add_rule(m: pyo.ConcreteModel, rule: Rule, data: ModelData) -> RuleParts:
    """Add the structure of `rule` to the model; `apply_limits` sets its numbers."""
    index = list(rule.limits(data))
    key = rule.key
    rule_set = pyo.Set(initialize=index, dimen=_dimen(index), ordered=True)
    m.add_component(f"{key}_index", rule_set)
    values = pyo.Expression(rule_set, rule=lambda m, *i: rule.value(m, *i))
    m.add_component(f"{key}_value", values)
    limits = pyo.Param(rule_set, initialize=0.0, mutable=True, domain=pyo.Any)
    m.add_component(f"{key}_limit", limits)
    slack = pyo.Var(rule_set, bounds=(0, 0))
    m.add_component(f"{key}_slack", slack)
    weight = pyo.Param(rule_set, mutable=True, domain=pyo.Any, initialize=0.0)
    m.add_component(f"{key}_margin_weight", weight)

    def constraint(m, *i):
        i = _key(i)
        if rule.sense == "min":
            return values[i] + slack[i] - weight[i] * m.margin >= limits[i]
        return values[i] - slack[i] + weight[i] * m.margin <= limits[i]

    holds = pyo.Constraint(rule_set, rule=constraint)
    m.add_component(key, holds)
    return RuleParts(rule, rule_set, values, limits, slack, weight, holds)


def apply_limits(parts: RuleParts, data: ModelData, put=None) -> None:
    """Set the rule's limits from the model data (the index must not change).

    `put(component, value)` sets each (default: the parameter's `set_value`).
    """
    for index, limit in parts.rule.limits(data).items():
        if put is None:
            parts.limit[index].set_value(limit)
        else:
            put(parts.limit[index], limit)


def _key(index: tuple):
    return index[0] if len(index) == 1 else index


def _dimen(index: list) -> int:
    if not index:
        return 1
    first = index[0]
    return len(first) if isinstance(first, tuple) else 1


def split_index(index) -> tuple[int, str | None, int | None]:
    """(year, committee, month) of a rule index: year, (year, committee) or (year, month)."""
    if not isinstance(index, tuple):
        return index, None, None
    year, second = index
    if isinstance(second, int):
        return year, None, second
    return year, second, None
