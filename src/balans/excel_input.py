"""A scenario as a workbook to fill in, and a filled workbook back to a scenario.

`write_template` lays every value of a scenario file (without its region
model: committee names and statement labels stay in models/<region>) out on
sheets a finance department knows: resultatbudget, balansbudget,
finansieringsbudget, investeringar, nämnder, FoU, likviditet, målvärden.
Each row is one scenario key, named in column A; years run across the
columns. `import_workbook` reads the rows back into a scenario file that
names the same region model with `model:` and holds every other value
itself (no `extends:`), so that the workbook is the whole truth: a row
deleted in Excel is an error, never a value silently taken from elsewhere.

Every error names the workbook, the sheet, the cell and the scenario key.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from balans.errors import BalansError, ScenarioError
from balans.reports.output import FORMULA_START, safe_cell

# The balans folder (a source checkout): the shipped scenario and region models.
REPO_ROOT = Path(__file__).resolve().parents[2]
DECIDED_SCENARIO = REPO_ROOT / "scenarios" / "rjh-2026-decided.yaml"
MODEL_KEYS = ("region", "committees", "statements")  # the region model's, not filled in
UNIT_COLUMN = 3  # A key, B description, C unit, D... values
FIRST_VALUE_COLUMN = 4
MONTH_NAMES = (
    (
        "jan",
        "feb",
        "mar",
        "apr",
        "maj",
        "jun",
        "jul",
        "aug",
        "sep",
        "okt",
        "nov",
        "dec",
    ),
    (
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "oct",
        "nov",
        "dec",
    ),
)
COMMITTEE_FIELDS = (
    ("costs", "Kostnader", "Costs"),
    ("revenue", "Intäkter", "Revenue"),
    ("targeted_grants", "varav riktade statsbidrag", "of which targeted grants"),
    (
        "taxes_and_general_grants",
        "Skatter och generella statsbidrag",
        "Taxes and general grants",
    ),
)

# Sheet key, Swedish and English name, the key prefixes it holds (first match wins).
SHEETS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "info",
        "Anvisningar",
        "Instructions",
        ("name", "title", "description", "model", "objective", "horizon", "planning"),
    ),
    (
        "income",
        "Resultatbudget",
        "Income statement",
        tuple(
            f"budget.{line}"
            for line in (
                "operating_revenue",
                "targeted_grants",
                "operating_costs",
                "depreciation",
                "tax_revenue",
                "general_grants",
                "pharma_grant",
                "financial_income",
                "financial_costs",
            )
        ),
    ),
    (
        "cash_flow",
        "Finansieringsbudget",
        "Cash-flow budget",
        (
            "budget.pension_liability_increase",
            "budget.pension_portfolio_purchases",
            "budget.new_long_term_debt",
            "budget.debt_repayment",
            "debt",
        ),
    ),
    (
        "balance",
        "Balansbudget",
        "Balance sheet",
        (
            "opening",
            "budget.land_buildings",
            "budget.intangible_assets",
            "budget.financial_fixed_assets",
            "budget.pension_commitments",
            "budget.pension_commitments_payroll_tax",
            "balanskrav",
        ),
    ),
    (
        "investments",
        "Investeringar",
        "Investments",
        (
            "budget.net_investments",
            "budget.additional_investments",
            "depreciation",
            "levers.investment_timing",
        ),
    ),
    (
        "committees",
        "Nämnder",
        "Committees",
        (
            "budget.committees",
            "rules.committee_frames.frames",
            "levers.savings_weights",
            "rules.savings_capacity.per_committee_pct",
        ),
    ),
    (
        "assumptions",
        "Antaganden",
        "Assumptions",
        ("assumptions", "budget.basis", "equalisation"),
    ),
    ("fou", "FoU", "FoU", ("budget.fou_tkr", "fou")),
    ("liquidity", "Likviditet", "Liquidity", ("liquidity",)),
    ("rules", "Målvärden", "Targets", ("rules",)),
    ("levers", "Styrmedel", "Levers", ("levers",)),
    ("other", "Övrigt", "Other", ("",)),
)
REQUIRED_SHEETS = tuple(key for key, *_ in SHEETS if key != "other")

SHEET_NOTES = {
    "info": (
        "Scenariots namn, horisont och planering. Fyll i de gula cellerna på varje blad.",
        "The scenario's name, horizon and planning. Fill in the yellow cells on every sheet.",
    ),
    "income": (
        "Tabell 2: Mkr med tabellens tecken (kostnader negativa), ett år per kolumn.",
        "Tabell 2: Mkr with the table's signs (costs negative), one year per column.",
    ),
    "cash_flow": (
        "Tabell 6: Mkr per år; amortering som andel av ingående lån (%).",
        "Tabell 6: Mkr per year; amortisation as a share of the opening loans (%).",
    ),
    "balance": (
        "Tabell 5: ingående balans (året före horisonten) och rader per år, Mkr.",
        "Tabell 5: opening balance (the year before the horizon) and lines per year, Mkr.",
    ),
    "investments": (
        "Tabell 8: nettoinvesteringar och investeringar utöver ramen, Mkr per år.",
        "Tabell 8: net investments and investments on top of the frame, Mkr per year.",
    ),
    "committees": (
        "Tabell 11/12: en rad per nämnd (koden som i regionmodellen), Mkr; ramar per år.",
        "Tabell 11/12: one row per committee (its code in the region model), Mkr; frames "
        "per year.",
    ),
    "assumptions": (
        "Prognoser i procent per år (3,1 = 3,1 %); basis = prognoserna budgeten bygger på.",
        "Forecasts in percent per year (3.1 = 3.1 %); basis = the forecasts the budget rests on.",
    ),
    "fou": ("FoU-medel i tkr.", "FoU funds in tkr."),
    "liquidity": (
        "Månadsprofiler: andelar av årets flöde per månad, summa 1. Belopp i Mkr.",
        "Monthly profiles: shares of the year's flow per month, summing to 1. Amounts in Mkr.",
    ),
    "rules": (
        "Målvärden: gränser per år, av/på (enabled), Mkr eller procent.",
        "Targets: limits per year, on/off (enabled), Mkr or percent.",
    ),
    "levers": ("Vad optimeringen får ändra.", "What the optimiser may change."),
    "other": ("Övriga inställningar.", "Other settings."),
}

INSTRUCTIONS = {
    "sv": [
        "Mall för ett scenario i balans: den beslutade budgetens indata, ett blad per del.",
        "Fyll i eller ändra de gula cellerna. Kolumn A (Nyckel) är nyckeln i scenariofilen: "
        "ändra den inte; en ny nämnd eller ett nytt år läggs till som en ny rad eller kolumn.",
        "Belopp i Mkr med budgettabellernas tecken (kostnader negativa), FoU i tkr, "
        "procentsatser i procent (3,1 betyder 3,1 %), månadsprofiler som andelar.",
        "En tom cell i en årskolumn betyder att året saknas; serier som måste täcka hela "
        "horisonten ger då ett fel som pekar på cellen.",
        "Formler går bra: balans läser de värden Excel har räknat fram (spara i Excel först).",
        "Läs in: balans import-excel BUDGET.xlsx --output scenario.yaml, "
        "sedan balans evaluate scenario.yaml (docs/excel.md).",
    ],
    "en": [
        "Template of a balans scenario: the decided budget's inputs, one sheet per part.",
        "Fill in or change the yellow cells. Column A (Key) is the scenario file's key: "
        "keep it; a new committee or year is a new row or column.",
        "Amounts in Mkr with the budget tables' signs (costs negative), FoU in tkr, "
        "rates in percent (3.1 means 3.1 %), monthly profiles as shares.",
        "An empty cell in a year column means the year is missing; series that must cover "
        "the horizon then give an error naming the cell.",
        "Formulas are fine: balans reads the values Excel computed (save in Excel first).",
        "Import: balans import-excel BUDGET.xlsx --output scenario.yaml, "
        "then balans evaluate scenario.yaml (docs/excel.md).",
    ],
}

HEADERS = {
    "sv": ("Nyckel", "Beskrivning", "Enhet", "Värde"),
    "en": ("Key", "Description", "Unit", "Value"),
}
KEY_HEADERS = {HEADERS["sv"][0], HEADERS["en"][0]}
VALUE_HEADERS = {HEADERS["sv"][3], HEADERS["en"][3]}
_FIELD = re.compile(r".*\[([A-Za-z_][A-Za-z0-9_]*)\]\s*$")
_DECIMAL_COMMA = re.compile(r"\s*[+-]?[0-9 \u00a0]+,[0-9]+\s*")
INPUT_FILL = "FFF2CC"  # the light yellow of input cells


@dataclass
class Row:
    """One scenario key on a sheet: a value, a list, a year series, months or a table row."""

    kind: str  # value | list | series | months | table
    path: str  # dotted, list items as .0 (the form ScenarioError names)
    value: Any


@dataclass
class Placed:
    """Where each key landed in a workbook (for errors): key -> (sheet, cell)."""

    cells: dict[str, tuple[str, str]] = field(default_factory=dict)


# ---------------------------------------------------------------- flattening


def _is_year(key: Any) -> bool:
    return isinstance(key, int) and not isinstance(key, bool) and 1900 <= key <= 2200


def _scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def flatten(data: dict[str, Any]) -> list[Row]:
    """The scenario's values as rows, in file order."""
    rows: list[Row] = []
    for key, value in data.items():
        _flatten(str(key), value, rows)
    return rows


