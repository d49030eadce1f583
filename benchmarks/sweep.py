"""Sweep benchmark: the kernel against bare HiGHS and a Pyomo rebuild; 10 000 variants.

Run with `make bench` (or `python benchmarks/sweep.py`); writes
benchmarks/results/sweep.json. Everything is measured in this one run, side by
side: rounds of kernel variants (each replayed on bare HiGHS right after it)
and Pyomo rebuilds take turns, and the medians are compared.

- kernel: per variant, what `balans sweep` does with a chunk (sweep/rows.py):
  the scenario values -> each variant validated -> the chunk's model data
  (stacked, sweep/stack.py) -> `apply` -> the LP numbers -> for each variant
  the changed numbers pushed, the solves the plan needs, the readouts -> the
  chunk's Arrow table (`per_variant_ms`). The chunk-wide steps are shared
  out evenly over its variants. `kernel_ms` leaves out the scenario and
  model-data step (`scenario_to_data_ms`).
- floor: the same HiGHS calls the kernel made for the same variants (the
  same changes, bases and sequence of solves), replayed on a bare `highspy`
  copy of the LP with nothing else around them (`highspy_floor_ms`).
- rebuild: `load_scenario` with `--set` overrides, build and solve, as
  `balans solve --set` does (`pyomo_rebuild_ms`).
- end to end: `balans sweep benchmarks/sweep-10000.yaml --workers 2` as a
  process, and the same with 5 000 variants: the peak memory of any process
  (ru_maxrss of the children, so the larger run is measured second). Then
  100 000 variants (`seconds_100000`): the memory of the parent and its
  workers summed, sampled while it runs (`peak_rss_mb_summed`, also for
  10 000 variants, and `rss_mb_summed_100000`: the summed peak in each
  tenth of the run, flat when memory does not grow with the sweep). RSS
  counts the pages forked workers share with the parent once per process;
  `peak_pss_mb_summed` shares them out.
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

from balans.model.lp import SWEEP_OPTIONS as HIGHS_OPTIONS
from balans.plan import optimise
from balans.sweep.design import changes, set_options, variants
from balans.sweep.rows import ChunkSolver, collector_paused
from balans.sweep.spec import load_sweep_spec

HERE = Path(__file__).parent
SPEC = HERE / "sweep-10000.yaml"
RESULTS = HERE / "results" / "sweep.json"
ROUNDS = 10  # a chunk of the spec's size each, replayed on bare HiGHS
REBUILDS_PER_ROUND = 3
WORKERS = 2
LARGE = 100_000  # variants of the memory run
PAGE = os.sysconf("SC_PAGE_SIZE")

# Every HiGHS call the kernel makes around a solve (replayed for the floor).
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
    "getInfoValue",
    "getObjectiveValue",
    "getBasis",
    "getSolution",
}


class Recorder:
    """Stands in for the kernel's `highspy.Highs`, noting every call made on it.

    Noting a call costs a list append (its own cost stays in the kernel's
    time); the arrays passed are copied afterwards (`taken`), outside the
    timed stretch: the kernel never changes an array once it passed it.
    """

    def __init__(self, highs: highspy.Highs) -> None:
        self._highs = highs
        self.calls: list[tuple[str, tuple]] = []
        for name in _MUTATING:
            setattr(self, name, self._noting(name, getattr(highs, name)))

    def _noting(self, name: str, method):
        def recorded(*args):
            self.calls.append((name, args))
            return method(*args)

        return recorded

    def __getattr__(self, name: str):
        return getattr(self._highs, name)

    def taken(self) -> list[tuple[str, tuple]]:
        """The calls noted since the last time, with copies of their arrays."""
        calls = [(name, tuple(_copy(a) for a in args)) for name, args in self.calls]
        self.calls = []
        return calls


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value


def replay(highs: highspy.Highs, calls: list[tuple[str, tuple]]) -> int:
    """Make the same calls on a bare HiGHS; return the simplex iterations.

    The iterations are read after each solve (one `getInfoValue`, well under
    a microsecond, counted in the floor's time).
    """
    iterations = 0
    for name, args in calls:
        getattr(highs, name)(*args)
        if name == "run":
            iterations += highs.getInfoValue("simplex_iteration_count")[1]
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
    """One round: a chunk through the kernel as `balans sweep` does, and its floor.

    The steps made once for the chunk (validation, stacked model data, LP
    numbers, the table) are timed as a whole and shared out over its variants;
    each variant's push, solves and readouts are timed on their own, and the
    HiGHS calls it made are replayed on the bare copy right after it (so a
    change of the machine's load touches both alike).
    """
    kernel = solver.kernels["optimal"]
    real = kernel.session.highs
    kernel.reset()
    floor_start = bare_copy(real)
    recorder = Recorder(real)
    kernel.session.highs = recorder
    kernel_ms, floor_ms, outcomes, iterations, solves = [], [], [], 0, 0
    with collector_paused():
        started = time.perf_counter()
        t0 = time.perf_counter()
        data = solver.chunk_data(chunk)
        data_ms = 1000 * (time.perf_counter() - t0) / len(chunk)
        t0 = time.perf_counter()
        stacked_before = solver.stacked_chunks
        entries, read, errors, datas = solver.numbers(kernel, data)
        kernel.reset()
        numbers_ms = 1000 * (time.perf_counter() - t0) / len(chunk)
        if any(errors) or len(data.valid) != len(chunk):
            raise SystemExit("a benchmark variant is invalid")
        recorder.taken()
        for i, variant_data in enumerate(datas):
            t0 = time.perf_counter()
            outcomes.append(kernel.solve(variant_data, entries[:, i], read[:, i]))
            kernel_ms.append(1000 * (time.perf_counter() - t0))
            calls = recorder.taken()
            t0 = time.perf_counter()
            iterations += replay(floor_start, calls)
            floor_ms.append(1000 * (time.perf_counter() - t0))
            solves += sum(1 for name, _ in calls if name == "run")
        t0 = time.perf_counter()
        solver.table(chunk, {"optimal": outcomes})
        table_ms = 1000 * (time.perf_counter() - t0) / len(chunk)
        seconds = time.perf_counter() - started
    kernel.session.highs = real
    kernel_ms = [numbers_ms + ms + table_ms for ms in kernel_ms]
    return {
        "data_ms": [data_ms] * len(chunk),
        "kernel_ms": kernel_ms,
        "floor_ms": floor_ms,
        "seconds": seconds,
        "iterations": iterations,
        "solves": solves,
        "stacked": solver.stacked_chunks > stacked_before,
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
    """`balans sweep` as a process: wall seconds and memory.

    `peak_rss_mb` is the peak of any one process (ru_maxrss of the children);
    `summed_mb` samples the resident memory of the sweep process and all its
    descendants together while it runs (every 0.1 s) and keeps the peak of
    each tenth of the run.
    """
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
        process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        samples = []
        while process.poll() is None:
            samples.append((time.perf_counter() - t0, *tree_memory_mb(process.pid)))
            time.sleep(0.1)
        seconds = time.perf_counter() - t0
        _, stderr = process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"balans sweep failed: {stderr}")
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        import pyarrow.parquet as pq

        rows = pq.read_metadata(out).num_rows
    tenths = [0.0] * 10
    for at, mb, _ in samples:
        tenth = min(9, int(10 * at / seconds))
        tenths[tenth] = max(tenths[tenth], mb)
    return {
        "seconds": seconds,
        "rows": rows,
        "peak_rss_mb": peak_kb / 1024,
        "summed_mb": max((mb for _, mb, _ in samples), default=0.0),
        "summed_pss_mb": max((pss for _, _, pss in samples), default=0.0),
        "summed_tenths_mb": tenths,
    }


def tree_memory_mb(pid: int) -> tuple[float, float]:
    """Resident memory of a process and all its descendants, summed (MB).

    RSS counts the pages a forked worker shares with its parent in both;
    PSS shares them out, so its sum is the memory the sweep really holds.
    """
    rss = pss = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm", encoding="ascii") as statm:
                rss += int(statm.read().split()[1]) * PAGE
            with open(f"/proc/{current}/smaps_rollup", encoding="ascii") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
                        break
            with open(
                f"/proc/{current}/task/{current}/children", encoding="ascii"
            ) as children:
                todo += [int(child) for child in children.read().split()]
        except (OSError, ValueError):  # the process ended meanwhile
            continue
    return rss / 2**20, pss / 2**20


def main() -> None:
    """Measure, print and write benchmarks/results/sweep.json."""
    spec, base = load_sweep_spec(SPEC)
    design = variants(spec)
    solver = ChunkSolver(spec, base)
    rounds, rebuilds = [], []
    for r in range(ROUNDS):
        size = spec.chunk_size
        chunk = design[r * size : (r + 1) * size]
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
    large = end_to_end(LARGE, WORKERS)
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
        "seconds_100000": round(large["seconds"], 2),
        "peak_rss_mb_summed": {
            "10000 variants": round(full["summed_mb"], 1),
            "100000 variants": round(large["summed_mb"], 1),
        },
        "peak_pss_mb_summed": {
            "10000 variants": round(full["summed_pss_mb"], 1),
            "100000 variants": round(large["summed_pss_mb"], 1),
        },
        "rss_mb_summed_100000": {
            "peak per tenth of the run": [
                round(mb, 1) for mb in large["summed_tenths_mb"]
            ],
            "rows": large["rows"],
        },
        "stacked_rounds": f"{sum(r['stacked'] for r in rounds)}/{len(rounds)}",
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
