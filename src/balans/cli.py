"""The `balans` command: validate, evaluate, solve, compare, fou, explain, ...

The commands: validate, evaluate, solve, compare, fou, explain, diagnose, sweep
and schema.

Each command imports what it needs when it runs, so that `--help`, `validate`
and `schema` start without Pyomo, pandas or HiGHS.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from balans import __version__
from balans.choices import FORMATS, MODEL_SUFFIXES, OBJECTIVES, TABLE_FORMATS
from balans.completion import complete_scenario, complete_set
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
@reports_errors
def evaluate_command(scenario_file, overrides, output_format, output, lang) -> None:
    """Run the decided plan through the model: statements and every målvärde."""
    from balans.reports.output import choose_format

    output_format = choose_format(output_format, output, "evaluate")
    loaded = _load(scenario_file, overrides, output)
    from balans.plan import evaluate

    result = evaluate(loaded)
    _emit_plan(result, loaded.scenario, output_format, lang, output)


@main.command(name="solve")
@scenario_options
@click.option(
    "--objective",
    type=click.Choice(OBJECTIVES),
    help="Objective (default: the scenario's).",
)
@click.option(
    "--write-model",
    type=click.Path(dir_okay=False),
    help="Also write the LP (.mps or .lp) for any other solver.",
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
    objective,
    write_model,
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

    result = optimise(loaded, objective, write_model, time_limit, strict=strict)
    _emit_plan(result, loaded.scenario, output_format, lang, output)
    if result.status != "optimal":
        _fail(_infeasible_line(result, lang, output), EXIT_INFEASIBLE)


@main.command(name="compare")
@scenario_options
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
    scenario_file, overrides, output_format, output, lang, objective, strict
) -> None:
    """Decided and optimal plan side by side, with the differences."""
    from balans.reports.output import choose_format, emit

    output_format = choose_format(output_format, output, "compare")
    loaded = _load(scenario_file, overrides, output)
    from balans.plan import compare

    comparison = compare(loaded, objective, strict=strict)
    emit(
        _render_comparison(comparison, loaded.scenario, output_format, lang, output),
        output,
    )
    if comparison.optimal.status != "optimal":
        _fail(_infeasible_line(comparison.optimal, lang, output), EXIT_INFEASIBLE)


@main.command(name="fou")
@scenario_options
@reports_errors
def fou_command(scenario_file, overrides, output_format, output, lang) -> None:
    """FoU-medel: each level's targets, extra savings, per inhabitant and grants."""
    from balans.reports.output import choose_format, emit

    output_format = choose_format(output_format, output, "fou")
    loaded = _load(scenario_file, overrides, output)
    from balans.fou import fou_table
    from balans.reports.data import fou_to_dict, fou_to_frame
    from balans.reports.labels import naming_from
    from balans.reports.sections import fou_sections

    table = fou_table(loaded)
    text = _render(
        output_format,
        output,
        f"balans fou: {table.scenario}",
        lambda: fou_to_dict(table),
        lambda: [fou_to_frame(table)],
        lambda: fou_sections(table, lang, naming_from(loaded.scenario)),
    )
    emit(text, output)


@main.command(name="explain")
@scenario_options
@click.option(
    "--objective",
    type=click.Choice(OBJECTIVES),
    help="Objective (default: the scenario's).",
)
@reports_errors
def explain_command(
    scenario_file, overrides, output_format, output, lang, objective
) -> None:
    """What each binding rule and lever costs in the optimal plan (shadow prices).

    Exit 2 when no plan keeps every rule in strict mode (see `balans diagnose`).
    """
    from balans.reports.output import choose_format, emit

    output_format = choose_format(output_format, output, "explain")
    loaded = _load(scenario_file, overrides, output)
    from balans.explain import explain, explanation_frame, lever_frame
    from balans.reports.explain_text import explanation_sections, explanation_to_dict
    from balans.reports.labels import naming_from

    e = explain(scenario_file, overrides, objective)
    text = _render(
        output_format,
        output,
        f"balans explain: {e.scenario}",
        lambda: explanation_to_dict(e),
        lambda: [explanation_frame(e), lever_frame(e)],
        lambda: explanation_sections(e, lang, naming_from(loaded.scenario)),
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
@click.option(
    "--workers",
    type=click.IntRange(1, 1024),
    help="Processes to solve in (default: every core).",
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    help="Send the chunks to a Dask distributed scheduler instead.",
)
@click.option(
    "--lang",
    type=click.Choice(["sv", "en"]),
    default="sv",
    show_default=True,
    help="Language of the summary.",
)
@click.option(
    "--progress/--no-progress",
    default=True,
    help="A progress bar on stderr when it is a terminal.",
)
@reports_errors
def sweep_command(
    spec_file, output, output_format, workers, scheduler, lang, progress
) -> None:
    """Solve many variants of a scenario (grid, cases, sample) into one table."""
    from balans.sweep.command import sweep

    sweep(spec_file, output, output_format, workers, scheduler, lang, progress)


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
) -> str:
    """The report in the chosen format; only the chosen one is built."""
    if output_format == "json":
        from balans.reports.output import to_json

        return to_json(document())
    if output_format == "csv":
        from balans.reports.output import to_csv

        return to_csv(frames())
    if output_format == "md":
        from balans.reports.markdown import render_markdown

        return render_markdown(sections(), heading)
    from balans.reports.terminal import render_terminal

    return render_terminal(sections(), colour=output is None and sys.stdout.isatty())


def _emit_plan(
    result: PlanResult, s: Scenario, output_format: str, lang: str, output: str | None
) -> None:
    if output_format == "xlsx":
        from balans.reports.excel import plan_to_xlsx
        from balans.reports.labels import naming_from
        from balans.reports.output import write_atomically

        write_atomically(output, plan_to_xlsx(result, naming_from(s), lang))
        return
    from balans.reports.output import emit

    emit(_render_plan(result, s, output_format, lang, output), output)


def _render_plan(
    result: PlanResult, s: Scenario, output_format: str, lang: str, output: str | None
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
    )


def _render_comparison(
    c: Comparison, s: Scenario, output_format: str, lang: str, output: str | None
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