def _flatten(path: str, value: Any, rows: list[Row]) -> None:
    if path.startswith("budget.committees.") and path.count(".") == 2:
        rows.append(Row("table", path, value))
    elif (
        isinstance(value, dict)
        and all(_is_year(k) for k in value)
        and all(_scalar(v) for v in value.values())
    ):
        rows.append(Row("series", path, value))
    elif isinstance(value, dict):
        for key, child in value.items():
            _flatten(f"{path}.{key}", child, rows)
    elif isinstance(value, list) and path.startswith("liquidity.profiles."):
        rows.append(Row("months", path, value))
    elif isinstance(value, list) and all(_scalar(v) for v in value):
        rows.append(Row("list", path, value))
    elif isinstance(value, list):
        for number, child in enumerate(value):
            _flatten(f"{path}.{number}", child, rows)
    else:
        rows.append(Row("value", path, value))


def sheet_of(path: str) -> str:
    """The sheet key a scenario key belongs on."""
    for key, _, _, prefixes in SHEETS:
        for prefix in prefixes:
            if not prefix or path == prefix or path.startswith(prefix + "."):
                return key
    return "other"  # pragma: no cover (the "" prefix matches every path)


def _sheet_name(key: str, lang: str) -> str:
    for sheet, sv, en, _ in SHEETS:
        if sheet == key:
            return sv if lang == "sv" else en
    raise KeyError(key)


