"""The `balans` command: validate, evaluate, solve, compare, schema."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any

import click

from balans import __version__
from balans.errors import BalansError
from balans.fou import fou_table
from balans.plan import compare, evaluate, optimise
from balans.reports.data import (
    comparison_to_dict,
    fou_to_dict,
    fou_to_frame,
    plan_to_dict,
    plan_to_frame,
)
from balans.reports.excel import plan_to_xlsx
from balans.reports.labels import TARGETS, label, naming_from, number, word
from balans.reports.markdown import render_markdown
from balans.reports.output import emit, to_csv, to_json, write_atomically
from balans.reports.sections import (
    comparison_sections,
    fou_sections,
    plan_sections,
    where,
)
from balans.reports.terminal import render_terminal
from balans.results import Comparison, PlanResult
from balans.scenario.load import load_scenario
from balans.scenario.schema import OBJECTIVES, Scenario

EXIT_INFEASIBLE = 2
FORMATS = ("table", "json", "csv", "md", "xlsx")


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
        click.argument("scenario_file", type=click.Path()),
        click.option(
            "--set",
            "overrides",
            multiple=True,
            metavar="KEY.PATH=VALUE",
            help="Override a scenario value, e.g. assumptions.interest_rate_pct.2027=4.5.",
        ),
        click.option(
            "--format",
            "output_format",
            type=click.Choice(FORMATS),
            default="table",
            show_default=True,
            help="Report format.",
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
    loaded = load_scenario(scenario_file, overrides)
    s = loaded.scenario
    lines = [
        f"{scenario_file}: ok ({s.name}, {s.horizon.first_year}-{s.horizon.last_year})"
    ]
    lines += [f"  {change}" for change in loaded.applied_overrides]
    emit("\n".join(lines) + "\n", output)


@main.command(name="evaluate")
@scenario_options
@reports_errors
def evaluate_command(scenario_file, overrides, output_format, output, lang) -> None:
    """Run the decided plan through the model: statements and every målvärde."""
    _check_xlsx(output_format, output)
    loaded = load_scenario(scenario_file, overrides)
    result = evaluate(loaded)
    _emit_plan(result, loaded.scenario, output_format, lang, output)


@main.command(name="solve")
@scenario_options
@click.option(
    "--objective",
    type=click.Choice(OBJECTIVES),
    help="Objective (default: the scenario's, min-savings).",
)
@click.option(
    "--write-model",
    type=click.Path(dir_okay=False),
    help="Also write the LP (.mps or .lp) for any other solver.",
)
@click.option(
    "--time-limit", type=click.FloatRange(min=0.1), help="Seconds HiGHS may take."
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
) -> None:
    """Find the optimal plan under the same rules; exit 2 if none exists."""
    _check_xlsx(output_format, output)
    loaded = load_scenario(scenario_file, overrides)
    result = optimise(loaded, objective, write_model, time_limit)
    _emit_plan(result, loaded.scenario, output_format, lang, output)
    if result.status != "optimal":
        _fail(_infeasible_line(result, lang), EXIT_INFEASIBLE)


@main.command(name="compare")
@scenario_options
@click.option(
    "--objective",
    type=click.Choice(OBJECTIVES),
    help="Objective of the optimal plan (default: the scenario's).",
)
@reports_errors
def compare_command(
    scenario_file, overrides, output_format, output, lang, objective
) -> None:
    """Decided and optimal plan side by side, with the differences."""
    _check_xlsx(output_format, output, supported=False)
    loaded = load_scenario(scenario_file, overrides)
    comparison = compare(loaded, objective)
    emit(
        _render_comparison(comparison, loaded.scenario, output_format, lang, output),
        output,
    )
    if comparison.optimal.status != "optimal":
        _fail(_infeasible_line(comparison.optimal, lang), EXIT_INFEASIBLE)


@main.command(name="fou")
@scenario_options
@reports_errors
def fou_command(scenario_file, overrides, output_format, output, lang) -> None:
    """FoU-medel: each level's targets, extra savings, per inhabitant and grants."""
    _check_xlsx(output_format, output, supported=False)
    loaded = load_scenario(scenario_file, overrides)
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


@main.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format (for editors)."""
    document = Scenario.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "balans scenario (merged with its region model)"
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


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
        return to_json(document())
    if output_format == "csv":
        return to_csv(frames())
    if output_format == "md":
        return render_markdown(sections(), heading)
    return render_terminal(sections(), colour=output is None and sys.stdout.isatty())


def _check_xlsx(output_format: str, output: str | None, supported: bool = True) -> None:
    """Excel is binary: it needs a file, and exists for evaluate and solve."""
    if output_format != "xlsx":
        return
    if not supported:
        raise BalansError("--format xlsx is available for evaluate and solve")
    if output is None or not output.lower().endswith(".xlsx"):
        raise BalansError("--format xlsx needs --output FILE.xlsx")


def _emit_plan(
    result: PlanResult, s: Scenario, output_format: str, lang: str, output: str | None
) -> None:
    if output_format == "xlsx":
        write_atomically(output, plan_to_xlsx(result, naming_from(s), lang))
        return
    emit(_render_plan(result, s, output_format, lang, output), output)


def _render_plan(
    result: PlanResult, s: Scenario, output_format: str, lang: str, output: str | None
) -> str:
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
    return _render(
        output_format,
        output,
        f"balans compare: {c.decided.scenario}",
        lambda: comparison_to_dict(c, lang),
        lambda: [plan_to_frame(c.decided), plan_to_frame(c.optimal)],
        lambda: comparison_sections(c, lang, naming_from(s)),
    )


def _infeasible_line(result: PlanResult, lang: str) -> str:
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
    return text
