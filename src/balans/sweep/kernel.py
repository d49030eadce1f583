"""The sweep kernel: one scenario's LP session, re-solved warm for each variant.

Pyomo stays the single source of the model. The kernel builds it once and
opens an `LpSession` on it (model/lp.py, the only code that touches HiGHS).
For a variant, `apply` (the code every solve uses) collects the variant's
numbers; the kernel evaluates the session's parameter expressions for a whole
chunk at once (`compile.py`), pushes the numbers that changed into the session
and solves the plan exactly as `balans solve` does (priorities.Priorities:
the same stages, written once), from the last basis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo
from pyomo.repn import generate_standard_repn

from balans.model.build import StructureChanged, apply, build_model
from balans.model.data import ModelData, revenue_for_ratios
from balans.model.lp import INFEASIBLE, OPTIMAL, SWEEP_OPTIONS, LpSession
from balans.model.rules.common import split_index
from balans.model.rules.result import ratio_revenue
from balans.priorities import Priorities
from balans.sweep.compile import Symbols, compile_rows
from balans.sweep.stack import stacked_call
from balans.units import TOLERANCE_MKR

ERROR = "error"
EVALUATED = "evaluated"
__all__ = ["ERROR", "EVALUATED", "INFEASIBLE", "OPTIMAL", "Kernel", "Outcome"]


@dataclass
class Outcome:
    """One variant's plan: status, whether it is the closest plan, the row of numbers."""

    status: str
    closest: bool
    values: np.ndarray | None  # the readouts, in `Kernel.columns` order
    relaxation: dict[str, float]  # infeasible: least relaxation per rule, Mkr
    solves: int
    message: str = ""


def _index_name(index) -> str:
    year, committee, month = split_index(index)
    if committee is not None:
        return f"{year}.{committee}"
    if month is not None:
        return f"{year}-{month:02d}"
    return str(year)


def readouts(m: pyo.ConcreteModel, data: ModelData) -> list[tuple[str, object]]:
    """Every number a sweep row reports, as a Pyomo expression of the plan."""
    years, committees = data.years, data.committees
    out: list[tuple[str, object]] = [("objective", m.primary)]
    out.append(
        ("savings_total", sum(m.savings[y, c] for y in years for c in committees))
    )
    out += [
        (f"savings_total.{y}", sum(m.savings[y, c] for c in committees)) for y in years
    ]
    out += [(f"savings.{c}.{y}", m.savings[y, c]) for c in committees for y in years]
    out += [(f"result.{y}", m.result[y]) for y in years]
    out += [
        (f"balanskrav_result.{y}", m.result[y] + m.balanskrav_adjustment[y])
        for y in years
    ]
    balance = m.opening_restoration
    for y in years:
        balance = balance + m.result[y] + m.balanskrav_adjustment[y]
        out.append((f"restoration_balance.{y}", balance))
    out += [
        (f"month_cash.{y}-{month:02d}", m.monthly_cash[y, month])
        for y in years
        for month in range(1, 13)
    ]
    out += [(f"loans.{y}", m.loans[y]) for y in years]
    pharma = data.scenario.rules.debt_ratio.include_pharma_grant
    out += [
        (
            f"ratio_revenue.{y}",
            revenue_for_ratios(
                m.tax_revenue[y],
                m.general_grants_data[y],
                m.pharma_grant_data[y],
                pharma,
            ),
        )
        for y in years
    ]
    out += [(f"fou_tkr.{y}", m.fou_tkr[y]) for y in years]
    for parts in m.rule_parts.values():
        if not data.rules.enabled[parts.rule.key]:
            continue
        for index in parts.index:
            name = f"target.{parts.rule.key}.{_index_name(index)}"
            out.append((f"{name}.value", parts.value[index]))
            out.append((f"{name}.limit", parts.limit[index]))
    return out