# ---------------------------------------------------------------- template


@dataclass(frozen=True)
class Naming:
    """The region's own names for keys, and each rule section's name in reports.

    Attributes:
        lines: key path -> the statement line's name (`budget.tax_revenue`).
        committees: committee code -> its name.
        rules: `rules.<section>` -> the name of its (first) rule in the registry.

    """

    lines: dict[str, str]
    committees: dict[str, str]
    rules: dict[str, str]


def _unit(path: str, lang: str) -> str:
    """The key's declared unit as `lang` writes it ("" for text and switches)."""
    from balans.scenario.meta import unit_at
    from balans.units import unit_name

    unit = unit_at(path)
    return unit_name(unit, lang) if unit else ""


def _description(path: str, naming: Naming, lang: str) -> str:
    """The region's own name for a key where it has one, else its declared description.

    A row of a mapping by committee is the committee's name; a rule's rows
    start with the rule's name in the report's words (`Skuldsättningstak: ...`).
    """
    from balans.scenario.meta import meta_at

    if path in naming.lines:
        return naming.lines[path]
    meta = meta_at(path)
    last = path.rsplit(".", 1)[-1]
    if meta.keys == "<committee>" and last in naming.committees:
        return naming.committees[last]
    text = meta.sv if lang == "sv" else meta.description
    parts = path.split(".")
    if len(parts) > 2 and parts[0] == "rules" and parts[1] in naming.rules:
        lower = text[:1].lower() + text[1:] if text[1:2].islower() else text
        return f"{naming.rules[parts[1]]}: {lower}"
    return text


