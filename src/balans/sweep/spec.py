"""Sweep and risk specs: which scenario, which values vary, how they are drawn.

A spec names a base scenario and its parameters: scenario values by the same
dotted paths as `--set`, each changed by `set` (the value replaces it), `add`
(an absolute change, in the value's unit) or `relative` (a change in per cent
of the value). On a per-year series (`assumptions.interest_rate_pct`) a
number changes every year the scenario sets (or the parameter's `years`); a
mapping `{2027: 4.5}` gives a value per year. A sweep's design is a grid, a
list of named cases or a space-filling sample; a risk spec gives each
parameter a distribution and optionally their correlations.

Every check here runs before any solve: a bad spec fails with the file, the
key and its line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Discriminator, Field, Tag, model_validator

from balans.choices import OBJECTIVES
from balans.scenario.load import ScenarioBase, load_document, located
from balans.scenario.schema import Number, Strict, Switch, Whole

Plan = Literal["decided", "optimal"]
Change = Literal["set", "add", "relative"]
Value = Number | dict[Whole, Number]
DEFAULT_CHUNK = 250
MAX_VARIANTS = 10_000_000


class Parameter(Strict):
    """One scenario value a sweep varies."""

    path: str = Field(description="Dotted key path, as for --set.")
    change: Change = "set"
    years: list[Whole] | None = Field(
        None, description="The years of a per-year series to change (default: all)."
    )


class Grid(Strict):
    """Every combination of the listed values (the first parameter varies slowest)."""

    grid: dict[str, Annotated[list[Value], Field(min_length=1)]]


class Case(Strict):
    """A named variant: a value for some of the parameters (others unchanged)."""

    name: str = Field(min_length=1)
    values: dict[str, Value]


class Cases(Strict):
    """An explicit list of named cases."""

    cases: Annotated[list[Case], Field(min_length=1)]


class Sample(Strict):
    """A space-filling sample over ranges: Latin hypercube or scrambled Sobol'."""

    method: Literal["lhs", "sobol"]
    n: Annotated[Whole, Field(ge=1, le=MAX_VARIANTS)]
    seed: Whole = 1
    ranges: dict[str, Annotated[list[Number], Field(min_length=2, max_length=2)]]

    @model_validator(mode="after")
    def _ranges_not_empty(self) -> Sample:
        for name, (low, high) in self.ranges.items():
            if not low < high:
                raise ValueError(f"range of {name!r} is empty: {low} .. {high}")
        return self


class SampleDesign(Strict):
    """`design: {sample: ...}`."""

    sample: Sample


class Common(Strict):
    """What every spec has: the base scenario and how each variant is solved."""

    base: str = Field(description="The scenario file, relative to the spec.")
    plans: Annotated[list[Plan], Field(min_length=1)] = ["optimal"]
    objective: Literal[OBJECTIVES] | None = None
    strict: Switch = False
    chunk_size: Annotated[Whole, Field(ge=1, le=100_000)] = DEFAULT_CHUNK
    parameters: Annotated[dict[str, Parameter], Field(min_length=1)]


def _design_kind(value: Any) -> str | None:
    kinds = {Grid: "grid", Cases: "cases", SampleDesign: "sample"}
    if type(value) in kinds:  # a model being serialised
        return kinds[type(value)]
    if isinstance(value, dict):
        return next((k for k in ("grid", "cases", "sample") if k in value), None)
    return None


Design = Annotated[
    Annotated[Grid, Tag("grid")]
    | Annotated[Cases, Tag("cases")]
    | Annotated[SampleDesign, Tag("sample")],
    Discriminator(
        _design_kind,
        custom_error_type="design",
        custom_error_message="a design is one of grid, cases or sample",
    ),
]


class SweepSpec(Common):
    """`balans sweep`: a design over the parameters."""

    design: Design


class Normal(Strict):
    """Normal: mean and standard deviation."""

    kind: Literal["normal"]
    mean: Number
    sd: Annotated[Number, Field(gt=0)]


class Triangular(Strict):
    """Triangular: least, most likely and largest value."""

    kind: Literal["triangular"]
    low: Number
    mode: Number
    high: Number

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError("needs low <= mode <= high and low < high")
        return self


class Uniform(Strict):
    """Uniform between low and high."""

    kind: Literal["uniform"]
    low: Number
    high: Number

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError(f"range is empty: {self.low} .. {self.high}")
        return self


class Empirical(Strict):
    """Past outcomes: draws follow their quantiles, linearly interpolated.

    The k-th smallest of n outcomes is the k/(n-1) quantile; values between
    two outcomes are interpolated, so a draw never leaves [min, max].
    """

    kind: Literal["empirical"]
    values: Annotated[list[Number], Field(min_length=2)]
    source: str = ""


Distribution = Annotated[
    Normal | Triangular | Uniform | Empirical, Field(discriminator="kind")
]


class Driver(Parameter):
    """An uncertain parameter and its distribution (of the change it makes)."""

    distribution: Distribution
    source: str = Field("", description="Where the distribution comes from.")
    label_sv: str = Field(
        "", description="The driver in Swedish words, for the report (default: name)."
    )
    label_en: str = Field(
        "", description="The driver in English words, for the report (default: name)."
    )


