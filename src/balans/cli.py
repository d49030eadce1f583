"""The `balans` command and its subcommands (listed by `balans --help`).

Each command imports what it needs when it runs, so that `--help`, `validate`
and `schema` start without Pyomo, pandas or HiGHS.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from balans import __version__
from balans.choices import (
    CSV_DIALECTS,
    FORMATS,
    MODEL_SUFFIXES,
    OBJECTIVES,
    RISK_FORMATS,
    TABLE_FORMATS,
)
from balans.completion import complete_json, complete_scenario, complete_set
from balans.errors import BalansError

if TYPE_CHECKING:
    from balans.results import Comparison, PlanResult
    from balans.scenario.load import LoadedScenario
    from balans.scenario.schema import Scenario

EXIT_INFEASIBLE = 2


def _fail(message: str, code: int) -> None:
    click.secho(f"balans: {message}", fg="red", err=True)
    sys.exit(code)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a BalansError into one red line on stderr and its exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return command(*args, **kwargs)
        except BalansError as exc:
            if debug:
                raise
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)

    return wrapper


def scenario_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command on a scenario takes."""
    options = [
        click.argument(
            "scenario_file", type=click.Path(), shell_complete=complete_scenario
        ),
        click.option(
            "--set",
            "overrides",
            multiple=True,
            metavar="KEY.PATH=VALUE",
            shell_complete=complete_set,
            help="Override a scenario value, e.g. assumptions.interest_rate_pct.2027=4.5.",
        ),
        click.option(
            "--format",
            "output_format",
            type=click.Choice(FORMATS),
            help="Report format (default: from the --output suffix, else table).",
        ),
        click.option(
            "--output",
            "-o",
            type=click.Path(dir_okay=False),
            help="Write the report to this file (atomically) instead of stdout.",
        ),
        click.option(
            "--lang",
            type=click.Choice(["sv", "en"]),
            default="sv",
            show_default=True,
            help="Language of labels and findings.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def csv_dialect_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--csv-dialect`: how a CSV report is written (commands that write CSV)."""
    return click.option(
        "--csv-dialect",
        type=click.Choice(CSV_DIALECTS),
        default="standard",
        show_default=True,
        help="CSV for programs (comma, decimal point) or for Swedish Excel "
        "(excel-sv: semicolon, decimal comma, UTF-8 with BOM).",
    )(command)


def many_variants_options(lang_help: str) -> Callable[[Callable], Callable]:
    """The options of the commands that solve many variants (sweep, risk)."""
    options = [
        click.option(
            "--workers",
            type=click.IntRange(1, 1024),
            help="Processes to solve in (default: every core).",
        ),
        click.option(
            "--scheduler",
            metavar="tcp://HOST:PORT",
            help="Send the chunks to a Dask distributed scheduler instead.",
        ),
        click.option(
            "--lang",
            type=click.Choice(["sv", "en"]),
            default="sv",
            show_default=True,
            help=lang_help,
        ),
        click.option(
            "--progress/--no-progress",
            default=True,
            help="A progress bar on stderr when it is a terminal.",
        ),
    ]

    def decorate(command: Callable) -> Callable:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="balans")
@click.option(
    "--debug", is_flag=True, help="Show tracebacks instead of one-line errors."
)
def main(debug: bool) -> None:
    """Budget optimiser for Swedish regions: decided plan, optimal plan, målvärden."""


def run() -> None:
    """Console entry point: like `main`, but click's usage errors are one line, exit 1.

    Exit code 2 is kept for "no plan keeps every rule".
    """
    try:
        code = main.main(standalone_mode=False)
    except click.ClickException as exc:
        _fail(exc.format_message(), 1)
    except click.exceptions.Abort:
        _fail("interrupted", 130)
    sys.exit(code if isinstance(code, int) else 0)


@main.command()
@scenario_options
@reports_errors
def validate(scenario_file, overrides, output_format, output, lang) -> None:
    """Check a scenario file (and --set overrides) without solving."""
    from balans.reports.output import choose_format, emit, to_json

    output_format = choose_format(output_format, output, "validate")
    loaded = _load(scenario_file, overrides, output)
    s = loaded.scenario
    if output_format == "json":
        emit(to_json(_validation_document(loaded)), output)
        return
    lines = [
        f"{scenario_file}: ok ({s.name}, {s.horizon.first_year}-{s.horizon.last_year})"
    ]
    lines += [f"  {change}" for change in loaded.applied_overrides]
    emit("\n".join(lines) + "\n", output)


def _validation_document(loaded: LoadedScenario) -> dict[str, Any]:
    s = loaded.scenario
    return {
        "schema_version": 1,
        "status": "ok",
        "scenario": s.name,
        "title": s.title,
        "years": s.years,
        "files": [str(path) for path in loaded.files],
        "applied_overrides": list(loaded.applied_overrides),
    }


@main.command(name="evaluate")
@scenario_options
@csv_dialect_option
@reports_errors
def evaluate_command(
    scenario_file, overrides, output_format, output, lang, csv_dialect
) -> None:
    """Run the decided plan through the model: statements and every målvärde."""
    from balans.reports.output import choose_format

    output_format = choose_format(output_format, output, "evaluate")
    loaded = _load(scenario_file, overrides, output)
    from balans.plan import evaluate

    result = evaluate(loaded)
    _emit_plan(result, loaded.scenario, output_format, lang, output, csv_dialect)


@main.command(name="solve")
@scenario_options
@csv_dialect_option
@click.option(
    "--objective",
    type=click.Choice(OBJECTIVES),
    help="Objective (default: the scenario's).",
)
@click.option(
    "--write-model",
    type=click.Path(dir_okay=False),
    help="Also write the LP (.mps or .lp) whose optimum is the printed plan "
    "(for a closest plan: its final stage, earlier stages held as rows).",
)
@click.option(
    "--write-stages",
    is_flag=True,
    help="With --write-model: also write every stage as NAME.<stage>.<suffix>.",
)
@click.option(
    "--time-limit", type=click.FloatRange(min=0.1), help="Seconds HiGHS may take."
)
@click.option(
    "--strict",
    is_flag=True,
    help="No plan unless every target holds: exit 2 with the diagnosis instead of "
    "the closest plan by priority.",
)
@reports_errors
def solve_command(
    scenario_file,
    overrides,
    output_format,
    output,
    lang,
    csv_dialect,
    objective,
    write_model,
    write_stages,
    time_limit,
    strict,
) -> None:
    """Find the optimal plan; the closest plan by priority when targets conflict.

    Exit 2 only when no plan exists (or with --strict, unless every target holds).
    """
    from balans.reports.output import choose_format

    output_format = choose_format(output_format, output, "solve")
    if write_model is not None and not write_model.lower().endswith(MODEL_SUFFIXES):
        raise BalansError(f"{write_model}: --write-model needs a .mps or .lp file name")
    loaded = _load(scenario_file, overrides, output, write_model)
    from balans.plan import optimise

    if write_stages and write_model is None:
        raise BalansError(
            "--write-stages needs --write-model PATH (the stages go beside it)"
        )
    result = optimise(
        loaded,
        objective,
        write_model,
        time_limit,
        strict=strict,
        write_stages=write_stages,
    )
    _emit_plan(result, loaded.scenario, output_format, lang, output, csv_dialect)
    if result.status != "optimal":
        _fail(_infeasible_line(result, lang, output), EXIT_INFEASIBLE)


@main.command(name="compare")
@scenario_options
@csv_dialect_option
@click.option(
    "--objective",
    type=click.Choice(OBJECTIVES),
    help="Objective of the optimal plan (default: the scenario's).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="No plan unless every target holds: exit 2 with the diagnosis instead of "
    "the closest plan by priority.",
)
@reports_errors
def compare_command(
    scenario_file,
    overrides,
    output_format,
    output,
    lang,
    csv_dialect,
    objective,
    strict,
) -> None:
    """Decided and optimal plan side by side, with the differences."""
    from balans.reports.output import choose_format, emit, write_atomically

    output_format = choose_format(output_format, output, "compare")
    loaded = _load(scenario_file, overrides, output)
    from balans.plan import compare

    comparison = compare(loaded, objective, strict=strict)
    if output_format == "xlsx":
        from balans.reports.excel import comparison_to_xlsx
        from balans.reports.labels import naming_from

        data = comparison_to_xlsx(comparison, naming_from(loaded.scenario), lang)
        write_atomically(output, data)
    else:
        emit(
            _render_comparison(
                comparison, loaded.scenario, output_format, lang, output, csv_dialect
            ),
            output,
        )
    if comparison.optimal.status != "optimal":
        _fail(_infeasible_line(comparison.optimal, lang, output), EXIT_INFEASIBLE)


@main.command(name="explain")
@scenario_options
@csv_dialect_option
@click.option(
    "--objective",
    type=click.Choice(OBJECTIVES),
    help="Objective (default: the scenario's).",
)
@reports_errors
def explain_command(
    scenario_file, overrides, output_format, output, lang, csv_dialect, objective
) -> None:
    """What each binding rule and lever costs in the optimal plan (shadow prices).

    Exit 2 when no plan keeps every rule in strict mode (see `balans diagnose`).
    """
    from balans.reports.output import choose_format, emit, write_atomically

    output_format = choose_format(output_format, output, "explain")
    loaded = _load(scenario_file, overrides, output)
    from balans.explain import explain, explanation_frame, lever_frame
    from balans.reports.explain_text import explanation_sections, explanation_to_dict
    from balans.reports.labels import naming_from

    e = explain(scenario_file, overrides, objective)
    if output_format == "xlsx":
        from balans.reports.excel import explanation_to_xlsx

        write_atomically(output, explanation_to_xlsx(e, lang))
    else:
        text = _render(
            output_format,
            output,
            f"balans explain: {e.scenario}",
            lambda: explanation_to_dict(e),
            lambda: [explanation_frame(e), lever_frame(e)],
            lambda: explanation_sections(e, lang, naming_from(loaded.scenario)),
            csv_dialect,
        )
        emit(text, output)
    if e.status != "optimal":
        _fail(f"{e.scenario}: {_word('status_infeasible', lang)}", EXIT_INFEASIBLE)


@main.command(name="diagnose")
@scenario_options
@reports_errors
def diagnose_command(scenario_file, overrides, output_format, output, lang) -> None:
    """Why no plan keeps every rule: the irreducible conflicting set and relaxations.

    Every enabled rule is held (as in strict mode). Exit 0 when a plan keeps
    them all, 2 when none does.
    """
    from balans.reports.output import choose_format, emit

    output_format = choose_format(output_format, output, "diagnose")
    loaded = _load(scenario_file, overrides, output)
    from balans.diagnose import diagnose_scenario
    from balans.reports.explain_text import (
        conflict_frame,
        conflict_sections,
        conflict_to_dict,
    )
    from balans.reports.labels import naming_from

    d = diagnose_scenario(loaded)
    text = _render(
        output_format,
        output,
        f"balans diagnose: {d.scenario}",
        lambda: conflict_to_dict(d),
        lambda: [conflict_frame(d)],
        lambda: conflict_sections(d, lang, naming_from(loaded.scenario)),
    )
    emit(text, output)
    if not d.feasible:
        _fail(f"{d.scenario}: {_word('status_infeasible', lang)}", EXIT_INFEASIBLE)


def _word(key: str, lang: str) -> str:
    from balans.reports.labels import word

    return word(key, lang)


@main.command(name="fou")
@scenario_options
@csv_dialect_option
@reports_errors
def fou_command(
    scenario_file, overrides, output_format, output, lang, csv_dialect
) -> None:
    """FoU-medel: each level's targets, extra savings, per inhabitant and grants."""
    from balans.reports.output import choose_format, emit, write_atomically

    output_format = choose_format(output_format, output, "fou")
    loaded = _load(scenario_file, overrides, output)
    from balans.fou import fou_table
    from balans.reports.data import fou_to_dict, fou_to_frame
    from balans.reports.labels import naming_from
    from balans.reports.sections import fou_sections

    table = fou_table(loaded)
    if output_format == "xlsx":
        from balans.reports.excel import fou_to_xlsx

        write_atomically(output, fou_to_xlsx(table, naming_from(loaded.scenario), lang))
        return
    text = _render(
        output_format,
        output,
        f"balans fou: {table.scenario}",
        lambda: fou_to_dict(table),
        lambda: [fou_to_frame(table)],
        lambda: fou_sections(table, lang, naming_from(loaded.scenario)),
        csv_dialect,
    )
    emit(text, output)


@main.command(name="report")
@click.argument("scenario_file", type=click.Path(), shell_complete=complete_scenario)
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="KEY.PATH=VALUE",
    shell_complete=complete_set,
    help="Override a scenario value, e.g. assumptions.interest_rate_pct.2027=4.5.",
)
@click.option(
    "--objective",
    type=click.Choice(OBJECTIVES),
    help="Objective of the optimal plan (default: the scenario's).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    help="Write the HTML page to this file (atomically) instead of stdout.",
)
@click.option(
    "--lang",
    type=click.Choice(["sv", "en"]),
    default="sv",
    show_default=True,
    help="Language of the page.",
)
@click.option(
    "--risk",
    "risk_file",
    type=click.Path(dir_okay=False),
    shell_complete=complete_json,
    help="Add fan charts and drivers from `balans risk --format json` output.",
)
@click.option(
    "--sweep",
    "sweep_file",
    type=click.Path(dir_okay=False),
    help="Add fan charts and shares of variants from a `balans sweep` table (.parquet).",
)
@reports_errors
def report_command(
    scenario_file, overrides, objective, output, lang, risk_file, sweep_file
) -> None:
    """One self-contained HTML page: statements, målvärden, plans and charts."""
    from balans.reports.output import check_name, check_outputs, emit

    if risk_file and sweep_file:
        raise BalansError("--risk and --sweep: give one of them, not both")
    if output is not None:
        check_name(output)
    loaded = _load(scenario_file, overrides, None)
    extra = [f for f in (risk_file, sweep_file) if f]
    check_outputs({"--output": output}, [*loaded.files, *extra])
    from balans.reports.risk_input import load_risk, load_sweep

    risk = load_risk(risk_file) if risk_file else None
    if sweep_file:
        risk = load_sweep(sweep_file)
    from balans.fou import fou_table
    from balans.plan import compare
    from balans.reports.html import render_report

    comparison = compare(loaded, objective)
    fou = fou_table(loaded) if comparison.optimal.has_plan else None
    emit(render_report(comparison, loaded.scenario, lang, fou, risk), output)
    if comparison.optimal.status != "optimal":
        _fail(_infeasible_line(comparison.optimal, lang, output), EXIT_INFEASIBLE)


