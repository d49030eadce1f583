"""On-demand benchmark: start-up, build vs solve, solver interfaces, variant re-solves.

Run with `make bench` (`python benchmarks/run.py --startup` for the start-up part
only). Every comparison is measured side by side in this one run, interleaved,
and reported as a ratio; results go to benchmarks/results/latest.json (not
committed).

Start-up: each command runs as a real process of the installed `balans`,
interleaved with a bare `python -c pass`, with bytecode caching on (as for a
user). Targets: `--help` and `--version` at most 3x the bare start, `solve` of
the shipped scenario under 1 s.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pyomo.environ as pyo
from pyomo.contrib.solver.common.factory import SolverFactory as NewSolverFactory
from pyomo.version import version as pyomo_version

from balans.model.build import apply, build_model
from balans.model.data import build_data
from balans.testing import EVERY_TARGET_HOLDS, make_scenario

ROUNDS = 15
STARTUP_ROUNDS = 21
RESULTS = Path(__file__).parent / "results" / "latest.json"
ROOT = Path(__file__).resolve().parents[1]
DECIDED = "scenarios/rjh-2026-decided.yaml"
STARTUP = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -c 'import click'": [sys.executable, "-c", "import click"],
    "balans --help": ["balans", "--help"],
    "balans --version": ["balans", "--version"],
    "balans validate": ["balans", "validate", DECIDED],
    "balans schema": ["balans", "schema"],
    "balans solve": ["balans", "solve", DECIDED],
}


def _command(args: list[str]) -> list[str]:
    """The installed console script beside this interpreter, else `python -m`."""
    if args[0] != "balans":
        return args
    script = Path(sys.executable).with_name("balans")
    if script.exists():
        return [str(script), *args[1:]]
    return [sys.executable, "-m", "balans", *args[1:]]


def startup() -> dict:
    """Median wall time of each command as a process, and its ratio to python -c pass."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    commands = {name: _command(args) for name, args in STARTUP.items()}

    def once(command: list[str]) -> float:
        started = time.perf_counter()
        subprocess.run(
            command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )
        return time.perf_counter() - started

    for command in commands.values():  # warm up: bytecode written, files cached
        once(command)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(STARTUP_ROUNDS):
        for name, command in commands.items():
            samples[name].append(once(command))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    bare = medians["python -c pass"]
    return {
        "rounds": STARTUP_ROUNDS,
        "median_seconds": medians,
        "over_python_c_pass": {name: value / bare for name, value in medians.items()},
        "targets": {
            "help_at_most_3x": medians["balans --help"] / bare <= 3,
            "version_at_most_3x": medians["balans --version"] / bare <= 3,
            "solve_under_1s": medians["balans solve"] < 1.0,
        },
    }


def print_startup(report: dict) -> None:
    """One line per command: median and ratio to a bare Python start."""
    for name, value in report["median_seconds"].items():
        ratio = report["over_python_c_pass"][name]
        print(f"{name:36s} {1000 * value:9.2f} ms {ratio:7.1f} x python -c pass")
    for name, met in report["targets"].items():
        print(f"{name:36s} {'met' if met else 'NOT met'}")


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def _build(scenario, data):
    return build_model(data, "optimal")


