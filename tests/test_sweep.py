"""`balans sweep`: the kernel's LP, rows against one-by-one solves, resume, workers, Dask."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from balans.cli import main
from balans.model.build import build_model
from balans.model.data import build_data
from balans.plan import evaluate, optimise
from balans.scenario.load import ScenarioBase
from balans.sweep.design import changes, set_options, variants
from balans.sweep.kernel import Kernel
from balans.sweep.run import run_sweep
from balans.sweep.spec import load_sweep_spec
from balans.testing import highs_lp, lp_by_names, lp_differences

ROOT = Path(__file__).resolve().parents[1]
DECIDED = ROOT / "scenarios" / "rjh-2026-decided.yaml"
STRICT = ROOT / "scenarios" / "whatif-strict-loans.yaml"
GRID = ROOT / "scenarios" / "sweeps" / "grid-tax-base-interest.yaml"
BALANS = Path(sys.executable).with_name("balans")


def write_spec(folder: Path, text: str, name: str = "spec.yaml") -> Path:
    path = folder / name
    path.write_text(text.replace("BASE", str(DECIDED)), encoding="utf-8")
    return path


SAMPLE = """
base: BASE
plans: [decided, optimal]
chunk_size: 4
parameters:
  tax_base: {path: assumptions.tax_base_growth_pct, change: add}
  interest: {path: assumptions.interest_rate_pct, change: add}
  lpik: {path: assumptions.lpik_pct, change: add, years: [2027, 2028]}
design:
  sample:
    method: lhs
    n: 14
    seed: 3
    ranges: {tax_base: [-1.2, 0.8], interest: [-1.0, 2.5], lpik: [-0.5, 1.5]}
