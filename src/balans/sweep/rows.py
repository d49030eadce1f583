"""Solve a chunk of variants into one tidy table (a row per variant and plan).

`ChunkSolver` holds a kernel per plan; a worker process (or a Dask worker)
builds it once and reuses it for every chunk of the same sweep.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from balans.errors import BalansError
from balans.model.data import build_data
from balans.scenario.load import ScenarioBase
from balans.sweep.design import Variant, changes
from balans.sweep.kernel import Kernel, Outcome
from balans.sweep.spec import Common

INVALID = "invalid"


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to solve chunks of one sweep (sent by value)."""

    key: str  # the sweep's fingerprint: one kernel set per key and process
    spec: Common
    base: ScenarioBase


_KERNELS: dict[str, ChunkSolver] = {}


def solve_chunk(job: Job, index: int, chunk: list[Variant]) -> tuple[int, pd.DataFrame]:
    """The rows of one chunk (kernels cached per process, reset per chunk)."""
    solver = _KERNELS.get(job.key)
    if solver is None:
        _KERNELS.clear()
        solver = _KERNELS[job.key] = ChunkSolver(job.spec, job.base)
    return index, solver.rows(chunk)


class ChunkSolver:
    """A kernel per plan of the spec, and the row layout they share."""

    def __init__(self, spec: Common, base: ScenarioBase) -> None:
        self.spec, self.base = spec, base
        scenario = base.load().scenario
        data = build_data(scenario)
        strict = spec.strict or scenario.planning.strict  # as `optimise` decides
        self.kernels = {
            plan: Kernel(data, plan, spec.objective, strict) for plan in spec.plans
        }
        self.layout = {plan: Layout(kernel) for plan, kernel in self.kernels.items()}
        self.relaxed_rules = sorted(
            key for k in self.kernels.values() for key in k.slack_cols
        )

    def rows(self, chunk: list[Variant]) -> pd.DataFrame:
        """A row per variant and plan, in variant order."""
        datas, problems = [], []
        for variant in chunk:
            try:
                scenario = self.base.variant(
                    changes(self.base, self.spec.parameters, variant.values)
                )
                datas.append(build_data(scenario))
                problems.append("")
            except BalansError as exc:
                datas.append(None)
                problems.append(str(exc))
        records = []
        for plan, kernel in self.kernels.items():
            good = [d for d in datas if d is not None]
            entries, read, errors = kernel.numbers(good) if good else (None, None, [])
            kernel.reset()
            column = 0
            for variant, data, problem in zip(chunk, datas, problems, strict=True):
                if data is None:
                    outcome = Outcome(INVALID, False, None, {}, 0, problem)
                elif errors[column]:
                    outcome = Outcome(INVALID, False, None, {}, 0, errors[column])
                else:
                    outcome = kernel.solve(data, entries[:, column], read[:, column])
                column += data is not None
                record = self._identity(variant, plan)
                record.update(self.layout[plan].record(outcome, self.relaxed_rules))
                records.append(record)
        frame = pd.DataFrame.from_records(records)
        return frame.sort_values(["variant", "plan"], kind="stable", ignore_index=True)

    def _identity(self, variant: Variant, plan: str) -> dict[str, Any]:
        record: dict[str, Any] = {"variant": variant.id, "case": variant.name}
        for name in self.spec.parameters:
            value = variant.values.get(name)
            record[f"param.{name}"] = (
                json.dumps({str(k): v for k, v in value.items()})
                if isinstance(value, dict)
                else (np.nan if value is None else float(value))
            )
        record["plan"] = plan
        return record


class Layout:
    """Which readouts a row reports, and the figures derived from them."""

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        columns = kernel.columns
        self.plain = [
            (name, i)
            for i, name in enumerate(columns)
            if not name.startswith(("month_cash.", "target.", "ratio_revenue."))
        ]
        by_year: dict[str, list[int]] = {}
        for i, name in enumerate(columns):
            if name.startswith("month_cash."):
                by_year.setdefault(name.split(".")[1][:4], []).append(i)
        self.months = {year: np.array(idx) for year, idx in by_year.items()}
        self.targets = [name for name, _, _ in kernel.targets]
        self.debt = [
            (name.split(".")[2], n)
            for n, name in enumerate(self.targets)
            if name.startswith("target.debt_ratio_ceiling.")
        ]

    def record(self, outcome: Outcome, relaxed_rules: list[str]) -> dict[str, Any]:
        """The reported figures of one solved (or failed) variant."""
        record: dict[str, Any] = {
            "status": outcome.status,
            "closest": outcome.closest,
            "solves": outcome.solves,
            "message": outcome.message,
        }
        values = outcome.values
        if values is None:
            values = np.full(len(self.kernel.columns), np.nan)
            figures = np.full((len(self.targets), 5), np.nan)
        else:
            figures = self.kernel.target_figures(values)
        for name, i in self.plain:
            record[name] = values[i]
        for year, idx in self.months.items():
            record[f"lowest_cash.{year}"] = values[idx].min()
        for year, n in self.debt:
            record[f"debt_ratio_pct.{year}"] = figures[n, 0]
        for n, name in enumerate(self.targets):
            value, limit, margin, margin_mkr, met = figures[n]
            record[f"{name}.value"] = value
            record[f"{name}.limit"] = limit
            record[f"{name}.margin"] = margin
            record[f"{name}.margin_mkr"] = margin_mkr
            record[f"{name}.met"] = bool(met) if met == met else None
        for rule in relaxed_rules:
            record[f"relaxation.{rule}"] = outcome.relaxation.get(
                rule, 0.0 if outcome.relaxation else np.nan
            )
        return record