def main(argv: list[str]) -> None:
    """Measure, print and write the results."""
    started = startup()
    print_startup(started)
    if "--startup" in argv:
        _write({"startup": started, **_environment()})
        return
    # The LP's mechanics on a scenario with a plan that keeps every target (the
    # shipped one needs the closest plan: several solves, see priorities.py).
    loaded = make_scenario(*EVERY_TARGET_HOLDS)
    scenario, data = loaded.scenario, build_data(loaded.scenario)
    new = NewSolverFactory("highs")
    legacy = pyo.SolverFactory("highs")
    samples: dict[str, list[float]] = {
        "build_model": [],
        "solve_contrib_highs": [],
        "solve_legacy_highs": [],
        "variant_rebuild_and_solve": [],
        "variant_update_param_and_resolve": [],
        "variant_fresh_build_and_solve": [],
        "variant_apply_and_resolve": [],
    }
    persistent = _build(scenario, data)
    persistent_solver = NewSolverFactory("highs")
    persistent_solver.solve(persistent, load_solutions=True)
    applied = _build(scenario, data)
    applied_solver = NewSolverFactory("highs")
    applied_solver.solve(applied)
    for round_number in range(ROUNDS):
        samples["build_model"].append(_timed(lambda: _build(scenario, data)))
        m1, m2 = _build(scenario, data), _build(scenario, data)
        samples["solve_contrib_highs"].append(_timed(lambda: new.solve(m1)))
        samples["solve_legacy_highs"].append(_timed(lambda: legacy.solve(m2)))
        rate = 0.03 + 0.001 * round_number
        samples["variant_rebuild_and_solve"].append(
            _timed(lambda: _rebuild_variant(loaded, rate))
        )

        def update_and_resolve():
            for y in persistent.years:
                persistent.interest_rate[y].set_value(rate)
            persistent_solver.solve(persistent)

        samples["variant_update_param_and_resolve"].append(_timed(update_and_resolve))
        variant = _variant_data(loaded, rate)
        samples["variant_fresh_build_and_solve"].append(
            _timed(lambda: NewSolverFactory("highs").solve(_build(None, variant)))
        )

        def apply_and_resolve():
            apply(applied, variant)
            applied_solver.solve(applied)

        samples["variant_apply_and_resolve"].append(_timed(apply_and_resolve))
    medians = {key: statistics.median(values) for key, values in samples.items()}
    ratios = {
        "legacy_over_contrib_solve": medians["solve_legacy_highs"]
        / medians["solve_contrib_highs"],
        "rebuild_over_update_variant": medians["variant_rebuild_and_solve"]
        / medians["variant_update_param_and_resolve"],
        "build_over_contrib_solve": medians["build_model"]
        / medians["solve_contrib_highs"],
        "fresh_build_over_apply_variant": medians["variant_fresh_build_and_solve"]
        / medians["variant_apply_and_resolve"],
    }
    for key, value in medians.items():
        print(f"{key:36s} {1000 * value:9.2f} ms (median of {ROUNDS})")
    for key, value in ratios.items():
        print(f"{key:36s} {value:9.2f} x")
    _write(
        {
            "startup": started,
            "rounds": ROUNDS,
            "median_seconds": medians,
            "ratios": ratios,
            **_environment(),
        }
    )


def _environment() -> dict:
    return {
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "pyomo": pyomo_version,
    }


def _write(report: dict) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {RESULTS}")


def _rebuild_variant(loaded, rate: float) -> None:
    from balans.scenario.load import load_scenario

    overrides = EVERY_TARGET_HOLDS + tuple(
        f"assumptions.interest_rate_pct.{y}={100 * rate}" for y in range(2026, 2031)
    )
    variant = load_scenario(loaded.files[-1], overrides).scenario
    m = build_model(build_data(variant), "optimal")
    NewSolverFactory("highs").solve(m)


def _variant_data(loaded, rate: float):
    """The model data of a variant: interest `rate` and a tax base 0.2 pp higher."""
    from balans.scenario.load import load_scenario

    overrides = (
        EVERY_TARGET_HOLDS
        + tuple(
            f"assumptions.interest_rate_pct.{y}={100 * rate}" for y in range(2026, 2031)
        )
        + tuple(
            f"assumptions.tax_base_growth_pct.{y}="
            f"{loaded.scenario.assumptions.tax_base_growth_pct[y] + 0.2}"
            for y in range(2026, 2031)
        )
    )
    return build_data(load_scenario(loaded.files[-1], overrides).scenario)


if __name__ == "__main__":
    main(sys.argv[1:])