"""


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    spec_path = write_spec(folder, SAMPLE)
    spec, base = load_sweep_spec(spec_path)
    table = folder / "one.parquet"
    run_sweep(spec, base, variants(spec), table, workers=1)
    return spec, base, pd.read_parquet(table), folder, spec_path


# -- the kernel's LP is the model's LP ---------------------------------------


@pytest.mark.parametrize("mode", ["optimal", "decided"])
def test_kernel_lp_equals_a_fresh_build_on_random_variants(mode):
    base = ScenarioBase.read(DECIDED)
    kernel = Kernel(build_data(base.load().scenario), mode)
    rows, columns = kernel.names()
    rng = np.random.default_rng(7)
    tax = base.value_at(["assumptions", "tax_base_growth_pct"])
    largest = 0.0
    for _ in range(8):
        pairs = [
            (("assumptions", "interest_rate_pct", str(y)), float(rng.uniform(0.5, 6)))
            for y in range(2026, 2031)
        ]
        pairs += [
            (("assumptions", "tax_base_growth_pct", str(y)), v + rng.uniform(-2, 2))
            for y, v in tax.items()
        ]
        pairs.append((("assumptions", "lpik_pct", "2028"), float(rng.uniform(1, 5))))
        data = build_data(base.variant(pairs))
        kernel.hold_plain(data)
        ours = lp_by_names(kernel.session.highs.getLp(), rows, columns)
        fresh = highs_lp(build_model(data, mode))
        ours["offset"] = fresh["offset"]  # the kernel reads the objective elsewhere
        structural, difference = lp_differences(ours, fresh)
        assert structural == []
        largest = max(largest, difference)
    assert largest < 1e-9


def test_a_changed_interest_rate_changes_the_kernel_lp():
    base = ScenarioBase.read(DECIDED)
    kernel = Kernel(build_data(base.load().scenario), "optimal")
    rows, columns = kernel.names()
    kernel.hold_plain(build_data(base.load().scenario))
    before = lp_by_names(kernel.session.highs.getLp(), rows, columns)
    pairs = [(("assumptions", "interest_rate_pct", "2028"), 5.5)]
    kernel.hold_plain(build_data(base.variant(pairs)))
    after = lp_by_names(kernel.session.highs.getLp(), rows, columns)
    assert lp_differences(before, after)[1] > 0.001


# -- rows equal one-by-one solves --------------------------------------------


def _index(t) -> str:
    text = str(t.year)
    if t.committee:
        text += f".{t.committee}"
    if t.month:
        text += f"-{t.month:02d}"
    return text


def expected_pairs(r) -> list[tuple[str, float]]:
    """The sweep columns of a PlanResult (as `balans solve --format json` has them)."""
    pairs = [("objective", r.objective)]
    for y in r.years:
        pairs += [
            (f"result.{y}", r.income["result"][y]),
            (f"balanskrav_result.{y}", r.restoration["balanskrav_result"][y]),
            (f"restoration_balance.{y}", r.restoration["closing"][y]),
            (f"loans.{y}", r.balance["loans"][y]),
            (f"fou_tkr.{y}", r.fou_tkr[y]),
            (
                f"lowest_cash.{y}",
                min(c.cash for (yy, _), c in r.liquidity.monthly.items() if yy == y),
            ),
        ]
        pairs += [
            (f"savings.{c}.{y}", r.committees[c]["savings"][y]) for c in r.committees
        ]
    for t in r.targets:
        if t.enforced:
            name = f"target.{t.id}.{_index(t)}"
            pairs += [(f"{name}.value", t.value), (f"{name}.margin", t.margin)]
            pairs += [(f"{name}.met", float(t.met))]
    return pairs


def test_sample_rows_equal_solving_each_variant_one_by_one(sample_run):
    spec, base, table, _, _ = sample_run
    assert len(table) == 2 * 14
    checked = 0
    for variant in variants(spec)[:6]:
        loaded = base.load(set_options(changes(base, spec.parameters, variant.values)))
        for plan, result in (
            ("decided", evaluate(loaded)),
            ("optimal", optimise(loaded, findings=False)),
        ):
            row = table[(table.variant == variant.id) & (table.plan == plan)].iloc[0]
            assert row["status"] == result.status
            for column, value in expected_pairs(result):
                assert float(row[column]) == pytest.approx(value, abs=1e-6), column
                checked += 1
    assert checked > 1000


def test_a_row_equals_balans_solve_set_in_a_subprocess(sample_run):
    spec, base, table, _, _ = sample_run
    variant = variants(spec)[5]
    options = set_options(changes(base, spec.parameters, variant.values))
    argv = [str(BALANS), "solve", str(DECIDED), "--format", "json"]
    for option in options:
        argv += ["--set", option]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    row = table[(table.variant == 5) & (table.plan == "optimal")].iloc[0]
    assert row["objective"] == pytest.approx(document["objective"], abs=1e-4)
    for year, value in document["statements"]["income"]["result"].items():
        assert row[f"result.{year}"] == pytest.approx(value, abs=1e-4)
    compared = 0
    for target in document["targets"]:
        if not target["enforced"]:
            continue
        index = str(target["year"])
        index += f".{target['committee']}" if target["committee"] else ""
        index += f"-{target['month']:02d}" if target["month"] else ""
        name = f"target.{target['id']}.{index}"
        assert row[f"{name}.value"] == pytest.approx(target["value"], abs=1e-4)
        assert bool(row[f"{name}.met"]) == target["met"]
        compared += 1
    assert compared > 100


def test_closest_plans_are_marked_and_carry_their_breaches(sample_run):
    _, _, table, _, _ = sample_run
    optimal = table[table.plan == "optimal"]
    assert optimal["closest"].all()  # the locked 2026 breaks the lånetak
    assert not optimal["target.loan_ceiling.2026.met"].any()
    decided = table[table.plan == "decided"]
    assert (decided["status"] == "evaluated").all()


# -- determinism, workers, resume --------------------------------------------


def test_two_workers_give_the_same_table(sample_run):
    spec, base, table, folder, _ = sample_run
    out = folder / "two.parquet"
    run_sweep(spec, base, variants(spec), out, workers=2)
    pd.testing.assert_frame_equal(pd.read_parquet(out), table)


def test_a_dask_local_cluster_gives_the_same_table(sample_run):
    distributed = pytest.importorskip("distributed")
    spec, base, table, folder, _ = sample_run
    out = folder / "dask.parquet"
    with distributed.LocalCluster(  # two processes, one running two tasks at once
        n_workers=2,
        threads_per_worker=2,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        run_sweep(spec, base, variants(spec), out, scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(pd.read_parquet(out), table)


def test_an_interrupted_sweep_resumes_to_the_same_table(sample_run):
    spec, base, table, folder, _ = sample_run
    out = folder / "resumed.parquet"
    calls = []

    def stop_after_two_chunks(done, total):
        calls.append(done)
        if done >= 8:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(
            spec, base, variants(spec), out, workers=1, progress=stop_after_two_chunks
        )
    parts = out.with_name(out.name + ".parts")
    assert len(list(parts.glob("chunk-*.arrow"))) == 2
    assert not out.exists()
    summary = run_sweep(spec, base, variants(spec), out, workers=1)
    assert summary.resumed_chunks == 2
    assert not parts.exists()
    pd.testing.assert_frame_equal(pd.read_parquet(out), table)


def test_a_killed_sweep_process_resumes_to_the_same_table(sample_run):
    _, _, table, folder, spec_path = sample_run
    out = folder / "killed.parquet"
    parts = out.with_name(out.name + ".parts")
    argv = [str(BALANS), "sweep", str(spec_path), "-o", str(out), "--workers", "1"]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(parts.glob("chunk-*.arrow")):
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    saved = len(list(parts.glob("chunk-*.arrow")))
    if out.exists():  # the whole sweep finished before the kill: nothing to resume
        pytest.skip("the sweep finished before it could be killed")
    assert saved >= 1
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(out), table)


def test_a_changed_spec_does_not_resume_someone_elses_chunks(tmp_path):
    spec_path = write_spec(tmp_path, SAMPLE)
    spec, base = load_sweep_spec(spec_path)
    out = tmp_path / "t.parquet"
    parts = out.with_name(out.name + ".parts")
    parts.mkdir()
    (parts / "manifest.json").write_text('{"key": "another"}')
    from balans.errors import BalansError

    with pytest.raises(BalansError, match="another sweep"):
        run_sweep(spec, base, variants(spec), out, workers=1)


# -- infeasible variants -----------------------------------------------------


def test_infeasible_variants_carry_their_least_relaxation(tmp_path):
    text = f"""
