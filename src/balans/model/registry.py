"""The one list of rules and key figures, in build and report order.

Build, results, verification, diagnosis, reports and the docs' rule table all
read it; nothing else names a rule.
"""

from __future__ import annotations

from balans.model.rules.common import KeyFigure, Rule
from balans.model.rules.debt import DEBT_RATIO_CEILING, LOAN_CEILING
from balans.model.rules.fou import FOU_PER_INHABITANT
from balans.model.rules.frames import COMMITTEE_FRAMES
from balans.model.rules.key_figures import (
    EQUITY_RATIO,
    EQUITY_RATIO_INCL_PENSIONS,
    GROSS_COST_GROWTH,
    NET_COST_GROWTH,
    QUICK_RATIO,
)
from balans.model.rules.liquidity import LIQUIDITY_FLOOR
from balans.model.rules.restoration import RESTORATION_GOAL, VINTAGE_DEADLINE
from balans.model.rules.result import (
    RESULT_NON_NEGATIVE,
    RESULT_SHARE_OF_REVENUE,
    RESULT_TARGET,
    STRUCTURAL_BALANCE,
)
from balans.model.rules.savings import (
    SAVINGS_CAPACITY,
    SAVINGS_RAMP_DOWN,
    SAVINGS_RAMP_UP,
)

LP_RULES: tuple[Rule, ...] = (
    COMMITTEE_FRAMES,
    RESULT_NON_NEGATIVE,
    RESTORATION_GOAL,
    VINTAGE_DEADLINE,
    DEBT_RATIO_CEILING,
    LOAN_CEILING,
    LIQUIDITY_FLOOR,
    SAVINGS_CAPACITY,
    FOU_PER_INHABITANT,
    RESULT_SHARE_OF_REVENUE,
    RESULT_TARGET,
    STRUCTURAL_BALANCE,
    SAVINGS_RAMP_UP,
    SAVINGS_RAMP_DOWN,
)
"""Enforced rules, in build and report order."""

KEY_FIGURES: tuple[KeyFigure, ...] = (
    EQUITY_RATIO,
    QUICK_RATIO,
    NET_COST_GROWTH,
    GROSS_COST_GROWTH,
    EQUITY_RATIO_INCL_PENSIONS,
)
"""Reported key figures, in report order within a year."""

REGISTRY: dict[str, Rule | KeyFigure] = {
    entry.key: entry for entry in (*LP_RULES, *KEY_FIGURES)
}