def _naming(merged: dict[str, Any], lang: str) -> Naming:
    """Region names for keys (statement lines, committees) and the rules' names."""
    from balans.model.registry import LP_RULES

    index = 0 if lang == "sv" else 1
    rules: dict[str, str] = {}
    for rule in LP_RULES:
        rules.setdefault(rule.setting, (rule.sv_label, rule.en_label)[index])
    lines: dict[str, str] = {}
    for statement in ("income", "balance", "cash_flow"):
        for line in merged.get("statements", {}).get(statement, []):
            name = (line.get("sv"), line.get("en"))[index]
            lines.setdefault(f"budget.{line.get('id')}", name)
            if statement == "balance":
                opening = "ingående" if lang == "sv" else "opening"
                lines.setdefault(f"opening.{line.get('id')}", f"{name} ({opening})")
    committees = {
        code: (committee.get("sv_name"), committee.get("en_name"))[index]
        for code, committee in merged.get("committees", {}).items()
    }
    return Naming(lines, committees, rules)


def scenario_values(path: str | Path) -> tuple[dict[str, Any], dict[str, Any], Path]:
    """The scenario's own values (merged chain, without the region model's sections).

    Returns the values, the fully merged data (for labels) and the model folder.
    """
    from balans.scenario.load import ScenarioBase

    base = ScenarioBase.read(path)
    merged = base.merged
    values = {k: v for k, v in merged.items() if k not in MODEL_KEYS}
    model_folder = base.layers[0].path.parent
    return values, merged, model_folder


def write_template(scenario_path: str | Path, output: str, lang: str) -> bytes:
    """The workbook of `scenario_path`'s inputs, as .xlsx bytes for `output`."""
    from openpyxl import Workbook

    values, merged, model_folder = scenario_values(scenario_path)
    ordered = {"model": _model_name(model_folder), **values}
    rows = flatten(ordered)
    naming = _naming(merged, lang)
    by_sheet: dict[str, list[Row]] = {key: [] for key, *_ in SHEETS}
    for row in rows:
        by_sheet[sheet_of(row.path)].append(row)
    book = Workbook()
    book.remove(book.active)
    for key, *_ in SHEETS:
        if key == "other" and not by_sheet[key]:
            continue
        sheet = book.create_sheet(_sheet_name(key, lang))
        _write_sheet(sheet, key, by_sheet[key], lang, naming)
    import io

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _model_name(folder: Path) -> str:
    """The model folder as the workbook names it: under the balans folder, relative to it.

    A workbook travels (mail, a shared drive), so a path relative to where it
    was written would break; `models/rjh` is found again from the balans folder.
    """
    folder = Path(os.path.abspath(folder))
    try:
        return folder.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(folder)


def _model_folder(model: str, workbook: Path) -> Path | None:
    """The region model a workbook names, the first folder found that has one.

    An absolute path as it is; else relative to the workbook's folder, the
    current folder or the balans folder.
    """
    from balans.scenario.load import MODEL_FILE

    path = Path(model)
    bases = [Path()] if path.is_absolute() else [workbook.parent, Path.cwd(), REPO_ROOT]
    for base in bases:
        folder = Path(os.path.abspath(base / path))
        if (folder / MODEL_FILE).is_file():
            return folder
    return None