base: {STRICT}
parameters:
  interest: {{path: assumptions.interest_rate_pct, change: add}}
design:
  cases:
    - {{name: as decided, values: {{interest: 0.0}}}}
    - {{name: dearer loans, values: {{interest: 2.0}}}}
"""
    spec_path = tmp_path / "strict.yaml"
    spec_path.write_text(text)
    spec, base = load_sweep_spec(spec_path)
    out = tmp_path / "strict.parquet"
    run_sweep(spec, base, variants(spec), out, workers=1)
    table = pd.read_parquet(out)
    assert list(table["case"]) == ["as decided", "dearer loans"]
    assert (table["status"] == "infeasible").all()
    relaxed = table.filter(like="relaxation.").fillna(0).sum(axis=1)
    assert (relaxed > 0).all()
    loaded = base.load()
    diagnosis = optimise(loaded, findings=False).diagnosis
    by_rule = {}
    for row in diagnosis.relaxations:
        by_rule[row.rule] = by_rule.get(row.rule, 0.0) + row.amount_mkr
    for rule, amount in by_rule.items():
        assert table.iloc[0][f"relaxation.{rule}"] == pytest.approx(amount, abs=1e-6)


# -- designs and bad specs ---------------------------------------------------


def test_a_grid_has_every_combination_in_order():
    spec, _ = load_sweep_spec(GRID)
    design = variants(spec)
    assert len(design) == 5 * 4
    assert design[0].values == {"tax_base": -1.5, "interest": -1.0}
    assert design[1].values == {"tax_base": -1.5, "interest": 0.0}


def test_changes_add_to_every_year_or_set_a_year(tmp_path):
    base = ScenarioBase.read(DECIDED)
    spec, _ = load_sweep_spec(write_spec(tmp_path, SAMPLE))
    pairs = dict(changes(base, spec.parameters, {"interest": 1.0, "lpik": 0.5}))
    rates = base.value_at(["assumptions", "interest_rate_pct"])
    lpik = base.value_at(["assumptions", "lpik_pct"])
    assert pairs[("assumptions", "interest_rate_pct", "2029")] == rates[2029] + 1.0
    assert pairs[("assumptions", "lpik_pct", "2027")] == lpik[2027] + 0.5
    assert ("assumptions", "lpik_pct", "2026") not in pairs


BAD_SPECS = [
    ("colour: red\n", "colour", "unknown key"),
    (
        SAMPLE.replace("[-1.2, 0.8]", "[0.8, -1.2]"),
        "design.sample",
        "range of 'tax_base' is empty",
    ),
    (
        SAMPLE.replace("path: assumptions.lpik_pct", "path: assumptions.lpk_pct"),
        "parameters.lpik.path",
        "not a value",
    ),
    (SAMPLE.replace("method: lhs", "method: halton"), "design", ""),
    (
        SAMPLE.replace("ranges: {tax_base", "ranges: {tax_bas"),
        "design.sample.ranges.tax_bas",
        "unknown parameter",
    ),
    (
        SAMPLE.replace("interest: [-1.0, 2.5]", "interest: [-9.0, 2.5]"),
        "design.sample.ranges.interest.0",
        "refuses",
    ),
    (
        SAMPLE.replace("change: add}", "change: multiply}", 1),
        "parameters.tax_base.change",
        "",
    ),
    (SAMPLE.replace("n: 14", "n: 0"), "design.sample", ""),
]


@pytest.mark.parametrize(("text", "key", "message"), BAD_SPECS)
def test_a_bad_spec_fails_before_solving_with_file_key_and_line(
    tmp_path, text, key, message
):
    spec_path = write_spec(
        tmp_path, SAMPLE.strip() + "\n" + text if text.startswith("colour") else text
    )
    result = CliRunner().invoke(
        main, ["sweep", str(spec_path), "-o", str(tmp_path / "x.parquet")]
    )
    assert result.exit_code == 1
    line = result.output.strip().splitlines()[-1]
    assert str(spec_path) in line and key in line and message in line
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.parquet.parts").exists()


# -- the command -------------------------------------------------------------


def test_the_command_writes_parquet_and_csv_and_says_so(tmp_path):
    spec_path = write_spec(tmp_path, SAMPLE)
    runner = CliRunner()
    result = runner.invoke(
        main, ["sweep", str(spec_path), "-o", str(tmp_path / "t.csv"), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "14 varianter, 28 rader" in result.output
    csv = pd.read_csv(tmp_path / "t.csv")
    assert len(csv) == 28 and "savings_total" in csv
    result = runner.invoke(
        main,
        [
            "sweep",
            str(spec_path),
            "-o",
            str(tmp_path / "t.parquet"),
            "--lang",
            "en",
            "--workers",
            "1",
        ],
    )
    assert "14 variants, 28 rows" in result.output
    assert pd.read_parquet(tmp_path / "t.parquet")["savings_total"].notna().all()


def test_the_command_refuses_an_output_that_is_an_input(tmp_path):
    spec_path = write_spec(tmp_path, SAMPLE)
    result = CliRunner().invoke(
        main, ["sweep", str(spec_path), "-o", str(spec_path), "--format", "csv"]
    )
    assert result.exit_code == 1
    assert "an input of this run" in result.output


def test_the_command_runs_in_a_real_process(tmp_path):
    out = tmp_path / "grid.parquet"
    done = subprocess.run(
        [str(BALANS), "sweep", str(GRID), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "100"},
    )
    assert done.returncode == 0, done.stderr
    assert "20 varianter, 40 rader" in done.stdout
    table = pd.read_parquet(out)
    assert set(table["plan"]) == {"decided", "optimal"}
    assert len(table) == 40


def test_the_progress_bar_shows_count_and_rate_on_a_terminal(monkeypatch):
    import io

    from balans.sweep.command import progress_bar

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with progress_bar(True, "sv") as report:
        report(0, 10)
        report(5, 10)
    assert "svep" in screen.getvalue() and "5/10" in screen.getvalue()


def test_no_progress_bar_when_stderr_is_not_a_terminal():
    from balans.sweep.command import progress_bar

    with progress_bar(True, "sv") as report:
        assert report is None


# -- a chunk computed as one -------------------------------------------------


def _chunk_spec(tmp_path, parameters: str, ranges: str, n: int = 6) -> Path:
    return write_spec(
        tmp_path,
        f"""
