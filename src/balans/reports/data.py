"""PlanResult -> plain data: the JSON contract and tidy CSV rows.

JSON fields are a contract for sweeps and other programs: extend, never rename.
Years are string keys inside mappings ("2026") and ints in `years`; months,
(year, month) in the program, become "2026-03" keys here and nowhere else.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from balans.fou import FouTable
from balans.reports.findings_text import finding_texts
from balans.results import Comparison, Liquidity, Month, PlanResult

if TYPE_CHECKING:  # pandas is imported by the frame functions, for CSV and xlsx only
    import pandas as pd

SCHEMA_VERSION = 1
DIGITS = 6
DEBT_UNITS = {
    "loans": "Mkr",
    "ceiling": "Mkr",
    "ratio": "%",
    "ratio_limit": "%",
    "interest": "Mkr",
}
"""The quantities of `PlanResult.debt` in the tidy table, in order, with their units."""


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        rounded = round(value, DIGITS)
        return 0.0 if rounded == 0 else rounded
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def month_key(month: Month) -> str:
    """'2026-03': the key of a month in the JSON liquidity tables."""
    year, number = month
    return f"{year}-{number:02d}"


def _liquidity(liquidity: Liquidity | None) -> dict[str, Any]:
    if liquidity is None:
        return {}
    return {
        "monthly": {month_key(k): asdict(c) for k, c in liquidity.monthly.items()},
        "flows": {month_key(k): flows for k, flows in liquidity.flows.items()},
        "annual_flows": liquidity.annual_flows,
        "credit_interest": liquidity.credit_interest,
    }


def _record(record: Any) -> Any:
    """A dataclass record as a mapping; `{}` for a table the plan does not have."""
    return {} if record is None else asdict(record)


def plan_to_dict(r: PlanResult, lang: str) -> dict[str, Any]:
    """The JSON document of one plan; `lang` is the language of `findings` only.

    `finding_records` holds the same findings as numbers, equal in every language.
    """
    return _clean(
        {
            "schema_version": SCHEMA_VERSION,
            "scenario": r.scenario,
            "title": r.title,
            "mode": r.mode,
            "status": r.status,
            "objective": r.objective,
            "objective_name": r.objective_name,
            "years": list(r.years),
            "statements": {
                "income": r.income,
                "balance": r.balance,
                "cash_flow": r.cash_flow,
            },
            "committees": r.committees,
            "fou_tkr": r.fou_tkr,
            "fou": _record(r.fou),
            "restoration": r.restoration,
            "liquidity": _liquidity(r.liquidity),
            "debt": _record(r.debt),
            "targets": [asdict(t) for t in r.targets],
            "findings": finding_texts(r.findings, lang),
            "finding_records": [asdict(f) for f in r.findings],
            "diagnosis": None if r.diagnosis is None else asdict(r.diagnosis),
            "breaches": [asdict(b) for b in r.breaches],
            "applied_overrides": list(r.applied_overrides),
            "solver": r.solver,
        }
    )


def comparison_to_dict(c: Comparison, lang: str) -> dict[str, Any]:
    """Decided, optimal and their differences (optimal minus decided)."""
    decided, optimal = plan_to_dict(c.decided, lang), plan_to_dict(c.optimal, lang)
    differences: dict[str, Any] = {}
    if c.optimal.status == "optimal":
        differences = _clean(
            {
                "savings": {
                    name: {
                        y: c.optimal.committees[name]["savings"][y]
                        - c.decided.committees[name]["savings"][y]
                        for y in c.decided.years
                    }
                    for name in c.decided.committees
                },
                "statements": {
                    table: {
                        line: {
                            y: getattr(c.optimal, table)[line][y] - values[y]
                            for y in values
                        }
                        for line, values in getattr(c.decided, table).items()
                    }
                    for table in ("income", "balance", "cash_flow")
                },
            }
        )
    return {
        "schema_version": SCHEMA_VERSION,
        "scenario": c.decided.scenario,
        "mode": "compare",
        "decided": decided,
        "optimal": optimal,
        "differences": differences,
    }


CSV_COLUMNS = (
    "scenario",
    "mode",
    "table",
    "quantity",
    "committee",
    "year",
    "value",
    "unit",
    "month",
)


def plan_to_frame(r: PlanResult) -> pd.DataFrame:
    """The plan as one tidy table (CSV_COLUMNS), for CSV and for analysis."""
    import pandas as pd

    frame = pd.DataFrame(plan_to_rows(r), columns=list(CSV_COLUMNS))
    frame["month"] = frame["month"].astype("Int64")
    return frame


def plan_to_rows(r: PlanResult) -> list[tuple]:
    """Tidy rows: one value per row, in the columns of CSV_COLUMNS."""
    rows: list[tuple] = []
    base = (r.scenario, r.mode)

    def add(
        table: str,
        quantity: str,
        committee: str,
        year: int,
        value: float,
        unit: str,
        month: int | None = None,
    ):
        rows.append(
            (*base, table, quantity, committee, year, round(value, DIGITS), unit, month)
        )

    for table in ("income", "balance", "cash_flow", "restoration"):
        for line, values in getattr(r, table).items():
            for year, value in values.items():
                add(table, line, "", year, value, "Mkr")
    for committee, measures in r.committees.items():
        for measure, values in measures.items():
            for year, value in values.items():
                add("committees", measure, committee, year, value, "Mkr")
    monthly = r.liquidity.monthly if r.liquidity else {}
    for (year, month), cell in monthly.items():
        for quantity in ("cash", "credit", "floor"):
            value = getattr(cell, quantity)
            if value is not None:
                add("liquidity", quantity, "", year, value, "Mkr", month)
    for quantity, unit in DEBT_UNITS.items():
        values = getattr(r.debt, quantity) if r.debt else {}
        for year, value in values.items():
            if value is not None:
                add("debt", quantity, "", year, value, unit)
    for year, value in r.fou_tkr.items():
        add("fou", "fou_tkr", "", year, value, "tkr")
    for t in r.targets:
        where = t.committee or ""
        add("targets", t.id, where, t.year, t.value, t.unit, t.month)
        add("targets", f"{t.id}.limit", where, t.year, t.limit, t.unit, t.month)
        add("targets", f"{t.id}.met", where, t.year, float(t.met), "bool", t.month)
    return rows


def fou_to_dict(table: FouTable) -> dict[str, Any]:
    """The JSON document of `balans fou`."""
    return _clean(
        {
            "schema_version": SCHEMA_VERSION,
            "scenario": table.scenario,
            "base_fou_tkr": table.base_fou_tkr,
            "from_year": table.from_year,
            "max_fou_tkr": table.max_fou_tkr,
            "levels": [asdict(row) for row in table.levels],
            "benchmarks": table.benchmarks,
            "calibration": [asdict(point) for point in table.calibration],
        }
    )


def fou_to_frame(table: FouTable) -> pd.DataFrame:
    """`balans fou` as a tidy table: one row per level and quantity."""
    import pandas as pd

    rows = []
    for row in table.levels:
        values = {
            "feasible": float(row.feasible),
            "within_savings_limit": float(bool(row.within_savings_limit)),
            "extra_savings": row.extra_savings,
            "per_100k": row.per_100k,
            "salary_tkr": row.salary_tkr,
            "pre_2021_equivalent_tkr": row.pre_2021_equivalent_tkr,
            **{f"grants.{c}": float(n) for c, n in row.grants.items()},
            **{
                f"extra_savings.{c}": v
                for c, v in row.extra_savings_by_committee.items()
            },
        }
        for quantity, value in values.items():
            rows.append((table.scenario, row.fou_tkr, quantity, value))
    return pd.DataFrame(rows, columns=["scenario", "fou_tkr", "quantity", "value"])
