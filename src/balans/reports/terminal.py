"""Sections -> rich tables for the terminal (traffic-light status column)."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from balans.reports.sections import BINDING, MET, NOT_MET, OFF, Section

COLOURS = {MET: "green", BINDING: "yellow", NOT_MET: "bold red", OFF: "dim"}


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
            console.print(Text(note))
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
