"""The Excel workflow: formatted xlsx reports, the budget template and its import, CSV for
Swedish Excel.

Figures are compared with the JSON report of the same command (the contract), so
every number a workbook shows is the one a program reads.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys

import openpyxl
import pytest
from click.testing import CliRunner

from balans.cli import main
from balans.testing import DECIDED, REPO_ROOT, SCENARIOS, run_in_process

STRICT = SCENARIOS / "whatif-strict-loans.yaml"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def run_process(*args, cwd=REPO_ROOT):
    return subprocess.run(
        [sys.executable, "-m", "balans", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=180,
    )


def rows_of(sheet, header_text):
    """The sheet's table as {first cell: rest}, from the header row that starts so."""
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == header_text)
    return rows[start], rows[start + 1 :]


def numeric_cells(book):
    return [
        cell
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
    ]


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    """`balans evaluate` of the decided scenario as xlsx (sv and en) and as JSON."""
    folder = tmp_path_factory.mktemp("evaluate")
    books = {}
    for lang in ("sv", "en"):
        out = folder / f"plan-{lang}.xlsx"
        result = run("evaluate", DECIDED, "-o", out, "--lang", lang)
        assert result.exit_code == 0, result.output
        books[lang] = openpyxl.load_workbook(out)
    document = json.loads(run("evaluate", DECIDED, "--format", "json").output)
    return books, document


# 1. Plan workbooks: the numbers of the JSON, formatted, one value per cell.


def test_plan_workbook_sheets_in_swedish_and_english(evaluated):
    books, _ = evaluated
    assert books["sv"].sheetnames[:4] == [
        "Sammanfattning",
        "Resultatbudget",
        "Balansbudget",
        "Finansieringsbudget",
    ]
    assert "Lån och skuldsättning" in books["sv"].sheetnames
    assert "Loans and debt" in books["en"].sheetnames
    assert books["en"].sheetnames[0] == "Summary"
    header, _ = rows_of(books["sv"]["Målvärden"], "Målvärde")
    assert header[:3] == ("Målvärde", "Nyckel", "År")
    header, _ = rows_of(books["en"]["Targets"], "Target")
    assert header[:3] == ("Target", "Key", "Year")


def test_summary_sheet_names_scenario_status_solver_and_changes(evaluated):
    books, document = evaluated
    summary = dict(
        row[:2] for row in books["sv"]["Sammanfattning"].iter_rows(values_only=True)
    )
    assert summary["Scenario"] == document["scenario"] == "rjh-2026-decided"
    assert summary["Status"] == "utvärderad"
    assert summary["Lösare"].startswith("HiGHS ")
    assert summary["Ändrade värden"] == "inga (--set)"


def test_statement_cells_equal_the_json(evaluated):
    books, document = evaluated
    for sheet, statement in (
        ("Resultatbudget", "income"),
        ("Balansbudget", "balance"),
        ("Finansieringsbudget", "cash_flow"),
    ):
        header, rows = rows_of(
            books["en"][
                {"income": "Income statement", "balance": "Balance sheet"}.get(
                    statement, "Cash-flow budget"
                )
            ],
            "Line (Mkr)",
        )
        sv_header, sv_rows = rows_of(books["sv"][sheet], "Rad (Mkr)")
        assert header[1:] == sv_header[1:] == tuple(document["years"])
        values = document["statements"][statement]
        assert len(rows) == len(values)
        for row, line in zip(rows, values, strict=True):
            for year, cell in zip(header[1:], row[1:], strict=True):
                assert cell == round(values[line][str(year)], 1)
    # Tabell 2: Årets resultat 2027 260.1 (the decided plan reproduces it).
    _, rows = rows_of(books["sv"]["Resultatbudget"], "Rad (Mkr)")
    result = next(row for row in rows if row[0] == "Årets resultat")
    assert result[2] == pytest.approx(260.1, abs=0.15)


def test_a_committee_name_on_every_row(evaluated):
    books, document = evaluated
    sheet = books["sv"]["Nämnder"]
    header, rows = rows_of(sheet, "Nämnd")
    assert header[:2] == ("Nämnd", "Mått")
    assert rows and all(row[0] for row in rows)
    hsn = [row for row in rows if row[0] == "Hälso- och sjukvårdsnämnden"]
    frame = next(row for row in hsn if row[1] == "Nettoram")
    expected = document["committees"]["HSN"]["net_frame"]["2026"]
    assert frame[2] == round(expected, 1)


