"""Green, amber and red for a målvärde, as a region's own follow-up colours them.

The rule (docs/report.md explains it to the reader):

- green: met, with more room than the tolerance;
- amber: within the tolerance of the limit on either side: met narrowly (a
  rule the plan holds exactly at its limit, as an optimal plan does with the
  rules that bind, has no room left) or missed by no more than the tolerance;
- red: missed by more than the tolerance.

The tolerance is 5 % of the limit, and at least 1 Mkr (or 1 tkr) for amounts
and 0.1 percentage point for ratios, so that a limit of 0 (årets resultat >= 0)
still has one. A red or amber cell in a locked year (the decided budget year,
which no plan can change) is marked as such but keeps its colour: a breach is
a breach. A rule the scenario switches off is shown grey (`OFF`), not judged;
the reported key figures (soliditet, kassalikviditet, cost growth) are judged
like the rules, as the region's follow-up does.
"""

from __future__ import annotations

from balans.results import TargetRow

GREEN, AMBER, RED = "green", "amber", "red"
OFF = "off"  # a rule the scenario switches off: shown grey, not judged
TOLERANCE_SHARE = 0.05
LEAST_TOLERANCE = {"%": 0.1}  # percentage points; 1.0 for Mkr and tkr


def tolerance(row: TargetRow) -> float:
    """The band around the limit that counts as narrow (in the row's unit)."""
    least = LEAST_TOLERANCE.get(row.unit, 1.0)
    return max(TOLERANCE_SHARE * abs(row.limit), least)


def light(row: TargetRow) -> str:
    """green, amber or red for one target row (value against limit)."""
    band = tolerance(row)
    if row.margin >= band:
        return GREEN
    if row.margin >= -band:
        return AMBER
    return RED
