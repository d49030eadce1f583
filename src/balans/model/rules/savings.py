"""Savings capacity: what a committee can realistically cut in a year."""

from __future__ import annotations

from balans.model.rules.common import Rule


def _caps(data) -> dict[tuple[int, str], float]:
    """Mkr per (year, committee): its max_pct of the committee's cost pressure."""
    rule = data.scenario.rules.savings_capacity
    return {
        (y, c): rule.per_committee_pct.get(c, rule.max_pct)
        / 100
        * data.cost_pressure[y, c]
        for y in data.years
        for c in data.committees
    }


SAVINGS_CAPACITY = Rule(
    key="savings_capacity",
    setting="savings_capacity",
    sense="max",
    unit="Mkr",
    sv_label="Besparingsförmåga",
    en_label="Savings capacity",
    source="ASSUMPTION (scenario)",
    formula="savings[y,c] <= pct[c] / 100 x cost_pressure[y,c]",
    index_doc="every (year, committee)",
    limits=lambda data: _caps(data),
    value=lambda m, y, c: m.savings[y, c],
    recompute=lambda r, s, i: r.committees[i[1]]["savings"][i[0]],
    in_max_margin=False,
    override="rules.savings_capacity.max_pct",
    priority="capacity",
)


def _ramp_limits(data, direction: str) -> dict[tuple[int, str], float]:
    """Largest change per (year, committee), a share of its cost pressure.

    No rows while the rule is off or the direction has no limit.
    """
    rule = data.scenario.rules.savings_ramp
    pct = getattr(rule, f"max_{direction}_pct")
    if not rule.enabled or pct is None:
        return {}
    return {
        (y, c): pct / 100 * data.cost_pressure[y, c]
        for y in data.years[1:]
        for c in data.committees
    }


def _change(r, i) -> float:
    year, committee = i
    savings = r.committees[committee]["savings"]
    return savings[year] - savings[year - 1]


SAVINGS_RAMP_UP = Rule(
    key="savings_ramp_up",
    setting="savings_ramp",
    sense="max",
    unit="Mkr",
    sv_label="Besparingstakt, ökning",
    en_label="Savings ramp, increase",
    source="ASSUMPTION (scenario): what a committee can add from one year to the next",
    formula="savings[y,c] - savings[y-1,c] <= increase_pct / 100 x cost_pressure[y,c]",
    index_doc="every (year, committee) after the first year (none while off)",
    limits=lambda data: _ramp_limits(data, "increase"),
    value=lambda m, y, c: m.savings[y, c] - m.savings[y - 1, c],
    recompute=lambda r, s, i: _change(r, i),
    in_max_margin=False,
    override="rules.savings_ramp.max_increase_pct",
    priority="capacity",
)

SAVINGS_RAMP_DOWN = Rule(
    key="savings_ramp_down",
    setting="savings_ramp",
    sense="max",
    unit="Mkr",
    sv_label="Besparingstakt, minskning",
    en_label="Savings ramp, decrease",
    source="ASSUMPTION (scenario): no stop-start savings programmes",
    formula="savings[y-1,c] - savings[y,c] <= decrease_pct / 100 x cost_pressure[y,c]",
    index_doc="every (year, committee) after the first year (none while off or unlimited)",
    limits=lambda data: _ramp_limits(data, "decrease"),
    value=lambda m, y, c: m.savings[y - 1, c] - m.savings[y, c],
    recompute=lambda r, s, i: -_change(r, i),
    in_max_margin=False,
    override="rules.savings_ramp.max_decrease_pct",
    priority="capacity",
)