@main.command()
@click.option(
    "--merged",
    is_flag=True,
    help="The merged scenario (region model and scenarios), every section required.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    help="Write the schema to this file (atomically) instead of stdout.",
)
@reports_errors
def schema(merged: bool, output: str | None) -> None:
    """Print the JSON Schema of a scenario file (for editors)."""
    from balans.reports.output import check_outputs, emit, to_json
    from balans.scenario.file_schema import json_schema

    check_outputs({"--output": output}, [])
    emit(to_json(json_schema(merged)), output)


@main.command(name="sweep")
@click.argument("spec_file", type=click.Path(), shell_complete=complete_scenario)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    help="The table to write (default: SPEC's name with .parquet, here).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(TABLE_FORMATS),
    help="parquet (default) or csv; else from the --output suffix.",
)
@many_variants_options("Language of the summary.")
@reports_errors
def sweep_command(
    spec_file, output, output_format, workers, scheduler, lang, progress
) -> None:
    """Solve many variants of a scenario (grid, cases, sample) into one table."""
    from balans.sweep.command import sweep

    sweep(spec_file, output, output_format, workers, scheduler, lang, progress)


@main.command(name="template")
@click.argument("output", type=click.Path(dir_okay=False))
@click.option(
    "--scenario",
    "scenario_file",
    type=click.Path(),
    shell_complete=complete_scenario,
    help="The scenario whose inputs the workbook holds "
    "(default: the shipped decided budget).",
)
@click.option(
    "--lang",
    type=click.Choice(["sv", "en"]),
    default="sv",
    show_default=True,
    help="Language of sheet names, headers and instructions.",
)
@reports_errors
def template_command(output, scenario_file, lang) -> None:
    """Write a budget workbook (.xlsx) to fill in: the decided budget's inputs."""
    from balans.excel_input import DECIDED_SCENARIO, write_template
    from balans.reports.output import check_outputs, write_atomically
    from balans.scenario.load import ScenarioBase

    if not output.lower().endswith(".xlsx"):
        raise BalansError(f"{output}: the template is a workbook; name it FILE.xlsx")
    scenario_file = scenario_file or str(DECIDED_SCENARIO)
    check_outputs({"OUTPUT": output}, ScenarioBase.read(scenario_file).files)
    write_atomically(output, write_template(scenario_file, output, lang))