class Correlations(Strict):
    """Correlations between drivers (a Gaussian copula): a matrix, one row a driver."""

    drivers: Annotated[list[str], Field(min_length=2)]
    matrix: list[list[Number]]


class Sensitivity(Strict):
    """Sobol' indices: base samples of the Saltelli design and the output explained."""

    base_samples: Annotated[Whole, Field(ge=8, le=1_000_000)] = 256
    output: str = Field(
        "savings_total", description="A column of the sweep table, e.g. result.2030."
    )
    plan: Plan = Field("optimal", description="The plan whose output is explained.")
    enabled: Switch = True


class RiskSpec(Common):
    """`balans risk`: Monte Carlo over the drivers' distributions."""

    plans: Annotated[list[Plan], Field(min_length=1)] = ["decided", "optimal"]
    parameters: Annotated[dict[str, Driver], Field(min_length=1)]
    correlations: Correlations | None = None
    samples: Annotated[Whole, Field(ge=10, le=MAX_VARIANTS)] = 1000
    seed: Whole = 1
    sensitivity: Sensitivity = Sensitivity()


def load_sweep_spec(path: str | Path) -> tuple[SweepSpec, ScenarioBase]:
    """Read and check a sweep spec and its base scenario."""
    return _load(Path(path), SweepSpec)


def load_risk_spec(path: str | Path) -> tuple[RiskSpec, ScenarioBase]:
    """Read and check a risk spec and its base scenario."""
    return _load(Path(path), RiskSpec)


def _load(path: Path, model: type[Common]) -> tuple[Any, ScenarioBase]:
    spec, node = load_document(path, model)
    base_path = path.parent / spec.base
    if not base_path.is_file():
        raise located(path, node, ["base"], f"scenario file {spec.base!r} not found")
    base = ScenarioBase.read(base_path)
    for name, parameter in spec.parameters.items():
        _check_path(path, node, base, name, parameter)
    names = set(spec.parameters)
    if isinstance(spec, SweepSpec):
        _check_design(path, node, spec, names)
    else:
        _check_correlations(path, node, spec, names)
    return spec, base


def _check_path(path: Path, node, base: ScenarioBase, name: str, p: Parameter) -> None:
    where = ["parameters", name, "path"]
    current = base.value_at(p.path.split("."))
    if current is None:
        raise located(path, node, where, f"{p.path!r} is not a value of the scenario")
    if isinstance(current, dict):
        if not all(isinstance(v, int | float) for v in current.values()):
            raise located(path, node, where, f"{p.path!r} is a section, not a value")
        missing = [y for y in p.years or () if y not in current]
        if missing:
            raise located(
                path, node, ["parameters", name, "years"], f"no value for {missing}"
            )
    elif not isinstance(current, int | float) or isinstance(current, bool):
        raise located(path, node, where, f"{p.path!r} is not a number")
    elif p.years:
        raise located(
            path, node, ["parameters", name, "years"], "the value has no years"
        )


def _check_design(path: Path, node, spec: SweepSpec, names: set[str]) -> None:
    design = spec.design
    if isinstance(design, Grid):
        used = [("design", "grid", n) for n in design.grid]
        count = int(np.prod([len(v) for v in design.grid.values()]))
        if count > MAX_VARIANTS:
            raise located(path, node, ["design", "grid"], f"{count} variants")
    elif isinstance(design, Cases):
        used = [
            ("design", "cases", str(i), "values", n)
            for i, case in enumerate(design.cases)
            for n in case.values
        ]
        seen: set[str] = set()
        for i, case in enumerate(design.cases):
            if case.name in seen:
                raise located(
                    path, node, ["design", "cases", str(i), "name"], "name used twice"
                )
            seen.add(case.name)
    else:
        used = [("design", "sample", "ranges", n) for n in design.sample.ranges]
    for where in used:
        if where[-1] not in names:
            raise located(
                path,
                node,
                list(where),
                "unknown parameter",
                hint="parameters: " + ", ".join(sorted(names)),
            )


def _check_correlations(path: Path, node, spec: RiskSpec, names: set[str]) -> None:
    c = spec.correlations
    if c is None:
        return
    where = ["correlations"]
    for i, name in enumerate(c.drivers):
        if name not in names:
            raise located(path, node, [*where, "drivers", str(i)], "unknown driver")
    if len(set(c.drivers)) != len(c.drivers):
        raise located(path, node, [*where, "drivers"], "a driver is named twice")
    size = len(c.drivers)
    matrix = np.array(c.matrix, dtype=float) if c.matrix else np.zeros((0, 0))
    if matrix.shape != (size, size):
        raise located(
            path, node, [*where, "matrix"], f"must be {size} x {size}, one row a driver"
        )
    if not np.allclose(matrix, matrix.T) or not np.allclose(np.diag(matrix), 1.0):
        raise located(
            path, node, [*where, "matrix"], "must be symmetric with 1 on the diagonal"
        )
    if np.any(np.abs(matrix) > 1):
        raise located(path, node, [*where, "matrix"], "correlations lie in -1..1")
    lowest = float(np.linalg.eigvalsh(matrix).min())
    if lowest < -1e-9:
        raise located(
            path,
            node,
            [*where, "matrix"],
            f"is not positive semi-definite (smallest eigenvalue {lowest:.3g})",
        )
