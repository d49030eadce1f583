"""`balans risk`: draws, probabilities, Sobol' and PRIM wiring, rows = solve --set, CLI."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from scipy import stats

from balans.cli import main
from balans.plan import evaluate, optimise
from balans.scenario.load import ScenarioBase
from balans.sweep import analysis, sampling
from balans.sweep.design import changes, set_options
from balans.sweep.spec import RiskSpec, load_risk_spec
from balans.testing import run_in_process

ROOT = Path(__file__).resolve().parents[1]
DECIDED = ROOT / "scenarios" / "rjh-2026-decided.yaml"
SHIPPED = ROOT / "scenarios" / "sweeps" / "risk-drivers.yaml"
BALANS = Path(sys.executable).with_name("balans")


def risk_spec(parameters: dict, **extra) -> RiskSpec:
    """A spec without files (the base is never read here)."""
    return RiskSpec.model_validate(
        {"base": "x.yaml", "parameters": parameters, **extra}
    )


def driver(kind: str, **numbers) -> dict:
    return {
        "path": "assumptions.lpik_pct",
        "change": "add",
        "distribution": {"kind": kind, **numbers},
    }


# -- sampling ----------------------------------------------------------------


def test_marginals_keep_their_distribution():
    spec = risk_spec(
        {
            "a": driver("normal", mean=1.0, sd=0.5),
            "b": driver("triangular", low=-1.0, mode=0.0, high=2.0),
            "c": driver("uniform", low=2.0, high=4.0),
        }
    )
    x = sampling.monte_carlo(spec, 20_000, 7)
    assert x.shape == (20_000, 3)
    assert x[:, 0].mean() == pytest.approx(1.0, abs=0.02)
    assert x[:, 0].std() == pytest.approx(0.5, abs=0.02)
    assert x[:, 1].mean() == pytest.approx(1 / 3, abs=0.03)  # (low + mode + high) / 3
    assert x[:, 1].min() >= -1.0 and x[:, 1].max() <= 2.0
    assert x[:, 2].min() >= 2.0 and x[:, 2].max() <= 4.0
    assert stats.kstest(x[:, 2], stats.uniform(2, 2).cdf).pvalue > 0.01
    tri = stats.triang(c=1 / 3, loc=-1, scale=3)
    assert stats.kstest(x[:, 1], tri.cdf).pvalue > 0.01


def test_correlated_drivers_keep_marginals_and_rank_correlation():
    rho = 0.6
    spec = risk_spec(
        {
            "a": driver("normal", mean=0.0, sd=1.0),
            "b": driver("uniform", low=0.0, high=1.0),
            "c": driver("triangular", low=0.0, mode=0.2, high=1.0),
        },
        correlations={"drivers": ["a", "b"], "matrix": [[1, rho], [rho, 1]]},
    )
    x = sampling.monte_carlo(spec, 20_000, 3)
    spearman = stats.spearmanr(x[:, 0], x[:, 1]).statistic
    assert spearman == pytest.approx(6 / math.pi * math.asin(rho / 2), abs=0.03)
    assert abs(stats.spearmanr(x[:, 0], x[:, 2]).statistic) < 0.03
    assert stats.kstest(x[:, 1], stats.uniform(0, 1).cdf).pvalue > 0.01
    assert x[:, 0].std() == pytest.approx(1.0, abs=0.03)


def test_a_singular_but_psd_matrix_draws_identical_ranks():
    spec = risk_spec(
        {"a": driver("uniform", low=0, high=1), "b": driver("uniform", low=5, high=6)},
        correlations={"drivers": ["a", "b"], "matrix": [[1, 1], [1, 1]]},
    )
    x = sampling.monte_carlo(spec, 500, 1)
    assert np.allclose(x[:, 1] - x[:, 0], 5.0)


def test_empirical_draws_interpolate_the_listed_outcomes():
    outcomes = [-0.62, -1.57, 2.15, 0.1, 0.95]
    spec = risk_spec({"e": driver("empirical", values=outcomes)})
    x = sampling.monte_carlo(spec, 5_000, 2)[:, 0]
    assert x.min() >= min(outcomes) and x.max() <= max(outcomes)
    ppf = sampling.quantile_function(spec.parameters["e"].distribution)
    assert ppf(np.array([0.0, 0.5, 1.0])).tolist() == [-1.57, 0.1, 2.15]
    assert ppf(np.array([0.125]))[0] == pytest.approx((-1.57 - 0.62) / 2)


def test_the_same_seed_draws_the_same_and_another_seed_does_not():
    spec, _ = load_risk_spec(SHIPPED)
    a, b = sampling.monte_carlo(spec, 50, 1), sampling.monte_carlo(spec, 50, 1)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, sampling.monte_carlo(spec, 50, 2))
    assert np.array_equal(sampling.saltelli(spec), sampling.saltelli(spec))


def test_the_sobol_design_has_n_times_2d_plus_2_points():
    spec, _ = load_risk_spec(SHIPPED)
    design = sampling.saltelli(spec)
    d = len(spec.parameters)
    assert design.shape == (spec.sensitivity.base_samples * (2 * d + 2), d)
    assert np.isfinite(design).all()


# -- analysis on constructed tables ------------------------------------------


def constructed_table() -> pd.DataFrame:
    """8 variants, two plans; a rule over two years and a monthly rule."""
    rows = []
    met_2026 = [True, True, False, True, True, True, True, False]
    met_2027 = [True, False, False, True, True, True, True, True]
    months = [True, True, True, True, False, True, True, True]
    for v in range(8):
        for plan in ("decided", "optimal"):
            ok = plan == "optimal"
            rows.append(
                {
                    "variant": v,
                    "plan": plan,
                    "status": "evaluated" if plan == "decided" else "optimal",
                    "savings_total": 100.0 if plan == "decided" else 10.0 * (v + 1),
                    "target.result_non_negative.2026.met": met_2026[v] or ok,
                    "target.result_non_negative.2027.met": met_2027[v] or ok,
                    "target.liquidity_floor.2026-01.met": months[v],
                    "target.liquidity_floor.2026-02.met": True,
                }
            )
    table = pd.DataFrame(rows)
    for column in table.filter(like=".met").columns:
        table[column] = table[column].astype("boolean")  # as run.py writes them
    table.loc[15, "status"] = "infeasible"  # variant 7's optimal: no plan
    table.loc[15, "target.liquidity_floor.2026-01.met"] = None
    table.loc[15, "savings_total"] = np.nan
    return table


def test_probabilities_count_every_entry_and_no_plan_as_not_holding():
    found = analysis.probabilities(constructed_table(), ["decided", "optimal"])
    by = {(e["target"], e["year"]): e for e in found}
    assert by[("result_non_negative", 2026)]["decided"] == 6 / 8
    assert by[("result_non_negative", 2027)]["decided"] == 6 / 8
    assert by[("result_non_negative", None)]["decided"] == 5 / 8  # both years
    assert by[("result_non_negative", 2026)]["optimal"] == 1.0
    assert by[("liquidity_floor", 2026)]["decided"] == 7 / 8
    assert by[("liquidity_floor", 2026)]["optimal"] == 6 / 8  # month 1 or no plan
    assert ("liquidity_floor", None) not in by  # one year only
    assert by[("all_targets", None)]["decided"] == 4 / 8
    assert by[("result_non_negative", 2026)]["label_sv"] == "Årets resultat ≥ 0"


def test_savings_percentiles_are_of_the_optimal_rows_with_a_plan():
    s = analysis.savings_needed(constructed_table())
    values = np.arange(1, 8) * 10.0  # variant 7 has no plan
    assert s["p50"] == pytest.approx(np.percentile(values, 50))
    assert s["p5"] == pytest.approx(np.percentile(values, 5))
    assert s["mean"] == pytest.approx(40.0)
    assert s["variants"] == 7 and s["decided"] == 100.0 and s["unit"] == "Mkr"


def _sobol_of(function, parameters: dict, base_samples: int) -> dict:
    spec = risk_spec(
        parameters, sensitivity={"base_samples": base_samples, "output": "objective"}
    )
    design = sampling.saltelli(spec)
    table = pd.DataFrame(
        {
            "variant": range(len(design)),
            "plan": "optimal",
            "objective": function(design),
        }
    )
    return {e["driver"]: e for e in analysis.sobol_indices(spec, table, seed=1)}


def test_sobol_indices_of_a_linear_model_are_its_variance_shares():
    # y = 2 a + b with a, b uniform on [0, 1]: Var 4/12 and 1/12 -> 0.8 and 0.2.
    u = {
        "path": "assumptions.lpik_pct",
        "distribution": {"kind": "uniform", "low": 0, "high": 1},
    }
    found = _sobol_of(lambda x: 2 * x[:, 0] + x[:, 1], {"a": u, "b": u}, 1024)
    assert found["a"]["S1"] == pytest.approx(0.8, abs=0.03)
    assert found["b"]["S1"] == pytest.approx(0.2, abs=0.03)
    assert found["a"]["ST"] == pytest.approx(0.8, abs=0.03)
    assert found["a"]["S1_conf"] < 0.1


def test_sobol_indices_of_the_ishigami_function():
    # Ishigami (a=7, b=0.1) on uniform(-pi, pi): S1 0.314 / 0.442 / 0, ST 0.558 / 0.442 / 0.244.
    u = {
        "path": "assumptions.lpik_pct",
        "distribution": {"kind": "uniform", "low": -math.pi, "high": math.pi},
    }

    def ishigami(x):
        return (
            np.sin(x[:, 0])
            + 7 * np.sin(x[:, 1]) ** 2
            + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
        )

    found = _sobol_of(ishigami, {"x1": u, "x2": u, "x3": u}, 2048)
    for name, s1, st in (
        ("x1", 0.314, 0.558),
        ("x2", 0.442, 0.442),
        ("x3", 0.0, 0.244),
    ):
        assert found[name]["S1"] == pytest.approx(s1, abs=0.05), name
        assert found[name]["ST"] == pytest.approx(st, abs=0.05), name


def test_prim_finds_a_planted_box():
    rng = np.random.default_rng(5)
    x = pd.DataFrame(rng.uniform(0, 1, (3000, 3)), columns=["a", "b", "c"])
    inside = (x.a < 0.3) & (x.b > 0.6)
    noise = rng.uniform(size=len(x)) < 0.03
    y = (inside ^ noise).to_numpy()
    box, coverage, density = analysis.prim_box(x, y)
    limits = {b["driver"]: b for b in box}
    assert set(limits) == {"a", "b"}
    assert limits["a"]["low"] is None and limits["a"]["high"] == pytest.approx(
        0.3, abs=0.05
    )
    assert limits["b"]["high"] is None and limits["b"]["low"] == pytest.approx(
        0.6, abs=0.05
    )
    assert density > 0.85 and coverage > 0.7


def test_a_discovery_sentence_gives_the_level_and_the_change():
    spec, base = load_risk_spec(SHIPPED)
    entry = {
        "share": 0.7,
        "coverage": 0.55,
        "density": 0.8,
        "box": [
            {"driver": "tax_base", "low": None, "high": -0.5},
            {"driver": "pharma", "low": -4.0, "high": None},
        ],
        "label_sv": "Återställandet 2030 misslyckas",
        "label_en": "The 2030 restoration goal fails",
    }
    sv, en = analysis.discovery_texts(entry, spec, base)
    # Tabell 21: the region's forecast 3.60 % (2026) and 3.48 % (2027, carried on).
    assert sv.startswith("Återställandet 2030 misslyckas i 80 % av fallen där")
    assert "skatteunderlagets tillväxt är under 3,10 % 2026 och 2,98 % 2027–2030" in sv
    assert "(ändring under -0,50 procentenheter mot scenariot)" in sv
    assert "ändras med över -4,00 %" in sv
    assert "Där finns 55 % av alla fall" in sv
    assert "the tax base growth is below 3.10 % in 2026 and 2.98 % in 2027–2030" in en
    assert "(a change below -0.50 percentage points from the scenario)" in en


# -- the command -------------------------------------------------------------

SMALL = """
base: BASE
plans: [decided, optimal]
chunk_size: 8
samples: 24
seed: 4
parameters:
  tax_base:
    path: assumptions.tax_base_growth_pct
    change: add
    years: [2026, 2027, 2028, 2029, 2030]
    distribution: {kind: normal, mean: 0.0, sd: 0.8}
  lpik:
    path: assumptions.lpik_pct
    change: add
    distribution: {kind: triangular, low: -0.5, mode: 0.0, high: 1.5}
  interest:
    path: assumptions.interest_rate_pct
    change: add
    distribution: {kind: empirical, values: [-1.0, 0.0, 0.5, 2.0]}