def test_loans_and_debt_sheet_with_percentages_as_fractions(evaluated):
    books, document = evaluated
    sheet = books["sv"]["Lån och skuldsättning"]
    header, rows = rows_of(sheet, "År")
    assert header[:3] == ("År", "Lån (Mkr)", "Lånetak (Mkr)")
    first = rows[0]
    debt = document["debt"]
    assert first[0] == 2026
    assert first[1] == round(debt["loans"]["2026"], 1)
    ratio = header.index("Skuldsättningsgrad (%)")
    # 16.4 % in the JSON (percent) is 0.164 in the cell, shown as 16,4 %.
    assert first[ratio] == pytest.approx(debt["ratio"]["2026"] / 100, abs=6e-4)
    cell = sheet.cell(row=sheet.max_row - len(rows) + 1, column=ratio + 1)
    assert cell.number_format == "0.0%"


def test_liquidity_one_row_per_month(evaluated):
    books, document = evaluated
    header, rows = rows_of(books["sv"]["Likviditet per månad (Mkr)"], "År")
    assert header[:3] == ("År", "Månad", "Kassa (Mkr)")
    assert len(rows) == 12 * len(document["years"])
    march = next(row for row in rows if row[:2] == (2026, "mar"))
    assert march[2] == round(document["liquidity"]["monthly"]["2026-03"]["cash"], 1)


def test_target_rows_equal_the_json(evaluated):
    books, document = evaluated
    header, rows = rows_of(books["sv"]["Målvärden"], "Målvärde")
    assert len(rows) == len(document["targets"])
    value, limit = header.index("Utfall"), header.index("Gräns")
    for row, target in zip(rows, document["targets"], strict=True):
        assert row[1] == target["id"] and row[2] == target["year"]
        assert row[value] == round(target["value"], 2)
        assert row[limit] == round(target["limit"], 2)
    assert {row[header.index("Status")] for row in rows} >= {"uppfyllt", "EJ uppfyllt"}


def test_frozen_headers_number_formats_no_index_and_no_float_noise(evaluated):
    books, _ = evaluated
    for book in books.values():
        for sheet in book.worksheets[1:]:
            assert sheet.freeze_panes is not None, sheet.title
            header_row = int(sheet.freeze_panes.lstrip("ABCDEFGH")) - 1
            first_header = sheet.cell(row=header_row, column=1).value
            assert first_header not in (None, "", "index", "Unnamed: 0"), sheet.title
        formats = {cell.number_format for cell in numeric_cells(book)}
        assert {"#,##0.0", "0.0%", "0"} <= formats
        for cell in numeric_cells(book):
            if isinstance(cell.value, float):
                decimals = repr(cell.value).split(".")[1]
                assert "e" in decimals or len(decimals) <= 4, (
                    cell.coordinate,
                    cell.value,
                )


# 2. compare and fou write workbooks too; an infeasible plan's holds the diagnosis.


def test_compare_workbook(tmp_path):
    out = tmp_path / "compare.xlsx"
    result = run("compare", DECIDED, "-o", out)
    assert result.exit_code == 0, result.output
    document = json.loads(run("compare", DECIDED, "--format", "json").output)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:3] == [
        "Sammanfattning",
        "Beslutad och optimal plan",
        "Ny besparing",
    ]
    header, rows = rows_of(book["Ny besparing"], "Nämnd")
    difference = next(
        row for row in rows if row[:2] == ("Hälso- och sjukvårdsnämnden", "Skillnad")
    )
    expected = document["differences"]["savings"]["HSN"]["2028"]
    assert difference[header.index(2028)] == round(expected, 1)
    header, rows = rows_of(book["Lån och skuldsättning"], "År")
    assert header[1] == "Plan"
    assert {row[1] for row in rows} == {"Beslutad plan", "Optimal plan"}


