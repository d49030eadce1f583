"""From the risk tables to the answers: probabilities, percentiles, fans, drivers.

- Probability that a målvärde holds: the share of Monte Carlo variants in
  which every entry of the rule in that year (every committee, every month)
  is met, per plan; "every year" asks it of all the rule's years at once. A
  variant without a plan (infeasible, invalid, solver trouble) counts as the
  rule not holding, so the shares are of all variants.
- The savings the optimal plan needs: percentiles and mean of savings_total
  over the optimal rows that have a plan.
- Fans: p5/p25/p50/p75/p95 per year of result, lowest month-end cash and the
  restoration balance.
- Sobol' indices (`SALib.analyze.sobol`) of one output over the Saltelli
  design: S1 is the share of the output's variance a driver explains alone,
  ST the share it has a hand in (alone or with others); conf is the 95 %
  bootstrap half-width.
- Scenario discovery (PRIM, `prim` package) on the Monte Carlo variants: the
  box of driver changes where an outcome is most concentrated. Of PRIM's
  peeling trajectory we take, among boxes that restrict at most three
  drivers, the densest that still holds at least half of the cases of the
  outcome (coverage >= 50 %); where none does, the best balance of coverage
  and density (their harmonic mean). Box limits are in the
  drivers' own units (the change the spec applies); the sentences also give
  the level it leads to (reports/risk_text.py).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from balans.reports.labels import TARGETS
from balans.reports.risk_text import discovery_texts, outcome_labels
from balans.scenario.load import ScenarioBase
from balans.sweep.sampling import describe, saltelli_problem
from balans.sweep.spec import RiskSpec

PERCENTILES = (5, 10, 25, 50, 75, 90, 95)
FAN_PERCENTILES = (5, 25, 50, 75, 95)
FAN_SERIES = ("result", "lowest_cash", "restoration_balance")
PLANNED = ("evaluated", "optimal")  # statuses with a plan's numbers
MAX_BOX_DIMENSIONS = 3
MIN_COVERAGE = 0.5
SAVINGS_TOLERANCE = 0.5  # Mkr: "more savings" means more than rounding


def clean(value: Any) -> Any:
    """NaN -> None, numpy scalars -> Python numbers (for JSON)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def rule_entries(table: pd.DataFrame) -> dict[str, dict[int, list[str]]]:
    """Rule -> year -> its `.met` columns, in the table's order."""
    rules: dict[str, dict[int, list[str]]] = {}
    for column in table.columns:
        if column.startswith("target.") and column.endswith(".met"):
            _, rule, index = column[: -len(".met")].split(".", 2)
            rules.setdefault(rule, {}).setdefault(int(index[:4]), []).append(column)
    return rules


