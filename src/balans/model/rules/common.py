"""The one shape every rule (målvärde) takes in the LP.

A rule is `value (+/-) slack (-/+) margin >= or <= limit` over an index:
- `value` is an expression of the plan (Mkr);
- `limit` is a mutable parameter Python computes from the scenario;
- `slack` is an elastic variable, fixed at zero until a diagnosis frees it;
- `margin` is shared by every rule that max-margin asks to keep a safety
  margin, with a coefficient that is zero for every other objective.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

import pyomo.environ as pyo

Sense = Literal["min", "max"]


def add_rule(
    m: pyo.ConcreteModel,
    key: str,
    index: Iterable,
    value: Callable[..., object],
    limit: dict,
    sense: Sense,
) -> None:
    """Add rule `key` to the model: its value, limit, slack and constraint."""
    index = list(index)
    setattr(m, f"{key}_index", pyo.Set(initialize=index, dimen=_dimen(index)))
    rule_set = getattr(m, f"{key}_index")
    setattr(
        m, f"{key}_value", pyo.Expression(rule_set, rule=lambda m, *i: value(m, *i))
    )
    setattr(
        m,
        f"{key}_limit",
        pyo.Param(rule_set, initialize=lambda m, *i: limit[_key(i)], mutable=True),
    )
    setattr(m, f"{key}_slack", pyo.Var(rule_set, bounds=(0, 0)))
    setattr(m, f"{key}_margin_weight", pyo.Param(mutable=True, initialize=0.0))
    values = getattr(m, f"{key}_value")
    limits = getattr(m, f"{key}_limit")
    slack = getattr(m, f"{key}_slack")
    weight = getattr(m, f"{key}_margin_weight")

    def constraint(m, *i):
        i = _key(i)
        if sense == "min":
            return values[i] + slack[i] - weight * m.margin >= limits[i]
        return values[i] - slack[i] + weight * m.margin <= limits[i]

    setattr(m, key, pyo.Constraint(rule_set, rule=constraint))
    if not hasattr(m, "rule_sense"):
        m.rule_sense = {}
    m.rule_sense[key] = sense


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
