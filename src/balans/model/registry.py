"""The one list of rules: build order, labels, units, sources, diagnosis."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyomo.environ as pyo

from balans.model.data import ModelData
from balans.model.rules.debt import define_debt_ratio_ceiling, define_loan_ceiling
from balans.model.rules.fou import define_fou_per_inhabitant
from balans.model.rules.frames import define_committee_frames
from balans.model.rules.liquidity import define_liquidity_floor
from balans.model.rules.restoration import (
    define_restoration_goal,
    define_vintage_deadlines,
)
from balans.model.rules.result import define_result_non_negative
from balans.model.rules.savings import define_savings_capacity
from balans.scenario.schema import Scenario

Define = Callable[[pyo.ConcreteModel, ModelData, Scenario], None]


@dataclass(frozen=True)
class RuleSpec:
    """One row of the registry."""

    key: str
    setting: str
    sv_label: str
    en_label: str
    unit: str
    source: str
    define: Define
    in_max_margin: bool
    percent_of: str | None = None

    def enabled(self, s: Scenario) -> bool:
        """Whether the scenario switches this rule on."""
        settings = getattr(s.rules, self.setting)
        if self.key == "vintage_deadline":
            return settings.enabled and settings.enforce_vintage_deadlines
        return settings.enabled

    def penalty(self, s: Scenario) -> float:
        """Elastic penalty per Mkr of slack."""
        return getattr(s.rules, self.setting).penalty


RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        "committee_frames",
        "committee_frames",
        "Nämnd ram",
        "Committee frame",
        "Mkr",
        "Tabell 11",
        define_committee_frames,
        in_max_margin=False,
    ),
    RuleSpec(
        "result_non_negative",
        "result_non_negative",
        "Årets resultat ≥ 0",
        "Result ≥ 0",
        "Mkr",
        "Balanskravet; Tabell 2",
        define_result_non_negative,
        in_max_margin=True,
    ),
    RuleSpec(
        "restoration_goal",
        "restoration",
        "Återställande",
        "Restoration goal",
        "Mkr",
        "Tabell 3",
        define_restoration_goal,
        in_max_margin=True,
    ),
    RuleSpec(
        "vintage_deadline",
        "restoration",
        "Underskott återställt i tid",
        "Deficit restored in time",
        "Mkr",
        "Reglering av balanskravsresultat",
        define_vintage_deadlines,
        in_max_margin=True,
    ),
    RuleSpec(
        "debt_ratio_ceiling",
        "debt_ratio",
        "Skuldsättningstak",
        "Debt-ratio ceiling",
        "%",
        "Tabell 1",
        define_debt_ratio_ceiling,
        in_max_margin=True,
        percent_of="debt_ratio_denominator",
    ),
    RuleSpec(
        "loan_ceiling",
        "loan_ceiling",
        "Lånetak",
        "Loan ceiling",
        "Mkr",
        "Tabell 7",
        define_loan_ceiling,
        in_max_margin=True,
    ),
    RuleSpec(
        "liquidity_floor",
        "liquidity_floor",
        "Likviditetsgolv",
        "Liquidity floor",
        "Mkr",
        "Långsiktig plan (200 Mkr)",
        define_liquidity_floor,
        in_max_margin=True,
    ),
    RuleSpec(
        "savings_capacity",
        "savings_capacity",
        "Besparingsförmåga",
        "Savings capacity",
        "Mkr",
        "ASSUMPTION (scenario)",
        define_savings_capacity,
        in_max_margin=False,
    ),
    RuleSpec(
        "fou_per_inhabitant",
        "fou_per_inhabitant",
        "FoU per invånare",
        "FoU per inhabitant",
        "tkr",
        "FoU bilaga (Norrbotten, Västernorrland)",
        define_fou_per_inhabitant,
        in_max_margin=False,
    ),
)
