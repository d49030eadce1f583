"""Pyomo parameter expressions -> one numpy function over many variants at once.

A variant's LP numbers are the model's mutable-parameter expressions
(coefficients, bounds, costs, as Pyomo's persistent HiGHS interface collects
them) evaluated at the variant's parameter values. `pyo.value` evaluates one
expression for one variant in microseconds; a sweep needs thousands of
expressions for thousands of variants, so the expressions are translated once
into Python source over numpy rows (`p[i]` a parameter, `v[j]` a fixed
variable's value, each a row over the variants of a chunk) and compiled.
The formulas stay Pyomo's: nothing here knows what a number means.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

_SUMS = {"SumExpression", "NPV_SumExpression", "LinearExpression"}
_PRODUCTS = {"ProductExpression", "NPV_ProductExpression", "MonomialTermExpression"}
_DIVISIONS = {"DivisionExpression", "NPV_DivisionExpression"}
_NEGATIONS = {"NegationExpression", "NPV_NegationExpression"}
_POWERS = {"PowExpression", "NPV_PowExpression"}
_EXTREMES = {"NPV_MaxExpression": "np.maximum", "NPV_MinExpression": "np.minimum"}


class NotCompilable(ValueError):
    """An expression holds something other than parameters and fixed variables."""


class Symbols:
    """The parameters and fixed variables the compiled code reads, by position."""

    def __init__(self) -> None:
        self.params: list[Any] = []
        self.fixed_vars: list[Any] = []
        self.param_slots: dict[int, int] = {}  # id(parameter) -> slot
        self.var_slots: dict[int, int] = {}  # id(fixed variable) -> slot

    def param(self, component: Any) -> str:
        """The source naming a mutable parameter."""
        slot = self.param_slots.setdefault(id(component), len(self.params))
        if slot == len(self.params):
            self.params.append(component)
        return f"p[{slot}]"

    def fixed_var(self, var: Any) -> str:
        """The source naming a fixed variable's value."""
        if not var.fixed:
            raise NotCompilable(f"{var.name} is a free variable, not a number")
        slot = self.var_slots.setdefault(id(var), len(self.fixed_vars))
        if slot == len(self.fixed_vars):
            self.fixed_vars.append(var)
        return f"v[{slot}]"

    def values(self) -> tuple[list[float], list[float]]:
        """The current values of every parameter and fixed variable, in slot order."""
        return (
            [float(p.value) for p in self.params],
            [float(v.value) for v in self.fixed_vars],
        )


def source_of(expr: Any, symbols: Symbols) -> str:
    """Python source computing `expr` from `p` and `v` rows."""
    if expr is None:
        raise NotCompilable("no expression")
    if isinstance(expr, int | float):
        return _number(float(expr))
    if getattr(expr, "is_parameter_type", lambda: False)():
        return symbols.param(expr)
    if getattr(expr, "is_variable_type", lambda: False)():
        return symbols.fixed_var(expr)
    if not getattr(expr, "is_expression_type", lambda: False)():
        return _number(float(expr))  # a numeric constant Pyomo wrapped
    name = type(expr).__name__
    args = [source_of(arg, symbols) for arg in expr.args]
    if name in _SUMS:
        return "(" + " + ".join(args) + ")" if args else "0.0"
    if name in _PRODUCTS:
        return f"({args[0]} * {args[1]})"
    if name in _DIVISIONS:
        return f"({args[0]} / {args[1]})"
    if name in _NEGATIONS:
        return f"(-{args[0]})"
    if name in _POWERS:
        return f"({args[0]} ** {args[1]})"
    if name in _EXTREMES:
        function = _EXTREMES[name]
        result = args[0]
        for arg in args[1:]:
            result = f"{function}({result}, {arg})"
        return result
    raise NotCompilable(f"no translation for a {name}")


def _number(value: float) -> str:
    if math.isinf(value):
        return "np.inf" if value > 0 else "-np.inf"
    return repr(value)


class Compiled:
    """Expressions compiled for a chunk of variants: all of them, or those a change reaches.

    Calling it with `p` (parameters x variants) and `v` (fixed variables x
    variants) returns every expression's values (expressions x variants).
    `reading` names the expressions that read any of some parameters or fixed
    variables; `some` evaluates only those (compiled once per selection).
    """

    def __init__(self, sources: list[str]) -> None:
        self.sources = sources
        self.count = len(sources)
        self._reads = [
            (
                {int(i) for i in re.findall(r"\bp\[(\d+)\]", source)},
                {int(i) for i in re.findall(r"\bv\[(\d+)\]", source)},
            )
            for source in sources
        ]
        self._all = _function(sources)
        self._some: dict[bytes, Callable] = {}

    def __call__(self, p: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Every expression's values for a chunk (expressions x variants)."""
        out = np.empty((self.count, max(p.shape[1], v.shape[1])))
        with np.errstate(all="ignore"):
            return self._all(p, v, out)

    def reading(self, params: np.ndarray, fixed: np.ndarray) -> np.ndarray:
        """The expressions that read any of the parameter or fixed-variable slots."""
        params, fixed = set(params.tolist()), set(fixed.tolist())
        return np.array(
            [
                i
                for i, (p, v) in enumerate(self._reads)
                if not (p.isdisjoint(params) and v.isdisjoint(fixed))
            ],
            dtype=np.int64,
        )

    def some(self, which: np.ndarray, p: np.ndarray, v: np.ndarray) -> np.ndarray:
        """The values of the expressions `which` (in that order) for a chunk."""
        key = which.tobytes()
        function = self._some.get(key)
        if function is None:
            function = self._some[key] = _function([self.sources[i] for i in which])
        out = np.empty((len(which), max(p.shape[1], v.shape[1])))
        with np.errstate(all="ignore"):
            return function(p, v, out)


def _function(sources: list[str]) -> Callable:
    lines = ["def evaluate(p, v, out):"]
    lines += [f"    out[{i}] = {source}" for i, source in enumerate(sources)]
    lines.append("    return out")
    namespace: dict[str, Any] = {"np": np}
    exec(compile("\n".join(lines), "<balans.sweep.compiled>", "exec"), namespace)
    return namespace["evaluate"]


def compile_rows(exprs: Sequence[Any], symbols: Symbols) -> Compiled:
    """One function computing every expression for a chunk of variants.

    It takes `p` (parameters x variants) and `v` (fixed variables x variants)
    and returns an array (expressions x variants). Translate every expression
    before the symbols' values are read: translating adds symbols.
    """
    return Compiled([source_of(e, symbols) for e in exprs])