def _write_sheet(sheet, key, rows, lang, naming) -> None:
    from openpyxl.styles import Font

    index = 0 if lang == "sv" else 1
    sheet.cell(row=1, column=1, value=sheet.title).font = Font(bold=True, size=13)
    sheet.cell(row=2, column=1, value=SHEET_NOTES[key][index])
    line = 3
    if key == "info":
        for text in INSTRUCTIONS[lang]:
            sheet.cell(row=line, column=1, value=text)
            line += 1
    line += 1
    blocks = _blocks(rows)
    first_header = None
    for kind, block in blocks:
        header = line
        first_header = first_header or header
        _write_block(sheet, header, kind, block, lang, naming)
        line = header + len(block) + 2
    if first_header is not None:
        sheet.freeze_panes = sheet.cell(row=first_header + 1, column=2)
    _widths(sheet)


def _blocks(rows: list[Row]) -> list[tuple[str, list[Row]]]:
    """Rows grouped by kind: values and lists, then series, months, table rows."""
    order = (("value", "list"), ("table",), ("series",), ("months",))
    blocks = []
    for kinds in order:
        chosen = [row for row in rows if row.kind in kinds]
        if chosen:
            blocks.append((kinds[0], chosen))
    return blocks


def _write_block(sheet, header, kind, rows, lang, naming) -> None:
    from openpyxl.styles import Font, PatternFill

    fill = PatternFill("solid", fgColor=INPUT_FILL)
    names = HEADERS[lang]
    heads: list[Any] = list(names[:3])
    if kind == "value":
        heads.append(names[3])
    elif kind == "series":
        years = sorted({y for row in rows for y in row.value})
        heads += years
    elif kind == "months":
        heads += list(MONTH_NAMES[0 if lang == "sv" else 1])
    elif kind == "table":
        index = 1 if lang == "sv" else 2
        heads += [f"{f[index]} [{f[0]}]" for f in COMMITTEE_FIELDS]
    for column, text in enumerate(heads, start=1):
        sheet.cell(row=header, column=column, value=text).font = Font(bold=True)
    for offset, row in enumerate(rows, start=1):
        number = header + offset
        shown = row.path + ("[]" if row.kind == "list" else "")
        sheet.cell(row=number, column=1, value=shown)
        description = _description(row.path, naming, lang)
        sheet.cell(row=number, column=2, value=safe_cell(description) or None)
        sheet.cell(row=number, column=UNIT_COLUMN, value=_unit(row.path, lang) or None)
        if row.kind == "value":
            cells = [row.value]
        elif row.kind == "list":
            cells = list(row.value) or [None]
        elif row.kind == "series":
            cells = [row.value.get(y) for y in heads[3:]]
        elif row.kind == "months":
            cells = list(row.value)
        else:
            cells = [row.value.get(f[0]) for f in COMMITTEE_FIELDS]
        for column, value in enumerate(cells, start=FIRST_VALUE_COLUMN):
            cell = sheet.cell(row=number, column=column)
            cell.value = safe_cell(value) if isinstance(value, str) else value
            cell.fill = fill


def _widths(sheet) -> None:
    from openpyxl.utils import get_column_letter

    widths = {1: 40, 2: 50, 3: 7}
    for column in range(1, sheet.max_column + 1):
        width = widths.get(column, 12)
        sheet.column_dimensions[get_column_letter(column)].width = width


# ---------------------------------------------------------------- import


class WorkbookError(BalansError):
    """A filled workbook that cannot be read: names the sheet, cell and key."""


def _where(book_name: str, sheet: str, cell: str, key: str = "") -> str:
    text = f"{book_name}: sheet '{sheet}' cell {cell}"
    return text + (f" ({key})" if key else "")


def _unescape(value: Any) -> Any:
    """Text the template wrote with safe_cell's leading `'` comes back as written."""
    if isinstance(value, str):
        if value.startswith("'") and value[1:].startswith(FORMULA_START):
            return value[1:]
    return value


def _kind_name(value: Any) -> str:
    if isinstance(value, bool):
        return f"true/false ({value})"
    if isinstance(value, str):
        return f"text {value!r}"
    return type(value).__name__


