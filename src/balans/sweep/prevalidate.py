"""Refuse a spec whose values the scenario's schema would refuse, before any solve.

Each distinct value of a grid or of the cases, and both ends of every sampled
range, is applied alone to the base scenario and validated as `--set` would
be; the first that fails is reported at its place in the spec.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from balans.errors import ScenarioError
from balans.scenario.load import ScenarioBase, located, read_yaml
from balans.sweep.design import Variant, changes
from balans.sweep.spec import Cases, Grid, SweepSpec


def check_values(
    spec: SweepSpec, base: ScenarioBase, design: list[Variant], spec_file: str
) -> None:
    """Raise a located ScenarioError for the first value the scenario refuses."""
    for where, name, value in _probes(spec):
        try:
            base.variant(changes(base, spec.parameters, {name: value}))
        except ScenarioError as exc:
            _, node = read_yaml(Path(spec_file))
            raise located(
                Path(spec_file),
                node,
                where,
                f"{name} = {value!r} gives {spec.parameters[name].path} a value "
                f"the scenario refuses: {exc.reason}",
            ) from None


def _probes(spec: SweepSpec) -> list[tuple[list[str], str, Any]]:
    design = spec.design
    if isinstance(design, Grid):
        return [
            (["design", "grid", name, str(i)], name, value)
            for name, values in design.grid.items()
            for i, value in enumerate(values)
        ]
    if isinstance(design, Cases):
        return [
            (["design", "cases", str(i), "values", name], name, value)
            for i, case in enumerate(design.cases)
            for name, value in case.values.items()
        ]
    return [
        (["design", "sample", "ranges", name, str(end)], name, bounds[end])
        for name, bounds in design.sample.ranges.items()
        for end in (0, 1)
    ]