def test_fou_workbook(tmp_path):
    out = tmp_path / "fou.xlsx"
    result = run("fou", DECIDED, "-o", out, "--lang", "en")
    assert result.exit_code == 0, result.output
    document = json.loads(run("fou", DECIDED, "--format", "json").output)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[1:4] == [
        "FoU funds by level",
        "FoU extra savings by committee",
        "FoU allocation model",
    ]
    header, rows = rows_of(book["FoU funds by level"], "Level (tkr)")
    assert [row[0] for row in rows] == [r["fou_tkr"] for r in document["levels"]]
    extra = header.index("Extra savings (Mkr)")
    for row, level in zip(rows, document["levels"], strict=True):
        expected = level["extra_savings"]
        assert row[extra] == (None if expected is None else round(expected, 1))


def test_infeasible_workbook_holds_the_diagnosis(tmp_path):
    out = tmp_path / "strict.xlsx"
    # in-process; exit 2 with the report written, in a real process: test_outputs
    proc = run_in_process("solve", STRICT, "-o", out)
    assert proc.returncode == 2, proc.stderr
    document = json.loads(run("solve", STRICT, "--format", "json").stdout)
    book = openpyxl.load_workbook(out)
    assert "Diagnos - minsta avsteg" in book.sheetnames
    header, rows = rows_of(book["Diagnos - minsta avsteg"], "Regel")
    relaxations = document["diagnosis"]["relaxations"]
    assert len(rows) == len(relaxations)
    amount = header.index("Avsteg")
    assert [row[amount] for row in rows] == [round(r["amount"], 2) for r in relaxations]
    summary = dict(
        row[:2] for row in book["Sammanfattning"].iter_rows(values_only=True)
    )
    assert summary["Status"] == "ingen plan håller alla regler"


# 3. Text a spreadsheet would run stays text: xlsx and the excel-sv CSV.

INJECTED = (
    "--set",
    "name=" + json.dumps('=HYPERLINK("http://example.com")'),
    "--set",
    "committees.RS.sv_name=" + json.dumps("@SUM(1+1)"),
)


def test_xlsx_escapes_formula_like_names_and_overrides(tmp_path):
    out = tmp_path / "r.xlsx"
    result = run("evaluate", DECIDED, *INJECTED, "-o", out)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert '\'=HYPERLINK("http://example.com")' in values
    assert "'@SUM(1+1)" in values
    changes = [
        row[1]
        for row in book["Sammanfattning"].iter_rows(values_only=True)
        if row[0] == "Ändrade värden"
    ]
    assert len(changes) == 2 and all(not c.startswith("=") for c in changes)


def test_excel_sv_csv_escapes_formulas(tmp_path):
    out = tmp_path / "r.csv"
    args = (*INJECTED, "--csv-dialect", "excel-sv")
    assert run("evaluate", DECIDED, *args, "-o", out).exit_code == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].startswith('"\'=HYPERLINK(""http://example.com"")";decided;')


# 4. CSV for Swedish Excel: semicolons, decimal comma, UTF-8 with BOM.


def test_excel_sv_csv_reads_back_to_the_standard_table(tmp_path):
    import pandas as pd

    standard = run("evaluate", DECIDED, "--format", "csv").output
    assert standard.startswith("scenario,mode,table")  # the default is unchanged
    out = tmp_path / "sv.csv"
    result = run("evaluate", DECIDED, "-o", out, "--csv-dialect", "excel-sv")
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfscenario;mode;table;")
    text = data.decode("utf-8-sig")
    assert ";1050,0;Mkr;" in text  # Tabell 2: verksamhetens intäkter 1050.0
    swedish = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    plain = pd.read_csv(io.StringIO(standard))
    pd.testing.assert_frame_equal(swedish, plain)


def test_excel_sv_csv_for_fou_and_compare():
    for command in ("fou", "compare"):
        result = run(command, DECIDED, "--format", "csv", "--csv-dialect", "excel-sv")
        assert result.exit_code == 0, result.output
        assert result.output.startswith("\ufeffscenario;")


# 5. The budget template and its import.


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("template")
    out = folder / "budget.xlsx"
    result = run("template", out)
    assert result.exit_code == 0, result.output
    return out


def key_cell(book, sheet_name, key):
    sheet = book[sheet_name]
    for row in sheet.iter_rows():
        if row[0].value == key:
            return row
    raise KeyError(key)


