"""Titled tables -> a formatted Excel workbook (openpyxl), one sheet per table.

The generic writer every `--format xlsx` report uses: a first sheet of header
facts (scenario, status, solver, applied changes), then one sheet per table
with a bold title, optional notes, a frozen header row, number formats per
column and no index column. Excel shows the format code `#,##0.0` as
`1 050,0` in Swedish and `1,050.0` in English; the stored values are numbers,
rounded to the decimals shown so that no float noise (260.00000000001)
reaches the cell.

Percent columns: the values arrive in percent (16.4) as in the JSON and are
stored as fractions (0.164) with the format `0.0%`, so that Excel shows 16,4 %
and a formula on the cell computes with the fraction, as Excel expects.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from balans.reports.output import safe_cell

if TYPE_CHECKING:
    import pandas as pd

SHEET_NAME_LENGTH = 31  # Excel's limit
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
MAX_WIDTH = 60
NUMBER_WIDTH = 12

# kind -> (Excel format code, decimals kept); "pct" values are divided by 100.
NUMBER_FORMATS: dict[str, tuple[str, int]] = {
    "mkr": ("#,##0.0", 1),
    "mkr2": ("#,##0.00", 2),
    "num3": ("#,##0.000", 3),
    "tkr": ("#,##0", 0),
    "int": ("#,##0", 0),
    "year": ("0", 0),
    "pct": ("0.0%", 1),
    "pct2": ("0.00%", 2),
}


@dataclass
class SheetTable:
    """One table of a workbook: its title, the frame and the format of each column.

    `frame`'s column names are the header texts; its index is not written.
    `formats` maps a column to a kind of NUMBER_FORMATS; a float column
    without one is "mkr", an integer column "int", text stays text.
    `label_columns` is how many columns on the left stay in view (frozen);
    `sheet` a short sheet name where the title is longer than Excel's 31 characters.
    """

    title: str
    frame: pd.DataFrame
    formats: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    label_columns: int = 1
    sheet: str = ""


def rounded(value: Any, kind: str) -> Any:
    """A cell value in `kind`: rounded to the decimals shown, percent as a fraction."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if type(value).__name__ == "NAType":  # pandas' missing value (nullable columns)
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            import numpy as np

            if isinstance(value, np.integer):
                value = int(value)
            elif isinstance(value, np.floating):
                value = float(value)
            else:
                return safe_cell(value) if isinstance(value, str) else value
        except ImportError:  # pragma: no cover
            return value
    _, decimals = NUMBER_FORMATS[kind]
    if kind.startswith("pct"):
        value, decimals = value / 100.0, decimals + 2
    if kind in ("int", "tkr", "year") and float(value).is_integer():
        return int(value)
    result = round(float(value), decimals)
    return 0.0 if result == 0 else result


def _kind_of(frame: pd.DataFrame, column: str, formats: dict[str, str]) -> str | None:
    from pandas.api.types import is_float_dtype, is_integer_dtype

    if column in formats:
        return formats[column]
    series = frame[column]
    if is_float_dtype(series):
        return "mkr"
    if is_integer_dtype(series):
        return "int"
    if all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in series.dropna()
    ) and len(series.dropna()):
        return "mkr"
    return None


def sheet_name(title: str, taken: set[str]) -> str:
    """An Excel sheet name: none of the characters Excel forbids, 31 at most, unique."""
    base = title.replace(": ", " - ")
    base = _NOT_IN_SHEET_NAMES.sub("-", base).strip("' ")[:SHEET_NAME_LENGTH].strip()
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix
        number += 1
    taken.add(name.lower())
    return name


def write_workbook(
    summary_title: str,
    summary: list[tuple[str, Any]],
    tables: list[SheetTable],
    summary_headers: tuple[str, str] = ("", ""),
) -> bytes:
    """The workbook as .xlsx bytes: the summary sheet first, then one sheet per table.

    `summary` is a list of (label, value) rows; a label may repeat (one applied
    change per row).
    """
    from openpyxl import Workbook

    book = Workbook()
    taken: set[str] = set()
    first = book.active
    first.title = sheet_name(summary_title, taken)
    _write_summary(first, summary_title, summary, summary_headers)
    for table in tables:
        sheet = book.create_sheet(sheet_name(table.sheet or table.title, taken))
        _write_table(sheet, table)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _bold():
    from openpyxl.styles import Font

    return Font(bold=True)


def _write_summary(sheet, title: str, rows: list[tuple[str, Any]], headers) -> None:
    sheet.cell(row=1, column=1, value=safe_cell(title)).font = _bold()
    start = 3
    if any(headers):
        for column, text in enumerate(headers, start=1):
            sheet.cell(row=start, column=column, value=safe_cell(text)).font = _bold()
        start += 1
        sheet.freeze_panes = sheet.cell(row=start, column=1)
    for offset, (label, value) in enumerate(rows):
        sheet.cell(row=start + offset, column=1, value=safe_cell(label))
        cell = sheet.cell(row=start + offset, column=2)
        if isinstance(value, float):
            cell.value = rounded(value, "mkr2")
            cell.number_format = NUMBER_FORMATS["mkr2"][0]
        else:
            cell.value = safe_cell(value) if isinstance(value, str) else value
    _set_widths(sheet)


def _write_table(sheet, table: SheetTable) -> None:
    frame = table.frame
    sheet.cell(row=1, column=1, value=safe_cell(table.title)).font = _bold()
    row = 2
    for note in table.notes:
        sheet.cell(row=row, column=1, value=safe_cell(note))
        row += 1
    header = row + 1 if table.notes else row + 1
    columns = [str(c) if not isinstance(c, int) else c for c in frame.columns]
    for number, name in enumerate(columns, start=1):
        cell = sheet.cell(row=header, column=number, value=safe_cell(name))
        cell.font = _bold()
    kinds = [_kind_of(frame, column, table.formats) for column in frame.columns]
    for offset, values in enumerate(frame.itertuples(index=False), start=1):
        for number, (value, kind) in enumerate(zip(values, kinds, strict=True), 1):
            cell = sheet.cell(row=header + offset, column=number)
            if kind is None:
                cell.value = (
                    rounded(value, "mkr") if _is_number(value) else _text(value)
                )
            else:
                cell.value = rounded(value, kind)
                if isinstance(cell.value, int | float):
                    cell.number_format = NUMBER_FORMATS[kind][0]
    sheet.freeze_panes = sheet.cell(row=header + 1, column=table.label_columns + 1)
    _set_widths(sheet, first_row=header)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        import pandas as pd

        if value is pd.NA:
            return None
    except ImportError:  # pragma: no cover
        pass
    return safe_cell(value) if isinstance(value, str) else value


def _set_widths(sheet, first_row: int = 1) -> None:
    """Each column as wide as its longest text (titles and notes excluded), capped."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=first_row):
        for cell in row:
            if cell.value is None:
                continue
            if isinstance(cell.value, str):
                width = len(cell.value) + 2
            else:
                width = NUMBER_WIDTH
            widths[cell.column] = min(max(widths.get(cell.column, 8), width), MAX_WIDTH)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