@main.command(name="import-excel")
@click.argument("workbook", type=click.Path(dir_okay=False))
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False),
    help="The scenario file (.yaml) to write (atomically).",
)
@reports_errors
def import_excel_command(workbook, output) -> None:
    """Read a filled budget workbook into a scenario file that validates."""
    from balans.excel_input import import_workbook
    from balans.reports.output import check_outputs, emit

    if not output.lower().endswith((".yaml", ".yml")):
        raise BalansError(f"{output}: --output needs a scenario file name, FILE.yaml")
    check_outputs({"--output": output}, [Path(workbook)])
    emit(import_workbook(workbook, output), output)


@main.command(name="risk")
@click.argument("spec_file", type=click.Path(), shell_complete=complete_scenario)
@click.option(
    "--samples",
    type=click.IntRange(10, 10_000_000),
    help="Monte Carlo draws (default: the spec's samples).",
)
@click.option(
    "--seed", type=click.IntRange(0), help="Random seed (default: the spec's)."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    help="The report (.json, .txt) instead of stdout; a .parquet name is the table.",
)
@click.option(
    "--output-table",
    type=click.Path(dir_okay=False),
    help="The Monte Carlo table (default: SPEC's name with -risk.parquet, here).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(RISK_FORMATS),
    help="Report format (default: from the --output suffix, else table).",
)
@many_variants_options("Language of the report.")
@click.option(
    "--sensitivity/--no-sensitivity",
    default=True,
    help="Run the Sobol' design for the drivers' indices (default: as the spec).",
)
@reports_errors
def risk_command(
    spec_file,
    samples,
    seed,
    output,
    output_table,
    output_format,
    workers,
    scheduler,
    lang,
    progress,
    sensitivity,
) -> None:
    """Monte Carlo over uncertain drivers: how likely each målvärde holds, and why."""
    from balans.sweep.risk_command import risk

    risk(
        spec_file,
        samples,
        seed,
        output,
        output_table,
        output_format,
        workers,
        scheduler,
        lang,
        progress,
        sensitivity,
    )