def test_template_sheets_instructions_units_and_values(template):
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == [
        "Anvisningar",
        "Resultatbudget",
        "Finansieringsbudget",
        "Balansbudget",
        "Investeringar",
        "Nämnder",
        "Antaganden",
        "FoU",
        "Likviditet",
        "Målvärden",
        "Styrmedel",
    ]
    texts = [c.value for row in book["Anvisningar"].iter_rows() for c in row]
    assert any(isinstance(t, str) and "import-excel" in t for t in texts)
    for sheet in book:
        assert sheet.freeze_panes is not None
    row = key_cell(book, "Resultatbudget", "budget.operating_costs")
    # Tabell 2: verksamhetens kostnader 2026 -7075.2 Mkr.
    assert [c.value for c in row[:5]] == [
        "budget.operating_costs",
        "Verksamhetens kostnader",
        "Mkr",
        -7075.2,
        -6978.5,
    ]
    row = key_cell(book, "Nämnder", "budget.committees.HSN")
    assert row[1].value == "Hälso- och sjukvårdsnämnden" and row[3].value == -3787.1
    row = key_cell(book, "Antaganden", "assumptions.lpik_pct")
    assert row[2].value == "%"
    # Units and descriptions are the schema's declarations, in Swedish.
    row = key_cell(book, "Styrmedel", "levers.max_new_borrowing")
    assert [c.value for c in row[1:3]] == ["Högsta nyupplåning per år.", "Mkr"]
    row = key_cell(book, "FoU", "fou.population")
    assert row[2].value == "invånare"


def test_round_trip_reproduces_the_shipped_results_exactly(template, tmp_path):
    from balans.scenario.load import ScenarioBase

    scenario = tmp_path / "imported.yaml"
    result = run("import-excel", template, "--output", scenario)
    assert result.exit_code == 0, result.output
    assert run("validate", scenario).exit_code == 0
    imported = ScenarioBase.read(scenario).merged
    shipped = ScenarioBase.read(DECIDED).merged
    assert imported == shipped

    def evaluated(path):
        document = json.loads(run("evaluate", path, "--format", "json").output)
        for timing in ("solve_seconds", "build_seconds"):
            document["solver"].pop(timing, None)
        return document

    assert evaluated(scenario) == evaluated(DECIDED)


def test_english_template_imports_too(tmp_path):
    from balans.scenario.load import ScenarioBase

    book, scenario = tmp_path / "budget-en.xlsx", tmp_path / "s.yaml"
    assert run("template", book, "--lang", "en").exit_code == 0
    assert "Committees" in openpyxl.load_workbook(book).sheetnames
    result = run("import-excel", book, "-o", scenario)
    assert result.exit_code == 0, result.output
    assert ScenarioBase.read(scenario).merged == ScenarioBase.read(DECIDED).merged


def test_an_edited_workbook_changes_the_plan(template, tmp_path):
    book = openpyxl.load_workbook(template)
    row = key_cell(book, "Antaganden", "assumptions.interest_rate_pct")
    sheet = book["Antaganden"]
    header = next(
        r
        for r in sheet.iter_rows(max_row=row[0].row)
        if r[0].value == "Nyckel" and isinstance(r[3].value, int)
    )
    row[[c.value for c in header].index(2027)].value = 4.5
    edited, scenario = tmp_path / "edited.xlsx", tmp_path / "edited.yaml"
    book.save(edited)
    assert run("import-excel", edited, "-o", scenario).exit_code == 0
    ours = json.loads(run("evaluate", scenario, "--format", "json").output)
    via_set = json.loads(
        run(
            "evaluate",
            DECIDED,
            "--set",
            "assumptions.interest_rate_pct.2027=4.5",
            "--format",
            "json",
        ).output
    )
    assert ours["statements"] == via_set["statements"]


def broken(template, tmp_path, change):
    book = openpyxl.load_workbook(template)
    change(book)
    out = tmp_path / "broken.xlsx"
    book.save(out)
    return out


def set_cell(sheet, key, column, value):
    def change(book):
        key_cell(book, sheet, key)[column].value = value

    return change


