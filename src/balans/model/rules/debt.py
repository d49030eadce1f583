"""Skuldsättningstak and lånetak: the two ceilings on borrowing."""

from __future__ import annotations

from balans.model.rules.common import Rule
from balans.model.rules.result import ratio_revenue, share_of_revenue


def _debt_of_plan(r, s, year: int) -> float:
    """The ratio's numerator from a reported plan: loans, or every long-term liability."""
    line = (
        "loans" if s.rules.debt_ratio.numerator == "loans" else "long_term_liabilities"
    )
    return r.balance[line][year]


DEBT_RATIO_CEILING = Rule(
    key="debt_ratio_ceiling",
    setting="debt_ratio",
    sense="max",
    unit="%",
    sv_label="Skuldsättningstak",
    en_label="Debt-ratio ceiling",
    source="Tabell 1",
    formula="loans[y] + other_debt <= limit_pct[y] / 100 x revenue[y]",
    index_doc="years in `limit_pct`",
    # Tabell 1: total räntebärande låneskuld (exkl. pensionsskulden) / skatter och
    # generella statsbidrag; other_debt is the other long-term liabilities when
    # `numerator: long_term_liabilities`, else 0.
    limits=lambda data: share_of_revenue(
        data, dict(sorted(data.scenario.rules.debt_ratio.limit_pct.items()))
    ),
    value=lambda m, y: m.loans[y] + m.debt_ratio_other_debt,
    recompute=_debt_of_plan,
    in_max_margin=True,
    percent_of=ratio_revenue,
    override="rules.debt_ratio.limit_pct.{year}",
)

LOAN_CEILING = Rule(
    key="loan_ceiling",
    setting="loan_ceiling",
    sense="max",
    unit="Mkr",
    sv_label="Lånetak",
    en_label="Loan ceiling",
    source="Tabell 7",
    formula="loans[y] <= loan_ceiling[y]",
    index_doc="years with a ceiling",
    # share_pct % of land and buildings rounded to `step` (model data), or the
    # fixed values with `basis: fixed`.
    limits=lambda data: dict(sorted(data.loan_ceiling.items())),
    value=lambda m, y: m.loans[y],
    recompute=lambda r, s, y: r.balance["loans"][y],
    in_max_margin=True,
    override="rules.loan_ceiling.limit.{year}",
)