def _load(
    scenario_file: str,
    overrides: tuple[str, ...],
    output: str | None,
    write_model: str | None = None,
) -> LoadedScenario:
    """Load the scenario; refuse outputs that would overwrite one of its files."""
    from balans.reports.output import check_outputs
    from balans.scenario.load import load_scenario

    loaded = load_scenario(scenario_file, overrides)
    check_outputs({"--output": output, "--write-model": write_model}, loaded.files)
    return loaded


def _render(
    output_format: str,
    output: str | None,
    heading: str,
    document: Callable[[], dict],
    frames: Callable[[], list],
    sections: Callable[[], list],
    csv_dialect: str = "standard",
) -> str:
    """The report in the chosen format; only the chosen one is built."""
    if output_format == "json":
        from balans.reports.output import to_json

        return to_json(document())
    if output_format == "csv":
        from balans.reports.output import to_csv

        return to_csv(frames(), csv_dialect)
    if output_format == "md":
        from balans.reports.markdown import render_markdown

        return render_markdown(sections(), heading)
    from balans.reports.terminal import render_terminal

    return render_terminal(sections(), colour=output is None and sys.stdout.isatty())


def _emit_plan(
    result: PlanResult,
    s: Scenario,
    output_format: str,
    lang: str,
    output: str | None,
    csv_dialect: str = "standard",
) -> None:
    if output_format == "xlsx":
        from balans.reports.excel import plan_to_xlsx
        from balans.reports.labels import naming_from
        from balans.reports.output import write_atomically

        write_atomically(output, plan_to_xlsx(result, naming_from(s), lang))
        return
    from balans.reports.output import emit

    emit(_render_plan(result, s, output_format, lang, output, csv_dialect), output)


