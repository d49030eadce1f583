"""Sweep benchmark: the kernel against bare HiGHS and a Pyomo rebuild; 10 000 variants.

Run with `make bench` (or `python benchmarks/sweep.py`); writes
benchmarks/results/sweep.json. Everything is measured in this one run, side by
side: rounds of kernel variants, their bare-HiGHS replay and Pyomo rebuilds
take turns, and the medians are compared.

- kernel: per variant, the scenario values -> validated scenario -> model
  data -> `apply` -> changed LP numbers pushed -> the solves the plan needs
  -> the row (`per_variant_ms`); `kernel_ms` leaves out the scenario and
  model-data step.
- floor: the same HiGHS calls the kernel made for the same variants (the
  same changes, bases and sequence of solves), replayed on a bare `highspy`
  copy of the LP with nothing else around them (`highspy_floor_ms`).
- rebuild: `load_scenario` with `--set` overrides, build and solve, as
  `balans solve --set` does (`pyomo_rebuild_ms`).
- end to end: `balans sweep benchmarks/sweep-10000.yaml --workers 2` as a
  process, and the same with 5 000 variants: the peak memory of any process
  (ru_maxrss of the children, so the larger run is measured second).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import highspy
import numpy as np

from balans.model.data import build_data
from balans.model.lp import SWEEP_OPTIONS as HIGHS_OPTIONS
from balans.plan import optimise
from balans.sweep.design import changes, set_options, variants
from balans.sweep.rows import ChunkSolver, collector_paused
from balans.sweep.spec import load_sweep_spec

HERE = Path(__file__).parent
SPEC = HERE / "sweep-10000.yaml"
RESULTS = HERE / "results" / "sweep.json"
ROUNDS = 10
PER_ROUND = 100  # kernel variants a round (replayed on bare HiGHS)
REBUILDS_PER_ROUND = 3
WORKERS = 2

_MUTATING = {
    "changeCoeff",
    "changeRowsBounds",
    "changeColsBounds",
    "changeRowBounds",
    "changeColsCost",
    "setOptionValue",
    "setBasis",
    "run",
    "getModelStatus",
    "getInfo",
    "getBasis",
    "getSolution",
}


class Recorder:
    """Stands in for the kernel's `highspy.Highs`, noting every call made on it."""

    def __init__(self, highs: highspy.Highs) -> None:
        self._highs = highs
        self.calls: list[tuple[str, tuple]] = []

    def __getattr__(self, name: str):
        method = getattr(self._highs, name)
        if name not in _MUTATING:
            return method

        def recorded(*args):
            self.calls.append((name, tuple(_copy(a) for a in args)))
            return method(*args)

        return recorded


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value


def replay(highs: highspy.Highs, calls: list[tuple[str, tuple]]) -> int:
    """Make the same calls on a bare HiGHS; return the simplex iterations."""
    iterations = 0
    for name, args in calls:
        result = getattr(highs, name)(*args)
        if name == "getInfo":
            iterations += result.simplex_iteration_count
    return iterations


def bare_copy(highs: highspy.Highs) -> highspy.Highs:
    """A new HiGHS with the same LP, options and basis."""
    copy = highspy.Highs()
    for option, value in HIGHS_OPTIONS.items():
        copy.setOptionValue(option, value)
    copy.passModel(highs.getLp())
    copy.setBasis(highs.getBasis())
    return copy


def kernel_round(solver: ChunkSolver, chunk, spec, base) -> dict:
    """One round: every variant of `chunk` through the kernel, timed, its calls kept."""
    kernel = solver.kernels["optimal"]
    layout = solver.layout["optimal"]
    real = kernel.session.highs
    kernel.reset()
    floor_start = bare_copy(real)
    recorder = Recorder(real)
    kernel.session.highs = recorder
    data_ms, kernel_ms, variant_calls = [], [], []
    with collector_paused():
        started = time.perf_counter()
        datas = []
        for variant in chunk:
            t0 = time.perf_counter()
            datas.append(
                build_data(base.variant(changes(base, spec.parameters, variant.values)))
            )
            data_ms.append(1000 * (time.perf_counter() - t0))
        t0 = time.perf_counter()
        entries, read, _ = kernel.numbers(datas)
        kernel.reset()
        numbers_ms = 1000 * (time.perf_counter() - t0) / len(chunk)
        for i, data in enumerate(datas):
            before = len(recorder.calls)
            t0 = time.perf_counter()
            layout.vector(kernel.solve(data, entries[:, i], read[:, i]))
            kernel_ms.append(numbers_ms + 1000 * (time.perf_counter() - t0))
            variant_calls.append(recorder.calls[before:])
        seconds = time.perf_counter() - started
    kernel.session.highs = real
    floor_ms, iterations = [], 0
    with collector_paused():
        for calls in variant_calls:
            t0 = time.perf_counter()
            iterations += replay(floor_start, calls)
            floor_ms.append(1000 * (time.perf_counter() - t0))
    return {
        "data_ms": data_ms,
        "kernel_ms": kernel_ms,
        "floor_ms": floor_ms,
        "seconds": seconds,
        "iterations": iterations,
        "solves": sum(1 for calls in variant_calls for n, _ in calls if n == "run"),
    }


