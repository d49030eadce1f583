"""Sections -> rich tables for the terminal (traffic-light status column)."""

from __future__ import annotations

import io
import re
import textwrap

from rich.console import Console
from rich.table import Table
from rich.text import Text

from balans.reports.sections import BINDING, MET, NOT_MET, OFF, Section

COLOURS = {MET: "green", BINDING: "yellow", NOT_MET: "bold red", OFF: "dim"}
NBSP = "\u00a0"
MONTHS = "jan feb mar apr maj may jun jul aug sep okt oct nov dec"
# Spaces a line must not break at: inside 1 343,2, before %, in "dec 2026" and
# before the value that follows a month, "dec 2026 (-137,1)".
_UNBREAKABLE = re.compile(
    r"(?<=\d) (?=\d{3}(?!\d))|(?<=\d) (?=%)|(?<=\b\d{4}) (?=\(-?\d)"
    rf"|(?<=\b(?i:{'|'.join(MONTHS.split())})) (?=\d{{4}}\b)"
)


def keep_together(text: str) -> str:
    """`text` with non-breaking spaces where a line break would split a value."""
    return _UNBREAKABLE.sub(NBSP, text)


def _wrapped(note: str, width: int) -> str:
    """A note wrapped at `width`, breaking only at ordinary spaces."""
    return "\n".join(
        textwrap.fill(
            keep_together(line),
            width=width,
            break_long_words=False,
            break_on_hyphens=False,
        )
        for line in note.splitlines() or [""]
    )


def render_terminal(
    sections: list[Section], colour: bool = False, width: int = 150
) -> str:
    """Render sections as text; with colour when writing to a terminal."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=colour,
        no_color=not colour,
        highlight=False,
        emoji=False,
    )
    for section in sections:
        console.print(Text(section.title, style="bold"))
        for note in section.notes:
            console.print(Text(_wrapped(note, width)))
        if section.columns:
            console.print(_table(section))
        console.print()
    return buffer.getvalue()


def _table(section: Section) -> Table:
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    for index, column in enumerate(section.columns):
        table.add_column(
            column, justify="left" if index == 0 else "right", no_wrap=True
        )
    for number, row in enumerate(section.rows):
        cells: list[Text | str] = list(row)
        if section.status_column is not None and number < len(section.row_status):
            style = COLOURS.get(section.row_status[number], "")
            cells[section.status_column] = Text(row[section.status_column], style=style)
        table.add_row(*cells)
    return table
