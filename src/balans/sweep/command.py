"""`balans sweep`: read the spec, check it, run the variants, say what happened."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from balans.errors import BalansError
from balans.reports.output import check_outputs
from balans.reports.sweep_text import interrupted_line, summary_lines
from balans.sweep.design import variants
from balans.sweep.prevalidate import check_values
from balans.sweep.run import PARTS_SUFFIX, run_sweep
from balans.sweep.spec import load_sweep_spec

TABLE_FORMATS = {".parquet": "parquet", ".csv": "csv"}


def table_format(output: Path, chosen: str | None) -> str:
    """The table format: `--format`, else the suffix of OUTPUT."""
    if chosen:
        return chosen
    fmt = TABLE_FORMATS.get(output.suffix.lower())
    if fmt is None:
        raise BalansError(
            f"{output}: cannot tell the format from the suffix; "
            "name a .parquet or .csv file or give --format"
        )
    return fmt


def sweep(
    spec_file: str,
    output: str | None,
    output_format: str | None,
    workers: int | None,
    scheduler: str | None,
    lang: str,
    show_progress: bool,
) -> None:
    """Run the sweep of `spec_file` and write its table."""
    spec, base = load_sweep_spec(spec_file)
    target = Path(output or Path(spec_file).with_suffix(".parquet").name)
    fmt = table_format(target, output_format)
    check_outputs({"--output": str(target)}, [Path(spec_file), *base.files])
    design = variants(spec)
    check_values(spec, base, design, spec_file)
    with progress_bar(show_progress, lang) as report:
        try:
            summary = run_sweep(
                spec, base, design, target, fmt, workers, scheduler, report
            )
        except KeyboardInterrupt:
            parts = target.with_name(target.name + PARTS_SUFFIX)
            saved = len(list(parts.glob("chunk-*.arrow")))
            chunks = -(-len(design) // spec.chunk_size)
            raise BalansError(
                interrupted_line(str(parts), saved, chunks, lang)
            ) from None
    for line in summary_lines(summary, lang):
        click.echo(line)


class progress_bar:  # noqa: N801 (a context manager used as a function)
    """A rich progress bar on stderr (rate and time left) when stderr is a terminal."""

    def __init__(self, show: bool, lang: str, label: str | None = None) -> None:
        self.show = show and sys.stderr.isatty()
        self.lang = lang
        self.label = label or ("svep" if lang == "sv" else "sweep")
        self.bar = None

    def __enter__(self):
        if not self.show:
            return None
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn(self.label),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.bar.start()
        task = self.bar.add_task("sweep", total=None, rate="")

        def report(done: int, total: int) -> None:
            speed = self.bar.tasks[0].speed
            rate = f"{speed:,.0f}/s".replace(",", "\u00a0") if speed else ""
            self.bar.update(task, completed=done, total=total, rate=rate)

        return report

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()
