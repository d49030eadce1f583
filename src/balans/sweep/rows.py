"""Solve a chunk of variants into one tidy table (a row per variant and plan).

`ChunkSolver` holds a kernel per plan; a worker process (or a Dask worker)
builds it once and reuses it for every chunk of the same sweep.
"""

from __future__ import annotations

import contextlib
import gc
import json
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from balans.errors import BalansError
from balans.model.data import build_data
from balans.scenario.load import ScenarioBase
from balans.sweep.design import Variant, changes
from balans.sweep.kernel import Kernel, Outcome
from balans.sweep.spec import Common

INVALID = "invalid"
DEBT_RATIO = "target.debt_ratio_ceiling."


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to solve chunks of one sweep (sent by value)."""

    key: str  # the sweep's fingerprint: one kernel set per key and process
    spec: Common
    base: ScenarioBase


# One set of kernels per thread: a Dask worker may run several tasks at once in
# threads, and a HiGHS instance must not be shared between them.
# Building goes through Pyomo, which is not thread-safe (it redirects the
# process's output around a solve): one build at a time.
_LOCAL = threading.local()
_BUILDING = threading.Lock()


def solve_chunk(job: Job, index: int, chunk: list[Variant]) -> tuple[int, pa.Table]:
    """The rows of one chunk as an Arrow table (kernels cached per thread).

    The table is made where the chunk is solved, so the process that writes
    the output only stores it.
    """
    cached = getattr(_LOCAL, "solver", None)
    if cached is None or cached[0] != job.key:
        with _BUILDING:
            _LOCAL.solver = (job.key, ChunkSolver(job.spec, job.base))
            gc.freeze()  # the models live as long as the process: never scan them
    solver = _LOCAL.solver[1]
    with collector_paused():
        frame = solver.rows(chunk)
    return index, pa.Table.from_pandas(frame, preserve_index=False)


@contextlib.contextmanager
def collector_paused():
    """No cyclic garbage collection inside a chunk; one collection after it.

    A chunk makes hundreds of thousands of short-lived objects (validated
    scenarios, model data); the collections they would trigger cost more than
    the variants' solves. Memory stays bounded by the chunk.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect()  # the models are frozen: this scans only the chunk's leftovers


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
        relaxed = sorted({key for k in self.kernels.values() for key in k.slack_cols})
        self.layout = {
            plan: Layout(kernel, relaxed) for plan, kernel in self.kernels.items()
        }

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
        frames = []
        for plan, kernel in self.kernels.items():
            layout = self.layout[plan]
            good = [d for d in datas if d is not None]
            entries, read, errors = kernel.numbers(good) if good else (None, None, [])
            kernel.reset()
            column, identities, statuses, numbers = 0, [], [], []
            for variant, data, problem in zip(chunk, datas, problems, strict=True):
                if data is None:
                    outcome = Outcome(INVALID, False, None, {}, 0, problem)
                elif errors[column]:
                    outcome = Outcome(INVALID, False, None, {}, 0, errors[column])
                else:
                    outcome = kernel.solve(data, entries[:, column], read[:, column])
                column += data is not None
                identities.append(self._identity(variant, plan))
                statuses.append(
                    (outcome.status, outcome.closest, outcome.solves, outcome.message)
                )
                numbers.append(layout.vector(outcome))
            frames.append(self._frame(identities, statuses, numbers, layout))
        frame = pd.concat(frames, ignore_index=True)
        return frame.sort_values(["variant", "plan"], kind="stable", ignore_index=True)

    @staticmethod
    def _frame(identities, statuses, numbers, layout: Layout) -> pd.DataFrame:
        head = pd.DataFrame.from_records(identities)
        state = pd.DataFrame(
            statuses, columns=["status", "closest", "solves", "message"]
        )
        body = pd.DataFrame(np.array(numbers), columns=layout.names)
        for name in layout.names:
            if name.endswith(".met"):
                body[name] = body[name].astype("boolean")
        return pd.concat([head, state, body], axis=1)

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
    """The numeric columns of a row, and how each comes from a kernel's readouts."""

    def __init__(self, kernel: Kernel, relaxed_rules: list[str]) -> None:
        self.kernel = kernel
        columns = kernel.columns
        plain = [
            (name, i)
            for i, name in enumerate(columns)
            if not name.startswith(("month_cash.", "target.", "ratio_revenue."))
        ]
        self.plain_at = np.array([i for _, i in plain], dtype=np.int64)
        months: dict[str, list[int]] = {}
        for i, name in enumerate(columns):
            if name.startswith("month_cash."):
                months.setdefault(name.split(".")[1][:4], []).append(i)
        self.months = [np.array(idx) for idx in months.values()]
        targets = [name for name, _, _ in kernel.targets]
        self.debt_at = np.array(
            [n for n, name in enumerate(targets) if name.startswith(DEBT_RATIO)],
            dtype=np.int64,
        )
        self.relaxed_rules = relaxed_rules
        self.names = [name for name, _ in plain]
        self.names += [f"lowest_cash.{year}" for year in months]
        self.names += [
            f"debt_ratio_pct.{targets[n].split('.')[2]}" for n in self.debt_at
        ]
        self.names += [
            f"{name}.{figure}"
            for name in targets
            for figure in ("value", "limit", "margin", "margin_mkr", "met")
        ]
        self.names += [f"relaxation.{rule}" for rule in relaxed_rules]

    def vector(self, outcome: Outcome) -> np.ndarray:
        """The numeric columns of one solved (or failed) variant."""
        if outcome.values is None:
            numbers = np.full(len(self.names), np.nan)
        else:
            values = outcome.values
            figures = self.kernel.target_figures(values)
            numbers = np.concatenate(
                [
                    values[self.plain_at],
                    [values[idx].min() for idx in self.months],
                    figures[self.debt_at, 0],
                    figures.ravel(),
                    np.full(len(self.relaxed_rules), np.nan),
                ]
            )
        if outcome.relaxation:
            tail = numbers[len(numbers) - len(self.relaxed_rules) :]
            for n, rule in enumerate(self.relaxed_rules):
                tail[n] = outcome.relaxation.get(rule, 0.0)
        return numbers