def drop_year_column(book):
    """The 2028 column deleted: the headers go 2026, 2027, 2029, 2030."""
    book["Resultatbudget"].delete_cols(6)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (
            lambda book: book.remove(book["Nämnder"]),
            "budget.xlsx: sheet 'Nämnder' is missing",
        ),
        (
            set_cell("Resultatbudget", "budget.operating_costs", 4, "abc"),
            "sheet 'Resultatbudget' cell E7 (budget.operating_costs.2027): must be a "
            "number, not text 'abc'",
        ),
        (
            set_cell("Resultatbudget", "budget.tax_revenue", 3, "4054,6"),
            "sheet 'Resultatbudget' cell D9 (budget.tax_revenue.2026): must be a number, "
            "not the text '4054,6'",
        ),
        (
            set_cell("Resultatbudget", "budget.operating_costs", 5, None),
            "sheet 'Resultatbudget' cell F7 (budget.operating_costs): no value for "
            "year 2028",
        ),
        (
            drop_year_column,
            "sheet 'Resultatbudget' cell F4: year 2028 is missing",
        ),
        (
            set_cell("Nämnder", "budget.committees.PN", 0, "budget.committees.XYZ"),
            "sheet 'Nämnder' cell A11 (budget.committees.XYZ)",
        ),
        (
            set_cell("Målvärden", "rules.debt_ratio.enabled", 3, "kanske"),
            "sheet 'Målvärden' cell D7 (rules.debt_ratio.enabled): must be true or false",
        ),
        (
            set_cell("Resultatbudget", "budget.operating_costs", 2, "tkr"),
            "sheet 'Resultatbudget' cell C7 (budget.operating_costs): the unit is Mkr, "
            "not 'tkr'",
        ),
    ],
    ids=[
        "missing-sheet",
        "text",
        "decimal-comma",
        "year-missing",
        "year-column-missing",
        "unknown-committee",
        "switch",
        "unit",
    ],
)
def test_bad_workbooks_name_sheet_cell_and_key(template, tmp_path, change, says):
    folder = tmp_path / "in"
    folder.mkdir()
    bad = broken(template, tmp_path, change)
    shutil.move(bad, folder / "budget.xlsx")
    result = run("import-excel", folder / "budget.xlsx", "-o", tmp_path / "s.yaml")
    assert result.exit_code == 1
    assert says in result.output, result.output
    assert result.output.count("\n") == 1
    assert not (tmp_path / "s.yaml").exists()


def test_not_a_workbook_is_one_line(tmp_path):
    fake = tmp_path / "budget.xlsx"
    fake.write_text("not a zip")
    result = run("import-excel", fake, "-o", tmp_path / "s.yaml")
    assert result.exit_code == 1
    assert "not an Excel workbook" in result.output


def test_template_and_import_through_a_real_process(tmp_path):
    book, scenario = tmp_path / "budget.xlsx", tmp_path / "scenario.yaml"
    proc = run_process("template", book)
    assert proc.returncode == 0, proc.stderr
    proc = run_process("import-excel", book, "--output", scenario)
    assert proc.returncode == 0, proc.stderr
    result = run("validate", scenario)
    assert result.exit_code == 0 and "ok (rjh-2026-decided, 2026-2030)" in result.output
    book.write_bytes(b"PK broken")
    proc = run_process("import-excel", book, "--output", scenario)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"balans: {book}: not an Excel workbook")


def test_template_escapes_formula_like_text_and_import_restores_it(tmp_path):
    from balans.scenario.load import ScenarioBase
    from balans.testing import write_whatif

    title = '=HYPERLINK("http://example.com")'
    whatif = write_whatif(tmp_path, f"title: {json.dumps(title)}\n")
    book, scenario = tmp_path / "w.xlsx", tmp_path / "w-imported.yaml"
    assert run("template", book, "--scenario", whatif).exit_code == 0
    cells = [c for s in openpyxl.load_workbook(book) for r in s.iter_rows() for c in r]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'" + title in {c.value for c in cells}
    result = run("import-excel", book, "-o", scenario)
    assert result.exit_code == 0, result.output
    assert ScenarioBase.read(scenario).merged["title"] == title


def test_template_needs_an_xlsx_name(tmp_path):
    result = run("template", tmp_path / "budget.csv")
    assert result.exit_code == 1 and "FILE.xlsx" in result.output
