"""Skuldsättningstak and lånetak: the two ceilings on borrowing."""

from __future__ import annotations

import pyomo.environ as pyo

from balans.model.data import ModelData
from balans.model.rules.common import add_rule
from balans.scenario.schema import Scenario


def debt_ratio_denominator(data: ModelData, s: Scenario) -> dict[int, float]:
    """Skatter och generella statsbidrag (+ the pharma grant if it counts)."""
    pharma = s.rules.debt_ratio.include_pharma_grant
    return {
        y: data.tax_revenue[y]
        + data.general_grants[y]
        + (data.pharma_grant[y] if pharma else 0.0)
        for y in data.years
    }


def define_debt_ratio_ceiling(
    m: pyo.ConcreteModel, data: ModelData, s: Scenario
) -> None:
    """debt_ratio_ceiling[y]: debt[y] <= limit_pct[y] / 100 * denominator[y].

    Tabell 1: total räntebärande låneskuld (exkl. pensionsskulden) / skatter och
    generella statsbidrag. The numerator is the loans, or every long-term
    liability when `numerator: long_term_liabilities`.
    """
    rule = s.rules.debt_ratio
    denominator = debt_ratio_denominator(data, s)
    m.debt_ratio_denominator = pyo.Param(m.years, initialize=denominator, mutable=True)
    other = (
        data.other_long_term_liabilities
        if rule.numerator == "long_term_liabilities"
        else 0.0
    )
    m.debt_ratio_other_debt = pyo.Param(initialize=other, mutable=True)
    limits = {y: pct / 100 * denominator[y] for y, pct in rule.limit_pct.items()}
    add_rule(
        m,
        "debt_ratio_ceiling",
        sorted(limits),
        lambda m, y: m.loans[y] + m.debt_ratio_other_debt,
        limits,
        "max",
    )


def define_loan_ceiling(m: pyo.ConcreteModel, data: ModelData, s: Scenario) -> None:
    """loan_ceiling[y]: loans[y] <= ceiling[y] (Tabell 7, Mkr).

    ceiling = share_pct % of land and buildings rounded to `step`, computed in
    Python from the plan's investments (or fixed values with `basis: fixed`).
    """
    limit = data.loan_ceiling
    add_rule(m, "loan_ceiling", sorted(limit), lambda m, y: m.loans[y], limit, "max")