def rebuild_ms(spec, base, variant) -> float:
    """`balans solve --set ...` in-process: YAML, overrides, build, solve."""
    from balans.scenario.load import load_scenario

    options = set_options(changes(base, spec.parameters, variant.values))
    t0 = time.perf_counter()
    optimise(load_scenario(spec_base_path(), options), findings=False)
    return 1000 * (time.perf_counter() - t0)


def spec_base_path() -> Path:
    """The base scenario of the benchmark spec."""
    spec, _ = load_sweep_spec(SPEC)
    return (SPEC.parent / spec.base).resolve()


def end_to_end(n: int | None, workers: int) -> dict:
    """`balans sweep` as a process: wall seconds and the peak memory of any process."""
    with tempfile.TemporaryDirectory() as folder:
        spec_file = Path(folder) / "spec.yaml"
        text = SPEC.read_text(encoding="utf-8")
        text = text.replace("../scenarios/", f"{HERE.parent / 'scenarios'}/")
        if n is not None:
            text = text.replace("n: 10000", f"n: {n}")
        spec_file.write_text(text, encoding="utf-8")
        out = Path(folder) / "sweep.parquet"
        script = Path(sys.executable).with_name("balans")
        argv = [str(script), "sweep", str(spec_file), "-o", str(out)]
        argv += ["--workers", str(workers), "--no-progress"]
        t0 = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - t0
        if done.returncode != 0:
            raise SystemExit(f"balans sweep failed: {done.stderr}")
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        import pyarrow.parquet as pq

        rows = pq.read_metadata(out).num_rows
    return {"seconds": seconds, "rows": rows, "peak_rss_mb": peak_kb / 1024}


def main() -> None:
    """Measure, print and write benchmarks/results/sweep.json."""
    spec, base = load_sweep_spec(SPEC)
    design = variants(spec)
    solver = ChunkSolver(spec, base)
    rounds, rebuilds = [], []
    for r in range(ROUNDS):
        chunk = design[r * PER_ROUND : (r + 1) * PER_ROUND]
        rounds.append(kernel_round(solver, chunk, spec, base))
        for k in range(REBUILDS_PER_ROUND):
            rebuilds.append(rebuild_ms(spec, base, design[5000 + r * 10 + k]))
        print(f"round {r + 1}/{ROUNDS}", file=sys.stderr)
    data = [x for r in rounds for x in r["data_ms"]]
    kernel = [x for r in rounds for x in r["kernel_ms"]]
    floor = [x for r in rounds for x in r["floor_ms"]]
    per_variant = [d + k for d, k in zip(data, kernel, strict=True)]
    small = end_to_end(5000, WORKERS)
    full = end_to_end(None, WORKERS)
    count = len(kernel)
    report = {
        "variants": full["rows"],
        "seconds": round(full["seconds"], 2),
        "workers": WORKERS,
        "per_variant_ms": round(statistics.median(per_variant), 3),
        "kernel_ms": round(statistics.median(kernel), 3),
        "scenario_to_data_ms": round(statistics.median(data), 3),
        "highspy_floor_ms": round(statistics.median(floor), 3),
        "pyomo_rebuild_ms": round(statistics.median(rebuilds), 1),
        "ratio_vs_highspy_floor": round(
            statistics.median(per_variant) / statistics.median(floor), 2
        ),
        "kernel_ratio_vs_highspy_floor": round(
            statistics.median(kernel) / statistics.median(floor), 2
        ),
        "speedup_vs_pyomo_rebuild": round(
            statistics.median(rebuilds) / statistics.median(per_variant), 1
        ),
        "solves_per_variant": round(sum(r["solves"] for r in rounds) / count, 2),
        "simplex_iterations_per_variant": round(
            sum(r["iterations"] for r in rounds) / count, 1
        ),
        "measured_variants": count,
        "measured_rebuilds": len(rebuilds),
        "peak_rss_mb": {
            "5000 variants": round(small["peak_rss_mb"], 1),
            "10000 variants": round(full["peak_rss_mb"], 1),
        },
        "seconds_5000": round(small["seconds"], 2),
        "command": "make bench (python benchmarks/sweep.py)",
        "environment": {
            "python": platform.python_version(),
            "highs": highspy.Highs().version(),
            "cores": os.cpu_count(),
            "machine": platform.machine(),
        },
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
