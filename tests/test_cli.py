"""The CLI's normal paths, in-process (CliRunner) and through a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from balans.cli import main
from balans.testing import DECIDED, REPO_ROOT, SCENARIOS

STRICT = SCENARIOS / "whatif-strict-loans.yaml"
JSON_FIELDS = {
    "scenario",
    "mode",
    "status",
    "objective",
    "years",
    "statements",
    "committees",
    "fou_tkr",
    "restoration",
    "targets",
    "findings",
}
COMMITTEES = {"RF", "RS", "HSN", "RUN", "KTN", "REV", "PN"}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def run_process(*args, cwd=REPO_ROOT):
    return subprocess.run(
        [sys.executable, "-m", "balans", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_evaluate_prints_swedish_statements_and_targets():
    result = run("evaluate", DECIDED)
    assert result.exit_code == 0, result.output
    for heading in (
        "Resultatbudget",
        "Balansbudget",
        "Finansieringsbudget",
        "Målvärden",
        "Fynd i underlaget",
        "Återställande av underskott",
    ):
        assert heading in result.output
    assert "EJ uppfyllt" in result.output  # likviditetsgolv 2026 (63 < 200)


def test_english_labels_on_request():
    result = run("evaluate", DECIDED, "--lang", "en")
    assert result.exit_code == 0
    assert "Income statement" in result.output and "NOT met" in result.output
    assert "Resultatbudget" not in result.output


def test_solve_json_contract(tmp_path):
    out = tmp_path / "out.json"
    result = run(
        "solve",
        SCENARIOS / "whatif-skr-tax-base.yaml",
        "--format",
        "json",
        "--output",
        out,
    )
    assert result.exit_code == 0, result.output
    assert result.output == ""
    doc = json.loads(out.read_text())
    assert JSON_FIELDS <= set(doc)
    assert doc["mode"] == "optimal" and doc["status"] == "optimal"
    assert doc["years"] == [2026, 2027, 2028, 2029, 2030]
    assert set(doc["statements"]) == {"income", "balance", "cash_flow"}
    assert set(doc["statements"]["income"]["result"]) == {
        "2026",
        "2027",
        "2028",
        "2029",
        "2030",
    }
    assert "cash" in doc["statements"]["balance"]
    assert "new_long_term_debt" in doc["statements"]["cash_flow"]
    assert set(doc["committees"]) == COMMITTEES
    assert {"net_frame", "savings"} <= set(doc["committees"]["HSN"])
    assert {"opening", "result", "closing"} <= set(doc["restoration"])  # extended only
    row = doc["targets"][0]
    assert {"id", "year", "value", "limit", "met", "margin"} <= set(row)
    assert isinstance(doc["findings"], list) and doc["findings"]


def _without_text(document):
    """A JSON document without its text in a language (`findings`) and timings."""
    if isinstance(document, dict):
        return {
            key: _without_text(value)
            for key, value in document.items()
            if key != "findings" and not key.endswith("_seconds")
        }
    if isinstance(document, list):
        return [_without_text(value) for value in document]
    return document


@pytest.mark.parametrize(
    ("command", "scenario"),
    [("evaluate", DECIDED), ("solve", STRICT), ("compare", DECIDED)],
)
def test_json_numbers_are_the_same_in_both_languages(command, scenario):
    """Only the `findings` texts follow --lang; every number and id is the same."""
    sv, en = (
        json.loads(run(command, scenario, "--format", "json", "--lang", lang).stdout)
        for lang in ("sv", "en")
    )
    assert _without_text(sv) == _without_text(en)
    plan_sv, plan_en = (doc.get("decided", doc) for doc in (sv, en))
    assert plan_sv["finding_records"] and plan_sv["findings"] != plan_en["findings"]
    assert len(plan_sv["findings"]) == len(plan_sv["finding_records"])
    assert {r["id"] for r in plan_sv["finding_records"]} >= {
        "debt_ratio_readings",
        "cash_below_floor",
    }


def test_set_override_changes_the_plan_and_is_recorded():
    base = json.loads(run("solve", DECIDED, "--format", "json").output)
    result = run(
        "solve",
        DECIDED,
        "--set",
        "assumptions.interest_rate_pct.2027=4.5",
        "--format",
        "json",
    )
    doc = json.loads(result.output)
    assert doc["applied_overrides"] == [
        "--set assumptions.interest_rate_pct.2027: 3.0 -> 4.5"
    ]
    assert (
        doc["statements"]["income"]["loan_interest"]["2027"]
        > (base["statements"]["income"]["loan_interest"]["2027"])
    )


def test_compare_shows_both_plans_and_differences():
    result = run("compare", DECIDED)
    assert result.exit_code == 0
    assert "Beslutad plan" in result.output and "Optimal plan" in result.output
    assert "Skillnad" in result.output
    doc = json.loads(run("compare", DECIDED, "--format", "json").output)
    assert doc["decided"]["mode"] == "decided" and doc["optimal"]["mode"] == "optimal"
    saving = doc["differences"]["savings"]["HSN"]["2026"]
    assert saving == pytest.approx(
        doc["optimal"]["committees"]["HSN"]["savings"]["2026"]
        - doc["decided"]["committees"]["HSN"]["savings"]["2026"],
        abs=1e-5,
    )


def test_csv_is_tidy():
    lines = run("evaluate", DECIDED, "--format", "csv").output.splitlines()
    assert lines[0] == "scenario,mode,table,quantity,committee,year,value,unit,month"
    assert "rjh-2026-decided,decided,income,result,,2027,260.1,Mkr," in lines
    assert any(
        line.startswith("rjh-2026-decided,decided,liquidity,cash,,2026,")
        and line.endswith(",Mkr,8")
        for line in lines
    )


def test_markdown_report(tmp_path):
    out = tmp_path / "report.md"
    assert run("solve", DECIDED, "--format", "md", "-o", out).exit_code == 0
    text = out.read_text()
    assert text.startswith("# balans: rjh-2026-decided")
    assert "| Årets resultat |" in text


def test_schema_is_json_schema():
    doc = json.loads(run("schema").output)
    assert doc["type"] == "object"
    assert "budget" in doc["properties"] and "rules" in doc["properties"]
    assert doc["additionalProperties"] is False


def test_infeasible_solve_exits_2_with_the_conflict():
    result = CliRunner().invoke(main, ["solve", str(STRICT)])
    assert result.exit_code == 2
    assert "Varför ingen plan håller alla regler" in result.output
    assert "Likviditetsgolv" in result.output


def test_output_to_missing_folder_is_a_clean_error(tmp_path):
    result = CliRunner().invoke(
        main, ["evaluate", str(DECIDED), "-o", str(tmp_path / "no" / "x.json")]
    )
    assert result.exit_code == 1
    assert "does not exist" in result.output


# Real subprocesses: what a user or a sweep script sees.


def test_subprocess_solve_json_to_stdout():
    proc = run_process("solve", "scenarios/rjh-2026-decided.yaml", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    doc = json.loads(proc.stdout)
    assert doc["status"] == "optimal" and doc["objective"] > 0


def test_subprocess_infeasible_exit_code_and_one_line_on_stderr():
    proc = run_process(
        "solve", "scenarios/whatif-strict-loans.yaml", "--format", "json"
    )
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Likviditetsgolv" in proc.stderr and "Traceback" not in proc.stderr
    doc = json.loads(proc.stdout)  # the report is still written
    assert doc["status"] == "infeasible"
    rules = {row["rule"] for row in doc["diagnosis"]["relaxations"]}
    assert {"liquidity_floor", "loan_ceiling", "debt_ratio_ceiling"} <= rules


def test_subprocess_write_model(tmp_path):
    path = tmp_path / "model.mps"
    proc = run_process("solve", DECIDED, "--write-model", path, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert path.read_text().startswith("* balans: scenario rjh-2026-decided")


def test_subprocess_usage_error_is_one_line_and_exit_1():
    """Exit code 2 means "no plan"; a wrong option is bad input: exit 1."""
    proc = run_process("solve", "scenarios/rjh-2026-decided.yaml", "--format", "xml")
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "--format" in proc.stderr


def test_subprocess_help_and_version_exit_0():
    assert run_process("--help").returncode == 0
    proc = run_process("--version")
    assert proc.returncode == 0 and "balans" in proc.stdout


def test_excel_report_holds_numbers(tmp_path, decided_plan):
    import openpyxl

    out = tmp_path / "plan.xlsx"
    result = run("evaluate", DECIDED, "--format", "xlsx", "-o", out)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert {"Resultatbudget", "Balansbudget", "Målvärden", "Fynd i underlaget"} <= set(
        book.sheetnames
    )
    income = book["Resultatbudget"]
    rows = {row[0]: row[1:] for row in income.iter_rows(min_row=3, values_only=True)}
    years = list(rows["Rad (Mkr)"])
    # Tabell 2: Årets resultat 260.1 in 2027, as a number the finance department can use.
    assert rows["Årets resultat"][years.index(2027)] == pytest.approx(260.1, abs=0.15)
    findings = book["Fynd i underlaget"]
    assert findings.max_row - 3 == len(decided_plan.findings)  # title, blank, header


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["solve", str(DECIDED), "--format", "xlsx"], "needs --output FILE.xlsx"),
        (
            ["validate", str(DECIDED), "--format", "xlsx", "-o", "x.xlsx"],
            "evaluate, solve, compare, fou and explain",
        ),
    ],
)
def test_excel_needs_a_file_and_a_plan_command(args, words):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert words in result.output