def _number(value: Any, where: str) -> Any:
    """A number cell's value; text (decimal comma too) is an error naming the cell."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        if isinstance(value, str) and _DECIMAL_COMMA.fullmatch(value):
            raise WorkbookError(
                f"{where}: must be a number, not the text {value!r}; enter it as a "
                "number (Excel shows the decimal comma itself)"
            )
        raise WorkbookError(f"{where}: must be a number, not {_kind_name(value)}")
    return value


@dataclass
class _Reader:
    book_name: str
    placed: Placed = field(default_factory=Placed)
    values: dict[str, Any] = field(default_factory=dict)


def _find_sheets(book, book_name: str) -> tuple[dict[str, Any], str]:
    """Sheet key -> worksheet, and the language the names are in."""
    found: dict[str, Any] = {}
    lang = "sv" if "Anvisningar" in book.sheetnames else "en"
    for key, sv, en, _ in SHEETS:
        for name in (sv, en):
            if name in book.sheetnames:
                found[key] = book[name]
                break
    for key in REQUIRED_SHEETS:
        if key not in found:
            name = _sheet_name(key, lang)
            raise WorkbookError(
                f"{book_name}: sheet '{name}' is missing (the template has "
                + ", ".join(f"'{_sheet_name(k, lang)}'" for k in REQUIRED_SHEETS)
                + "; balans template writes a new one)"
            )
    return found, lang


def read_workbook(path: str | Path) -> tuple[dict[str, Any], Placed, str]:
    """The scenario values of a filled workbook, where each key is, and its model path."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    book_name = str(path)
    try:
        book = load_workbook(path, data_only=True, read_only=False)
    except FileNotFoundError:
        raise WorkbookError(f"{book_name}: not found") from None
    except Exception as exc:  # zip, XML: not a workbook openpyxl can read
        raise WorkbookError(
            f"{book_name}: not an Excel workbook (.xlsx) openpyxl can read: "
            f"{type(exc).__name__}"
        ) from None
    sheets, _ = _find_sheets(book, book_name)
    reader = _Reader(book_name)
    for key, sheet in sheets.items():
        _read_sheet(reader, sheet, get_column_letter)
    return reader.values, reader.placed, book_name


def _read_sheet(reader: _Reader, sheet, letter) -> None:
    rows = list(sheet.iter_rows())
    number = 0
    while number < len(rows):
        first = rows[number][0].value if rows[number] else None
        if isinstance(first, str) and first.strip() in KEY_HEADERS:
            number = _read_block(reader, sheet, rows, number, letter)
        else:
            number += 1


def _header_kind(reader, sheet, header_cells, letter) -> tuple[str, list[Any]]:
    heads = [c.value for c in header_cells[FIRST_VALUE_COLUMN - 1 :]]
    while heads and heads[-1] is None:
        heads.pop()
    if not heads:
        cell = header_cells[0]
        raise WorkbookError(
            _where(
                reader.book_name, sheet.title, f"{letter(FIRST_VALUE_COLUMN)}{cell.row}"
            )
            + ": the header row has no value columns"
        )
    first = heads[0]
    if isinstance(first, str) and first.strip() in VALUE_HEADERS:
        return "value", heads
    if isinstance(first, str) and first.strip().lower() in ("jan",):
        return "months", heads
    if isinstance(first, str) and _FIELD.match(first):
        return "table", [_FIELD.match(str(h)).group(1) if h else None for h in heads]
    return "series", _years(reader, sheet, header_cells, heads, letter)


def _years(reader, sheet, header_cells, heads, letter) -> list[int]:
    row = header_cells[0].row
    years: list[int] = []
    for offset, value in enumerate(heads):
        coordinate = f"{letter(FIRST_VALUE_COLUMN + offset)}{row}"
        where = _where(reader.book_name, sheet.title, coordinate)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if not _is_year(value):
            raise WorkbookError(f"{where}: a year column needs a year, not {value!r}")
        if years and value != years[-1] + 1:
            missing = years[-1] + 1
            raise WorkbookError(
                f"{where}: year {missing} is missing (the columns go {years[-1]}, "
                f"{value}); add a column for {missing}"
            )
        years.append(value)
    return years


