"""A spec's design -> variants, and a variant -> the scenario values it changes."""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from balans.scenario.load import ScenarioBase
from balans.sweep.spec import Cases, Grid, Parameter, SweepSpec


@dataclass(frozen=True)
class Variant:
    """One point of a design: its number, its case name and each parameter's value."""

    id: int
    name: str
    values: dict[str, Any]  # parameter name -> a number or {year: number}


def variants(spec: SweepSpec) -> list[Variant]:
    """Every variant of a sweep's design, numbered from 0 in design order."""
    design = spec.design
    if isinstance(design, Grid):
        names = list(design.grid)
        combos = itertools.product(*design.grid.values())
        return [
            Variant(i, "", dict(zip(names, combo, strict=True)))
            for i, combo in enumerate(combos)
        ]
    if isinstance(design, Cases):
        return [
            Variant(i, case.name, dict(case.values))
            for i, case in enumerate(design.cases)
        ]
    sample = design.sample
    names = list(sample.ranges)
    unit = unit_sample(sample.method, len(names), sample.n, sample.seed)
    low = np.array([sample.ranges[n][0] for n in names])
    high = np.array([sample.ranges[n][1] for n in names])
    points = low + unit * (high - low)
    return [
        Variant(i, "", {n: float(x) for n, x in zip(names, row, strict=True)})
        for i, row in enumerate(points)
    ]


def unit_sample(method: str, dimensions: int, n: int, seed: int) -> np.ndarray:
    """`n` points in the unit cube: Latin hypercube or scrambled Sobol'."""
    from scipy.stats import qmc

    if method == "lhs":
        engine = qmc.LatinHypercube(d=dimensions, seed=seed)
    else:
        engine = qmc.Sobol(d=dimensions, scramble=True, seed=seed)
    with warnings.catch_warnings():  # Sobol' balance is best at powers of 2
        warnings.simplefilter("ignore", UserWarning)
        return engine.random(n)


def changes(
    base: ScenarioBase, parameters: dict[str, Parameter], values: dict[str, Any]
) -> list[tuple[tuple[str, ...], float]]:
    """The scenario values a variant sets: (key path, new value) pairs."""
    out = []
    for name, value in values.items():
        parameter = parameters[name]
        parts = tuple(parameter.path.split("."))
        current = base.value_at(list(parts))
        if isinstance(current, dict):
            years = parameter.years or list(current)
            per_year = value if isinstance(value, dict) else dict.fromkeys(years, value)
            for year, change in per_year.items():
                old = current[year]
                out.append(((*parts, str(year)), _changed(old, change, parameter)))
        else:
            out.append((parts, _changed(current, value, parameter)))
    return out


def _changed(old: float, change: float, parameter: Parameter) -> float:
    if parameter.change == "add":
        return float(old) + float(change)
    if parameter.change == "relative":
        return float(old) * (1 + float(change) / 100)
    return float(change)


def set_options(pairs: list[tuple[tuple[str, ...], float]]) -> tuple[str, ...]:
    """The `--set` options that make the same scenario (`balans solve --set ...`)."""
    return tuple(f"{'.'.join(parts)}={value!r}" for parts, value in pairs)
