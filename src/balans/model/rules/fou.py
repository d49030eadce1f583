"""FoU per inhabitant at least another region's level from a year on."""

from __future__ import annotations

import pyomo.environ as pyo

from balans.model.data import ModelData
from balans.model.rules.common import add_rule
from balans.scenario.schema import Scenario


def fou_benchmark_tkr(s: Scenario) -> float:
    """The FoU level (tkr) that equals the benchmark region per 100 000 inhabitants."""
    rule = s.rules.fou_per_inhabitant
    return s.fou.benchmarks.get(rule.region, 0.0) * s.fou.population / 100_000


def define_fou_per_inhabitant(
    m: pyo.ConcreteModel, data: ModelData, s: Scenario
) -> None:
    """fou_per_inhabitant[y]: fou_tkr[y] >= benchmark per 100 000 x population / 100 000.

    FoU bilaga: Norrbotten 4851 and Västernorrland 5436 tkr per 100 000 (2025).
    """
    rule = s.rules.fou_per_inhabitant
    years = [y for y in data.years if y >= rule.from_year]
    level = fou_benchmark_tkr(s)
    add_rule(
        m,
        "fou_per_inhabitant",
        years,
        lambda m, y: m.fou_tkr[y],
        dict.fromkeys(years, level),
        "min",
    )
