"""Nothing a user types can hurt their files: outputs, formats, modes and links.

Exit codes, file modes and links are the process's behaviour: each kind of check
runs `balans` in a real subprocess at least once (the umask always), and its
repeats run the same console entry point in-process (`run_in_process`).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest
from click.testing import CliRunner

from balans.cli import main
from balans.testing import (
    DECIDED,
    REPO_ROOT,
    SCENARIOS,
    run_in_process,
    write_whatif,
)

STRICT = SCENARIOS / "whatif-strict-loans.yaml"
MODEL = REPO_ROOT / "models" / "rjh" / "model.yaml"


def run_process(*args, cwd=REPO_ROOT, umask=None):
    def set_umask():
        os.umask(umask)

    return subprocess.run(
        [sys.executable, "-m", "balans", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        preexec_fn=set_umask if umask is not None else None,
    )


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# 1. An output that is an input of the run is refused before anything is written.


@pytest.fixture
def whatif(tmp_path):
    """A what-if in tmp_path that extends a copy of the decided scenario there."""
    text = DECIDED.read_text(encoding="utf-8")
    model = os.path.relpath(MODEL.parent, tmp_path)
    base = tmp_path / "base.yaml"
    base.write_text(text.replace("model: ../models/rjh", f"model: {model}"))
    return write_whatif(tmp_path, "title: x\n", base=base)


@pytest.mark.parametrize("which", ["scenario", "parent", "model"])
def test_an_input_is_never_overwritten(whatif, which):
    target = {
        "scenario": whatif,
        "parent": whatif.parent / "base.yaml",
        "model": MODEL,
    }[which]
    before = target.read_bytes()
    runner = run_process if which == "scenario" else run_in_process
    proc = runner("evaluate", whatif, "--format", "json", "-o", target)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "an input of this run" in proc.stderr and str(target) in proc.stderr
    assert target.read_bytes() == before


def test_an_input_reached_through_another_name_is_refused(whatif):
    link = whatif.parent / "alias.yaml"
    link.symlink_to(whatif.parent / "base.yaml")
    proc = run_in_process("solve", whatif, "-o", "alias.yaml", cwd=whatif.parent)
    assert proc.returncode == 1 and "an input of this run" in proc.stderr


def test_write_model_over_an_input_or_the_report_is_refused(whatif, tmp_path):
    scenario_named_lp = whatif.rename(whatif.with_suffix(".lp"))
    proc = run_process("solve", scenario_named_lp, "--write-model", scenario_named_lp)
    assert proc.returncode == 1 and "an input of this run" in proc.stderr
    out = tmp_path / "same.lp"
    proc = run_in_process("solve", DECIDED, "--write-model", out, "-o", out)
    assert proc.returncode == 1 and "name the same file" in proc.stderr
    assert not out.exists()


# 2. --write-model takes the suffix in any case.


@pytest.mark.parametrize("name", ["M.MPS", "M.Lp"])
def test_write_model_suffix_in_any_case(tmp_path, name):
    path = tmp_path / name
    # a real process writes a model in test_cli.test_subprocess_write_model
    proc = run_in_process("solve", DECIDED, "--write-model", path, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert path.stat().st_size > 0


def test_write_model_with_another_suffix_is_refused_before_solving(tmp_path):
    proc = run_in_process("solve", DECIDED, "--write-model", tmp_path / "m.txt")
    assert proc.returncode == 1
    assert proc.stderr.strip().endswith("--write-model needs a .mps or .lp file name")


# 5. Modes, umask and links.


def test_a_new_file_honours_the_umask(tmp_path):
    out = tmp_path / "new.json"
    proc = run_process("validate", DECIDED, "-o", out, umask=0o022)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    out2 = tmp_path / "private.json"
    assert run_process("validate", DECIDED, "-o", out2, umask=0o077).returncode == 0
    assert stat.S_IMODE(out2.stat().st_mode) == 0o600


def test_an_existing_file_keeps_its_mode(tmp_path):
    out = tmp_path / "shared.txt"
    out.write_text("old\n")
    out.chmod(0o664)
    proc = run_process("validate", DECIDED, "-o", out, umask=0o077)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o664
    assert out.read_text().startswith(f"{DECIDED}: ok")


def test_a_link_is_written_through_to_its_target(tmp_path):
    target = tmp_path / "reports" / "latest.json"
    target.parent.mkdir()
    target.write_text("{}\n")
    target.chmod(0o640)
    link = tmp_path / "report.json"
    link.symlink_to(os.path.relpath(target, tmp_path))
    proc = run_in_process("validate", DECIDED, "-o", link)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink()
    assert json.loads(target.read_text())["status"] == "ok"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["latest.json"]


# 7. The format: --format, else the suffix; contradictions are errors.


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["validate", DECIDED, "--format", "xlsx", "-o", "v.xlsx"], "not validate"),
        (["validate", DECIDED, "-o", "v.csv"], "not validate"),
        (["evaluate", DECIDED, "--format", "csv", "-o", "x.json"], "suffix .json"),
        (["evaluate", DECIDED, "--format", "table", "-o", "x.md"], "suffix .md"),
        (["validate", DECIDED, "-o", "x.xlsx"], "fou and explain, not validate"),
    ],
)
def test_formats_a_command_cannot_write_are_refused(tmp_path, args, says):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 1, result.output
    assert says in result.output
    assert not list(tmp_path.iterdir())


def test_validate_writes_json_when_asked(tmp_path):
    out = tmp_path / "v.json"
    result = run("validate", SCENARIOS / "whatif-getingen-11.yaml", "-o", out)
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert doc["status"] == "ok" and doc["scenario"] == "whatif-getingen-11"


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("r.json", lambda b: json.loads(b)["mode"] == "decided"),
        ("r.csv", lambda b: b.startswith(b"scenario,mode,table")),
        ("r.md", lambda b: b.startswith(b"# balans: rjh-2026-decided")),
        ("r.xlsx", lambda b: b.startswith(b"PK")),
        ("r.txt", lambda b: b.startswith(b"Beslutad plan\n")),
    ],
)
def test_the_suffix_chooses_the_format(tmp_path, name, check):
    out = tmp_path / name
    result = run("evaluate", DECIDED, "-o", out)
    assert result.exit_code == 0, result.output
    assert check(out.read_bytes())


# 12. An infeasible solve writes its report (with the diagnosis) in every format,
# and says so on stderr; bad input, solver trouble and failed verification never
# touch an existing file.


@pytest.mark.parametrize("suffix", ["json", "csv", "md", "xlsx", "txt"])
def test_infeasible_writes_the_report_and_says_where(tmp_path, suffix):
    out = tmp_path / f"r.{suffix}"
    out.write_text("old\n")
    runner = run_process if suffix == "json" else run_in_process  # one real process
    proc = runner("solve", STRICT, "-o", out)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1
    assert f"rapporten med diagnosen skrevs till {out}" in proc.stderr
    assert out.read_bytes() != b"old\n"


def test_bad_input_leaves_an_existing_report_alone(tmp_path):
    out = tmp_path / "r.json"
    out.write_text("old\n")
    proc = run_in_process(
        "solve", DECIDED, "--set", "horizon.first_year=abc", "-o", out
    )
    assert proc.returncode == 1
    assert out.read_text() == "old\n"


# 13. An empty output name is one clear line.


@pytest.mark.parametrize("command", ["validate", "evaluate", "schema"])
def test_an_empty_output_name_is_a_clear_error(command):
    args = [command] if command == "schema" else [command, DECIDED]
    runner = run_process if command == "validate" else run_in_process
    proc = runner(*args, "-o", "")
    assert proc.returncode == 1
    assert proc.stderr == "balans: --output: the file name is empty\n"


def test_an_output_name_ending_in_a_slash_is_refused(tmp_path):
    proc = run_in_process("validate", DECIDED, "-o", f"{tmp_path}/new/")
    assert proc.returncode == 1 and "needs a file name" in proc.stderr


# 6. Text a spreadsheet would run is escaped in CSV, xlsx and Markdown (OWASP).

INJECTED = (
    "--set",
    "name=" + json.dumps('=HYPERLINK("http://example.com")'),
    "--set",
    "committees.RS.sv_name=" + json.dumps("@SUM(1+1)"),
    "--set",
    "committees.HSN.sv_name=" + json.dumps("+cmd|' /C calc'!A0"),
)


def test_csv_escapes_formulas(tmp_path):
    out = tmp_path / "r.csv"
    assert run("evaluate", DECIDED, *INJECTED, "-o", out).exit_code == 0
    lines = out.read_text().splitlines()
    assert lines[1].startswith('"\'=HYPERLINK(""http://example.com"")",decided,')
    assert not any(line.startswith(("=", "+", "@", "-", '"=')) for line in lines)
    assert ",-" in out.read_text()  # negative numbers stay numbers


def test_markdown_escapes_formulas_but_not_numbers(tmp_path):
    out = tmp_path / "r.md"
    assert run("evaluate", DECIDED, *INJECTED, "-o", out).exit_code == 0
    text = out.read_text()
    assert "| '@SUM(1+1) |" in text and "| '+cmd\\|' /C calc'!A0 |" in text
    assert "- '=HYPERLINK" in text
    cells = [c.strip() for line in text.splitlines() for c in line.split("|")]
    assert any(c.startswith("-") and c[1:2].isdigit() for c in cells)


def test_xlsx_holds_no_formulas(tmp_path):
    import openpyxl

    out = tmp_path / "r.xlsx"
    result = run("evaluate", DECIDED, *INJECTED, "-o", out)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'@SUM(1+1)" in {c.value for c in cells}


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "+1"),
        ("-1 343,2", "-1 343,2"),
        ("-12,5 %", "-12,5 %"),
        ("-", "-"),
        ("-cmd", "'-cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("@x", "'@x"),
        ("plain", "plain"),
        (3.5, 3.5),
    ],
)
def test_safe_cell(text, safe):
    from balans.reports.output import safe_cell

    assert safe_cell(text) == safe


# 8. The terminal report never breaks a number or "month year" across lines.


@pytest.mark.parametrize("width", [37, 41, 50, 63, 80])
def test_terminal_notes_keep_numbers_and_months_together(width):
    from balans.reports.sections import Section
    from balans.reports.terminal import NBSP, render_terminal

    value = "dec 2026 (-1 343,2)"
    note = "Månader under golvet: " + ", ".join([value, "jul 2027 (12,5 %)"] * 8)
    text = render_terminal([Section("Likviditet", notes=[note])], width=width)
    lines = text.replace(NBSP, " ").splitlines()
    assert sum(line.count(value) for line in lines) == 8
    assert sum(line.count("jul 2027 (12,5 %)") for line in lines) == 8
    assert all(len(line) <= width for line in lines)
