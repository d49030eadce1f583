"""Shell completion for bash and zsh: commands, files, objectives, formats, --set keys."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from balans.cli import main
from balans.testing import REPO_ROOT

SCRIPT = Path(sys.executable).with_name("balans")


def complete(shell: str, line: str, cwd: Path = REPO_ROOT) -> list[str]:
    """What click offers for the last word of `line` (values only)."""
    words = line.split(" ")
    env = {
        "_BALANS_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) - 1),
    }
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, [], env=env, prog_name="balans")
    finally:
        os.chdir(previous)
    lines = [line for line in result.output.splitlines() if line]
    if shell == "bash":  # "type,value" per line
        return [line.split(",", 1)[1] for line in lines]
    return lines[1::3]  # zsh: type, value, help


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_commands(shell):
    assert {"validate", "evaluate", "solve", "compare", "fou", "schema"} <= set(
        complete(shell, "balans ")
    )


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_objectives_and_formats(shell):
    assert complete(shell, "balans solve x.yaml --objective max-") == [
        "max-margin",
        "max-fou",
    ]
    assert complete(shell, "balans evaluate x.yaml --format ") == [
        "table",
        "json",
        "csv",
        "md",
        "xlsx",
    ]


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_scenario_files_and_folders(shell, tmp_path):
    (tmp_path / "plans").mkdir()
    (tmp_path / "a.yaml").write_text("")
    (tmp_path / "notes.txt").write_text("")
    (tmp_path / "plans" / "b.yaml").write_text("")
    assert complete(shell, "balans validate ", cwd=tmp_path) == ["a.yaml", "plans/"]
    assert complete(shell, "balans solve plans/", cwd=tmp_path) == ["plans/b.yaml"]
    shipped = complete(shell, "balans compare scenarios/whatif-s")
    assert shipped == [
        "scenarios/whatif-skr-tax-base.yaml",
        "scenarios/whatif-strict-loans.yaml",
    ]


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_set_keys_come_from_the_schema(shell):
    assert complete(shell, "balans solve x.yaml --set assum") == ["assumptions."]
    offered = complete(shell, "balans solve x.yaml --set assumptions.inter")
    assert offered == ["assumptions.interest_rate_pct."]
    offered = complete(shell, "balans solve x.yaml --set rules.debt_ratio.en")
    assert offered == ["rules.debt_ratio.enabled="]
    assert complete(shell, "balans solve x.yaml --set nothing.here") == []


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o nosort -F _balans_completion balans"),
        ("zsh", "#compdef balans"),
    ],
)
def test_the_installed_command_prints_its_completion_script(shell, marker):
    proc = subprocess.run(
        [str(SCRIPT)],
        env={**os.environ, "_BALANS_COMPLETE": f"{shell}_source"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert marker in proc.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_report_command_and_its_risk_file(shell):
    assert "report" in complete(shell, "balans ")
    assert complete(
        shell, "balans report scenarios/rjh-2026-decided.yaml --risk tests/data/ri"
    ) == ["tests/data/risk.json"]
    assert complete(shell, "balans report scenarios/rjh-2026-decided.yaml --lang ") == [
        "sv",
        "en",
    ]


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_excel_commands_formats_and_csv_dialect(shell):
    assert {"template", "import-excel"} <= set(complete(shell, "balans "))
    for command in ("compare", "fou"):
        assert "xlsx" in complete(shell, f"balans {command} x.yaml --format ")
    assert complete(shell, "balans evaluate x.yaml --csv-dialect ") == [
        "standard",
        "excel-sv",
    ]
    assert complete(shell, "balans template b.xlsx --scenario scenarios/rjh") == [
        "scenarios/rjh-2026-decided.yaml"
    ]