def _read_block(reader: _Reader, sheet, rows, header: int, letter) -> int:
    kind, heads = _header_kind(reader, sheet, rows[header], letter)
    number = header + 1
    while number < len(rows):
        cells = rows[number]
        key = cells[0].value if cells else None
        if key is None or (isinstance(key, str) and not key.strip()):
            break
        if isinstance(key, str) and key.strip() in KEY_HEADERS:
            break
        _read_row(reader, sheet, kind, heads, cells, letter)
        number += 1
    return number


def _cell_value(cells, column: int) -> Any:
    return _unescape(cells[column].value) if column < len(cells) else None


def _check_unit(reader: _Reader, sheet, cells, path: str, letter) -> None:
    """A unit cell naming another unit than the key's is an error (tkr on a Mkr row).

    The unit is the key's declared one (`balans.scenario.meta`), in either
    language; an empty unit cell is read as the declared unit.
    """
    from balans.scenario.meta import unit_at
    from balans.units import UNIT_NAMES

    written = _cell_value(cells, UNIT_COLUMN - 1)
    unit = unit_at(path)
    if not unit or written is None or not str(written).strip():
        return
    names = UNIT_NAMES[unit]
    if str(written).strip() in names:
        return
    cell = f"{letter(UNIT_COLUMN)}{cells[0].row}"
    where = _where(reader.book_name, sheet.title, cell, path)
    shown = " or ".join(dict.fromkeys(names))
    raise WorkbookError(
        f"{where}: the unit is {shown}, not {written!r}; enter the values in "
        f"{names[1]} and the unit as the template writes it"
    )


def _read_row(reader: _Reader, sheet, kind, heads, cells, letter) -> None:
    row = cells[0].row
    shown = str(cells[0].value).strip()
    is_list = shown.endswith("[]")
    path = shown[:-2] if is_list else shown
    if not re.fullmatch(r"[^\s.]+(\.[^\s.]+)*", path):
        raise WorkbookError(
            _where(reader.book_name, sheet.title, f"A{row}")
            + f": {shown!r} is not a scenario key (dotted names, e.g. budget.fou_tkr)"
        )
    place = (sheet.title, f"A{row}")
    reader.placed.cells[path] = place
    _check_unit(reader, sheet, cells, path, letter)
    start = FIRST_VALUE_COLUMN - 1

    def at(offset: int) -> tuple[Any, str]:
        coordinate = f"{letter(start + offset + 1)}{row}"
        return _cell_value(cells, start + offset), coordinate

    def where(coordinate: str, key: str) -> str:
        return _where(reader.book_name, sheet.title, coordinate, key)

    if kind == "value" and is_list:
        values = []
        offset = 0
        while True:
            value, coordinate = at(offset)
            if value is None:
                break
            reader.placed.cells[f"{path}.{offset}"] = (sheet.title, coordinate)
            values.append(value)
            offset += 1
        _store(reader, path, values, place)
    elif kind == "value":
        value, coordinate = at(0)
        reader.placed.cells[path] = (sheet.title, coordinate)
        _store(reader, path, value, place)
    elif kind == "series":
        series = {}
        for offset, year in enumerate(heads):
            value, coordinate = at(offset)
            reader.placed.cells[f"{path}.{year}"] = (sheet.title, coordinate)
            if value is None:
                continue
            series[year] = _number(value, where(coordinate, f"{path}.{year}"))
        _store(reader, path, series, place)
    elif kind == "months":
        months = []
        for offset in range(12):
            value, coordinate = at(offset)
            reader.placed.cells[f"{path}.{offset}"] = (sheet.title, coordinate)
            if value is None:
                raise WorkbookError(
                    where(coordinate, f"{path}.{offset}")
                    + f": month {offset + 1} is empty (a profile needs all 12 months)"
                )
            months.append(_number(value, where(coordinate, f"{path}.{offset}")))
        _store(reader, path, months, place)
    else:  # a committee table row
        table = {}
        for offset, name in enumerate(heads):
            value, coordinate = at(offset)
            if name is None:
                continue
            reader.placed.cells[f"{path}.{name}"] = (sheet.title, coordinate)
            if value is None:
                continue
            table[name] = _number(value, where(coordinate, f"{path}.{name}"))
        _store(reader, path, table, place)