base: BASE
plans: [decided, optimal]
chunk_size: {n}
parameters:
{parameters}
design:
  sample:
    method: lhs
    n: {n}
    seed: 5
    ranges: {ranges}
""",
    )


SHIPPED_DRIVERS = """  tax_base: {path: assumptions.tax_base_growth_pct, change: add}
  lpik: {path: assumptions.lpik_pct, change: add}
  interest: {path: assumptions.interest_rate_pct, change: add}
  pharma: {path: budget.pharma_grant, change: relative}
"""


def test_a_stacked_chunk_gives_every_variant_its_own_lp_numbers(tmp_path):
    from balans.sweep.rows import ChunkSolver

    spec, base = load_sweep_spec(
        _chunk_spec(
            tmp_path,
            SHIPPED_DRIVERS,
            "{tax_base: [-1.5, 1.0], lpik: [-0.8, 1.6], interest: [-1.5, 2.0], "
            "pharma: [-8.0, 2.0]}",
        )
    )
    solver = ChunkSolver(spec, base)
    chunk = variants(spec)
    data = solver.chunk_data(chunk)
    assert data.stacked is not None
    for plan, kernel in solver.kernels.items():
        entries, read, errors, _ = solver.numbers(kernel, data)
        one_by_one = [
            build_data(base.variant(changes(base, spec.parameters, v.values)))
            for v in chunk
        ]
        own, own_read, _ = kernel.numbers(one_by_one)
        assert errors == [None] * len(chunk), plan
        assert np.array_equal(entries, own, equal_nan=True), plan
        assert np.array_equal(read, own_read, equal_nan=True), plan
    assert solver.stacked_chunks == 2 and solver.single_chunks == 0


def test_a_chunk_that_cannot_be_stacked_is_taken_one_variant_at_a_time(tmp_path):
    from balans.sweep.rows import ChunkSolver

    # a committee's costs set its share of the cost pressure: the model data
    # branches on them, so the chunk is computed one variant at a time
    spec, base = load_sweep_spec(
        _chunk_spec(
            tmp_path,
            "  costs: {path: budget.committees.RS.costs, change: relative}\n",
            "{costs: [-2.0, 2.0]}",
            n=3,
        )
    )
    solver = ChunkSolver(spec, base)
    chunk = variants(spec)
    table = solver.rows(chunk).to_pandas()
    assert solver.single_chunks == 2 and solver.stacked_chunks == 0
    for variant in chunk:
        loaded = base.load(set_options(changes(base, spec.parameters, variant.values)))
        result = optimise(loaded, findings=False)
        row = table[(table.variant == variant.id) & (table.plan == "optimal")].iloc[0]
        for column, value in expected_pairs(result):
            assert float(row[column]) == pytest.approx(value, abs=1e-6), column


def test_invalid_variants_in_a_stacked_chunk_keep_their_message(tmp_path):
    from balans.errors import BalansError
    from balans.sweep.rows import ChunkSolver

    text = f"""