def _render_plan(
    result: PlanResult,
    s: Scenario,
    output_format: str,
    lang: str,
    output: str | None,
    csv_dialect: str = "standard",
) -> str:
    from balans.reports.data import plan_to_dict, plan_to_frame
    from balans.reports.labels import naming_from
    from balans.reports.sections import plan_sections

    return _render(
        output_format,
        output,
        f"balans: {result.scenario}",
        lambda: plan_to_dict(result, lang),
        lambda: [plan_to_frame(result)],
        lambda: plan_sections(result, lang, naming_from(s)),
        csv_dialect,
    )


def _render_comparison(
    c: Comparison,
    s: Scenario,
    output_format: str,
    lang: str,
    output: str | None,
    csv_dialect: str = "standard",
) -> str:
    from balans.reports.data import comparison_to_dict, plan_to_frame
    from balans.reports.labels import naming_from
    from balans.reports.sections import comparison_sections

    return _render(
        output_format,
        output,
        f"balans compare: {c.decided.scenario}",
        lambda: comparison_to_dict(c, lang),
        lambda: [plan_to_frame(c.decided), plan_to_frame(c.optimal)],
        lambda: comparison_sections(c, lang, naming_from(s)),
        csv_dialect,
    )


def _infeasible_line(result: PlanResult, lang: str, output: str | None) -> str:
    """The stderr line of exit code 2: the smallest relaxation, and where the report went."""
    from balans.reports.labels import TARGETS, label, number, word
    from balans.reports.sections import where

    relaxations = result.diagnosis.relaxations if result.diagnosis else []
    parts = [
        f"{label(TARGETS, row.rule, lang)} {row.year}"
        + (
            f" {where(row.committee, row.month, lang)}"
            if row.committee or row.month
            else ""
        )
        + f" {number(row.amount, lang)} {row.unit}"
        for row in relaxations
    ]
    text = f"{result.scenario}: {word('status_infeasible', lang)}"
    if parts:
        text += f"; {word('relax', lang).lower()}: {', '.join(parts)}"
    if output is not None:
        text += f"; {word('report_written', lang)} {output}"
    return text