def held(table: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Per row: every listed entry met (no plan, or no value, is not met)."""
    met = table[columns].astype("boolean").fillna(False).to_numpy(dtype=bool)
    return met.all(axis=1)


def probabilities(table: pd.DataFrame, plans: list[str]) -> list[dict[str, Any]]:
    """The share of variants in which each rule holds, per year and every year."""
    out = []
    by_plan = {plan: table[table.plan == plan] for plan in plans}
    rules = rule_entries(table)
    for rule, years in rules.items():
        sv, en = TARGETS.get(rule, (rule, rule))
        scopes = [(year, columns) for year, columns in years.items()]
        if len(years) > 1:
            scopes.append((None, [c for cs in years.values() for c in cs]))
        for year, columns in scopes:
            entry: dict[str, Any] = {
                "target": rule,
                "year": year,
                "every_year": year is None,
                "label_sv": sv,
                "label_en": en,
            }
            for plan in ("decided", "optimal"):
                rows = by_plan.get(plan)
                entry[plan] = (
                    clean(float(held(rows, columns).mean()))
                    if rows is not None and len(rows)
                    else None
                )
            out.append(entry)
    every = [c for years in rules.values() for cs in years.values() for c in cs]
    if every:
        entry = {
            "target": "all_targets",
            "year": None,
            "every_year": True,
            "label_sv": "Alla målvärden",
            "label_en": "Every target",
        }
        for plan in ("decided", "optimal"):
            rows = by_plan.get(plan)
            entry[plan] = (
                clean(float(held(rows, every).mean()))
                if rows is not None and len(rows)
                else None
            )
        out.append(entry)
    return out


def _planned(table: pd.DataFrame, plan: str) -> pd.DataFrame:
    rows = table[table.plan == plan]
    return rows[rows.status.isin(PLANNED)]


def savings_needed(table: pd.DataFrame) -> dict[str, Any]:
    """Percentiles and mean of the savings the optimal plan needs (Mkr)."""
    values = _planned(table, "optimal")["savings_total"].dropna().to_numpy(float)
    out: dict[str, Any] = {}
    for p in PERCENTILES:
        out[f"p{p}"] = clean(float(np.percentile(values, p))) if len(values) else None
    out["mean"] = clean(float(values.mean())) if len(values) else None
    out["unit"] = "Mkr"
    out["variants"] = len(values)
    decided = _planned(table, "decided")["savings_total"].dropna()
    out["decided"] = clean(float(decided.median())) if len(decided) else None
    return out


def fan(table: pd.DataFrame, plan: str) -> dict[str, dict[str, dict[str, Any]]]:
    """p5..p95 per year of result, lowest cash and restoration balance."""
    rows = _planned(table, plan)
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for series in FAN_SERIES:
        years = sorted(
            c.split(".")[1] for c in table.columns if c.startswith(series + ".")
        )
        out[series] = {}
        for year in years:
            values = rows[f"{series}.{year}"].dropna().to_numpy(float)
            out[series][year] = {
                f"p{p}": clean(float(np.percentile(values, p))) if len(values) else None
                for p in FAN_PERCENTILES
            }
    return out


def sobol_indices(
    spec: RiskSpec, table: pd.DataFrame | None, seed: int
) -> list[dict[str, Any]]:
    """S1 and ST with their confidence for each driver, largest ST first."""
    if table is None or not len(table):
        return []
    from SALib.analyze import sobol

    output, plan = spec.sensitivity.output, spec.sensitivity.plan
    rows = table[table.plan == plan].sort_values("variant")
    y = rows[output].to_numpy(float)
    missing = int(np.isnan(y).sum())
    if missing == len(y):
        return []
    y = np.where(np.isnan(y), np.nanmean(y), y)  # a variant without a plan
    if np.ptp(y) == 0:
        result = {k: np.full(len(spec.parameters), np.nan) for k in ("S1", "ST")}
        result.update(S1_conf=result["S1"], ST_conf=result["ST"])
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = sobol.analyze(
                saltelli_problem(spec), y, calc_second_order=True, seed=seed
            )
    out = [
        {
            "driver": name,
            "output": output,
            "plan": plan,
            "S1": clean(float(result["S1"][j])),
            "S1_conf": clean(float(result["S1_conf"][j])),
            "ST": clean(float(result["ST"][j])),
            "ST_conf": clean(float(result["ST_conf"][j])),
            "variants": len(y),
            "without_plan": missing,
        }
        for j, name in enumerate(spec.parameters)
    ]
    return sorted(out, key=lambda e: -(e["ST"] if e["ST"] is not None else -1))


def outcomes(
    spec: RiskSpec, table: pd.DataFrame
) -> list[tuple[str, int | None, str, np.ndarray]]:
    """(key, year, plan, 0/1 per variant) of the outcomes scenario discovery explains."""
    found = []
    decided = table[table.plan == "decided"].sort_values("variant")
    optimal = table[table.plan == "optimal"].sort_values("variant")
    goal = sorted(c for c in table.columns if c.startswith("target.restoration_goal."))
    goal = [c for c in goal if c.endswith(".met")]
    if len(decided) and goal:
        year = int(goal[-1].split(".")[2])
        found.append(
            ("restoration_goal fails", year, "decided", ~held(decided, goal[-1:]))
        )
    rules = rule_entries(table)
    if len(decided) and "result_non_negative" in rules:
        columns = [c for cs in rules["result_non_negative"].values() for c in cs]
        found.append(
            ("result_non_negative fails", None, "decided", ~held(decided, columns))
        )
    if len(decided) and len(optimal):
        need = optimal["savings_total"].to_numpy(float)
        have = decided["savings_total"].to_numpy(float)
        more = ~(need <= have + SAVINGS_TOLERANCE)  # no plan counts as more
        found.append(("optimal needs more savings", None, "optimal", more))
    return found


def discovery(
    spec: RiskSpec, base: ScenarioBase, table: pd.DataFrame
) -> list[dict[str, Any]]:
    """A PRIM box and its sentences for each outcome."""
    names = list(spec.parameters)
    x = (
        table[table.plan == table.plan.iloc[0]]
        .sort_values("variant")[[f"param.{n}" for n in names]]
        .set_axis(names, axis=1)
        .reset_index(drop=True)
        .astype(float)
    )
    out = []
    for key, year, plan, y in outcomes(spec, table):
        share = float(y.mean()) if len(y) else 0.0
        box, coverage, density = prim_box(x, y)
        entry: dict[str, Any] = {
            "outcome": key,
            "year": year,
            "plan": plan,
            "share": clean(share),
            "coverage": clean(coverage),
            "density": clean(density),
            "box": box,
        }
        sv, en = outcome_labels(key, year, table)
        entry["label_sv"], entry["label_en"] = sv, en
        entry["text_sv"], entry["text_en"] = discovery_texts(entry, spec, base)
        out.append(entry)
    return out


def prim_box(
    x: pd.DataFrame, y: np.ndarray
) -> tuple[list[dict[str, Any]], float | None, float | None]:
    """The chosen PRIM box: limits (None = open), coverage and density."""
    share = float(y.mean()) if len(y) else 0.0
    if share in (0.0, 1.0) or len(y) < 20:
        return [], None, share
    import logging

    import prim

    logging.getLogger("prim").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        finder = prim.Prim(x, y.astype(float), threshold=0.5, threshold_type=">")
        box = finder.find_box()
    if box is None:
        return [], None, share
    trajectory = box.peeling_trajectory
    best = _chosen(trajectory, share)
    if best is None:
        return [], None, share
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        box.select(best)
        limits = box.limits
    initial = finder._box_init  # the data's own range: an unrestricted end
    restricted = []
    for name in x.columns:
        if name not in limits.index:
            continue
        low, high = float(limits.loc[name, "min"]), float(limits.loc[name, "max"])
        restricted.append(
            {
                "driver": name,
                "low": None if low <= float(initial[name][0]) else low,
                "high": None if high >= float(initial[name][1]) else high,
            }
        )
    row = trajectory.iloc[best]
    return restricted, float(row["coverage"]), float(row["density"])


def _chosen(trajectory: pd.DataFrame, share: float) -> int | None:
    """The densest box holding at least half the cases (else the best F1)."""
    candidates = [
        (i, float(row["coverage"]), float(row["density"]))
        for i, row in trajectory.iterrows()
        if row["res dim"] <= MAX_BOX_DIMENSIONS and float(row["density"]) > share
    ]
    if not candidates:
        return None
    half = [c for c in candidates if c[1] >= MIN_COVERAGE]
    if half:
        return max(half, key=lambda c: (c[2], c[1]))[0]
    return max(candidates, key=lambda c: 2 * c[1] * c[2] / (c[1] + c[2]))[0]


def driver_rows(spec: RiskSpec) -> list[dict[str, Any]]:
    """The drivers as the JSON lists them."""
    return [
        {
            "name": name,
            "path": d.path,
            "change": d.change,
            "years": d.years,
            "distribution": describe(d.distribution),
            "label_sv": d.label_sv or name,
            "label_en": d.label_en or name,
            "source": d.source.strip(),
        }
        for name, d in spec.parameters.items()
    ]


def risk_document(
    spec: RiskSpec,
    base: ScenarioBase,
    spec_file: str,
    table: pd.DataFrame,
    sobol_table: pd.DataFrame | None,
) -> dict[str, Any]:
    """Everything `balans risk --format json` prints (docs/risk.md)."""
    plans = list(spec.plans)
    fan_plan = "optimal" if "optimal" in plans else plans[0]
    statuses = table.groupby("plan")["status"].value_counts()
    return {
        "spec": spec_file,
        "samples": spec.samples,
        "seed": spec.seed,
        "drivers": driver_rows(spec),
        "correlations": (
            spec.correlations.model_dump() if spec.correlations is not None else None
        ),
        "statuses": {
            plan: {status: int(n) for (p, status), n in statuses.items() if p == plan}
            for plan in plans
        },
        "probabilities": probabilities(table, plans),
        "savings_needed": savings_needed(table) if "optimal" in plans else None,
        "fan": fan(table, fan_plan),
        "fan_plan": fan_plan,
        "fans": {plan: fan(table, plan) for plan in plans},
        "sobol": sobol_indices(spec, sobol_table, spec.seed),
        "sobol_design": (
            {
                "base_samples": spec.sensitivity.base_samples,
                "variants": int((sobol_table.plan == spec.sensitivity.plan).sum()),
                "output": spec.sensitivity.output,
                "plan": spec.sensitivity.plan,
            }
            if sobol_table is not None
            else None
        ),
        "discovery": discovery(spec, base, table),
    }