def _store(reader: _Reader, path: str, value: Any, place: tuple[str, str]) -> None:
    """Set `value` at the dotted path (list items as .0) of the scenario values."""
    parts = path.split(".")
    node: Any = reader.values
    for number, part in enumerate(parts[:-1]):
        following = parts[number + 1]
        empty: Any = [] if following.isdigit() else {}
        if isinstance(node, list):
            index = int(part)
            while len(node) <= index:
                node.append(None)
            if node[index] is None:
                node[index] = empty
            node = node[index]
        else:
            key = int(part) if _is_year_text(part) else part
            node = node.setdefault(key, empty)
    last = parts[-1]
    if isinstance(node, list):
        index = int(last)
        while len(node) <= index:
            node.append(None)
        node[index] = value
        return
    if last in node:
        sheet, cell = place
        raise WorkbookError(
            _where(reader.book_name, sheet, cell, path) + ": the key is given twice"
        )
    node[last] = value


def _is_year_text(part: str) -> bool:
    return part.isdigit() and _is_year(int(part))


def _to_yaml(values: dict[str, Any], source: str) -> str:
    import yaml

    header = (
        f"# Imported from {Path(source).name} by `balans import-excel`.\n"
        "# Self-contained: every value is the workbook's; `model:` names the region\n"
        "# model (committee names, statement labels), as a scenario file does.\n"
    )
    return header + yaml.safe_dump(
        values, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100
    )


def import_workbook(workbook: str | Path, output: str) -> str:
    """Read a filled workbook, validate it as a scenario, and return its YAML text.

    The model path in the workbook is relative to the workbook's folder; in
    the YAML it is made relative to `output`'s folder.
    """
    values, placed, book_name = read_workbook(workbook)
    model = values.get("model")
    if not isinstance(model, str) or not model.strip():
        sheet, cell = placed.cells.get("model", (_sheet_name("info", "sv"), "A?"))
        raise WorkbookError(
            _where(book_name, sheet, cell, "model")
            + ": must name the region model folder (e.g. ../models/rjh)"
        )
    folder = _model_folder(model.strip(), Path(os.path.abspath(workbook)))
    if folder is None:
        sheet, cell = placed.cells["model"]
        raise WorkbookError(
            _where(book_name, sheet, cell, "model")
            + f": no region model {model!r} (a folder with model.yaml), looked for "
            "from the workbook's folder, the current folder and the balans folder"
        )
    out_folder = Path(os.path.abspath(output)).parent
    values["model"] = os.path.relpath(folder, out_folder)
    if "name" not in values:
        values["name"] = Path(output).stem
    text = _to_yaml(values, str(workbook))
    _validate(text, out_folder, placed, book_name)
    return text


def _validate(text: str, folder: Path, placed: Placed, book_name: str) -> None:
    """Load the YAML as balans will; map an error back to the sheet and cell."""
    from balans.scenario.load import load_scenario

    handle, temporary = tempfile.mkstemp(
        dir=folder, prefix=".balans-import-", suffix=".yaml"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        load_scenario(temporary)
    except ScenarioError as exc:
        raise WorkbookError(_mapped(exc, placed, book_name)) from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _mapped(exc: ScenarioError, placed: Placed, book_name: str) -> str:
    """The scenario error at the cell its key came from."""
    key = exc.key_path
    parts = key.split(".") if key else []
    year = re.search(r"year (\d{4})", exc.reason)
    if year and f"{key}.{year.group(1)}" in placed.cells:
        parts.append(year.group(1))
    while parts:
        candidate = ".".join(parts)
        if candidate in placed.cells:
            sheet, cell = placed.cells[candidate]
            message = exc.reason + (f" ({exc.hint})" if exc.hint else "")
            return f"{_where(book_name, sheet, cell, key)}: {' '.join(message.split())}"
        parts.pop()
    message = exc.reason + (f" ({exc.hint})" if exc.hint else "")
    where = f" ({key})" if key else ""
    return f"{book_name}{where}: {' '.join(message.split())}"