base: {DECIDED}
chunk_size: 4
parameters:
  interest: {{path: assumptions.interest_rate_pct, change: add}}
design:
  cases:
    - {{name: a, values: {{interest: 0.5}}}}
    - {{name: negative, values: {{interest: -5.0}}}}
    - {{name: b, values: {{interest: 1.5}}}}
    - {{name: c, values: {{interest: 2.5}}}}
"""
    spec_path = tmp_path / "cases.yaml"
    spec_path.write_text(text)
    spec, base = load_sweep_spec(spec_path)
    solver = ChunkSolver(spec, base)
    table = solver.rows(variants(spec))
    assert solver.stacked_chunks == 1
    rows = table.to_pandas()
    with pytest.raises(BalansError) as refused:
        base.variant(changes(base, spec.parameters, {"interest": -5.0}))
    bad = rows[rows.case == "negative"].iloc[0]
    assert bad["status"] == "invalid" and bad["message"] == str(refused.value)
    assert rows[rows.case != "negative"]["objective"].notna().all()
    assert (
        bad.drop(["variant", "case", "param.interest", "plan", "status"])
        .drop(["closest", "solves", "message"])
        .isna()
        .all()
    )
    # the schema, nulls and pandas metadata are what pandas itself would make
    import pyarrow as pa

    again = pa.Schema.from_pandas(rows, preserve_index=False)
    assert again.equals(table.schema, check_metadata=True)
