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
import pyarrow as pa

from balans.errors import BalansError
from balans.model.build import StructureChanged
from balans.model.data import ModelData, build_data
from balans.scenario.consistency import find_problems
from balans.scenario.load import ScenarioBase
from balans.scenario.schema import Scenario
from balans.sweep.design import Variant, changes
from balans.sweep.kernel import Kernel, Outcome
from balans.sweep.spec import Common
from balans.sweep.stack import Unstackable, has_arrays, stack, stacked_call

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
        table = solver.rows(chunk)
    return index, table


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


@dataclass
class ChunkData:
    """A chunk's variants validated and turned into model data.

    `stacked` is the model data of every valid variant at once (sweep/stack.py),
    None where the chunk has to be taken one variant at a time (`datas`).
    """

    problems: list[str]  # per variant: why it is invalid, "" when it is valid
    scenarios: list[Scenario | None]
    valid: list[int]  # positions of the valid variants in the chunk
    stacked: ModelData | None = None
    first: ModelData | None = None  # the first valid variant's own model data
    datas: list[ModelData | None] | None = None


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
        names = {tuple(layout.names) for layout in self.layout.values()}
        if len(names) != 1:  # every kernel reads the same model data
            raise RuntimeError("the plans of a sweep report different columns")
        self.names = next(iter(self.layout.values())).names
        self._schemas: dict[tuple[bool, ...], pa.Schema] = {}
        self._schema((False,) * len(spec.parameters))  # made once, not in a chunk
        self.stacked_chunks = self.single_chunks = 0  # how chunks were computed

    def rows(self, chunk: list[Variant]) -> pa.Table:
        """A row per variant and plan, in variant order."""
        data = self.chunk_data(chunk)
        outcomes = {plan: self.outcomes(plan, data) for plan in self.kernels}
        return self.table(chunk, outcomes)

    # -- the chunk's model data -----------------------------------------------

    def chunk_data(self, chunk: list[Variant]) -> ChunkData:
        """Validate every variant; the valid ones' model data, stacked where it can be.

        Each variant's changed sections are validated as `balans solve --set`
        validates them; the consistency checks (`find_problems`) and
        `build_data` then run once on the stacked chunk. Where they cannot
        (sweep/stack.py), each variant is checked and built on its own.
        """
        scenarios: list[Scenario | None] = []
        problems = []
        for variant in chunk:
            try:
                pairs = changes(self.base, self.spec.parameters, variant.values)
                scenarios.append(self.base.variant(pairs, check=False))
                problems.append("")
            except BalansError as exc:
                scenarios.append(None)
                problems.append(str(exc))
        valid = [i for i, s in enumerate(scenarios) if s is not None]
        data = ChunkData(problems, scenarios, valid)
        if len(valid) >= 2:
            try:
                together = stack([scenarios[i] for i in valid])
                if stacked_call(find_problems, together):
                    raise Unstackable("a variant has a consistency problem")
                data.stacked = stacked_call(build_data, together)
                data.first = build_data(scenarios[valid[0]])
            except (Unstackable, BalansError):
                data.stacked = None
        return data

    def _datas(self, data: ChunkData) -> list[ModelData | None]:
        """Each variant's own model data (None where invalid): the one-by-one path."""
        if data.datas is None:
            data.datas = []
            for i, scenario in enumerate(data.scenarios):
                if scenario is None:
                    data.datas.append(None)
                    continue
                try:
                    self.base.check(scenario)
                    data.datas.append(build_data(scenario))
                except BalansError as exc:
                    data.datas.append(None)
                    data.problems[i] = str(exc)
            data.valid = [i for i, d in enumerate(data.datas) if d is not None]
        return data.datas

    def numbers(
        self, kernel: Kernel, data: ChunkData
    ) -> tuple[np.ndarray, np.ndarray, list, list[ModelData]]:
        """The LP numbers of the chunk's valid variants for one kernel.

        Returns (entries, readouts, errors) as `Kernel.numbers`, and the model
        data each valid variant is solved with. Stacked, the chunk's variants
        share the first one's rules (the only part of the model data the
        stages read; stacking proves them equal), and the first variant's
        numbers are computed on their own as well and must agree.
        """
        if data.stacked is not None and not has_arrays(data.stacked.rules):
            try:
                p, v = kernel.parameters(data.stacked, len(data.valid))
            except (StructureChanged, Unstackable):
                pass
            else:
                entries, read = kernel.evaluate(p, v)
                one, one_read, errors = kernel.numbers([data.first])
                if not errors[0] and _same(entries[:, 0], one[:, 0]):
                    if _same(read[:, 0], one_read[:, 0]):
                        self.stacked_chunks += 1
                        errors = [None] * len(data.valid)
                        return entries, read, errors, [data.first] * len(data.valid)
        self.single_chunks += 1
        datas = self._datas(data)
        good = [d for d in datas if d is not None]
        entries, read, errors = kernel.numbers(good)
        return entries, read, errors, good

    # -- solving ------------------------------------------------------------

    def outcomes(self, plan: str, data: ChunkData) -> list[Outcome]:
        """Every variant of the chunk solved as `plan`, in chunk order."""
        kernel = self.kernels[plan]
        entries, read, errors, datas = self.numbers(kernel, data)
        kernel.reset()
        out = [
            Outcome(INVALID, False, None, {}, 0, problem) for problem in data.problems
        ]
        for column, i in enumerate(data.valid):
            if errors[column]:
                out[i] = Outcome(INVALID, False, None, {}, 0, errors[column])
            else:
                out[i] = kernel.solve(
                    datas[column], entries[:, column], read[:, column]
                )
        return out

    # -- the table ----------------------------------------------------------

    def table(
        self, chunk: list[Variant], outcomes: dict[str, list[Outcome]]
    ) -> pa.Table:
        """The rows as an Arrow table, by columns: variant order, plans by name."""
        plans = sorted(outcomes)
        order = np.lexsort(
            (
                np.tile(np.arange(len(plans)), len(chunk)),
                np.repeat([variant.id for variant in chunk], len(plans)),
            )
        )
        rows = [(variant, n) for n, variant in enumerate(chunk) for _ in plans]
        rows = [rows[i] for i in order]
        plan_of = [plans[i % len(plans)] for i in order]
        results = [
            outcomes[plan][n] for (_, n), plan in zip(rows, plan_of, strict=True)
        ]
        columns: dict[str, pa.Array] = {
            "variant": pa.array([v.id for v, _ in rows], pa.int64()),
            "case": pa.array([v.name for v, _ in rows], pa.large_string()),
        }
        kinds = []
        for name in self.spec.parameters:
            values = [v.values.get(name) for v, _ in rows]
            text = any(isinstance(value, dict) for value in values)
            kinds.append(text)
            columns[f"param.{name}"] = (
                pa.array([_json(value) for value in values], pa.large_string())
                if text
                else pa.array(
                    np.array([np.nan if x is None else x for x in values], float),
                    from_pandas=True,
                )
            )
        columns["plan"] = pa.array(plan_of, pa.large_string())
        columns["status"] = pa.array([r.status for r in results], pa.large_string())
        columns["closest"] = pa.array([r.closest for r in results], pa.bool_())
        columns["solves"] = pa.array([r.solves for r in results], pa.int64())
        columns["message"] = pa.array([r.message for r in results], pa.large_string())
        if len(plans) == 1:
            numbers = self.layout[plans[0]].matrix(results)
        else:
            numbers = np.empty((len(results), len(self.names)))
            for plan in plans:
                at = [n for n, row_plan in enumerate(plan_of) if row_plan == plan]
                numbers[at] = self.layout[plan].matrix([results[n] for n in at])
        numbers = np.ascontiguousarray(numbers.T)  # a column a row: contiguous
        missing = np.isnan(numbers)
        gaps = missing.any(axis=1).tolist()
        for j, name in enumerate(self.names):
            values = numbers[j]
            if name.endswith(".met"):
                mask = missing[j] if gaps[j] else None
                columns[name] = pa.array(values != 0, pa.bool_(), mask=mask)
            else:  # NaN is null, as pandas has it
                columns[name] = pa.array(values, from_pandas=gaps[j])
        return pa.Table.from_arrays(
            list(columns.values()), schema=self._schema(tuple(kinds))
        )

    def _schema(self, kinds: tuple[bool, ...]) -> pa.Schema:
        """The table's schema, as pandas would give it (its metadata too)."""
        schema = self._schemas.get(kinds)
        if schema is None:
            import pandas as pd

            frame: dict[str, pd.Series] = {
                "variant": pd.Series([], dtype="int64"),
                "case": pd.Series([], dtype="str"),
            }
            for name, text in zip(self.spec.parameters, kinds, strict=True):
                kind = "str" if text else "float64"
                frame[f"param.{name}"] = pd.Series([], dtype=kind)
            frame["plan"] = pd.Series([], dtype="str")
            frame["status"] = pd.Series([], dtype="str")
            frame["closest"] = pd.Series([], dtype="bool")
            frame["solves"] = pd.Series([], dtype="int64")
            frame["message"] = pd.Series([], dtype="str")
            for name in self.names:
                kind = "boolean" if name.endswith(".met") else "float64"
                frame[name] = pd.Series([], dtype=kind)
            schema = pa.Schema.from_pandas(pd.DataFrame(frame), preserve_index=False)
            self._schemas[kinds] = schema
        return schema


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps({str(k): v for k, v in value.items()})


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Stacked and one-by-one numbers agree (IEEE arithmetic either way)."""
    return bool(np.allclose(a, b, rtol=1e-12, atol=1e-12, equal_nan=True))


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
        self._month_order = np.concatenate([[], *self.months]).astype(np.int64)
        self._month_starts = np.cumsum([0] + [len(m) for m in self.months[:-1]])
        self._cuts = np.cumsum(
            [len(plain), len(self.months), len(self.debt_at), 5 * len(targets)]
        )

    def vector(self, outcome: Outcome) -> np.ndarray:
        """The numeric columns of one solved (or failed) variant."""
        return self.matrix([outcome])[0]

    def matrix(self, outcomes: list[Outcome]) -> np.ndarray:
        """The numeric columns of solved (or failed) variants, a row each."""
        solved = [n for n, outcome in enumerate(outcomes) if outcome.values is not None]
        if len(solved) == len(outcomes):
            numbers = self._solved([outcome.values for outcome in outcomes])
        else:
            numbers = np.full((len(outcomes), len(self.names)), np.nan)
            if solved:
                numbers[solved] = self._solved([outcomes[n].values for n in solved])
        relaxed = len(self.relaxed_rules)
        for n, outcome in enumerate(outcomes):
            if outcome.relaxation:
                tail = numbers[n, len(self.names) - relaxed :]
                for k, rule in enumerate(self.relaxed_rules):
                    tail[k] = outcome.relaxation.get(rule, 0.0)
        return numbers

    def _solved(self, readouts: list[np.ndarray]) -> np.ndarray:
        """The numeric columns of solved variants from their readouts."""
        values = np.array(readouts)
        figures = self.kernel.target_figures(values)
        at = self._cuts
        block = np.empty((len(readouts), len(self.names)))
        block[:, : at[0]] = values[:, self.plain_at]
        if len(self.months):
            block[:, at[0] : at[1]] = np.minimum.reduceat(
                values[:, self._month_order], self._month_starts, axis=1
            )
        block[:, at[1] : at[2]] = figures[:, self.debt_at, 0]
        block[:, at[2] : at[3]] = figures.reshape(len(readouts), -1)
        block[:, at[3] :] = np.nan
        return block