class Kernel:
    """A built scenario shape whose variants are solved warm on one LP session."""

    def __init__(
        self,
        data: ModelData,
        mode: str,
        objective: str | None = None,
        strict: bool = False,
    ) -> None:
        self.mode, self.strict = mode, strict
        self.m = m = build_model(data, mode, objective)
        self.session = LpSession(m, SWEEP_OPTIONS)
        self.priorities = Priorities(self.session, data, follow=True)
        self.slack_cols = self.priorities.slack_cols
        self.symbols = Symbols()
        self.entries = compile_rows(self.session.entry_expressions(), self.symbols)
        self._collect_readouts(data)
        self.base_params, self.base_fixed = self.symbols.values()
        self._base_p = np.array(self.base_params, dtype=float)
        self._base_v = np.array(self.base_fixed, dtype=float)
        base_p, base_v = self._base_p[:, None], self._base_v[:, None]
        self._base_entries = self.entries(base_p, base_v)[:, 0]
        self._base_read = self.readout_numbers(base_p, base_v)[:, 0]
        self._reading: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}
        self.plain_first = True  # the last variant kept every target
        entries, read, _ = self.numbers([data])
        self.solve(data, entries[:, 0], read[:, 0])
        self.base_bases = dict(self.session.bases)
        self.base_plain_first = self.plain_first

    def _collect_readouts(self, data: ModelData) -> None:
        named = readouts(self.m, data)
        self.columns = [name for name, _ in named]
        rows, cols, coefs, constants = [], [], [], []
        for number, (_, expr) in enumerate(named):
            repn = generate_standard_repn(expr, compute_values=False, quadratic=False)
            for var, coefficient in zip(
                repn.linear_vars, repn.linear_coefs, strict=True
            ):
                rows.append(number)
                cols.append(self.session.col(var))
                coefs.append(coefficient)
            constants.append(repn.constant)
        self.read_rows = np.array(rows, dtype=np.int64)
        self.read_cols = np.array(cols, dtype=np.int64)
        self.n_coefs = len(coefs)
        self.readout_numbers = compile_rows([*coefs, *constants], self.symbols)
        names = dict.fromkeys(
            c.rsplit(".", 1)[0] for c in self.columns if c.startswith("target.")
        )
        self.targets = [
            (n, self.columns.index(f"{n}.value"), self.columns.index(f"{n}.limit"))
            for n in names
        ]
        self.target_senses = [self._rule_of(name).sense for name, _, _ in self.targets]
        self.target_percent = [self._denominator(name) for name, _, _ in self.targets]
        self._value_at = np.array([v for _, v, _ in self.targets], dtype=np.int64)
        self._limit_at = np.array([lim for _, _, lim in self.targets], dtype=np.int64)
        self._higher = np.array([sense == "min" for sense in self.target_senses])
        self._percent_at = np.array(
            [-1 if d is None else d for d in self.target_percent], dtype=np.int64
        )

    def _rule_of(self, target: str):
        return self.m.rule_parts[target.split(".")[1]].rule

    def _denominator(self, target: str) -> int | None:
        """The readout a %-rule's Mkr figures are divided by (as in the results)."""
        rule = self._rule_of(target)
        if rule.percent_of is None:
            return None
        if rule.percent_of is not ratio_revenue:
            raise NotImplementedError(f"{rule.key}: a sweep knows only ratio_revenue")
        return self.columns.index(f"ratio_revenue.{target.split('.')[2]}")

    # -- variants -----------------------------------------------------------

    def numbers(self, datas: list[ModelData]) -> tuple[np.ndarray, np.ndarray, list]:
        """LP entries and readout coefficients of a chunk: (entries, readouts, errors)."""
        if not datas:
            empty = np.empty((self.entries.count, 0))
            return empty, np.empty((self.readout_numbers.count, 0)), []
        params, fixed, errors = [], [], []
        param_slot, var_slot = self.symbols.param_slots, self.symbols.var_slots
        for data in datas:
            p, v = list(self.base_params), list(self.base_fixed)

            def put(component, value, p=p, v=v) -> None:
                slot = param_slot.get(id(component))
                if slot is not None:
                    p[slot] = value
                elif (slot := var_slot.get(id(component))) is not None:
                    v[slot] = value

            try:
                apply(self.m, data, put)  # the numbers, collected, not set
            except StructureChanged as exc:
                errors.append(str(exc))
            else:
                errors.append(None)
            params.append(p)
            fixed.append(v)
        p = np.array(params, dtype=float).T.reshape(len(self.symbols.params), -1)
        v = np.array(fixed, dtype=float).T.reshape(len(self.symbols.fixed_vars), -1)
        return *self.evaluate(p, v), errors

    def parameters(self, data: ModelData, count: int) -> tuple[np.ndarray, np.ndarray]:
        """The numbers `apply` puts for a chunk's stacked model data (sweep/stack.py).

        A number that differs between the chunk's `count` variants is an
        array in `data`; returns (parameters x count, fixed variables x count).
        Raises StructureChanged, or Unstackable where the model's code
        branches on a number that differs.
        """
        p = np.repeat(self._base_p[:, None], count, axis=1)
        v = np.repeat(self._base_v[:, None], count, axis=1)
        param_slot, var_slot = self.symbols.param_slots, self.symbols.var_slots

        def put(component, value) -> None:
            slot = param_slot.get(id(component))
            if slot is not None:
                p[slot] = value
            elif (slot := var_slot.get(id(component))) is not None:
                v[slot] = value

        stacked_call(apply, self.m, data, put)
        return p, v

    def evaluate(self, p: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """LP entries and readout coefficients for parameter columns (variants).

        Only the expressions reading a number that differs from the base
        scenario's are evaluated; the others are the base's.
        """
        count = p.shape[1]
        changed_p = np.flatnonzero((p != self._base_p[:, None]).any(axis=1))
        changed_v = np.flatnonzero((v != self._base_v[:, None]).any(axis=1))
        key = changed_p.tobytes() + b"|" + changed_v.tobytes()
        reading = self._reading.get(key)
        if reading is None:
            reading = self._reading[key] = (
                self.entries.reading(changed_p, changed_v),
                self.readout_numbers.reading(changed_p, changed_v),
            )
        out = []
        for compiled, which, base in zip(
            (self.entries, self.readout_numbers),
            reading,
            (self._base_entries, self._base_read),
            strict=True,
        ):
            # variants x numbers in memory, so each variant's column is contiguous
            values = np.repeat(base[None, :], count, axis=0)
            if len(which):
                values[:, which] = compiled.some(which, p, v).T
            out.append(values.T)
        return out[0], out[1]

    def reset(self) -> None:
        """Start a chunk from the base plan's bases: rows never depend on the order."""
        self.session.bases = dict(self.base_bases)
        self.plain_first = self.base_plain_first

    def solve(self, data: ModelData, entries: np.ndarray, read: np.ndarray) -> Outcome:
        """One variant: push its changed numbers, solve as `balans solve` would, read.

        When the last variant needed the closest plan, this one starts with the
        priority stages (Priorities.solve with `plain_first` False).
        """
        self.session.push(entries)
        strict = self.strict or self.mode == "decided"
        plan = self.priorities.solve(data, strict, plain_first=self.plain_first)
        self.plain_first = not plan.closest
        if plan.status == OPTIMAL:
            values = self._read(read)
            status = EVALUATED if self.mode == "decided" else OPTIMAL
            return Outcome(status, plan.closest, values, {}, plan.solves)
        if plan.status == INFEASIBLE and self.mode == "optimal":
            relaxation = self.priorities.relaxation_mkr(data)
            return Outcome(INFEASIBLE, False, None, relaxation, plan.solves + 1)
        status = plan.status if plan.status == INFEASIBLE else ERROR
        return Outcome(status, False, None, {}, plan.solves)

    def hold_plain(self, data: ModelData) -> None:
        """Load a variant's numbers as the plain problem, without solving (to inspect)."""
        entries, _, errors = self.numbers([data])
        if errors[0]:
            raise StructureChanged(errors[0])
        session = self.session
        session.push(entries[:, 0])
        session.set_col_bounds(self.priorities.all_slacks, 0.0, 0.0)
        session.release_held()
        session.set_costs(session.cost)

    def names(self) -> tuple[dict[int, str], dict[int, str]]:
        """Row and column names of the kernel's LP (its held rows left out)."""
        return self.session.names()

    def _read(self, read: np.ndarray) -> np.ndarray:
        x = self.session.solution()
        weights = read[: self.n_coefs] * x[self.read_cols]
        values = np.bincount(
            self.read_rows, weights=weights, minlength=len(self.columns)
        )
        return values + read[self.n_coefs :]

    def target_figures(self, values: np.ndarray) -> np.ndarray:
        """Per target: value, limit, margin (the rule's unit), margin in Mkr, met.

        As `results.rule_rows`: a %-rule is held in Mkr and reported in per cent
        of skatter och generella statsbidrag; met is judged on the Mkr margin.
        `values` may hold several variants' readouts (variants x readouts):
        the figures are then variants x targets x 5.
        """
        value, limit = values[..., self._value_at], values[..., self._limit_at]
        margin = np.where(self._higher, value - limit, limit - value)
        met = margin >= -TOLERANCE_MKR
        denominator = values[..., self._percent_at]
        scale = np.where(self._percent_at >= 0, 100 / denominator, 1.0)
        return np.stack(
            [value * scale, limit * scale, margin * scale, margin, met], axis=-1
        )
