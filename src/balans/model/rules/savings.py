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
)