correlations:
  drivers: [tax_base, lpik]
  matrix: [[1.0, 0.5], [0.5, 1.0]]
sensitivity: {base_samples: 8, output: savings_total}
"""


def write_spec(folder: Path, text: str = SMALL, name: str = "spec.yaml") -> Path:
    path = folder / name
    path.write_text(text.replace("BASE", str(DECIDED)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("risk")
    spec_path = write_spec(folder)
    out = folder / "one.json"
    table = folder / "one.parquet"
    result = CliRunner().invoke(
        main,
        [
            "risk",
            str(spec_path),
            "-o",
            str(out),
            "--output-table",
            str(table),
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    return folder, spec_path, document, pd.read_parquet(table)


def test_the_json_has_the_documented_shape(small_run):
    _, spec_path, document, table = small_run
    assert document["spec"] == str(spec_path)
    assert document["samples"] == 24 and document["seed"] == 4
    assert [d["name"] for d in document["drivers"]] == ["tax_base", "lpik", "interest"]
    assert document["drivers"][0]["distribution"] == "normal(0, 0.8)"
    goal = [
        p
        for p in document["probabilities"]
        if p["target"] == "restoration_goal" and p["year"] == 2030
    ][0]
    assert set(goal) >= {"target", "year", "label_sv", "label_en", "decided", "optimal"}
    decided = table[table.plan == "decided"]
    assert goal["decided"] == decided["target.restoration_goal.2030.met"].mean()
    assert set(document["savings_needed"]) >= {"p5", "p25", "p50", "p75", "p95", "mean"}
    assert document["fan_plan"] == "optimal"
    assert set(document["fan"]) == {"result", "lowest_cash", "restoration_balance"}
    fan_2030 = document["fan"]["restoration_balance"]["2030"]
    optimal = table[table.plan == "optimal"]["restoration_balance.2030"]
    assert fan_2030["p50"] == pytest.approx(optimal.median())
    assert list(fan_2030) == ["p5", "p25", "p50", "p75", "p95"]
    sobol = document["sobol"]
    assert {s["driver"] for s in sobol} == {"tax_base", "lpik", "interest"}
    assert set(sobol[0]) >= {"driver", "output", "S1", "S1_conf", "ST", "ST_conf"}
    assert document["sobol_design"]["variants"] == 8 * (2 * 3 + 2)
    for entry in document["discovery"]:
        assert set(entry) >= {
            "outcome",
            "coverage",
            "density",
            "box",
            "text_sv",
            "text_en",
        }
    first = document["discovery"][0]
    assert (first["outcome"], first["year"]) == ("restoration_goal fails", 2030)
    assert first["text_sv"].startswith("Återställandet 2030 misslyckas")


def test_the_table_has_a_row_per_draw_and_plan(small_run):
    _, _, _, table = small_run
    assert len(table) == 2 * 24
    assert list(table.filter(like="param.").columns) == [
        "param.tax_base",
        "param.lpik",
        "param.interest",
    ]
    assert table["param.interest"].between(-1.0, 2.0).all()


def test_risk_rows_equal_balans_solve_set(small_run):
    _, spec_path, _, table = small_run
    spec, base = load_risk_spec(spec_path)
    draws = sampling.as_variants(spec, sampling.monte_carlo(spec))
    checked = 0
    for variant in draws[:3]:
        row = table[table.variant == variant.id]
        for name, value in variant.values.items():
            assert row[f"param.{name}"].iloc[0] == value
        loaded = base.load(set_options(changes(base, spec.parameters, variant.values)))
        for plan, result in (
            ("decided", evaluate(loaded)),
            ("optimal", optimise(loaded, findings=False)),
        ):
            r = row[row.plan == plan].iloc[0]
            assert r["status"] == result.status
            assert r["objective"] == pytest.approx(result.objective, abs=1e-6)
            for y in result.years:
                assert r[f"result.{y}"] == pytest.approx(
                    result.income["result"][y], abs=1e-6
                )
                assert r[f"restoration_balance.{y}"] == pytest.approx(
                    result.restoration["closing"][y], abs=1e-6
                )
            for t in result.targets:
                if t.enforced and t.id == "restoration_goal":
                    assert bool(r[f"target.restoration_goal.{t.year}.met"]) == t.met
                    checked += 1
    assert checked == 6


def test_a_risk_row_equals_balans_solve_set_on_the_command_line(small_run):
    """The command line's `balans solve --set ...` (in-process: test_sweep compares a
    sweep row with the same command in a real process)."""
    _, spec_path, _, table = small_run
    spec, base = load_risk_spec(spec_path)
    variant = sampling.as_variants(spec, sampling.monte_carlo(spec))[5]
    argv = ["solve", str(DECIDED), "--format", "json"]
    for option in set_options(changes(base, spec.parameters, variant.values)):
        argv += ["--set", option]
    done = run_in_process(*argv)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    row = table[(table.variant == 5) & (table.plan == "optimal")].iloc[0]
    assert row["objective"] == pytest.approx(document["objective"], abs=1e-4)
    for year, value in document["statements"]["income"]["result"].items():
        assert row[f"result.{year}"] == pytest.approx(value, abs=1e-4)


def test_two_workers_and_a_rerun_give_the_same_table_and_answers(small_run):
    folder, spec_path, document, table = small_run
    out, again = folder / "two.json", folder / "two.parquet"
    result = CliRunner().invoke(
        main,
        ["risk", str(spec_path), "-o", str(out), "--output-table", str(again)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(pd.read_parquet(again), table)
    second = json.loads(out.read_text(encoding="utf-8"))
    for key in ("probabilities", "savings_needed", "fan", "sobol", "discovery"):
        assert second[key] == document[key], key


def test_the_terminal_report_in_swedish_and_english(small_run, tmp_path, monkeypatch):
    folder, spec_path, _, _ = small_run
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(
        main, ["risk", str(spec_path), "--workers", "1", "--no-sensitivity"]
    )
    assert result.exit_code == 0, result.output
    assert "Sannolikhet att målvärdet håller, beslutad plan" in result.output
    assert (
        "Återställande" in result.output and "Scenarioupptäckt (PRIM)" in result.output
    )
    assert "Besparing som den optimala planen behöver" in result.output
    assert (tmp_path / "spec-risk.parquet").exists()  # the default table, here
    assert not (tmp_path / "spec-risk-sobol.parquet").exists()
    result = runner.invoke(
        main,
        ["risk", str(spec_path), "--workers", "1", "--lang", "en", "--samples", "12"],
    )
    assert result.exit_code == 0, result.output
    assert "Probability that the target holds, optimal plan" in result.output
    assert "Risk: 12 draws (seed 4)" in result.output
    assert "What drives savings needed" in result.output


def test_json_to_stdout_and_a_parquet_output_names_the_table(small_run, tmp_path):
    _, spec_path, _, _ = small_run
    table = tmp_path / "mc.parquet"
    result = CliRunner().invoke(
        main,
        [
            "risk",
            str(spec_path),
            "--format",
            "json",
            "-o",
            str(table),
            "--no-sensitivity",
            "--samples",
            "10",
            "--seed",
            "9",
            "--workers",  # default workers: test_two_workers_and_a_rerun_...
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["seed"] == 9 and document["sobol"] == []
    assert len(pd.read_parquet(table)) == 20


BAD = [
    (SMALL + "colour: red\n", "colour", "unknown key"),
    (SMALL.replace("kind: normal", "kind: lognormal"), "parameters.tax_base", ""),
    (
        SMALL.replace("[[1.0, 0.5], [0.5, 1.0]]", "[[1.0, 0.5], [0.4, 1.0]]"),
        "correlations.matrix",
        "symmetric",
    ),
    (
        SMALL.replace(
            "drivers: [tax_base, lpik]\n  matrix: [[1.0, 0.5], [0.5, 1.0]]",
            "drivers: [tax_base, lpik, interest]\n"
            "  matrix: [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]",
        ),
        "correlations.matrix",
        "positive semi-definite",
    ),
    (
        SMALL.replace("values: [-1.0, 0.0, 0.5, 2.0]", "values: [-4.0, 0.0, 0.5, 2.0]"),
        "parameters.interest.distribution",
        "refuses",
    ),
    (
        SMALL.replace("sd: 0.8", "sd: -0.8"),
        "parameters.tax_base.distribution",
        "",
    ),
    (
        SMALL.replace("low: -0.5, mode: 0.0", "low: 0.5, mode: 0.0"),
        "parameters.lpik.distribution",
        "low <= mode",
    ),
    (
        SMALL.replace("output: savings_total", "output: happiness"),
        "sensitivity.output",
        "not a column",
    ),
    (SMALL.replace("samples: 24", "samples: 3"), "samples", ""),
]


@pytest.mark.parametrize(("text", "key", "message"), BAD)
def test_a_bad_spec_fails_before_solving_with_file_key_and_line(
    tmp_path, text, key, message
):
    spec_path = write_spec(tmp_path, text)
    table = tmp_path / "x.parquet"
    result = CliRunner().invoke(
        main, ["risk", str(spec_path), "--output-table", str(table)]
    )
    assert result.exit_code == 1, result.output
    line = result.output.strip().splitlines()[-1]
    assert str(spec_path) in line and key in line and message in line, line
    assert ", line " in line or ":" in line.split(str(spec_path))[1][:6]
    assert "Traceback" not in result.output
    assert not table.with_name("x.parquet.parts").exists()


def test_the_shipped_spec_names_a_source_for_every_driver():
    spec, base = load_risk_spec(SHIPPED)
    assert set(spec.parameters) == {"tax_base", "lpik", "interest", "pharma"}
    for name, d in spec.parameters.items():
        assert len(d.source) > 100, name
        assert "ESTIMATE" in d.source, name  # every one rests partly on judgement
        assert base.value_at(d.path.split(".")) is not None
    assert spec.parameters["pharma"].path == "budget.pharma_grant"


def test_the_command_runs_in_a_real_process(tmp_path):
    out = tmp_path / "risk.json"
    done = subprocess.run(
        [
            str(BALANS),
            "risk",
            str(SHIPPED),
            "--samples",
            "40",
            "--seed",
            "1",
            "--no-sensitivity",
            "-o",
            str(out),
            "--output-table",
            str(tmp_path / "risk.parquet"),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "100"},
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["samples"] == 40
    assert {p["target"] for p in document["probabilities"]} >= {
        "restoration_goal",
        "loan_ceiling",
    }
    assert len(pd.read_parquet(tmp_path / "risk.parquet")) == 80
    assert ScenarioBase.read(DECIDED)  # the inputs are untouched


def _bash_complete(line: str) -> list[str]:
    env = {
        "_BALANS_COMPLETE": "bash_complete",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(line.split(" ")) - 1),
    }
    result = CliRunner().invoke(main, [], env=env, prog_name="balans")
    return [row.split(",", 1)[1] for row in result.output.splitlines() if row]


def test_shell_completion_knows_the_command_its_formats_and_specs(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert "risk" in _bash_complete("balans ")
    assert _bash_complete("balans risk x.yaml --format ") == ["table", "json"]
    assert _bash_complete("balans risk scenarios/sweeps/risk-") == [
        "scenarios/sweeps/risk-drivers.yaml"
    ]
    assert "--samples" in _bash_complete("balans risk x.yaml --sa")


def test_ctrl_c_says_where_the_chunks_are_and_how_to_resume(tmp_path, monkeypatch):
    import balans.sweep.risk_command as command

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(command, "run_sweep", interrupted)
    spec_path = write_spec(tmp_path)
    table = tmp_path / "mc.parquet"
    result = CliRunner().invoke(
        main, ["risk", str(spec_path), "--output-table", str(table)]
    )
    assert result.exit_code == 1
    assert f"avbrutet: delarna sparade i {table}.parts" in result.output
    assert "kör samma kommando igen" in result.output
