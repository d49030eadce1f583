"""`balans risk`: draw the drivers, solve every draw, say how likely each målvärde is.

Outputs (docs/risk.md):
- the report: the terminal text (Swedish by default) or, with `--format json`
  or an `--output NAME.json`, the JSON document of docs/risk.md, to stdout or
  to `--output`;
- the table of Monte Carlo rows (one per draw and plan, as `balans sweep`
  writes them) to `--output-table`, else to `--output NAME.parquet`, else to
  `<spec stem>-risk.parquet` in the working directory; the Sobol' design's
  rows beside it as `<table stem>-sobol.parquet`.
Both tables are written in chunks and resume like a sweep's.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np

from balans.errors import BalansError, ScenarioError
from balans.reports.output import check_outputs, emit, to_json
from balans.scenario.load import ScenarioBase, located, read_yaml
from balans.sweep.command import progress_bar
from balans.sweep.design import changes
from balans.sweep.run import PARTS_SUFFIX, run_sweep
from balans.sweep.sampling import as_variants, monte_carlo, saltelli, support
from balans.sweep.spec import RiskSpec, load_risk_spec

REPORT_SUFFIXES = {".json": "json", ".txt": "table"}
TABLE_SUFFIXES = (".parquet",)
YEARLY_OUTPUTS = (
    "savings_total",
    "result",
    "balanskrav_result",
    "restoration_balance",
    "loans",
    "fou_tkr",
    "lowest_cash",
    "debt_ratio_pct",
)


def risk(
    spec_file: str,
    samples: int | None,
    seed: int | None,
    output: str | None,
    output_table: str | None,
    output_format: str | None,
    workers: int | None,
    scheduler: str | None,
    lang: str,
    show_progress: bool,
    sensitivity: bool,
) -> None:
    """Run the Monte Carlo (and the Sobol' design) of `spec_file` and report."""
    started = time.perf_counter()
    spec, base = load_risk_spec(spec_file)
    spec = spec.model_copy(
        update={
            "samples": spec.samples if samples is None else samples,
            "seed": spec.seed if seed is None else seed,
        }
    )
    check_sensitivity(spec, base, spec_file)
    report, fmt, table = outputs(spec_file, output, output_table, output_format)
    sobol_table = table.with_name(table.stem + "-sobol.parquet")
    run_sobol = sensitivity and spec.sensitivity.enabled
    check_outputs(
        {
            "--output": report,
            "--output-table": str(table),
            "the Sobol' table": str(sobol_table) if run_sobol else None,
        },
        [Path(spec_file), *base.files],
    )
    draws = monte_carlo(spec)
    design = saltelli(spec) if run_sobol else None
    check_draws(
        spec, base, spec_file, [draws] + ([design] if design is not None else [])
    )
    _run(spec, base, draws, table, workers, scheduler, lang, show_progress, "risk")
    if design is not None:
        sobol_spec = spec.model_copy(update={"plans": [spec.sensitivity.plan]})
        _run(
            sobol_spec,
            base,
            design,
            sobol_table,
            workers,
            scheduler,
            lang,
            show_progress,
            "Sobol'",
        )
    import pandas as pd

    from balans.reports.risk_text import risk_lines
    from balans.sweep.analysis import risk_document

    document = risk_document(
        spec,
        base,
        spec_file,
        pd.read_parquet(table),
        pd.read_parquet(sobol_table) if design is not None else None,
    )
    document["table"] = str(table)
    document["sobol_table"] = str(sobol_table) if design is not None else None
    seconds = time.perf_counter() - started
    document["seconds"] = round(seconds, 3)
    if fmt == "json":
        emit(to_json(document), report)
        return
    lines = risk_lines(
        document,
        lang,
        seconds,
        str(table),
        str(sobol_table) if design is not None else None,
    )
    emit("\n".join(lines) + "\n", report)


def outputs(
    spec_file: str, output: str | None, output_table: str | None, chosen: str | None
) -> tuple[str | None, str, Path]:
    """(report file or None for stdout, report format, table path)."""
    report = output
    if output is not None and Path(output).suffix.lower() in TABLE_SUFFIXES:
        if output_table is not None:
            raise BalansError(
                f"--output {output}: a table, but --output-table names one already"
            )
        output_table, report = output, None
    fmt = chosen
    if fmt is None and report is not None:
        fmt = REPORT_SUFFIXES.get(Path(report).suffix.lower())
        if fmt is None:
            raise BalansError(
                f"--output {report}: cannot tell the format from the suffix; name a "
                ".json, .txt or .parquet file or give --format"
            )
    table = Path(output_table or f"{Path(spec_file).stem}-risk.parquet")
    if table.suffix.lower() not in TABLE_SUFFIXES:
        raise BalansError(f"--output-table {table}: the table is a .parquet file")
    return report, fmt or "table", table


def check_sensitivity(spec: RiskSpec, base: ScenarioBase, spec_file: str) -> None:
    """The Sobol' output must be a column of the table, its plan one that is solved."""
    path = Path(spec_file)
    s = spec.sensitivity
    if s.plan not in spec.plans:
        _, node = read_yaml(path)
        raise located(
            path, node, ["sensitivity", "plan"], f"{s.plan!r} is not one of plans"
        )
    horizon = base.value_at(["horizon"]) or {}
    years = range(horizon.get("first_year", 0), horizon.get("last_year", -1) + 1)
    known = {"objective", "savings_total"} | {
        f"{family}.{year}" for family in YEARLY_OUTPUTS for year in years
    }
    if s.output not in known:
        _, node = read_yaml(path)
        raise located(
            path,
            node,
            ["sensitivity", "output"],
            f"{s.output!r} is not a column of the table",
            hint="e.g. savings_total, result.2030, restoration_balance.2030",
        )


def check_draws(
    spec: RiskSpec, base: ScenarioBase, spec_file: str, designs: list[np.ndarray]
) -> None:
    """Each driver's extremes must give a valid scenario.

    The extremes are the ends of the distribution where it has ends
    (triangular, uniform, empirical), else the smallest and largest draw.
    """
    for j, (name, driver) in enumerate(spec.parameters.items()):
        column = np.concatenate([d[:, j] for d in designs])
        if not np.all(np.isfinite(column)):
            bad = float(column[~np.isfinite(column)][0])
            _refuse(spec_file, name, f"draws {bad}", "")
        low, high = support(driver.distribution)
        low = low if math.isfinite(low) else float(column.min())
        high = high if math.isfinite(high) else float(column.max())
        for value in (low, high):
            try:
                base.variant(changes(base, spec.parameters, {name: value}))
            except ScenarioError as exc:
                _refuse(
                    spec_file,
                    name,
                    f"can draw {value:.4g}, which gives {driver.path} a value the "
                    f"scenario refuses: {exc.reason}",
                    "",
                )


def _refuse(spec_file: str, name: str, message: str, hint: str) -> None:
    path = Path(spec_file)
    _, node = read_yaml(path)
    raise located(path, node, ["parameters", name, "distribution"], message, hint)


def _run(spec, base, draws, table, workers, scheduler, lang, show, label) -> None:
    variants = as_variants(spec, draws)
    with progress_bar(show, lang, label) as report:
        try:
            run_sweep(
                spec, base, variants, table, "parquet", workers, scheduler, report
            )
        except KeyboardInterrupt:
            parts = table.with_name(table.name + PARTS_SUFFIX)
            raise BalansError(
                (
                    f"avbrutet: delarna sparade i {parts}; kör samma kommando igen "
                    "för att fortsätta"
                )
                if lang == "sv"
                else f"interrupted: chunks saved in {parts}; run the same command "
                "again to resume"
            ) from None
